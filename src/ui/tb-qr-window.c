/* tb-qr-window.c: one QR payment on screen, from "Waiting for payment" to "Paid"
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "core/tb-money.h"
#include "providers/tb-payment-provider.h"
#include "receipt/tb-qr.h"

#include "tb-customer-display.h"
#include "tb-qr-window-private.h"
#include "tb-ui-util.h"

/* A phone at arm's length reads a module of 6 px on a desktop screen reliably; bigger QRs
 * (few modules) get more pixels per module, up to about this many pixels in all. */
#define MIN_MODULE_PX 6
#define TARGET_QR_PX  336

G_DEFINE_FINAL_TYPE (TbQrWindow, tb_qr_window, ADW_TYPE_WINDOW)

/* ---- helpers ---- */

void
tb_qr_window_toast (TbQrWindow *self,
       const char *text)
{
  AdwToast *item = adw_toast_new (text);

  adw_toast_set_timeout (item, 3);
  adw_toast_overlay_add_toast (self->toast_overlay, item);
}

static void
set_status (TbQrWindow *self,
            const char *icon_name,
            const char *text,
            const char *css_class)
{
  static const char * const classes[] = { "success", "warning", "error" };

  gtk_image_set_from_icon_name (self->status_icon, icon_name);
  gtk_label_set_label (self->status_label, text);
  for (guint i = 0; i < G_N_ELEMENTS (classes); i++)
    tb_ui_set_css_class (GTK_WIDGET (self->status_label), classes[i],
                         g_strcmp0 (css_class, classes[i]) == 0);
}

static void
update_countdown (TbQrWindow *self)
{
  gint64 remaining_s;

  if (self->final || self->intent == NULL || self->intent->expires_us <= 0)
    {
      gtk_widget_set_visible (GTK_WIDGET (self->countdown_label), FALSE);
      return;
    }

  remaining_s = (self->intent->expires_us - g_get_real_time ()) / G_USEC_PER_SEC;
  gtk_widget_set_visible (GTK_WIDGET (self->countdown_label), TRUE);

  if (remaining_s > 0)
    {
      /* TRANSLATORS: minutes:seconds until the QR stops being payable, e.g. "14:05" */
      g_autofree char *text = g_strdup_printf (_("Expires in %d:%02d"),
                                               (int) (remaining_s / 60), (int) (remaining_s % 60));

      gtk_label_set_label (self->countdown_label, text);
    }
  else
    {
      gtk_label_set_label (self->countdown_label, _("Expiring: a last check, then the QR is cancelled"));
    }
}

static gboolean
countdown_cb (gpointer user_data)
{
  update_countdown (TB_QR_WINDOW (user_data));
  return G_SOURCE_CONTINUE;
}

/* Polling and the countdown run only while the QR is on screen (docs/payment-intents.md). */
static void
start_live (TbQrWindow *self)
{
  if (self->final || self->watcher == NULL)
    return;

  tb_payment_watcher_start (self->watcher);
  update_countdown (self);
  if (self->countdown_source == 0)
    self->countdown_source = g_timeout_add_seconds (1, countdown_cb, self);
}

static void
stop_live (TbQrWindow *self)
{
  if (self->watcher != NULL)
    tb_payment_watcher_stop (self->watcher);
  g_clear_handle_id (&self->countdown_source, g_source_remove);
}

static gboolean
close_cb (gpointer user_data)
{
  TbQrWindow *self = user_data;

  self->close_source = 0;
  gtk_window_close (GTK_WINDOW (self));

  return G_SOURCE_REMOVE;
}

static void
show_final (TbQrWindow    *self,
            TbIntentState  state)
{
  if (self->final)
    return;

  self->final = TRUE;
  if (self->intent != NULL)
    self->intent->state = state;
  stop_live (self);
  update_countdown (self);

  gtk_widget_set_visible (GTK_WIDGET (self->actions_box), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->share_group), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->links_group), FALSE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->customer_button), FALSE);

  switch (state)
    {
    case TB_INTENT_PAID:
      gtk_stack_set_visible_child_name (self->qr_stack, "paid");
      set_status (self, "emblem-ok-symbolic", C_("QR status", "Paid"), "success");
      if (self->customer_display != NULL)
        tb_customer_display_set_paid (TB_CUSTOMER_DISPLAY (self->customer_display));
      /* The bill page and the tb_qr_window_toast on the main window say the rest; this window goes. */
      self->close_source = g_timeout_add (tb_qpay_setup_get_paid_close_ms (self->setup), close_cb, self);
      return;

    case TB_INTENT_EXPIRED:
      gtk_label_set_label (self->ended_label, _("This QR expired. Generate a new one if the customer still wants to pay by QPay."));
      set_status (self, "dialog-information-symbolic", C_("QR status", "Expired"), NULL);
      break;

    case TB_INTENT_CANCELLED:
      gtk_label_set_label (self->ended_label, _("This QR was cancelled. Nobody can pay it any more."));
      set_status (self, "dialog-information-symbolic", C_("QR status", "Cancelled"), NULL);
      break;

    case TB_INTENT_FAILED:
    case TB_INTENT_NEW:
    case TB_INTENT_PENDING:
    default:
      gtk_label_set_label (self->ended_label, _("QPay refused this QR. Take the payment another way."));
      set_status (self, "dialog-warning-symbolic", C_("QR status", "Failed"), "error");
      break;
    }

  gtk_stack_set_visible_child_name (self->qr_stack, "ended");
  if (self->customer_display != NULL)
    gtk_window_destroy (GTK_WINDOW (self->customer_display));
}

static void
update_status (TbQrWindow *self)
{
  TbWatchStatus status;
  gboolean problem;

  if (self->final || self->watcher == NULL)
    return;

  status = tb_payment_watcher_get_status (self->watcher);
  problem = tb_payment_watcher_get_connection_problem (self->watcher);

  switch (status)
    {
    case TB_WATCH_PAID:
      show_final (self, TB_INTENT_PAID);
      return;
    case TB_WATCH_EXPIRED:
      show_final (self, TB_INTENT_EXPIRED);
      return;
    case TB_WATCH_CANCELLED:
      show_final (self, TB_INTENT_CANCELLED);
      return;
    case TB_WATCH_FAILED:
      show_final (self, TB_INTENT_FAILED);
      return;

    case TB_WATCH_CHECKING:
      if (problem)
        set_status (self, "network-offline-symbolic",
                    _("Connection problem — checking again…"), "warning");
      else if (self->manual_check)
        set_status (self, "emblem-synchronizing-symbolic", _("Checking…"), NULL);
      /* The routine checks every few seconds would only make the line flicker. */
      return;

    case TB_WATCH_WAITING:
    default:
      self->manual_check = FALSE;
      if (problem)
        {
          guint delay_s = (tb_payment_watcher_get_next_delay (self->watcher) + 999) / 1000;
          g_autofree char *text = NULL;

          /* TRANSLATORS: %u is a number of seconds */
          text = g_strdup_printf (_("Connection problem — still trying (next check in %u s)"), delay_s);
          set_status (self, "network-offline-symbolic", text, "warning");
        }
      else
        {
          set_status (self, "emblem-synchronizing-symbolic", _("Waiting for payment"), NULL);
        }
      return;
    }
}

static void
watcher_changed_cb (TbQrWindow       *self,
                    TbPaymentWatcher *watcher)
{
  update_status (self);
}

static void
intent_changed_cb (TbQrWindow  *self,
                   gint64       intent_id,
                   int          state,
                   TbQpaySetup *setup)
{
  /* Settled or ended elsewhere (the reconciler, the bill page's Cancel, another desk). */
  if (self->intent != NULL && intent_id == self->intent->id &&
      state != TB_INTENT_NEW && state != TB_INTENT_PENDING)
    show_final (self, (TbIntentState) state);
}

static gboolean
draw_qr (TbQrWindow  *self,
         GError     **error)
{
  g_autoptr(GBytes) pixels = NULL;
  guint size;
  guint scale;
  guint width = 0;

  self->matrix = tb_qr_encode (self->intent->qr_text, error);
  if (self->matrix == NULL)
    return FALSE;

  /* Whole pixels per module and a picture that never shrinks: every module edge lands on a
   * pixel edge, so the QR stays crisp (no scaling blur for the phone's camera). */
  size = tb_qr_matrix_get_size (self->matrix);
  scale = MAX (MIN_MODULE_PX, TARGET_QR_PX / MAX (size, 1));
  pixels = tb_qr_to_rgb (self->matrix, scale, &width);
  self->texture = gdk_memory_texture_new ((int) width, (int) width, GDK_MEMORY_R8G8B8,
                                          pixels, (gsize) width * 3);
  gtk_picture_set_paintable (self->qr_picture, GDK_PAINTABLE (self->texture));
  gtk_widget_set_size_request (GTK_WIDGET (self->qr_picture), (int) width, (int) width);

  return TRUE;
}

/* ---- callbacks ---- */

static void
check_clicked_cb (TbQrWindow *self)
{
  if (self->final || self->watcher == NULL)
    return;

  self->manual_check = TRUE;
  set_status (self, "emblem-synchronizing-symbolic", _("Checking…"), NULL);
  tb_payment_watcher_check_now (self->watcher);
}

static void
simulate_clicked_cb (TbQrWindow *self)
{
  TbSimServer *sim = tb_qpay_setup_get_sim (self->setup);
  g_autoptr(GError) error = NULL;
  g_autofree char *payment_id = NULL;

  if (sim == NULL || self->final || self->intent == NULL)
    return;

  payment_id = tb_sim_server_pay_invoice (sim, self->intent->provider_invoice_id, 0, FALSE, &error);
  if (payment_id == NULL)
    {
      g_autofree char *text = g_strdup_printf (_("The simulator did not take the payment: %s"),
                                               error->message);

      tb_qr_window_toast (self, text);
      return;
    }

  /* Like a customer's bank: the money is in; Tulbur finds out by checking, as it would. */
  check_clicked_cb (self);
}

static void
cancelled_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(TbQrWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  TbCheckOutcome outcome = { 0 };

  self->cancelling = FALSE;

  if (!tb_payment_service_cancel_finish (TB_PAYMENT_SERVICE (object), result, &outcome, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;

      gtk_widget_set_sensitive (GTK_WIDGET (self->actions_box), TRUE);
      tb_ui_show_error (GTK_WIDGET (self), _("Invoice Not Cancelled"), error);
      return;
    }

  /* The customer may have paid just before: then the payment is recorded, not cancelled. */
  show_final (self, outcome.state);
}

static void
cancel_response_cb (TbQrWindow       *self,
                    const char       *response,
                    AdwMessageDialog *dialog)
{
  if (g_strcmp0 (response, "cancel-invoice") != 0 || self->final || self->cancelling ||
      self->intent == NULL)
    return;

  self->cancelling = TRUE;
  gtk_widget_set_sensitive (GTK_WIDGET (self->actions_box), FALSE);
  set_status (self, "emblem-synchronizing-symbolic", _("Cancelling the invoice…"), NULL);
  tb_payment_service_cancel_async (self->service, self->intent->id, self->cancellable,
                                   cancelled_cb, g_object_ref (self));
}

static void
cancel_clicked_cb (TbQrWindow *self)
{
  GtkWidget *dialog;

  if (self->final || self->cancelling || self->intent == NULL)
    return;

  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Cancel This QR?"),
                                   _("The customer will not be able to pay it any more. If they have already paid, the payment is recorded instead."));
  gtk_widget_set_name (dialog, "qr-cancel-dialog");
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "keep", _("_Keep the QR"),
                                    "cancel-invoice", _("_Cancel Invoice"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "cancel-invoice",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "keep");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "keep");
  g_signal_connect_object (dialog, "response", G_CALLBACK (cancel_response_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
customer_display_destroyed_cb (TbQrWindow *self)
{
  self->customer_display = NULL;
}

static void
show_customer_clicked_cb (TbQrWindow *self)
{
  g_autofree char *business = NULL;

  if (self->final || self->matrix == NULL)
    return;

  if (self->customer_display == NULL)
    {
      business = tb_qpay_setup_dup_business_name (self->setup);
      self->customer_display = tb_customer_display_new (self->matrix, self->amount_text, business);
      g_signal_connect_object (self->customer_display, "destroy",
                               G_CALLBACK (customer_display_destroyed_cb), self,
                               G_CONNECT_SWAPPED);
    }

  tb_customer_display_present_beside (TB_CUSTOMER_DISPLAY (self->customer_display),
                                      GTK_WINDOW (self));
}

static void
close_clicked_cb (TbQrWindow *self)
{
  gtk_window_close (GTK_WINDOW (self));
}

/* ---- GObject / GtkWidget ---- */


static void
tb_qr_window_map (GtkWidget *widget)
{
  TbQrWindow *self = TB_QR_WINDOW (widget);

  GTK_WIDGET_CLASS (tb_qr_window_parent_class)->map (widget);
  start_live (self);
  if (self->details_pending)
    tb_qr_window_schedule_details (self);
}

static void
tb_qr_window_unmap (GtkWidget *widget)
{
  stop_live (TB_QR_WINDOW (widget));
  GTK_WIDGET_CLASS (tb_qr_window_parent_class)->unmap (widget);
}

static void
tb_qr_window_dispose (GObject *object)
{
  TbQrWindow *self = (TbQrWindow *) object;

  stop_live (self);
  g_clear_handle_id (&self->close_source, g_source_remove);
  g_clear_handle_id (&self->details_source, g_source_remove);
  if (self->details_paint_id != 0 && gtk_widget_get_frame_clock (GTK_WIDGET (self)) != NULL)
    g_signal_handler_disconnect (gtk_widget_get_frame_clock (GTK_WIDGET (self)), self->details_paint_id);
  self->details_paint_id = 0;
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);

  /* The customer sees the QR only while the receptionist does. */
  if (self->customer_display != NULL)
    gtk_window_destroy (GTK_WINDOW (self->customer_display));
  self->customer_display = NULL;

  if (self->setup != NULL)
    g_signal_handlers_disconnect_by_data (self->setup, self);

  gtk_widget_dispose_template (GTK_WIDGET (self), TB_TYPE_QR_WINDOW);

  g_clear_object (&self->watcher);
  g_clear_object (&self->service);
  g_clear_object (&self->setup);
  g_clear_object (&self->texture);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (tb_qr_window_parent_class)->dispose (object);
}

static void
tb_qr_window_finalize (GObject *object)
{
  TbQrWindow *self = (TbQrWindow *) object;

  g_clear_pointer (&self->intent, tb_intent_free);
  g_clear_pointer (&self->matrix, tb_qr_matrix_free);
  g_clear_pointer (&self->amount_text, g_free);

  G_OBJECT_CLASS (tb_qr_window_parent_class)->finalize (object);
}

static void
tb_qr_window_class_init (TbQrWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tb_qr_window_dispose;
  object_class->finalize = tb_qr_window_finalize;

  widget_class->map = tb_qr_window_map;
  widget_class->unmap = tb_qr_window_unmap;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/ui/tb-qr-window.ui");
  gtk_widget_class_bind_template_child (widget_class, TbQrWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, TbQrWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, TbQrWindow, customer_button);
  gtk_widget_class_bind_template_child (widget_class, TbQrWindow, demo_label);
  gtk_widget_class_bind_template_child (widget_class, TbQrWindow, qr_stack);
  gtk_widget_class_bind_template_child (widget_class, TbQrWindow, qr_picture);
  gtk_widget_class_bind_template_child (widget_class, TbQrWindow, ended_label);
  gtk_widget_class_bind_template_child (widget_class, TbQrWindow, amount_label);
  gtk_widget_class_bind_template_child (widget_class, TbQrWindow, bill_label);
  gtk_widget_class_bind_template_child (widget_class, TbQrWindow, status_icon);
  gtk_widget_class_bind_template_child (widget_class, TbQrWindow, status_label);
  gtk_widget_class_bind_template_child (widget_class, TbQrWindow, countdown_label);
  gtk_widget_class_bind_template_child (widget_class, TbQrWindow, actions_box);
  gtk_widget_class_bind_template_child (widget_class, TbQrWindow, simulate_button);
  gtk_widget_class_bind_template_child (widget_class, TbQrWindow, check_button);
  gtk_widget_class_bind_template_child (widget_class, TbQrWindow, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, TbQrWindow, share_group);
  gtk_widget_class_bind_template_child (widget_class, TbQrWindow, qr_text_label);
  gtk_widget_class_bind_template_child (widget_class, TbQrWindow, short_url_row);
  gtk_widget_class_bind_template_child (widget_class, TbQrWindow, links_group);
  gtk_widget_class_bind_template_child (widget_class, TbQrWindow, links_list);
  gtk_widget_class_bind_template_child (widget_class, TbQrWindow, close_button);
  gtk_widget_class_bind_template_callback (widget_class, show_customer_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, simulate_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, check_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, cancel_clicked_cb);
  gtk_widget_class_bind_template_callback_full (widget_class, "copy_text_clicked_cb",
                                                G_CALLBACK (tb_qr_window_copy_text_clicked_cb));
  gtk_widget_class_bind_template_callback_full (widget_class, "copy_url_clicked_cb",
                                                G_CALLBACK (tb_qr_window_copy_url_clicked_cb));
  gtk_widget_class_bind_template_callback (widget_class, close_clicked_cb);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
tb_qr_window_init (TbQrWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  gtk_widget_set_name (GTK_WIDGET (self), "qr-window");
}

GtkWidget *
tb_qr_window_new_pending (GtkWindow   *parent,
                          TbQpaySetup *setup,
                          gint64       bill_id,
                          const char  *bill_number,
                          gint64       amount)
{
  g_autofree char *title = NULL;
  g_autofree char *bill = NULL;
  TbQrWindow *self;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (TB_IS_QPAY_SETUP (setup), NULL);
  g_return_val_if_fail (tb_qpay_setup_get_payment_service (setup) != NULL, NULL);

  self = g_object_new (TB_TYPE_QR_WINDOW,
                       "transient-for", parent,
                       NULL);
  self->setup = g_object_ref (setup);
  self->service = g_object_ref (tb_qpay_setup_get_payment_service (setup));
  self->bill_id = bill_id;

  self->amount_text = tb_money_format (amount, "MNT");
  /* TRANSLATORS: the QR window's title, %s is the bill number */
  title = g_strdup_printf (_("QPay — Bill #%s"), bill_number != NULL ? bill_number : "");
  bill = g_strdup_printf (_("Bill #%s"), bill_number != NULL ? bill_number : "");
  gtk_window_set_title (GTK_WINDOW (self), title);
  adw_window_title_set_title (self->window_title, _("Pay by QPay"));
  adw_window_title_set_subtitle (self->window_title, bill);
  gtk_label_set_label (self->amount_label, self->amount_text);
  gtk_label_set_label (self->bill_label, bill);

  /* Until QPay answers: the window is already there, so the QR appears in it the moment the
   * answer is in, instead of a window being built only then. */
  /* Laid out as it will be with the QR (the actions there but off), so that the QR's arrival
   * changes a few pixels, not the whole window. */
  gtk_stack_set_visible_child_name (self->qr_stack, "creating");
  set_status (self, "emblem-synchronizing-symbolic", _("Creating the QR…"), NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->actions_box), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->demo_label), tb_qpay_setup_get_sim (setup) != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->simulate_button), tb_qpay_setup_get_sim (setup) != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->share_group), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->links_group), FALSE);
  gtk_label_set_label (self->countdown_label, " ");
  gtk_widget_set_sensitive (GTK_WIDGET (self->customer_button), FALSE);

  g_signal_connect_object (setup, "intent-changed", G_CALLBACK (intent_changed_cb), self,
                           G_CONNECT_SWAPPED);

  return GTK_WIDGET (self);
}

/* The window's own copy of what it shows (the caller's intent may go away). */
static TbIntent *
copy_intent (const TbIntent *intent)
{
  TbIntent *copy = g_new0 (TbIntent, 1);

  copy->id = intent->id;
  copy->bill_id = intent->bill_id;
  copy->bill_number = g_strdup (intent->bill_number);
  copy->sender_invoice_no = g_strdup (intent->sender_invoice_no);
  copy->environment = g_strdup (intent->environment);
  copy->amount = intent->amount;
  copy->state = intent->state;
  copy->provider_invoice_id = g_strdup (intent->provider_invoice_id);
  copy->qr_text = g_strdup (intent->qr_text);
  copy->short_url = g_strdup (intent->short_url);
  copy->deep_links = g_strdup (intent->deep_links);
  copy->expires_us = intent->expires_us;

  return copy;
}

/* The amount and the QR itself, or why it cannot be drawn. */
static void
show_qr (TbQrWindow *self)
{
  g_autoptr(GError) error = NULL;

  /* A reused QR may be for another amount than was asked for: show the QR's own. */
  g_free (self->amount_text);
  self->amount_text = tb_money_format (self->intent->amount, "MNT");
  gtk_label_set_label (self->amount_label, self->amount_text);

  if (!draw_qr (self, &error))
    {
      /* Not a QR anyone could scan: say so instead of drawing something wrong. */
      g_autofree char *text = g_strdup_printf (_("This QR cannot be drawn: %s"), error->message);

      gtk_label_set_label (self->ended_label, text);
      gtk_stack_set_visible_child_name (self->qr_stack, "ended");
    }
  else
    {
      g_autofree char *description = g_strdup_printf (_("QR code to pay %s"), self->amount_text);

      gtk_accessible_update_property (GTK_ACCESSIBLE (self->qr_picture),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, description,
                                      -1);
      gtk_stack_set_visible_child_name (self->qr_stack, "qr");
      gtk_widget_set_sensitive (GTK_WIDGET (self->customer_button), TRUE);
    }
}

/* The watcher that polls the provider for this QR and moves the window along. */
static void
start_watching (TbQrWindow *self)
{
  self->watcher = tb_payment_watcher_new (self->service, self->intent->id, self->intent->expires_us);
  tb_qpay_setup_configure_watcher (self->setup, self->watcher);
  g_signal_connect_object (self->watcher, "changed", G_CALLBACK (watcher_changed_cb), self,
                           G_CONNECT_SWAPPED);
}

void
tb_qr_window_set_intent (TbQrWindow     *self,
                         const TbIntent *intent)
{
  gboolean simulated;

  g_return_if_fail (TB_IS_QR_WINDOW (self));
  g_return_if_fail (self->intent == NULL);
  g_return_if_fail (intent != NULL && intent->qr_text != NULL);

  self->intent = copy_intent (intent);
  self->bill_id = intent->bill_id;
  show_qr (self);

  simulated = g_strcmp0 (intent->environment, "sim") == 0 && tb_qpay_setup_get_sim (self->setup) != NULL;
  gtk_widget_set_visible (GTK_WIDGET (self->demo_label), simulated);
  gtk_widget_set_visible (GTK_WIDGET (self->simulate_button), simulated);
  gtk_widget_set_sensitive (GTK_WIDGET (self->actions_box), TRUE);

  start_watching (self);
  set_status (self, "emblem-synchronizing-symbolic", _("Waiting for payment"), NULL);
  update_countdown (self);

  if (intent->state == TB_INTENT_PAID)
    {
      show_final (self, TB_INTENT_PAID);
      return;
    }

  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    start_live (self);
  tb_qr_window_schedule_details (self);
}

GtkWidget *
tb_qr_window_new (GtkWindow      *parent,
                  TbQpaySetup    *setup,
                  const TbIntent *intent)
{
  GtkWidget *self;

  g_return_val_if_fail (intent != NULL && intent->qr_text != NULL, NULL);

  self = tb_qr_window_new_pending (parent, setup, intent->bill_id, intent->bill_number,
                                   intent->amount);
  if (self != NULL)
    tb_qr_window_set_intent (TB_QR_WINDOW (self), intent);

  return self;
}

TbQrWindow *
tb_qr_window_find (gint64 intent_id)
{
  GList *toplevels = gtk_window_list_toplevels ();
  TbQrWindow *found = NULL;

  for (GList *l = toplevels; l != NULL && found == NULL; l = l->next)
    if (TB_IS_QR_WINDOW (l->data) && TB_QR_WINDOW (l->data)->intent != NULL &&
        TB_QR_WINDOW (l->data)->intent->id == intent_id && !TB_QR_WINDOW (l->data)->final)
      found = l->data;
  g_list_free (toplevels);

  return found;
}

gint64
tb_qr_window_get_intent_id (TbQrWindow *self)
{
  g_return_val_if_fail (TB_IS_QR_WINDOW (self), 0);
  return self->intent != NULL ? self->intent->id : 0;
}

gint64
tb_qr_window_get_bill_id (TbQrWindow *self)
{
  g_return_val_if_fail (TB_IS_QR_WINDOW (self), 0);
  return self->bill_id;
}

GdkTexture *
tb_qr_window_get_texture (TbQrWindow *self)
{
  g_return_val_if_fail (TB_IS_QR_WINDOW (self), NULL);
  return self->texture;
}

TbPaymentWatcher *
tb_qr_window_get_watcher (TbQrWindow *self)
{
  g_return_val_if_fail (TB_IS_QR_WINDOW (self), NULL);
  return self->watcher;
}

const char *
tb_qr_window_get_status_text (TbQrWindow *self)
{
  g_return_val_if_fail (TB_IS_QR_WINDOW (self), NULL);
  return gtk_label_get_label (self->status_label);
}

GtkWidget *
tb_qr_window_get_customer_display (TbQrWindow *self)
{
  g_return_val_if_fail (TB_IS_QR_WINDOW (self), NULL);
  return self->customer_display;
}
