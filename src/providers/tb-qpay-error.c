/* tb-qpay-error.c: QPay error keys → translated messages
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "tb-qpay-error.h"

/* The key and status ride along inside the GError (an extended error domain, GLib 2.68), so
 * g_error_copy() and g_task_return_error() keep them. */
typedef struct
{
  char  *key;
  guint  http_status;
} TbQpayErrorPrivate;

static void
tb_qpay_error_private_init (TbQpayErrorPrivate *priv)
{
  priv->key = NULL;
  priv->http_status = 0;
}

static void
tb_qpay_error_private_copy (const TbQpayErrorPrivate *src,
                            TbQpayErrorPrivate       *dest)
{
  dest->key = g_strdup (src->key);
  dest->http_status = src->http_status;
}

static void
tb_qpay_error_private_clear (TbQpayErrorPrivate *priv)
{
  g_clear_pointer (&priv->key, g_free);
}

G_DEFINE_EXTENDED_ERROR (TbQpayError, tb_qpay_error)

typedef struct
{
  const char *key;
  const char *message;
} KeyMessage;

/* Keys a receptionist can meet, with what to do about them. Keys are QPay's spellings,
 * typos included (NO_CREDENDIALS, EBARIMT_CANCEL_NOTSUPPERDED). */
static const KeyMessage key_messages[] = {
  { "AUTHENTICATION_FAILED",
    N_("QPay did not accept the merchant login. Check the QPay client ID and secret in Preferences.") },
  { "CLIENT_NOTFOUND",
    N_("QPay does not know this merchant account. Check the QPay client ID in Preferences.") },
  { "NO_CREDENDIALS",
    N_("QPay refused the login. Another computer may be using the same QPay account; try again, and if it keeps happening give each desk its own QPay credentials.") },
  { "PERMISSION_DENIED",
    N_("QPay does not allow this account to do that. Contact QPay to check the account’s permissions.") },
  { "MERCHANT_INACTIVE",
    N_("This QPay merchant account is inactive. Contact QPay.") },
  { "MERCHANT_NOTFOUND",
    N_("QPay does not know this merchant account. Check the QPay settings in Preferences.") },
  { "INVOICE_CODE_INVALID",
    N_("QPay does not recognise the invoice code. Check the invoice code in Preferences.") },
  { "INVOICE_NOTFOUND",
    N_("QPay has no such invoice. It may have been cancelled; create a new QR code.") },
  { "INVOICE_PAID",
    N_("This invoice has already been paid, so it cannot be cancelled. Check the payment first.") },
  { "INVOICE_ALREADY_CANCELED",
    N_("This invoice was already cancelled. Create a new QR code if the customer still wants to pay.") },
  { "INVOICE_LINE_REQUIRED",
    N_("QPay needs the bill lines for this invoice. Add lines to the bill and try again.") },
  { "TAX_LINE_REQUIRED",
    N_("QPay needs the bill lines for this invoice. Add lines to the bill and try again.") },
  { "PAYMENT_NOTFOUND",
    N_("QPay has no such payment. Check the payment number.") },
  { "PAYMENT_NOT_PAID",
    N_("This payment is not completed yet. Wait until the customer has paid, then try again.") },
  { "PAYMENT_SETTLED",
    N_("This payment is already settled and cannot be cancelled here. Refund the customer another way or contact QPay.") },
  { "PAYMENT_ALREADY_CANCELED",
    N_("This payment was already cancelled or refunded.") },
  { "MIN_AMOUNT_ERR",
    N_("The amount is below QPay’s minimum. Take this payment another way or raise the amount.") },
  { "MAX_AMOUNT_ERR",
    N_("The amount is above QPay’s maximum for this account. Split the payment or take it another way.") },
  { "INVALID_AMOUNT",
    N_("QPay did not accept the amount. Check the amount and try again.") },
  { "VAT_AMOUNT_INVALID",
    N_("QPay did not accept the VAT of the bill lines. Check the line prices and tax settings, then try again.") },
  { "CLASSIFICATION_CODE_INVALID",
    N_("QPay did not accept the product classification code. Check the classification code in Preferences or on the bill.") },
  { "EBARIMT_NOT_ENABLED",
    N_("Ebarimt is not enabled for this QPay account or invoice code. Ask QPay to enable it, or use the Ebarimt invoice code.") },
  { "EBARIMT_NOT_REGISTERED",
    N_("No Ebarimt receipt is registered for this payment.") },
  { "EBARIMT_CANCEL_NOTSUPPERDED",
    N_("QPay cannot cancel this Ebarimt receipt. Contact QPay or the tax office.") },
  { "CUSTOMER_REGISTER_INVALID",
    N_("QPay did not accept the customer’s register number. Check it and try again.") },
  { "MAX_LENGTH",
    N_("A text is too long for QPay. Shorten the description or codes and try again.") },
};

const char *
tb_qpay_error_message_for_key (const char *key)
{
  if (key == NULL)
    return NULL;

  for (gsize i = 0; i < G_N_ELEMENTS (key_messages); i++)
    if (strcmp (key_messages[i].key, key) == 0)
      return _(key_messages[i].message);

  return NULL;
}

/* A key is an upper-case identifier. Anything else (free text, a Mongolian sentence, an
 * echoed phone number) is not copied anywhere. */
static gboolean
key_is_safe (const char *key)
{
  gsize len;

  if (key == NULL)
    return FALSE;

  len = strlen (key);
  if (len == 0 || len > 64)
    return FALSE;

  for (gsize i = 0; i < len; i++)
    if (!(g_ascii_isupper (key[i]) || g_ascii_isdigit (key[i]) || key[i] == '_'))
      return FALSE;

  return TRUE;
}

static TbQpayErrorCode
code_for_status (guint http_status)
{
  if (http_status == 401 || http_status == 403)
    return TB_QPAY_ERROR_UNAUTHORIZED;
  if (http_status == 422)
    return TB_QPAY_ERROR_NOT_FOUND;
  if (http_status >= 500)
    return TB_QPAY_ERROR_SERVER;
  return TB_QPAY_ERROR_REJECTED;
}

static char *
message_for_status (guint       http_status,
                    const char *key)
{
  const char *known = tb_qpay_error_message_for_key (key);

  if (known != NULL)
    return g_strdup (known);

  if (http_status >= 500)
    return g_strdup (_("QPay’s server has a problem. Wait a moment and try again."));

  if (key == NULL)
    {
      switch (http_status)
        {
        case 401:
          return g_strdup (_("QPay refused the login. Check the QPay settings in Preferences and try again."));
        case 403:
          return g_strdup (_("QPay refused access. Contact QPay to check the account’s permissions."));
        case 409:
          return g_strdup (_("QPay already has an invoice with this number. Check whether the customer has paid before trying again."));
        case 422:
          return g_strdup (_("QPay could not find what was asked for."));
        default:
          return g_strdup_printf (_("QPay rejected the request (HTTP %u). Check the bill and try again."),
                                  http_status);
        }
    }

  switch (http_status)
    {
    case 401:
    case 403:
      /* TRANSLATORS: %s is QPay's error key, e.g. CLIENT_INACTIVE */
      return g_strdup_printf (_("QPay refused access (%s). Check the QPay settings in Preferences or contact QPay."), key);
    case 422:
      /* TRANSLATORS: %s is QPay's error key, e.g. QRCODE_NOTFOUND */
      return g_strdup_printf (_("QPay could not find what was asked for (%s)."), key);
    default:
      /* TRANSLATORS: %s is QPay's error key, e.g. INVOICE_RECEIVER_DATA_REQUIRED */
      return g_strdup_printf (_("QPay rejected the request (%s). Check the bill and try again; if it keeps happening, contact support."), key);
    }
}

GError *
tb_qpay_error_new_from_response (guint       http_status,
                                 const char *key)
{
  g_autofree char *message = NULL;
  GError *error;
  TbQpayErrorPrivate *priv;

  if (!key_is_safe (key))
    key = NULL;

  message = message_for_status (http_status, key);
  error = g_error_new_literal (TB_QPAY_ERROR, code_for_status (http_status), message);
  priv = tb_qpay_error_get_private (error);
  priv->key = g_strdup (key);
  priv->http_status = http_status;

  return error;
}

GError *
tb_qpay_error_new_literal (TbQpayErrorCode  code,
                           const char      *message)
{
  return g_error_new_literal (TB_QPAY_ERROR, code, message);
}

const char *
tb_qpay_error_get_key (const GError *error)
{
  if (error == NULL || error->domain != TB_QPAY_ERROR)
    return NULL;
  return tb_qpay_error_get_private (error)->key;
}

guint
tb_qpay_error_get_http_status (const GError *error)
{
  if (error == NULL || error->domain != TB_QPAY_ERROR)
    return 0;
  return tb_qpay_error_get_private (error)->http_status;
}

gboolean
tb_qpay_error_has_key (const GError *error,
                       const char   *key)
{
  return g_strcmp0 (tb_qpay_error_get_key (error), key) == 0 && key != NULL;
}
