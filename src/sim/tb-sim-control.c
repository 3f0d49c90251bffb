/* tb-sim-control.c: the simulator's /sim control endpoints (for other processes' tests)
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "providers/tb-qpay-parse.h"

#include "tb-sim-server-private.h"

static void
add_invoice_json (JsonBuilder *builder,
                  SimInvoice  *invoice)
{
  g_autofree char *amount = _tb_sim_format_decimal (invoice->amount, 2);
  g_autofree char *paid = _tb_sim_format_decimal (invoice->paid, 2);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "invoice_id");
  json_builder_add_string_value (builder, invoice->invoice_id);
  json_builder_set_member_name (builder, "sender_invoice_no");
  json_builder_add_string_value (builder, invoice->sender_invoice_no);
  json_builder_set_member_name (builder, "invoice_code");
  json_builder_add_string_value (builder, invoice->invoice_code);
  json_builder_set_member_name (builder, "status");
  json_builder_add_string_value (builder, _tb_sim_invoice_state_to_string (invoice->state));
  json_builder_set_member_name (builder, "amount");
  json_builder_add_string_value (builder, amount);
  json_builder_set_member_name (builder, "paid_amount");
  json_builder_add_string_value (builder, paid);
  json_builder_end_object (builder);
}

static void
reply_ok (SimReply *reply)
{
  _tb_sim_reply_empty (reply);
}

static TbSimBody
body_from_string (const char *text)
{
  if (g_strcmp0 (text, "malformed") == 0)
    return TB_SIM_BODY_MALFORMED;
  if (g_strcmp0 (text, "truncated") == 0)
    return TB_SIM_BODY_TRUNCATED;
  if (g_strcmp0 (text, "huge") == 0)
    return TB_SIM_BODY_HUGE;
  if (g_strcmp0 (text, "empty") == 0)
    return TB_SIM_BODY_EMPTY;
  return TB_SIM_BODY_NORMAL;
}

static void
control_faults (TbSimServer *self,
                JsonObject  *object,
                SimReply    *reply)
{
  TbSimFault fault = { 0, };

  fault.path_prefix = json_object_get_string_member_with_default (object, "path", NULL);
  fault.status = (guint) json_object_get_int_member_with_default (object, "status", 0);
  fault.body = body_from_string (json_object_get_string_member_with_default (object, "body", NULL));
  fault.latency_ms = (guint) json_object_get_int_member_with_default (object, "latency_ms", 0);
  fault.hang = json_object_get_boolean_member_with_default (object, "hang", FALSE);
  fault.count = (int) json_object_get_int_member_with_default (object, "count", 1);

  tb_sim_server_add_fault (self, &fault);
  reply_ok (reply);
}

static void
control_config (TbSimServer *self,
                JsonObject  *object,
                SimReply    *reply)
{
  if (json_object_has_member (object, "latency_ms"))
    self->latency_ms = (guint) json_object_get_int_member_with_default (object, "latency_ms", 0);
  if (json_object_has_member (object, "token_lifetime") || json_object_has_member (object, "expires_in"))
    tb_sim_server_set_token_lifetime (self,
                                      json_object_get_int_member_with_default (object, "token_lifetime",
                                                                               self->token_lifetime),
                                      g_strcmp0 (json_object_get_string_member_with_default (object, "expires_in", NULL),
                                                 "duration") == 0);
  if (json_object_has_member (object, "ebarimt_enabled"))
    self->ebarimt_enabled = json_object_get_boolean_member_with_default (object, "ebarimt_enabled", TRUE);
  if (json_object_has_member (object, "empty_qr_image_every"))
    self->empty_qr_image_every = (guint) json_object_get_int_member_with_default (object, "empty_qr_image_every", 3);

  reply_ok (reply);
}

static void
control_pay (TbSimServer *self,
             SimInvoice  *invoice,
             JsonObject  *object,
             SimReply    *reply)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *paid = NULL;
  JsonNode *amount_node = object != NULL ? json_object_get_member (object, "amount") : NULL;
  const char *type = object != NULL ? json_object_get_string_member_with_default (object, "type", "P2P") : "P2P";
  gint64 amount = 0;
  SimPayment *payment;

  if (amount_node != NULL && (!_tb_sim_parse_decimal (amount_node, 2, &amount) || amount <= 0))
    {
      _tb_sim_reply_error (reply, 400, "INVALID_AMOUNT");
      return;
    }

  payment = _tb_sim_pay (self, invoice, amount, g_ascii_strcasecmp (type, "CARD") == 0);
  paid = _tb_sim_format_decimal (invoice->paid, 2);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "payment_id");
  json_builder_add_string_value (builder, payment->payment_id);
  json_builder_set_member_name (builder, "status");
  json_builder_add_string_value (builder, _tb_sim_invoice_state_to_string (invoice->state));
  json_builder_set_member_name (builder, "paid_amount");
  json_builder_add_string_value (builder, paid);
  json_builder_end_object (builder);
  _tb_sim_reply_json (reply, 200, builder);
}

static void
control_stats (TbSimServer *self,
               SimReply    *reply)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "logins");
  json_builder_add_int_value (builder, self->logins);
  json_builder_set_member_name (builder, "refreshes");
  json_builder_add_int_value (builder, self->refreshes);
  json_builder_set_member_name (builder, "requests");
  json_builder_add_int_value (builder, self->requests->len);
  json_builder_end_object (builder);
  _tb_sim_reply_json (reply, 200, builder);
}

static void
route_control (TbSimServer  *self,
               const char   *method,
               const char   *path,
               JsonObject   *object,
               SimReply     *reply)
{
  g_auto(GStrv) parts = g_strsplit (path, "/", -1);   /* "", "sim", … */
  guint n_parts = g_strv_length (parts);
  gboolean post = strcmp (method, "POST") == 0;

  if (n_parts == 3 && strcmp (parts[2], "invoices") == 0 && strcmp (method, "GET") == 0)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "invoices");
      json_builder_begin_array (builder);
      for (guint i = self->invoice_order->len; i > 0; i--)
        add_invoice_json (builder, g_ptr_array_index (self->invoice_order, i - 1));
      json_builder_end_array (builder);
      json_builder_end_object (builder);
      _tb_sim_reply_json (reply, 200, builder);
    }
  else if (n_parts >= 4 && strcmp (parts[2], "invoices") == 0)
    {
      SimInvoice *invoice = g_hash_table_lookup (self->invoices, parts[3]);

      if (invoice == NULL)
        _tb_sim_reply_error (reply, 404, "INVOICE_NOTFOUND");
      else if (n_parts == 4 && strcmp (method, "GET") == 0)
        {
          g_autoptr(JsonBuilder) builder = json_builder_new ();

          add_invoice_json (builder, invoice);
          _tb_sim_reply_json (reply, 200, builder);
        }
      else if (n_parts == 5 && post && strcmp (parts[4], "pay") == 0)
        control_pay (self, invoice, object, reply);
      else if (n_parts == 5 && post && strcmp (parts[4], "expire") == 0)
        {
          tb_sim_server_expire_invoice (self, invoice->invoice_id, NULL);
          reply_ok (reply);
        }
      else if (n_parts == 5 && post && strcmp (parts[4], "cancel") == 0)
        {
          tb_sim_server_cancel_invoice (self, invoice->invoice_id, NULL);
          reply_ok (reply);
        }
      else
        _tb_sim_reply_error (reply, 404, "NOT_FOUND");
    }
  else if (n_parts == 4 && post && strcmp (parts[2], "tokens") == 0 && strcmp (parts[3], "invalidate") == 0)
    {
      tb_sim_server_invalidate_tokens (self);
      reply_ok (reply);
    }
  else if (n_parts == 3 && strcmp (parts[2], "faults") == 0 && post && object != NULL)
    control_faults (self, object, reply);
  else if (n_parts == 3 && strcmp (parts[2], "faults") == 0 && strcmp (method, "DELETE") == 0)
    {
      tb_sim_server_clear_faults (self);
      reply_ok (reply);
    }
  else if (n_parts == 3 && strcmp (parts[2], "config") == 0 && post && object != NULL)
    control_config (self, object, reply);
  else if (n_parts == 3 && strcmp (parts[2], "stats") == 0 && strcmp (method, "GET") == 0)
    control_stats (self, reply);
  else if (n_parts == 3 && strcmp (parts[2], "reset") == 0 && post)
    {
      tb_sim_server_reset (self);
      reply_ok (reply);
    }
  else
    _tb_sim_reply_error (reply, 404, "NOT_FOUND");
}

void
_tb_sim_control_handler (SoupServer        *server,
                         SoupServerMessage *message,
                         const char        *path,
                         GHashTable        *query,
                         gpointer           user_data)
{
  TbSimServer *self = user_data;
  g_autoptr(GBytes) body = soup_message_body_flatten (soup_server_message_get_request_body (message));
  g_autoptr(JsonParser) parser = NULL;
  JsonObject *object = NULL;
  SimReply reply = { 0, };

  if (g_bytes_get_size (body) > 0)
    parser = tb_qpay_parse_json_object (body, &object, NULL);

  if (g_bytes_get_size (body) > 0 && parser == NULL)
    _tb_sim_reply_error (&reply, 400, "OBJECT_DATA_ERROR");
  else
    route_control (self, soup_server_message_get_method (message), path, object, &reply);

  _tb_sim_send_reply (message, &reply);
  _tb_sim_reply_clear (&reply);
}
