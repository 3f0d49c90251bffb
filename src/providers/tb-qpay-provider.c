/* tb-qpay-provider.c: QPay as a TbPaymentProvider
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "core/tb-money.h"
#include "core/tb-rules.h"
#include "tb-qpay-provider.h"

struct _TbQpayProvider
{
  GObject       parent_instance;
  TbQpayClient *client;
  char         *district_code;
  char         *default_classification;
};

static void payment_provider_iface_init (TbPaymentProviderInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (TbQpayProvider, tb_qpay_provider, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (TB_TYPE_PAYMENT_PROVIDER,
                                                      payment_provider_iface_init))

#define CHECK_PAGE_LIMIT 100
#define CHECK_MAX_PAGES  20

static const char *
qpay_get_name (TbPaymentProvider *provider)
{
  return "QPAY";
}

static const char *
qpay_get_environment (TbPaymentProvider *provider)
{
  TbQpayProvider *self = TB_QPAY_PROVIDER (provider);

  switch (tb_qpay_client_get_config (self->client)->environment)
    {
    case TB_QPAY_ENV_SIMULATOR:
      return "sim";
    case TB_QPAY_ENV_SANDBOX:
      return "sandbox";
    case TB_QPAY_ENV_LIVE:
    default:
      return "live";
    }
}

static gint64
qpay_get_minimum (TbPaymentProvider *provider)
{
  return TB_QPAY_MIN_AMOUNT;
}

static gboolean
qpay_whole_units_only (TbPaymentProvider *provider)
{
  return TRUE;
}

static void
create_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(TbQpayInvoice) invoice = NULL;
  TbProviderInvoice *out;

  invoice = tb_qpay_client_create_invoice_finish (TB_QPAY_CLIENT (object), result, &error);
  if (invoice == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  out = tb_provider_invoice_new ();
  out->invoice_id = g_strdup (invoice->invoice_id);
  out->qr_text = g_strdup (invoice->qr_text);
  out->short_url = g_strdup (invoice->short_url);
  for (guint i = 0; invoice->urls != NULL && i < invoice->urls->len; i++)
    {
      TbQpayDeeplink *deeplink = invoice->urls->pdata[i];
      TbProviderLink *link = g_new0 (TbProviderLink, 1);

      link->name = g_strdup (deeplink->name);
      link->description = g_strdup (deeplink->description);
      link->link = g_strdup (deeplink->link);
      g_ptr_array_add (out->links, link);
    }

  g_task_return_pointer (task, out, (GDestroyNotify) tb_provider_invoice_free);
}

static gboolean
use_ebarimt_form (TbQpayProvider                 *self,
                  const TbProviderInvoiceRequest *request)
{
  const TbQpayConfig *config = tb_qpay_client_get_config (self->client);

  if (self->district_code == NULL || config->invoice_code == NULL ||
      !g_str_has_prefix (config->invoice_code, "EB_"))
    return FALSE;
  if (request->bill == NULL || request->bill->lines == NULL || request->bill->lines->len == 0)
    return FALSE;
  /* Only when this QR pays the whole bill and every line meets the line rules (tb-rules.h:
   * two-decimal quantities, a classification code of its own or the default). Lines saved
   * before those rules may not: the QR then uses the simple form. */
  if (request->amount != request->bill->total || request->bill->paid != 0)
    return FALSE;
  for (guint i = 0; i < request->bill->lines->len; i++)
    {
      TbBillLine *line = request->bill->lines->pdata[i];
      g_autofree char *code = NULL;

      if (!tb_rules_line_quantity (line->quantity_milli, NULL) ||
          !tb_rules_classification_code (line->classification_code != NULL ? line->classification_code
                                                                            : self->default_classification,
                                         TRUE, &code, NULL))
        return FALSE;
    }
  return TRUE;
}

static void
qpay_create_async (TbPaymentProvider              *provider,
                   const TbProviderInvoiceRequest *request,
                   GCancellable                   *cancellable,
                   GAsyncReadyCallback             callback,
                   gpointer                        user_data)
{
  TbQpayProvider *self = TB_QPAY_PROVIDER (provider);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr(TbQpayInvoiceRequest) qpay_request = NULL;
  gint64 whole;

  g_task_set_source_tag (task, qpay_create_async);

  if (!tb_money_to_whole (request->amount, &whole))
    {
      g_task_return_new_error (task, TB_QPAY_ERROR, TB_QPAY_ERROR_INVALID_REQUEST,
                               _("QPay takes whole tögrög only. Round the amount."));
      return;
    }

  if (use_ebarimt_form (self, request))
    {
      qpay_request = tb_qpay_invoice_request_new (TB_QPAY_INVOICE_EBARIMT, request->sender_invoice_no,
                                                  request->description, request->amount);
      qpay_request->district_code = g_strdup (self->district_code);
      for (guint i = 0; i < request->bill->lines->len; i++)
        {
          TbBillLine *line = request->bill->lines->pdata[i];

          /* QPay rejects 0 ₮ lines (docs/qpay.md, "Invoices"): they carry no tax either. */
          if (line->amount == 0)
            continue;
          tb_qpay_invoice_request_add_line (qpay_request, line->description, line->quantity_milli,
                                            line->unit_price, line->vat, line->city_tax,
                                            line->classification_code != NULL ? line->classification_code
                                                                              : self->default_classification);
        }
    }
  else
    {
      /* The simple form: a QR may pay part of a bill (split payments), so its amount need not
       * match the lines. */
      qpay_request = tb_qpay_invoice_request_new (TB_QPAY_INVOICE_SIMPLE, request->sender_invoice_no,
                                                  request->description, request->amount);
    }
  tb_qpay_client_create_invoice_async (self->client, qpay_request, cancellable, create_cb,
                                       g_steal_pointer (&task));
}

static TbProviderInvoice *
qpay_create_finish (TbPaymentProvider  *provider,
                    GAsyncResult       *result,
                    GError            **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

typedef struct
{
  char            *invoice_id;
  guint            page;
  TbProviderCheck *check;
} CheckData;

static void
check_data_free (CheckData *data)
{
  g_free (data->invoice_id);
  g_clear_pointer (&data->check, tb_provider_check_free);
  g_free (data);
}

static void check_page (GTask *task);

static void
check_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(TbQpayCheckResult) page = NULL;
  CheckData *data = g_task_get_task_data (task);

  page = tb_qpay_client_check_payment_finish (TB_QPAY_CLIENT (object), result, &error);
  if (page == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  data->check->paid_total = MAX (data->check->paid_total, page->paid_amount);
  for (guint i = 0; i < page->rows->len; i++)
    {
      TbQpayPayment *row = page->rows->pdata[i];
      TbProviderPayment *payment;

      /* Every row goes up with its status and invoice: the payment service settles PAID rows of
       * the invoice asked about only, records REFUNDED or FAILED ones as reversals, and flags
       * the rest. */
      if (row->payment_id == NULL || row->amount <= 0)
        continue;

      payment = g_new0 (TbProviderPayment, 1);
      payment->txn_id = g_strdup (row->payment_id);
      payment->amount = row->amount;
      payment->status = g_strdup (row->status);
      payment->invoice_id = g_strdup (row->object_id);
      g_ptr_array_add (data->check->payments, payment);
    }

  /* More rows than this page held: fetch the next page (bounded). */
  if (page->count > (gint64) data->page * CHECK_PAGE_LIMIT && page->rows->len == CHECK_PAGE_LIMIT &&
      data->page < CHECK_MAX_PAGES)
    {
      data->page++;
      check_page (g_steal_pointer (&task));
      return;
    }

  g_task_return_pointer (task, g_steal_pointer (&data->check), (GDestroyNotify) tb_provider_check_free);
}

static void
check_page (GTask *task)
{
  TbQpayProvider *self = g_task_get_source_object (task);
  CheckData *data = g_task_get_task_data (task);

  tb_qpay_client_check_payment_async (self->client, TB_QPAY_OBJECT_INVOICE, data->invoice_id,
                                      data->page, CHECK_PAGE_LIMIT, g_task_get_cancellable (task),
                                      check_cb, task);
}

static void
qpay_check_async (TbPaymentProvider   *provider,
                  const char          *invoice_id,
                  GCancellable        *cancellable,
                  GAsyncReadyCallback  callback,
                  gpointer             user_data)
{
  GTask *task = g_task_new (provider, cancellable, callback, user_data);
  CheckData *data = g_new0 (CheckData, 1);

  g_task_set_source_tag (task, qpay_check_async);
  data->invoice_id = g_strdup (invoice_id);
  data->page = 1;
  data->check = tb_provider_check_new ();
  g_task_set_task_data (task, data, (GDestroyNotify) check_data_free);
  check_page (task);
}

static TbProviderCheck *
qpay_check_finish (TbPaymentProvider  *provider,
                   GAsyncResult       *result,
                   GError            **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
cancel_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (!tb_qpay_client_cancel_invoice_finish (TB_QPAY_CLIENT (object), result, &error))
    {
      /* Cancelling an invoice QPay already cancelled is done, not a failure. */
      if (tb_qpay_error_has_key (error, "INVOICE_ALREADY_CANCELED"))
        g_task_return_boolean (task, TRUE);
      else
        g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_boolean (task, TRUE);
}

static void
qpay_cancel_async (TbPaymentProvider   *provider,
                   const char          *invoice_id,
                   GCancellable        *cancellable,
                   GAsyncReadyCallback  callback,
                   gpointer             user_data)
{
  TbQpayProvider *self = TB_QPAY_PROVIDER (provider);
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, qpay_cancel_async);
  tb_qpay_client_cancel_invoice_async (self->client, invoice_id, cancellable, cancel_cb, task);
}

static gboolean
qpay_cancel_finish (TbPaymentProvider  *provider,
                    GAsyncResult       *result,
                    GError            **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static gboolean
qpay_error_is_transient (TbPaymentProvider *provider,
                         const GError      *error)
{
  return error->domain == TB_QPAY_ERROR &&
         (error->code == TB_QPAY_ERROR_NETWORK || error->code == TB_QPAY_ERROR_TIMEOUT ||
          error->code == TB_QPAY_ERROR_SERVER || error->code == TB_QPAY_ERROR_BAD_RESPONSE ||
          error->code == TB_QPAY_ERROR_UNAUTHORIZED);
}

static gboolean
qpay_error_is_already_paid (TbPaymentProvider *provider,
                            const GError      *error)
{
  return tb_qpay_error_has_key (error, "INVOICE_PAID");
}

static void
payment_provider_iface_init (TbPaymentProviderInterface *iface)
{
  iface->get_name = qpay_get_name;
  iface->get_environment = qpay_get_environment;
  iface->get_minimum = qpay_get_minimum;
  iface->whole_units_only = qpay_whole_units_only;
  iface->create_async = qpay_create_async;
  iface->create_finish = qpay_create_finish;
  iface->check_async = qpay_check_async;
  iface->check_finish = qpay_check_finish;
  iface->cancel_async = qpay_cancel_async;
  iface->cancel_finish = qpay_cancel_finish;
  iface->error_is_transient = qpay_error_is_transient;
  iface->error_is_already_paid = qpay_error_is_already_paid;
}

static void
tb_qpay_provider_dispose (GObject *object)
{
  TbQpayProvider *self = TB_QPAY_PROVIDER (object);

  g_clear_object (&self->client);
  G_OBJECT_CLASS (tb_qpay_provider_parent_class)->dispose (object);
}

static void
tb_qpay_provider_finalize (GObject *object)
{
  TbQpayProvider *self = TB_QPAY_PROVIDER (object);

  g_free (self->district_code);
  g_free (self->default_classification);
  G_OBJECT_CLASS (tb_qpay_provider_parent_class)->finalize (object);
}

static void
tb_qpay_provider_class_init (TbQpayProviderClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = tb_qpay_provider_dispose;
  G_OBJECT_CLASS (klass)->finalize = tb_qpay_provider_finalize;
}

static void
tb_qpay_provider_init (TbQpayProvider *self)
{
}

TbQpayProvider *
tb_qpay_provider_new (TbQpayClient *client)
{
  TbQpayProvider *self;

  g_return_val_if_fail (TB_IS_QPAY_CLIENT (client), NULL);

  self = g_object_new (TB_TYPE_QPAY_PROVIDER, NULL);
  self->client = g_object_ref (client);
  return self;
}

TbQpayClient *
tb_qpay_provider_get_client (TbQpayProvider *self)
{
  g_return_val_if_fail (TB_IS_QPAY_PROVIDER (self), NULL);
  return self->client;
}

void
tb_qpay_provider_set_ebarimt_invoice (TbQpayProvider *self,
                                      const char     *district_code,
                                      const char     *default_classification)
{
  g_return_if_fail (TB_IS_QPAY_PROVIDER (self));

  g_free (self->district_code);
  self->district_code = district_code != NULL && *district_code != '\0' ? g_strdup (district_code) : NULL;
  g_free (self->default_classification);
  self->default_classification = default_classification != NULL && *default_classification != '\0'
                                   ? g_strdup (default_classification) : NULL;
}
