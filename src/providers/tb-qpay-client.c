/* tb-qpay-client.c: the QPay merchant API v2 client
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>

#include "tb-qpay-client.h"
#include "tb-qpay-http-private.h"
#include "tb-qpay-parse.h"

typedef gpointer (*ParseFunc) (GBytes  *body,
                               GError **error);

struct _TbQpayClient
{
  GObject       parent_instance;

  TbQpayConfig *config;
  char         *base_url;
  SoupSession  *session;
  TbQpayToken  *token;
  guint         timeout_ms;
  guint         max_attempts;
  guint         backoff_ms;
  guint         backoff_max_ms;
};

G_DEFINE_FINAL_TYPE (TbQpayClient, tb_qpay_client, G_TYPE_OBJECT)

/* One business call through its token, sends and retries. */
typedef struct
{
  const char     *method;
  char           *path;           /* "/v2/…" */
  GBytes         *body;           /* NULL: none */
  gboolean        retry_reads;    /* idempotent read: retry transport errors and 5xx */
  ParseFunc       parse;          /* NULL: success is TRUE */
  GDestroyNotify  result_free;
  guint           attempt;        /* sends so far */
  gboolean        reauthenticated;
  char           *token;
  GSource        *backoff;
  GSource        *backoff_cancel;
} Call;

/* What each public call sends and how its answer is read. Its address is the call's GTask
 * source tag, so a _finish() also checks that the result is one of its own. */
typedef struct
{
  const char     *name;           /* the task's name, for debugging */
  const char     *method;
  gboolean        retry_reads;    /* idempotent read: retry transport errors and 5xx */
  ParseFunc       parse;          /* NULL: success is TRUE */
  GDestroyNotify  result_free;
} Endpoint;

static const Endpoint create_invoice = {
  "tb_qpay_client_create_invoice_async", "POST", FALSE,
  (ParseFunc) tb_qpay_parse_invoice, (GDestroyNotify) tb_qpay_invoice_free
};
static const Endpoint get_invoice = {
  "tb_qpay_client_get_invoice_async", "GET", TRUE,
  (ParseFunc) tb_qpay_parse_invoice_info, (GDestroyNotify) tb_qpay_invoice_info_free
};
static gpointer parse_cancel (GBytes *body, GError **error);
/* Only a readable success confirms a cancel: see parse_cancel(). */
static const Endpoint cancel_invoice = {
  "tb_qpay_client_cancel_invoice_async", "DELETE", FALSE,
  parse_cancel, NULL
};
/* A POST, but a read: safe to repeat. */
static const Endpoint check_payment = {
  "tb_qpay_client_check_payment_async", "POST", TRUE,
  (ParseFunc) tb_qpay_parse_check, (GDestroyNotify) tb_qpay_check_result_free
};
static const Endpoint get_payment = {
  "tb_qpay_client_get_payment_async", "GET", TRUE,
  (ParseFunc) tb_qpay_parse_payment, (GDestroyNotify) tb_qpay_payment_free
};
static const Endpoint list_payments = {
  "tb_qpay_client_list_payments_async", "POST", TRUE,
  (ParseFunc) tb_qpay_parse_payment_list, (GDestroyNotify) tb_qpay_payment_list_free
};
/* DELETEs with a JSON body, as QPay wants them. */
static const Endpoint cancel_payment = {
  "tb_qpay_client_cancel_payment_async", "DELETE", FALSE,
  NULL, NULL
};
static const Endpoint refund_payment = {
  "tb_qpay_client_refund_payment_async", "DELETE", FALSE,
  NULL, NULL
};
static const Endpoint create_ebarimt = {
  "tb_qpay_client_create_ebarimt_async", "POST", FALSE,
  (ParseFunc) tb_qpay_parse_ebarimt, (GDestroyNotify) tb_qpay_ebarimt_free
};
static const Endpoint cancel_ebarimt = {
  "tb_qpay_client_cancel_ebarimt_async", "DELETE", FALSE,
  (ParseFunc) tb_qpay_parse_ebarimt, (GDestroyNotify) tb_qpay_ebarimt_free
};
static const Endpoint get_ebarimt = {
  "tb_qpay_client_get_ebarimt_async", "GET", TRUE,
  (ParseFunc) tb_qpay_parse_ebarimt, (GDestroyNotify) tb_qpay_ebarimt_free
};

static void call_get_token (GTask *task);
static void call_send      (GTask *task);

static void
clear_backoff (Call *call)
{
  if (call->backoff != NULL)
    {
      g_source_destroy (call->backoff);
      g_clear_pointer (&call->backoff, g_source_unref);
    }
  if (call->backoff_cancel != NULL)
    {
      g_source_destroy (call->backoff_cancel);
      g_clear_pointer (&call->backoff_cancel, g_source_unref);
    }
}

static void
call_free (Call *call)
{
  clear_backoff (call);
  g_free (call->path);
  g_clear_pointer (&call->body, g_bytes_unref);
  if (call->token != NULL)
    memset (call->token, 0, strlen (call->token));
  g_free (call->token);
  g_free (call);
}

gboolean
tb_qpay_url_is_allowed (const char *url)
{
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GInetAddress) address = NULL;
  const char *scheme;
  const char *host;

  if (url == NULL)
    return FALSE;

  uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL)
    return FALSE;

  scheme = g_uri_get_scheme (uri);
  host = g_uri_get_host (uri);
  if (host == NULL || host[0] == '\0')
    return FALSE;

  if (g_ascii_strcasecmp (scheme, "https") == 0)
    return TRUE;
  if (g_ascii_strcasecmp (scheme, "http") != 0)
    return FALSE;

  if (g_ascii_strcasecmp (host, "localhost") == 0)
    return TRUE;

  address = g_inet_address_new_from_string (host);
  return address != NULL && g_inet_address_get_is_loopback (address);
}

/* The host root without a trailing "/" or "/v2" (people paste either). */
static char *
normalize_base_url (const char  *url,
                    GError     **error)
{
  g_autoptr(GUri) uri = NULL;
  g_autofree char *path = NULL;
  gsize len;

  if (url == NULL || url[0] == '\0')
    {
      g_set_error_literal (error, TB_QPAY_ERROR, TB_QPAY_ERROR_CONFIG,
                           _("The QPay address is not set. Choose the environment in Preferences."));
      return NULL;
    }

  uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL || g_uri_get_query (uri) != NULL || g_uri_get_fragment (uri) != NULL
      || g_uri_get_userinfo (uri) != NULL)
    {
      g_set_error_literal (error, TB_QPAY_ERROR, TB_QPAY_ERROR_CONFIG,
                           _("The QPay address is invalid. Check it in Preferences."));
      return NULL;
    }

  if (!tb_qpay_url_is_allowed (url))
    {
      g_set_error_literal (error, TB_QPAY_ERROR, TB_QPAY_ERROR_CONFIG,
                           _("The QPay address must start with https:// so that payments travel encrypted."));
      return NULL;
    }

  path = g_strdup (g_uri_get_path (uri));
  len = strlen (path);
  while (len > 0 && path[len - 1] == '/')
    path[--len] = '\0';
  if (len >= 3 && strcmp (path + len - 3, "/v2") == 0)
    path[len - 3] = '\0';

  return g_uri_join (G_URI_FLAGS_NONE,
                     g_uri_get_scheme (uri),
                     NULL,
                     g_uri_get_host (uri),
                     g_uri_get_port (uri),
                     path,
                     NULL,
                     NULL);
}

static void
backoff_done (GTask *task)
{
  Call *call = g_task_get_task_data (task);

  clear_backoff (call);
  if (g_task_return_error_if_cancelled (task))
    return;
  call_send (task);
}

static gboolean
backoff_cb (gpointer user_data)
{
  g_autoptr(GTask) task = g_object_ref (user_data);

  backoff_done (task);
  return G_SOURCE_REMOVE;
}

static gboolean
backoff_cancelled_cb (GCancellable *cancellable,
                      gpointer      user_data)
{
  g_autoptr(GTask) task = g_object_ref (user_data);

  backoff_done (task);
  return G_SOURCE_REMOVE;
}

/* TRUE when the read will be tried again (after a pause); the task stays pending. */
static gboolean
maybe_retry (GTask *task)
{
  TbQpayClient *self = g_task_get_source_object (task);
  Call *call = g_task_get_task_data (task);
  guint delay;

  if (!call->retry_reads || call->attempt >= self->max_attempts)
    return FALSE;

  delay = self->backoff_ms;
  for (guint i = 1; i < call->attempt && delay < self->backoff_max_ms; i++)
    delay *= 2;
  delay = MIN (delay, self->backoff_max_ms);

  g_debug ("%s %s: retrying in %u ms (attempt %u of %u)",
           call->method, call->path, delay, call->attempt + 1, self->max_attempts);

  /* The sources hold the task; clear_backoff drops them. */
  call->backoff = g_timeout_source_new (delay);
  g_source_set_callback (call->backoff, backoff_cb, g_object_ref (task), g_object_unref);
  g_source_set_static_name (call->backoff, "[tulbur] qpay backoff");
  g_source_attach (call->backoff, g_main_context_get_thread_default ());

  if (g_task_get_cancellable (task) != NULL)
    {
      call->backoff_cancel = g_cancellable_source_new (g_task_get_cancellable (task));
      g_source_set_callback (call->backoff_cancel, G_SOURCE_FUNC (backoff_cancelled_cb),
                             g_object_ref (task), g_object_unref);
      g_source_attach (call->backoff_cancel, g_main_context_get_thread_default ());
    }

  return TRUE;
}

static void
call_sent_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TbQpayClient *self = g_task_get_source_object (task);
  Call *call = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  guint status = 0;

  body = _tb_qpay_http_send_finish (result, &status, &error);
  if (body == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
          && (g_error_matches (error, TB_QPAY_ERROR, TB_QPAY_ERROR_NETWORK)
              || g_error_matches (error, TB_QPAY_ERROR, TB_QPAY_ERROR_TIMEOUT))
          && maybe_retry (task))
        return;

      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (status >= 200 && status < 300)
    {
      gpointer parsed;

      if (call->parse == NULL)
        {
          g_task_return_boolean (task, TRUE);
          return;
        }

      parsed = call->parse (body, &error);
      if (parsed == NULL)
        {
          g_debug ("%s %s: unreadable reply: %s", call->method, call->path, error->message);
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }

      g_task_return_pointer (task, parsed, call->result_free);
      return;
    }

  if (status == 401 && !call->reauthenticated)
    {
      /* Another desk logged in with the same account, or the token expired early: log in
       * again with Basic auth and send once more. A second 401 is final. */
      g_debug ("%s %s: 401, logging in again", call->method, call->path);
      call->reauthenticated = TRUE;
      tb_qpay_token_discard (self->token, call->token);
      call_get_token (task);
      return;
    }

  if (status >= 500 && maybe_retry (task))
    return;

  {
    g_autofree char *key = tb_qpay_parse_error_key (body);

    if (status >= 300 && status < 400)
      g_task_return_new_error (task, TB_QPAY_ERROR, TB_QPAY_ERROR_BAD_RESPONSE, "%s",
                               _("QPay sent a reply Tulbur could not read. Try again; if it keeps happening, contact support."));
    else
      g_task_return_error (task, tb_qpay_error_new_from_response (status, key));
  }
}

static void
call_send (GTask *task)
{
  TbQpayClient *self = g_task_get_source_object (task);
  Call *call = g_task_get_task_data (task);
  g_autoptr(SoupMessage) message = NULL;
  g_autofree char *url = g_strconcat (self->base_url, call->path, NULL);
  SoupMessageHeaders *headers;

  message = soup_message_new (call->method, url);
  if (message == NULL)
    {
      g_task_return_new_error (task, TB_QPAY_ERROR, TB_QPAY_ERROR_CONFIG, "%s",
                               _("The QPay address is invalid. Check it in Preferences."));
      return;
    }

  headers = soup_message_get_request_headers (message);
  _tb_qpay_http_set_bearer (message, call->token);
  soup_message_headers_replace (headers, "Accept", "application/json");
  if (call->body != NULL)
    soup_message_set_request_body_from_bytes (message, "application/json", call->body);

  call->attempt++;
  _tb_qpay_http_send_async (self->session, message, self->timeout_ms,
                            g_task_get_cancellable (task), call_sent_cb, g_object_ref (task));
}

static void
call_token_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Call *call = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  char *token;

  token = tb_qpay_token_get_finish (TB_QPAY_TOKEN (object), result, &error);
  if (token == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_free (call->token);
  call->token = token;
  call_send (task);
}

static void
call_get_token (GTask *task)
{
  TbQpayClient *self = g_task_get_source_object (task);

  tb_qpay_token_get_async (self->token, g_task_get_cancellable (task), call_token_cb, g_object_ref (task));
}

/* Starts a call of @endpoint; takes @path and @body. A NULL @body with @body_error set fails
 * the task at once (the callback still runs from the main loop). */
static void
call_start (TbQpayClient        *self,
            const Endpoint      *endpoint,
            char                *path,
            GBytes              *body,
            GError              *body_error,
            GCancellable        *cancellable,
            GAsyncReadyCallback  callback,
            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Call *call;

  task = g_task_new (self, cancellable, callback, user_data);
  /* Not the macro: its name would be the stringified argument. */
  (g_task_set_source_tag) (task, (gpointer) endpoint);
  g_task_set_name (task, endpoint->name);

  call = g_new0 (Call, 1);
  call->method = endpoint->method;
  call->path = path;
  call->body = body;
  call->retry_reads = endpoint->retry_reads;
  call->parse = endpoint->parse;
  call->result_free = endpoint->result_free;
  g_task_set_task_data (task, call, (GDestroyNotify) call_free);

  if (body_error != NULL)
    {
      g_task_return_error (task, body_error);
      return;
    }

  call_get_token (task);
}

static GError *
invalid_id_error (void)
{
  return tb_qpay_error_new_literal (TB_QPAY_ERROR_INVALID_REQUEST,
                                    _("The QPay invoice or payment number is invalid."));
}

/* "/v2/<prefix><id>", or NULL with *error set when @id cannot go into a path. */
static char *
path_with_id (const char  *prefix,
              const char  *id,
              GError     **error)
{
  if (!tb_qpay_id_is_valid (id))
    {
      *error = invalid_id_error ();
      return NULL;
    }
  return g_strconcat ("/v2/", prefix, id, NULL);
}

static gpointer
call_finish_pointer (TbQpayClient    *self,
                     GAsyncResult    *result,
                     const Endpoint  *endpoint,
                     GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == endpoint, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static gboolean
call_finish_boolean (TbQpayClient    *self,
                     GAsyncResult    *result,
                     const Endpoint  *endpoint,
                     GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == endpoint, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Public calls */

void
tb_qpay_client_create_invoice_async (TbQpayClient               *self,
                                     const TbQpayInvoiceRequest *request,
                                     GCancellable               *cancellable,
                                     GAsyncReadyCallback         callback,
                                     gpointer                    user_data)
{
  GError *error = NULL;
  GBytes *body;

  g_return_if_fail (TB_IS_QPAY_CLIENT (self));
  g_return_if_fail (request != NULL);

  body = tb_qpay_build_invoice_body (self->config, request, &error);
  call_start (self, &create_invoice, g_strdup ("/v2/invoice"), body, error,
              cancellable, callback, user_data);
}

TbQpayInvoice *
tb_qpay_client_create_invoice_finish (TbQpayClient  *self,
                                      GAsyncResult  *result,
                                      GError       **error)
{
  return call_finish_pointer (self, result, &create_invoice, error);
}

void
tb_qpay_client_get_invoice_async (TbQpayClient        *self,
                                  const char          *invoice_id,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  GError *error = NULL;
  char *path;

  g_return_if_fail (TB_IS_QPAY_CLIENT (self));

  path = path_with_id ("invoice/", invoice_id, &error);
  call_start (self, &get_invoice, path, NULL, error, cancellable, callback, user_data);
}

TbQpayInvoiceInfo *
tb_qpay_client_get_invoice_finish (TbQpayClient  *self,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  return call_finish_pointer (self, result, &get_invoice, error);
}

void
tb_qpay_client_cancel_invoice_async (TbQpayClient        *self,
                                     const char          *invoice_id,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  GError *error = NULL;
  char *path;

  g_return_if_fail (TB_IS_QPAY_CLIENT (self));

  path = path_with_id ("invoice/", invoice_id, &error);
  call_start (self, &cancel_invoice, path, NULL, error, cancellable, callback, user_data);
}

/* Only a readable success confirms a cancel (QPay answers `{}`): a login page, malformed or
 * wrong-type JSON behind a 200 is an unknown outcome, reported as BAD_RESPONSE. */
static gpointer
parse_cancel (GBytes  *body,
              GError **error)
{
  g_autoptr(JsonParser) parser = NULL;
  JsonObject *object;

  parser = tb_qpay_parse_json_object (body, &object, error);
  if (parser == NULL)
    return NULL;
  if (json_object_has_member (object, "error"))
    {
      g_set_error_literal (error, TB_QPAY_ERROR, TB_QPAY_ERROR_BAD_RESPONSE,
                           _("QPay sent a reply Tulbur could not read. Try again; if it keeps happening, contact support."));
      return NULL;
    }
  return GINT_TO_POINTER (1);
}

gboolean
tb_qpay_client_cancel_invoice_finish (TbQpayClient  *self,
                                      GAsyncResult  *result,
                                      GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == &cancel_invoice, FALSE);

  /* parse_cancel returns a non-NULL marker. */
  return g_task_propagate_pointer (G_TASK (result), error) != NULL;
}

void
tb_qpay_client_check_payment_async (TbQpayClient        *self,
                                    TbQpayObjectType     object_type,
                                    const char          *object_id,
                                    guint                page_number,
                                    guint                page_limit,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  GError *error = NULL;
  GBytes *body;

  g_return_if_fail (TB_IS_QPAY_CLIENT (self));

  body = tb_qpay_build_check_body (object_type, object_id, page_number, page_limit, &error);
  call_start (self, &check_payment, g_strdup ("/v2/payment/check"), body, error,
              cancellable, callback, user_data);
}

TbQpayCheckResult *
tb_qpay_client_check_payment_finish (TbQpayClient  *self,
                                     GAsyncResult  *result,
                                     GError       **error)
{
  return call_finish_pointer (self, result, &check_payment, error);
}

void
tb_qpay_client_get_payment_async (TbQpayClient        *self,
                                  const char          *payment_id,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  GError *error = NULL;
  char *path;

  g_return_if_fail (TB_IS_QPAY_CLIENT (self));

  path = path_with_id ("payment/", payment_id, &error);
  call_start (self, &get_payment, path, NULL, error, cancellable, callback, user_data);
}

TbQpayPayment *
tb_qpay_client_get_payment_finish (TbQpayClient  *self,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  return call_finish_pointer (self, result, &get_payment, error);
}

void
tb_qpay_client_list_payments_async (TbQpayClient        *self,
                                    TbQpayObjectType     object_type,
                                    const char          *object_id,
                                    GDateTime           *start,
                                    GDateTime           *end,
                                    guint                page_number,
                                    guint                page_limit,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  GError *error = NULL;
  GBytes *body;

  g_return_if_fail (TB_IS_QPAY_CLIENT (self));

  if (object_id == NULL && object_type == TB_QPAY_OBJECT_INVOICE)
    object_id = self->config->invoice_code;

  body = tb_qpay_build_payment_list_body (object_type, object_id, start, end,
                                          page_number, page_limit, &error);
  call_start (self, &list_payments, g_strdup ("/v2/payment/list"), body, error,
              cancellable, callback, user_data);
}

TbQpayPaymentList *
tb_qpay_client_list_payments_finish (TbQpayClient  *self,
                                     GAsyncResult  *result,
                                     GError       **error)
{
  return call_finish_pointer (self, result, &list_payments, error);
}

static void
payment_reversal_async (TbQpayClient        *self,
                        const Endpoint      *endpoint,
                        const char          *what,
                        const char          *payment_id,
                        const char          *note,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  GError *error = NULL;
  GBytes *body = NULL;
  char *path;

  path = path_with_id (what, payment_id, &error);
  if (path != NULL)
    body = tb_qpay_build_payment_cancel_body (self->config->callback_url, note, &error);

  call_start (self, endpoint, path, body, error, cancellable, callback, user_data);
}

void
tb_qpay_client_cancel_payment_async (TbQpayClient        *self,
                                     const char          *payment_id,
                                     const char          *note,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_return_if_fail (TB_IS_QPAY_CLIENT (self));

  payment_reversal_async (self, &cancel_payment, "payment/cancel/",
                          payment_id, note, cancellable, callback, user_data);
}

gboolean
tb_qpay_client_cancel_payment_finish (TbQpayClient  *self,
                                      GAsyncResult  *result,
                                      GError       **error)
{
  return call_finish_boolean (self, result, &cancel_payment, error);
}

void
tb_qpay_client_refund_payment_async (TbQpayClient        *self,
                                     const char          *payment_id,
                                     const char          *note,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_return_if_fail (TB_IS_QPAY_CLIENT (self));

  payment_reversal_async (self, &refund_payment, "payment/refund/",
                          payment_id, note, cancellable, callback, user_data);
}

gboolean
tb_qpay_client_refund_payment_finish (TbQpayClient  *self,
                                      GAsyncResult  *result,
                                      GError       **error)
{
  return call_finish_boolean (self, result, &refund_payment, error);
}

void
tb_qpay_client_create_ebarimt_async (TbQpayClient               *self,
                                     const TbQpayEbarimtRequest *request,
                                     GCancellable               *cancellable,
                                     GAsyncReadyCallback         callback,
                                     gpointer                    user_data)
{
  GError *error = NULL;
  GBytes *body;

  g_return_if_fail (TB_IS_QPAY_CLIENT (self));
  g_return_if_fail (request != NULL);

  body = tb_qpay_build_ebarimt_body (request, &error);
  call_start (self, &create_ebarimt, g_strdup ("/v2/ebarimt_v3/create"), body, error,
              cancellable, callback, user_data);
}

TbQpayEbarimt *
tb_qpay_client_create_ebarimt_finish (TbQpayClient  *self,
                                      GAsyncResult  *result,
                                      GError       **error)
{
  return call_finish_pointer (self, result, &create_ebarimt, error);
}

void
tb_qpay_client_cancel_ebarimt_async (TbQpayClient        *self,
                                     const char          *payment_id,
                                     const char          *note,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  GError *error = NULL;
  GBytes *body = NULL;
  char *path;

  g_return_if_fail (TB_IS_QPAY_CLIENT (self));

  path = path_with_id ("ebarimt_v3/", payment_id, &error);
  if (path != NULL)
    body = tb_qpay_build_ebarimt_cancel_body (note);
  call_start (self, &cancel_ebarimt, path, body, error, cancellable, callback, user_data);
}

TbQpayEbarimt *
tb_qpay_client_cancel_ebarimt_finish (TbQpayClient  *self,
                                      GAsyncResult  *result,
                                      GError       **error)
{
  return call_finish_pointer (self, result, &cancel_ebarimt, error);
}

void
tb_qpay_client_get_ebarimt_async (TbQpayClient        *self,
                                  const char          *payment_id,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  GError *error = NULL;
  char *path;

  g_return_if_fail (TB_IS_QPAY_CLIENT (self));

  path = path_with_id ("ebarimt_v3/", payment_id, &error);
  call_start (self, &get_ebarimt, path, NULL, error, cancellable, callback, user_data);
}

TbQpayEbarimt *
tb_qpay_client_get_ebarimt_finish (TbQpayClient  *self,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  return call_finish_pointer (self, result, &get_ebarimt, error);
}

/* Object */

const TbQpayConfig *
tb_qpay_client_get_config (TbQpayClient *self)
{
  g_return_val_if_fail (TB_IS_QPAY_CLIENT (self), NULL);

  return self->config;
}

const char *
tb_qpay_client_get_base_url (TbQpayClient *self)
{
  g_return_val_if_fail (TB_IS_QPAY_CLIENT (self), NULL);

  return self->base_url;
}

TbQpayToken *
tb_qpay_client_get_token (TbQpayClient *self)
{
  g_return_val_if_fail (TB_IS_QPAY_CLIENT (self), NULL);

  return self->token;
}

void
tb_qpay_client_set_timeout (TbQpayClient *self,
                            guint         timeout_ms)
{
  g_return_if_fail (TB_IS_QPAY_CLIENT (self));

  self->timeout_ms = timeout_ms > 0 ? timeout_ms : TB_QPAY_CLIENT_DEFAULT_TIMEOUT_MS;
  tb_qpay_token_set_timeout (self->token, self->timeout_ms);
}

void
tb_qpay_client_set_retry (TbQpayClient *self,
                          guint         max_attempts,
                          guint         initial_delay_ms,
                          guint         max_delay_ms)
{
  g_return_if_fail (TB_IS_QPAY_CLIENT (self));

  self->max_attempts = MAX (max_attempts, 1);
  self->backoff_ms = MAX (initial_delay_ms, 1);
  self->backoff_max_ms = MAX (max_delay_ms, self->backoff_ms);
}

static void
tb_qpay_client_dispose (GObject *object)
{
  TbQpayClient *self = TB_QPAY_CLIENT (object);

  if (self->session != NULL)
    soup_session_abort (self->session);
  g_clear_object (&self->token);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (tb_qpay_client_parent_class)->dispose (object);
}

static void
tb_qpay_client_finalize (GObject *object)
{
  TbQpayClient *self = TB_QPAY_CLIENT (object);

  g_clear_pointer (&self->config, tb_qpay_config_free);
  g_free (self->base_url);

  G_OBJECT_CLASS (tb_qpay_client_parent_class)->finalize (object);
}

static void
tb_qpay_client_class_init (TbQpayClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tb_qpay_client_dispose;
  object_class->finalize = tb_qpay_client_finalize;
}

static void
tb_qpay_client_init (TbQpayClient *self)
{
  self->timeout_ms = TB_QPAY_CLIENT_DEFAULT_TIMEOUT_MS;
  self->max_attempts = TB_QPAY_CLIENT_DEFAULT_ATTEMPTS;
  self->backoff_ms = TB_QPAY_CLIENT_DEFAULT_BACKOFF_MS;
  self->backoff_max_ms = TB_QPAY_CLIENT_DEFAULT_BACKOFF_MAX_MS;
}

TbQpayClient *
tb_qpay_client_new (const TbQpayConfig  *config,
                    TbQpayTokenStore    *store,
                    GError             **error)
{
  g_autoptr(TbQpayClient) self = NULL;
  g_autofree char *base_url = NULL;
  const char *url;

  g_return_val_if_fail (config != NULL, NULL);
  g_return_val_if_fail (store == NULL || TB_IS_QPAY_TOKEN_STORE (store), NULL);

  url = config->base_url != NULL ? config->base_url : tb_qpay_environment_default_url (config->environment);
  base_url = normalize_base_url (url, error);
  if (base_url == NULL)
    return NULL;

  if (config->client_id == NULL || config->client_id[0] == '\0'
      || config->client_secret == NULL || config->client_secret[0] == '\0')
    {
      g_set_error_literal (error, TB_QPAY_ERROR, TB_QPAY_ERROR_CONFIG,
                           _("The QPay client ID and secret are not set. Enter them in Preferences."));
      return NULL;
    }

  self = g_object_new (TB_TYPE_QPAY_CLIENT, NULL);
  self->config = tb_qpay_config_copy (config);
  self->base_url = g_steal_pointer (&base_url);
  self->session = _tb_qpay_http_session_new ();
  self->token = tb_qpay_token_new (self->session, self->base_url,
                                   config->client_id, config->client_secret, store);
  tb_qpay_token_set_timeout (self->token, self->timeout_ms);

  return g_steal_pointer (&self);
}
