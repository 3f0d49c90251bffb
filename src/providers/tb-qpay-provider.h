/* tb-qpay-provider.h: QPay as a TbPaymentProvider
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tb-payment-provider.h"
#include "tb-qpay-client.h"

G_BEGIN_DECLS

/* QPay takes whole tögrög. It has a MIN_AMOUNT_ERR without a published threshold (merchants
 * report trouble below 10 ₮; docs/qpay.md, "Invoices"), so Tulbur asks for at least 10 ₮ and
 * the simulator enforces the same. */
#define TB_QPAY_MIN_AMOUNT G_GINT64_CONSTANT (1000)

#define TB_TYPE_QPAY_PROVIDER (tb_qpay_provider_get_type ())
G_DECLARE_FINAL_TYPE (TbQpayProvider, tb_qpay_provider, TB, QPAY_PROVIDER, GObject)

TbQpayProvider *tb_qpay_provider_new        (TbQpayClient   *client);
TbQpayClient   *tb_qpay_provider_get_client (TbQpayProvider *self);
/* Issue #6: with an Ebarimt-enabled invoice code ("EB_…") and a district code, a QR that pays
 * a whole bill is created in QPay's Ebarimt-invoice form: the bill's lines with their
 * classification codes (or @default_classification) and per-line VAT / city tax. A QR for part
 * of a bill stays in the simple form (its lines could not add up to the amount). NULL district:
 * always the simple form. */
void            tb_qpay_provider_set_ebarimt_invoice (TbQpayProvider *self,
                                                      const char     *district_code,
                                                      const char     *default_classification);

G_END_DECLS
