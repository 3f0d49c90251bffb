/* tb-qpay-types.c: configuration and result records of the QPay client
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "tb-qpay-types.h"

G_DEFINE_BOXED_TYPE (TbQpayConfig, tb_qpay_config, tb_qpay_config_copy, tb_qpay_config_free)
G_DEFINE_BOXED_TYPE (TbQpayDeeplink, tb_qpay_deeplink, tb_qpay_deeplink_copy, tb_qpay_deeplink_free)
G_DEFINE_BOXED_TYPE (TbQpayInvoice, tb_qpay_invoice, tb_qpay_invoice_copy, tb_qpay_invoice_free)
G_DEFINE_BOXED_TYPE (TbQpayInvoiceInfo, tb_qpay_invoice_info, tb_qpay_invoice_info_copy, tb_qpay_invoice_info_free)
G_DEFINE_BOXED_TYPE (TbQpayPayment, tb_qpay_payment, tb_qpay_payment_copy, tb_qpay_payment_free)
G_DEFINE_BOXED_TYPE (TbQpayCheckResult, tb_qpay_check_result, tb_qpay_check_result_copy, tb_qpay_check_result_free)
G_DEFINE_BOXED_TYPE (TbQpayPaymentList, tb_qpay_payment_list, tb_qpay_payment_list_copy, tb_qpay_payment_list_free)
G_DEFINE_BOXED_TYPE (TbQpayEbarimt, tb_qpay_ebarimt, tb_qpay_ebarimt_copy, tb_qpay_ebarimt_free)
G_DEFINE_BOXED_TYPE (TbQpayTokenReply, tb_qpay_token_reply, tb_qpay_token_reply_copy, tb_qpay_token_reply_free)

/* Secrets are overwritten before their memory goes back to the allocator. */
static void
free_secret (char *secret)
{
  if (secret != NULL)
    {
      memset (secret, 0, strlen (secret));
      g_free (secret);
    }
}

const char *
tb_qpay_environment_to_string (TbQpayEnvironment env)
{
  switch (env)
    {
    case TB_QPAY_ENV_SIMULATOR:
      return "simulator";
    case TB_QPAY_ENV_SANDBOX:
      return "sandbox";
    case TB_QPAY_ENV_LIVE:
      return "live";
    default:
      g_return_val_if_reached (NULL);
    }
}

gboolean
tb_qpay_environment_from_string (const char        *text,
                                 TbQpayEnvironment *out)
{
  static const TbQpayEnvironment all[] = { TB_QPAY_ENV_SIMULATOR, TB_QPAY_ENV_SANDBOX, TB_QPAY_ENV_LIVE };

  g_return_val_if_fail (out != NULL, FALSE);

  if (text == NULL)
    return FALSE;

  for (gsize i = 0; i < G_N_ELEMENTS (all); i++)
    if (g_ascii_strcasecmp (text, tb_qpay_environment_to_string (all[i])) == 0)
      {
        *out = all[i];
        return TRUE;
      }

  return FALSE;
}

const char *
tb_qpay_environment_default_url (TbQpayEnvironment env)
{
  switch (env)
    {
    case TB_QPAY_ENV_SANDBOX:
      return TB_QPAY_SANDBOX_URL;
    case TB_QPAY_ENV_LIVE:
      return TB_QPAY_LIVE_URL;
    case TB_QPAY_ENV_SIMULATOR:
    default:
      return NULL;
    }
}

TbQpayConfig *
tb_qpay_config_new (void)
{
  return g_new0 (TbQpayConfig, 1);
}

TbQpayConfig *
tb_qpay_config_copy (const TbQpayConfig *config)
{
  TbQpayConfig *copy;

  g_return_val_if_fail (config != NULL, NULL);

  copy = tb_qpay_config_new ();
  copy->environment = config->environment;
  copy->base_url = g_strdup (config->base_url);
  copy->client_id = g_strdup (config->client_id);
  copy->client_secret = g_strdup (config->client_secret);
  copy->invoice_code = g_strdup (config->invoice_code);
  copy->branch_code = g_strdup (config->branch_code);
  copy->callback_url = g_strdup (config->callback_url);

  return copy;
}

void
tb_qpay_config_free (TbQpayConfig *config)
{
  if (config == NULL)
    return;

  g_free (config->base_url);
  g_free (config->client_id);
  free_secret (config->client_secret);
  g_free (config->invoice_code);
  g_free (config->branch_code);
  g_free (config->callback_url);
  g_free (config);
}

TbQpayDeeplink *
tb_qpay_deeplink_copy (const TbQpayDeeplink *link)
{
  TbQpayDeeplink *copy;

  g_return_val_if_fail (link != NULL, NULL);

  copy = g_new0 (TbQpayDeeplink, 1);
  copy->name = g_strdup (link->name);
  copy->description = g_strdup (link->description);
  copy->logo = g_strdup (link->logo);
  copy->link = g_strdup (link->link);

  return copy;
}

void
tb_qpay_deeplink_free (TbQpayDeeplink *link)
{
  if (link == NULL)
    return;

  g_free (link->name);
  g_free (link->description);
  g_free (link->logo);
  g_free (link->link);
  g_free (link);
}

TbQpayInvoice *
tb_qpay_invoice_new (void)
{
  TbQpayInvoice *invoice = g_new0 (TbQpayInvoice, 1);

  invoice->urls = g_ptr_array_new_with_free_func ((GDestroyNotify) tb_qpay_deeplink_free);
  return invoice;
}

TbQpayInvoice *
tb_qpay_invoice_copy (const TbQpayInvoice *invoice)
{
  TbQpayInvoice *copy;

  g_return_val_if_fail (invoice != NULL, NULL);

  copy = tb_qpay_invoice_new ();
  copy->invoice_id = g_strdup (invoice->invoice_id);
  copy->qr_text = g_strdup (invoice->qr_text);
  copy->qr_image = g_strdup (invoice->qr_image);
  copy->short_url = g_strdup (invoice->short_url);
  for (guint i = 0; i < invoice->urls->len; i++)
    g_ptr_array_add (copy->urls, tb_qpay_deeplink_copy (g_ptr_array_index (invoice->urls, i)));

  return copy;
}

void
tb_qpay_invoice_free (TbQpayInvoice *invoice)
{
  if (invoice == NULL)
    return;

  g_free (invoice->invoice_id);
  g_free (invoice->qr_text);
  g_free (invoice->qr_image);
  g_free (invoice->short_url);
  g_clear_pointer (&invoice->urls, g_ptr_array_unref);
  g_free (invoice);
}

TbQpayInvoiceInfo *
tb_qpay_invoice_info_copy (const TbQpayInvoiceInfo *info)
{
  TbQpayInvoiceInfo *copy;

  g_return_val_if_fail (info != NULL, NULL);

  copy = g_memdup2 (info, sizeof *info);
  copy->invoice_id = g_strdup (info->invoice_id);
  copy->status = g_strdup (info->status);
  copy->sender_invoice_no = g_strdup (info->sender_invoice_no);
  copy->description = g_strdup (info->description);
  copy->expiry_date = g_strdup (info->expiry_date);

  return copy;
}

void
tb_qpay_invoice_info_free (TbQpayInvoiceInfo *info)
{
  if (info == NULL)
    return;

  g_free (info->invoice_id);
  g_free (info->status);
  g_free (info->sender_invoice_no);
  g_free (info->description);
  g_free (info->expiry_date);
  g_free (info);
}

TbQpayPayment *
tb_qpay_payment_copy (const TbQpayPayment *payment)
{
  TbQpayPayment *copy;

  g_return_val_if_fail (payment != NULL, NULL);

  copy = g_memdup2 (payment, sizeof *payment);
  copy->payment_id = g_strdup (payment->payment_id);
  copy->status = g_strdup (payment->status);
  copy->currency = g_strdup (payment->currency);
  copy->wallet = g_strdup (payment->wallet);
  copy->type = g_strdup (payment->type);
  copy->date = g_strdup (payment->date);
  copy->object_type = g_strdup (payment->object_type);
  copy->object_id = g_strdup (payment->object_id);

  return copy;
}

void
tb_qpay_payment_free (TbQpayPayment *payment)
{
  if (payment == NULL)
    return;

  g_free (payment->payment_id);
  g_free (payment->status);
  g_free (payment->currency);
  g_free (payment->wallet);
  g_free (payment->type);
  g_free (payment->date);
  g_free (payment->object_type);
  g_free (payment->object_id);
  g_free (payment);
}

static GPtrArray *
copy_payments (GPtrArray *rows)
{
  GPtrArray *copy = g_ptr_array_new_full (rows->len, (GDestroyNotify) tb_qpay_payment_free);

  for (guint i = 0; i < rows->len; i++)
    g_ptr_array_add (copy, tb_qpay_payment_copy (g_ptr_array_index (rows, i)));

  return copy;
}

TbQpayCheckResult *
tb_qpay_check_result_new (void)
{
  TbQpayCheckResult *result = g_new0 (TbQpayCheckResult, 1);

  result->rows = g_ptr_array_new_with_free_func ((GDestroyNotify) tb_qpay_payment_free);
  return result;
}

TbQpayCheckResult *
tb_qpay_check_result_copy (const TbQpayCheckResult *result)
{
  TbQpayCheckResult *copy;

  g_return_val_if_fail (result != NULL, NULL);

  copy = g_new0 (TbQpayCheckResult, 1);
  copy->count = result->count;
  copy->paid_amount = result->paid_amount;
  copy->rows = copy_payments (result->rows);

  return copy;
}

void
tb_qpay_check_result_free (TbQpayCheckResult *result)
{
  if (result == NULL)
    return;

  g_clear_pointer (&result->rows, g_ptr_array_unref);
  g_free (result);
}

const TbQpayPayment *
tb_qpay_check_result_find_paid (const TbQpayCheckResult *result)
{
  g_return_val_if_fail (result != NULL, NULL);

  for (guint i = 0; i < result->rows->len; i++)
    {
      const TbQpayPayment *row = g_ptr_array_index (result->rows, i);

      if (g_strcmp0 (row->status, "PAID") == 0)
        return row;
    }

  return NULL;
}

TbQpayPaymentList *
tb_qpay_payment_list_new (void)
{
  TbQpayPaymentList *list = g_new0 (TbQpayPaymentList, 1);

  list->rows = g_ptr_array_new_with_free_func ((GDestroyNotify) tb_qpay_payment_free);
  return list;
}

TbQpayPaymentList *
tb_qpay_payment_list_copy (const TbQpayPaymentList *list)
{
  TbQpayPaymentList *copy;

  g_return_val_if_fail (list != NULL, NULL);

  copy = g_new0 (TbQpayPaymentList, 1);
  copy->count = list->count;
  copy->rows = copy_payments (list->rows);

  return copy;
}

void
tb_qpay_payment_list_free (TbQpayPaymentList *list)
{
  if (list == NULL)
    return;

  g_clear_pointer (&list->rows, g_ptr_array_unref);
  g_free (list);
}

TbQpayEbarimt *
tb_qpay_ebarimt_copy (const TbQpayEbarimt *ebarimt)
{
  TbQpayEbarimt *copy;

  g_return_val_if_fail (ebarimt != NULL, NULL);

  copy = g_memdup2 (ebarimt, sizeof *ebarimt);
  copy->id = g_strdup (ebarimt->id);
  copy->receipt_id = g_strdup (ebarimt->receipt_id);
  copy->lottery = g_strdup (ebarimt->lottery);
  copy->qr_data = g_strdup (ebarimt->qr_data);
  copy->status = g_strdup (ebarimt->status);
  copy->status_date = g_strdup (ebarimt->status_date);
  copy->payment_id = g_strdup (ebarimt->payment_id);
  copy->receiver_type = g_strdup (ebarimt->receiver_type);
  copy->district_code = g_strdup (ebarimt->district_code);
  copy->tax_type = g_strdup (ebarimt->tax_type);
  copy->merchant_tin = g_strdup (ebarimt->merchant_tin);

  return copy;
}

void
tb_qpay_ebarimt_free (TbQpayEbarimt *ebarimt)
{
  if (ebarimt == NULL)
    return;

  g_free (ebarimt->id);
  g_free (ebarimt->receipt_id);
  g_free (ebarimt->lottery);
  g_free (ebarimt->qr_data);
  g_free (ebarimt->status);
  g_free (ebarimt->status_date);
  g_free (ebarimt->payment_id);
  g_free (ebarimt->receiver_type);
  g_free (ebarimt->district_code);
  g_free (ebarimt->tax_type);
  g_free (ebarimt->merchant_tin);
  g_free (ebarimt);
}

TbQpayTokenReply *
tb_qpay_token_reply_copy (const TbQpayTokenReply *reply)
{
  TbQpayTokenReply *copy;

  g_return_val_if_fail (reply != NULL, NULL);

  copy = g_memdup2 (reply, sizeof *reply);
  copy->access_token = g_strdup (reply->access_token);
  copy->refresh_token = g_strdup (reply->refresh_token);
  copy->session_state = g_strdup (reply->session_state);

  return copy;
}

void
tb_qpay_token_reply_free (TbQpayTokenReply *reply)
{
  if (reply == NULL)
    return;

  free_secret (reply->access_token);
  free_secret (reply->refresh_token);
  g_free (reply->session_state);
  g_free (reply);
}
