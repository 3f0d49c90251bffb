/* tb-receipt-view.h: the receipt window: the receipt as the customer sees it
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "core/tb-ledger.h"
#include "services/tb-receipt-queue.h"

G_BEGIN_DECLS

/* The receipt as the customer sees it, with Print, Save as PDF and Copy QR. The receipt must
 * be REGISTERED; otherwise NULL and a translated error is shown in @parent. The window is
 * transient for @parent (nullable) and not yet presented. */
GtkWindow          *tb_receipt_view_new             (GtkWindow      *parent,
                                                     TbLedger       *ledger,
                                                     GSettings      *settings,
                                                     gint64          receipt_id);

G_END_DECLS
