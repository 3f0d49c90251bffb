/* tb-void-dialog.h: ask why a bill is voided
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define TB_TYPE_VOID_DIALOG (tb_void_dialog_get_type ())

G_DECLARE_FINAL_TYPE (TbVoidDialog, tb_void_dialog, TB, VOID_DIALOG, AdwMessageDialog)

/* Responses: "cancel" and "void" (enabled only once a reason is typed). */
GtkWidget *tb_void_dialog_new        (GtkWindow    *parent,
                                      const char   *bill_number);
/* The trimmed reason, or NULL when none was typed. */
char      *tb_void_dialog_dup_reason (TbVoidDialog *self);

G_END_DECLS
