/* tb-sim-qpay.c: routes the simulator's QPay v2 business endpoints
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "providers/tb-qpay-parse.h"

#include "tb-sim-server-private.h"

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
        _tb_sim_handle_invoice_create (self, object, body, reply);
    }
  else if (n_parts == 3 && strcmp (parts[1], "invoice") == 0 && get)
    _tb_sim_handle_invoice_get (self, parts[2], reply);
  else if (n_parts == 3 && strcmp (parts[1], "invoice") == 0 && delete)
    _tb_sim_handle_invoice_cancel (self, parts[2], reply);
  else if (n_parts == 3 && strcmp (parts[1], "payment") == 0 && strcmp (parts[2], "check") == 0 && post)
    {
      if (object == NULL)
        _tb_sim_reply_error (reply, 400, "OBJECT_DATA_ERROR");
      else
        _tb_sim_handle_check (self, object, reply);
    }
  else if (n_parts == 3 && strcmp (parts[1], "payment") == 0 && strcmp (parts[2], "list") == 0 && post)
    {
      if (object == NULL)
        _tb_sim_reply_error (reply, 400, "OBJECT_DATA_ERROR");
      else
        _tb_sim_handle_payment_list (self, object, reply);
    }
  else if (n_parts == 3 && strcmp (parts[1], "payment") == 0 && get)
    _tb_sim_handle_payment_get (self, parts[2], reply);
  else if (n_parts == 4 && strcmp (parts[1], "payment") == 0 && delete
           && (strcmp (parts[2], "cancel") == 0 || strcmp (parts[2], "refund") == 0))
    _tb_sim_handle_payment_reversal (self, parts[3], object, reply);
  else if (n_parts == 3 && strcmp (parts[1], "ebarimt_v3") == 0 && strcmp (parts[2], "create") == 0 && post)
    {
      if (object == NULL)
        _tb_sim_reply_error (reply, 400, "OBJECT_DATA_ERROR");
      else
        _tb_sim_handle_ebarimt_create (self, object, reply);
    }
  else if (n_parts == 3 && strcmp (parts[1], "ebarimt_v3") == 0 && get)
    _tb_sim_handle_ebarimt_get (self, parts[2], reply);
  else if (n_parts == 3 && strcmp (parts[1], "ebarimt_v3") == 0 && delete)
    _tb_sim_handle_ebarimt_cancel (self, parts[2], object, reply);
  else
    _tb_sim_reply_error (reply, 404, "NOT_FOUND");
}
