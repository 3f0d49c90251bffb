/* tb-sim-json.c: small helpers shared by the simulator's endpoints
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "tb-sim-server-private.h"

/* QPay's NO_CREDENDIALS message text as observed (docs/qpay.md, "Token"). */
#define NO_CREDENTIALS_TEXT "Хандах эрхгүй байна. Нэвтрэнэ үү."

char *
_tb_sim_random_digits (guint n)
{
  GString *out = g_string_sized_new (n + 1);

  for (guint i = 0; i < n; i++)
    g_string_append_c (out, (char) ('0' + g_random_int_range (0, 10)));

  return g_string_free (out, FALSE);
}

char *
_tb_sim_iso_now (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *base = g_date_time_format (now, "%Y-%m-%dT%H:%M:%S");

  return g_strdup_printf ("%s.%03dZ", base, g_date_time_get_microsecond (now) / 1000);
}

gboolean
_tb_sim_is_digits (const char *text,
                   gsize       min_len,
                   gsize       max_len)
{
  gsize len = text != NULL ? strlen (text) : 0;

  if (len < min_len || len > max_len)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isdigit (text[i]))
      return FALSE;
  return TRUE;
}

/* A string member, or NULL when absent or not a string. */
const char *
_tb_sim_string_member (JsonObject *object,
                       const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

typedef enum
{
  FIELD_OK,
  FIELD_MISSING,     /* absent, null, empty or not a string */
  FIELD_TOO_LONG,
} FieldCheck;

/* QPay measures limits in bytes as far as anyone can tell (PRK cuts by UTF-8 bytes). */
static FieldCheck
check_string (JsonObject  *object,
              const char  *name,
              gboolean     required,
              gsize        max_len,
              const char **out)
{
  JsonNode *node = json_object_get_member (object, name);
  const char *value = _tb_sim_string_member (object, name);

  *out = NULL;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return required ? FIELD_MISSING : FIELD_OK;
  if (value == NULL || (required && value[0] == '\0'))
    return FIELD_MISSING;
  if (strlen (value) > max_len)
    return FIELD_TOO_LONG;

  *out = value;
  return FIELD_OK;
}

/* TRUE when the field is fine; otherwise the error reply is set. */
gboolean
_tb_sim_require_string (JsonObject  *object,
                        const char  *name,
                        gboolean     required,
                        gsize        max_len,
                        const char **out,
                        SimReply    *reply)
{
  switch (check_string (object, name, required, max_len, out))
    {
    case FIELD_OK:
      return TRUE;
    case FIELD_MISSING:
      _tb_sim_reply_error (reply, 400, "OBJECT_DATA_ERROR");
      return FALSE;
    case FIELD_TOO_LONG:
      _tb_sim_reply_error (reply, 400, "MAX_LENGTH");
      return FALSE;
    default:
      g_assert_not_reached ();
    }
}

gboolean
_tb_sim_is_code (const char *text)
{
  for (const char *p = text; *p != '\0'; p++)
    if (!(g_ascii_isalnum (*p) || *p == '_' || *p == '-'))
      return FALSE;
  return text[0] != '\0';
}

void
_tb_sim_add_string (JsonBuilder *builder,
                    const char  *name,
                    const char  *value)
{
  json_builder_set_member_name (builder, name);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

void
_tb_sim_add_money (JsonBuilder *builder,
                   const char  *name,
                   gint64       minor)
{
  g_autofree char *text = _tb_sim_format_decimal (minor, 2);

  _tb_sim_add_string (builder, name, text);
}

void
_tb_sim_add_null (JsonBuilder *builder,
                  const char  *name)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_null_value (builder);
}

void
_tb_sim_add_empty_array (JsonBuilder *builder,
                         const char  *name)
{
  json_builder_set_member_name (builder, name);
  json_builder_begin_array (builder);
  json_builder_end_array (builder);
}

/* Replies */

void
_tb_sim_reply_clear (SimReply *reply)
{
  g_clear_pointer (&reply->content_type, g_free);
  g_clear_pointer (&reply->body, g_bytes_unref);
}

void
_tb_sim_reply_set (SimReply   *reply,
                   guint       status,
                   const char *content_type,
                   GBytes     *body)
{
  _tb_sim_reply_clear (reply);
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
  _tb_sim_reply_set (reply, status, "application/json", g_bytes_new_take (data, len));
}

void
_tb_sim_reply_error (SimReply   *reply,
                     guint       status,
                     const char *key)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  /* QPay's body: both fields, usually both the key (docs/qpay.md, "Errors"). */
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

void
_tb_sim_send_reply (SoupServerMessage *message,
                    SimReply          *reply)
{
  gsize len = 0;
  const char *data = reply->body != NULL ? g_bytes_get_data (reply->body, &len) : "";

  soup_server_message_set_status (message, reply->status, NULL);
  soup_server_message_set_response (message,
                                    reply->content_type != NULL ? reply->content_type : "application/json",
                                    SOUP_MEMORY_COPY, data, len);
}
