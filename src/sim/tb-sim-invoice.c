/* tb-sim-invoice.c: the simulator's invoices: create (simple, full, Ebarimt), get, cancel
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "tb-sim-server-private.h"

typedef struct
{
  const char *name;
  const char *description;
  const char *scheme;
} Bank;

static const Bank banks[] = {
  { "Khan bank", "Хаан банк", "khanbank" },
  { "State bank", "Төрийн банк", "statebank" },
  { "Xac bank", "Хас банк", "xacbank" },
  { "Trade and Development bank", "Худалдаа хөгжлийн банк", "tdbbank" },
  { "Most money", "МОСТ мони", "most" },
  { "qPay wallet", "qPay хэтэвч", "qpaywallet" },
};

const char *
_tb_sim_invoice_state_to_string (SimInvoiceState state)
{
  switch (state)
    {
    case SIM_INVOICE_OPEN:
      return "OPEN";
    case SIM_INVOICE_CLOSED:
      return "CLOSED";
    case SIM_INVOICE_CANCELLED:
      return "CANCELLED";
    case SIM_INVOICE_EXPIRED:
      return "EXPIRED";
    default:
      g_assert_not_reached ();
    }
}

void
_tb_sim_invoice_free (SimInvoice *invoice)
{
  g_free (invoice->invoice_id);
  g_free (invoice->invoice_code);
  g_free (invoice->sender_invoice_no);
  g_free (invoice->receiver_code);
  g_free (invoice->branch_code);
  g_free (invoice->description);
  g_free (invoice->callback_url);
  g_free (invoice->note);
  g_free (invoice->body_digest);
  g_free (invoice->qr_text);
  g_free (invoice->tax_type);
  g_free (invoice->district_code);
  g_clear_pointer (&invoice->payments, g_ptr_array_unref);
  g_free (invoice);
}

static void
reply_invoice (TbSimServer *self,
               SimInvoice  *invoice,
               gboolean     empty_qr_image,
               SimReply    *reply)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *qr_image = empty_qr_image ? g_strdup ("") : _tb_sim_qr_png_base64 (invoice->qr_text);
  g_autofree char *short_url = g_strdup_printf ("%s/sim/invoices/%s", self->url, invoice->invoice_id);

  json_builder_begin_object (builder);
  _tb_sim_add_string (builder, "invoice_id", invoice->invoice_id);
  _tb_sim_add_string (builder, "qr_text", invoice->qr_text);
  _tb_sim_add_string (builder, "qr_image", qr_image != NULL ? qr_image : "");
  _tb_sim_add_string (builder, "qPay_shortUrl", short_url);
  json_builder_set_member_name (builder, "urls");
  json_builder_begin_array (builder);
  for (gsize i = 0; i < G_N_ELEMENTS (banks); i++)
    {
      g_autofree char *logo = g_strdup_printf ("https://qpay.mn/q/logo/%s.png", banks[i].scheme);
      g_autofree char *link = g_strdup_printf ("%s://q?qPay_QRcode=%s", banks[i].scheme, invoice->qr_text);

      json_builder_begin_object (builder);
      _tb_sim_add_string (builder, "name", banks[i].name);
      _tb_sim_add_string (builder, "description", banks[i].description);
      _tb_sim_add_string (builder, "logo", logo);
      _tb_sim_add_string (builder, "link", link);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  _tb_sim_reply_json (reply, 200, builder);
}

typedef struct
{
  gint64 amount;
  gint64 vat_e4;
  gint64 city_tax_e4;
} LinesTotal;

/* The taxes[] of one line: at most one VAT and one CITY_TAX, each with a description and a
 * 4-place amount; -1 for a tax the line does not carry. */
static gboolean
read_line_taxes (JsonObject *line,
                 gint64     *out_vat_e4,
                 gint64     *out_city_tax_e4,
                 SimReply   *reply)
{
  JsonNode *taxes_node = json_object_get_member (line, "taxes");
  JsonArray *taxes;

  *out_vat_e4 = *out_city_tax_e4 = -1;
  if (taxes_node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_ARRAY (taxes_node))
    return (_tb_sim_reply_error (reply, 400, "OBJECT_DATA_ERROR"), FALSE);

  taxes = json_node_get_array (taxes_node);
  for (guint t = 0; t < json_array_get_length (taxes); t++)
    {
      JsonNode *tax_node = json_array_get_element (taxes, t);
      JsonObject *tax;
      const char *code, *value;
      gint64 amount_e4;

      if (!JSON_NODE_HOLDS_OBJECT (tax_node))
        return (_tb_sim_reply_error (reply, 400, "OBJECT_DATA_ERROR"), FALSE);
      tax = json_node_get_object (tax_node);
      code = _tb_sim_string_member (tax, "tax_code");

      if (!_tb_sim_require_string (tax, "description", TRUE, 100, &value, reply))
        return FALSE;
      if (!_tb_sim_parse_decimal (json_object_get_member (tax, "amount"), 4, &amount_e4) ||
          amount_e4 < 0)
        return (_tb_sim_reply_error (reply, 400, "VAT_AMOUNT_INVALID"), FALSE);

      if (g_strcmp0 (code, "VAT") == 0 && *out_vat_e4 < 0)
        *out_vat_e4 = amount_e4;
      else if (g_strcmp0 (code, "CITY_TAX") == 0 && *out_city_tax_e4 < 0)
        *out_city_tax_e4 = amount_e4;
      else
        return (_tb_sim_reply_error (reply, 400, "OBJECT_DATA_ERROR"), FALSE);
    }
  return TRUE;
}

/* The taxes a line sent against the simulator's own computation (tb-sim-tax.c). QPay does
 * not say which line is wrong (docs/qpay.md, "Invoices"); neither do we. */
static gboolean
check_line_taxes (gint64       gross_e2,
                  gint64       vat_e4,
                  gint64       city_tax_e4,
                  gboolean     ebarimt,
                  const char  *tax_type,
                  SimReply    *reply)
{
  gint64 expected_vat_e4, expected_city_tax_e4;

  /* A VAT-able Ebarimt invoice needs VAT on every line, and only it may carry VAT. */
  if (ebarimt && g_strcmp0 (tax_type, "1") == 0 && vat_e4 < 0)
    return (_tb_sim_reply_error (reply, 400, "VAT_AMOUNT_INVALID"), FALSE);
  if (ebarimt && g_strcmp0 (tax_type, "1") != 0 && vat_e4 > 0)
    return (_tb_sim_reply_error (reply, 400, "VAT_AMOUNT_INVALID"), FALSE);

  _tb_sim_line_taxes (gross_e2, vat_e4 >= 0, city_tax_e4 >= 0,
                      &expected_vat_e4, &expected_city_tax_e4);
  if ((vat_e4 >= 0 && vat_e4 != expected_vat_e4) ||
      (city_tax_e4 >= 0 && city_tax_e4 != expected_city_tax_e4))
    return (_tb_sim_reply_error (reply, 400, "VAT_AMOUNT_INVALID"), FALSE);
  return TRUE;
}

/* One `lines[]` entry: texts, a gross above zero, the classification code (Ebarimt form) and
 * taxes exact to 4 places. Adds it to @total. */
static gboolean
check_line (JsonNode    *node,
            gboolean     ebarimt,
            const char  *tax_type,
            LinesTotal  *total,
            SimReply    *reply)
{
  JsonObject *line;
  const char *value;
  gint64 quantity_e2, unit_price_e2, gross_e2;
  gint64 vat_e4, city_tax_e4;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return (_tb_sim_reply_error (reply, 400, "OBJECT_DATA_ERROR"), FALSE);
  line = json_node_get_object (node);

  if (!_tb_sim_require_string (line, "line_description", TRUE, 255, &value, reply)
      || !_tb_sim_require_string (line, "note", FALSE, 100, &value, reply)
      || !_tb_sim_require_string (line, "tax_product_code", FALSE, 45, &value, reply))
    return FALSE;

  /* Quantities and prices come as "1.00" strings (numbers are accepted too); lines of 0 ₮
   * are refused (docs/qpay.md, "Invoices"). */
  if (!_tb_sim_parse_decimal (json_object_get_member (line, "line_quantity"), 2, &quantity_e2)
      || !_tb_sim_parse_decimal (json_object_get_member (line, "line_unit_price"), 2, &unit_price_e2)
      || !_tb_sim_line_gross (quantity_e2, unit_price_e2, &gross_e2) || gross_e2 == 0)
    return (_tb_sim_reply_error (reply, 400, "INVALID_AMOUNT"), FALSE);

  if (ebarimt && !_tb_sim_is_digits (_tb_sim_string_member (line, "classification_code"), 7, 7))
    return (_tb_sim_reply_error (reply, 400, "CLASSIFICATION_CODE_INVALID"), FALSE);

  if (!read_line_taxes (line, &vat_e4, &city_tax_e4, reply) ||
      !check_line_taxes (gross_e2, vat_e4, city_tax_e4, ebarimt, tax_type, reply))
    return FALSE;

  total->amount += gross_e2;
  total->vat_e4 += MAX (vat_e4, 0);
  total->city_tax_e4 += MAX (city_tax_e4, 0);
  if (total->amount > TB_SIM_MAX_AMOUNT)
    return (_tb_sim_reply_error (reply, 400, "MAX_AMOUNT_ERR"), FALSE);
  return TRUE;
}

/* Checks `lines[]` like QPay: every line's VAT / city tax exact to 4 places. */
static gboolean
check_lines (JsonArray   *lines,
             gboolean     ebarimt,
             const char  *tax_type,
             LinesTotal  *total,
             SimReply    *reply)
{
  memset (total, 0, sizeof *total);

  for (guint i = 0; i < json_array_get_length (lines); i++)
    if (!check_line (json_array_get_element (lines, i), ebarimt, tax_type, total, reply))
      return FALSE;
  return TRUE;
}

static gboolean
check_amount (gint64    amount,
              SimReply *reply)
{
  if (amount <= 0 || amount % 100 != 0)
    {
      _tb_sim_reply_error (reply, 400, "INVALID_AMOUNT");
      return FALSE;
    }
  if (amount < TB_SIM_MIN_AMOUNT)
    {
      _tb_sim_reply_error (reply, 400, "MIN_AMOUNT_ERR");
      return FALSE;
    }
  if (amount > TB_SIM_MAX_AMOUNT)
    {
      _tb_sim_reply_error (reply, 400, "MAX_AMOUNT_ERR");
      return FALSE;
    }
  return TRUE;
}

static SimInvoice *
find_by_sender_no (TbSimServer *self,
                   const char  *invoice_code,
                   const char  *sender_invoice_no)
{
  for (guint i = 0; i < self->invoice_order->len; i++)
    {
      SimInvoice *invoice = g_ptr_array_index (self->invoice_order, i);

      if (strcmp (invoice->invoice_code, invoice_code) == 0
          && strcmp (invoice->sender_invoice_no, sender_invoice_no) == 0)
        return invoice;
    }
  return NULL;
}

/* A create request's fields, read and checked. */
typedef struct
{
  const char *invoice_code, *sender_invoice_no, *receiver_code, *description, *callback_url;
  const char *branch_code, *note, *tax_type, *district_code;
  gboolean    ebarimt;
  gboolean    allow_partial;
  gboolean    has_lines;
  LinesTotal  lines_total;
  gint64      amount;
} InvoiceRequest;

/* The texts and codes of the body, and the Ebarimt form's own fields. */
static gboolean
read_invoice_fields (TbSimServer    *self,
                     JsonObject     *object,
                     InvoiceRequest *request,
                     SimReply       *reply)
{
  JsonNode *partial = json_object_get_member (object, "allow_partial");

  if (!_tb_sim_require_string (object, "invoice_code", TRUE, 45, &request->invoice_code, reply)
      || !_tb_sim_require_string (object, "sender_invoice_no", TRUE, 45, &request->sender_invoice_no, reply)
      || !_tb_sim_require_string (object, "invoice_receiver_code", TRUE, 45, &request->receiver_code, reply)
      || !_tb_sim_require_string (object, "invoice_description", TRUE, 255, &request->description, reply)
      || !_tb_sim_require_string (object, "callback_url", TRUE, 255, &request->callback_url, reply)
      || !_tb_sim_require_string (object, "sender_branch_code", FALSE, 45, &request->branch_code, reply)
      || !_tb_sim_require_string (object, "note", FALSE, 1000, &request->note, reply)
      || !_tb_sim_require_string (object, "tax_type", FALSE, 1, &request->tax_type, reply)
      || !_tb_sim_require_string (object, "district_code", FALSE, 4, &request->district_code, reply))
    return FALSE;

  if (strcmp (request->invoice_code, TB_SIM_DEMO_INVOICE_CODE) != 0
      && strcmp (request->invoice_code, TB_SIM_DEMO_EBARIMT_INVOICE_CODE) != 0)
    return (_tb_sim_reply_error (reply, 400, "INVOICE_CODE_INVALID"), FALSE);

  /* "Must be unique; no special characters." */
  if (!_tb_sim_is_code (request->sender_invoice_no))
    return (_tb_sim_reply_error (reply, 400, "OBJECT_DATA_ERROR"), FALSE);

  request->ebarimt = request->tax_type != NULL || request->district_code != NULL;
  if (request->ebarimt && (!g_str_has_prefix (request->invoice_code, "EB_") || !self->ebarimt_enabled))
    return (_tb_sim_reply_error (reply, 400, "EBARIMT_NOT_ENABLED"), FALSE);
  if (request->ebarimt &&
      (request->tax_type == NULL ||
       !g_strv_contains ((const char * const[]) { "1", "2", "3", NULL }, request->tax_type) ||
       !_tb_sim_is_digits (request->district_code, 4, 4)))
    return (_tb_sim_reply_error (reply, 400, "OBJECT_DATA_ERROR"), FALSE);

  request->allow_partial = partial != NULL && JSON_NODE_HOLDS_VALUE (partial) &&
                           json_node_get_value_type (partial) == G_TYPE_BOOLEAN &&
                           json_node_get_boolean (partial);
  return TRUE;
}

/* `lines[]` (checked line by line) and `amount`, which must match them when both are sent. */
static gboolean
read_invoice_amount (JsonObject     *object,
                     InvoiceRequest *request,
                     SimReply       *reply)
{
  JsonNode *amount_node = json_object_get_member (object, "amount");
  JsonNode *lines_node = json_object_get_member (object, "lines");

  if (lines_node != NULL && !JSON_NODE_HOLDS_NULL (lines_node))
    {
      if (!JSON_NODE_HOLDS_ARRAY (lines_node))
        return (_tb_sim_reply_error (reply, 400, "OBJECT_DATA_ERROR"), FALSE);
      request->has_lines = json_array_get_length (json_node_get_array (lines_node)) > 0;
      if (request->has_lines &&
          !check_lines (json_node_get_array (lines_node), request->ebarimt, request->tax_type,
                        &request->lines_total, reply))
        return FALSE;
    }

  if (request->ebarimt && !request->has_lines)
    return (_tb_sim_reply_error (reply, 400, "INVOICE_LINE_REQUIRED"), FALSE);

  if (amount_node != NULL && !JSON_NODE_HOLDS_NULL (amount_node))
    {
      if (!_tb_sim_parse_decimal (amount_node, 2, &request->amount) ||
          (request->has_lines && request->amount != request->lines_total.amount))
        return (_tb_sim_reply_error (reply, 400, "INVALID_AMOUNT"), FALSE);
    }
  else if (request->has_lines)
    request->amount = request->lines_total.amount;
  else
    return (_tb_sim_reply_error (reply, 400, "OBJECT_DATA_ERROR"), FALSE);

  return check_amount (request->amount, reply);
}

static SimInvoice *
add_invoice (TbSimServer          *self,
             const InvoiceRequest *request,
             char                 *digest)
{
  SimInvoice *invoice = g_new0 (SimInvoice, 1);

  invoice->invoice_id = g_uuid_string_random ();
  invoice->invoice_code = g_strdup (request->invoice_code);
  invoice->sender_invoice_no = g_strdup (request->sender_invoice_no);
  invoice->receiver_code = g_strdup (request->receiver_code);
  invoice->branch_code = g_strdup (request->branch_code);
  invoice->description = g_strdup (request->description);
  invoice->callback_url = g_strdup (request->callback_url);
  invoice->note = g_strdup (request->note);
  invoice->body_digest = digest;
  invoice->qr_text = _tb_sim_emv_qr_text (invoice->invoice_id, request->sender_invoice_no,
                                          request->amount);
  invoice->amount = request->amount;
  invoice->vat_e4 = request->lines_total.vat_e4;
  invoice->city_tax_e4 = request->lines_total.city_tax_e4;
  invoice->has_lines = request->has_lines;
  invoice->allow_partial = request->allow_partial;
  invoice->tax_type = g_strdup (request->tax_type);
  invoice->district_code = g_strdup (request->district_code);
  invoice->state = SIM_INVOICE_OPEN;
  invoice->payments = g_ptr_array_new ();

  g_hash_table_insert (self->invoices, invoice->invoice_id, invoice);
  g_ptr_array_add (self->invoice_order, invoice);
  self->invoice_serial++;
  return invoice;
}

/* POST /v2/invoice */
void
_tb_sim_handle_invoice_create (TbSimServer *self,
                               JsonObject  *object,
                               GBytes      *body,
                               SimReply    *reply)
{
  g_autofree char *digest = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, body);
  InvoiceRequest request = { NULL, };
  SimInvoice *invoice;

  if (!read_invoice_fields (self, object, &request, reply) ||
      !read_invoice_amount (object, &request, reply))
    return;

  /* The same request again (a retry after a timeout) gets the same invoice; a different
   * request with a used number is a conflict. QPay's behaviour here is undocumented
   * (docs/qpay.md, "Invoices"); this is the simulator's reading of "must be unique". */
  invoice = find_by_sender_no (self, request.invoice_code, request.sender_invoice_no);
  if (invoice != NULL)
    {
      if (strcmp (invoice->body_digest, digest) == 0)
        reply_invoice (self, invoice, FALSE, reply);
      else
        _tb_sim_reply_error (reply, 409, "SENDER_INVOICE_NO_DUPLICATED");
      return;
    }

  invoice = add_invoice (self, &request, g_steal_pointer (&digest));
  reply_invoice (self, invoice,
                 self->empty_qr_image_every > 0 && self->invoice_serial % self->empty_qr_image_every == 0,
                 reply);
}

/* GET /v2/invoice/{id} */
void
_tb_sim_handle_invoice_get (TbSimServer *self,
                            const char  *invoice_id,
                            SimReply    *reply)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  SimInvoice *invoice = g_hash_table_lookup (self->invoices, invoice_id);
  gint64 tax_minor;

  if (invoice == NULL)
    {
      _tb_sim_reply_error (reply, 422, "INVOICE_NOTFOUND");
      return;
    }

  tax_minor = _tb_sim_e4_to_e2 (invoice->vat_e4 + invoice->city_tax_e4);

  json_builder_begin_object (builder);
  _tb_sim_add_string (builder, "invoice_id", invoice->invoice_id);
  _tb_sim_add_string (builder, "invoice_status", _tb_sim_invoice_state_to_string (invoice->state));
  _tb_sim_add_string (builder, "sender_invoice_no", invoice->sender_invoice_no);
  _tb_sim_add_string (builder, "sender_branch_code", invoice->branch_code);
  _tb_sim_add_null (builder, "sender_branch_data");
  _tb_sim_add_null (builder, "sender_staff_code");
  _tb_sim_add_string (builder, "invoice_description", invoice->description);
  _tb_sim_add_null (builder, "invoice_due_date");
  json_builder_set_member_name (builder, "enable_expiry");
  json_builder_add_boolean_value (builder, FALSE);
  _tb_sim_add_null (builder, "expiry_date");
  json_builder_set_member_name (builder, "allow_partial");
  json_builder_add_boolean_value (builder, invoice->allow_partial);
  _tb_sim_add_null (builder, "minimum_amount");
  json_builder_set_member_name (builder, "allow_exceed");
  json_builder_add_boolean_value (builder, FALSE);
  _tb_sim_add_null (builder, "maximum_amount");
  _tb_sim_add_money (builder, "total_amount", invoice->amount);
  _tb_sim_add_money (builder, "gross_amount", invoice->amount - tax_minor);
  _tb_sim_add_money (builder, "tax_amount", tax_minor);
  _tb_sim_add_money (builder, "surcharge_amount", 0);
  _tb_sim_add_money (builder, "discount_amount", 0);
  _tb_sim_add_string (builder, "callback_url", invoice->callback_url);
  _tb_sim_add_string (builder, "note", invoice->note);
  _tb_sim_add_empty_array (builder, "lines");
  _tb_sim_add_empty_array (builder, "transactions");
  _tb_sim_add_empty_array (builder, "inputs");
  json_builder_end_object (builder);
  _tb_sim_reply_json (reply, 200, builder);
}

/* DELETE /v2/invoice/{id} */
void
_tb_sim_handle_invoice_cancel (TbSimServer *self,
                               const char  *invoice_id,
                               SimReply    *reply)
{
  SimInvoice *invoice = g_hash_table_lookup (self->invoices, invoice_id);

  if (invoice == NULL)
    _tb_sim_reply_error (reply, 422, "INVOICE_NOTFOUND");
  else if (invoice->state == SIM_INVOICE_CANCELLED)
    _tb_sim_reply_error (reply, 400, "INVOICE_ALREADY_CANCELED");
  else if (invoice->paid > 0 || invoice->state == SIM_INVOICE_CLOSED)
    _tb_sim_reply_error (reply, 400, "INVOICE_PAID");
  else
    {
      invoice->state = SIM_INVOICE_CANCELLED;
      _tb_sim_reply_empty (reply);
    }
}
