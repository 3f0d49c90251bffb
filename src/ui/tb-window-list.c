/* tb-window-list.c: the bill list: filter, search, selection and its rows
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "core/tb-ledger-task.h"

#include "tb-bill-item.h"
#include "tb-bill-row.h"
#include "tb-ui-util.h"
#include "tb-window-private.h"

static const struct {
  const char   *name;
  TbBillFilter  filter;
} filters[] = {
  { "open", TB_BILL_FILTER_OPEN },
  { "paid", TB_BILL_FILTER_PAID },
  { "all", TB_BILL_FILTER_ALL },
  { "today", TB_BILL_FILTER_TODAY },
};

gboolean
tb_window_filter_known (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (filters); i++)
    if (g_strcmp0 (filters[i].name, name) == 0)
      return TRUE;

  return FALSE;
}

TbBillFilter
tb_window_filter_from_name (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (filters); i++)
    if (g_strcmp0 (filters[i].name, name) == 0)
      return filters[i].filter;

  return TB_BILL_FILTER_OPEN;
}

void
tb_window_update_list_state (TbWindow *self)
{
  guint n = self->model != NULL ? tb_bill_list_model_get_count (self->model) : 0;
  const char *search = self->model != NULL ? tb_bill_list_model_get_search (self->model) : NULL;
  const GError *error = self->model != NULL ? tb_bill_list_model_get_error (self->model) : NULL;
  g_autofree char *count = NULL;

  if (self->model != NULL && !tb_bill_list_model_get_complete (self->model))
    count = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "More than %u bill", "More than %u bills", n), n);
  else
    count = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u bill", "%u bills", n), n);
  adw_window_title_set_subtitle (self->sidebar_title, self->model != NULL ? count : "");

  if (n > 0)
    {
      gtk_stack_set_visible_child_name (self->list_stack, "list");
      return;
    }

  if (error != NULL)
    {
      adw_status_page_set_icon_name (self->empty_page, "dialog-warning-symbolic");
      adw_status_page_set_title (self->empty_page, _("Cannot Read the Bills"));
      adw_status_page_set_description (self->empty_page, error->message);
    }
  else if (search != NULL)
    {
      g_autofree char *text = g_strdup_printf (_("Nothing matches “%s”. Search by bill number, customer name or whole phone number."),
                                               search);

      adw_status_page_set_icon_name (self->empty_page, "edit-find-symbolic");
      adw_status_page_set_title (self->empty_page, _("No Matching Bills"));
      adw_status_page_set_description (self->empty_page, text);
    }
  else
    {
      adw_status_page_set_icon_name (self->empty_page, "document-new-symbolic");
      adw_status_page_set_title (self->empty_page, _("No Bills Here"));
      adw_status_page_set_description (self->empty_page,
                                       _("Press Ctrl+N for a new bill, or choose another filter."));
    }
  gtk_stack_set_visible_child_name (self->list_stack, "empty");
}

/* The model changed on its own (a search read its next page). Reloads we start ourselves
 * update the state once they are done, not for each of their emissions. */
void
tb_window_model_changed_cb (TbWindow *self)
{
  if (!self->reselecting)
    tb_window_update_list_state (self);
}

/* Selects @bill_id in the list if it was read already, without reopening it. */
void
tb_window_reselect (TbWindow *self,
          gint64    bill_id)
{
  guint position = bill_id != 0 ? tb_bill_list_model_find (self->model, bill_id)
                                : GTK_INVALID_LIST_POSITION;

  self->reselecting = TRUE;
  gtk_single_selection_set_selected (self->selection, position);
  self->reselecting = FALSE;
}

void
tb_window_apply_query (TbWindow *self)
{
  g_autofree char *search = NULL;

  if (self->model == NULL)
    return;

  search = tb_ui_editable_dup_text (GTK_EDITABLE (self->search_entry));
  self->reselecting = TRUE;
  tb_bill_list_model_set_query (self->model, tb_window_filter_from_name (self->filter), search);
  self->reselecting = FALSE;
  tb_window_reselect (self, tb_window_shown_bill_id (self));
  tb_window_update_list_state (self);
}

/* ---- callbacks ---- */

void
tb_window_selected_item_changed_cb (TbWindow           *self,
                          GParamSpec         *pspec,
                          GtkSingleSelection *selection)
{
  TbBillItem *item;

  if (self->reselecting)
    return;

  /* Losing the selection (a reload, a search) leaves the open bill on screen. */
  item = gtk_single_selection_get_selected_item (selection);
  if (item == NULL || tb_bill_item_get_id (item) == 0)
    return;

  if (tb_bill_item_get_id (item) != tb_window_shown_bill_id (self))
    tb_window_show_bill (self, tb_bill_item_get_id (item));
}

void
tb_window_list_activate_cb (TbWindow    *self,
                  guint        position,
                  GtkListView *list)
{
  g_autoptr(TbBillItem) item = g_list_model_get_item (G_LIST_MODEL (self->selection), position);

  if (item == NULL || tb_bill_item_get_id (item) == 0)
    return;

  if (tb_bill_item_get_id (item) != tb_window_shown_bill_id (self))
    tb_window_show_bill (self, tb_bill_item_get_id (item));

  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_FORWARD);
}

void
tb_window_search_changed_cb (TbWindow       *self,
                   GtkSearchEntry *entry)
{
  tb_window_apply_query (self);
}

void
tb_window_search_activate_cb (TbWindow       *self,
                    GtkSearchEntry *entry)
{
  /* Enter in the search opens the first match: "1042 ⏎" is the fastest way to a bill. */
  tb_window_apply_query (self);
  if (g_list_model_get_n_items (G_LIST_MODEL (self->selection)) > 0)
    {
      gtk_single_selection_set_selected (self->selection, 0);
      tb_window_list_activate_cb (self, 0, self->bill_list);
    }
}

void
tb_window_stop_search_cb (TbWindow       *self,
                GtkSearchEntry *entry)
{
  gtk_editable_set_text (GTK_EDITABLE (entry), "");
  tb_window_apply_query (self);
}

gboolean
tb_window_show_all_bills_cb (gpointer user_data)
{
  TbWindow *self = user_data;

  self->show_all_source = 0;
  self->reselecting = TRUE;
  tb_bill_list_model_show_all (self->model);
  self->reselecting = FALSE;
  tb_window_update_list_state (self);

  return G_SOURCE_REMOVE;
}

void
tb_window_setup_row_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *list_item,
              gpointer                  user_data)
{
  gtk_list_item_set_child (list_item, tb_bill_row_new ());
}

void
tb_window_bind_row_cb (GtkSignalListItemFactory *factory,
             GtkListItem              *list_item,
             gpointer                  user_data)
{
  tb_bill_row_set_item (TB_BILL_ROW (gtk_list_item_get_child (list_item)),
                        gtk_list_item_get_item (list_item));
}

void
tb_window_unbind_row_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *list_item,
               gpointer                  user_data)
{
  tb_bill_row_set_item (TB_BILL_ROW (gtk_list_item_get_child (list_item)), NULL);
}
