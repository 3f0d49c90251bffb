/* tb-payment-panel.h: take a payment (cash, card, QPay…), split across methods
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "core/tb-ledger.h"
#include "services/tb-payment-service.h"

G_BEGIN_DECLS

#define TB_TYPE_PAYMENT_PANEL (tb_payment_panel_get_type ())

G_DECLARE_FINAL_TYPE (TbPaymentPanel, tb_payment_panel, TB, PAYMENT_PANEL, AdwBin)

GtkWidget *tb_payment_panel_new                  (void);
/* The bill payments go to (NULL: none). Keeps the typed amounts when @bill is the same bill
 * again (after a reload) and only validates them against the new due amount. */
void       tb_payment_panel_set_bill             (TbPaymentPanel *self,
                                                  TbLedger       *ledger,
                                                  const TbBill   *bill);
/* Marks a method usable (@reason NULL) or not yet usable (@reason is shown when it is
 * ticked, and Record stays off while it is). QPay starts as "not configured". */
void       tb_payment_panel_set_method_available (TbPaymentPanel  *self,
                                                  TbPaymentMethod  method,
                                                  const char      *reason);
/* Records the payment if the input is valid and nothing is in flight (Ctrl+Enter). Returns
 * TRUE when a recording started. */
gboolean   tb_payment_panel_record               (TbPaymentPanel *self);
gboolean   tb_payment_panel_get_can_record       (TbPaymentPanel *self);
gboolean   tb_payment_panel_get_busy             (TbPaymentPanel *self);
/* QR methods (QPay): the service that validates their amount (> 0, ≤ due, the provider's
 * minimum, whole tögrög) and makes the QR. NULL: Generate QR stays off. Set the reason with
 * tb_payment_panel_set_method_available() too. QR amounts are never recorded by Record. */
void       tb_payment_panel_set_payment_service  (TbPaymentPanel   *self,
                                                  TbPaymentService *service);
/* Generate QR: opens the bill's intent for the typed QPay amount (reusing an open one of the
 * same amount) and emits ::qr-ready. Returns TRUE when a request started. */
gboolean   tb_payment_panel_generate_qr          (TbPaymentPanel *self);
gboolean   tb_payment_panel_get_generating       (TbPaymentPanel *self);

G_END_DECLS
