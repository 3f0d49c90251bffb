/* tb-sim-qpay.c: the simulator's QPay v2 business endpoints
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "core/tb-money.h"
#include "core/tb-tax.h"
#include "providers/tb-qpay-parse.h"

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

static void
sim_ebarimt_free (SimEbarimt *ebarimt)
{
  if (ebarimt == NULL)
    return;

  g_free (ebarimt->id);
  g_free (ebarimt->receipt_id);
  g_free (ebarimt->lottery);
  g_free (ebarimt->qr_data);
  g_free (ebarimt->status);
  g_free (ebarimt->status_date);
  g_free (ebarimt->receiver_type);
  g_free (ebarimt->receiver);
  g_free (ebarimt->district_code);
  g_free (ebarimt->classification_code);
  g_free (ebarimt);
}

void
_tb_sim_payment_free (SimPayment *payment)
{
  g_free (payment->payment_id);
  g_free (payment->date);
  sim_ebarimt_free (payment->ebarimt);
  g_free (payment);
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

/* Small helpers */

static char *
random_digits (guint n)
{
  GString *out = g_string_sized_new (n + 1);

  for (guint i = 0; i < n; i++)
    g_string_append_c (out, (char) ('0' + g_random_int_range (0, 10)));

  return g_string_free (out, FALSE);
}

static char *
iso_now (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *base = g_date_time_format (now, "%Y-%m-%dT%H:%M:%S");

  return g_strdup_printf ("%s.%03dZ", base, g_date_time_get_microsecond (now) / 1000);
}

static gboolean
is_digits (const char *text,
           gsize       min_len,
           gsize       max_len)
{
  gsize len = text != NULL ? strlen (text) : 0;

  if (len < min_len || len > max_len)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isdigit (text[i]))
      return FALSE;
  return TRUE;
}

/* A string member, or NULL when absent or not a string. */
static const char *
string_member (JsonObject *object,
               const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

typedef enum
{
  FIELD_OK,
  FIELD_MISSING,     /* absent, null, empty or not a string */
  FIELD_TOO_LONG,
} FieldCheck;

/* QPay measures limits in bytes as far as anyone can tell (PRK cuts by UTF-8 bytes). */
static FieldCheck
check_string (JsonObject  *object,
              const char  *name,
              gboolean     required,
              gsize        max_len,
              const char **out)
{
  JsonNode *node = json_object_get_member (object, name);
  const char *value = string_member (object, name);

  *out = NULL;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return required ? FIELD_MISSING : FIELD_OK;
  if (value == NULL || (required && value[0] == '\0'))
    return FIELD_MISSING;
  if (strlen (value) > max_len)
    return FIELD_TOO_LONG;

  *out = value;
  return FIELD_OK;
}

/* TRUE when the field is fine; otherwise the error reply is set. */
static gboolean
require_string (JsonObject  *object,
                const char  *name,
                gboolean     required,
                gsize        max_len,
                const char **out,
                SimReply    *reply)
{
  switch (check_string (object, name, required, max_len, out))
    {
    case FIELD_OK:
      return TRUE;
    case FIELD_MISSING:
      _tb_sim_reply_error (reply, 400, "OBJECT_DATA_ERROR");
      return FALSE;
    case FIELD_TOO_LONG:
      _tb_sim_reply_error (reply, 400, "MAX_LENGTH");
      return FALSE;
    default:
      g_assert_not_reached ();
    }
}

static gboolean
is_code (const char *text)
{
  for (const char *p = text; *p != '\0'; p++)
    if (!(g_ascii_isalnum (*p) || *p == '_' || *p == '-'))
      return FALSE;
  return text[0] != '\0';
}

static void
add_string (JsonBuilder *builder,
            const char  *name,
            const char  *value)
{
  json_builder_set_member_name (builder, name);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

static void
add_money (JsonBuilder *builder,
           const char  *name,
           gint64       minor)
{
  g_autofree char *text = tb_money_format_decimal (minor);

  add_string (builder, name, text);
}

static void
add_null (JsonBuilder *builder,
          const char  *name)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_null_value (builder);
}

static void
add_empty_array (JsonBuilder *builder,
                 const char  *name)
{
  json_builder_set_member_name (builder, name);
  json_builder_begin_array (builder);
  json_builder_end_array (builder);
}

/* Payments */

static void
call_callback (TbSimServer *self,
               SimInvoice  *invoice,
               SimPayment  *payment)
{
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GInetAddress) address = NULL;
  g_autoptr(SoupMessage) message = NULL;
  g_autofree char *url = NULL;
  const char *host;

  /* QPay calls the callback with GET ?qpay_payment_id=… (qpay-api.md §6). The simulator only
   * ever calls loopback addresses: it must not send traffic anywhere else. */
  if (invoice->callback_url == NULL)
    return;
  uri = g_uri_parse (invoice->callback_url, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL || g_strcmp0 (g_uri_get_scheme (uri), "http") != 0)
    return;
  host = g_uri_get_host (uri);
  address = host != NULL ? g_inet_address_new_from_string (host) : NULL;
  if (address == NULL || !g_inet_address_get_is_loopback (address))
    return;

  url = g_strdup_printf ("%s%sqpay_payment_id=%s", invoice->callback_url,
                         g_uri_get_query (uri) != NULL ? "&" : "?", payment->payment_id);
  message = soup_message_new ("GET", url);
  if (message != NULL)
    soup_session_send_async (self->callbacks, message, G_PRIORITY_DEFAULT, NULL, NULL, NULL);
}

SimPayment *
_tb_sim_pay (TbSimServer *self,
             SimInvoice  *invoice,
             gint64       amount,
             gboolean     card)
{
  SimPayment *payment = g_new0 (SimPayment, 1);

  if (amount <= 0)
    {
      amount = invoice->amount - invoice->paid;
      if (amount <= 0)
        amount = invoice->amount;   /* paying twice */
    }

  do
    {
      g_free (payment->payment_id);
      payment->payment_id = random_digits (15);
    }
  while (g_hash_table_contains (self->payments, payment->payment_id));

  payment->invoice = invoice;
  payment->amount = amount;
  payment->fee = amount / 100;   /* 1.00 on 100 ₮, as in QPay's example; no rate is promised */
  payment->card = card;
  payment->date = iso_now ();
  payment->created = g_get_real_time () / G_USEC_PER_SEC;

  g_hash_table_insert (self->payments, payment->payment_id, payment);
  g_ptr_array_add (self->payment_order, payment);
  g_ptr_array_add (invoice->payments, payment);

  invoice->paid += amount;
  /* A payment that lands on an expired or cancelled invoice still closes it: the money moved. */
  if (invoice->paid >= invoice->amount)
    invoice->state = SIM_INVOICE_CLOSED;

  call_callback (self, invoice, payment);
  return payment;
}

static void
add_transactions (JsonBuilder *builder,
                  SimPayment  *payment)
{
  g_autofree char *date = g_strdup (payment->date);

  if (payment->card)
    {
      add_empty_array (builder, "p2p_transactions");
      json_builder_set_member_name (builder, "card_transactions");
      json_builder_begin_array (builder);
      json_builder_begin_object (builder);
      add_string (builder, "card_type", "UNIONPAY");
      json_builder_set_member_name (builder, "is_cross_border");
      json_builder_add_boolean_value (builder, FALSE);
      add_money (builder, "amount", payment->amount);
      add_string (builder, "currency", "MNT");
      add_string (builder, "date", date);
      add_string (builder, "status", payment->refunded ? "REFUNDED" : "SUCCESS");
      add_string (builder, "settlement_status", "PENDING");
      add_null (builder, "settlement_status_date");
      json_builder_end_object (builder);
      json_builder_end_array (builder);
    }
  else
    {
      add_empty_array (builder, "card_transactions");
      json_builder_set_member_name (builder, "p2p_transactions");
      json_builder_begin_array (builder);
      json_builder_begin_object (builder);
      add_string (builder, "transaction_bank_code", "050000");
      add_string (builder, "account_bank_code", "050000");
      add_string (builder, "account_bank_name", "Хаан банк");
      add_string (builder, "account_number", "50*******");
      add_string (builder, "status", "SUCCESS");
      add_money (builder, "amount", payment->amount - payment->fee);
      add_string (builder, "currency", "MNT");
      add_string (builder, "settlement_status", "SETTLED");
      json_builder_end_object (builder);
      json_builder_end_array (builder);
    }
}

static const char *
payment_status (SimPayment *payment)
{
  return payment->refunded ? "REFUNDED" : "PAID";
}

/* The three shapes of a payment: check rows (trx_fee, payment_type, no date), payment/get
 * (payment_fee, transaction_type, date, object) and list rows (payment_fee, paid_by …). */
typedef enum
{
  SHAPE_CHECK,
  SHAPE_GET,
  SHAPE_LIST,
} PaymentShape;

static void
add_payment (JsonBuilder  *builder,
             SimPayment   *payment,
             PaymentShape  shape)
{
  const char *type = payment->card ? "CARD" : "P2P";

  json_builder_begin_object (builder);
  add_string (builder, "payment_id", payment->payment_id);
  if (shape != SHAPE_CHECK)
    add_string (builder, "payment_date", payment->date);
  add_string (builder, "payment_status", payment_status (payment));
  add_money (builder, shape == SHAPE_CHECK ? "trx_fee" : "payment_fee", payment->fee);
  add_money (builder, "payment_amount", payment->amount);
  add_string (builder, "payment_currency", "MNT");
  add_string (builder, "payment_wallet", payment->card ? "UnionPay card" : "Хаан банк апп");

  switch (shape)
    {
    case SHAPE_CHECK:
      add_string (builder, "payment_type", type);
      add_null (builder, "next_payment_date");
      add_null (builder, "next_payment_datetime");
      add_transactions (builder, payment);
      break;
    case SHAPE_GET:
      add_string (builder, "transaction_type", type);
      add_string (builder, "object_type", "INVOICE");
      add_string (builder, "object_id", payment->invoice->invoice_id);
      add_null (builder, "next_payment_date");
      add_null (builder, "next_payment_datetime");
      add_transactions (builder, payment);
      break;
    case SHAPE_LIST:
      add_string (builder, "payment_name", payment->invoice->description);
      add_string (builder, "payment_description", payment->invoice->description);
      add_string (builder, "qr_code", "");
      add_string (builder, "paid_by", type);
      add_string (builder, "object_type", "INVOICE");
      add_string (builder, "object_id", payment->invoice->invoice_id);
      break;
    default:
      g_assert_not_reached ();
    }

  json_builder_end_object (builder);
}

/* Offsets: both fields required inside, 1–100 (qpay-api.md §4). */
static gboolean
read_offset (JsonObject *object,
             guint      *out_number,
             guint      *out_limit,
             SimReply   *reply)
{
  JsonNode *node = json_object_get_member (object, "offset");
  JsonObject *offset;
  gint64 number;
  gint64 limit;

  *out_number = 1;
  *out_limit = 100;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      _tb_sim_reply_error (reply, 400, "OBJECT_DATA_ERROR");
      return FALSE;
    }

  offset = json_node_get_object (node);
  number = json_object_get_int_member_with_default (offset, "page_number", 0);
  limit = json_object_get_int_member_with_default (offset, "page_limit", 0);
  if (number < 1 || limit < 1 || limit > 100)
    {
      _tb_sim_reply_error (reply, 400, "OBJECT_DATA_ERROR");
      return FALSE;
    }

  *out_number = (guint) number;
  *out_limit = (guint) limit;
  return TRUE;
}

static void
add_rows (JsonBuilder  *builder,
          GPtrArray    *payments,
          guint         page_number,
          guint         page_limit,
          PaymentShape  shape)
{
  guint64 first = (guint64) (page_number - 1) * page_limit;

  json_builder_set_member_name (builder, "rows");
  json_builder_begin_array (builder);
  for (guint64 i = first; i < payments->len && i < first + page_limit; i++)
    add_payment (builder, g_ptr_array_index (payments, i), shape);
  json_builder_end_array (builder);
}

/* POST /v2/payment/check */
static void
handle_check (TbSimServer *self,
              JsonObject  *object,
              SimReply    *reply)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(GPtrArray) none = g_ptr_array_new ();
  const char *type = string_member (object, "object_type");
  const char *id = string_member (object, "object_id");
  SimInvoice *invoice = NULL;
  GPtrArray *payments = none;
  guint page_number;
  guint page_limit;
  gint64 paid = 0;

  if (type == NULL || !g_strv_contains ((const char * const[]) { "INVOICE", "QR", "ITEM", NULL }, type))
    {
      _tb_sim_reply_error (reply, 400, "INVALID_OBJECT_TYPE");
      return;
    }
  if (id == NULL || id[0] == '\0')
    {
      _tb_sim_reply_error (reply, 400, "OBJECT_DATA_ERROR");
      return;
    }
  if (!read_offset (object, &page_number, &page_limit, reply))
    return;

  if (strcmp (type, "INVOICE") == 0)
    {
      invoice = g_hash_table_lookup (self->invoices, id);
      if (invoice == NULL)
        {
          _tb_sim_reply_error (reply, 422, "INVOICE_NOTFOUND");
          return;
        }
      payments = invoice->payments;
    }

  for (guint i = 0; i < payments->len; i++)
    {
      SimPayment *payment = g_ptr_array_index (payments, i);

      if (!payment->refunded)
        paid += payment->amount;
    }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "count");
  json_builder_add_int_value (builder, payments->len);
  /* Absent when unpaid; a JSON *number* when paid, unlike every other amount. */
  if (payments->len > 0)
    {
      json_builder_set_member_name (builder, "paid_amount");
      if (paid % 100 == 0)
        json_builder_add_int_value (builder, paid / 100);
      else
        {
          g_autofree char *text = tb_money_format_decimal (paid);

          json_builder_add_double_value (builder, g_ascii_strtod (text, NULL));
        }
    }
  add_rows (builder, payments, page_number, page_limit, SHAPE_CHECK);
  json_builder_end_object (builder);
  _tb_sim_reply_json (reply, 200, builder);
}

/* GET /v2/payment/{id} */
static void
handle_payment_get (TbSimServer *self,
                    const char  *payment_id,
                    SimReply    *reply)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  SimPayment *payment = g_hash_table_lookup (self->payments, payment_id);

  if (payment == NULL)
    {
      _tb_sim_reply_error (reply, 422, "PAYMENT_NOTFOUND");
      return;
    }

  add_payment (builder, payment, SHAPE_GET);
  _tb_sim_reply_json (reply, 200, builder);
}

static GDateTime *
parse_list_date (const char *text)
{
  g_autofree char *iso = NULL;

  if (text == NULL || strlen (text) != 19 || text[10] != ' ')
    return NULL;

  iso = g_strdup_printf ("%.10sT%sZ", text, text + 11);
  return g_date_time_new_from_iso8601 (iso, NULL);
}

/* POST /v2/payment/list */
static void
handle_payment_list (TbSimServer *self,
                     JsonObject  *object,
                     SimReply    *reply)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(GPtrArray) selected = g_ptr_array_new ();
  g_autoptr(GDateTime) start = NULL;
  g_autoptr(GDateTime) end = NULL;
  const char *type = string_member (object, "object_type");
  const char *id = string_member (object, "object_id");
  guint page_number;
  guint page_limit;

  if (type == NULL || !g_strv_contains ((const char * const[]) { "MERCHANT", "INVOICE", "QR", NULL }, type))
    {
      _tb_sim_reply_error (reply, 400, "INVALID_OBJECT_TYPE");
      return;
    }
  if (id == NULL || id[0] == '\0')
    {
      _tb_sim_reply_error (reply, 400, "OBJECT_DATA_ERROR");
      return;
    }
  if (!read_offset (object, &page_number, &page_limit, reply))
    return;

  if (json_object_has_member (object, "start_date")
      && (start = parse_list_date (string_member (object, "start_date"))) == NULL)
    {
      _tb_sim_reply_error (reply, 400, "OBJECT_DATA_ERROR");
      return;
    }
  if (json_object_has_member (object, "end_date")
      && (end = parse_list_date (string_member (object, "end_date"))) == NULL)
    {
      _tb_sim_reply_error (reply, 400, "OBJECT_DATA_ERROR");
      return;
    }

  for (guint i = 0; i < self->payment_order->len; i++)
    {
      SimPayment *payment = g_ptr_array_index (self->payment_order, i);

      /* For INVOICE the object id is the invoice *code* (qpay-api.md §5). */
      if (strcmp (type, "QR") == 0)
        continue;
      if (strcmp (type, "INVOICE") == 0 && strcmp (payment->invoice->invoice_code, id) != 0)
        continue;
      if (start != NULL && payment->created < g_date_time_to_unix (start))
        continue;
      if (end != NULL && payment->created > g_date_time_to_unix (end))
        continue;
      g_ptr_array_add (selected, payment);
    }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "count");
  json_builder_add_int_value (builder, selected->len);
  add_rows (builder, selected, page_number, page_limit, SHAPE_LIST);
  json_builder_end_object (builder);
  _tb_sim_reply_json (reply, 200, builder);
}

/* DELETE /v2/payment/cancel/{id}, /v2/payment/refund/{id} */
static void
handle_payment_reversal (TbSimServer *self,
                         const char  *payment_id,
                         JsonObject  *object,
                         SimReply    *reply)
{
  SimPayment *payment;
  const char *value;

  if (object == NULL)
    {
      _tb_sim_reply_error (reply, 400, "OBJECT_DATA_ERROR");
      return;
    }
  if (!require_string (object, "callback_url", FALSE, 255, &value, reply)
      || !require_string (object, "note", FALSE, 255, &value, reply))
    return;

  payment = g_hash_table_lookup (self->payments, payment_id);
  if (payment == NULL)
    {
      _tb_sim_reply_error (reply, 422, "PAYMENT_NOTFOUND");
      return;
    }
  if (payment->refunded)
    {
      _tb_sim_reply_error (reply, 400, "PAYMENT_ALREADY_CANCELED");
      return;
    }
  /* Only card payments can be cancelled or refunded through the API. */
  if (!payment->card)
    {
      _tb_sim_reply_error (reply, 400, "PAYMENT_SETTLED");
      return;
    }

  payment->refunded = TRUE;
  payment->invoice->paid -= payment->amount;
  _tb_sim_reply_empty (reply);
}

/* Invoices */

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
  add_string (builder, "invoice_id", invoice->invoice_id);
  add_string (builder, "qr_text", invoice->qr_text);
  add_string (builder, "qr_image", qr_image != NULL ? qr_image : "");
  add_string (builder, "qPay_shortUrl", short_url);
  json_builder_set_member_name (builder, "urls");
  json_builder_begin_array (builder);
  for (gsize i = 0; i < G_N_ELEMENTS (banks); i++)
    {
      g_autofree char *logo = g_strdup_printf ("https://qpay.mn/q/logo/%s.png", banks[i].scheme);
      g_autofree char *link = g_strdup_printf ("%s://q?qPay_QRcode=%s", banks[i].scheme, invoice->qr_text);

      json_builder_begin_object (builder);
      add_string (builder, "name", banks[i].name);
      add_string (builder, "description", banks[i].description);
      add_string (builder, "logo", logo);
      add_string (builder, "link", link);
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
    {
      JsonNode *node = json_array_get_element (lines, i);
      JsonObject *line;
      JsonArray *taxes = NULL;
      const char *value;
      gint64 quantity_minor;
      gint64 unit_price;
      gint64 gross;
      gint64 vat_e4 = -1;
      gint64 city_tax_e4 = -1;
      TbLineTax expected;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        {
          _tb_sim_reply_error (reply, 400, "OBJECT_DATA_ERROR");
          return FALSE;
        }
      line = json_node_get_object (node);

      if (!require_string (line, "line_description", TRUE, 255, &value, reply)
          || !require_string (line, "note", FALSE, 100, &value, reply)
          || !require_string (line, "tax_product_code", FALSE, 45, &value, reply))
        return FALSE;

      /* Quantities and prices come as "1.00" strings (numbers are accepted too). */
      if (!tb_qpay_parse_money_node (json_object_get_member (line, "line_quantity"), &quantity_minor)
          || !tb_qpay_parse_money_node (json_object_get_member (line, "line_unit_price"), &unit_price)
          || quantity_minor <= 0 || unit_price < 0
          || !tb_tax_line_amount (quantity_minor * 10, unit_price, &gross))
        {
          _tb_sim_reply_error (reply, 400, "INVALID_AMOUNT");
          return FALSE;
        }
      if (gross == 0)
        {
          _tb_sim_reply_error (reply, 400, "INVALID_AMOUNT");
          return FALSE;
        }

      if (ebarimt && !is_digits (string_member (line, "classification_code"), 7, 7))
        {
          _tb_sim_reply_error (reply, 400, "CLASSIFICATION_CODE_INVALID");
          return FALSE;
        }

      if (json_object_has_member (line, "taxes"))
        {
          JsonNode *taxes_node = json_object_get_member (line, "taxes");

          if (!JSON_NODE_HOLDS_ARRAY (taxes_node))
            {
              _tb_sim_reply_error (reply, 400, "OBJECT_DATA_ERROR");
              return FALSE;
            }
          taxes = json_node_get_array (taxes_node);
        }

      for (guint t = 0; taxes != NULL && t < json_array_get_length (taxes); t++)
        {
          JsonNode *tax_node = json_array_get_element (taxes, t);
          JsonObject *tax;
          const char *code;
          gint64 amount_e4;

          if (!JSON_NODE_HOLDS_OBJECT (tax_node))
            {
              _tb_sim_reply_error (reply, 400, "OBJECT_DATA_ERROR");
              return FALSE;
            }
          tax = json_node_get_object (tax_node);
          code = string_member (tax, "tax_code");

          if (!require_string (tax, "description", TRUE, 100, &value, reply))
            return FALSE;
          if (!tb_qpay_parse_e4_node (json_object_get_member (tax, "amount"), &amount_e4))
            {
              _tb_sim_reply_error (reply, 400, "VAT_AMOUNT_INVALID");
              return FALSE;
            }

          if (g_strcmp0 (code, "VAT") == 0 && vat_e4 < 0)
            vat_e4 = amount_e4;
          else if (g_strcmp0 (code, "CITY_TAX") == 0 && city_tax_e4 < 0)
            city_tax_e4 = amount_e4;
          else
            {
              _tb_sim_reply_error (reply, 400, "OBJECT_DATA_ERROR");
              return FALSE;
            }
        }

      /* A VAT-able Ebarimt invoice needs VAT on every line. */
      if (ebarimt && g_strcmp0 (tax_type, "1") == 0 && vat_e4 < 0)
        {
          _tb_sim_reply_error (reply, 400, "VAT_AMOUNT_INVALID");
          return FALSE;
        }
      if (ebarimt && g_strcmp0 (tax_type, "1") != 0 && vat_e4 > 0)
        {
          _tb_sim_reply_error (reply, 400, "VAT_AMOUNT_INVALID");
          return FALSE;
        }

      tb_tax_compute (gross, vat_e4 >= 0, city_tax_e4 >= 0, &expected);
      if ((vat_e4 >= 0 && vat_e4 != expected.vat_e4)
          || (city_tax_e4 >= 0 && city_tax_e4 != expected.city_tax_e4))
        {
          /* QPay does not say which line (qpay-api.md §2); neither do we. */
          _tb_sim_reply_error (reply, 400, "VAT_AMOUNT_INVALID");
          return FALSE;
        }

      total->amount += gross;
      total->vat_e4 += MAX (vat_e4, 0);
      total->city_tax_e4 += MAX (city_tax_e4, 0);
      if (total->amount > TB_SIM_MAX_AMOUNT)
        {
          _tb_sim_reply_error (reply, 400, "MAX_AMOUNT_ERR");
          return FALSE;
        }
    }

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

/* POST /v2/invoice */
static void
handle_invoice_create (TbSimServer *self,
                       JsonObject  *object,
                       GBytes      *body,
                       SimReply    *reply)
{
  g_autofree char *digest = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, body);
  const char *invoice_code, *sender_invoice_no, *receiver_code, *description, *callback_url;
  const char *branch_code, *note, *tax_type, *district_code;
  JsonNode *amount_node = json_object_get_member (object, "amount");
  JsonNode *lines_node = json_object_get_member (object, "lines");
  gboolean ebarimt;
  gboolean allow_partial = FALSE;
  LinesTotal lines_total = { 0, };
  gboolean has_lines = FALSE;
  gint64 amount = 0;
  SimInvoice *invoice;

  if (!require_string (object, "invoice_code", TRUE, 45, &invoice_code, reply)
      || !require_string (object, "sender_invoice_no", TRUE, 45, &sender_invoice_no, reply)
      || !require_string (object, "invoice_receiver_code", TRUE, 45, &receiver_code, reply)
      || !require_string (object, "invoice_description", TRUE, 255, &description, reply)
      || !require_string (object, "callback_url", TRUE, 255, &callback_url, reply)
      || !require_string (object, "sender_branch_code", FALSE, 45, &branch_code, reply)
      || !require_string (object, "note", FALSE, 1000, &note, reply)
      || !require_string (object, "tax_type", FALSE, 1, &tax_type, reply)
      || !require_string (object, "district_code", FALSE, 4, &district_code, reply))
    return;

  if (strcmp (invoice_code, TB_SIM_DEMO_INVOICE_CODE) != 0
      && strcmp (invoice_code, TB_SIM_DEMO_EBARIMT_INVOICE_CODE) != 0)
    {
      _tb_sim_reply_error (reply, 400, "INVOICE_CODE_INVALID");
      return;
    }

  /* "Must be unique; no special characters." */
  if (!is_code (sender_invoice_no))
    {
      _tb_sim_reply_error (reply, 400, "OBJECT_DATA_ERROR");
      return;
    }

  ebarimt = tax_type != NULL || district_code != NULL;
  if (ebarimt)
    {
      if (!g_str_has_prefix (invoice_code, "EB_") || !self->ebarimt_enabled)
        {
          _tb_sim_reply_error (reply, 400, "EBARIMT_NOT_ENABLED");
          return;
        }
      if (tax_type == NULL || !g_strv_contains ((const char * const[]) { "1", "2", "3", NULL }, tax_type)
          || !is_digits (district_code, 4, 4))
        {
          _tb_sim_reply_error (reply, 400, "OBJECT_DATA_ERROR");
          return;
        }
    }

  if (json_object_has_member (object, "allow_partial"))
    {
      JsonNode *node = json_object_get_member (object, "allow_partial");

      allow_partial = JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_BOOLEAN
                      && json_node_get_boolean (node);
    }

  if (lines_node != NULL && !JSON_NODE_HOLDS_NULL (lines_node))
    {
      if (!JSON_NODE_HOLDS_ARRAY (lines_node))
        {
          _tb_sim_reply_error (reply, 400, "OBJECT_DATA_ERROR");
          return;
        }
      has_lines = json_array_get_length (json_node_get_array (lines_node)) > 0;
      if (has_lines && !check_lines (json_node_get_array (lines_node), ebarimt, tax_type, &lines_total, reply))
        return;
    }

  if (ebarimt && !has_lines)
    {
      _tb_sim_reply_error (reply, 400, "INVOICE_LINE_REQUIRED");
      return;
    }

  if (amount_node != NULL && !JSON_NODE_HOLDS_NULL (amount_node))
    {
      if (!tb_qpay_parse_money_node (amount_node, &amount))
        {
          _tb_sim_reply_error (reply, 400, "INVALID_AMOUNT");
          return;
        }
      if (has_lines && amount != lines_total.amount)
        {
          _tb_sim_reply_error (reply, 400, "INVALID_AMOUNT");
          return;
        }
    }
  else if (has_lines)
    amount = lines_total.amount;
  else
    {
      _tb_sim_reply_error (reply, 400, "OBJECT_DATA_ERROR");
      return;
    }

  if (!check_amount (amount, reply))
    return;

  /* The same request again (a retry after a timeout) gets the same invoice; a different
   * request with a used number is a conflict. QPay's behaviour here is undocumented
   * (qpay-api.md §14.4); this is the simulator's reading of "must be unique". */
  invoice = find_by_sender_no (self, invoice_code, sender_invoice_no);
  if (invoice != NULL)
    {
      if (strcmp (invoice->body_digest, digest) == 0)
        reply_invoice (self, invoice, FALSE, reply);
      else
        _tb_sim_reply_error (reply, 409, "SENDER_INVOICE_NO_DUPLICATED");
      return;
    }

  invoice = g_new0 (SimInvoice, 1);
  invoice->invoice_id = g_uuid_string_random ();
  invoice->invoice_code = g_strdup (invoice_code);
  invoice->sender_invoice_no = g_strdup (sender_invoice_no);
  invoice->receiver_code = g_strdup (receiver_code);
  invoice->branch_code = g_strdup (branch_code);
  invoice->description = g_strdup (description);
  invoice->callback_url = g_strdup (callback_url);
  invoice->note = g_strdup (note);
  invoice->body_digest = g_steal_pointer (&digest);
  invoice->qr_text = _tb_sim_emv_qr_text (invoice->invoice_id, sender_invoice_no, amount);
  invoice->amount = amount;
  invoice->vat_e4 = lines_total.vat_e4;
  invoice->city_tax_e4 = lines_total.city_tax_e4;
  invoice->has_lines = has_lines;
  invoice->allow_partial = allow_partial;
  invoice->tax_type = g_strdup (tax_type);
  invoice->district_code = g_strdup (district_code);
  invoice->state = SIM_INVOICE_OPEN;
  invoice->payments = g_ptr_array_new ();

  g_hash_table_insert (self->invoices, invoice->invoice_id, invoice);
  g_ptr_array_add (self->invoice_order, invoice);
  self->invoice_serial++;

  reply_invoice (self, invoice,
                 self->empty_qr_image_every > 0 && self->invoice_serial % self->empty_qr_image_every == 0,
                 reply);
}

/* GET /v2/invoice/{id} */
static void
handle_invoice_get (TbSimServer *self,
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

  tax_minor = tb_tax_e4_to_minor (invoice->vat_e4 + invoice->city_tax_e4);

  json_builder_begin_object (builder);
  add_string (builder, "invoice_id", invoice->invoice_id);
  add_string (builder, "invoice_status", _tb_sim_invoice_state_to_string (invoice->state));
  add_string (builder, "sender_invoice_no", invoice->sender_invoice_no);
  add_string (builder, "sender_branch_code", invoice->branch_code);
  add_null (builder, "sender_branch_data");
  add_null (builder, "sender_staff_code");
  add_string (builder, "invoice_description", invoice->description);
  add_null (builder, "invoice_due_date");
  json_builder_set_member_name (builder, "enable_expiry");
  json_builder_add_boolean_value (builder, FALSE);
  add_null (builder, "expiry_date");
  json_builder_set_member_name (builder, "allow_partial");
  json_builder_add_boolean_value (builder, invoice->allow_partial);
  add_null (builder, "minimum_amount");
  json_builder_set_member_name (builder, "allow_exceed");
  json_builder_add_boolean_value (builder, FALSE);
  add_null (builder, "maximum_amount");
  add_money (builder, "total_amount", invoice->amount);
  add_money (builder, "gross_amount", invoice->amount - tax_minor);
  add_money (builder, "tax_amount", tax_minor);
  add_money (builder, "surcharge_amount", 0);
  add_money (builder, "discount_amount", 0);
  add_string (builder, "callback_url", invoice->callback_url);
  add_string (builder, "note", invoice->note);
  add_empty_array (builder, "lines");
  add_empty_array (builder, "transactions");
  add_empty_array (builder, "inputs");
  json_builder_end_object (builder);
  _tb_sim_reply_json (reply, 200, builder);
}

/* DELETE /v2/invoice/{id} */
static void
handle_invoice_cancel (TbSimServer *self,
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

/* Ebarimt v3 */

static char *
lottery_number (void)
{
  g_autofree char *digits = random_digits (8);

  return g_strdup_printf ("%c%c %s",
                          (char) ('A' + g_random_int_range (0, 26)),
                          (char) ('A' + g_random_int_range (0, 26)),
                          digits);
}

static char *
masked_phone (const char *phone)
{
  gsize len = phone != NULL ? strlen (phone) : 0;

  if (len < 4)
    return NULL;
  return g_strdup_printf ("%.2s****%s", phone, phone + len - 2);
}

static void
reply_ebarimt (SimPayment *payment,
               SimReply   *reply)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  SimEbarimt *ebarimt = payment->ebarimt;
  SimInvoice *invoice = payment->invoice;
  g_autofree char *phone = NULL;
  gboolean citizen = strcmp (ebarimt->receiver_type, "CITIZEN") == 0;

  if (citizen)
    phone = masked_phone (ebarimt->receiver);

  json_builder_begin_object (builder);
  add_string (builder, "id", ebarimt->id);
  add_string (builder, "ebarimt_by", "QPAY");
  add_string (builder, "ebarimt_receiver_type", ebarimt->receiver_type);
  add_string (builder, "ebarimt_receiver", ebarimt->receiver);
  add_string (builder, "ebarimt_district_code", ebarimt->district_code);
  add_string (builder, "merchant_branch_code", invoice->branch_code);
  add_string (builder, "merchant_staff_code", "online");
  add_string (builder, "merchant_register_no", "1234567");
  add_string (builder, "g_payment_id", payment->payment_id);
  add_string (builder, "paid_by", payment->card ? "CARD" : "P2P");
  add_string (builder, "object_type", "INVOICE");
  add_string (builder, "object_id", invoice->invoice_id);
  add_money (builder, "amount", payment->amount);
  add_money (builder, "vat_amount", tb_tax_e4_to_minor (ebarimt->vat_e4));
  add_money (builder, "city_tax_amount", tb_tax_e4_to_minor (ebarimt->city_tax_e4));
  add_string (builder, "ebarimt_qr_data", ebarimt->qr_data);
  add_string (builder, "ebarimt_lottery", ebarimt->lottery != NULL ? ebarimt->lottery : "");
  add_string (builder, "barimt_status", ebarimt->status);
  add_string (builder, "barimt_status_date", ebarimt->status_date);
  add_string (builder, "ebarimt_receiver_phone", phone);
  add_string (builder, "tax_type", invoice->tax_type != NULL ? invoice->tax_type : "1");
  add_string (builder, "merchant_tin", "12345678901");
  add_string (builder, "ebarimt_receipt_id", ebarimt->receipt_id);
  json_builder_set_member_name (builder, "status");
  json_builder_add_boolean_value (builder, TRUE);
  json_builder_end_object (builder);
  _tb_sim_reply_json (reply, 200, builder);
}

/* POST /v2/ebarimt_v3/create */
static void
handle_ebarimt_create (TbSimServer *self,
                       JsonObject  *object,
                       SimReply    *reply)
{
  const char *payment_id, *receiver_type, *receiver, *district_code, *classification_code;
  SimPayment *payment;
  SimEbarimt *ebarimt;
  SimInvoice *invoice;
  TbLineTax tax;

  if (!require_string (object, "payment_id", TRUE, 64, &payment_id, reply)
      || !require_string (object, "ebarimt_receiver_type", TRUE, 20, &receiver_type, reply)
      || !require_string (object, "ebarimt_receiver", FALSE, 30, &receiver, reply)
      || !require_string (object, "district_code", FALSE, 4, &district_code, reply)
      || !require_string (object, "classification_code", FALSE, 7, &classification_code, reply))
    return;

  if (strcmp (receiver_type, "CITIZEN") != 0 && strcmp (receiver_type, "COMPANY") != 0)
    {
      _tb_sim_reply_error (reply, 400, "OBJECT_DATA_ERROR");
      return;
    }
  if (strcmp (receiver_type, "COMPANY") == 0 && !is_digits (receiver, 7, 14))
    {
      _tb_sim_reply_error (reply, 400, "CUSTOMER_REGISTER_INVALID");
      return;
    }
  if (district_code != NULL && !is_digits (district_code, 4, 4))
    {
      _tb_sim_reply_error (reply, 400, "OBJECT_DATA_ERROR");
      return;
    }
  if (classification_code != NULL && !is_digits (classification_code, 7, 7))
    {
      _tb_sim_reply_error (reply, 400, "CLASSIFICATION_CODE_INVALID");
      return;
    }
  if (!self->ebarimt_enabled)
    {
      _tb_sim_reply_error (reply, 400, "EBARIMT_NOT_ENABLED");
      return;
    }

  payment = g_hash_table_lookup (self->payments, payment_id);
  if (payment == NULL)
    {
      _tb_sim_reply_error (reply, 422, "PAYMENT_NOTFOUND");
      return;
    }
  if (payment->refunded)
    {
      _tb_sim_reply_error (reply, 400, "PAYMENT_NOT_PAID");
      return;
    }

  /* One receipt per payment: asking again returns it. */
  if (payment->ebarimt != NULL && strcmp (payment->ebarimt->status, "REGISTERED") == 0)
    {
      reply_ebarimt (payment, reply);
      return;
    }

  invoice = payment->invoice;
  if (invoice->has_lines && payment->amount == invoice->amount)
    {
      tax.vat_e4 = invoice->vat_e4;
      tax.city_tax_e4 = invoice->city_tax_e4;
    }
  else
    tb_tax_compute (payment->amount,
                    invoice->tax_type == NULL || strcmp (invoice->tax_type, "1") == 0,
                    FALSE, &tax);

  sim_ebarimt_free (payment->ebarimt);
  ebarimt = payment->ebarimt = g_new0 (SimEbarimt, 1);
  ebarimt->id = g_uuid_string_random ();
  ebarimt->receipt_id = random_digits (33);
  ebarimt->lottery = strcmp (receiver_type, "CITIZEN") == 0 ? lottery_number () : NULL;
  ebarimt->qr_data = random_digits (120);
  ebarimt->status = g_strdup ("REGISTERED");
  ebarimt->status_date = iso_now ();
  ebarimt->receiver_type = g_strdup (receiver_type);
  ebarimt->receiver = g_strdup (receiver);
  ebarimt->district_code = g_strdup (district_code != NULL ? district_code : "3505");
  ebarimt->classification_code = g_strdup (classification_code);
  ebarimt->vat_e4 = tax.vat_e4;
  ebarimt->city_tax_e4 = tax.city_tax_e4;

  reply_ebarimt (payment, reply);
}

/* GET /v2/ebarimt_v3/{payment_id}: the receipt of a payment (how a client finds out whether a
 * create whose answer was lost did register it). */
static void
handle_ebarimt_get (TbSimServer *self,
                    const char  *payment_id,
                    SimReply    *reply)
{
  SimPayment *payment = g_hash_table_lookup (self->payments, payment_id);

  if (payment == NULL)
    _tb_sim_reply_error (reply, 422, "PAYMENT_NOTFOUND");
  else if (payment->ebarimt == NULL)
    _tb_sim_reply_error (reply, 422, "EBARIMT_NOT_REGISTERED");
  else
    reply_ebarimt (payment, reply);
}

/* DELETE /v2/ebarimt_v3/{payment_id} */
static void
handle_ebarimt_cancel (TbSimServer *self,
                       const char  *payment_id,
                       JsonObject  *object,
                       SimReply    *reply)
{
  SimPayment *payment;
  const char *note;

  /* The 2026 spec requires a note (qpay-api.md §7). */
  if (object == NULL)
    {
      _tb_sim_reply_error (reply, 400, "OBJECT_DATA_ERROR");
      return;
    }
  if (!require_string (object, "note", TRUE, 255, &note, reply))
    return;

  payment = g_hash_table_lookup (self->payments, payment_id);
  if (payment == NULL)
    {
      _tb_sim_reply_error (reply, 422, "PAYMENT_NOTFOUND");
      return;
    }
  if (payment->ebarimt == NULL)
    {
      _tb_sim_reply_error (reply, 422, "EBARIMT_NOT_REGISTERED");
      return;
    }

  g_free (payment->ebarimt->status);
  payment->ebarimt->status = g_strdup ("CANCELED");
  g_free (payment->ebarimt->status_date);
  payment->ebarimt->status_date = iso_now ();
  reply_ebarimt (payment, reply);
}

/* Routing */

void
_tb_sim_qpay_handle (TbSimServer *self,
                     const char  *method,
                     const char  *path,
                     GBytes      *body,
                     SimReply    *reply)
{
  g_autoptr(JsonParser) parser = NULL;
  g_auto(GStrv) parts = g_strsplit (path, "/", -1);   /* "", "invoice", … */
  guint n_parts = g_strv_length (parts);
  gboolean get = strcmp (method, "GET") == 0;
  gboolean post = strcmp (method, "POST") == 0;
  gboolean delete = strcmp (method, "DELETE") == 0;
  JsonObject *object = NULL;

  if (g_bytes_get_size (body) > 0)
    {
      parser = tb_qpay_parse_json_object (body, &object, NULL);
      if (parser == NULL)
        {
          _tb_sim_reply_error (reply, 400, "OBJECT_DATA_ERROR");
          return;
        }
    }

  if (n_parts < 2)
    _tb_sim_reply_error (reply, 404, "NOT_FOUND");
  else if (n_parts == 2 && strcmp (parts[1], "invoice") == 0 && post)
    {
      if (object == NULL)
        _tb_sim_reply_error (reply, 400, "OBJECT_DATA_ERROR");
      else
        handle_invoice_create (self, object, body, reply);
    }
  else if (n_parts == 3 && strcmp (parts[1], "invoice") == 0 && get)
    handle_invoice_get (self, parts[2], reply);
  else if (n_parts == 3 && strcmp (parts[1], "invoice") == 0 && delete)
    handle_invoice_cancel (self, parts[2], reply);
  else if (n_parts == 3 && strcmp (parts[1], "payment") == 0 && strcmp (parts[2], "check") == 0 && post)
    {
      if (object == NULL)
        _tb_sim_reply_error (reply, 400, "OBJECT_DATA_ERROR");
      else
        handle_check (self, object, reply);
    }
  else if (n_parts == 3 && strcmp (parts[1], "payment") == 0 && strcmp (parts[2], "list") == 0 && post)
    {
      if (object == NULL)
        _tb_sim_reply_error (reply, 400, "OBJECT_DATA_ERROR");
      else
        handle_payment_list (self, object, reply);
    }
  else if (n_parts == 3 && strcmp (parts[1], "payment") == 0 && get)
    handle_payment_get (self, parts[2], reply);
  else if (n_parts == 4 && strcmp (parts[1], "payment") == 0 && delete
           && (strcmp (parts[2], "cancel") == 0 || strcmp (parts[2], "refund") == 0))
    handle_payment_reversal (self, parts[3], object, reply);
  else if (n_parts == 3 && strcmp (parts[1], "ebarimt_v3") == 0 && strcmp (parts[2], "create") == 0 && post)
    {
      if (object == NULL)
        _tb_sim_reply_error (reply, 400, "OBJECT_DATA_ERROR");
      else
        handle_ebarimt_create (self, object, reply);
    }
  else if (n_parts == 3 && strcmp (parts[1], "ebarimt_v3") == 0 && get)
    handle_ebarimt_get (self, parts[2], reply);
  else if (n_parts == 3 && strcmp (parts[1], "ebarimt_v3") == 0 && delete)
    handle_ebarimt_cancel (self, parts[2], object, reply);
  else
    _tb_sim_reply_error (reply, 404, "NOT_FOUND");
}
