/* tb-qpay-request.c: QPay request bodies
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "core/tb-money.h"
#include "core/tb-rules.h"
#include "core/tb-tax.h"

#include "tb-qpay-error.h"
#include "tb-qpay-request.h"

/* Sent to QPay as the tax descriptions (QPay's own examples use the Mongolian names). */
#define VAT_DESCRIPTION      "НӨАТ"
#define CITY_TAX_DESCRIPTION "НХАТ"

static gboolean
invalid (GError     **error,
         const char  *message)
{
  g_set_error_literal (error, TB_QPAY_ERROR, TB_QPAY_ERROR_INVALID_REQUEST, message);
  return FALSE;
}

/* Overwrites a phone or TIN before it is freed. */
static void
free_secret (char *text)
{
  if (text != NULL)
    memset (text, 0, strlen (text));
  g_free (text);
}

static gboolean
is_ascii_code (const char *text,
               gsize       max_len)
{
  gsize len;

  if (text == NULL)
    return FALSE;

  len = strlen (text);
  if (len == 0 || len > max_len)
    return FALSE;

  for (gsize i = 0; i < len; i++)
    if (!(g_ascii_isalnum (text[i]) || text[i] == '_' || text[i] == '-'))
      return FALSE;

  return TRUE;
}

gboolean
tb_qpay_sender_invoice_no_is_valid (const char *text)
{
  return is_ascii_code (text, TB_QPAY_MAX_CODE_LEN);
}

gboolean
tb_qpay_id_is_valid (const char *id)
{
  return is_ascii_code (id, 64);
}

char *
tb_qpay_sender_invoice_no_new (const char *prefix)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%d%H%M%S");
  GString *out = g_string_new (NULL);

  for (const char *p = prefix; p != NULL && *p != '\0' && out->len < 8; p++)
    if (g_ascii_isalnum (*p))
      g_string_append_c (out, g_ascii_toupper (*p));
  if (out->len == 0)
    g_string_append (out, "TB");

  g_string_append (out, stamp);
  /* 48 random bits: two receptionists pressing the button in the same second never collide. */
  g_string_append_printf (out, "%06X%06X",
                          (guint) g_random_int_range (0, 0x1000000),
                          (guint) g_random_int_range (0, 0x1000000));

  return g_string_free (out, FALSE);
}

char *
tb_qpay_utf8_truncate (const char *text,
                       gsize       max_bytes)
{
  g_autofree char *valid = NULL;
  GString *out;

  if (text == NULL)
    return NULL;

  valid = g_utf8_make_valid (text, -1);
  out = g_string_sized_new (MIN (strlen (valid), max_bytes) + 1);

  for (const char *p = valid; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      gsize len = g_utf8_next_char (p) - p;

      if (out->len + len > max_bytes)
        break;

      if (g_unichar_iscntrl (c))
        g_string_append_c (out, ' ');
      else
        g_string_append_len (out, p, len);
    }

  return g_string_free (out, FALSE);
}

const char *
tb_qpay_object_type_to_string (TbQpayObjectType object_type)
{
  switch (object_type)
    {
    case TB_QPAY_OBJECT_INVOICE:
      return "INVOICE";
    case TB_QPAY_OBJECT_QR:
      return "QR";
    case TB_QPAY_OBJECT_ITEM:
      return "ITEM";
    case TB_QPAY_OBJECT_MERCHANT:
      return "MERCHANT";
    default:
      g_return_val_if_reached (NULL);
    }
}

const char *
tb_qpay_receiver_type_to_string (TbQpayReceiverType receiver_type)
{
  switch (receiver_type)
    {
    case TB_QPAY_RECEIVER_CITIZEN:
      return "CITIZEN";
    case TB_QPAY_RECEIVER_COMPANY:
      return "COMPANY";
    default:
      g_return_val_if_reached (NULL);
    }
}

void
tb_qpay_invoice_line_free (TbQpayInvoiceLine *line)
{
  if (line == NULL)
    return;

  g_free (line->description);
  g_free (line->classification_code);
  g_free (line->tax_product_code);
  g_free (line->sender_product_code);
  g_free (line);
}

TbQpayInvoiceRequest *
tb_qpay_invoice_request_new (TbQpayInvoiceForm  form,
                             const char        *sender_invoice_no,
                             const char        *description,
                             gint64             amount)
{
  TbQpayInvoiceRequest *request = g_new0 (TbQpayInvoiceRequest, 1);

  request->form = form;
  request->sender_invoice_no = g_strdup (sender_invoice_no);
  request->description = g_strdup (description);
  request->amount = amount;
  request->lines = g_ptr_array_new_with_free_func ((GDestroyNotify) tb_qpay_invoice_line_free);

  return request;
}

TbQpayInvoiceLine *
tb_qpay_invoice_request_add_line (TbQpayInvoiceRequest *request,
                                  const char           *description,
                                  gint64                quantity_milli,
                                  gint64                unit_price,
                                  gboolean              vat,
                                  gboolean              city_tax,
                                  const char           *classification_code)
{
  TbQpayInvoiceLine *line;

  g_return_val_if_fail (request != NULL, NULL);

  line = g_new0 (TbQpayInvoiceLine, 1);
  line->description = g_strdup (description);
  line->quantity_milli = quantity_milli;
  line->unit_price = unit_price;
  line->vat = vat;
  line->city_tax = city_tax;
  line->classification_code = g_strdup (classification_code);
  g_ptr_array_add (request->lines, line);

  return line;
}

void
tb_qpay_invoice_request_free (TbQpayInvoiceRequest *request)
{
  if (request == NULL)
    return;

  g_free (request->sender_invoice_no);
  g_free (request->description);
  g_clear_pointer (&request->lines, g_ptr_array_unref);
  g_free (request->receiver_code);
  g_free (request->invoice_code);
  g_free (request->callback_url);
  g_free (request->note);
  g_free (request->district_code);
  g_free (request);
}

TbQpayEbarimtRequest *
tb_qpay_ebarimt_request_new (const char         *payment_id,
                             TbQpayReceiverType  receiver_type,
                             const char         *receiver)
{
  TbQpayEbarimtRequest *request = g_new0 (TbQpayEbarimtRequest, 1);

  request->payment_id = g_strdup (payment_id);
  request->receiver_type = receiver_type;
  request->receiver = g_strdup (receiver);

  return request;
}

void
tb_qpay_ebarimt_request_free (TbQpayEbarimtRequest *request)
{
  if (request == NULL)
    return;

  g_free (request->payment_id);
  if (request->receiver != NULL)
    memset (request->receiver, 0, strlen (request->receiver));
  g_free (request->receiver);
  g_free (request->district_code);
  g_free (request->classification_code);
  g_free (request);
}

static GBytes *
builder_to_bytes (JsonBuilder *builder)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = json_builder_get_root (builder);
  gsize len = 0;
  char *data;

  json_generator_set_root (generator, root);
  data = json_generator_to_data (generator, &len);

  return g_bytes_new_take (data, len);
}

static void
add_string (JsonBuilder *builder,
            const char  *name,
            const char  *value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_string_value (builder, value);
}

static void
add_tax (JsonBuilder *builder,
         const char  *code,
         const char  *description,
         gint64       value_e4)
{
  g_autofree char *amount = tb_tax_format_e4 (value_e4);

  json_builder_begin_object (builder);
  add_string (builder, "tax_code", code);
  add_string (builder, "description", description);
  /* A 4-place string: QPay checks VAT per line exactly (docs/qpay.md, "Invoices"). */
  add_string (builder, "amount", amount);
  json_builder_end_object (builder);
}

/* One `lines[]` entry; adds its gross to @sum and tells whether it carries VAT. Lines of 0 ₮
 * are left out: QPay refuses them and they change no total. */
static gboolean
add_line (JsonBuilder             *builder,
          const TbQpayInvoiceLine *line,
          guint                    number,
          gboolean                 ebarimt,
          gint64                  *sum,
          gboolean                *any_vat,
          GError                 **error)
{
  g_autofree char *description = NULL;
  g_autofree char *quantity = NULL;
  g_autofree char *unit_price = NULL;
  g_autofree char *classification = NULL;
  g_autoptr(GError) rule_error = NULL;
  TbLineTax tax;

  if (!tb_rules_line (line->description, line->quantity_milli, line->unit_price, line->vat,
                      line->city_tax, &description, &tax, &rule_error) ||
      (ebarimt && !tb_rules_classification_code (line->classification_code, TRUE,
                                                 &classification, &rule_error)))
    {
      g_set_error (error, TB_QPAY_ERROR, TB_QPAY_ERROR_INVALID_REQUEST,
                   /* TRANSLATORS: "Bill line 2: A classification code has 7 digits, …" */
                   _("Bill line %u: %s"), number, rule_error->message);
      return FALSE;
    }

  if (tax.amount == 0)
    return TRUE;

  /* Control characters become spaces (the rule already keeps it within 255 bytes). */
  g_free (description);
  description = tb_qpay_utf8_truncate (line->description, TB_QPAY_MAX_DESCRIPTION_LEN);
  g_strstrip (description);

  /* Cannot fail: the line rule allows two decimals only. */
  if (!tb_quantity_format_decimal2 (line->quantity_milli, &quantity))
    g_return_val_if_reached (FALSE);
  if (line->tax_product_code != NULL && !is_ascii_code (line->tax_product_code, TB_QPAY_MAX_CODE_LEN))
    {
      g_set_error (error, TB_QPAY_ERROR, TB_QPAY_ERROR_INVALID_REQUEST,
                   _("Bill line %u has an invalid tax product code."), number);
      return FALSE;
    }

  unit_price = tb_money_format_decimal (line->unit_price);

  json_builder_begin_object (builder);
  if (line->sender_product_code != NULL && is_ascii_code (line->sender_product_code, TB_QPAY_MAX_CODE_LEN))
    add_string (builder, "sender_product_code", line->sender_product_code);
  if (line->tax_product_code != NULL)
    add_string (builder, "tax_product_code", line->tax_product_code);
  add_string (builder, "line_description", description);
  add_string (builder, "line_quantity", quantity);
  add_string (builder, "line_unit_price", unit_price);
  if (ebarimt)
    add_string (builder, "classification_code", classification);

  if (line->vat || line->city_tax)
    {
      json_builder_set_member_name (builder, "taxes");
      json_builder_begin_array (builder);
      if (line->vat)
        add_tax (builder, "VAT", VAT_DESCRIPTION, tax.vat_e4);
      if (line->city_tax)
        add_tax (builder, "CITY_TAX", CITY_TAX_DESCRIPTION, tax.city_tax_e4);
      json_builder_end_array (builder);
    }
  json_builder_end_object (builder);

  *sum += tax.amount;
  *any_vat = *any_vat || line->vat;
  return TRUE;
}

static gboolean
check_whole (gint64   amount,
             gint64  *out_whole,
             GError **error)
{
  if (amount <= 0)
    return invalid (error, _("The amount must be more than zero."));

  if (amount > TB_MONEY_MAX)
    return invalid (error, _("The amount is too large."));

  if (!tb_money_to_whole (amount, out_whole))
    return invalid (error, _("QPay takes whole tögrög only. Round the amount to whole tögrög and try again."));

  return TRUE;
}

GBytes *
tb_qpay_build_invoice_body (const TbQpayConfig         *config,
                            const TbQpayInvoiceRequest *request,
                            GError                    **error)
{
  g_autoptr(JsonBuilder) builder = NULL;
  g_autofree char *description = NULL;
  g_autofree char *note = NULL;
  g_autofree char *district = NULL;
  g_autoptr(GError) rule_error = NULL;
  const char *invoice_code;
  const char *receiver_code;
  const char *callback_url;
  gboolean with_lines;
  gboolean ebarimt;
  gboolean any_vat = FALSE;
  gint64 lines_sum = 0;
  gint64 amount;
  gint64 whole;
  guint sent_lines = 0;

  g_return_val_if_fail (config != NULL, NULL);
  g_return_val_if_fail (request != NULL, NULL);

  ebarimt = request->form == TB_QPAY_INVOICE_EBARIMT;
  with_lines = request->form != TB_QPAY_INVOICE_SIMPLE;

  invoice_code = request->invoice_code != NULL ? request->invoice_code : config->invoice_code;
  if (!is_ascii_code (invoice_code, TB_QPAY_MAX_CODE_LEN))
    return (invalid (error, _("The QPay invoice code is missing or invalid. Check it in Preferences.")), NULL);

  if (config->branch_code != NULL && config->branch_code[0] != '\0'
      && !is_ascii_code (config->branch_code, TB_QPAY_MAX_CODE_LEN))
    return (invalid (error, _("The QPay branch code is invalid. Check it in Preferences.")), NULL);

  if (!tb_qpay_sender_invoice_no_is_valid (request->sender_invoice_no))
    return (invalid (error, _("The invoice number for QPay is invalid. Try again.")), NULL);

  receiver_code = request->receiver_code != NULL ? request->receiver_code : "terminal";
  if (!is_ascii_code (receiver_code, TB_QPAY_MAX_CODE_LEN))
    return (invalid (error, _("The QPay receiver code is invalid.")), NULL);

  callback_url = request->callback_url != NULL ? request->callback_url : config->callback_url;
  if (callback_url == NULL || callback_url[0] == '\0')
    callback_url = TB_QPAY_DEFAULT_CALLBACK_URL;
  if (strlen (callback_url) > TB_QPAY_MAX_CALLBACK_LEN || !g_uri_is_valid (callback_url, G_URI_FLAGS_NONE, NULL))
    return (invalid (error, _("The QPay callback address is invalid. Check it in Preferences.")), NULL);

  description = tb_qpay_utf8_truncate (request->description, TB_QPAY_MAX_DESCRIPTION_LEN);
  if (description == NULL || g_strstrip (description)[0] == '\0')
    return (invalid (error, _("The invoice needs a description.")), NULL);

  if (ebarimt && !tb_rules_district_code (request->district_code, TRUE, &district, &rule_error))
    return (invalid (error, rule_error->message), NULL);

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  add_string (builder, "invoice_code", invoice_code);
  add_string (builder, "sender_invoice_no", request->sender_invoice_no);
  if (config->branch_code != NULL && config->branch_code[0] != '\0')
    add_string (builder, "sender_branch_code", config->branch_code);
  add_string (builder, "invoice_receiver_code", receiver_code);
  add_string (builder, "invoice_description", description);
  add_string (builder, "callback_url", callback_url);

  if (with_lines)
    {
      if (request->lines == NULL || request->lines->len == 0)
        return (invalid (error, _("This invoice needs the bill lines. Add lines to the bill and try again.")), NULL);

      json_builder_set_member_name (builder, "lines");
      json_builder_begin_array (builder);
      for (guint i = 0; i < request->lines->len; i++)
        {
          const TbQpayInvoiceLine *line = g_ptr_array_index (request->lines, i);
          gint64 before = lines_sum;

          if (!add_line (builder, line, i + 1, ebarimt, &lines_sum, &any_vat, error))
            return NULL;
          if (lines_sum != before)
            sent_lines++;
          if (lines_sum > TB_MONEY_MAX)
            return (invalid (error, _("The amount is too large.")), NULL);
        }
      json_builder_end_array (builder);

      if (sent_lines == 0)
        return (invalid (error, _("All bill lines are zero. There is nothing to pay.")), NULL);

      if (request->amount != 0 && request->amount != lines_sum)
        {
          g_autofree char *lines_text = tb_money_format (lines_sum, "MNT");
          g_autofree char *amount_text = tb_money_format (request->amount, "MNT");

          g_set_error (error, TB_QPAY_ERROR, TB_QPAY_ERROR_INVALID_REQUEST,
                       /* TRANSLATORS: both are amounts such as "12 500 ₮" */
                       _("The bill lines add up to %s but the amount is %s. Send the whole bill, or pay part of it without lines."),
                       lines_text, amount_text);
          return NULL;
        }
      amount = lines_sum;
    }
  else
    amount = request->amount;

  if (!check_whole (amount, &whole, error))
    return NULL;

  json_builder_set_member_name (builder, "amount");
  json_builder_add_int_value (builder, whole);

  if (request->note != NULL && request->note[0] != '\0')
    {
      note = tb_qpay_utf8_truncate (request->note, TB_QPAY_MAX_NOTE_LEN);
      add_string (builder, "note", note);
    }

  if (request->form == TB_QPAY_INVOICE_FULL && request->allow_partial)
    {
      json_builder_set_member_name (builder, "allow_partial");
      json_builder_add_boolean_value (builder, TRUE);
      if (request->minimum_amount > 0)
        {
          gint64 minimum;

          if (!check_whole (request->minimum_amount, &minimum, error))
            return NULL;
          json_builder_set_member_name (builder, "minimum_amount");
          json_builder_add_int_value (builder, minimum);
        }
    }

  if (ebarimt)
    {
      TbQpayTaxType tax_type = request->tax_type;
      char tax_type_text[2];

      if (tax_type == TB_QPAY_TAX_TYPE_AUTO)
        tax_type = any_vat ? TB_QPAY_TAX_TYPE_VAT : TB_QPAY_TAX_TYPE_NO_VAT;
      if (tax_type != TB_QPAY_TAX_TYPE_VAT && any_vat)
        return (invalid (error, _("The bill has VAT lines but the Ebarimt tax type is not VAT. Check the tax settings.")), NULL);

      tax_type_text[0] = (char) ('0' + tax_type);
      tax_type_text[1] = '\0';
      add_string (builder, "tax_type", tax_type_text);
      add_string (builder, "district_code", district);
      /* Without VAT QPay must not add any on top (docs/qpay.md, "Invoices"). */
      if (tax_type != TB_QPAY_TAX_TYPE_VAT)
        {
          json_builder_set_member_name (builder, "calculate_vat");
          json_builder_add_boolean_value (builder, FALSE);
        }
    }

  json_builder_end_object (builder);
  return builder_to_bytes (builder);
}

static void
add_offset (JsonBuilder *builder,
            guint        page_number,
            guint        page_limit)
{
  json_builder_set_member_name (builder, "offset");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "page_number");
  json_builder_add_int_value (builder, page_number);
  json_builder_set_member_name (builder, "page_limit");
  json_builder_add_int_value (builder, page_limit);
  json_builder_end_object (builder);
}

GBytes *
tb_qpay_build_check_body (TbQpayObjectType   object_type,
                          const char        *object_id,
                          guint              page_number,
                          guint              page_limit,
                          GError           **error)
{
  g_autoptr(JsonBuilder) builder = NULL;

  if (object_type == TB_QPAY_OBJECT_MERCHANT)
    return (invalid (error, _("Payments cannot be checked for a whole merchant.")), NULL);
  if (!tb_qpay_id_is_valid (object_id))
    return (invalid (error, _("The QPay invoice number is invalid.")), NULL);
  if (page_number < 1 || page_limit < 1 || page_limit > 100)
    return (invalid (error, _("The page of payments asked for is invalid.")), NULL);

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  add_string (builder, "object_type", tb_qpay_object_type_to_string (object_type));
  add_string (builder, "object_id", object_id);
  add_offset (builder, page_number, page_limit);
  json_builder_end_object (builder);

  return builder_to_bytes (builder);
}

GBytes *
tb_qpay_build_payment_list_body (TbQpayObjectType   object_type,
                                 const char        *object_id,
                                 GDateTime         *start,
                                 GDateTime         *end,
                                 guint              page_number,
                                 guint              page_limit,
                                 GError           **error)
{
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(GDateTime) default_end = NULL;
  g_autoptr(GDateTime) default_start = NULL;
  g_autofree char *start_text = NULL;
  g_autofree char *end_text = NULL;

  if (object_type == TB_QPAY_OBJECT_ITEM)
    return (invalid (error, _("Payments cannot be listed for an item.")), NULL);
  if (!tb_qpay_id_is_valid (object_id))
    return (invalid (error, _("The QPay invoice code is missing or invalid. Check it in Preferences.")), NULL);
  if (page_number < 1 || page_limit < 1 || page_limit > 100)
    return (invalid (error, _("The page of payments asked for is invalid.")), NULL);

  if (end == NULL)
    end = default_end = g_date_time_new_now_utc ();
  if (start == NULL)
    start = default_start = g_date_time_add_days (end, -1);
  if (g_date_time_compare (start, end) > 0)
    return (invalid (error, _("The start of the period is after its end.")), NULL);

  start_text = g_date_time_format (start, "%Y-%m-%d %H:%M:%S");
  end_text = g_date_time_format (end, "%Y-%m-%d %H:%M:%S");

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  add_string (builder, "object_type", tb_qpay_object_type_to_string (object_type));
  add_string (builder, "object_id", object_id);
  add_string (builder, "start_date", start_text);
  add_string (builder, "end_date", end_text);
  add_offset (builder, page_number, page_limit);
  json_builder_end_object (builder);

  return builder_to_bytes (builder);
}

GBytes *
tb_qpay_build_payment_cancel_body (const char  *callback_url,
                                   const char  *note,
                                   GError     **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *cut = tb_qpay_utf8_truncate (note != NULL ? note : "", TB_QPAY_MAX_PAYMENT_NOTE_LEN);

  if (callback_url == NULL || callback_url[0] == '\0')
    callback_url = TB_QPAY_DEFAULT_CALLBACK_URL;
  if (strlen (callback_url) > TB_QPAY_MAX_CALLBACK_LEN || !g_uri_is_valid (callback_url, G_URI_FLAGS_NONE, NULL))
    return (invalid (error, _("The QPay callback address is invalid. Check it in Preferences.")), NULL);

  json_builder_begin_object (builder);
  add_string (builder, "callback_url", callback_url);
  add_string (builder, "note", cut);
  json_builder_end_object (builder);

  return builder_to_bytes (builder);
}

GBytes *
tb_qpay_build_ebarimt_body (const TbQpayEbarimtRequest  *request,
                            GError                     **error)
{
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(GError) rule_error = NULL;
  g_autofree char *district = NULL;
  g_autofree char *classification = NULL;
  char *receiver = NULL;

  g_return_val_if_fail (request != NULL, NULL);

  if (!tb_qpay_id_is_valid (request->payment_id))
    return (invalid (error, _("The QPay payment number is invalid.")), NULL);

  /* One rule for the receiver, the district and the classification: the queue and the UI
   * check the same ones, so what they let through is sent (normalised) as it is. */
  if (!tb_rules_ebarimt_receiver (tb_qpay_receiver_type_to_string (request->receiver_type),
                                  request->receiver, &receiver, &rule_error) ||
      !tb_rules_district_code (request->district_code, FALSE, &district, &rule_error) ||
      !tb_rules_classification_code (request->classification_code, FALSE, &classification,
                                     &rule_error))
    {
      free_secret (receiver);
      return (invalid (error, rule_error->message), NULL);
    }

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  add_string (builder, "payment_id", request->payment_id);
  add_string (builder, "ebarimt_receiver_type", tb_qpay_receiver_type_to_string (request->receiver_type));
  if (receiver != NULL)
    add_string (builder, "ebarimt_receiver", receiver);
  if (district != NULL)
    add_string (builder, "district_code", district);
  if (classification != NULL)
    add_string (builder, "classification_code", classification);
  json_builder_end_object (builder);
  free_secret (receiver);

  return builder_to_bytes (builder);
}

GBytes *
tb_qpay_build_ebarimt_cancel_body (const char *note)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *cut = tb_qpay_utf8_truncate (note != NULL && note[0] != '\0' ? note : "Cancelled",
                                                TB_QPAY_MAX_PAYMENT_NOTE_LEN);

  /* The 2026 spec requires a note on this DELETE (docs/qpay.md, "Ebarimt 3.0 receipts"). */
  json_builder_begin_object (builder);
  add_string (builder, "note", cut);
  json_builder_end_object (builder);

  return builder_to_bytes (builder);
}
