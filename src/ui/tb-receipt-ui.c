/* tb-receipt-ui.c: the rules and labels the receipt list and the Preferences page share
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "tb-receipt-ui-private.h"
#include "tb-ui-util.h"

gboolean
tb_receipt_ui_all_digits (const char *text,
            gsize       length)
{
  if (text == NULL || strlen (text) != length)
    return FALSE;

  for (const char *p = text; *p != '\0'; p++)
    if (!g_ascii_isdigit (*p))
      return FALSE;

  return TRUE;
}

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

/* Validation shared by the bill's receipt options and Preferences: NULL when @text (trimmed,
 * NULL or empty = use the default) is acceptable, else a translated message. */
const char *
tb_receipt_ui_check_district (const char *text)
{
  if (text == NULL || text[0] == '\0' || tb_receipt_ui_all_digits (text, 4))
    return NULL;

  return _("A district code has 4 digits, for example 3505.");
}

const char *
tb_receipt_ui_check_classification (const char *text)
{
  if (text == NULL || text[0] == '\0' || tb_receipt_ui_all_digits (text, 7))
    return NULL;

  return _("A classification code has 7 digits, for example 6743000.");
}
