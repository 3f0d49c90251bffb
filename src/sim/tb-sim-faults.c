/* tb-sim-faults.c: the faults tests inject (status, body, latency, hang) and delayed answers
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "tb-sim-server-private.h"

/* A "hang" answers this late, i.e. after every client has given up. */
#define HANG_MS (10 * 60 * 1000)
#define HUGE_BODY_SIZE (2 * 1024 * 1024)

struct _Pending
{
  TbSimServer       *self;
  SoupServerMessage *message;
  GSource           *timer;
};

/* Faults */

void
_tb_sim_fault_free (SimFault *fault)
{
  g_free (fault->path_prefix);
  g_free (fault);
}

/* Takes one use of the first fault that matches @path (a copy to apply). */
SimFault *
_tb_sim_take_fault (TbSimServer *self,
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

        _tb_sim_reply_set (reply, reply->status, "text/html", g_bytes_new_static (html, sizeof html - 1));
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
        _tb_sim_reply_set (reply, reply->status, "application/json", g_string_free_to_bytes (text));
      }
      break;

    case TB_SIM_BODY_EMPTY:
      _tb_sim_reply_set (reply, reply->status, "application/json", g_bytes_new_static ("", 0));
      break;

    default:
      g_assert_not_reached ();
    }
}

/* The answer of a fault with a status, instead of handling the request: 401 NO_CREDENDIALS,
 * a gateway's HTML page for 5xx, else OBJECT_DATA_ERROR. */
void
_tb_sim_fault_reply (const SimFault *fault,
                     SimReply       *reply)
{
  static const char html[] = "<html><body><h1>Service Unavailable</h1></body></html>";

  if (fault->status == 401)
    _tb_sim_reply_error (reply, 401, "NO_CREDENDIALS");
  else if (fault->status >= 500)
    _tb_sim_reply_set (reply, fault->status, "text/html", g_bytes_new_static (html, sizeof html - 1));
  else
    _tb_sim_reply_error (reply, fault->status, "OBJECT_DATA_ERROR");
}

guint
_tb_sim_fault_apply (const SimFault *fault,
                     SimReply       *reply,
                     guint           delay_ms)
{
  apply_body_fault (reply, fault->body);
  return fault->hang ? HANG_MS : delay_ms + fault->latency_ms;
}

/* Delayed answers */

void
_tb_sim_pending_free (Pending *pending)
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

void
_tb_sim_delay_reply (TbSimServer       *self,
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

/* Delayed answers go out now, so no client waits on a dead server. */
void
_tb_sim_flush_pending (TbSimServer *self)
{
  while (self->pending != NULL && self->pending->len > 0)
    {
      Pending *pending = g_ptr_array_steal_index (self->pending, 0);

      soup_server_message_unpause (pending->message);
      _tb_sim_pending_free (pending);
    }
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
