/* tb-payment-panel.c: take a payment (cash, card, QPay…), split across methods
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "core/tb-money.h"
#include "core/tb-split.h"

#include "tb-payment-panel-private.h"
#include "tb-qpay-setup.h"
#include "core/tb-ledger-task.h"
#include "tb-ui-util.h"

static const MethodInfo method_infos[] = {
  { TB_METHOD_CASH, "cash", N_("Ca_sh"), N_("Cash amount"), TRUE, FALSE },
  { TB_METHOD_CARD, "card", N_("_Card"), N_("Card amount"), FALSE, FALSE },
  { TB_METHOD_QPAY, "qpay", N_("_QPay"), N_("QPay amount"), FALSE, TRUE },
};

G_STATIC_ASSERT (G_N_ELEMENTS (method_infos) == N_METHODS);

G_DEFINE_FINAL_TYPE (TbPaymentPanel, tb_payment_panel, ADW_TYPE_BIN)

GParamSpec *tb_payment_panel_properties [N_PROPS];
guint tb_payment_panel_signals [N_SIGNALS];

static void
set_message (MethodRow  *row,
             const char *text,
             gboolean    is_error)
{
  gtk_label_set_label (row->message, text != NULL ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (row->message), text != NULL && text[0] != '\0');
  tb_ui_set_css_class (GTK_WIDGET (row->message), "error", is_error);
  tb_ui_set_css_class (GTK_WIDGET (row->message), "dim-label", !is_error);
  tb_ui_set_css_class (GTK_WIDGET (row->entry), "error", is_error);
}

static void
set_can_record (TbPaymentPanel *self,
                gboolean        can_record)
{
  gtk_widget_set_sensitive (GTK_WIDGET (self->record_button), can_record);

  if (self->can_record == can_record)
    return;

  self->can_record = can_record;
  g_object_notify_by_pspec (G_OBJECT (self), tb_payment_panel_properties [PROP_CAN_RECORD]);
}

gboolean
tb_payment_panel_row_is_checked (const MethodRow *row)
{
  return gtk_check_button_get_active (row->check);
}

/* Reads one ticked row's amount into @part. FALSE (with the row's message set) when the
 * row cannot take part: not available yet, unreadable, or refused by the QR provider. */
static gboolean
read_row (TbPaymentPanel *self,
          MethodRow      *row,
          TbSplitPart    *part)
{
  g_autoptr(GError) error = NULL;
  gint64 value = 0;

  if (row->unavailable != NULL)
    {
      set_message (row, row->unavailable, TRUE);
      return FALSE;
    }

  if (!tb_money_parse (gtk_editable_get_text (GTK_EDITABLE (row->entry)), &value, &error))
    {
      set_message (row, error->message, TRUE);
      return FALSE;
    }

  /* A QR also has the provider's rules (minimum, whole tögrög). */
  if (row->info->settles_itself && self->service != NULL && value > 0 && value <= self->due &&
      !tb_payment_service_validate_amount (self->service, value, self->due, &error))
    {
      set_message (row, error->message, TRUE);
      return FALSE;
    }

  *part = (TbSplitPart) {
    .method = row->info->method,
    .gives_change = row->info->gives_change,
    .settles_itself = row->info->settles_itself,
    .typed = value,
  };

  return TRUE;
}

/* The message under one part after the split: its problem, the change, or the QR hint. */
static void
show_part (TbPaymentPanel    *self,
           MethodRow         *row,
           const TbSplitPart *part)
{
  g_autofree char *due_text = tb_money_format (self->due, self->currency);
  g_autofree char *msg = NULL;

  switch (part->problem)
    {
    case TB_SPLIT_NOT_POSITIVE:
      set_message (row, _("The amount must be more than zero."), TRUE);
      return;
    case TB_SPLIT_TOO_LARGE:
      set_message (row, _("The amount is too large."), TRUE);
      return;
    case TB_SPLIT_OVER_DUE:
      msg = g_strdup_printf (_("This is more than the %s still due."), due_text);
      set_message (row, msg, TRUE);
      return;
    case TB_SPLIT_COVERED:
      set_message (row, _("The other methods already cover what is due."), TRUE);
      return;
    case TB_SPLIT_OK:
    default:
      break;
    }

  if (part->settles_itself)
    {
      /* Nothing is written now: the customer pays the QR, the provider says so. */
      set_message (row, _("Press Generate QR and show it to the customer. The bill is paid when their bank confirms."),
                   FALSE);
    }
  else if (part->change > 0)
    {
      g_autofree char *change = tb_money_format (part->change, self->currency);

      msg = g_strdup_printf (_("Change to give back: %s"), change);
      set_message (row, msg, FALSE);
    }
  else
    {
      set_message (row, NULL, FALSE);
    }
}

static void
show_summary (TbPaymentPanel      *self,
              const TbSplitResult *split,
              guint                n_checked,
              gboolean             all_valid)
{
  g_autofree char *due_text = tb_money_format (self->due, self->currency);
  g_autofree char *amount = tb_money_format (split->recorded, self->currency);
  g_autofree char *msg = NULL;

  if (!self->payable)
    msg = g_strdup ("");
  else if (split->over)
    msg = g_strdup_printf (_("Together these amounts are more than the %s still due."), due_text);
  else if (n_checked == 0)
    msg = g_strdup (_("Tick how the customer pays."));
  else if (split->n_recordable == 0 && all_valid)
    msg = g_strdup (_("Nothing to record here: the QR payment records itself."));
  else if (!all_valid)
    msg = g_strdup (_("Correct the amounts to record the payment."));
  else if (split->recorded == self->due)
    msg = g_strdup_printf (_("Pays the bill in full: %s."), amount);
  else
    {
      g_autofree char *left = tb_money_format (self->due - split->recorded, self->currency);

      msg = g_strdup_printf (_("Pays %s; %s will still be due."), amount, left);
    }

  gtk_label_set_label (self->summary_label, msg);
  tb_ui_set_css_class (GTK_WIDGET (self->summary_label), "error", self->payable && split->over);
}

/* Validates every ticked method against what is due (tb_split_compute() does the
 * arithmetic) and updates the messages, the summary and the Record button. */
void
tb_payment_panel_validate (TbPaymentPanel *self)
{
  TbSplitPart parts[N_METHODS];
  MethodRow *part_rows[N_METHODS];
  TbSplitResult split;
  guint n_parts = 0;
  guint n_checked = 0;
  gboolean all_valid = TRUE;

  for (guint i = 0; i < N_METHODS; i++)
    {
      MethodRow *row = &self->rows[i];

      row->valid = FALSE;
      row->typed = 0;
      row->record = 0;
      gtk_widget_set_visible (GTK_WIDGET (row->entry), row->unavailable == NULL);

      if (!tb_payment_panel_row_is_checked (row))
        {
          set_message (row, NULL, FALSE);
          continue;
        }

      n_checked++;
      if (read_row (self, row, &parts[n_parts]))
        part_rows[n_parts++] = row;
      else
        all_valid = FALSE;
    }

  if (!tb_split_compute (self->due, parts, n_parts, &split))
    all_valid = FALSE;

  for (guint i = 0; i < n_parts; i++)
    {
      MethodRow *row = part_rows[i];

      row->valid = parts[i].problem == TB_SPLIT_OK;
      row->typed = row->valid ? parts[i].typed : 0;
      row->record = parts[i].record;
      show_part (self, row, &parts[i]);
    }

  show_summary (self, &split, n_checked, all_valid);
  set_can_record (self,
                  self->payable &&
                  !self->in_flight &&
                  self->ledger != NULL &&
                  split.n_recordable > 0 &&
                  all_valid &&
                  split.recorded > 0);
  tb_payment_panel_update_generate (self);
}

static void
update_sensitivity (TbPaymentPanel *self)
{
  gboolean editable = self->payable && !self->in_flight;

  for (guint i = 0; i < N_METHODS; i++)
    {
      gtk_widget_set_sensitive (GTK_WIDGET (self->rows[i].check), editable);
      gtk_editable_set_editable (GTK_EDITABLE (self->rows[i].entry), editable);
    }
  tb_payment_panel_update_generate (self);
}

void
tb_payment_panel_set_in_flight (TbPaymentPanel *self,
               gboolean        in_flight)
{
  if (self->in_flight == in_flight)
    return;

  self->in_flight = in_flight;
  update_sensitivity (self);
  tb_payment_panel_validate (self);
  g_object_notify_by_pspec (G_OBJECT (self), tb_payment_panel_properties [PROP_BUSY]);
}

void
tb_payment_panel_reset_rows (TbPaymentPanel *self)
{
  self->updating = TRUE;
  for (guint i = 0; i < N_METHODS; i++)
    {
      gtk_check_button_set_active (self->rows[i].check, FALSE);
      gtk_revealer_set_reveal_child (self->rows[i].revealer, FALSE);
      gtk_editable_set_text (GTK_EDITABLE (self->rows[i].entry), "");
    }
  self->updating = FALSE;

  g_clear_pointer (&self->attempt_key, g_free);
}

static void
entry_changed_cb (TbPaymentPanel *self,
                  GtkEditable    *editable)
{
  if (self->updating)
    return;

  g_clear_pointer (&self->attempt_key, g_free);
  tb_payment_panel_validate (self);
}

static void
check_toggled_cb (TbPaymentPanel *self,
                  GtkCheckButton *check)
{
  MethodRow *row = NULL;
  gboolean active;

  for (guint i = 0; i < N_METHODS; i++)
    if (self->rows[i].check == check)
      row = &self->rows[i];
  g_assert (row != NULL);

  if (self->updating)
    return;

  g_clear_pointer (&self->attempt_key, g_free);
  active = gtk_check_button_get_active (check);
  gtk_revealer_set_reveal_child (row->revealer, active);

  self->updating = TRUE;
  if (active && row->unavailable == NULL)
    {
      gint64 others = 0;
      gint64 left;

      /* Pre-fill with what is still due after the other ticked methods, so a single method
       * needs no typing and a split needs the first amount only. */
      tb_payment_panel_validate (self);
      for (guint i = 0; i < N_METHODS; i++)
        if (&self->rows[i] != row && self->rows[i].valid)
          others += self->rows[i].info->gives_change ? self->rows[i].record : self->rows[i].typed;

      left = self->due - others;
      if (left > 0)
        {
          g_autofree char *text = tb_money_format_plain (left);

          gtk_editable_set_text (GTK_EDITABLE (row->entry), text);
        }
      else
        {
          gtk_editable_set_text (GTK_EDITABLE (row->entry), "");
        }
    }
  else if (!active)
    {
      gtk_editable_set_text (GTK_EDITABLE (row->entry), "");
    }
  self->updating = FALSE;

  tb_payment_panel_validate (self);

  if (active && row->unavailable == NULL && gtk_widget_get_mapped (GTK_WIDGET (self)))
    {
      gtk_widget_grab_focus (GTK_WIDGET (row->entry));
      gtk_editable_select_region (GTK_EDITABLE (row->entry), 0, -1);
    }
}

/* The amount entry of one method: numeric, right-aligned, named "amount-<id>". */
static GtkEntry *
make_amount_entry (TbPaymentPanel   *self,
                   const MethodInfo *info)
{
  g_autofree char *name = g_strdup_printf ("amount-%s", info->id);
  GtkEntry *entry = GTK_ENTRY (gtk_entry_new ());

  gtk_widget_set_name (GTK_WIDGET (entry), name);
  gtk_entry_set_input_purpose (entry, GTK_INPUT_PURPOSE_NUMBER);
  gtk_entry_set_placeholder_text (entry, _("Amount"));
  gtk_editable_set_alignment (GTK_EDITABLE (entry), 1.0);
  gtk_widget_add_css_class (GTK_WIDGET (entry), "numeric");
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _(info->amount_label),
                                  -1);
  g_signal_connect_object (entry, "changed", G_CALLBACK (entry_changed_cb), self,
                           G_CONNECT_SWAPPED);

  return entry;
}

static GtkLabel *
make_message_label (const MethodInfo *info)
{
  g_autofree char *name = g_strdup_printf ("message-%s", info->id);
  GtkLabel *label = GTK_LABEL (gtk_label_new (NULL));

  gtk_widget_set_name (GTK_WIDGET (label), name);
  gtk_label_set_xalign (label, 0.0);
  gtk_label_set_wrap (label, TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (label), "caption");
  gtk_widget_set_visible (GTK_WIDGET (label), FALSE);

  return label;
}

/* One method: its check button ("method-<id>") and, revealed while it is ticked, the amount
 * (with Generate QR for a QR method) and the message under it. */
static GtkWidget *
make_method_row (TbPaymentPanel *self,
                 MethodRow      *row)
{
  g_autofree char *check_name = g_strdup_printf ("method-%s", row->info->id);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  GtkWidget *inner = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);

  gtk_widget_add_css_class (box, "payment-method");

  row->check = GTK_CHECK_BUTTON (gtk_check_button_new_with_mnemonic (_(row->info->label)));
  gtk_widget_set_name (GTK_WIDGET (row->check), check_name);
  g_signal_connect_object (row->check, "toggled", G_CALLBACK (check_toggled_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (row->check));

  gtk_widget_set_margin_start (inner, 28);
  gtk_widget_set_margin_bottom (inner, 6);
  row->entry = make_amount_entry (self, row->info);
  if (row->info->settles_itself)
    gtk_box_append (GTK_BOX (inner), tb_payment_panel_make_qr_line (self, row));
  else
    gtk_box_append (GTK_BOX (inner), GTK_WIDGET (row->entry));
  row->message = make_message_label (row->info);
  gtk_box_append (GTK_BOX (inner), GTK_WIDGET (row->message));

  row->revealer = GTK_REVEALER (gtk_revealer_new ());
  gtk_revealer_set_transition_type (row->revealer, GTK_REVEALER_TRANSITION_TYPE_SLIDE_DOWN);
  gtk_revealer_set_child (row->revealer, inner);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (row->revealer));

  return box;
}

static void
build_rows (TbPaymentPanel *self)
{
  for (guint i = 0; i < N_METHODS; i++)
    {
      self->rows[i].info = &method_infos[i];
      gtk_box_append (self->methods_box, make_method_row (self, &self->rows[i]));
    }
}

static void
tb_payment_panel_dispose (GObject *object)
{
  TbPaymentPanel *self = (TbPaymentPanel *) object;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->clear_qr_source, g_source_remove);
  g_clear_object (&self->ledger);
  g_clear_object (&self->service);

  gtk_widget_dispose_template (GTK_WIDGET (self), TB_TYPE_PAYMENT_PANEL);

  G_OBJECT_CLASS (tb_payment_panel_parent_class)->dispose (object);
}

static void
tb_payment_panel_finalize (GObject *object)
{
  TbPaymentPanel *self = (TbPaymentPanel *) object;

  for (guint i = 0; i < N_METHODS; i++)
    g_clear_pointer (&self->rows[i].unavailable, g_free);
  g_clear_pointer (&self->attempt_key, g_free);
  g_clear_pointer (&self->currency, g_free);

  G_OBJECT_CLASS (tb_payment_panel_parent_class)->finalize (object);
}

static void
tb_payment_panel_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  TbPaymentPanel *self = TB_PAYMENT_PANEL (object);

  switch (prop_id)
    {
    case PROP_CAN_RECORD:
      g_value_set_boolean (value, self->can_record);
      break;

    case PROP_BUSY:
      g_value_set_boolean (value, self->in_flight);
      break;

    case PROP_GENERATING:
      g_value_set_boolean (value, self->generating);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tb_payment_panel_class_init (TbPaymentPanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tb_payment_panel_dispose;
  object_class->finalize = tb_payment_panel_finalize;
  object_class->get_property = tb_payment_panel_get_property;

  /**
   * TbPaymentPanel:can-record:
   *
   * Whether the input is valid and Record would start recording now.
   */
  tb_payment_panel_properties [PROP_CAN_RECORD] =
    g_param_spec_boolean ("can-record", NULL, NULL, FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * TbPaymentPanel:busy:
   *
   * Whether a payment is being written to the ledger.
   */
  tb_payment_panel_properties [PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * TbPaymentPanel:generating:
   *
   * Whether a QR is being made (Generate QR was pressed and the provider has not answered).
   */
  tb_payment_panel_properties [PROP_GENERATING] =
    g_param_spec_boolean ("generating", NULL, NULL, FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, tb_payment_panel_properties);

  /**
   * TbPaymentPanel::qr-requested:
   * @amount: the amount asked for, minor units
   *
   * Generate QR was pressed and the request is on its way: a good moment to open the QR
   * window in its "Creating the QR…" state.
   */
  tb_payment_panel_signals [QR_REQUESTED] =
    g_signal_new ("qr-requested",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_INT64);

  /**
   * TbPaymentPanel::qr-ready:
   * @intent: (type gpointer) (nullable): the PENDING #TbIntent with its QR, owned by the
   *   panel and valid during the emission only; %NULL when the QR could not be made (the
   *   panel then shows why)
   *
   * The answer to Generate QR: show the QR (a new one, or the bill's open one for the same
   * amount).
   */
  tb_payment_panel_signals [QR_READY] =
    g_signal_new ("qr-ready",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_POINTER);

  /**
   * TbPaymentPanel::settled:
   * @bill_id: the bill the payment went to
   * @complete: whether every part was recorded
   * @recorded: what was newly written to the ledger, minor units
   * @change: change to give back (cash), minor units
   *
   * Emitted when a recording finished, successfully or not: the bill must be read again.
   */
  tb_payment_panel_signals [SETTLED] =
    g_signal_new ("settled",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 4, G_TYPE_INT64, G_TYPE_BOOLEAN, G_TYPE_INT64, G_TYPE_INT64);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/ui/tb-payment-panel.ui");
  gtk_widget_class_bind_template_child (widget_class, TbPaymentPanel, state_label);
  gtk_widget_class_bind_template_child (widget_class, TbPaymentPanel, methods_box);
  gtk_widget_class_bind_template_child (widget_class, TbPaymentPanel, summary_label);
  gtk_widget_class_bind_template_child (widget_class, TbPaymentPanel, record_button);
  gtk_widget_class_bind_template_callback_full (widget_class, "record_clicked_cb",
                                                G_CALLBACK (tb_payment_panel_record_clicked_cb));
}

static void
tb_payment_panel_init (TbPaymentPanel *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->currency = g_strdup ("MNT");

  build_rows (self);

  /* Until the QPay flow is wired in, QPay is shown but cannot be used. */
  tb_payment_panel_set_method_available (self, TB_METHOD_QPAY,
                                         _("QPay is not configured yet. Take the payment another way for now."));
  update_sensitivity (self);
  tb_payment_panel_validate (self);
}

GtkWidget *
tb_payment_panel_new (void)
{
  return g_object_new (TB_TYPE_PAYMENT_PANEL, NULL);
}

void
tb_payment_panel_set_bill (TbPaymentPanel *self,
                           TbLedger       *ledger,
                           const TbBill   *bill)
{
  gint64 bill_id;

  g_return_if_fail (TB_IS_PAYMENT_PANEL (self));
  g_return_if_fail (ledger == NULL || TB_IS_LEDGER (ledger));

  g_set_object (&self->ledger, ledger);

  bill_id = bill != NULL ? bill->id : 0;
  if (bill_id != self->bill_id)
    tb_payment_panel_reset_rows (self);

  self->bill_id = bill_id;
  self->due = bill != NULL ? tb_bill_get_due (bill) : 0;
  g_free (self->currency);
  self->currency = g_strdup (bill != NULL && bill->currency != NULL ? bill->currency : "MNT");
  self->payable = bill != NULL && bill->status != TB_BILL_VOID && self->due > 0;

  if (bill == NULL)
    gtk_label_set_label (self->state_label, "");
  else if (bill->status == TB_BILL_VOID)
    gtk_label_set_label (self->state_label, _("This bill is void: it takes no payments."));
  else if (self->due <= 0 && bill->total == 0)
    gtk_label_set_label (self->state_label, _("Add a line before taking a payment."));
  else if (tb_ui_bill_is_overpaid (bill))
    {
      g_autofree char *over = tb_money_format (bill->paid - bill->total, self->currency);
      g_autofree char *text = g_strdup_printf (_("This bill is overpaid by %s: refund the difference instead of taking a payment."),
                                               over);

      gtk_label_set_label (self->state_label, text);
    }
  else if (self->due <= 0)
    gtk_label_set_label (self->state_label, _("Nothing is due on this bill."));
  else
    gtk_label_set_label (self->state_label, "");
  gtk_widget_set_visible (GTK_WIDGET (self->state_label), !self->payable && bill != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->methods_box), self->payable);

  if (!self->payable)
    tb_payment_panel_reset_rows (self);

  update_sensitivity (self);
  tb_payment_panel_validate (self);
}

void
tb_payment_panel_set_method_available (TbPaymentPanel  *self,
                                       TbPaymentMethod  method,
                                       const char      *reason)
{
  g_return_if_fail (TB_IS_PAYMENT_PANEL (self));

  for (guint i = 0; i < N_METHODS; i++)
    {
      if (self->rows[i].info->method != method)
        continue;

      g_free (self->rows[i].unavailable);
      self->rows[i].unavailable = g_strdup (reason);
    }

  tb_payment_panel_validate (self);
}

gboolean
tb_payment_panel_get_can_record (TbPaymentPanel *self)
{
  g_return_val_if_fail (TB_IS_PAYMENT_PANEL (self), FALSE);
  return self->can_record;
}

gboolean
tb_payment_panel_get_busy (TbPaymentPanel *self)
{
  g_return_val_if_fail (TB_IS_PAYMENT_PANEL (self), FALSE);
  return self->in_flight;
}
