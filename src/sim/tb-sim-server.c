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

G_DEFINE_FINAL_TYPE (TbSimServer, tb_sim_server, G_TYPE_OBJECT)

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
  fault = _tb_sim_take_fault (self, path);

  if (fault != NULL && fault->status != 0)
    _tb_sim_fault_reply (fault, &reply);
  else if (strcmp (path, "/v2/auth/token") == 0 && strcmp (method, "POST") == 0)
    _tb_sim_handle_login (self, message, &reply);
  else if (strcmp (path, "/v2/auth/refresh") == 0 && strcmp (method, "POST") == 0)
    _tb_sim_handle_refresh (self, message, &reply);
  else if (!_tb_sim_bearer_ok (self, message))
    _tb_sim_reply_error (&reply, 401, "NO_CREDENDIALS");
  else
    _tb_sim_qpay_handle (self, method, path + strlen ("/v2"), body, &reply);

  if (fault != NULL)
    delay = _tb_sim_fault_apply (fault, &reply, delay);

  _tb_sim_send_reply (message, &reply);
  _tb_sim_reply_clear (&reply);

  if (delay > 0)
    _tb_sim_delay_reply (self, message, delay);
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
  self->faults = g_ptr_array_new_with_free_func ((GDestroyNotify) _tb_sim_fault_free);
  self->pending = g_ptr_array_new_with_free_func ((GDestroyNotify) _tb_sim_pending_free);
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
  soup_server_add_handler (self->server, "/sim", _tb_sim_control_handler, self, NULL);

  /* Loopback only: the simulator must never be reachable from the network. */
  loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  address = g_inet_socket_address_new (loopback, port);
  if (!soup_server_listen (self->server, address, 0, error))
    {
      g_clear_object (&self->server);
      return FALSE;
    }

  /* soup_server_get_uris() leaks in 3.2.3 (HACKING.md, "valgrind"): ask the socket. */
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

  _tb_sim_flush_pending (self);

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
