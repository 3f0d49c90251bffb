/* tb-cli-export.c: tulbur-cli export …
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdio.h>

#include <glib/gi18n.h>

#include "tb-cli.h"

gboolean
tb_cli_export_csv (TbCli    *cli,
                   char   ***args,
                   GError  **error)
{
  g_autofree char *from_arg = NULL;
  g_autofree char *to_arg = NULL;
  g_autofree char *out_path = NULL;
  g_autoptr(GString) csv = NULL;
  TbLedger *ledger;
  gint64 from_us = 0;
  gint64 to_us = 0;
  gboolean for_spreadsheet = FALSE;
  const GOptionEntry entries[] = {
    { "from", 0, 0, G_OPTION_ARG_STRING, &from_arg,
      N_("First day (local time), such as 2026-03-01"), N_("YYYY-MM-DD") },
    { "to", 0, 0, G_OPTION_ARG_STRING, &to_arg,
      N_("Last day (local time), included"), N_("YYYY-MM-DD") },
    { "out", 0, 0, G_OPTION_ARG_FILENAME, &out_path,
      N_("Write the CSV to this file instead of standard output"), N_("FILE") },
    { "for-spreadsheet", 0, 0, G_OPTION_ARG_NONE, &for_spreadsheet,
      N_("For Excel or LibreOffice: a UTF-8 BOM, and formula-like text cells quoted"), NULL },
    G_OPTION_ENTRY_NULL
  };

  if (!tb_cli_parse_options (cli, entries, args, 0, 0, error))
    return FALSE;

  if (from_arg != NULL && !tb_cli_parse_local_date (from_arg, FALSE, &from_us, error))
    {
      g_prefix_error (error, "--from: ");
      return FALSE;
    }
  if (to_arg != NULL && !tb_cli_parse_local_date (to_arg, TRUE, &to_us, error))
    {
      g_prefix_error (error, "--to: ");
      return FALSE;
    }
  if (from_arg != NULL && to_arg != NULL && from_us >= to_us)
    {
      g_set_error_literal (error, TB_CLI_ERROR, TB_CLI_ERROR_INPUT,
                           _("--from is after --to"));
      return FALSE;
    }

  /* 0 means "unbounded" to the ledger. No payment predates 1970, so an earlier --from is
   * the same as none, and an earlier --to must still select nothing. */
  if (from_arg != NULL && from_us < 0)
    from_us = 0;
  if (to_arg != NULL && to_us <= 0)
    to_us = 1;

  if (!(ledger = tb_cli_get_ledger (cli, error)))
    return FALSE;

  csv = g_string_new (NULL);
  if (!tb_ledger_export_payments_csv_form (ledger, from_us, to_us,
                                           for_spreadsheet ? TB_CSV_SPREADSHEET : TB_CSV_PLAIN,
                                           csv, error))
    return FALSE;

  if (out_path == NULL)
    {
      /* The bytes as they are: the CSV is UTF-8 whatever the terminal's locale says. */
      if (csv->len > 0 && fwrite (csv->str, 1, csv->len, stdout) != csv->len)
        {
          g_set_error_literal (error, TB_CLI_ERROR, TB_CLI_ERROR_OUTPUT,
                               _("Could not write to standard output"));
          return FALSE;
        }
      return TRUE;
    }

  /* Written whole or not at all, readable by the user only: it lists every payment. */
  if (!g_file_set_contents_full (out_path, csv->str, csv->len,
                                 G_FILE_SET_CONTENTS_CONSISTENT, 0600, error))
    {
      g_prefix_error (error, "--out: ");
      return FALSE;
    }

  if (cli->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;
      g_autofree char *display = g_filename_display_name (out_path);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "file");
      json_builder_add_string_value (builder, display);
      json_builder_set_member_name (builder, "bytes");
      json_builder_add_int_value (builder, (gint64) csv->len);
      json_builder_end_object (builder);
      root = json_builder_get_root (builder);
      tb_cli_print_json (root);
    }
  else
    {
      g_autofree char *display = g_filename_display_name (out_path);

      g_print (_("Payments exported to %s"), display);
      g_print ("\n");
    }

  return TRUE;
}
