/* tb-receipt-ui-private.h: what the receipt widgets share (not installed, not public)
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* TRUE when @text is exactly @length ASCII digits. */
gboolean    tb_receipt_ui_all_digits           (const char *text,
                                                gsize       length);
/* The string setting @key, or NULL when the schema has no such key. */
char       *tb_receipt_ui_dup_setting          (GSettings  *settings,
                                                const char *key);
const char *tb_receipt_ui_receiver_type_label  (const char *type);
/* Validation shared by the bill's receipt options and Preferences: NULL when @text (trimmed,
 * NULL or empty = use the default) is acceptable, else a translated message. */
const char *tb_receipt_ui_check_district       (const char *text);
const char *tb_receipt_ui_check_classification (const char *text);

G_END_DECLS
