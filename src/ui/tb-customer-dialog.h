/* tb-customer-dialog.h: pick a customer for a bill, or create one
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "core/tb-ledger.h"

G_BEGIN_DECLS

#define TB_TYPE_CUSTOMER_DIALOG (tb_customer_dialog_get_type ())

G_DECLARE_FINAL_TYPE (TbCustomerDialog, tb_customer_dialog, TB, CUSTOMER_DIALOG, AdwWindow)

/* A modal window over @parent. It emits ::customer-chosen (gint64 id, 0 = walk-in) and
 * closes itself when a customer is picked or created. */
GtkWidget *tb_customer_dialog_new (GtkWindow *parent,
                                   TbLedger  *ledger);

G_END_DECLS
