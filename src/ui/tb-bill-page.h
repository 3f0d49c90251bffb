/* tb-bill-page.h: one bill: customer, lines, totals, payment, payments, void
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "core/tb-ledger.h"
#include "tb-qpay-setup.h"

G_BEGIN_DECLS

#define TB_TYPE_BILL_PAGE (tb_bill_page_get_type ())

G_DECLARE_FINAL_TYPE (TbBillPage, tb_bill_page, TB, BILL_PAGE, AdwBin)

GtkWidget    *tb_bill_page_new               (void);
void          tb_bill_page_set_ledger        (TbBillPage *self,
                                              TbLedger   *ledger);
/* Reads the bill (one bounded read on the calling thread) and shows it; 0 clears the page.
 * On failure the page is cleared and FALSE returned with @error set. */
gboolean      tb_bill_page_load              (TbBillPage *self,
                                              gint64      bill_id,
                                              GError    **error);
/* Reads the shown bill again (after a write elsewhere). */
void          tb_bill_page_reload            (TbBillPage *self);
gint64        tb_bill_page_get_bill_id       (TbBillPage *self);
/* The bill as last read, or NULL. */
const TbBill *tb_bill_page_get_bill          (TbBillPage *self);
/* Ctrl+Enter: records the payment if the payment panel's input is valid. */
gboolean      tb_bill_page_record_payment    (TbBillPage *self);
/* Moves the keyboard focus to the new line's description. */
void          tb_bill_page_focus_new_line    (TbBillPage *self);
/* QPay: Generate QR in the payment panel, the bill's pending QRs ("QPay invoice pending" with
 * Show QR and Cancel). NULL: QPay shows as not configured. */
void          tb_bill_page_set_qpay_setup    (TbBillPage  *self,
                                              TbQpaySetup *setup);
/* Reads the bill's open QRs again (after an intent changed elsewhere). */
void          tb_bill_page_refresh_qpay      (TbBillPage *self);

G_END_DECLS
