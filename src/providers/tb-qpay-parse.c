/* tb-qpay-parse.c: pure parsers of QPay's answers
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>
#include <glib/gi18n-lib.h>

#include "core/tb-money.h"

#include "tb-qpay-error.h"
#include "tb-qpay-parse.h"

/* Values of `expires_in` below this are durations, at or above it Unix times (docs/qpay.md, "Token":
 * QPay documents seconds but sends an epoch). */
#define EPOCH_THRESHOLD G_GINT64_CONSTANT (1000000000)

static gboolean
bad_field (GError     **error,
           const char  *field)
{
  /* TRANSLATORS: %s is the name of a field in QPay's reply, e.g. invoice_id */
  g_set_error (error, TB_QPAY_ERROR, TB_QPAY_ERROR_BAD_RESPONSE,
               _("QPay sent a reply Tulbur could not read (field “%s”). Try again; if it keeps happening, contact support."),
               field);
  return FALSE;
}

static gboolean
bad_body (GError **error)
{
  g_set_error_literal (error, TB_QPAY_ERROR, TB_QPAY_ERROR_BAD_RESPONSE,
                       _("QPay sent a reply Tulbur could not read. Try again; if it keeps happening, contact support."));
  return FALSE;
}

/* json-glib's parser recurses once per nesting level, so a body of a million '[' would
 * exhaust the stack; count the depth first (outside strings). */
static gboolean
depth_ok (const char *data,
          gsize       len)
{
  gboolean in_string = FALSE;
  guint depth = 0;

  for (gsize i = 0; i < len; i++)
    {
      char c = data[i];

      if (in_string)
        {
          if (c == '\\')
            i++;
          else if (c == '"')
            in_string = FALSE;
          continue;
        }

      if (c == '"')
        in_string = TRUE;
      else if (c == '{' || c == '[')
        {
          if (++depth > TB_QPAY_MAX_JSON_DEPTH)
            return FALSE;
        }
      else if ((c == '}' || c == ']') && depth > 0)
        depth--;
    }

  return TRUE;
}

JsonParser *
tb_qpay_parse_json_object (GBytes      *body,
                           JsonObject **out_object,
                           GError     **error)
{
  g_autoptr(JsonParser) parser = NULL;
  const char *data;
  gsize len = 0;
  JsonNode *root;

  g_return_val_if_fail (out_object != NULL, NULL);

  *out_object = NULL;

  if (body == NULL)
    return (bad_body (error), NULL);

  data = g_bytes_get_data (body, &len);
  if (len == 0 || len > TB_QPAY_MAX_BODY_SIZE)
    return (bad_body (error), NULL);

  /* g_utf8_validate_len also refuses embedded NULs. */
  if (!g_utf8_validate_len (data, len, NULL) || !depth_ok (data, len))
    return (bad_body (error), NULL);

  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, data, (gssize) len, NULL))
    return (bad_body (error), NULL);

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return (bad_body (error), NULL);

  *out_object = json_node_get_object (root);
  return g_steal_pointer (&parser);
}

gboolean
tb_qpay_parse_fixed (const char *text,
                     guint       places,
                     gint64     *out)
{
  const gint64 limit = TB_MONEY_MAX * 100;   /* room for e4 values of TB_MONEY_MAX */
  gboolean negative = FALSE;
  gint64 value = 0;
  guint decimals = 0;
  gboolean any_digit = FALSE;
  const char *p = text;

  g_return_val_if_fail (out != NULL, FALSE);
  g_return_val_if_fail (places <= 6, FALSE);

  if (text == NULL)
    return FALSE;

  if (*p == '-')
    {
      negative = TRUE;
      p++;
    }

  for (; g_ascii_isdigit (*p); p++)
    {
      value = value * 10 + (*p - '0');
      any_digit = TRUE;
      if (value > limit)
        return FALSE;
    }

  if (*p == '.')
    {
      p++;
      if (!g_ascii_isdigit (*p))
        return FALSE;
      for (; g_ascii_isdigit (*p); p++)
        {
          if (decimals < places)
            {
              value = value * 10 + (*p - '0');
              decimals++;
              if (value > limit)
                return FALSE;
            }
          else if (*p != '0')
            return FALSE;   /* more precision than we keep, and not just trailing zeros */
        }
    }

  if (!any_digit || *p != '\0')
    return FALSE;

  for (; decimals < places; decimals++)
    {
      value *= 10;
      if (value > limit)
        return FALSE;
    }

  *out = negative ? -value : value;
  return TRUE;
}

/* A JSON double → fixed point without arithmetic: print it with 0…@places decimals and keep
 * the first text that reads back as the very same double. 100.5 → "100.5"; 0.1 → "0.1";
 * 0.123 with places 2 → no such text → refused. */
static gboolean
double_to_fixed (double  value,
                 guint   places,
                 double  bound,
                 gint64 *out)
{
  if (!isfinite (value) || value >= bound || value <= -bound)
    return FALSE;

  for (guint p = 0; p <= places; p++)
    {
      static const char *formats[] = { "%.0f", "%.1f", "%.2f", "%.3f", "%.4f" };
      char buf[G_ASCII_DTOSTR_BUF_SIZE];

      g_ascii_formatd (buf, sizeof buf, formats[p], value);
      if (g_ascii_strtod (buf, NULL) == value)
        return tb_qpay_parse_fixed (buf, places, out);
    }

  return FALSE;
}

gboolean
tb_qpay_parse_money_node (JsonNode *node,
                          gint64   *out_minor)
{
  GType type;

  g_return_val_if_fail (out_minor != NULL, FALSE);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;

  type = json_node_get_value_type (node);
  if (type == G_TYPE_STRING)
    {
      g_autofree char *text = g_strstrip (g_strdup (json_node_get_string (node)));

      return tb_money_parse_decimal (text, out_minor, NULL);
    }
  else if (type == G_TYPE_INT64)
    {
      gint64 whole = json_node_get_int (node);

      if (whole > TB_MONEY_MAX / 100 || whole < -(TB_MONEY_MAX / 100))
        return FALSE;
      *out_minor = whole * 100;
      return TRUE;
    }
  else if (type == G_TYPE_DOUBLE)
    {
      /* 1e13 ₮ = TB_MONEY_MAX: 15 significant digits, within what a double holds exactly
       * enough for the round-trip test to be meaningful. */
      return double_to_fixed (json_node_get_double (node), 2, 1e13, out_minor);
    }

  return FALSE;
}

gboolean
tb_qpay_parse_e4_node (JsonNode *node,
                       gint64   *out_e4)
{
  GType type;

  g_return_val_if_fail (out_e4 != NULL, FALSE);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;

  type = json_node_get_value_type (node);
  if (type == G_TYPE_STRING)
    {
      g_autofree char *text = g_strstrip (g_strdup (json_node_get_string (node)));

      return tb_qpay_parse_fixed (text, 4, out_e4);
    }
  else if (type == G_TYPE_INT64)
    {
      gint64 whole = json_node_get_int (node);

      if (whole > TB_MONEY_MAX / 100 || whole < -(TB_MONEY_MAX / 100))
        return FALSE;
      *out_e4 = whole * 10000;
      return TRUE;
    }
  else if (type == G_TYPE_DOUBLE)
    {
      return double_to_fixed (json_node_get_double (node), 4, 1e11, out_e4);
    }

  return FALSE;
}

/* Field readers. "Absent" means missing, null, or an empty string: QPay uses all three for
 * "no value". A present value of the wrong type is always an error; an absent required one
 * too. */

static gboolean
node_is_absent (JsonNode *node)
{
  return node == NULL
      || JSON_NODE_HOLDS_NULL (node)
      || (JSON_NODE_HOLDS_VALUE (node)
          && json_node_get_value_type (node) == G_TYPE_STRING
          && json_node_get_string (node)[0] == '\0');
}

/* A string, or an integer turned into its decimal text (old documents show numeric ids). */
static gboolean
read_string (JsonObject  *object,
             const char  *field,
             gboolean     required,
             char       **out,
             GError     **error)
{
  JsonNode *node = json_object_get_member (object, field);
  GType type;

  *out = NULL;

  if (node_is_absent (node))
    return required ? bad_field (error, field) : TRUE;

  if (!JSON_NODE_HOLDS_VALUE (node))
    return bad_field (error, field);

  type = json_node_get_value_type (node);
  if (type == G_TYPE_STRING)
    {
      /* Escapes can smuggle in what the body check cannot see: a lone surrogate ("\ud800")
       * or NUL ("\u0000"). Such text must not reach a label or a receipt. */
      if (!g_utf8_validate (json_node_get_string (node), -1, NULL))
        return bad_field (error, field);
      *out = g_strdup (json_node_get_string (node));
    }
  else if (type == G_TYPE_INT64)
    *out = g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
  else
    return bad_field (error, field);

  return TRUE;
}

/* The first of several spellings that is present (QPay varies key names between calls). */
static gboolean
read_string_any (JsonObject         *object,
                 const char * const *fields,
                 gboolean            required,
                 char              **out,
                 GError            **error)
{
  *out = NULL;

  for (guint i = 0; fields[i] != NULL; i++)
    if (!node_is_absent (json_object_get_member (object, fields[i])))
      return read_string (object, fields[i], required, out, error);

  return required ? bad_field (error, fields[0]) : TRUE;
}

static gboolean
read_money (JsonObject  *object,
            const char  *field,
            gboolean     required,
            gint64      *out,
            GError     **error)
{
  JsonNode *node = json_object_get_member (object, field);

  *out = 0;

  if (node_is_absent (node))
    return required ? bad_field (error, field) : TRUE;

  if (!tb_qpay_parse_money_node (node, out))
    return bad_field (error, field);

  return TRUE;
}

static gboolean
read_money_any (JsonObject         *object,
                const char * const *fields,
                gint64             *out,
                GError            **error)
{
  *out = 0;

  for (guint i = 0; fields[i] != NULL; i++)
    if (!node_is_absent (json_object_get_member (object, fields[i])))
      return read_money (object, fields[i], FALSE, out, error);

  return TRUE;
}

static gboolean
read_e4 (JsonObject  *object,
         const char  *field,
         gint64      *out,
         GError     **error)
{
  JsonNode *node = json_object_get_member (object, field);

  *out = 0;

  if (node_is_absent (node))
    return TRUE;

  if (!tb_qpay_parse_e4_node (node, out))
    return bad_field (error, field);

  return TRUE;
}

/* An integer, or a string of digits ("0" for not-before-policy). */
static gboolean
read_int (JsonObject  *object,
          const char  *field,
          gboolean     required,
          gint64      *out,
          GError     **error)
{
  JsonNode *node = json_object_get_member (object, field);
  GType type;

  *out = 0;

  if (node_is_absent (node))
    return required ? bad_field (error, field) : TRUE;

  if (!JSON_NODE_HOLDS_VALUE (node))
    return bad_field (error, field);

  type = json_node_get_value_type (node);
  if (type == G_TYPE_INT64)
    {
      *out = json_node_get_int (node);
      return TRUE;
    }
  if (type == G_TYPE_STRING)
    {
      const char *text = json_node_get_string (node);
      guint64 value;

      if (strlen (text) > 18 || !g_ascii_string_to_unsigned (text, 10, 0, G_MAXINT64, &value, NULL))
        return bad_field (error, field);
      *out = (gint64) value;
      return TRUE;
    }

  return bad_field (error, field);
}

/* A boolean, or the strings "true"/"false" (QPay's own example sends "false"). */
static gboolean
read_bool (JsonObject  *object,
           const char  *field,
           gboolean    *out,
           GError     **error)
{
  JsonNode *node = json_object_get_member (object, field);
  GType type;

  *out = FALSE;

  if (node_is_absent (node))
    return TRUE;

  if (!JSON_NODE_HOLDS_VALUE (node))
    return bad_field (error, field);

  type = json_node_get_value_type (node);
  if (type == G_TYPE_BOOLEAN)
    {
      *out = json_node_get_boolean (node);
      return TRUE;
    }
  if (type == G_TYPE_STRING)
    {
      const char *text = json_node_get_string (node);

      if (g_ascii_strcasecmp (text, "true") == 0)
        *out = TRUE;
      else if (g_ascii_strcasecmp (text, "false") != 0)
        return bad_field (error, field);
      return TRUE;
    }

  return bad_field (error, field);
}

/* NULL without error when absent and not required. */
static gboolean
read_array (JsonObject  *object,
            const char  *field,
            gboolean     required,
            JsonArray  **out,
            GError     **error)
{
  JsonNode *node = json_object_get_member (object, field);

  *out = NULL;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return required ? bad_field (error, field) : TRUE;

  if (!JSON_NODE_HOLDS_ARRAY (node))
    return bad_field (error, field);

  *out = json_node_get_array (node);
  return TRUE;
}

/* `expires_in` → an epoch: below 1e9 it is a duration from @now. */
static gboolean
resolve_expiry (gint64  value,
                gint64  now,
                gint64 *out)
{
  if (value <= 0)
    return FALSE;

  if (value < EPOCH_THRESHOLD)
    *out = now + value;
  else
    *out = value;

  return TRUE;
}

TbQpayTokenReply *
tb_qpay_parse_token (GBytes  *body,
                     gint64   now,
                     GError **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(TbQpayTokenReply) reply = NULL;
  g_autofree char *token_type = NULL;
  JsonObject *object;
  gint64 expires_in;
  gint64 refresh_expires_in;

  parser = tb_qpay_parse_json_object (body, &object, error);
  if (parser == NULL)
    return NULL;

  reply = g_new0 (TbQpayTokenReply, 1);

  if (!read_string (object, "access_token", TRUE, &reply->access_token, error)
      || !read_string (object, "refresh_token", FALSE, &reply->refresh_token, error)
      || !read_string (object, "token_type", FALSE, &token_type, error)
      || !read_int (object, "expires_in", TRUE, &expires_in, error)
      || !read_int (object, "refresh_expires_in", FALSE, &refresh_expires_in, error)
      || !read_int (object, "not-before-policy", FALSE, &reply->not_before_policy, error)
      || !read_string (object, "session_state", FALSE, &reply->session_state, error))
    return NULL;

  if (token_type != NULL && g_ascii_strcasecmp (token_type, "bearer") != 0)
    return (bad_field (error, "token_type"), NULL);

  if (!resolve_expiry (expires_in, now, &reply->expires_at))
    return (bad_field (error, "expires_in"), NULL);

  if (refresh_expires_in == 0)
    reply->refresh_expires_at = reply->expires_at;
  else if (!resolve_expiry (refresh_expires_in, now, &reply->refresh_expires_at))
    return (bad_field (error, "refresh_expires_in"), NULL);

  return g_steal_pointer (&reply);
}

static TbQpayDeeplink *
parse_deeplink (JsonNode  *node,
                GError   **error)
{
  g_autoptr(TbQpayDeeplink) link = NULL;
  JsonObject *object;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return (bad_field (error, "urls"), NULL);

  object = json_node_get_object (node);
  link = g_new0 (TbQpayDeeplink, 1);

  if (!read_string (object, "name", FALSE, &link->name, error)
      || !read_string (object, "description", FALSE, &link->description, error)
      || !read_string (object, "logo", FALSE, &link->logo, error)
      || !read_string (object, "link", TRUE, &link->link, error))
    return NULL;

  return g_steal_pointer (&link);
}

TbQpayInvoice *
tb_qpay_parse_invoice (GBytes  *body,
                       GError **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(TbQpayInvoice) invoice = NULL;
  JsonObject *object;
  JsonArray *urls;

  parser = tb_qpay_parse_json_object (body, &object, error);
  if (parser == NULL)
    return NULL;

  invoice = tb_qpay_invoice_new ();

  if (!read_string (object, "invoice_id", TRUE, &invoice->invoice_id, error)
      || !read_string (object, "qr_text", TRUE, &invoice->qr_text, error)
      || !read_string (object, "qr_image", FALSE, &invoice->qr_image, error)
      || !read_string (object, "qPay_shortUrl", FALSE, &invoice->short_url, error)
      || !read_array (object, "urls", FALSE, &urls, error))
    return NULL;

  for (guint i = 0; urls != NULL && i < json_array_get_length (urls); i++)
    {
      TbQpayDeeplink *link = parse_deeplink (json_array_get_element (urls, i), error);

      if (link == NULL)
        return NULL;
      g_ptr_array_add (invoice->urls, link);
    }

  return g_steal_pointer (&invoice);
}

TbQpayInvoiceInfo *
tb_qpay_parse_invoice_info (GBytes  *body,
                            GError **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(TbQpayInvoiceInfo) info = NULL;
  JsonObject *object;

  parser = tb_qpay_parse_json_object (body, &object, error);
  if (parser == NULL)
    return NULL;

  info = g_new0 (TbQpayInvoiceInfo, 1);

  if (!read_string (object, "invoice_id", TRUE, &info->invoice_id, error)
      || !read_string (object, "invoice_status", TRUE, &info->status, error)
      || !read_string (object, "sender_invoice_no", FALSE, &info->sender_invoice_no, error)
      || !read_string (object, "invoice_description", FALSE, &info->description, error)
      || !read_money (object, "total_amount", FALSE, &info->total_amount, error)
      || !read_money (object, "gross_amount", FALSE, &info->gross_amount, error)
      || !read_money (object, "tax_amount", FALSE, &info->tax_amount, error)
      || !read_bool (object, "allow_partial", &info->allow_partial, error)
      || !read_money (object, "minimum_amount", FALSE, &info->minimum_amount, error)
      || !read_money (object, "maximum_amount", FALSE, &info->maximum_amount, error)
      || !read_string (object, "expiry_date", FALSE, &info->expiry_date, error))
    return NULL;

  return g_steal_pointer (&info);
}

static TbQpayPayment *
parse_payment_object (JsonObject  *object,
                      GError     **error)
{
  static const char * const fee_fields[] = { "trx_fee", "payment_fee", NULL };
  static const char * const type_fields[] = { "payment_type", "transaction_type", "paid_by", NULL };
  g_autoptr(TbQpayPayment) payment = g_new0 (TbQpayPayment, 1);

  if (!read_string (object, "payment_id", TRUE, &payment->payment_id, error)
      || !read_string (object, "payment_status", TRUE, &payment->status, error)
      || !read_money (object, "payment_amount", TRUE, &payment->amount, error)
      || !read_money_any (object, fee_fields, &payment->fee, error)
      || !read_string (object, "payment_currency", FALSE, &payment->currency, error)
      || !read_string (object, "payment_wallet", FALSE, &payment->wallet, error)
      || !read_string_any (object, type_fields, FALSE, &payment->type, error)
      || !read_string (object, "payment_date", FALSE, &payment->date, error)
      || !read_string (object, "object_type", FALSE, &payment->object_type, error)
      || !read_string (object, "object_id", FALSE, &payment->object_id, error))
    return NULL;

  return g_steal_pointer (&payment);
}

static gboolean
parse_rows (JsonArray  *rows,
            GPtrArray  *out,
            GError    **error)
{
  for (guint i = 0; rows != NULL && i < json_array_get_length (rows); i++)
    {
      JsonNode *node = json_array_get_element (rows, i);
      TbQpayPayment *payment;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        return bad_field (error, "rows");

      payment = parse_payment_object (json_node_get_object (node), error);
      if (payment == NULL)
        return FALSE;
      g_ptr_array_add (out, payment);
    }

  return TRUE;
}

TbQpayCheckResult *
tb_qpay_parse_check (GBytes  *body,
                     GError **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(TbQpayCheckResult) result = NULL;
  JsonObject *object;
  JsonArray *rows;

  parser = tb_qpay_parse_json_object (body, &object, error);
  if (parser == NULL)
    return NULL;

  result = tb_qpay_check_result_new ();

  if (!read_int (object, "count", TRUE, &result->count, error)
      || !read_money (object, "paid_amount", FALSE, &result->paid_amount, error)
      || !read_array (object, "rows", result->count > 0, &rows, error)
      || !parse_rows (rows, result->rows, error))
    return NULL;

  if (result->count < 0)
    return (bad_field (error, "count"), NULL);

  return g_steal_pointer (&result);
}

TbQpayPayment *
tb_qpay_parse_payment (GBytes  *body,
                       GError **error)
{
  g_autoptr(JsonParser) parser = NULL;
  JsonObject *object;

  parser = tb_qpay_parse_json_object (body, &object, error);
  if (parser == NULL)
    return NULL;

  return parse_payment_object (object, error);
}

TbQpayPaymentList *
tb_qpay_parse_payment_list (GBytes  *body,
                            GError **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(TbQpayPaymentList) list = NULL;
  JsonObject *object;
  JsonArray *rows;

  parser = tb_qpay_parse_json_object (body, &object, error);
  if (parser == NULL)
    return NULL;

  list = tb_qpay_payment_list_new ();

  if (!read_int (object, "count", TRUE, &list->count, error)
      || !read_array (object, "rows", list->count > 0, &rows, error)
      || !parse_rows (rows, list->rows, error))
    return NULL;

  if (list->count < 0)
    return (bad_field (error, "count"), NULL);

  return g_steal_pointer (&list);
}

TbQpayEbarimt *
tb_qpay_parse_ebarimt (GBytes  *body,
                       GError **error)
{
  static const char * const status_fields[] = { "barimt_status", "ebarimt_status", NULL };
  static const char * const date_fields[] = { "barimt_status_date", "ebarimt_status_date", NULL };
  static const char * const district_fields[] = { "ebarimt_district_code", "district_code", NULL };
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(TbQpayEbarimt) ebarimt = NULL;
  JsonObject *object;

  parser = tb_qpay_parse_json_object (body, &object, error);
  if (parser == NULL)
    return NULL;

  ebarimt = g_new0 (TbQpayEbarimt, 1);

  if (!read_string (object, "id", TRUE, &ebarimt->id, error)
      || !read_string (object, "ebarimt_receipt_id", FALSE, &ebarimt->receipt_id, error)
      || !read_string (object, "ebarimt_lottery", FALSE, &ebarimt->lottery, error)
      || !read_string (object, "ebarimt_qr_data", FALSE, &ebarimt->qr_data, error)
      || !read_string_any (object, status_fields, FALSE, &ebarimt->status, error)
      || !read_string_any (object, date_fields, FALSE, &ebarimt->status_date, error)
      || !read_string (object, "g_payment_id", FALSE, &ebarimt->payment_id, error)
      || !read_string (object, "ebarimt_receiver_type", FALSE, &ebarimt->receiver_type, error)
      || !read_string_any (object, district_fields, FALSE, &ebarimt->district_code, error)
      || !read_string (object, "tax_type", FALSE, &ebarimt->tax_type, error)
      || !read_string (object, "merchant_tin", FALSE, &ebarimt->merchant_tin, error)
      || !read_money (object, "amount", FALSE, &ebarimt->amount, error)
      || !read_e4 (object, "vat_amount", &ebarimt->vat_e4, error)
      || !read_e4 (object, "city_tax_amount", &ebarimt->city_tax_e4, error))
    return NULL;

  return g_steal_pointer (&ebarimt);
}

static gboolean
looks_like_key (const char *text)
{
  gsize len = strlen (text);

  if (len == 0 || len > 64)
    return FALSE;

  for (gsize i = 0; i < len; i++)
    if (!(g_ascii_isupper (text[i]) || g_ascii_isdigit (text[i]) || text[i] == '_'))
      return FALSE;

  return TRUE;
}

char *
tb_qpay_parse_error_key (GBytes *body)
{
  static const char * const fields[] = { "error", "message", NULL };
  g_autoptr(JsonParser) parser = NULL;
  JsonObject *object;

  parser = tb_qpay_parse_json_object (body, &object, NULL);
  if (parser == NULL)
    return NULL;

  for (guint i = 0; fields[i] != NULL; i++)
    {
      JsonNode *node = json_object_get_member (object, fields[i]);

      if (node != NULL
          && JSON_NODE_HOLDS_VALUE (node)
          && json_node_get_value_type (node) == G_TYPE_STRING
          && looks_like_key (json_node_get_string (node)))
        return g_strdup (json_node_get_string (node));
    }

  return NULL;
}
