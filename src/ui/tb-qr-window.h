/* tb-qr-window.h: one QR payment on screen, from "Waiting for payment" to "Paid"
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "core/tb-ledger.h"
#include "services/tb-payment-watcher.h"
#include "tb-qpay-setup.h"

G_BEGIN_DECLS

/* The QR window (docs/payment-intents.md): the QR drawn from the intent's qr_text with whole pixels
 * per module, amount and bill, a live status line driven by a TbPaymentWatcher (which polls
 * only while the window is on screen), the expiry countdown (a 1 s timer, also only while it
 * is on screen), the QR text, short link and bank app links to copy, Check Now, Cancel
 * Invoice, Show to Customer, and in demo mode Simulate Payment.
 *
 * Closing it loses nothing: the intent stays PENDING in the ledger, the bill page shows it
 * and reopens the same QR, and the reconciler keeps checking it. When the intent is paid the
 * window shows so and closes itself a moment later. */

#define TB_TYPE_QR_WINDOW (tb_qr_window_get_type ())

G_DECLARE_FINAL_TYPE (TbQrWindow, tb_qr_window, TB, QR_WINDOW, AdwWindow)

/* @intent must have a QR (PENDING with qr_text). The window uses @setup's current service. */
GtkWidget        *tb_qr_window_new                  (GtkWindow      *parent,
                                                     TbQpaySetup    *setup,
                                                     const TbIntent *intent);
/* Generate QR was pressed: the window opens at once ("Creating the QR…") and gets its QR with
 * tb_qr_window_set_intent() when QPay answers, so building and showing the window overlaps
 * the wait for QPay. On failure destroy it. */
GtkWidget        *tb_qr_window_new_pending          (GtkWindow      *parent,
                                                     TbQpaySetup    *setup,
                                                     gint64          bill_id,
                                                     const char     *bill_number,
                                                     gint64          amount);
void              tb_qr_window_set_intent           (TbQrWindow     *self,
                                                     const TbIntent *intent);
/* The open window for @intent_id, or NULL. */
TbQrWindow       *tb_qr_window_find                 (gint64          intent_id);
/* 0 while the QR is being made. */
gint64            tb_qr_window_get_intent_id        (TbQrWindow     *self);
gint64            tb_qr_window_get_bill_id          (TbQrWindow     *self);
/* The QR as drawn (an R8G8B8 GdkMemoryTexture). */
GdkTexture       *tb_qr_window_get_texture          (TbQrWindow     *self);
TbPaymentWatcher *tb_qr_window_get_watcher          (TbQrWindow     *self);
/* The status line as shown. */
const char       *tb_qr_window_get_status_text      (TbQrWindow     *self);
/* The customer display, when shown. */
GtkWidget        *tb_qr_window_get_customer_display (TbQrWindow     *self);

G_END_DECLS
