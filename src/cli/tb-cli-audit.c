/* tb-cli-audit.c: tulbur-cli audit verify
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <inttypes.h>

#include <glib/gi18n.h>

#include "tb-cli.h"

static void
print_json (const TbAuditCheck *check)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "intact");
  json_builder_add_boolean_value (builder, check->intact);
  tb_cli_json_add_int (builder, "rows", check->rows);
  json_builder_set_member_name (builder, "head");
  json_builder_begin_object (builder);
  tb_cli_json_add_int (builder, "id", check->head_id);
  tb_cli_json_add_string (builder, "hash", check->head_hash);
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "broken");
  if (check->intact)
    json_builder_add_null_value (builder);
  else
    {
      json_builder_begin_object (builder);
      tb_cli_json_add_string (builder, "table", check->broken_table);
      tb_cli_json_add_int (builder, "id", check->broken_id);
      tb_cli_json_add_string (builder, "problem", check->problem);
      json_builder_end_object (builder);
    }
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  tb_cli_print_json (root);
}

static void
set_broken_error (const TbAuditCheck  *check,
                  GError             **error)
{
  if (g_strcmp0 (check->broken_table, "payments") == 0)
    g_set_error (error, TB_CLI_ERROR, TB_CLI_ERROR_REFUSED,
                 /* TRANSLATORS: %s explains what does not match */
                 _("The book was changed at payment %" PRId64 ": %s"),
                 check->broken_id, check->problem);
  else
    g_set_error (error, TB_CLI_ERROR, TB_CLI_ERROR_REFUSED,
                 /* TRANSLATORS: %s explains what does not match */
                 _("The book was changed at audit row %" PRId64 ": %s"),
                 check->broken_id, check->problem);
}

gboolean
tb_cli_audit_verify (TbCli    *cli,
                     char   ***args,
                     GError  **error)
{
  g_auto(TbAuditCheck) check = { 0 };
  TbLedger *ledger;

  if (!tb_cli_parse_options (cli, NULL, args, 0, 0, error))
    return FALSE;
  ledger = tb_cli_get_ledger (cli, error);
  if (ledger == NULL || !tb_ledger_audit_verify (ledger, &check, error))
    return FALSE;

  if (cli->json)
    print_json (&check);
  else if (check.intact)
    {
      g_print (g_dngettext (GETTEXT_PACKAGE, "The book is intact: %" PRId64 " audit row checked.\n",
                            "The book is intact: %" PRId64 " audit rows checked.\n",
                            (gulong) MIN (check.rows, (gint64) G_MAXLONG)),
               check.rows);
      /* TRANSLATORS: the last audit row's number and hash; keep it with the Z report */
      g_print (_("Chain head: row %" PRId64 ", %s\n"), check.head_id,
               check.head_hash != NULL ? check.head_hash : "-");
    }

  if (!check.intact)
    {
      set_broken_error (&check, error);
      return FALSE;
    }
  return TRUE;
}
