/* tb-receipt-ui-private.h: what the receipt widgets share (not installed, not public)
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The string setting @key, or NULL when the schema has no such key. */
char       *tb_receipt_ui_dup_setting          (GSettings  *settings,
                                                const char *key);
const char *tb_receipt_ui_receiver_type_label  (const char *type);

G_END_DECLS
