/* tb-qpay-token.c: the QPay access token, fetched once for any number of callers
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "tb-qpay-error.h"
#include "tb-qpay-http-private.h"
#include "tb-qpay-parse.h"
#include "tb-qpay-token.h"

#define DEFAULT_TIMEOUT_MS 20000
/* Refreshing needs the refresh token to live a little longer than the request takes. */
#define REFRESH_SAFETY 5

struct _TbQpayMemoryTokenStore
{
  GObject           parent_instance;
  TbQpayTokenReply *token;
};

typedef enum
{
  FETCH_LOGIN,
  FETCH_REFRESH,
} FetchKind;

typedef struct
{
  GTask   *task;
  GSource *cancel_source;
} Waiter;

struct _TbQpayToken
{
  GObject           parent_instance;

  SoupSession      *session;
  char             *base_url;
  char             *client_id;
  char             *client_secret;
  TbQpayTokenStore *store;
  guint             refresh_margin;
  guint             timeout_ms;
  TbQpayClockFunc   clock;
  gpointer          clock_data;

  /* Single flight: while a fetch is out, callers wait here. */
  GPtrArray        *waiters;        /* Waiter* */
  gboolean          fetching;
  FetchKind         fetch_kind;
  GCancellable     *fetch_cancellable;
};

static void tb_qpay_memory_token_store_iface_init (TbQpayTokenStoreInterface *iface);

G_DEFINE_INTERFACE (TbQpayTokenStore, tb_qpay_token_store, G_TYPE_OBJECT)
G_DEFINE_FINAL_TYPE_WITH_CODE (TbQpayMemoryTokenStore, tb_qpay_memory_token_store, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (TB_TYPE_QPAY_TOKEN_STORE,
                                                      tb_qpay_memory_token_store_iface_init))
G_DEFINE_FINAL_TYPE (TbQpayToken, tb_qpay_token, G_TYPE_OBJECT)

static void fetch_start (TbQpayToken *self,
                         FetchKind    kind);

/* TbQpayTokenStore */

static void
tb_qpay_token_store_default_init (TbQpayTokenStoreInterface *iface)
{
}

TbQpayTokenReply *
tb_qpay_token_store_load (TbQpayTokenStore *self)
{
  g_return_val_if_fail (TB_IS_QPAY_TOKEN_STORE (self), NULL);

  return TB_QPAY_TOKEN_STORE_GET_IFACE (self)->load (self);
}

void
tb_qpay_token_store_save (TbQpayTokenStore       *self,
                          const TbQpayTokenReply *token)
{
  g_return_if_fail (TB_IS_QPAY_TOKEN_STORE (self));
  g_return_if_fail (token != NULL);

  TB_QPAY_TOKEN_STORE_GET_IFACE (self)->save (self, token);
}

void
tb_qpay_token_store_discard (TbQpayTokenStore *self,
                             const char       *access_token)
{
  g_return_if_fail (TB_IS_QPAY_TOKEN_STORE (self));

  TB_QPAY_TOKEN_STORE_GET_IFACE (self)->discard (self, access_token);
}

/* TbQpayMemoryTokenStore */

static TbQpayTokenReply *
memory_load (TbQpayTokenStore *store)
{
  TbQpayMemoryTokenStore *self = TB_QPAY_MEMORY_TOKEN_STORE (store);

  return self->token != NULL ? tb_qpay_token_reply_copy (self->token) : NULL;
}

static void
memory_save (TbQpayTokenStore       *store,
             const TbQpayTokenReply *token)
{
  TbQpayMemoryTokenStore *self = TB_QPAY_MEMORY_TOKEN_STORE (store);

  g_clear_pointer (&self->token, tb_qpay_token_reply_free);
  self->token = tb_qpay_token_reply_copy (token);
}

static void
memory_discard (TbQpayTokenStore *store,
                const char       *access_token)
{
  TbQpayMemoryTokenStore *self = TB_QPAY_MEMORY_TOKEN_STORE (store);

  if (self->token != NULL && g_strcmp0 (self->token->access_token, access_token) == 0)
    g_clear_pointer (&self->token, tb_qpay_token_reply_free);
}

static void
tb_qpay_memory_token_store_iface_init (TbQpayTokenStoreInterface *iface)
{
  iface->load = memory_load;
  iface->save = memory_save;
  iface->discard = memory_discard;
}

static void
tb_qpay_memory_token_store_finalize (GObject *object)
{
  TbQpayMemoryTokenStore *self = TB_QPAY_MEMORY_TOKEN_STORE (object);

  g_clear_pointer (&self->token, tb_qpay_token_reply_free);

  G_OBJECT_CLASS (tb_qpay_memory_token_store_parent_class)->finalize (object);
}

static void
tb_qpay_memory_token_store_class_init (TbQpayMemoryTokenStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = tb_qpay_memory_token_store_finalize;
}

static void
tb_qpay_memory_token_store_init (TbQpayMemoryTokenStore *self)
{
}

TbQpayTokenStore *
tb_qpay_memory_token_store_new (void)
{
  return g_object_new (TB_TYPE_QPAY_MEMORY_TOKEN_STORE, NULL);
}

/* TbQpayToken */

static gint64
now_seconds (TbQpayToken *self)
{
  if (self->clock != NULL)
    return self->clock (self->clock_data);
  return g_get_real_time () / G_USEC_PER_SEC;
}

static void
waiter_free (Waiter *waiter)
{
  if (waiter->cancel_source != NULL)
    {
      g_source_destroy (waiter->cancel_source);
      g_source_unref (waiter->cancel_source);
    }
  g_clear_object (&waiter->task);
  g_free (waiter);
}

/* Hands the outcome to every waiter. The list is emptied first: a waiter's callback may ask
 * again (and start the next fetch). */
static void
complete_waiters (TbQpayToken  *self,
                  const char   *access_token,
                  const GError *error)
{
  g_autoptr(GPtrArray) waiters = g_steal_pointer (&self->waiters);

  self->waiters = g_ptr_array_new_with_free_func ((GDestroyNotify) waiter_free);
  self->fetching = FALSE;

  for (guint i = 0; i < waiters->len; i++)
    {
      Waiter *waiter = g_ptr_array_index (waiters, i);

      if (error != NULL)
        g_task_return_error (waiter->task, g_error_copy (error));
      else
        g_task_return_pointer (waiter->task, g_strdup (access_token), g_free);
    }
}

static gboolean
waiter_cancelled_cb (GCancellable *cancellable,
                     gpointer      user_data)
{
  Waiter *waiter = user_data;
  TbQpayToken *self = g_task_get_source_object (waiter->task);
  g_autoptr(GTask) task = g_object_ref (waiter->task);

  /* Only this caller gives up; the fetch goes on for the others. */
  g_ptr_array_remove (self->waiters, waiter);
  g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "%s", _("Cancelled"));

  return G_SOURCE_REMOVE;
}

static void
fetch_failed (TbQpayToken  *self,
              FetchKind     kind,
              GError       *error)
{
  if (kind == FETCH_REFRESH && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      /* A refresh token dies with its access token when another desk logs in; a fresh
       * login is the only way back (docs/qpay.md, "Token"). */
      g_debug ("Token refresh failed (%s); logging in again", error->message);
      fetch_start (self, FETCH_LOGIN);
      return;
    }

  g_debug ("Token request failed: %s", error->message);
  complete_waiters (self, NULL, error);
}

static void
fetch_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(TbQpayToken) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(TbQpayTokenReply) reply = NULL;
  FetchKind kind = self->fetch_kind;
  guint status = 0;

  body = _tb_qpay_http_send_finish (result, &status, &error);
  if (body == NULL)
    {
      fetch_failed (self, kind, error);
      return;
    }

  if (status == 200)
    {
      reply = tb_qpay_parse_token (body, now_seconds (self), &error);
      if (reply == NULL)
        {
          fetch_failed (self, kind, error);
          return;
        }

      /* A refresh answer without a new refresh token keeps the old one. */
      if (reply->refresh_token == NULL && kind == FETCH_REFRESH)
        {
          g_autoptr(TbQpayTokenReply) old = tb_qpay_token_store_load (self->store);

          if (old != NULL)
            reply->refresh_token = g_strdup (old->refresh_token);
        }

      g_debug ("%s succeeded; token valid for %" G_GINT64_FORMAT " s",
               kind == FETCH_LOGIN ? "Login" : "Refresh",
               reply->expires_at - now_seconds (self));
      tb_qpay_token_store_save (self->store, reply);
      complete_waiters (self, reply->access_token, NULL);
      return;
    }

  {
    g_autofree char *key = tb_qpay_parse_error_key (body);

    /* A 401 at the login means wrong credentials, whatever the body says. */
    if (kind == FETCH_LOGIN && status == 401 && key == NULL)
      key = g_strdup ("AUTHENTICATION_FAILED");
    error = tb_qpay_error_new_from_response (status, key);
    fetch_failed (self, kind, error);
  }
}

static void
fetch_start (TbQpayToken *self,
             FetchKind    kind)
{
  g_autoptr(SoupMessage) message = NULL;
  g_autoptr(TbQpayTokenReply) stored = NULL;
  g_autofree char *url = NULL;

  self->fetching = TRUE;

  if (kind == FETCH_REFRESH)
    {
      stored = tb_qpay_token_store_load (self->store);
      if (stored == NULL || stored->refresh_token == NULL)
        kind = FETCH_LOGIN;
    }

  self->fetch_kind = kind;
  url = g_strconcat (self->base_url, kind == FETCH_LOGIN ? "/v2/auth/token" : "/v2/auth/refresh", NULL);
  message = soup_message_new ("POST", url);
  if (message == NULL)
    {
      g_autoptr(GError) error =
        tb_qpay_error_new_literal (TB_QPAY_ERROR_CONFIG, _("The QPay address is invalid. Check it in Preferences."));

      complete_waiters (self, NULL, error);
      return;
    }

  if (kind == FETCH_LOGIN)
    {
      g_autofree char *pair = g_strconcat (self->client_id, ":", self->client_secret, NULL);
      g_autofree char *encoded = g_base64_encode ((const guchar *) pair, strlen (pair));
      g_autofree char *value = g_strconcat ("Basic ", encoded, NULL);

      soup_message_headers_replace (soup_message_get_request_headers (message), "Authorization", value);
      memset (pair, 0, strlen (pair));
      memset (value, 0, strlen (value));
    }
  else
    _tb_qpay_http_set_bearer (message, stored->refresh_token);

  soup_message_headers_replace (soup_message_get_request_headers (message), "Accept", "application/json");

  g_debug ("%s", kind == FETCH_LOGIN ? "Logging in to QPay" : "Refreshing the QPay token");

  _tb_qpay_http_send_async (self->session, message, self->timeout_ms, self->fetch_cancellable,
                            fetch_cb, g_object_ref (self));
}

void
tb_qpay_token_get_async (TbQpayToken         *self,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(TbQpayTokenReply) stored = NULL;
  Waiter *waiter;
  gint64 now;

  g_return_if_fail (TB_IS_QPAY_TOKEN (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tb_qpay_token_get_async);

  if (g_task_return_error_if_cancelled (task))
    return;

  now = now_seconds (self);
  stored = tb_qpay_token_store_load (self->store);
  if (stored != NULL && now < stored->expires_at - (gint64) self->refresh_margin)
    {
      g_task_return_pointer (task, g_strdup (stored->access_token), g_free);
      return;
    }

  waiter = g_new0 (Waiter, 1);
  waiter->task = g_steal_pointer (&task);
  if (cancellable != NULL)
    {
      waiter->cancel_source = g_cancellable_source_new (cancellable);
      g_source_set_callback (waiter->cancel_source, G_SOURCE_FUNC (waiter_cancelled_cb), waiter, NULL);
      g_source_attach (waiter->cancel_source, g_main_context_get_thread_default ());
    }
  g_ptr_array_add (self->waiters, waiter);

  if (self->fetching)
    return;

  if (stored != NULL && stored->refresh_token != NULL
      && now + REFRESH_SAFETY < stored->refresh_expires_at)
    fetch_start (self, FETCH_REFRESH);
  else
    fetch_start (self, FETCH_LOGIN);
}

char *
tb_qpay_token_get_finish (TbQpayToken   *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (TB_IS_QPAY_TOKEN (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
tb_qpay_token_discard (TbQpayToken *self,
                       const char  *access_token)
{
  g_return_if_fail (TB_IS_QPAY_TOKEN (self));

  if (access_token != NULL)
    tb_qpay_token_store_discard (self->store, access_token);
}

TbQpayTokenStore *
tb_qpay_token_get_store (TbQpayToken *self)
{
  g_return_val_if_fail (TB_IS_QPAY_TOKEN (self), NULL);

  return self->store;
}

void
tb_qpay_token_set_refresh_margin (TbQpayToken *self,
                                  guint        seconds)
{
  g_return_if_fail (TB_IS_QPAY_TOKEN (self));

  self->refresh_margin = seconds;
}

void
tb_qpay_token_set_timeout (TbQpayToken *self,
                           guint        timeout_ms)
{
  g_return_if_fail (TB_IS_QPAY_TOKEN (self));

  self->timeout_ms = timeout_ms > 0 ? timeout_ms : DEFAULT_TIMEOUT_MS;
}

void
tb_qpay_token_set_clock (TbQpayToken     *self,
                         TbQpayClockFunc  clock,
                         gpointer         user_data)
{
  g_return_if_fail (TB_IS_QPAY_TOKEN (self));

  self->clock = clock;
  self->clock_data = user_data;
}

static void
tb_qpay_token_dispose (GObject *object)
{
  TbQpayToken *self = TB_QPAY_TOKEN (object);

  g_cancellable_cancel (self->fetch_cancellable);
  g_clear_object (&self->session);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (tb_qpay_token_parent_class)->dispose (object);
}

static void
tb_qpay_token_finalize (GObject *object)
{
  TbQpayToken *self = TB_QPAY_TOKEN (object);

  g_clear_pointer (&self->waiters, g_ptr_array_unref);
  g_clear_object (&self->fetch_cancellable);
  g_free (self->base_url);
  g_free (self->client_id);
  if (self->client_secret != NULL)
    memset (self->client_secret, 0, strlen (self->client_secret));
  g_free (self->client_secret);

  G_OBJECT_CLASS (tb_qpay_token_parent_class)->finalize (object);
}

static void
tb_qpay_token_class_init (TbQpayTokenClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tb_qpay_token_dispose;
  object_class->finalize = tb_qpay_token_finalize;
}

static void
tb_qpay_token_init (TbQpayToken *self)
{
  self->refresh_margin = TB_QPAY_TOKEN_DEFAULT_MARGIN;
  self->timeout_ms = DEFAULT_TIMEOUT_MS;
  self->waiters = g_ptr_array_new_with_free_func ((GDestroyNotify) waiter_free);
  self->fetch_cancellable = g_cancellable_new ();
}

TbQpayToken *
tb_qpay_token_new (SoupSession      *session,
                   const char       *base_url,
                   const char       *client_id,
                   const char       *client_secret,
                   TbQpayTokenStore *store)
{
  TbQpayToken *self;

  g_return_val_if_fail (SOUP_IS_SESSION (session), NULL);
  g_return_val_if_fail (base_url != NULL, NULL);
  g_return_val_if_fail (store == NULL || TB_IS_QPAY_TOKEN_STORE (store), NULL);

  self = g_object_new (TB_TYPE_QPAY_TOKEN, NULL);
  self->session = g_object_ref (session);
  self->base_url = g_strdup (base_url);
  self->client_id = g_strdup (client_id != NULL ? client_id : "");
  self->client_secret = g_strdup (client_secret != NULL ? client_secret : "");
  self->store = store != NULL ? g_object_ref (store) : tb_qpay_memory_token_store_new ();

  return self;
}
