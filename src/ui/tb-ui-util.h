/* tb-ui-util.h: small helpers shared by the windows, pages and dialogs
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "core/tb-bill.h"

G_BEGIN_DECLS

/* The schema every window reads; the Devel flavour shares it. */
#define TB_SETTINGS_SCHEMA_ID "io.github.tulbur.Tulbur"

/* Shows a routine outcome as an AdwToast in the nearest AdwToastOverlay above @widget (or in
 * the window @widget's window is transient for). Does nothing when there is none. */
void         tb_ui_toast             (GtkWidget    *widget,
                                      const char   *text);
/* A real problem: an AdwMessageDialog over @widget's window with @heading and a body made of
 * the error's message and what to do next (tb_ui_error_advice()). Returns the dialog (owned
 * by GTK). */
GtkWidget   *tb_ui_show_error        (GtkWidget    *widget,
                                      const char   *heading,
                                      const GError *error);
/* "What to do next", translated: tb_error_advice() (every domain), or NULL for a
 * TB_RULES_ERROR, whose own message already says what to fix. */
const char  *tb_ui_error_advice      (const GError *error);
/* Local time: "14:32" today, "2026-11-20 14:32" on other days. */
char        *tb_ui_format_time       (gint64        utc_us);
/* TRUE when @settings is non-NULL and its schema has @key: the schema is installed by
 * another part of the build, and a missing key must never abort the app. */
gboolean     tb_ui_settings_has_key  (GSettings    *settings,
                                      const char   *key);
/* Adds or removes a CSS class. */
void         tb_ui_set_css_class     (GtkWidget    *widget,
                                      const char   *css_class,
                                      gboolean      set);
/* The status staff see. An overpaid bill (more paid than its total, or money on a void bill)
 * is shown as "Overpaid", never as plain "Paid": the difference must go back. */
const char  *tb_ui_bill_status_label (TbBillStatus  status,
                                      gboolean      overpaid);
/* The matching CSS class of the .bill-status pill: status-open, -partial, -paid, -void or
 * -overpaid. */
const char  *tb_ui_bill_status_class (TbBillStatus  status,
                                      gboolean      overpaid);
/* Whether @bill is overpaid (the ledger's flag, or more paid than the total). */
gboolean     tb_ui_bill_is_overpaid  (const TbBill *bill);
/* Trimmed copy of an editable's text, NULL when empty. */
char        *tb_ui_editable_dup_text (GtkEditable  *editable);

G_END_DECLS
