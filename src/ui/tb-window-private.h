/* tb-window-private.h: what the parts of the main window share (not public)
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tb-bill-list-model.h"
#include "tb-bill-page.h"
#include "tb-window.h"

G_BEGIN_DECLS

struct _TbWindow
{
  AdwApplicationWindow  parent_instance;

  /* Template widgets */
  AdwToastOverlay      *toast_overlay;
  AdwLeaflet           *leaflet;
  AdwWindowTitle       *sidebar_title;
  GtkMenuButton        *menu_button;
  GtkWindow            *shortcuts_window;
  GtkSearchEntry       *search_entry;
  GtkStack             *list_stack;
  GtkListView          *bill_list;
  AdwStatusPage        *empty_page;
  AdwWindowTitle       *content_title;
  GtkStack             *content_stack;
  AdwBin               *bill_page_bin;
  TbBillPage           *bill_page;     /* made on first use, see ensure_bill_page() */
  AdwStatusPage        *error_page;
  GtkRevealer          *demo_revealer;
  GtkLabel             *demo_label;

  TbLedger             *ledger;
  GSettings            *settings;
  TbBillListModel      *model;
  GtkSingleSelection   *selection;
  GCancellable         *cancellable;
  TbQpaySetup          *qpay;

  char                 *filter;
  guint                 show_all_source;
  gboolean              reselecting;
  gboolean              creating_bill;
};

/* tb-window.c: the window, its bill page and QPay */
TbBillPage *tb_window_ensure_bill_page (TbWindow *self);
void tb_window_show_bill (TbWindow *self,
                          gint64 bill_id);
gint64 tb_window_shown_bill_id (TbWindow *self);

/* tb-window-list.c: the bill list, its filter and search */
void tb_window_apply_query (TbWindow *self);
void tb_window_bind_row_cb (GtkSignalListItemFactory *factory,
                            GtkListItem *list_item,
                            gpointer user_data);
TbBillFilter tb_window_filter_from_name (const char *name);
void tb_window_list_activate_cb (TbWindow *self,
                                 guint position,
                                 GtkListView *list);
void tb_window_model_changed_cb (TbWindow *self);
void tb_window_reselect (TbWindow *self,
                         gint64 bill_id);
void tb_window_search_activate_cb (TbWindow *self,
                                   GtkSearchEntry *entry);
void tb_window_search_changed_cb (TbWindow *self,
                                  GtkSearchEntry *entry);
void tb_window_selected_item_changed_cb (TbWindow *self,
                                         GParamSpec *pspec,
                                         GtkSingleSelection *selection);
void tb_window_setup_row_cb (GtkSignalListItemFactory *factory,
                             GtkListItem *list_item,
                             gpointer user_data);
gboolean tb_window_show_all_bills_cb (gpointer user_data);
void tb_window_stop_search_cb (TbWindow *self,
                               GtkSearchEntry *entry);
void tb_window_unbind_row_cb (GtkSignalListItemFactory *factory,
                              GtkListItem *list_item,
                              gpointer user_data);
void tb_window_update_list_state (TbWindow *self);
gboolean tb_window_filter_known (const char *name);

/* tb-window-actions.c: the win.* actions and their shortcuts */
void tb_window_class_add_actions (GtkWidgetClass *widget_class);

G_END_DECLS
