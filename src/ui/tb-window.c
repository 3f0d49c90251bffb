/* tb-window.c: the main window: bill list on the left, the selected bill on the right
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "core/tb-money.h"

#include "tb-application.h"
#include "tb-bill-item.h"
#include "tb-bill-list-model.h"
#include "tb-bill-page.h"
#include "tb-bill-row.h"
#include "tb-qr-window.h"
#include "core/tb-ledger-task.h"
#include "tb-ui-util.h"
#include "tb-window-private.h"

G_DEFINE_FINAL_TYPE (TbWindow, tb_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_LEDGER,
  PROP_SETTINGS,
  PROP_FILTER,
  N_PROPS
};

static GParamSpec *properties [N_PROPS];

static void bill_changed_cb (TbWindow   *self,
                             gint64      bill_id,
                             TbBillPage *page);

/* The bill page is the biggest widget tree in the window and is not needed for the first
 * frame (nothing is selected at start), so it is built when the first bill is opened. */
TbBillPage *
tb_window_ensure_bill_page (TbWindow *self)
{
  if (self->bill_page == NULL)
    {
      self->bill_page = TB_BILL_PAGE (tb_bill_page_new ());
      gtk_widget_set_name (GTK_WIDGET (self->bill_page), "bill-page");
      tb_bill_page_set_ledger (self->bill_page, self->ledger);
      tb_bill_page_set_qpay_setup (self->bill_page, self->qpay);
      g_signal_connect_object (self->bill_page, "bill-changed",
                               G_CALLBACK (bill_changed_cb), self, G_CONNECT_SWAPPED);
      adw_bin_set_child (self->bill_page_bin, GTK_WIDGET (self->bill_page));
    }

  return self->bill_page;
}

gint64
tb_window_shown_bill_id (TbWindow *self)
{
  return self->bill_page != NULL ? tb_bill_page_get_bill_id (self->bill_page) : 0;
}

static void
update_content_title (TbWindow *self)
{
  const TbBill *bill = self->bill_page != NULL ? tb_bill_page_get_bill (self->bill_page) : NULL;

  if (bill == NULL)
    {
      adw_window_title_set_title (self->content_title, "");
      adw_window_title_set_subtitle (self->content_title, "");
      gtk_stack_set_visible_child_name (self->content_stack,
                                        self->ledger != NULL ? "none" : "error");
      return;
    }

  {
    /* TRANSLATORS: the title of the bill page, %s is the bill number */
    g_autofree char *title = g_strdup_printf (_("Bill #%s"), bill->number);

    adw_window_title_set_title (self->content_title, title);
    adw_window_title_set_subtitle (self->content_title,
                                   bill->customer_name != NULL && bill->customer_name[0] != '\0'
                                     ? bill->customer_name : _("Walk-in customer"));
  }
  gtk_stack_set_visible_child_name (self->content_stack, "bill");
}

void
tb_window_show_bill (TbWindow *self,
           gint64    bill_id)
{
  g_autoptr(GError) error = NULL;

  if (!tb_bill_page_load (tb_window_ensure_bill_page (self), bill_id, &error))
    tb_ui_show_error (GTK_WIDGET (self), _("Cannot Show the Bill"), error);

  update_content_title (self);
}

static void
bill_changed_cb (TbWindow   *self,
                 gint64      bill_id,
                 TbBillPage *page)
{
  tb_window_reload (self);
  update_content_title (self);
}

static void
first_frame_cb (GdkFrameClock *clock,
                TbWindow      *self)
{
  g_signal_handlers_disconnect_by_func (clock, first_frame_cb, self);
  if (self->model != NULL && self->show_all_source == 0)
    self->show_all_source = g_idle_add (tb_window_show_all_bills_cb, self);
}

static void
tb_window_realize (GtkWidget *widget)
{
  TbWindow *self = TB_WINDOW (widget);

  GTK_WIDGET_CLASS (tb_window_parent_class)->realize (widget);

  g_signal_connect_object (gtk_widget_get_frame_clock (widget), "after-paint",
                           G_CALLBACK (first_frame_cb), self, 0);
}

/* The popover is built when the menu is first opened, not for the first frame. */
static void
create_menu_cb (GtkMenuButton *button,
                gpointer       user_data)
{
  g_autoptr(GtkBuilder) builder = NULL;

  gtk_menu_button_set_create_popup_func (button, NULL, NULL, NULL);
  builder = gtk_builder_new_from_resource (RESOURCE_PREFIX "/ui/tb-window-menu.ui");
  gtk_menu_button_set_menu_model (button,
                                  G_MENU_MODEL (gtk_builder_get_object (builder, "primary_menu")));
}

/* ---- QPay ---- */

static void
update_demo_strip (TbWindow *self)
{
  const char *banner = self->qpay != NULL ? tb_qpay_setup_get_banner (self->qpay) : NULL;

  gtk_label_set_label (self->demo_label, banner != NULL ? banner : "");
  gtk_revealer_set_reveal_child (self->demo_revealer, banner != NULL);
}

static void
qpay_changed_cb (TbWindow    *self,
                 TbQpaySetup *setup)
{
  update_demo_strip (self);
}

/* A QR payment was recorded (by the QR window's watcher, the reconciler or the start-up
 * check): the list, the bill and a toast, whichever bill it was. */
static void
qpay_settled_cb (TbWindow    *self,
                 gint64       bill_id,
                 gint64       amount,
                 gint64       intent_id,
                 TbQpaySetup *setup)
{
  g_autofree char *amount_text = tb_money_format (amount, "MNT");
  g_autofree char *text = NULL;

  tb_window_reload (self);

  if (bill_id != 0 && bill_id == tb_window_shown_bill_id (self))
    {
      tb_bill_page_reload (self->bill_page);
      update_content_title (self);
      /* TRANSLATORS: %s is an amount, e.g. "12 500 ₮" */
      text = g_strdup_printf (_("Paid by QPay: %s"), amount_text);
    }
  else
    {
      g_autoptr(TbBill) bill = NULL;

      if (self->ledger != NULL)
        bill = tb_ledger_get_bill (self->ledger, bill_id, NULL);
      if (bill != NULL)
        /* TRANSLATORS: %s is a bill number, then an amount */
        text = g_strdup_printf (_("Bill #%s paid by QPay: %s"), bill->number, amount_text);
      else
        text = g_strdup_printf (_("Paid by QPay: %s"), amount_text);
    }

  tb_window_add_toast (self, text);
}

static void
qpay_intent_changed_cb (TbWindow    *self,
                        gint64       intent_id,
                        int          state,
                        TbQpaySetup *setup)
{
  if (self->bill_page != NULL)
    tb_bill_page_refresh_qpay (self->bill_page);
}

/* ---- GObject / GtkWidget ---- */

static void
restore_window_state (TbWindow *self)
{
  if (tb_ui_settings_has_key (self->settings, "window-width") &&
      tb_ui_settings_has_key (self->settings, "window-height"))
    {
      int width = g_settings_get_int (self->settings, "window-width");
      int height = g_settings_get_int (self->settings, "window-height");

      if (width > 0 && height > 0)
        gtk_window_set_default_size (GTK_WINDOW (self), width, height);
    }

  if (tb_ui_settings_has_key (self->settings, "window-maximized") &&
      g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
}

static gboolean
tb_window_close_request (GtkWindow *window)
{
  TbWindow *self = TB_WINDOW (window);

  if (tb_ui_settings_has_key (self->settings, "window-width") &&
      tb_ui_settings_has_key (self->settings, "window-height"))
    {
      int width, height;

      gtk_window_get_default_size (window, &width, &height);
      g_settings_set_int (self->settings, "window-width", width);
      g_settings_set_int (self->settings, "window-height", height);
    }

  if (tb_ui_settings_has_key (self->settings, "window-maximized"))
    g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (window));

  return GTK_WINDOW_CLASS (tb_window_parent_class)->close_request (window);
}

static void
tb_window_constructed (GObject *object)
{
  TbWindow *self = (TbWindow *) object;

  G_OBJECT_CLASS (tb_window_parent_class)->constructed (object);

  if (tb_ui_settings_has_key (self->settings, "bill-filter"))
    g_settings_bind (self->settings, "bill-filter", self, "filter", G_SETTINGS_BIND_DEFAULT);

  restore_window_state (self);

  if (self->ledger != NULL)
    {
      /* Query first, then show: the list view never sees the unfiltered count. */
      self->model = tb_bill_list_model_new (self->ledger);
      tb_bill_list_model_set_query (self->model, tb_window_filter_from_name (self->filter), NULL);
      /* Enough rows for a tall screen; the rest right after the first frame. */
      tb_bill_list_model_limit_until_shown (self->model, 40);
      /* A search grows as it is scrolled: keep the count in the header current. */
      g_signal_connect_object (self->model, "notify::complete",
                               G_CALLBACK (tb_window_model_changed_cb), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->model, "items-changed",
                               G_CALLBACK (tb_window_model_changed_cb), self,
                               G_CONNECT_SWAPPED | G_CONNECT_AFTER);
      gtk_single_selection_set_model (self->selection, G_LIST_MODEL (self->model));
      tb_window_apply_query (self);
    }

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.new-bill", self->ledger != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.new-bill-for-customer", self->ledger != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.record-payment", self->ledger != NULL);
  tb_window_update_list_state (self);
  update_content_title (self);

}

static void
tb_window_dispose (GObject *object)
{
  TbWindow *self = (TbWindow *) object;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->show_all_source, g_source_remove);

  if (self->shortcuts_window != NULL)
    gtk_window_destroy (self->shortcuts_window);
  g_clear_object (&self->shortcuts_window);

  if (self->qpay != NULL)
    g_signal_handlers_disconnect_by_data (self->qpay, self);
  g_clear_object (&self->qpay);

  gtk_widget_dispose_template (GTK_WIDGET (self), TB_TYPE_WINDOW);
  self->bill_page = NULL;

  g_clear_object (&self->selection);
  g_clear_object (&self->model);
  g_clear_object (&self->settings);
  g_clear_object (&self->ledger);

  G_OBJECT_CLASS (tb_window_parent_class)->dispose (object);
}

static void
tb_window_finalize (GObject *object)
{
  TbWindow *self = (TbWindow *) object;

  g_clear_pointer (&self->filter, g_free);

  G_OBJECT_CLASS (tb_window_parent_class)->finalize (object);
}

static void
tb_window_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  TbWindow *self = TB_WINDOW (object);

  switch (prop_id)
    {
    case PROP_LEDGER:
      g_value_set_object (value, self->ledger);
      break;

    case PROP_SETTINGS:
      g_value_set_object (value, self->settings);
      break;

    case PROP_FILTER:
      g_value_set_string (value, self->filter);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tb_window_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  TbWindow *self = TB_WINDOW (object);

  switch (prop_id)
    {
    case PROP_LEDGER:
      self->ledger = g_value_dup_object (value);
      break;

    case PROP_SETTINGS:
      self->settings = g_value_dup_object (value);
      break;

    case PROP_FILTER:
      tb_window_set_filter (self, g_value_get_string (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tb_window_class_init (TbWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->constructed = tb_window_constructed;
  object_class->dispose = tb_window_dispose;
  object_class->finalize = tb_window_finalize;
  object_class->get_property = tb_window_get_property;
  object_class->set_property = tb_window_set_property;

  window_class->close_request = tb_window_close_request;
  widget_class->realize = tb_window_realize;

  /**
   * TbWindow:ledger:
   *
   * The open ledger, or %NULL when it could not be opened.
   */
  properties [PROP_LEDGER] =
    g_param_spec_object ("ledger", NULL, NULL,
                         TB_TYPE_LEDGER,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  /**
   * TbWindow:settings:
   *
   * The app's settings, or %NULL when the schema is not installed.
   */
  properties [PROP_SETTINGS] =
    g_param_spec_object ("settings", NULL, NULL,
                         G_TYPE_SETTINGS,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  /**
   * TbWindow:filter:
   *
   * Which bills the list shows: "open", "paid", "all" or "today".
   */
  properties [PROP_FILTER] =
    g_param_spec_string ("filter", NULL, NULL,
                         "open",
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/ui/tb-window.ui");
  gtk_widget_class_bind_template_child (widget_class, TbWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, TbWindow, leaflet);
  gtk_widget_class_bind_template_child (widget_class, TbWindow, sidebar_title);
  gtk_widget_class_bind_template_child (widget_class, TbWindow, menu_button);
  gtk_widget_class_bind_template_child (widget_class, TbWindow, search_entry);
  gtk_widget_class_bind_template_child (widget_class, TbWindow, list_stack);
  gtk_widget_class_bind_template_child (widget_class, TbWindow, bill_list);
  gtk_widget_class_bind_template_child (widget_class, TbWindow, empty_page);
  gtk_widget_class_bind_template_child (widget_class, TbWindow, content_title);
  gtk_widget_class_bind_template_child (widget_class, TbWindow, content_stack);
  gtk_widget_class_bind_template_child (widget_class, TbWindow, bill_page_bin);
  gtk_widget_class_bind_template_child (widget_class, TbWindow, error_page);
  gtk_widget_class_bind_template_child (widget_class, TbWindow, demo_revealer);
  gtk_widget_class_bind_template_child (widget_class, TbWindow, demo_label);
  gtk_widget_class_bind_template_callback_full (widget_class, "list_activate_cb",
                                                G_CALLBACK (tb_window_list_activate_cb));
  gtk_widget_class_bind_template_callback_full (widget_class, "search_changed_cb",
                                                G_CALLBACK (tb_window_search_changed_cb));
  gtk_widget_class_bind_template_callback_full (widget_class, "search_activate_cb",
                                                G_CALLBACK (tb_window_search_activate_cb));
  gtk_widget_class_bind_template_callback_full (widget_class, "stop_search_cb",
                                                G_CALLBACK (tb_window_stop_search_cb));
  tb_window_class_add_actions (widget_class);
}

static void
tb_window_init (TbWindow *self)
{
  GtkListItemFactory *factory;

  self->cancellable = g_cancellable_new ();
  self->filter = g_strdup ("open");

  gtk_widget_init_template (GTK_WIDGET (self));

  /* Not in the template: the model needs the ledger, which is a construct property. */
  self->selection = gtk_single_selection_new (NULL);
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  g_signal_connect_object (self->selection, "notify::selected-item",
                           G_CALLBACK (tb_window_selected_item_changed_cb), self, G_CONNECT_SWAPPED);

  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (tb_window_setup_row_cb), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (tb_window_bind_row_cb), NULL);
  g_signal_connect (factory, "unbind", G_CALLBACK (tb_window_unbind_row_cb), NULL);
  gtk_list_view_set_factory (self->bill_list, factory);
  g_object_unref (factory);
  gtk_list_view_set_model (self->bill_list, GTK_SELECTION_MODEL (self->selection));

  gtk_menu_button_set_create_popup_func (self->menu_button, create_menu_cb, NULL, NULL);

  if (g_strcmp0 (PROFILE, "Devel") == 0)
    gtk_widget_add_css_class (GTK_WIDGET (self), "devel");
}

/* ---- public API ---- */

TbWindow *
tb_window_new (GtkApplication *application,
               TbLedger       *ledger,
               GSettings      *settings)
{
  TbWindow *self;

  g_return_val_if_fail (GTK_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (ledger == NULL || TB_IS_LEDGER (ledger), NULL);
  g_return_val_if_fail (settings == NULL || G_IS_SETTINGS (settings), NULL);

  self = g_object_new (TB_TYPE_WINDOW,
                       "application", application,
                       "ledger", ledger,
                       "settings", settings,
                       NULL);

  /* The app's QPay; windows of a plain GtkApplication (the widget tests) have none. */
  if (TB_IS_APPLICATION (application))
    tb_window_set_qpay_setup (self, tb_application_get_qpay_setup (TB_APPLICATION (application)));

  return self;
}

TbLedger *
tb_window_get_ledger (TbWindow *self)
{
  g_return_val_if_fail (TB_IS_WINDOW (self), NULL);
  return self->ledger;
}

void
tb_window_show_ledger_error (TbWindow     *self,
                             const GError *error)
{
  g_return_if_fail (TB_IS_WINDOW (self));

  /* The icon is set here, not in the template: nobody should pay for loading it at start. */
  adw_status_page_set_icon_name (self->error_page, "dialog-error-symbolic");
  adw_status_page_set_description (self->error_page, error != NULL ? error->message : NULL);
  gtk_stack_set_visible_child_name (self->content_stack, "error");
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_FORWARD);

  tb_ui_show_error (GTK_WIDGET (self), _("Cannot Open the Ledger"), error);
}

gboolean
tb_window_open_bill (TbWindow *self,
                     gint64    bill_id)
{
  g_return_val_if_fail (TB_IS_WINDOW (self), FALSE);

  tb_window_show_bill (self, bill_id);
  tb_window_reselect (self, bill_id);

  return tb_window_shown_bill_id (self) == bill_id;
}

void
tb_window_reload (TbWindow *self)
{
  g_return_if_fail (TB_IS_WINDOW (self));

  if (self->model == NULL)
    return;

  self->reselecting = TRUE;
  tb_bill_list_model_reload (self->model);
  self->reselecting = FALSE;
  tb_window_reselect (self, tb_window_shown_bill_id (self));
  tb_window_update_list_state (self);
}

void
tb_window_add_toast (TbWindow   *self,
                     const char *text)
{
  g_return_if_fail (TB_IS_WINDOW (self));

  tb_ui_toast (GTK_WIDGET (self->toast_overlay), text);
}

const char *
tb_window_get_filter (TbWindow *self)
{
  g_return_val_if_fail (TB_IS_WINDOW (self), NULL);
  return self->filter;
}

void
tb_window_set_filter (TbWindow   *self,
                      const char *filter)
{
  g_return_if_fail (TB_IS_WINDOW (self));

  /* A hand-edited setting must not break the window. */
  if (!tb_window_filter_known (filter))
    filter = "open";

  if (g_strcmp0 (self->filter, filter) == 0)
    return;

  g_free (self->filter);
  self->filter = g_strdup (filter);
  tb_window_apply_query (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_FILTER]);
}

GtkSelectionModel *
tb_window_get_selection (TbWindow *self)
{
  g_return_val_if_fail (TB_IS_WINDOW (self), NULL);
  return GTK_SELECTION_MODEL (self->selection);
}

void
tb_window_set_qpay_setup (TbWindow    *self,
                          TbQpaySetup *setup)
{
  g_return_if_fail (TB_IS_WINDOW (self));
  g_return_if_fail (setup == NULL || TB_IS_QPAY_SETUP (setup));

  if (self->qpay == setup)
    return;

  if (self->qpay != NULL)
    g_signal_handlers_disconnect_by_data (self->qpay, self);
  g_set_object (&self->qpay, setup);

  if (setup != NULL)
    {
      g_signal_connect_object (setup, "changed", G_CALLBACK (qpay_changed_cb), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (setup, "payment-settled", G_CALLBACK (qpay_settled_cb), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (setup, "intent-changed", G_CALLBACK (qpay_intent_changed_cb), self,
                               G_CONNECT_SWAPPED);
    }

  if (self->bill_page != NULL)
    tb_bill_page_set_qpay_setup (self->bill_page, setup);
  update_demo_strip (self);
}

TbQpaySetup *
tb_window_get_qpay_setup (TbWindow *self)
{
  g_return_val_if_fail (TB_IS_WINDOW (self), NULL);
  return self->qpay;
}

GtkWidget *
tb_window_get_bill_page (TbWindow *self)
{
  g_return_val_if_fail (TB_IS_WINDOW (self), NULL);
  return self->bill_page != NULL ? GTK_WIDGET (self->bill_page) : NULL;
}
