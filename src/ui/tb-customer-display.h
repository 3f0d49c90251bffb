/* tb-customer-display.h: the QR full screen for the customer (a second screen, or this one)
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "receipt/tb-qr.h"

G_BEGIN_DECLS

/* An undecorated window with nothing but the business name, a very large QR, the amount and
 * a line of status, so that the customer scans the right thing without coming behind the
 * counter (docs/decisions.md). Escape closes it; the QR window closes it with itself. */

#define TB_TYPE_CUSTOMER_DISPLAY (tb_customer_display_get_type ())

G_DECLARE_FINAL_TYPE (TbCustomerDisplay, tb_customer_display, TB, CUSTOMER_DISPLAY, GtkWindow)

GtkWidget  *tb_customer_display_new           (const TbQrMatrix  *matrix,
                                               const char        *amount,
                                               const char        *business_name);
/* Full screen on a monitor other than @staff_window's when there is one, else on the same
 * monitor (the screen is turned towards the customer). */
void        tb_customer_display_present_beside (TbCustomerDisplay *self,
                                                GtkWindow         *staff_window);
/* The customer paid: the QR makes way for a thank-you. */
void        tb_customer_display_set_paid      (TbCustomerDisplay *self);
/* The QR's texture (for tests); NULL before it is shown. */
GdkTexture *tb_customer_display_get_texture   (TbCustomerDisplay *self);

G_END_DECLS
