/* tb-void-dialog.c: ask why a bill is voided
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "tb-ui-util.h"
#include "tb-void-dialog.h"

/* The reason goes into the ledger's audit trail; the ledger caps text at 255 bytes. */
#define MAX_REASON_CHARS 200

struct _TbVoidDialog
{
  AdwMessageDialog  parent_instance;

  GtkEntry         *reason_entry;
};

G_DEFINE_FINAL_TYPE (TbVoidDialog, tb_void_dialog, ADW_TYPE_MESSAGE_DIALOG)

static void
reason_changed_cb (TbVoidDialog *self)
{
  g_autofree char *reason = tb_void_dialog_dup_reason (self);

  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (self), "void", reason != NULL);
}

static void
reason_activate_cb (TbVoidDialog *self)
{
  g_autofree char *reason = tb_void_dialog_dup_reason (self);

  if (reason != NULL)
    adw_message_dialog_response (ADW_MESSAGE_DIALOG (self), "void");
}

static void
tb_void_dialog_class_init (TbVoidDialogClass *klass)
{
}

static void
tb_void_dialog_init (TbVoidDialog *self)
{
  AdwMessageDialog *dialog = ADW_MESSAGE_DIALOG (self);

  self->reason_entry = GTK_ENTRY (gtk_entry_new ());
  gtk_widget_set_name (GTK_WIDGET (self->reason_entry), "void-reason");
  gtk_entry_set_placeholder_text (self->reason_entry, _("Reason, e.g. entered twice"));
  gtk_entry_set_max_length (self->reason_entry, MAX_REASON_CHARS);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->reason_entry),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Reason for voiding"),
                                  -1);
  g_signal_connect_object (self->reason_entry, "changed",
                           G_CALLBACK (reason_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->reason_entry, "activate",
                           G_CALLBACK (reason_activate_cb), self, G_CONNECT_SWAPPED);
  adw_message_dialog_set_extra_child (dialog, GTK_WIDGET (self->reason_entry));

  adw_message_dialog_add_responses (dialog,
                                    "cancel", _("_Cancel"),
                                    "void", _("_Void Bill"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "void", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_response_enabled (dialog, "void", FALSE);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
}

GtkWidget *
tb_void_dialog_new (GtkWindow  *parent,
                    const char *bill_number)
{
  TbVoidDialog *self;
  g_autofree char *heading = NULL;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (bill_number != NULL, NULL);

  /* TRANSLATORS: %s is a bill number */
  heading = g_strdup_printf (_("Void Bill #%s?"), bill_number);
  self = g_object_new (TB_TYPE_VOID_DIALOG,
                       "transient-for", parent,
                       "modal", TRUE,
                       "heading", heading,
                       "body", _("A void bill stays in the ledger but takes no more lines or payments. This cannot be undone."),
                       NULL);
  gtk_widget_set_name (GTK_WIDGET (self), "void-dialog");

  return GTK_WIDGET (self);
}

char *
tb_void_dialog_dup_reason (TbVoidDialog *self)
{
  g_return_val_if_fail (TB_IS_VOID_DIALOG (self), NULL);

  return tb_ui_editable_dup_text (GTK_EDITABLE (self->reason_entry));
}
