/* tb-sim-auth.c: the simulator's tokens: Basic login, refresh, one live token per merchant
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "tb-sim-server-private.h"

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

void
_tb_sim_issue_tokens (TbSimServer *self)
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

void
_tb_sim_handle_login (TbSimServer       *self,
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
  _tb_sim_issue_tokens (self);
  reply_tokens (self, reply);
}

void
_tb_sim_handle_refresh (TbSimServer       *self,
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
  _tb_sim_issue_tokens (self);
  reply_tokens (self, reply);
}

gboolean
_tb_sim_bearer_ok (TbSimServer       *self,
                   SoupServerMessage *message)
{
  const char *token = auth_value (message, "Bearer");

  return token != NULL && self->access_token != NULL
      && strcmp (token, self->access_token) == 0
      && now_seconds () < self->access_expires_at;
}

void
tb_sim_server_invalidate_tokens (TbSimServer *self)
{
  g_return_if_fail (TB_IS_SIM_SERVER (self));

  /* As if another desk had logged in with the same account: the tokens handed out so far
   * (access and refresh) stop working, and nobody is told. */
  if (self->access_token != NULL)
    _tb_sim_issue_tokens (self);
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
