/* tulbur-cli.c: the ledger without the window, for scripts and support
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <string.h>

#include <glib/gi18n.h>

#include "services/tb-error-advice.h"

#include "tb-cli.h"

/* One row per command. Later commands (qpay …, reconcile, receipt …) are added here and in
 * their own tb-cli-*.c; a name with a space is "group verb", and the group becomes a word
 * `tulbur-cli GROUP --help` knows about. Keep the rows sorted the way --help should list them. */
static const TbCliCommand commands[] = {
  { "customer add", NULL,
    N_("Add a customer and print its id"),
    N_("The phone number and TIN are stored sealed and are never printed."),
    tb_cli_customer_add },
  { "bill new", NULL,
    N_("Create an open bill and print its number"),
    NULL,
    tb_cli_bill_new },
  { "bill add-line", N_("BILL"),
    N_("Add a line to a bill"),
    N_("Prices include VAT. VAT is charged unless --no-vat is given; city tax only with "
       "--city-tax. Amounts accept “12500”, “12 500”, “12,500” and “12500.50”."),
    tb_cli_bill_add_line },
  { "bill show", N_("BILL"),
    N_("Show a bill with its lines and payments"),
    N_("With --json the bill is an object with the keys id, number, status (OPEN, PARTIAL, "
       "PAID or VOID), currency, total, paid, due, vat_e4, city_tax_e4, overpaid, customer, "
       "created, lines and payments. Amounts are integers in minor units (1/100); taxes "
       "(*_e4) in 1/10000."),
    tb_cli_bill_show },
  { "bill list", NULL,
    N_("List bills, newest first"),
    NULL,
    tb_cli_bill_list },
  { "pay", N_("BILL"),
    N_("Record a cash or card payment"),
    N_("The amount must be more than zero. A payment larger than what is still due is "
       "refused unless --allow-overpay is given; the bill is then marked overpaid. A void "
       "bill takes no payments.\n"
       "With --ref the reference identifies the payment: repeating the same command "
       "records nothing new and reports that the payment was already recorded (exit 0)."),
    tb_cli_pay },
  { "export csv", NULL,
    N_("Export payments as CSV (RFC 4180, UTF-8)"),
    N_("Dates are local calendar days; --to includes the whole day. Without --out the CSV "
       "goes to standard output.\n"
       "By default the CSV is for scripts: RFC 4180, UTF-8 without a byte order mark, every "
       "cell as it is in the ledger (refunds are negative amounts). With --for-spreadsheet "
       "it starts with a UTF-8 byte order mark, so that Excel reads Cyrillic, and a text "
       "cell that begins with =, +, -, @, a tab or a carriage return starts with a single "
       "quote, so that no spreadsheet runs it as a formula; numbers, negative ones "
       "included, stay numbers."),
    tb_cli_export_csv },
  { "key export", NULL,
    N_("Print the ledger’s recovery key"),
    N_("The key that seals customers’ phone and register numbers lives in the file beside the "
       "ledger (LEDGER.key), never inside it. Without that key the ledger does not open. Print "
       "the recovery key on paper and keep it apart from the computer and its backups: it is "
       "as secret as the data it protects.\n"
       "With --json: an object with key and fingerprint."),
    tb_cli_key_export },
  { "key import", NULL,
    N_("Put a ledger’s key back from its recovery key"),
    N_("Reads the recovery key from standard input (or --file), checks it for typos and "
       "against the ledger, and writes LEDGER.key (readable by you only). An existing key "
       "file is never replaced: move it away first if it is the wrong one.\n"
       "With --json: an object with key_file and fingerprint."),
    tb_cli_key_import },
  { "qpay invoice", N_("BILL"),
    N_("Make (or show again) the QPay QR for a bill"),
    N_("The amount is what is still due unless --amount is given; QPay takes whole tögrög "
       "and at least 10 ₮. Running the command again for the same bill and amount shows "
       "the same QR; a different amount cancels the bill’s earlier QR first.\n"
       "With --json: an object with intent, bill, invoice_id, sender_invoice_no, state, "
       "amount, paid, environment, created, expires, checks, last_check, last_error, qr_text, "
       "short_url, reused and links. Amounts are integers in minor units (1/100).\n"
       "QPay is configured by the environment: QPAY_CLIENT_ID, QPAY_CLIENT_SECRET and "
       "QPAY_INVOICE_CODE (required), QPAY_ENV (simulator, sandbox or live; default live), "
       "QPAY_BASE_URL (required for the simulator), QPAY_BRANCH_CODE, QPAY_CALLBACK_URL and "
       "QPAY_TIMEOUT_MS (optional)."),
    tb_cli_qpay_invoice },
  { "qpay check", N_("INTENT"),
    N_("Ask QPay whether a QR was paid and record what was"),
    N_("Each QPay payment is recorded once, however often the command runs. The exit status "
       "is 0 whether or not anything was paid.\n"
       "With --json: an object with intent, state (NEW, PENDING, PAID, CANCELLED, EXPIRED or "
       "FAILED), settled (payments recorded by this run), settled_amount, amount, paid, "
       "invoice_id, bill, bill_status, due, overpaid, receipts (e-receipts registered by this "
       "run) and receipts_failed.\n"
       "With QPAY_EBARIMT_ENABLED=1 the e-receipts of the payments recorded, and any others "
       "that are due, are issued right after; see “tulbur-cli receipt --help”."),
    tb_cli_qpay_check },
  { "qpay cancel", N_("INTENT"),
    N_("Cancel a QR so that it can no longer be paid"),
    N_("A QR that turns out to be paid is not cancelled: its payment is recorded instead. "
       "With --json: the same object as qpay check."),
    tb_cli_qpay_cancel },
  { "qpay list", NULL,
    N_("List QR payments, newest first"),
    N_("With --json: an array of objects with intent, bill, invoice_id, sender_invoice_no, "
       "state, amount, paid, environment, created, expires, checks, last_check and "
       "last_error."),
    tb_cli_qpay_list },
  { "reconcile", NULL,
    N_("Check open QR payments with QPay and record what was paid"),
    N_("Without --once it runs until interrupted (Ctrl+C or SIGTERM), one pass per "
       "interval, printing a line per pass; a QR checked within the last two minutes waits "
       "for a later pass. QR payments older than 24 hours are left alone; those past their "
       "lifetime are checked a last time and expired.\n"
       "With QPAY_EBARIMT_ENABLED=1 every pass also issues the e-receipts that are due.\n"
       "With --once the run ends by --deadline (default 120 seconds); it exits 1, saying "
       "what failed, when a check failed or the deadline passed (the counts are printed all "
       "the same).\n"
       "With --json: --once prints an object with checked, settled, expired, failed, receipts "
       "(e-receipts registered) and receipts_failed; the continuous mode prints one such "
       "object per line, with the time."),
    tb_cli_reconcile },
  { "receipt show", N_("BILL"),
    N_("Show the e-receipts (Ebarimt) of a bill"),
    N_("One e-receipt per QPay payment: its state (PENDING, REGISTERED, ERROR, SKIPPED or "
       "CANCELLED), ДДТД, lottery number, attempts, next attempt, last error and how many "
       "times it was printed. Receivers are shown masked (99****33).\n"
       "With --layout 32 or 48 the registered receipt (the newest, or --receipt) is printed "
       "as text as it would print now on 58 mm or 80 mm paper: once it has been printed, "
       "marked COPY. This preview is not counted as a print. The business name, TIN and "
       "address come as for receipt pdf.\n"
       "With --json: an object with bill and receipts, an array of objects with id, "
       "payment_id, provider_txn_id, amount, state, receipt_id, lottery, qr_data, "
       "receiver_type, receiver (masked), district_code, classification_code, attempts, "
       "next_attempt, last_error_key, last_error, outcome_unknown (true when a request's "
       "answer was lost and QPay could not say whether it registered the receipt: check it "
       "at QPay, Tulbur will not send it again on its own), copies and registered."),
    tb_cli_receipt_show },
  { "receipt retry", N_("BILL"),
    N_("Issue a bill’s waiting and failed e-receipts now"),
    N_("Every PENDING or ERROR e-receipt of the bill is sent to QPay at once, whatever its "
       "schedule, and the outcome is printed (with --json: the same object as receipt show). "
       "The exit status is 1 when any of them still failed; the reason is printed.\n"
       "Needs the QPAY_* variables of qpay invoice and QPAY_EBARIMT_ENABLED=1; "
       "QPAY_EBARIMT_DEFAULT_RECEIVER_TYPE (CITIZEN or COMPANY), "
       "QPAY_EBARIMT_DEFAULT_DISTRICT_CODE and QPAY_EBARIMT_DEFAULT_CLASSIFICATION_CODE are "
       "the defaults for bills without their own."),
    tb_cli_receipt_retry },
  { "receipt pdf", N_("BILL"),
    N_("Write a bill’s registered e-receipt to a PDF file"),
    N_("The newest registered e-receipt of the bill, or --receipt. The first PDF made of a "
       "receipt is the original; every later one is a reprint marked “COPY n”, where n "
       "counts the PDFs made of that receipt (the first reprint is COPY 2). Each PDF is "
       "counted, with a receipt.reprint row in the audit log, before it is written.\n"
       "The business name, TIN and address printed on top come from TULBUR_BUSINESS_NAME, "
       "TULBUR_BUSINESS_TIN and TULBUR_BUSINESS_ADDRESS, else from the app’s Preferences; "
       "the name is required."),
    tb_cli_receipt_pdf },
  { "receipts list", NULL,
    N_("List e-receipts, newest first"),
    N_("Receivers are shown masked (99****33).\n"
       "With --json: an array of objects with bill and the keys of receipt show."),
    tb_cli_receipts_list },
  { "audit verify", NULL,
    N_("Check that no one rewrote the book"),
    N_("The audit log is a hash chain over itself and the payments it records. This walks "
       "it from the first row and prints the number of rows and the chain head (the last "
       "row and its hash): keep the head (it is printed on the Z report) to compare later. "
       "The exit status is 1, naming the first broken row and what does not match, when a "
       "row or a payment was changed, removed or added outside Tulbur.\n"
       "With --json: an object with intact, rows, head (id and hash; the last sound row when "
       "broken) and broken (null, or "
       "table, id and problem)."),
    tb_cli_audit_verify },
};

const TbCliCommand *
tb_cli_get_commands (guint *n_commands)
{
  *n_commands = G_N_ELEMENTS (commands);
  return commands;
}

static gboolean
command_in_group (const TbCliCommand *command,
                  const char         *group)
{
  gsize len = strlen (group);

  return strncmp (command->name, group, len) == 0 && command->name[len] == ' ';
}

static gboolean
is_group (const char *word)
{
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (command_in_group (&commands[i], word))
      return TRUE;
  return FALSE;
}

static const TbCliCommand *
find_command (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (g_strcmp0 (commands[i].name, name) == 0)
      return &commands[i];
  return NULL;
}

/* "Commands:\n  bill new   Create …": the commands of @group, or all of them. */
static char *
describe_commands (const char *group)
{
  GString *out = g_string_new (_("Commands:"));
  guint width = 0;

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    width = MAX (width, strlen (commands[i].name));

  g_string_append_c (out, '\n');
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      g_autofree char *name = NULL;

      if (group != NULL && !command_in_group (&commands[i], group))
        continue;
      name = tb_cli_pad (commands[i].name, width, FALSE);
      g_string_append_printf (out, "  %s   %s\n", name, _(commands[i].summary));
    }
  return g_string_free (out, FALSE);
}

static void
print_help_hint (const char *command_name)
{
  /* TRANSLATORS: %s is a command such as "tulbur-cli" or "tulbur-cli bill show" */
  g_printerr (_("Try “%s --help” for more information."), command_name);
  g_printerr ("\n");
}

static void
print_usage_error (const char *command_name,
                   const char *message)
{
  g_printerr ("tulbur-cli: %s\n", message);
  print_help_hint (command_name);
}

/* `tulbur-cli bill` or `tulbur-cli bill --help`: the group's own help. */
static int
run_group (const char  *group,
           int          argc,
           char       **argv)
{
  g_autofree char *prgname = g_strdup_printf ("tulbur-cli %s", group);
  g_autofree char *list = describe_commands (group);
  g_autoptr(GOptionContext) context = g_option_context_new (_("COMMAND"));
  g_auto(GStrv) args = g_new0 (char *, argc + 1);
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;

  args[0] = g_strdup (prgname);
  for (int i = 1; i < argc; i++)
    args[i] = g_strdup (argv[i]);

  g_set_prgname (prgname);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_description (context, list);
  if (!g_option_context_parse_strv (context, &args, &error))
    {
      print_usage_error (prgname, error->message);
      return TB_CLI_EXIT_USAGE;
    }

  if (args[1] != NULL)
    /* TRANSLATORS: "Unknown command “bill frob”" */
    message = g_strdup_printf (_("Unknown command “%s %s”"), group, args[1]);
  else
    /* TRANSLATORS: %s is a command group such as "bill" */
    message = g_strdup_printf (_("“%s” needs a command"), group);
  g_printerr ("tulbur-cli: %s\n%s", message, list);
  print_help_hint (prgname);
  return TB_CLI_EXIT_USAGE;
}

static int
run_command (TbCli              *cli,
             const TbCliCommand *command,
             int                 argc,
             char              **argv)
{
  g_autofree char *prgname = g_strdup_printf ("tulbur-cli %s", command->name);
  g_auto(GStrv) args = g_new0 (char *, argc + 1);
  g_autoptr(GError) error = NULL;
  gboolean ok;

  args[0] = g_strdup (prgname);
  for (int i = 1; i < argc; i++)
    args[i] = g_strdup (argv[i]);

  cli->command = command;
  ok = command->run (cli, &args, &error);

  if (ok && (fflush (stdout) != 0 || ferror (stdout)))
    {
      g_set_error_literal (&error, TB_CLI_ERROR, TB_CLI_ERROR_OUTPUT,
                           _("Could not write to standard output"));
      ok = FALSE;
    }

  if (ok)
    return TB_CLI_EXIT_OK;

  g_assert (error != NULL);
  if (error->domain == G_OPTION_ERROR ||
      g_error_matches (error, TB_CLI_ERROR, TB_CLI_ERROR_USAGE))
    {
      print_usage_error (prgname, error->message);
      return TB_CLI_EXIT_USAGE;
    }

  g_printerr ("tulbur-cli: %s\n", error->message);
  /* What to do next, when the cause is one the services know (not a typo on the command line:
   * those messages already say what to type). */
  if (tb_error_has_advice (error) && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) &&
      g_strcmp0 (tb_error_advice (error), tb_error_advice (NULL)) != 0)
    g_printerr ("%s\n", tb_error_advice (error));
  return TB_CLI_EXIT_ERROR;
}

int
main (int    argc,
      char **argv)
{
  g_auto(TbCli) cli = { 0 };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *list = NULL;
  g_autofree char *description = NULL;
  g_autofree char *default_db = NULL;
  g_autofree char *ledger_note = NULL;
  g_autofree char *name = NULL;
  const TbCliCommand *command;
  gboolean version = FALSE;
  gboolean dump_man = FALSE;
  gboolean dump_bash = FALSE;
  const GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &cli.db_path,
      N_("The ledger file"), N_("FILE") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &cli.json,
      N_("Print JSON instead of text"), NULL },
    { "version", 0, 0, G_OPTION_ARG_NONE, &version,
      N_("Print the version and exit"), NULL },
    /* For the build: the man page and the bash completion (tb-cli-docs.c). */
    { "dump-man", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_NONE, &dump_man, NULL, NULL },
    { "dump-bash-completion", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_NONE, &dump_bash, NULL, NULL },
    G_OPTION_ENTRY_NULL
  };

  tb_cli_setup_process ();
  setlocale (LC_ALL, "");
  /* TULBUR_LOCALEDIR lets an uninstalled build (build-aux/tulbur-dev run) use the catalogues
   * it compiled, so LANGUAGE=mn works before `meson install`. */
  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("TULBUR_LOCALEDIR") != NULL ? g_getenv ("TULBUR_LOCALEDIR")
                                                                           : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  g_set_prgname ("tulbur-cli");

  list = describe_commands (NULL);
  default_db = tb_ledger_default_path ();
  ledger_note = g_strdup_printf (_("The ledger is the --db file, else $TULBUR_DB, else "
                                   "tulbur/tulbur.db in the user data directory. "
                                   "Without --db now: %s"),
                                 default_db);
  description = g_strdup_printf ("%s\n%s\n\n%s\n%s\n",
                                 list,
                                 _("Run “tulbur-cli COMMAND --help” for the options of a command."),
                                 ledger_note,
                                 _("Exit status: 0 done, 1 refused or failed (the reason is "
                                   "printed), 2 wrong command line."));
  context = g_option_context_new (_("COMMAND [ARGUMENT…]"));
  g_option_context_set_summary (context, _("Bills, payments and exports from the Tulbur ledger."));
  g_option_context_set_description (context, description);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  /* Stop at the command: what follows belongs to the command's own options. */
  g_option_context_set_strict_posix (context, TRUE);

  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      print_usage_error ("tulbur-cli", error->message);
      return TB_CLI_EXIT_USAGE;
    }

  if (dump_man || dump_bash)
    {
      g_autofree char *text = dump_man ? tb_cli_docs_man (entries) : tb_cli_docs_bash (entries);

      fputs (text, stdout);
      return fflush (stdout) == 0 && !ferror (stdout) ? TB_CLI_EXIT_OK : TB_CLI_EXIT_ERROR;
    }

  if (version)
    {
      g_print ("tulbur-cli %s\n", PACKAGE_VERSION);
      return TB_CLI_EXIT_OK;
    }

  if (argc < 2)
    {
      print_usage_error ("tulbur-cli", _("Missing command"));
      return TB_CLI_EXIT_USAGE;
    }

  if (is_group (argv[1]))
    {
      if (argc < 3 || argv[2][0] == '-')
        return run_group (argv[1], argc - 1, argv + 1);
      name = g_strdup_printf ("%s %s", argv[1], argv[2]);
      command = find_command (name);
      if (command == NULL)
        return run_group (argv[1], argc - 1, argv + 1);
      return run_command (&cli, command, argc - 2, argv + 2);
    }

  command = find_command (argv[1]);
  if (command == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("Unknown command “%s”"), argv[1]);

      print_usage_error ("tulbur-cli", message);
      return TB_CLI_EXIT_USAGE;
    }

  return run_command (&cli, command, argc - 1, argv + 1);
}
