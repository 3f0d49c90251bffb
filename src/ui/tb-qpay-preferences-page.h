/* tb-qpay-preferences-page.h: Preferences → QPay
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "tb-qpay-setup.h"

G_BEGIN_DECLS

#define TB_TYPE_QPAY_PREFERENCES_PAGE (tb_qpay_preferences_page_get_type ())

G_DECLARE_FINAL_TYPE (TbQpayPreferencesPage, tb_qpay_preferences_page, TB, QPAY_PREFERENCES_PAGE,
                      AdwPreferencesPage)

/* The account (environment, client ID, secret, invoice and branch codes, callback address)
 * and "Test connection". Writes only valid values to @setup's settings. */
AdwPreferencesPage *tb_qpay_preferences_page_new (TbQpaySetup *setup);

G_END_DECLS
