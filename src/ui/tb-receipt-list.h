/* tb-receipt-list.h: the bill page's "E-receipt" section
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
 * bill has no QPay payment. This is the bill page: the bill's e-receipt phone is shown in full
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

G_END_DECLS
