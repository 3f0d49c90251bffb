/* tb-receipt-preferences-page.h: the Preferences page "E-receipts"
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define TB_TYPE_RECEIPT_PREFERENCES_PAGE (tb_receipt_preferences_page_get_type ())

G_DECLARE_FINAL_TYPE (TbReceiptPreferencesPage, tb_receipt_preferences_page, TB,
                      RECEIPT_PREFERENCES_PAGE, AdwPreferencesPage)

/* The Preferences page "E-receipts": switch, default receiver type, district and
 * classification codes (only valid values are written), receipt paper. */
AdwPreferencesPage *tb_receipt_preferences_page_new (GSettings      *settings);

G_END_DECLS
