/* tb-qpay-http.c: one HTTP exchange with a deadline and a body size limit
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "tb-qpay-error.h"
#include "tb-qpay-http-private.h"
#include "tb-qpay-parse.h"

#define READ_CHUNK 16384

typedef struct
{
  SoupSession  *session;
  SoupMessage  *message;
  GCancellable *cancellable;        /* ours: fired by the deadline or by the caller's */
  GCancellable *caller_cancellable;
  gulong        caller_handler;
  GSource      *deadline;
  gboolean      timed_out;
  GInputStream *stream;
  GByteArray   *body;
  gint64        started_us;
} Exchange;

static void
exchange_free (Exchange *exchange)
{
  if (exchange->deadline != NULL)
    {
      g_source_destroy (exchange->deadline);
      g_source_unref (exchange->deadline);
    }
  if (exchange->caller_handler != 0)
    g_cancellable_disconnect (exchange->caller_cancellable, exchange->caller_handler);
  g_clear_object (&exchange->caller_cancellable);
  g_clear_object (&exchange->cancellable);
  g_clear_object (&exchange->stream);
  g_clear_pointer (&exchange->body, g_byte_array_unref);
  g_clear_object (&exchange->message);
  g_clear_object (&exchange->session);
  g_free (exchange);
}

SoupSession *
_tb_qpay_http_session_new (void)
{
  return soup_session_new_with_options ("user-agent", "Tulbur/" PACKAGE_VERSION " ",
                                        NULL);
}

void
_tb_qpay_http_set_bearer (SoupMessage *message,
                          const char  *token)
{
  g_autofree char *value = g_strconcat ("Bearer ", token, NULL);

  soup_message_headers_replace (soup_message_get_request_headers (message), "Authorization", value);
}

static void
log_exchange (Exchange   *exchange,
              guint       status,
              const char *outcome)
{
  GUri *uri = soup_message_get_uri (exchange->message);

  /* The path only: no query, no headers, no body. */
  g_debug ("%s %s → %u%s%s (%" G_GINT64_FORMAT " ms)",
           soup_message_get_method (exchange->message),
           g_uri_get_path (uri),
           status,
           outcome != NULL ? " " : "",
           outcome != NULL ? outcome : "",
           (g_get_monotonic_time () - exchange->started_us) / 1000);
}

static void
return_transport_error (GTask  *task,
                        GError *error)
{
  Exchange *exchange = g_task_get_task_data (task);

  if (exchange->timed_out)
    {
      log_exchange (exchange, 0, "timeout");
      g_task_return_new_error (task, TB_QPAY_ERROR, TB_QPAY_ERROR_TIMEOUT, "%s",
                               _("QPay did not answer in time. Check the internet connection and try again."));
    }
  else if (g_cancellable_is_cancelled (exchange->caller_cancellable))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "%s", _("Cancelled"));
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    {
      log_exchange (exchange, 0, "timeout");
      g_task_return_new_error (task, TB_QPAY_ERROR, TB_QPAY_ERROR_TIMEOUT, "%s",
                               _("QPay did not answer in time. Check the internet connection and try again."));
    }
  else if (error->domain == G_TLS_ERROR)
    {
      g_debug ("TLS failure: %s", error->message);
      log_exchange (exchange, 0, "tls");
      g_task_return_new_error (task, TB_QPAY_ERROR, TB_QPAY_ERROR_NETWORK, "%s",
                               _("The secure connection to QPay could not be verified. Check the computer’s date and time and the network, then try again."));
    }
  else if (error->domain == TB_QPAY_ERROR)
    {
      log_exchange (exchange, 0, "bad body");
      g_task_return_error (task, g_error_copy (error));
    }
  else
    {
      g_debug ("Transport failure: %s", error->message);
      log_exchange (exchange, 0, "network");
      g_task_return_new_error (task, TB_QPAY_ERROR, TB_QPAY_ERROR_NETWORK, "%s",
                               _("Could not reach QPay. Check the internet connection and try again."));
    }
}

static gboolean
deadline_cb (gpointer data)
{
  Exchange *exchange = data;

  exchange->timed_out = TRUE;
  g_cancellable_cancel (exchange->cancellable);

  g_clear_pointer (&exchange->deadline, g_source_unref);
  return G_SOURCE_REMOVE;
}

static void
caller_cancelled_cb (GCancellable *caller,
                     GCancellable *ours)
{
  g_cancellable_cancel (ours);
}

static void
read_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Exchange *exchange = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) chunk = NULL;
  guint status;

  chunk = g_input_stream_read_bytes_finish (G_INPUT_STREAM (object), result, &error);
  if (chunk == NULL)
    {
      return_transport_error (task, error);
      return;
    }

  if (g_bytes_get_size (chunk) > 0)
    {
      if (exchange->body->len + g_bytes_get_size (chunk) > TB_QPAY_MAX_BODY_SIZE)
        {
          g_autoptr(GError) too_big =
            tb_qpay_error_new_literal (TB_QPAY_ERROR_BAD_RESPONSE,
                                       _("QPay sent a reply Tulbur could not read. Try again; if it keeps happening, contact support."));

          /* Stop reading: the rest is never downloaded. */
          g_cancellable_cancel (exchange->cancellable);
          return_transport_error (task, too_big);
          return;
        }

      g_byte_array_append (exchange->body,
                           g_bytes_get_data (chunk, NULL),
                           g_bytes_get_size (chunk));
      g_input_stream_read_bytes_async (exchange->stream, READ_CHUNK, G_PRIORITY_DEFAULT,
                                       exchange->cancellable, read_cb, g_object_ref (task));
      return;
    }

  status = soup_message_get_status (exchange->message);
  log_exchange (exchange, status, NULL);
  *(guint *) g_object_get_data (G_OBJECT (task), "status") = status;
  g_task_return_pointer (task,
                         g_byte_array_free_to_bytes (g_steal_pointer (&exchange->body)),
                         (GDestroyNotify) g_bytes_unref);
}

static void
sent_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Exchange *exchange = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  goffset length;

  exchange->stream = soup_session_send_finish (SOUP_SESSION (object), result, &error);
  if (exchange->stream == NULL)
    {
      return_transport_error (task, error);
      return;
    }

  /* Refuse an announced huge body before reading any of it. */
  length = soup_message_headers_get_content_length (soup_message_get_response_headers (exchange->message));
  if (length > TB_QPAY_MAX_BODY_SIZE)
    {
      g_autoptr(GError) too_big =
        tb_qpay_error_new_literal (TB_QPAY_ERROR_BAD_RESPONSE,
                                   _("QPay sent a reply Tulbur could not read. Try again; if it keeps happening, contact support."));

      g_cancellable_cancel (exchange->cancellable);
      return_transport_error (task, too_big);
      return;
    }

  exchange->body = g_byte_array_new ();
  g_input_stream_read_bytes_async (exchange->stream, READ_CHUNK, G_PRIORITY_DEFAULT,
                                   exchange->cancellable, read_cb, g_steal_pointer (&task));
}

void
_tb_qpay_http_send_async (SoupSession         *session,
                          SoupMessage         *message,
                          guint                timeout_ms,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Exchange *exchange;

  g_return_if_fail (SOUP_IS_SESSION (session));
  g_return_if_fail (SOUP_IS_MESSAGE (message));

  task = g_task_new (session, cancellable, callback, user_data);
  g_task_set_source_tag (task, _tb_qpay_http_send_async);
  g_object_set_data_full (G_OBJECT (task), "status", g_new0 (guint, 1), g_free);

  exchange = g_new0 (Exchange, 1);
  exchange->session = g_object_ref (session);
  exchange->message = g_object_ref (message);
  exchange->cancellable = g_cancellable_new ();
  exchange->started_us = g_get_monotonic_time ();
  g_task_set_task_data (task, exchange, (GDestroyNotify) exchange_free);

  if (cancellable != NULL)
    {
      if (g_cancellable_is_cancelled (cancellable))
        {
          g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "%s", _("Cancelled"));
          return;
        }
      exchange->caller_cancellable = g_object_ref (cancellable);
      exchange->caller_handler = g_cancellable_connect (cancellable, G_CALLBACK (caller_cancelled_cb),
                                                        exchange->cancellable, NULL);
    }

  /* QPay never redirects; following one could leave https or the QPay host. */
  soup_message_add_flags (message, SOUP_MESSAGE_NO_REDIRECT);

  exchange->deadline = g_timeout_source_new (MAX (timeout_ms, 1));
  g_source_set_callback (exchange->deadline, deadline_cb, exchange, NULL);
  g_source_set_static_name (exchange->deadline, "[tulbur] qpay deadline");
  g_source_attach (exchange->deadline, g_main_context_get_thread_default ());

  soup_session_send_async (session, message, G_PRIORITY_DEFAULT, exchange->cancellable,
                           sent_cb, g_steal_pointer (&task));
}

GBytes *
_tb_qpay_http_send_finish (GAsyncResult  *result,
                           guint         *out_status,
                           GError       **error)
{
  GBytes *body;

  g_return_val_if_fail (G_IS_TASK (result), NULL);

  body = g_task_propagate_pointer (G_TASK (result), error);
  if (out_status != NULL)
    *out_status = body != NULL ? *(guint *) g_object_get_data (G_OBJECT (result), "status") : 0;

  return body;
}
