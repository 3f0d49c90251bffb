/* tb-cli-key.c: tulbur-cli key export / key import
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <string.h>

#include "tb-cli.h"

/* A recovery key is 139 characters; anything much longer is not one. */
#define MAX_RECOVERY_INPUT 4096

gboolean
tb_cli_key_export (TbCli    *cli,
                   char   ***args,
                   GError  **error)
{
  g_autofree char *fingerprint = NULL;
  g_autofree char *text = NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonNode) root = NULL;
  TbLedger *ledger;

  if (!tb_cli_parse_options (cli, NULL, args, 0, 0, error) ||
      !(ledger = tb_cli_get_ledger (cli, error)))
    return FALSE;

  text = tb_ledger_export_key (ledger, &fingerprint);
  if (!cli->json)
    g_print ("%s\n", text);
  else
    {
      builder = json_builder_new ();
      json_builder_begin_object (builder);
      tb_cli_json_add_string (builder, "key", text);
      tb_cli_json_add_string (builder, "fingerprint", fingerprint);
      json_builder_end_object (builder);
      root = json_builder_get_root (builder);
      tb_cli_print_json (root);
    }
  OPENSSL_cleanse (text, strlen (text));
  return TRUE;
}

/* At most MAX_RECOVERY_INPUT bytes from @path, or from standard input when @path is NULL. */
static char *
read_recovery (const char  *path,
               GError     **error)
{
  g_autofree char *buffer = g_malloc0 (MAX_RECOVERY_INPUT + 1);
  FILE *in = path != NULL ? fopen (path, "rb") : stdin;
  gsize len;

  if (in == NULL)
    {
      int saved = errno;

      g_set_error (error, TB_CLI_ERROR, TB_CLI_ERROR_INPUT,
                   _("Could not read “%s”: %s"), path, g_strerror (saved));
      return NULL;
    }
  len = fread (buffer, 1, MAX_RECOVERY_INPUT + 1, in);
  if (path != NULL)
    fclose (in);

  if (len == 0 || len > MAX_RECOVERY_INPUT || memchr (buffer, '\0', len) != NULL)
    {
      OPENSSL_cleanse (buffer, MAX_RECOVERY_INPUT + 1);
      g_set_error_literal (error, TB_CLI_ERROR, TB_CLI_ERROR_INPUT,
                           _("No recovery key was given: type it or pipe it in, or use --file."));
      return NULL;
    }
  return g_steal_pointer (&buffer);
}

gboolean
tb_cli_key_import (TbCli    *cli,
                   char   ***args,
                   GError  **error)
{
  g_autofree char *file = NULL;
  g_autofree char *text = NULL;
  g_autofree char *path = NULL;
  g_autofree char *key_path = NULL;
  g_autofree char *fingerprint = NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) local = NULL;
  gboolean ok;
  const GOptionEntry entries[] = {
    { "file", 0, 0, G_OPTION_ARG_FILENAME, &file,
      N_("Read the recovery key from FILE instead of standard input"), N_("FILE") },
    G_OPTION_ENTRY_NULL
  };

  if (!tb_cli_parse_options (cli, entries, args, 0, 0, error) ||
      !(text = read_recovery (file, error)))
    return FALSE;

  path = cli->db_path != NULL ? g_strdup (cli->db_path) : tb_ledger_default_path ();
  key_path = tb_ledger_key_path (path);
  ok = tb_ledger_import_key (path, text, &fingerprint, &local);
  OPENSSL_cleanse (text, strlen (text));
  if (!ok)
    {
      /* These messages say all there is to do: no advice for bills or highlighted fields. */
      if (local->domain == TB_LEDGER_ERROR && local->code != TB_LEDGER_ERROR_OPEN &&
          local->code != TB_LEDGER_ERROR_FAILED && local->code != TB_LEDGER_ERROR_BUSY)
        g_set_error_literal (error, TB_CLI_ERROR,
                             local->code == TB_LEDGER_ERROR_INVALID ? TB_CLI_ERROR_INPUT
                                                                    : TB_CLI_ERROR_REFUSED,
                             local->message);
      else
        g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }

  if (!cli->json)
    {
      /* TRANSLATORS: %s is the key file, e.g. /home/…/tulbur.db.key */
      g_print (_("The ledger key is in place: %s"), key_path);
      g_print ("\n");
      return TRUE;
    }
  builder = json_builder_new ();
  json_builder_begin_object (builder);
  tb_cli_json_add_string (builder, "key_file", key_path);
  tb_cli_json_add_string (builder, "fingerprint", fingerprint);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  tb_cli_print_json (root);
  return TRUE;
}
