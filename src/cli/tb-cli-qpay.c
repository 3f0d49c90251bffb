/* tb-cli-qpay.c: tulbur-cli qpay …
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <inttypes.h>

#include <glib/gi18n.h>

#include "core/tb-money.h"
#include "providers/tb-payment-provider.h"

#include "tb-cli.h"

/* QPay takes tögrög only. */
#define QPAY_CURRENCY      "MNT"
#define DEFAULT_LIST_LIMIT 100
#define MAX_LIST_LIMIT     1000

static const char *
intent_state_label (TbIntentState state)
{
  switch (state)
    {
    case TB_INTENT_NEW:
      return C_("QR state", "Being created");
    case TB_INTENT_PENDING:
      return C_("QR state", "Waiting for payment");
    case TB_INTENT_PAID:
      return C_("QR state", "Paid");
    case TB_INTENT_CANCELLED:
      return C_("QR state", "Cancelled");
    case TB_INTENT_EXPIRED:
      return C_("QR state", "Expired");
    case TB_INTENT_FAILED:
      return C_("QR state", "Failed");
    default:
      return "?";
    }
}

/* The members every intent has in JSON (see `tulbur-cli qpay list --help`). */
static void
build_intent_members (JsonBuilder    *builder,
                      const TbIntent *intent)
{
  tb_cli_json_add_int (builder, "intent", intent->id);
  tb_cli_json_add_string (builder, "bill", intent->bill_number);
  tb_cli_json_add_string (builder, "invoice_id", intent->provider_invoice_id);
  tb_cli_json_add_string (builder, "sender_invoice_no", intent->sender_invoice_no);
  tb_cli_json_add_string (builder, "state", tb_intent_state_to_string (intent->state));
  tb_cli_json_add_int (builder, "amount", intent->amount);
  tb_cli_json_add_int (builder, "paid", intent->paid);
  tb_cli_json_add_string (builder, "environment", intent->environment);
  tb_cli_json_add_time (builder, "created", intent->created_us);
  tb_cli_json_add_time (builder, "expires", intent->expires_us);
  tb_cli_json_add_int (builder, "checks", intent->check_count);
  tb_cli_json_add_time (builder, "last_check", intent->last_check_us);
  tb_cli_json_add_string (builder, "last_error", intent->last_error);
}

static void
print_builder (JsonBuilder *builder)
{
  g_autoptr(JsonNode) root = json_builder_get_root (builder);

  tb_cli_print_json (root);
}

/* INTENT on the command line: a positive id. */
static gboolean
parse_intent_id (const char  *text,
                 gint64      *out_id,
                 GError     **error)
{
  /* TRANSLATORS: the INTENT argument of `tulbur-cli qpay check INTENT` */
  return tb_cli_parse_id (text, _("INTENT"), out_id, error);
}

/* ---- qpay invoice ---- */

static void
print_invoice_json (const TbIntent *intent,
                    gboolean        reused)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(GPtrArray) links = tb_provider_links_from_json (intent->deep_links);

  json_builder_begin_object (builder);
  build_intent_members (builder, intent);
  tb_cli_json_add_string (builder, "qr_text", intent->qr_text);
  tb_cli_json_add_string (builder, "short_url", intent->short_url);
  json_builder_set_member_name (builder, "reused");
  json_builder_add_boolean_value (builder, reused);
  json_builder_set_member_name (builder, "links");
  json_builder_begin_array (builder);
  for (guint i = 0; i < links->len; i++)
    {
      const TbProviderLink *link = g_ptr_array_index (links, i);

      json_builder_begin_object (builder);
      tb_cli_json_add_string (builder, "name", link->name);
      tb_cli_json_add_string (builder, "description", link->description);
      tb_cli_json_add_string (builder, "link", link->link);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  print_builder (builder);
}

static void
print_invoice_text (const TbIntent *intent,
                    gboolean        reused)
{
  g_autofree char *amount = tb_money_format (intent->amount, QPAY_CURRENCY);
  g_autoptr(GPtrArray) links = tb_provider_links_from_json (intent->deep_links);

  /* TRANSLATORS: "QR for bill 1042: 12 500 ₮ (Waiting for payment)" */
  g_print (_("QR for bill %s: %s (%s)"), intent->bill_number, amount,
           intent_state_label (intent->state));
  g_print ("\n");
  if (reused)
    g_print ("%s\n", _("This bill already had this QR; it is shown again, not made anew."));

  g_print ("%s %" G_GINT64_FORMAT "\n", _("Intent:"), intent->id);
  if (intent->provider_invoice_id != NULL)
    g_print ("%s %s\n", _("Invoice:"), intent->provider_invoice_id);
  g_print ("%s %s\n", _("Sender invoice no.:"), intent->sender_invoice_no);
  if (intent->expires_us != 0)
    {
      g_autofree char *expires = tb_cli_format_local (intent->expires_us);

      g_print ("%s %s\n", _("Expires:"), expires);
    }
  if (intent->short_url != NULL)
    g_print ("%s %s\n", _("Short link:"), intent->short_url);
  if (intent->qr_text != NULL)
    g_print ("%s %s\n", _("QR text:"), intent->qr_text);

  if (links->len > 0)
    {
      g_print ("%s\n", _("Bank apps:"));
      for (guint i = 0; i < links->len; i++)
        {
          const TbProviderLink *link = g_ptr_array_index (links, i);

          if (link->link == NULL)
            continue;
          if (link->description != NULL && g_strcmp0 (link->description, link->name) != 0)
            g_print ("  %s (%s): %s\n", link->name != NULL ? link->name : "?",
                     link->description, link->link);
          else
            g_print ("  %s: %s\n", link->name != NULL ? link->name : "?", link->link);
        }
    }
}

gboolean
tb_cli_qpay_invoice (TbCli    *cli,
                     char   ***args,
                     GError  **error)
{
  g_autofree char *amount_arg = NULL;
  g_autoptr(TbBill) bill = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(TbIntent) intent = NULL;
  TbPaymentService *service;
  gint64 amount = 0;
  gint64 due;
  gint64 started_us;
  const GOptionEntry entries[] = {
    { "amount", 0, 0, G_OPTION_ARG_STRING, &amount_arg,
      N_("The amount to ask for, such as “12 500” (default: what is still due)"), N_("A") },
    G_OPTION_ENTRY_NULL
  };

  if (!tb_cli_parse_options (cli, entries, args, 1, 1, error))
    return FALSE;

  if (amount_arg != NULL && !tb_money_parse_positive (amount_arg, &amount, error))
    {
      g_prefix_error (error, "--amount: ");
      return FALSE;
    }

  if (!(service = tb_cli_get_payment_service (cli, error)))
    return FALSE;
  if (!(bill = tb_cli_load_bill (cli, (*args)[1], error)))
    return FALSE;

  if (bill->status == TB_BILL_VOID)
    {
      g_set_error (error, TB_CLI_ERROR, TB_CLI_ERROR_REFUSED,
                   _("Bill %s is void; it takes no payments"), bill->number);
      return FALSE;
    }

  due = tb_bill_get_due (bill);
  if (amount_arg == NULL)
    {
      if (due <= 0)
        {
          g_set_error (error, TB_CLI_ERROR, TB_CLI_ERROR_REFUSED,
                       _("Nothing is due on bill %s; no QR was made"), bill->number);
          return FALSE;
        }
      amount = due;
    }

  /* Also checked by the service for a new QR; checked here for a reused one too, so that a
   * QR for more than is still owed (cash was paid since) is never shown again. */
  if (!tb_payment_service_validate_amount (service, amount, due, error))
    {
      if (amount_arg != NULL)
        g_prefix_error (error, "--amount: ");
      return FALSE;
    }

  started_us = g_get_real_time ();
  tb_payment_service_open_async (service, bill->id, amount, NULL, tb_cli_store_result, &result);
  tb_cli_wait (&result);
  if (!(intent = tb_payment_service_open_finish (service, result, error)))
    return FALSE;

  /* An intent older than this command was committed by an earlier run (perhaps one that was
   * interrupted): the same QR and sender_invoice_no are shown again. */
  if (cli->json)
    print_invoice_json (intent, intent->created_us < started_us);
  else
    print_invoice_text (intent, intent->created_us < started_us);

  return TRUE;
}

/* ---- qpay check / qpay cancel ---- */

static void
print_outcome_json (const TbCheckOutcome *outcome,
                    const TbIntent       *intent,
                    const TbBill         *bill,
                    const TbReceiptStats *receipts)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  tb_cli_json_add_int (builder, "intent", outcome->intent_id);
  tb_cli_json_add_string (builder, "state", tb_intent_state_to_string (outcome->state));
  tb_cli_json_add_int (builder, "settled", outcome->newly_settled);
  tb_cli_json_add_int (builder, "settled_amount", outcome->settled_amount);
  tb_cli_json_add_int (builder, "amount", intent->amount);
  tb_cli_json_add_int (builder, "paid", intent->paid);
  tb_cli_json_add_string (builder, "invoice_id", intent->provider_invoice_id);
  tb_cli_json_add_string (builder, "bill", bill->number);
  tb_cli_json_add_string (builder, "bill_status", tb_bill_status_to_string (outcome->bill_status));
  tb_cli_json_add_int (builder, "due", outcome->bill_due);
  json_builder_set_member_name (builder, "overpaid");
  json_builder_add_boolean_value (builder, outcome->overpaid);
  tb_cli_json_add_int (builder, "receipts", receipts->registered);
  tb_cli_json_add_int (builder, "receipts_failed", receipts->failed);
  json_builder_end_object (builder);
  print_builder (builder);
}

/* What issuing the due e-receipts after the check did; nothing when receipts are off. */
static void
print_receipts_text (const TbReceiptStats *receipts)
{
  if (receipts->registered > 0)
    {
      /* TRANSLATORS: e-receipts (Ebarimt) registered with the tax office by this command */
      g_print (ngettext ("E-receipt registered: %u", "E-receipts registered: %u",
                         receipts->registered),
               receipts->registered);
      g_print ("\n");
    }
  if (receipts->failed > 0)
    {
      /* TRANSLATORS: %u e-receipts failed; the quoted command lists them with the reason */
      g_print (ngettext ("E-receipt failed: %u (see “tulbur-cli receipts list --state error”)",
                         "E-receipts failed: %u (see “tulbur-cli receipts list --state error”)",
                         receipts->failed),
               receipts->failed);
      g_print ("\n");
    }
}

static void
print_bill_line (const TbCheckOutcome *outcome,
                 const TbBill         *bill)
{
  g_autofree char *due = tb_money_format (outcome->bill_due, bill->currency);

  /* TRANSLATORS: "Bill 1042: Partly paid; due: 2 500 ₮" */
  g_print (_("Bill %s: %s; due: %s"), bill->number, tb_bill_status_to_label (outcome->bill_status),
           due);
  g_print ("\n");

  if (outcome->overpaid)
    {
      g_autofree char *over = tb_money_format (MAX (bill->paid - bill->total, 0), bill->currency);

      g_print (_("The bill is overpaid by %s."), over);
      g_print ("\n");
    }
}

static void
print_settled (const TbCheckOutcome *outcome,
               const TbBill         *bill)
{
  g_autofree char *amount = tb_money_format (outcome->settled_amount, bill->currency);

  /* TRANSLATORS: "Paid: 12 500 ₮ recorded (1 payment)" */
  g_print (ngettext ("Paid: %s recorded (%u payment)",
                     "Paid: %s recorded (%u payments)", outcome->newly_settled),
           amount, outcome->newly_settled);
  g_print ("\n");
}

static void
print_check_text (const TbCheckOutcome *outcome,
                  const TbIntent       *intent,
                  const TbBill         *bill)
{
  if (outcome->newly_settled > 0)
    print_settled (outcome, bill);

  switch (outcome->state)
    {
    case TB_INTENT_NEW:
    case TB_INTENT_PENDING:
      if (outcome->newly_settled == 0)
        g_print ("%s\n", _("Still waiting for payment"));
      else
        g_print ("%s\n", _("Part of the QR amount is paid; still waiting for the rest"));
      break;

    case TB_INTENT_PAID:
      if (outcome->newly_settled == 0)
        g_print ("%s\n", _("Already paid; nothing new was recorded"));
      break;

    case TB_INTENT_CANCELLED:
      g_print ("%s\n", _("This QR was cancelled"));
      break;

    case TB_INTENT_EXPIRED:
      g_print ("%s\n", _("This QR expired"));
      break;

    case TB_INTENT_FAILED:
    default:
      /* TRANSLATORS: %s is the reason QPay gave, already translated */
      g_print (_("This QR could not be made: %s"),
               intent->last_error != NULL ? intent->last_error : "?");
      g_print ("\n");
      break;
    }

  print_bill_line (outcome, bill);
}

static void
print_cancel_text (const TbCheckOutcome *outcome,
                   const TbIntent       *intent,
                   const TbBill         *bill)
{
  if (outcome->newly_settled > 0)
    print_settled (outcome, bill);

  switch (outcome->state)
    {
    case TB_INTENT_CANCELLED:
      g_print ("%s\n", _("QR cancelled; it can no longer be paid"));
      break;

    case TB_INTENT_PAID:
      g_print ("%s\n", _("The QR had already been paid, so it was not cancelled; the payment "
                         "is recorded"));
      break;

    case TB_INTENT_EXPIRED:
      g_print ("%s\n", _("This QR had already expired"));
      break;

    case TB_INTENT_FAILED:
      g_print ("%s\n", _("This QR was never made; there was nothing to cancel"));
      break;

    case TB_INTENT_NEW:
    case TB_INTENT_PENDING:
    default:
      /* TRANSLATORS: %s is a state such as "Waiting for payment" */
      g_print (_("The QR is still open (%s)"), intent_state_label (outcome->state));
      g_print ("\n");
      break;
    }

  print_bill_line (outcome, bill);
}

typedef enum
{
  INTENT_CHECK,
  INTENT_CANCEL,
} IntentAction;

static gboolean
run_intent_action (TbCli         *cli,
                   char        ***args,
                   IntentAction   action,
                   GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(TbIntent) before = NULL;
  g_autoptr(TbIntent) after = NULL;
  g_autoptr(TbBill) bill = NULL;
  TbPaymentService *service;
  TbPaymentProvider *provider;
  g_autoptr(GError) receipt_error = NULL;
  TbCheckOutcome outcome = { 0 };
  TbReceiptStats receipts = { 0 };
  TbLedger *ledger;
  gint64 intent_id = 0;
  gboolean ok;

  if (!tb_cli_parse_options (cli, NULL, args, 1, 1, error))
    return FALSE;
  if (!parse_intent_id ((*args)[1], &intent_id, error))
    return FALSE;

  if (!(service = tb_cli_get_payment_service (cli, error)))
    return FALSE;
  ledger = tb_payment_service_get_ledger (service);

  /* An unknown id is told as such before anything goes to QPay. */
  if (!(before = tb_ledger_get_intent (ledger, intent_id, error)))
    return FALSE;

  /* The invoice lives at the provider and environment that made it: asking another one (a
   * sandbox intent with live credentials) could only fail, and confusingly. */
  provider = tb_payment_service_get_provider (service);
  if (g_strcmp0 (before->provider, tb_payment_provider_get_name (provider)) != 0 ||
      g_strcmp0 (before->environment, tb_payment_provider_get_environment (provider)) != 0)
    {
      g_set_error (error, TB_CLI_ERROR, TB_CLI_ERROR_REFUSED,
                   /* TRANSLATORS: "Intent 12 was made with QPAY in the sandbox environment, but
                    * QPAY_ENV now selects live" */
                   _("Intent %" PRId64 " was made with %s in the %s environment, but "
                     "QPAY_ENV now selects %s"),
                   intent_id, before->provider, before->environment,
                   tb_payment_provider_get_environment (provider));
      return FALSE;
    }

  if (action == INTENT_CHECK)
    tb_payment_service_check_async (service, intent_id, NULL, tb_cli_store_result, &result);
  else
    tb_payment_service_cancel_async (service, intent_id, NULL, tb_cli_store_result, &result);
  tb_cli_wait (&result);

  if (action == INTENT_CHECK)
    ok = tb_payment_service_check_finish (service, result, &outcome, error);
  else
    ok = tb_payment_service_cancel_finish (service, result, &outcome, error);
  if (!ok)
    return FALSE;

  /* The payments are recorded: now their e-receipts (issue #6), never before settlement and
   * never in its way. A failure here (the ledger was busy) leaves the receipts due for the
   * next run or reconcile pass, so the command still succeeds. */
  if (!tb_cli_issue_receipts (cli, &receipts, &receipt_error))
    {
      g_printerr ("tulbur-cli: ");
      /* TRANSLATORS: %s is the reason */
      g_printerr (_("E-receipts were not issued now; they will be tried again: %s"),
                  receipt_error->message);
      g_printerr ("\n");
    }

  if (!(after = tb_ledger_get_intent (ledger, intent_id, error)) ||
      !(bill = tb_ledger_get_bill (ledger, after->bill_id, error)))
    return FALSE;

  if (cli->json)
    print_outcome_json (&outcome, after, bill, &receipts);
  else
    {
      if (action == INTENT_CHECK)
        print_check_text (&outcome, after, bill);
      else
        print_cancel_text (&outcome, after, bill);
      print_receipts_text (&receipts);
    }

  return TRUE;
}

gboolean
tb_cli_qpay_check (TbCli    *cli,
                   char   ***args,
                   GError  **error)
{
  return run_intent_action (cli, args, INTENT_CHECK, error);
}

gboolean
tb_cli_qpay_cancel (TbCli    *cli,
                    char   ***args,
                    GError  **error)
{
  return run_intent_action (cli, args, INTENT_CANCEL, error);
}

/* ---- qpay list ---- */

static void
print_intent_table (GPtrArray *intents)
{
  enum { COL_ID, COL_BILL, COL_STATE, COL_AMOUNT, COL_PAID, COL_CREATED, COL_CHECKS,
         N_COLUMNS };
  const gboolean right[N_COLUMNS] = { TRUE, FALSE, FALSE, TRUE, TRUE, FALSE, TRUE };
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  char **header = g_new0 (char *, N_COLUMNS + 1);

  header[COL_ID] = g_strdup (_("Intent"));
  header[COL_BILL] = g_strdup (_("Bill"));
  header[COL_STATE] = g_strdup (_("State"));
  header[COL_AMOUNT] = g_strdup (_("Amount"));
  header[COL_PAID] = g_strdup (_("Paid"));
  header[COL_CREATED] = g_strdup (_("Created"));
  /* TRANSLATORS: a column: how many times the payment was checked with QPay */
  header[COL_CHECKS] = g_strdup (_("Checks"));
  g_ptr_array_add (rows, header);

  for (guint i = 0; i < intents->len; i++)
    {
      const TbIntent *intent = g_ptr_array_index (intents, i);
      char **row = g_new0 (char *, N_COLUMNS + 1);

      row[COL_ID] = g_strdup_printf ("%" G_GINT64_FORMAT, intent->id);
      row[COL_BILL] = g_strdup (intent->bill_number != NULL ? intent->bill_number : "?");
      row[COL_STATE] = g_strdup (intent_state_label (intent->state));
      row[COL_AMOUNT] = tb_money_format (intent->amount, QPAY_CURRENCY);
      row[COL_PAID] = tb_money_format (intent->paid, QPAY_CURRENCY);
      row[COL_CREATED] = tb_cli_format_local (intent->created_us);
      row[COL_CHECKS] = g_strdup_printf ("%d", intent->check_count);
      g_ptr_array_add (rows, row);
    }

  tb_cli_print_table (rows, right, N_COLUMNS);
}

gboolean
tb_cli_qpay_list (TbCli    *cli,
                  char   ***args,
                  GError  **error)
{
  g_autofree char *state_arg = NULL;
  g_autofree char *bill_arg = NULL;
  g_autofree char *limit_arg = NULL;
  g_autoptr(GPtrArray) intents = NULL;
  g_autoptr(TbBill) bill = NULL;
  TbIntentFilter filter = TB_INTENT_FILTER_OPEN;
  TbLedger *ledger;
  guint64 limit = DEFAULT_LIST_LIMIT;
  const GOptionEntry entries[] = {
    { "state", 0, 0, G_OPTION_ARG_STRING, &state_arg,
      N_("pending (still payable: the default) or all"), N_("STATE") },
    { "bill", 0, 0, G_OPTION_ARG_STRING, &bill_arg,
      N_("Only the QR payments of this bill"), N_("BILL") },
    { "limit", 0, 0, G_OPTION_ARG_STRING, &limit_arg,
      N_("At most this many (default: 100)"), N_("N") },
    G_OPTION_ENTRY_NULL
  };

  if (!tb_cli_parse_options (cli, entries, args, 0, 0, error))
    return FALSE;

  if (state_arg != NULL)
    {
      if (g_ascii_strcasecmp (state_arg, "pending") == 0)
        filter = TB_INTENT_FILTER_OPEN;
      else if (g_ascii_strcasecmp (state_arg, "all") == 0)
        filter = TB_INTENT_FILTER_ALL;
      else
        {
          g_set_error (error, TB_CLI_ERROR, TB_CLI_ERROR_INPUT,
                       _("--state: “%s” is not one of pending, all"),
                       g_utf8_validate (state_arg, -1, NULL) ? state_arg : "?");
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
  if (bill_arg != NULL && !(bill = tb_cli_load_bill (cli, bill_arg, error)))
    return FALSE;

  intents = tb_ledger_list_intents (ledger, filter, bill != NULL ? bill->id : 0, (guint) limit,
                                    error);
  if (intents == NULL)
    return FALSE;

  if (cli->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_array (builder);
      for (guint i = 0; i < intents->len; i++)
        {
          json_builder_begin_object (builder);
          build_intent_members (builder, g_ptr_array_index (intents, i));
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      print_builder (builder);
      return TRUE;
    }

  if (intents->len == 0)
    {
      if (filter == TB_INTENT_FILTER_OPEN)
        g_print ("%s\n", _("No QR payments are waiting."));
      else
        g_print ("%s\n", _("No QR payments."));
      return TRUE;
    }

  print_intent_table (intents);
  return TRUE;
}
