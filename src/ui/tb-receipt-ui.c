/* tb-receipt-ui.c: the settings and labels the receipt list and the Preferences page share
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "tb-receipt-ui-private.h"
#include "tb-ui-util.h"

char *
tb_receipt_ui_dup_setting (GSettings  *settings,
             const char *key)
{
  if (!tb_ui_settings_has_key (settings, key))
    return NULL;

  return g_settings_get_string (settings, key);
}

const char *
tb_receipt_ui_receiver_type_label (const char *type)
{
  if (g_strcmp0 (type, "COMPANY") == 0)
    return C_("e-receipt receiver", "Company");

  return C_("e-receipt receiver", "Citizen");
}
