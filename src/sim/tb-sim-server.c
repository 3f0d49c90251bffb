/* tb-sim-server.c: a QPay merchant API v2 simulator on 127.0.0.1
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "providers/tb-qpay-parse.h"

#include "tb-sim-server-private.h"

#define DEFAULT_TOKEN_LIFETIME 86400
/* A "hang" answers this late, i.e. after every client has given up. */
#define HANG_MS (10 * 60 * 1000)
#define HUGE_BODY_SIZE (2 * 1024 * 1024)
/* QPay's NO_CREDENDIALS message text as observed (qpay-api.md §1). */
#define NO_CREDENTIALS_TEXT "Хандах эрхгүй байна. Нэвтрэнэ үү."

typedef struct
{
  TbSimServer       *self;
  SoupServerMessage *message;
  GSource           *timer;
} Pending;

G_DEFINE_FINAL_TYPE (TbSimServer, tb_sim_server, G_TYPE_OBJECT)

/* Replies */

static void
sim_reply_clear (SimReply *reply)
{
  g_clear_pointer (&reply->content_type, g_free);
  g_clear_pointer (&reply->body, g_bytes_unref);
}

static void
sim_reply_set (SimReply   *reply,
               guint       status,
               const char *content_type,
               GBytes     *body)
{
  sim_reply_clear (reply);
  reply->status = status;
  reply->content_type = g_strdup (content_type);
  reply->body = body;
}

void
_tb_sim_reply_json (SimReply    *reply,
                    guint        status,
                    JsonBuilder *builder)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = json_builder_get_root (builder);
  gsize len = 0;
  char *data;

  json_generator_set_root (generator, root);
  data = json_generator_to_data (generator, &len);
  sim_reply_set (reply, status, "application/json", g_bytes_new_take (data, len));
}

void
_tb_sim_reply_error (SimReply   *reply,
                     guint       status,
                     const char *key)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  /* QPay's body: both fields, usually both the key (qpay-api.md §8). */
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "error");
  json_builder_add_string_value (builder, key);
  json_builder_set_member_name (builder, "message");
  json_builder_add_string_value (builder, strcmp (key, "NO_CREDENDIALS") == 0 ? NO_CREDENTIALS_TEXT : key);
  json_builder_end_object (builder);
  _tb_sim_reply_json (reply, status, builder);
}

void
_tb_sim_reply_empty (SimReply *reply)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_end_object (builder);
  _tb_sim_reply_json (reply, 200, builder);
}

static void
send_reply (SoupServerMessage *message,
            SimReply          *reply)
{
  gsize len = 0;
  const char *data = reply->body != NULL ? g_bytes_get_data (reply->body, &len) : "";

  soup_server_message_set_status (message, reply->status, NULL);
  soup_server_message_set_response (message,
                                    reply->content_type != NULL ? reply->content_type : "application/json",
                                    SOUP_MEMORY_COPY, data, len);
}

/* Faults */

static void
sim_fault_free (SimFault *fault)
{
  g_free (fault->path_prefix);
  g_free (fault);
}

/* Takes one use of the first fault that matches @path (a copy to apply). */
static SimFault *
take_fault (TbSimServer *self,
            const char  *path)
{
  for (guint i = 0; i < self->faults->len; i++)
    {
      SimFault *fault = g_ptr_array_index (self->faults, i);
      SimFault *copy;

      if (fault->path_prefix != NULL && !g_str_has_prefix (path, fault->path_prefix))
        continue;

      copy = g_memdup2 (fault, sizeof *fault);
      copy->path_prefix = NULL;
      if (fault->count > 0 && --fault->count == 0)
        g_ptr_array_remove_index (self->faults, i);
      return copy;
    }

  return NULL;
}

static void
apply_body_fault (SimReply  *reply,
                  TbSimBody  body)
{
  switch (body)
    {
    case TB_SIM_BODY_NORMAL:
      break;

    case TB_SIM_BODY_MALFORMED:
      {
        static const char html[] = "<html><head><title>502 Bad Gateway</title></head>"
                                   "<body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>";

        sim_reply_set (reply, reply->status, "text/html", g_bytes_new_static (html, sizeof html - 1));
      }
      break;

    case TB_SIM_BODY_TRUNCATED:
      {
        gsize len = reply->body != NULL ? g_bytes_get_size (reply->body) : 0;
        GBytes *half = g_bytes_new_from_bytes (reply->body, 0, len / 2);

        g_bytes_unref (reply->body);
        reply->body = half;
      }
      break;

    case TB_SIM_BODY_HUGE:
      {
        GString *text = g_string_sized_new (HUGE_BODY_SIZE + 64);

        g_string_append (text, "{\"invoice_id\":\"huge\",\"padding\":\"");
        while (text->len < HUGE_BODY_SIZE)
          g_string_append (text, "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
        g_string_append (text, "\"}");
        sim_reply_set (reply, reply->status, "application/json", g_string_free_to_bytes (text));
      }
      break;

    case TB_SIM_BODY_EMPTY:
      sim_reply_set (reply, reply->status, "application/json", g_bytes_new_static ("", 0));
      break;

    default:
      g_assert_not_reached ();
    }
}

/* Delayed answers */

static void
pending_free (Pending *pending)
{
  g_signal_handlers_disconnect_by_data (pending->message, pending);
  if (pending->timer != NULL)
    {
      g_source_destroy (pending->timer);
      g_source_unref (pending->timer);
    }
  g_clear_object (&pending->message);
  g_free (pending);
}

static gboolean
pending_cb (gpointer user_data)
{
  Pending *pending = user_data;

  g_clear_pointer (&pending->timer, g_source_unref);
  soup_server_message_unpause (pending->message);
  g_ptr_array_remove (pending->self->pending, pending);

  return G_SOURCE_REMOVE;
}

/* The client gave up (timeout, cancel): nobody is left to answer. */
static void
pending_disconnected_cb (SoupServerMessage *message,
                         Pending           *pending)
{
  g_ptr_array_remove (pending->self->pending, pending);
}

static void
delay_reply (TbSimServer       *self,
             SoupServerMessage *message,
             guint              delay_ms)
{
  Pending *pending = g_new0 (Pending, 1);

  pending->self = self;
  pending->message = g_object_ref (message);
  pending->timer = g_timeout_source_new (delay_ms);
  g_source_set_callback (pending->timer, pending_cb, pending, NULL);
  g_source_attach (pending->timer, g_main_context_get_thread_default ());
  g_ptr_array_add (self->pending, pending);
  g_signal_connect (message, "disconnected", G_CALLBACK (pending_disconnected_cb), pending);

  soup_server_message_pause (message);
}

/* Tokens */

static gint64
now_seconds (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

static char *
random_token (const char *kind)
{
  g_autofree char *uuid1 = g_uuid_string_random ();
  g_autofree char *uuid2 = g_uuid_string_random ();

  return g_strdup_printf ("sim-%s.%s.%s", kind, uuid1, uuid2);
}

static void
issue_tokens (TbSimServer *self)
{
  gint64 now = now_seconds ();

  g_free (self->access_token);
  g_free (self->refresh_token);
  self->access_token = random_token ("access");
  self->refresh_token = random_token ("refresh");
  self->access_expires_at = now + self->token_lifetime;
  self->refresh_expires_at = now + self->token_lifetime;
}

static void
reply_tokens (TbSimServer *self,
              SimReply    *reply)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  gint64 expires = self->expires_as_duration ? self->token_lifetime : self->access_expires_at;
  gint64 refresh_expires = self->expires_as_duration ? self->token_lifetime : self->refresh_expires_at;

  /* QPay's shape: both expiries the same epoch, the hyphenated key, "bearer" lower case. */
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "token_type");
  json_builder_add_string_value (builder, "bearer");
  json_builder_set_member_name (builder, "refresh_expires_in");
  json_builder_add_int_value (builder, refresh_expires);
  json_builder_set_member_name (builder, "refresh_token");
  json_builder_add_string_value (builder, self->refresh_token);
  json_builder_set_member_name (builder, "access_token");
  json_builder_add_string_value (builder, self->access_token);
  json_builder_set_member_name (builder, "expires_in");
  json_builder_add_int_value (builder, expires);
  json_builder_set_member_name (builder, "scope");
  json_builder_add_string_value (builder, "get_token");
  json_builder_set_member_name (builder, "not-before-policy");
  json_builder_add_string_value (builder, "0");
  json_builder_set_member_name (builder, "session_state");
  json_builder_add_string_value (builder, "sandbox");
  json_builder_end_object (builder);
  _tb_sim_reply_json (reply, 200, builder);
}

/* The credential of "Basic xxx" / "Bearer xxx", or NULL. */
static const char *
auth_value (SoupServerMessage *message,
            const char        *scheme)
{
  const char *header = soup_message_headers_get_one (soup_server_message_get_request_headers (message),
                                                     "Authorization");
  gsize len = strlen (scheme);

  if (header == NULL || g_ascii_strncasecmp (header, scheme, len) != 0 || header[len] != ' ')
    return NULL;

  return header + len + 1;
}

static void
handle_login (TbSimServer       *self,
              SoupServerMessage *message,
              SimReply          *reply)
{
  const char *encoded = auth_value (message, "Basic");
  g_autofree guchar *decoded = NULL;
  g_autofree char *expected = NULL;
  gsize len = 0;

  if (encoded != NULL)
    decoded = g_base64_decode (encoded, &len);

  expected = g_strconcat (self->client_id, ":", self->client_secret, NULL);
  if (decoded == NULL || len != strlen (expected) || memcmp (decoded, expected, len) != 0)
    {
      _tb_sim_reply_error (reply, 401, "AUTHENTICATION_FAILED");
      return;
    }

  /* One live token per merchant: this login kills every earlier one. */
  self->logins++;
  issue_tokens (self);
  reply_tokens (self, reply);
}

static void
handle_refresh (TbSimServer       *self,
                SoupServerMessage *message,
                SimReply          *reply)
{
  const char *token = auth_value (message, "Bearer");

  if (token == NULL || self->refresh_token == NULL
      || strcmp (token, self->refresh_token) != 0
      || now_seconds () >= self->refresh_expires_at)
    {
      _tb_sim_reply_error (reply, 401, "NO_CREDENDIALS");
      return;
    }

  self->refreshes++;
  issue_tokens (self);
  reply_tokens (self, reply);
}

static gboolean
bearer_ok (TbSimServer       *self,
           SoupServerMessage *message)
{
  const char *token = auth_value (message, "Bearer");

  return token != NULL && self->access_token != NULL
      && strcmp (token, self->access_token) == 0
      && now_seconds () < self->access_expires_at;
}

/* /v2 */

static void
v2_handler (SoupServer        *server,
            SoupServerMessage *message,
            const char        *path,
            GHashTable        *query,
            gpointer           user_data)
{
  TbSimServer *self = user_data;
  const char *method = soup_server_message_get_method (message);
  g_autoptr(GBytes) body = soup_message_body_flatten (soup_server_message_get_request_body (message));
  g_autofree SimFault *fault = NULL;
  SimReply reply = { 0, };
  guint delay = self->latency_ms;

  g_ptr_array_add (self->requests, g_strdup_printf ("%s %s", method, path));
  fault = take_fault (self, path);

  if (fault != NULL && fault->status != 0)
    {
      if (fault->status == 401)
        _tb_sim_reply_error (&reply, 401, "NO_CREDENDIALS");
      else if (fault->status >= 500)
        {
          static const char html[] = "<html><body><h1>Service Unavailable</h1></body></html>";

          sim_reply_set (&reply, fault->status, "text/html", g_bytes_new_static (html, sizeof html - 1));
        }
      else
        _tb_sim_reply_error (&reply, fault->status, "OBJECT_DATA_ERROR");
    }
  else if (strcmp (path, "/v2/auth/token") == 0 && strcmp (method, "POST") == 0)
    handle_login (self, message, &reply);
  else if (strcmp (path, "/v2/auth/refresh") == 0 && strcmp (method, "POST") == 0)
    handle_refresh (self, message, &reply);
  else if (!bearer_ok (self, message))
    _tb_sim_reply_error (&reply, 401, "NO_CREDENDIALS");
  else
    _tb_sim_qpay_handle (self, method, path + strlen ("/v2"), body, &reply);

  if (fault != NULL)
    {
      apply_body_fault (&reply, fault->body);
      delay += fault->latency_ms;
      if (fault->hang)
        delay = HANG_MS;
    }

  send_reply (message, &reply);
  sim_reply_clear (&reply);

  if (delay > 0)
    delay_reply (self, message, delay);
}

/* /sim control endpoints */

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

static void
sim_handler (SoupServer        *server,
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

  send_reply (message, &reply);
  sim_reply_clear (&reply);
}

/* Object */

static void
tb_sim_server_dispose (GObject *object)
{
  TbSimServer *self = TB_SIM_SERVER (object);

  tb_sim_server_stop (self);
  if (self->callbacks != NULL)
    soup_session_abort (self->callbacks);
  g_clear_object (&self->callbacks);

  G_OBJECT_CLASS (tb_sim_server_parent_class)->dispose (object);
}

static void
tb_sim_server_finalize (GObject *object)
{
  TbSimServer *self = TB_SIM_SERVER (object);

  g_clear_pointer (&self->pending, g_ptr_array_unref);
  g_clear_pointer (&self->faults, g_ptr_array_unref);
  g_clear_pointer (&self->requests, g_ptr_array_unref);
  g_clear_pointer (&self->invoice_order, g_ptr_array_unref);
  g_clear_pointer (&self->payment_order, g_ptr_array_unref);
  g_clear_pointer (&self->payments, g_hash_table_unref);
  g_clear_pointer (&self->invoices, g_hash_table_unref);
  g_free (self->url);
  g_free (self->client_id);
  g_free (self->client_secret);
  g_free (self->access_token);
  g_free (self->refresh_token);

  G_OBJECT_CLASS (tb_sim_server_parent_class)->finalize (object);
}

static void
tb_sim_server_class_init (TbSimServerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tb_sim_server_dispose;
  object_class->finalize = tb_sim_server_finalize;
}

static void
tb_sim_server_init (TbSimServer *self)
{
  self->client_id = g_strdup (TB_SIM_DEMO_CLIENT_ID);
  self->client_secret = g_strdup (TB_SIM_DEMO_CLIENT_SECRET);
  self->token_lifetime = DEFAULT_TOKEN_LIFETIME;
  self->ebarimt_enabled = TRUE;
  self->empty_qr_image_every = 3;
  self->invoices = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) _tb_sim_invoice_free);
  self->invoice_order = g_ptr_array_new ();
  self->payments = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) _tb_sim_payment_free);
  self->payment_order = g_ptr_array_new ();
  self->faults = g_ptr_array_new_with_free_func ((GDestroyNotify) sim_fault_free);
  self->pending = g_ptr_array_new_with_free_func ((GDestroyNotify) pending_free);
  self->requests = g_ptr_array_new_with_free_func (g_free);
  self->callbacks = soup_session_new_with_options ("user-agent", "QPaySim ", "timeout", 5, NULL);
}

TbSimServer *
tb_sim_server_new (void)
{
  return g_object_new (TB_TYPE_SIM_SERVER, NULL);
}

gboolean
tb_sim_server_start (TbSimServer  *self,
                     guint16       port,
                     GError      **error)
{
  g_autoptr(GInetAddress) loopback = NULL;
  g_autoptr(GSocketAddress) address = NULL;
  g_autoptr(GSocketAddress) local = NULL;
  GSList *listeners;

  g_return_val_if_fail (TB_IS_SIM_SERVER (self), FALSE);
  g_return_val_if_fail (self->server == NULL, FALSE);

  self->server = soup_server_new ("server-header", "QPaySim ", NULL);
  soup_server_add_handler (self->server, "/v2", v2_handler, self, NULL);
  soup_server_add_handler (self->server, "/sim", sim_handler, self, NULL);

  /* Loopback only: the simulator must never be reachable from the network. */
  loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  address = g_inet_socket_address_new (loopback, port);
  if (!soup_server_listen (self->server, address, 0, error))
    {
      g_clear_object (&self->server);
      return FALSE;
    }

  /* soup_server_get_uris() leaks in 3.2.3 (BUILD-NOTES.md §7): ask the socket. */
  listeners = soup_server_get_listeners (self->server);
  local = g_socket_get_local_address (listeners->data, error);
  g_slist_free (listeners);
  if (local == NULL)
    {
      soup_server_disconnect (self->server);
      g_clear_object (&self->server);
      return FALSE;
    }

  self->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (local));
  g_free (self->url);
  self->url = g_strdup_printf ("http://127.0.0.1:%u", self->port);

  return TRUE;
}

void
tb_sim_server_stop (TbSimServer *self)
{
  g_return_if_fail (TB_IS_SIM_SERVER (self));

  /* Delayed answers go out now, so no client waits on a dead server. */
  while (self->pending != NULL && self->pending->len > 0)
    {
      Pending *pending = g_ptr_array_steal_index (self->pending, 0);

      soup_server_message_unpause (pending->message);
      pending_free (pending);
    }

  if (self->server != NULL)
    {
      soup_server_disconnect (self->server);
      g_clear_object (&self->server);
    }
}

guint16
tb_sim_server_get_port (TbSimServer *self)
{
  g_return_val_if_fail (TB_IS_SIM_SERVER (self), 0);

  return self->port;
}

const char *
tb_sim_server_get_url (TbSimServer *self)
{
  g_return_val_if_fail (TB_IS_SIM_SERVER (self), NULL);

  return self->url;
}

TbQpayConfig *
tb_sim_server_new_config (TbSimServer *self)
{
  TbQpayConfig *config;

  g_return_val_if_fail (TB_IS_SIM_SERVER (self), NULL);

  config = tb_qpay_config_new ();
  config->environment = TB_QPAY_ENV_SIMULATOR;
  config->base_url = g_strdup (self->url);
  config->client_id = g_strdup (self->client_id);
  config->client_secret = g_strdup (self->client_secret);
  config->invoice_code = g_strdup (TB_SIM_DEMO_INVOICE_CODE);
  config->branch_code = g_strdup ("DEMO");

  return config;
}

void
tb_sim_invoice_info_free (TbSimInvoiceInfo *info)
{
  if (info == NULL)
    return;

  g_free (info->invoice_id);
  g_free (info->sender_invoice_no);
  g_free (info->invoice_code);
  g_free (info->status);
  g_free (info);
}

static TbSimInvoiceInfo *
invoice_info (SimInvoice *invoice)
{
  TbSimInvoiceInfo *info = g_new0 (TbSimInvoiceInfo, 1);

  info->invoice_id = g_strdup (invoice->invoice_id);
  info->sender_invoice_no = g_strdup (invoice->sender_invoice_no);
  info->invoice_code = g_strdup (invoice->invoice_code);
  info->status = g_strdup (_tb_sim_invoice_state_to_string (invoice->state));
  info->amount = invoice->amount;
  info->paid = invoice->paid;

  return info;
}

static SimInvoice *
lookup_invoice (TbSimServer  *self,
                const char   *invoice_id,
                GError      **error)
{
  SimInvoice *invoice = invoice_id != NULL ? g_hash_table_lookup (self->invoices, invoice_id) : NULL;

  if (invoice == NULL)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "No invoice %s", invoice_id);

  return invoice;
}

char *
tb_sim_server_pay_invoice (TbSimServer  *self,
                           const char   *invoice_id,
                           gint64        amount,
                           gboolean      card,
                           GError      **error)
{
  SimInvoice *invoice;

  g_return_val_if_fail (TB_IS_SIM_SERVER (self), NULL);
  g_return_val_if_fail (amount >= 0, NULL);

  invoice = lookup_invoice (self, invoice_id, error);
  if (invoice == NULL)
    return NULL;

  return g_strdup (_tb_sim_pay (self, invoice, amount, card)->payment_id);
}

gboolean
tb_sim_server_expire_invoice (TbSimServer  *self,
                              const char   *invoice_id,
                              GError      **error)
{
  SimInvoice *invoice;

  g_return_val_if_fail (TB_IS_SIM_SERVER (self), FALSE);

  invoice = lookup_invoice (self, invoice_id, error);
  if (invoice == NULL)
    return FALSE;

  if (invoice->state == SIM_INVOICE_OPEN)
    invoice->state = SIM_INVOICE_EXPIRED;
  return TRUE;
}

gboolean
tb_sim_server_cancel_invoice (TbSimServer  *self,
                              const char   *invoice_id,
                              GError      **error)
{
  SimInvoice *invoice;

  g_return_val_if_fail (TB_IS_SIM_SERVER (self), FALSE);

  invoice = lookup_invoice (self, invoice_id, error);
  if (invoice == NULL)
    return FALSE;

  if (invoice->state == SIM_INVOICE_OPEN || invoice->state == SIM_INVOICE_EXPIRED)
    invoice->state = SIM_INVOICE_CANCELLED;
  return TRUE;
}

TbSimInvoiceInfo *
tb_sim_server_get_invoice (TbSimServer *self,
                           const char  *invoice_id)
{
  SimInvoice *invoice;

  g_return_val_if_fail (TB_IS_SIM_SERVER (self), NULL);

  invoice = lookup_invoice (self, invoice_id, NULL);
  return invoice != NULL ? invoice_info (invoice) : NULL;
}

GPtrArray *
tb_sim_server_list_invoices (TbSimServer *self)
{
  GPtrArray *list;

  g_return_val_if_fail (TB_IS_SIM_SERVER (self), NULL);

  list = g_ptr_array_new_with_free_func ((GDestroyNotify) tb_sim_invoice_info_free);
  for (guint i = self->invoice_order->len; i > 0; i--)
    g_ptr_array_add (list, invoice_info (g_ptr_array_index (self->invoice_order, i - 1)));

  return list;
}

void
tb_sim_server_invalidate_tokens (TbSimServer *self)
{
  g_return_if_fail (TB_IS_SIM_SERVER (self));

  /* As if another desk had logged in with the same account: the tokens handed out so far
   * (access and refresh) stop working, and nobody is told. */
  if (self->access_token != NULL)
    issue_tokens (self);
}

void
tb_sim_server_set_token_lifetime (TbSimServer *self,
                                  gint64       seconds,
                                  gboolean     as_duration)
{
  g_return_if_fail (TB_IS_SIM_SERVER (self));
  g_return_if_fail (seconds > 0);

  self->token_lifetime = seconds;
  self->expires_as_duration = as_duration;
}

void
tb_sim_server_set_credentials (TbSimServer *self,
                               const char  *client_id,
                               const char  *client_secret)
{
  g_return_if_fail (TB_IS_SIM_SERVER (self));
  g_return_if_fail (client_id != NULL && client_secret != NULL);

  g_free (self->client_id);
  g_free (self->client_secret);
  self->client_id = g_strdup (client_id);
  self->client_secret = g_strdup (client_secret);
}

void
tb_sim_server_set_ebarimt_enabled (TbSimServer *self,
                                   gboolean     enabled)
{
  g_return_if_fail (TB_IS_SIM_SERVER (self));

  self->ebarimt_enabled = enabled;
}

void
tb_sim_server_set_empty_qr_image (TbSimServer *self,
                                  guint        every)
{
  g_return_if_fail (TB_IS_SIM_SERVER (self));

  self->empty_qr_image_every = every;
}

void
tb_sim_server_set_latency (TbSimServer *self,
                           guint        latency_ms)
{
  g_return_if_fail (TB_IS_SIM_SERVER (self));

  self->latency_ms = latency_ms;
}

void
tb_sim_server_add_fault (TbSimServer      *self,
                         const TbSimFault *fault)
{
  SimFault *copy;

  g_return_if_fail (TB_IS_SIM_SERVER (self));
  g_return_if_fail (fault != NULL);

  copy = g_new0 (SimFault, 1);
  copy->path_prefix = g_strdup (fault->path_prefix);
  copy->status = fault->status;
  copy->body = fault->body;
  copy->latency_ms = fault->latency_ms;
  copy->hang = fault->hang;
  copy->count = fault->count == 0 ? 1 : fault->count;
  g_ptr_array_add (self->faults, copy);
}

void
tb_sim_server_clear_faults (TbSimServer *self)
{
  g_return_if_fail (TB_IS_SIM_SERVER (self));

  g_ptr_array_set_size (self->faults, 0);
}

guint
tb_sim_server_get_login_count (TbSimServer *self)
{
  g_return_val_if_fail (TB_IS_SIM_SERVER (self), 0);

  return self->logins;
}

guint
tb_sim_server_get_refresh_count (TbSimServer *self)
{
  g_return_val_if_fail (TB_IS_SIM_SERVER (self), 0);

  return self->refreshes;
}

guint
tb_sim_server_count_requests (TbSimServer *self,
                              const char  *prefix)
{
  guint count = 0;

  g_return_val_if_fail (TB_IS_SIM_SERVER (self), 0);

  for (guint i = 0; i < self->requests->len; i++)
    if (prefix == NULL || g_str_has_prefix (g_ptr_array_index (self->requests, i), prefix))
      count++;

  return count;
}

void
tb_sim_server_reset (TbSimServer *self)
{
  g_return_if_fail (TB_IS_SIM_SERVER (self));

  g_ptr_array_set_size (self->faults, 0);
  g_ptr_array_set_size (self->requests, 0);
  g_ptr_array_set_size (self->invoice_order, 0);
  g_ptr_array_set_size (self->payment_order, 0);
  g_hash_table_remove_all (self->payments);
  g_hash_table_remove_all (self->invoices);
  self->logins = 0;
  self->refreshes = 0;
  self->latency_ms = 0;
}
