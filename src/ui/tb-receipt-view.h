/* tb-receipt-view.h: Ebarimt receipts in the UI: the bill page's list, the receipt window
 * and the Preferences page
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "core/tb-ledger.h"
#include "services/tb-receipt-queue.h"

G_BEGIN_DECLS

/* The bill page's "E-receipt" section: one row per receipt of the bill (state, ДДТД, lottery,
 * what to do about an error, Retry, View) and the bill's own receipt options. Hidden while the
 * bill has no QPay payment. This is the bill page: the bill's e-barimt phone is shown in full
 * here and nowhere else. */
#define TB_TYPE_RECEIPT_LIST (tb_receipt_list_get_type ())

G_DECLARE_FINAL_TYPE (TbReceiptList, tb_receipt_list, TB, RECEIPT_LIST, GtkWidget)

GtkWidget          *tb_receipt_list_new             (void);
/* @queue may be NULL: then there is no Retry button. @settings: the app's GSettings (paper,
 * defaults shown as hints). */
void                tb_receipt_list_set_context     (TbReceiptList  *self,
                                                     TbLedger       *ledger,
                                                     TbReceiptQueue *queue,
                                                     GSettings      *settings);
/* Shows the receipts of @bill_id (one small read on the calling thread); 0 = none. */
void                tb_receipt_list_set_bill        (TbReceiptList  *self,
                                                     gint64          bill_id);
/* Reads the shown bill's receipts again (after a payment, or "receipt-changed"). */
void                tb_receipt_list_reload          (TbReceiptList  *self);

/* The Preferences page "E-receipts": switch, default receiver type, district and
 * classification codes (only valid values are written), receipt paper. */
AdwPreferencesPage *tb_receipt_preferences_page_new (GSettings      *settings);

/* The receipt as the customer sees it, with Print, Save as PDF and Copy QR. The receipt must
 * be REGISTERED; otherwise NULL and a translated error is shown in @parent. The window is
 * transient for @parent (nullable) and not yet presented. */
GtkWindow          *tb_receipt_view_new             (GtkWindow      *parent,
                                                     TbLedger       *ledger,
                                                     GSettings      *settings,
                                                     gint64          receipt_id);

G_END_DECLS
