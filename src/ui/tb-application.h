/* tb-application.h: the app: opens the ledger, holds settings, makes windows
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "core/tb-ledger.h"
#include "tb-qpay-setup.h"

G_BEGIN_DECLS

#define TB_TYPE_APPLICATION (tb_application_get_type ())

G_DECLARE_FINAL_TYPE (TbApplication, tb_application, TB, APPLICATION, AdwApplication)

TbApplication *tb_application_new                (void);
/* The ledger opened at startup (tb_ledger_default_path(), so TULBUR_DB is honoured), or
 * NULL when it could not be opened: then tb_application_get_ledger_error() says why. */
TbLedger      *tb_application_get_ledger         (TbApplication *self);
const GError  *tb_application_get_ledger_error   (TbApplication *self);
/* NULL when the settings schema is not installed. */
GSettings     *tb_application_get_settings       (TbApplication *self);
/* QPay (tb-qpay-setup.h): built at startup, rebuilt when its settings change. NULL before
 * startup. The getters below ask it for the current objects (NULL while none). */
TbQpaySetup      *tb_application_get_qpay_setup      (TbApplication *self);
TbPaymentService *tb_application_get_payment_service (TbApplication *self);
TbReceiptQueue   *tb_application_get_receipt_queue   (TbApplication *self);
gboolean          tb_application_is_demo             (TbApplication *self);
/* The in-process QPay simulator in demo mode, else NULL. */
TbSimServer      *tb_application_get_sim             (TbApplication *self);
/* Tests: demo mode uses @sim (already started) instead of its own, so that a simulator
 * outlives an app restart. Call before g_application_run(). */
void              tb_application_use_sim             (TbApplication *self,
                                                      TbSimServer   *sim);

G_END_DECLS
