/* tb-sim-ebarimt.c: the simulator's Ebarimt 3.0 receipts: create, get, cancel
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "tb-sim-server-private.h"

void
_tb_sim_ebarimt_free (SimEbarimt *ebarimt)
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

static char *
lottery_number (void)
{
  g_autofree char *digits = _tb_sim_random_digits (8);

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
  _tb_sim_add_string (builder, "id", ebarimt->id);
  _tb_sim_add_string (builder, "ebarimt_by", "QPAY");
  _tb_sim_add_string (builder, "ebarimt_receiver_type", ebarimt->receiver_type);
  _tb_sim_add_string (builder, "ebarimt_receiver", ebarimt->receiver);
  _tb_sim_add_string (builder, "ebarimt_district_code", ebarimt->district_code);
  _tb_sim_add_string (builder, "merchant_branch_code", invoice->branch_code);
  _tb_sim_add_string (builder, "merchant_staff_code", "online");
  _tb_sim_add_string (builder, "merchant_register_no", "1234567");
  _tb_sim_add_string (builder, "g_payment_id", payment->payment_id);
  _tb_sim_add_string (builder, "paid_by", payment->card ? "CARD" : "P2P");
  _tb_sim_add_string (builder, "object_type", "INVOICE");
  _tb_sim_add_string (builder, "object_id", invoice->invoice_id);
  _tb_sim_add_money (builder, "amount", payment->amount);
  _tb_sim_add_money (builder, "vat_amount", _tb_sim_e4_to_e2 (ebarimt->vat_e4));
  _tb_sim_add_money (builder, "city_tax_amount", _tb_sim_e4_to_e2 (ebarimt->city_tax_e4));
  _tb_sim_add_string (builder, "ebarimt_qr_data", ebarimt->qr_data);
  _tb_sim_add_string (builder, "ebarimt_lottery", ebarimt->lottery != NULL ? ebarimt->lottery : "");
  _tb_sim_add_string (builder, "barimt_status", ebarimt->status);
  _tb_sim_add_string (builder, "barimt_status_date", ebarimt->status_date);
  _tb_sim_add_string (builder, "ebarimt_receiver_phone", phone);
  _tb_sim_add_string (builder, "tax_type", invoice->tax_type != NULL ? invoice->tax_type : "1");
  _tb_sim_add_string (builder, "merchant_tin", "12345678901");
  _tb_sim_add_string (builder, "ebarimt_receipt_id", ebarimt->receipt_id);
  json_builder_set_member_name (builder, "status");
  json_builder_add_boolean_value (builder, TRUE);
  json_builder_end_object (builder);
  _tb_sim_reply_json (reply, 200, builder);
}

typedef struct
{
  const char *payment_id;
  const char *receiver_type;
  const char *receiver;
  const char *district_code;
  const char *classification_code;
} EbarimtRequest;

/* The create body's fields, checked as QPay does; FALSE with the error reply set. */
static gboolean
read_create_request (JsonObject     *object,
                     EbarimtRequest *request,
                     SimReply       *reply)
{
  if (!_tb_sim_require_string (object, "payment_id", TRUE, 64, &request->payment_id, reply)
      || !_tb_sim_require_string (object, "ebarimt_receiver_type", TRUE, 20, &request->receiver_type, reply)
      || !_tb_sim_require_string (object, "ebarimt_receiver", FALSE, 30, &request->receiver, reply)
      || !_tb_sim_require_string (object, "district_code", FALSE, 4, &request->district_code, reply)
      || !_tb_sim_require_string (object, "classification_code", FALSE, 7, &request->classification_code, reply))
    return FALSE;

  if (strcmp (request->receiver_type, "CITIZEN") != 0 && strcmp (request->receiver_type, "COMPANY") != 0)
    return (_tb_sim_reply_error (reply, 400, "OBJECT_DATA_ERROR"), FALSE);
  if (strcmp (request->receiver_type, "COMPANY") == 0 && !_tb_sim_is_digits (request->receiver, 7, 14))
    return (_tb_sim_reply_error (reply, 400, "CUSTOMER_REGISTER_INVALID"), FALSE);
  if (request->district_code != NULL && !_tb_sim_is_digits (request->district_code, 4, 4))
    return (_tb_sim_reply_error (reply, 400, "OBJECT_DATA_ERROR"), FALSE);
  if (request->classification_code != NULL && !_tb_sim_is_digits (request->classification_code, 7, 7))
    return (_tb_sim_reply_error (reply, 400, "CLASSIFICATION_CODE_INVALID"), FALSE);
  return TRUE;
}

/* A new registered receipt for @payment. Its taxes are the invoice's lines' when the payment
 * covers the whole invoice, else worked out from the amount (VAT only, by the invoice's tax
 * type), with the simulator's own arithmetic. */
static void
register_receipt (SimPayment           *payment,
                  const EbarimtRequest *request)
{
  SimInvoice *invoice = payment->invoice;
  SimEbarimt *ebarimt;
  gint64 vat_e4, city_tax_e4;

  if (invoice->has_lines && payment->amount == invoice->amount)
    {
      vat_e4 = invoice->vat_e4;
      city_tax_e4 = invoice->city_tax_e4;
    }
  else
    _tb_sim_line_taxes (payment->amount,
                        invoice->tax_type == NULL || strcmp (invoice->tax_type, "1") == 0,
                        FALSE, &vat_e4, &city_tax_e4);

  _tb_sim_ebarimt_free (payment->ebarimt);
  ebarimt = payment->ebarimt = g_new0 (SimEbarimt, 1);
  ebarimt->id = g_uuid_string_random ();
  ebarimt->receipt_id = _tb_sim_random_digits (33);
  ebarimt->lottery = strcmp (request->receiver_type, "CITIZEN") == 0 ? lottery_number () : NULL;
  ebarimt->qr_data = _tb_sim_random_digits (120);
  ebarimt->status = g_strdup ("REGISTERED");
  ebarimt->status_date = _tb_sim_iso_now ();
  ebarimt->receiver_type = g_strdup (request->receiver_type);
  ebarimt->receiver = g_strdup (request->receiver);
  ebarimt->district_code = g_strdup (request->district_code != NULL ? request->district_code : "3505");
  ebarimt->classification_code = g_strdup (request->classification_code);
  ebarimt->vat_e4 = vat_e4;
  ebarimt->city_tax_e4 = city_tax_e4;
}

/* POST /v2/ebarimt_v3/create */
void
_tb_sim_handle_ebarimt_create (TbSimServer *self,
                               JsonObject  *object,
                               SimReply    *reply)
{
  EbarimtRequest request = { NULL, };
  SimPayment *payment;

  if (!read_create_request (object, &request, reply))
    return;
  if (!self->ebarimt_enabled)
    {
      _tb_sim_reply_error (reply, 400, "EBARIMT_NOT_ENABLED");
      return;
    }

  payment = g_hash_table_lookup (self->payments, request.payment_id);
  if (payment == NULL)
    _tb_sim_reply_error (reply, 422, "PAYMENT_NOTFOUND");
  else if (payment->refunded)
    _tb_sim_reply_error (reply, 400, "PAYMENT_NOT_PAID");
  else
    {
      /* One receipt per payment: asking again returns it. */
      if (payment->ebarimt == NULL || strcmp (payment->ebarimt->status, "REGISTERED") != 0)
        register_receipt (payment, &request);
      reply_ebarimt (payment, reply);
    }
}

/* GET /v2/ebarimt_v3/{payment_id}: the receipt of a payment (how a client finds out whether a
 * create whose answer was lost did register it). */
void
_tb_sim_handle_ebarimt_get (TbSimServer *self,
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
void
_tb_sim_handle_ebarimt_cancel (TbSimServer *self,
                               const char  *payment_id,
                               JsonObject  *object,
                               SimReply    *reply)
{
  SimPayment *payment;
  const char *note;

  /* The 2026 spec requires a note (docs/qpay.md, "Ebarimt 3.0 receipts"). */
  if (object == NULL)
    {
      _tb_sim_reply_error (reply, 400, "OBJECT_DATA_ERROR");
      return;
    }
  if (!_tb_sim_require_string (object, "note", TRUE, 255, &note, reply))
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
  payment->ebarimt->status_date = _tb_sim_iso_now ();
  reply_ebarimt (payment, reply);
}
