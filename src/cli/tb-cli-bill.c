/* tb-cli-bill.c: tulbur-cli bill …
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "core/tb-money.h"

#include "core/tb-rules.h"
#include "tb-cli.h"

#define DEFAULT_LIST_LIMIT 100
#define MAX_LIST_LIMIT     100000

typedef struct
{
  const char   *name;
  TbBillFilter  filter;
} StatusFilter;

/* What --status accepts. "open" is OPEN only, like the status a bill shows; "unpaid" is the
 * front desk's "still owes something" (OPEN or PARTIAL). */
static const StatusFilter status_filters[] = {
  { "all",     TB_BILL_FILTER_ALL },
  { "open",    TB_BILL_FILTER_OPEN_ONLY },
  { "partial", TB_BILL_FILTER_PARTIAL },
  { "unpaid",  TB_BILL_FILTER_OPEN },
  { "paid",    TB_BILL_FILTER_PAID },
  { "void",    TB_BILL_FILTER_VOID },
  { "today",   TB_BILL_FILTER_TODAY },
};

static void
print_bill_json (const TbBill *bill)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  tb_cli_build_bill (builder, bill);
  root = json_builder_get_root (builder);
  tb_cli_print_json (root);
}

gboolean
tb_cli_bill_new (TbCli    *cli,
                 char   ***args,
                 GError  **error)
{
  g_autofree char *customer_arg = NULL;
  g_autofree char *note_arg = NULL;
  g_autofree char *note = NULL;
  g_autofree char *number = NULL;
  g_autoptr(TbCustomer) customer = NULL;
  TbLedger *ledger;
  gint64 customer_id = 0;
  gint64 bill_id = 0;
  const GOptionEntry entries[] = {
    { "customer", 0, 0, G_OPTION_ARG_STRING, &customer_arg,
      N_("The customer’s id (default: a walk-in customer)"), N_("ID") },
    { "note", 0, 0, G_OPTION_ARG_STRING, &note_arg,
      N_("A note kept with the bill"), N_("TEXT") },
    G_OPTION_ENTRY_NULL
  };

  if (!tb_cli_parse_options (cli, entries, args, 0, 0, error))
    return FALSE;

  if (customer_arg != NULL && !tb_cli_parse_id (customer_arg, "--customer", &customer_id, error))
    return FALSE;
  if (!tb_cli_clean_text (note_arg, "--note", TRUE, 1000, &note, error))
    return FALSE;

  if (!(ledger = tb_cli_get_ledger (cli, error)))
    return FALSE;

  /* Checked first so that a wrong id is told as such, not as a database constraint. */
  if (customer_id != 0 && !(customer = tb_ledger_get_customer (ledger, customer_id, error)))
    return FALSE;

  if (!tb_ledger_create_bill (ledger, customer_id, note, &bill_id, &number, error))
    return FALSE;

  if (cli->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "id");
      json_builder_add_int_value (builder, bill_id);
      json_builder_set_member_name (builder, "number");
      json_builder_add_string_value (builder, number);
      json_builder_end_object (builder);
      root = json_builder_get_root (builder);
      tb_cli_print_json (root);
    }
  else
    {
      /* Just the number: BILL=$(tulbur-cli bill new). */
      g_print ("%s\n", number);
    }

  return TRUE;
}

gboolean
tb_cli_bill_add_line (TbCli    *cli,
                      char   ***args,
                      GError  **error)
{
  g_autofree char *desc_arg = NULL;
  g_autofree char *qty_arg = NULL;
  g_autofree char *price_arg = NULL;
  g_autofree char *code_arg = NULL;
  g_autofree char *description = NULL;
  g_autofree char *code = NULL;
  g_autoptr(TbBill) bill = NULL;
  g_autoptr(TbBill) updated = NULL;
  gboolean no_vat = FALSE;
  gboolean city_tax = FALSE;
  TbLineInput input = { 0 };
  TbLedger *ledger;
  gint64 line_id = 0;
  const GOptionEntry entries[] = {
    { "desc", 0, 0, G_OPTION_ARG_STRING, &desc_arg,
      N_("What is sold (required)"), N_("TEXT") },
    { "qty", 0, 0, G_OPTION_ARG_STRING, &qty_arg,
      N_("Quantity, such as 1, 2.5 or 0.333 (required)"), N_("Q") },
    { "price", 0, 0, G_OPTION_ARG_STRING, &price_arg,
      N_("Unit price including VAT, such as “12 500” (required)"), N_("P") },
    { "classification", 0, 0, G_OPTION_ARG_STRING, &code_arg,
      N_("Product classification code (7 digits) for the e-receipt"), N_("CODE") },
    { "no-vat", 0, 0, G_OPTION_ARG_NONE, &no_vat,
      N_("The line carries no VAT"), NULL },
    { "city-tax", 0, 0, G_OPTION_ARG_NONE, &city_tax,
      N_("The line carries city tax"), NULL },
    G_OPTION_ENTRY_NULL
  };

  if (!tb_cli_parse_options (cli, entries, args, 1, 1, error) ||
      !tb_cli_require_option (desc_arg, "--desc", error) ||
      !tb_cli_require_option (qty_arg, "--qty", error) ||
      !tb_cli_require_option (price_arg, "--price", error))
    return FALSE;

  if (!tb_cli_clean_text (desc_arg, "--desc", FALSE, 255, &description, error))
    return FALSE;

  if (!tb_quantity_parse (qty_arg, &input.quantity_milli, error))
    {
      g_prefix_error (error, "--qty: ");
      return FALSE;
    }
  if (!tb_rules_line_quantity (input.quantity_milli, error))
    {
      g_prefix_error (error, "--qty: ");
      return FALSE;
    }

  if (!tb_money_parse (price_arg, &input.unit_price, error))
    {
      g_prefix_error (error, "--price: ");
      return FALSE;
    }

  if (code_arg != NULL)
    {
      g_autofree char *clean = NULL;

      if (!tb_cli_clean_text (code_arg, "--classification", FALSE, 7, &clean, error))
        return FALSE;
      if (!tb_rules_classification_code (clean, TRUE, &code, error))
        {
          g_prefix_error (error, "--classification: ");
          return FALSE;
        }
    }

  input.description = description;
  input.classification_code = code;
  input.vat = !no_vat;
  input.city_tax = city_tax;

  if (!(bill = tb_cli_load_bill (cli, (*args)[1], error)))
    return FALSE;
  if (bill->status == TB_BILL_VOID)
    {
      g_set_error (error, TB_CLI_ERROR, TB_CLI_ERROR_REFUSED,
                   _("Bill %s is void; it takes no new lines"), bill->number);
      return FALSE;
    }

  ledger = tb_cli_get_ledger (cli, error);
  if (!tb_ledger_add_line (ledger, bill->id, &input, &line_id, error))
    return FALSE;

  if (!(updated = tb_ledger_get_bill (ledger, bill->id, error)))
    return FALSE;

  if (cli->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "line_id");
      json_builder_add_int_value (builder, line_id);
      json_builder_set_member_name (builder, "bill");
      tb_cli_build_bill (builder, updated);
      json_builder_end_object (builder);
      root = json_builder_get_root (builder);
      tb_cli_print_json (root);
    }
  else
    {
      g_autofree char *total = tb_money_format (updated->total, updated->currency);
      g_autofree char *due = tb_money_format (tb_bill_get_due (updated), updated->currency);

      for (guint i = 0; updated->lines != NULL && i < updated->lines->len; i++)
        {
          const TbBillLine *line = g_ptr_array_index (updated->lines, i);
          g_autofree char *quantity = NULL;
          g_autofree char *price = NULL;
          g_autofree char *amount = NULL;

          if (line->id != line_id)
            continue;
          quantity = tb_quantity_format (line->quantity_milli);
          price = tb_money_format (line->unit_price, updated->currency);
          amount = tb_money_format (line->amount, updated->currency);
          /* TRANSLATORS: "Line added to bill 1042: Consultation, 2 × 6 250 ₮ = 12 500 ₮" */
          g_print (_("Line added to bill %s: %s, %s × %s = %s"),
                   updated->number, line->description, quantity, price, amount);
          g_print ("\n");
        }
      /* TRANSLATORS: "Total: 12 500 ₮, due: 12 500 ₮" */
      g_print (_("Total: %s, due: %s"), total, due);
      g_print ("\n");
    }

  return TRUE;
}

gboolean
tb_cli_bill_show (TbCli    *cli,
                  char   ***args,
                  GError  **error)
{
  g_autoptr(TbBill) bill = NULL;

  if (!tb_cli_parse_options (cli, NULL, args, 1, 1, error))
    return FALSE;

  if (!(bill = tb_cli_load_bill (cli, (*args)[1], error)))
    return FALSE;

  if (cli->json)
    print_bill_json (bill);
  else
    tb_cli_print_bill (bill);
  return TRUE;
}

static void
print_bill_table (GPtrArray *bills)
{
  enum { COL_NUMBER, COL_STATUS, COL_CUSTOMER, COL_TOTAL, COL_PAID, COL_DUE, COL_CREATED,
         N_COLUMNS };
  const gboolean right[N_COLUMNS] = { FALSE, FALSE, FALSE, TRUE, TRUE, TRUE, FALSE };
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  char **header = g_new0 (char *, N_COLUMNS + 1);

  header[COL_NUMBER] = g_strdup (_("Number"));
  header[COL_STATUS] = g_strdup (_("Status"));
  header[COL_CUSTOMER] = g_strdup (_("Customer"));
  header[COL_TOTAL] = g_strdup (_("Total"));
  header[COL_PAID] = g_strdup (_("Paid"));
  header[COL_DUE] = g_strdup (_("Due"));
  header[COL_CREATED] = g_strdup (_("Created"));
  g_ptr_array_add (rows, header);

  for (guint i = 0; i < bills->len; i++)
    {
      const TbBill *bill = g_ptr_array_index (bills, i);
      char **row = g_new0 (char *, N_COLUMNS + 1);

      row[COL_NUMBER] = g_strdup (bill->number);
      row[COL_STATUS] = g_strdup (tb_bill_status_to_label (bill->status));
      /* The name only, never a phone number or TIN. */
      row[COL_CUSTOMER] = g_strdup (bill->customer_name != NULL ? bill->customer_name : "—");
      row[COL_TOTAL] = tb_money_format (bill->total, bill->currency);
      row[COL_PAID] = tb_money_format (bill->paid, bill->currency);
      row[COL_DUE] = tb_money_format (tb_bill_get_due (bill), bill->currency);
      row[COL_CREATED] = tb_cli_format_local (bill->created_us);
      g_ptr_array_add (rows, row);
    }

  tb_cli_print_table (rows, right, N_COLUMNS);
}

gboolean
tb_cli_bill_list (TbCli    *cli,
                  char   ***args,
                  GError  **error)
{
  g_autofree char *status_arg = NULL;
  g_autofree char *limit_arg = NULL;
  g_autoptr(GPtrArray) bills = NULL;
  TbBillFilter filter = TB_BILL_FILTER_ALL;
  TbLedger *ledger;
  guint64 limit = DEFAULT_LIST_LIMIT;
  guint count;
  const GOptionEntry entries[] = {
    { "status", 0, 0, G_OPTION_ARG_STRING, &status_arg,
      N_("Which bills: open, partial, unpaid (open or partial), paid, void, today or all "
         "(the default)"), N_("STATUS") },
    { "limit", 0, 0, G_OPTION_ARG_STRING, &limit_arg,
      N_("At most this many bills (default: 100)"), N_("N") },
    G_OPTION_ENTRY_NULL
  };

  if (!tb_cli_parse_options (cli, entries, args, 0, 0, error))
    return FALSE;

  if (status_arg != NULL)
    {
      gboolean found = FALSE;

      for (guint i = 0; i < G_N_ELEMENTS (status_filters); i++)
        if (g_ascii_strcasecmp (status_arg, status_filters[i].name) == 0)
          {
            filter = status_filters[i].filter;
            found = TRUE;
          }
      if (!found)
        {
          g_set_error (error, TB_CLI_ERROR, TB_CLI_ERROR_INPUT,
                       _("--status: “%s” is not one of open, partial, unpaid, paid, void, "
                         "today, all"),
                       g_utf8_validate (status_arg, -1, NULL) ? status_arg : "?");
          return FALSE;
        }
    }

  if (limit_arg != NULL &&
      (!g_utf8_validate (limit_arg, -1, NULL) || limit_arg[0] == '+' ||
       !g_ascii_string_to_unsigned (limit_arg, 10, 1, MAX_LIST_LIMIT, &limit, NULL)))
    {
      g_set_error (error, TB_CLI_ERROR, TB_CLI_ERROR_INPUT,
                   _("--limit: use a whole number from 1 to %u"), (guint) MAX_LIST_LIMIT);
      return FALSE;
    }

  if (!(ledger = tb_cli_get_ledger (cli, error)))
    return FALSE;

  if (!(bills = tb_ledger_list_bills (ledger, filter, NULL, 0, (guint) limit, error)))
    return FALSE;

  if (cli->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_array (builder);
      for (guint i = 0; i < bills->len; i++)
        tb_cli_build_bill (builder, g_ptr_array_index (bills, i));
      json_builder_end_array (builder);
      root = json_builder_get_root (builder);
      tb_cli_print_json (root);
      return TRUE;
    }

  if (bills->len == 0)
    {
      g_print ("%s\n", _("No bills."));
      return TRUE;
    }

  print_bill_table (bills);

  count = tb_ledger_count_bills (ledger, filter, NULL, NULL);
  if (count > bills->len)
    {
      /* TRANSLATORS: "Showing 100 of 250 bills; use --limit to see more." */
      g_print (ngettext ("Showing %u of %u bill; use --limit to see more.",
                         "Showing %u of %u bills; use --limit to see more.", count),
               bills->len, count);
      g_print ("\n");
    }

  return TRUE;
}
