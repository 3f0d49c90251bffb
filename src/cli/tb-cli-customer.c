/* tb-cli-customer.c: tulbur-cli customer …
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "tb-cli.h"

gboolean
tb_cli_customer_add (TbCli    *cli,
                     char   ***args,
                     GError  **error)
{
  g_autofree char *name_arg = NULL;
  g_autofree char *phone_arg = NULL;
  g_autofree char *tin_arg = NULL;
  g_autofree char *name = NULL;
  g_autofree char *phone = NULL;
  g_autofree char *tin = NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonNode) root = NULL;
  TbLedger *ledger;
  gint64 id = 0;
  const GOptionEntry entries[] = {
    { "name", 0, 0, G_OPTION_ARG_STRING, &name_arg,
      N_("The customer’s name (required)"), N_("NAME") },
    { "phone", 0, 0, G_OPTION_ARG_STRING, &phone_arg,
      N_("Phone number"), N_("PHONE") },
    { "tin", 0, 0, G_OPTION_ARG_STRING, &tin_arg,
      N_("Taxpayer number (TIN) for company receipts"), N_("TIN") },
    G_OPTION_ENTRY_NULL
  };

  if (!tb_cli_parse_options (cli, entries, args, 0, 0, error) ||
      !tb_cli_require_option (name_arg, "--name", error))
    return FALSE;

  /* The values of --phone and --tin are never repeated in messages. */
  if (!tb_cli_clean_text (name_arg, "--name", FALSE, 255, &name, error) ||
      !tb_cli_clean_text (phone_arg, "--phone", TRUE, 64, &phone, error) ||
      !tb_cli_clean_text (tin_arg, "--tin", TRUE, 64, &tin, error))
    return FALSE;

  if (!(ledger = tb_cli_get_ledger (cli, error)) ||
      !tb_ledger_add_customer (ledger, name, phone, tin, &id, error))
    return FALSE;

  if (!cli->json)
    {
      /* Just the id, so that scripts can write ID=$(tulbur-cli customer add --name …). */
      g_print ("%" G_GINT64_FORMAT "\n", id);
      return TRUE;
    }

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_int_value (builder, id);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  tb_cli_print_json (root);
  return TRUE;
}
