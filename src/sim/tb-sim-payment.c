/* tb-sim-payment.c: the simulator's payments: paying, check, get, list, cancel and refund
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "tb-sim-server-private.h"

void
_tb_sim_payment_free (SimPayment *payment)
{
  g_free (payment->payment_id);
  g_free (payment->date);
  _tb_sim_ebarimt_free (payment->ebarimt);
  g_free (payment);
}

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

  /* QPay calls the callback with GET ?qpay_payment_id=… (docs/qpay.md, "Invoices"). The simulator only
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
      payment->payment_id = _tb_sim_random_digits (15);
    }
  while (g_hash_table_contains (self->payments, payment->payment_id));

  payment->invoice = invoice;
  payment->amount = amount;
  payment->fee = amount / 100;   /* 1.00 on 100 ₮, as in QPay's example; no rate is promised */
  payment->card = card;
  payment->date = _tb_sim_iso_now ();
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
      _tb_sim_add_empty_array (builder, "p2p_transactions");
      json_builder_set_member_name (builder, "card_transactions");
      json_builder_begin_array (builder);
      json_builder_begin_object (builder);
      _tb_sim_add_string (builder, "card_type", "UNIONPAY");
      json_builder_set_member_name (builder, "is_cross_border");
      json_builder_add_boolean_value (builder, FALSE);
      _tb_sim_add_money (builder, "amount", payment->amount);
      _tb_sim_add_string (builder, "currency", "MNT");
      _tb_sim_add_string (builder, "date", date);
      _tb_sim_add_string (builder, "status", payment->refunded ? "REFUNDED" : "SUCCESS");
      _tb_sim_add_string (builder, "settlement_status", "PENDING");
      _tb_sim_add_null (builder, "settlement_status_date");
      json_builder_end_object (builder);
      json_builder_end_array (builder);
    }
  else
    {
      _tb_sim_add_empty_array (builder, "card_transactions");
      json_builder_set_member_name (builder, "p2p_transactions");
      json_builder_begin_array (builder);
      json_builder_begin_object (builder);
      _tb_sim_add_string (builder, "transaction_bank_code", "050000");
      _tb_sim_add_string (builder, "account_bank_code", "050000");
      _tb_sim_add_string (builder, "account_bank_name", "Хаан банк");
      _tb_sim_add_string (builder, "account_number", "50*******");
      _tb_sim_add_string (builder, "status", "SUCCESS");
      _tb_sim_add_money (builder, "amount", payment->amount - payment->fee);
      _tb_sim_add_string (builder, "currency", "MNT");
      _tb_sim_add_string (builder, "settlement_status", "SETTLED");
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
  _tb_sim_add_string (builder, "payment_id", payment->payment_id);
  if (shape != SHAPE_CHECK)
    _tb_sim_add_string (builder, "payment_date", payment->date);
  _tb_sim_add_string (builder, "payment_status", payment_status (payment));
  _tb_sim_add_money (builder, shape == SHAPE_CHECK ? "trx_fee" : "payment_fee", payment->fee);
  _tb_sim_add_money (builder, "payment_amount", payment->amount);
  _tb_sim_add_string (builder, "payment_currency", "MNT");
  _tb_sim_add_string (builder, "payment_wallet", payment->card ? "UnionPay card" : "Хаан банк апп");

  switch (shape)
    {
    case SHAPE_CHECK:
      _tb_sim_add_string (builder, "payment_type", type);
      _tb_sim_add_null (builder, "next_payment_date");
      _tb_sim_add_null (builder, "next_payment_datetime");
      add_transactions (builder, payment);
      break;
    case SHAPE_GET:
      _tb_sim_add_string (builder, "transaction_type", type);
      _tb_sim_add_string (builder, "object_type", "INVOICE");
      _tb_sim_add_string (builder, "object_id", payment->invoice->invoice_id);
      _tb_sim_add_null (builder, "next_payment_date");
      _tb_sim_add_null (builder, "next_payment_datetime");
      add_transactions (builder, payment);
      break;
    case SHAPE_LIST:
      _tb_sim_add_string (builder, "payment_name", payment->invoice->description);
      _tb_sim_add_string (builder, "payment_description", payment->invoice->description);
      _tb_sim_add_string (builder, "qr_code", "");
      _tb_sim_add_string (builder, "paid_by", type);
      _tb_sim_add_string (builder, "object_type", "INVOICE");
      _tb_sim_add_string (builder, "object_id", payment->invoice->invoice_id);
      break;
    default:
      g_assert_not_reached ();
    }

  json_builder_end_object (builder);
}

/* Offsets: both fields required inside, 1–100 (docs/qpay.md, "Checking a payment"). */
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
void
_tb_sim_handle_check (TbSimServer *self,
                      JsonObject  *object,
                      SimReply    *reply)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(GPtrArray) none = g_ptr_array_new ();
  const char *type = _tb_sim_string_member (object, "object_type");
  const char *id = _tb_sim_string_member (object, "object_id");
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
          g_autofree char *text = _tb_sim_format_decimal (paid, 2);

          json_builder_add_double_value (builder, g_ascii_strtod (text, NULL));
        }
    }
  add_rows (builder, payments, page_number, page_limit, SHAPE_CHECK);
  json_builder_end_object (builder);
  _tb_sim_reply_json (reply, 200, builder);
}

/* GET /v2/payment/{id} */
void
_tb_sim_handle_payment_get (TbSimServer *self,
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
void
_tb_sim_handle_payment_list (TbSimServer *self,
                             JsonObject  *object,
                             SimReply    *reply)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(GPtrArray) selected = g_ptr_array_new ();
  g_autoptr(GDateTime) start = NULL;
  g_autoptr(GDateTime) end = NULL;
  const char *type = _tb_sim_string_member (object, "object_type");
  const char *id = _tb_sim_string_member (object, "object_id");
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
      && (start = parse_list_date (_tb_sim_string_member (object, "start_date"))) == NULL)
    {
      _tb_sim_reply_error (reply, 400, "OBJECT_DATA_ERROR");
      return;
    }
  if (json_object_has_member (object, "end_date")
      && (end = parse_list_date (_tb_sim_string_member (object, "end_date"))) == NULL)
    {
      _tb_sim_reply_error (reply, 400, "OBJECT_DATA_ERROR");
      return;
    }

  for (guint i = 0; i < self->payment_order->len; i++)
    {
      SimPayment *payment = g_ptr_array_index (self->payment_order, i);

      /* For INVOICE the object id is the invoice *code* (docs/qpay.md, "Checking a payment"). */
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
void
_tb_sim_handle_payment_reversal (TbSimServer *self,
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
  if (!_tb_sim_require_string (object, "callback_url", FALSE, 255, &value, reply)
      || !_tb_sim_require_string (object, "note", FALSE, 255, &value, reply))
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
