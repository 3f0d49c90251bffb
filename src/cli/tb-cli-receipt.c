/* tb-cli-receipt.c: tulbur-cli receipt show / retry / pdf and receipts list
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <glib/gi18n.h>

#include "core/tb-money.h"
#include "core/tb-seal.h"

#include "tb-cli.h"

#include "receipt/tb-receipt-doc.h"
#include "receipt/tb-receipt-layout.h"
#include "receipt/tb-receipt-render.h"

/* Ebarimt receipts come from QPay payments, which are in tögrög only. */
#define RECEIPT_CURRENCY   "MNT"
#define DEFAULT_LIST_LIMIT 100
#define MAX_LIST_LIMIT     1000
/* One receipt per QPay payment: no bill comes anywhere near this. */
#define MAX_BILL_RECEIPTS  1000
/* Business fields are printed on one line each (the address may wrap). */
#define MAX_BUSINESS_BYTES 255
/* The app's schema; the id is the same in the development flavour (data/meson.build). */
#define SETTINGS_SCHEMA_ID "io.github.tulbur.Tulbur"

/* What the receipt says about the seller. */
typedef struct
{
  char *name;
  char *tin;
  char *address;
} Business;

static void
business_clear (Business *business)
{
  g_clear_pointer (&business->name, g_free);
  g_clear_pointer (&business->tin, g_free);
  g_clear_pointer (&business->address, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Business, business_clear)

static const char *
receipt_state_label (const TbReceipt *receipt)
{
  TbReceiptState state = receipt->state;

  /* A lost create that QPay could not be asked about: staff must check (issue #16, 13). */
  if (tb_receipt_is_outcome_unknown (receipt))
    return C_("e-receipt state", "Outcome unknown");

  switch (state)
    {
    case TB_RECEIPT_PENDING:
      return C_("e-receipt state", "Waiting");
    case TB_RECEIPT_REGISTERED:
      return C_("e-receipt state", "Registered");
    case TB_RECEIPT_SKIPPED:
      return C_("e-receipt state", "Skipped");
    case TB_RECEIPT_CANCELLED:
      return C_("e-receipt state", "Cancelled");
    default:
      /* Not a case label: see TB_RECEIPT_ERROR. */
      return state == TB_RECEIPT_ERROR ? C_("e-receipt state", "Failed") : "?";
    }
}

static const char *
receiver_type_label (const char *receiver_type)
{
  if (g_strcmp0 (receiver_type, "COMPANY") == 0)
    return C_("e-receipt receiver", "Company");
  if (g_strcmp0 (receiver_type, "CITIZEN") == 0)
    return C_("e-receipt receiver", "Citizen");
  return NULL;
}

static gboolean
receipt_is_open (const TbReceipt *receipt)
{
  return receipt->state == TB_RECEIPT_PENDING || receipt->state == TB_RECEIPT_ERROR;
}

/* When the queue will try again on its own: a time for waiting and failed receipts (0 in the
 * ledger means "now", i.e. since the receipt was queued), 0 for the others. */
static gint64
next_attempt_us (const TbReceipt *receipt)
{
  if (!receipt_is_open (receipt))
    return 0;
  return receipt->next_attempt_us != 0 ? receipt->next_attempt_us : receipt->created_us;
}

/* Frees a string that held personal data, overwriting it first. */
static void
free_secret (char *text)
{
  if (text == NULL)
    return;
  memset (text, 0, strlen (text));
  g_free (text);
}

/* The receipt's receiver (phone or TIN) masked as "99****33" into *@out_masked, or NULL when
 * it has none. The plain number is read only to be masked and never leaves this function. */
static gboolean
mask_receiver (TbLedger   *ledger,
               gint64      receipt_id,
               char      **out_masked,
               GError    **error)
{
  g_autoptr(TbReceipt) full = NULL;

  *out_masked = NULL;
  if (!(full = tb_ledger_get_receipt (ledger, receipt_id, TRUE, error)))
    return FALSE;

  *out_masked = tb_seal_mask (full->receiver);
  g_clear_pointer (&full->receiver, free_secret);
  return TRUE;
}

/* Masked receivers for @receipts, in the same order. */
static GPtrArray *
mask_receivers (TbLedger   *ledger,
                GPtrArray  *receipts,
                GError    **error)
{
  g_autoptr(GPtrArray) masked = g_ptr_array_new_full (receipts->len, g_free);

  for (guint i = 0; i < receipts->len; i++)
    {
      const TbReceipt *receipt = g_ptr_array_index (receipts, i);
      char *text = NULL;

      if (!mask_receiver (ledger, receipt->id, &text, error))
        return NULL;
      g_ptr_array_add (masked, text);
    }
  return g_steal_pointer (&masked);
}

/* The receipt's members in JSON (see `tulbur-cli receipt show --help`). */
static void
build_receipt (JsonBuilder     *builder,
               const TbReceipt *receipt,
               const char      *masked_receiver)
{
  json_builder_begin_object (builder);
  tb_cli_json_add_int (builder, "id", receipt->id);
  tb_cli_json_add_string (builder, "bill", receipt->bill_number);
  tb_cli_json_add_int (builder, "payment_id", receipt->payment_id);
  tb_cli_json_add_string (builder, "provider_txn_id", receipt->provider_txn_id);
  tb_cli_json_add_int (builder, "amount", receipt->payment_amount);
  tb_cli_json_add_string (builder, "state", tb_receipt_state_to_string (receipt->state));
  tb_cli_json_add_string (builder, "receipt_id", receipt->receipt_id);
  tb_cli_json_add_string (builder, "lottery", receipt->lottery);
  tb_cli_json_add_string (builder, "qr_data", receipt->qr_data);
  tb_cli_json_add_string (builder, "receiver_type", receipt->receiver_type);
  tb_cli_json_add_string (builder, "receiver", masked_receiver);
  tb_cli_json_add_string (builder, "district_code", receipt->district_code);
  tb_cli_json_add_string (builder, "classification_code", receipt->classification_code);
  tb_cli_json_add_int (builder, "attempts", receipt->attempts);
  tb_cli_json_add_time (builder, "next_attempt", next_attempt_us (receipt));
  tb_cli_json_add_string (builder, "last_error_key", receipt->last_error_key);
  tb_cli_json_add_string (builder, "last_error", receipt->last_error);
  json_builder_set_member_name (builder, "outcome_unknown");
  json_builder_add_boolean_value (builder, tb_receipt_is_outcome_unknown (receipt));
  tb_cli_json_add_int (builder, "copies", receipt->copies);
  tb_cli_json_add_time (builder, "registered", receipt->registered_us);
  json_builder_end_object (builder);
}

/* {"bill": "1042", "receipts": [ … ]} */
static void
print_receipts_json (const char *bill_number,
                     GPtrArray  *receipts,
                     GPtrArray  *masked)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  tb_cli_json_add_string (builder, "bill", bill_number);
  json_builder_set_member_name (builder, "receipts");
  json_builder_begin_array (builder);
  for (guint i = 0; i < receipts->len; i++)
    build_receipt (builder, g_ptr_array_index (receipts, i), g_ptr_array_index (masked, i));
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  tb_cli_print_json (root);
}

static void
print_field (const char *label,
             const char *value)
{
  g_print ("  %s %s\n", label, value);
}

/* One receipt as a block of "Label: value" lines. */
static void
print_receipt_text (const TbReceipt *receipt,
                    const char      *masked_receiver)
{
  g_autofree char *amount = tb_money_format (receipt->payment_amount, RECEIPT_CURRENCY);
  g_autofree char *payment = NULL;
  g_autofree char *attempts = g_strdup_printf ("%d", receipt->attempts);
  const char *type = receiver_type_label (receipt->receiver_type);

  /* TRANSLATORS: "E-receipt 3: Registered" */
  g_print (_("E-receipt %" PRId64 ": %s"), receipt->id, receipt_state_label (receipt));
  g_print ("\n");

  /* TRANSLATORS: a QPay payment id, then its amount: "123456789012345 (12 500 ₮)" */
  payment = g_strdup_printf (_("%s (%s)"),
                             receipt->provider_txn_id != NULL ? receipt->provider_txn_id : "?",
                             amount);
  print_field (_("QPay payment:"), payment);

  if (receipt->receipt_id != NULL)
    /* TRANSLATORS: ДДТД is the receipt's state id (Баримтын ДДТД); keep the abbreviation */
    print_field (_("ДДТД:"), receipt->receipt_id);
  if (receipt->lottery != NULL && receipt->lottery[0] != '\0')
    print_field (_("Lottery number:"), receipt->lottery);

  if (type != NULL && masked_receiver != NULL)
    {
      g_autofree char *receiver = g_strdup_printf ("%s, %s", type, masked_receiver);

      print_field (_("Receiver:"), receiver);
    }
  else if (type != NULL)
    print_field (_("Receiver:"), type);

  if (receipt->district_code != NULL)
    print_field (_("District code:"), receipt->district_code);
  if (receipt->classification_code != NULL)
    print_field (_("Classification code:"), receipt->classification_code);

  print_field (_("Attempts:"), attempts);
  if (receipt_is_open (receipt))
    {
      g_autofree char *when = tb_cli_format_local (next_attempt_us (receipt));

      print_field (_("Next attempt:"), when);
    }
  if (receipt->last_error != NULL && receipt->state != TB_RECEIPT_REGISTERED)
    {
      g_autofree char *reason = receipt->last_error_key != NULL
        ? g_strdup_printf ("%s (%s)", receipt->last_error, receipt->last_error_key)
        : g_strdup (receipt->last_error);

      print_field (receipt->state == TB_RECEIPT_SKIPPED ? _("Reason:") : _("Last error:"),
                   reason);
    }
  if (receipt->registered_us != 0)
    {
      g_autofree char *when = tb_cli_format_local (receipt->registered_us);

      print_field (_("Registered:"), when);
    }
  if (receipt->state == TB_RECEIPT_REGISTERED || receipt->state == TB_RECEIPT_CANCELLED)
    {
      g_autofree char *copies = g_strdup_printf ("%d", receipt->copies);

      /* TRANSLATORS: how many times the receipt was printed (PDFs made) */
      print_field (_("Printed:"), copies);
    }
}

static gboolean
parse_limit (const char  *text,
             guint64     *out_limit,
             GError     **error)
{
  if (!g_utf8_validate (text, -1, NULL) || text[0] == '+' ||
      !g_ascii_string_to_unsigned (text, 10, 1, MAX_LIST_LIMIT, out_limit, NULL))
    {
      g_set_error (error, TB_CLI_ERROR, TB_CLI_ERROR_INPUT,
                   _("--limit: use a whole number from 1 to %u"), (guint) MAX_LIST_LIMIT);
      return FALSE;
    }
  return TRUE;
}

/* The receipts of @bill, oldest first: one per QPay payment, in the order they were paid. */
static GPtrArray *
list_bill_receipts (TbLedger         *ledger,
                    const TbBill     *bill,
                    TbReceiptFilter   filter,
                    GError          **error)
{
  g_autoptr(GPtrArray) receipts = tb_ledger_list_receipts (ledger, filter, bill->id,
                                                           MAX_BILL_RECEIPTS, error);
  guint n;

  if (receipts == NULL)
    return NULL;

  n = receipts->len;
  for (guint i = 0; i < n / 2; i++)
    {
      gpointer first = receipts->pdata[i];

      receipts->pdata[i] = receipts->pdata[n - 1 - i];
      receipts->pdata[n - 1 - i] = first;
    }
  return g_steal_pointer (&receipts);
}

/* ---- the business printed on top ---- */

/* A business field from the environment, or NULL (no error) when unset or blank. */
static gboolean
read_business_variable (const char  *name,
                        char       **out,
                        GError     **error)
{
  return tb_cli_clean_text (g_getenv (name), name, TRUE, MAX_BUSINESS_BYTES, out, error);
}

/* A string key of the app's settings, or NULL when it is blank or not in @schema (an older
 * schema installed beside a newer CLI must not abort the run). */
static char *
read_setting (GSettings       *settings,
              GSettingsSchema *schema,
              const char      *key)
{
  g_autofree char *value = NULL;

  if (!g_settings_schema_has_key (schema, key))
    return NULL;
  value = g_settings_get_string (settings, key);
  if (value == NULL || !g_utf8_validate (value, -1, NULL))
    return NULL;
  g_strstrip (value);
  if (value[0] == '\0' || strlen (value) > MAX_BUSINESS_BYTES)
    return NULL;
  return g_steal_pointer (&value);
}

/* TULBUR_BUSINESS_NAME, _TIN and _ADDRESS, each falling back to the app's Preferences when the
 * schema is installed. g_settings_new () aborts on an unknown schema, so it is looked up
 * first: the CLI also runs where only the CLI is installed. */
static gboolean
load_business (Business  *business,
               GError   **error)
{
  if (!read_business_variable ("TULBUR_BUSINESS_NAME", &business->name, error) ||
      !read_business_variable ("TULBUR_BUSINESS_TIN", &business->tin, error) ||
      !read_business_variable ("TULBUR_BUSINESS_ADDRESS", &business->address, error))
    return FALSE;

  if (business->name == NULL || business->tin == NULL || business->address == NULL)
    {
      GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
      g_autoptr(GSettingsSchema) schema = NULL;
      g_autoptr(GSettings) settings = NULL;

      if (source != NULL)
        schema = g_settings_schema_source_lookup (source, SETTINGS_SCHEMA_ID, TRUE);
      if (schema != NULL)
        {
          settings = g_settings_new_full (schema, NULL, NULL);
          if (business->name == NULL)
            business->name = read_setting (settings, schema, "business-name");
          if (business->tin == NULL)
            business->tin = read_setting (settings, schema, "business-tin");
          if (business->address == NULL)
            business->address = read_setting (settings, schema, "business-address");
        }
    }

  if (business->name == NULL)
    {
      g_set_error_literal (error, TB_CLI_ERROR, TB_CLI_ERROR_CONFIG,
                           _("The business name for the top of the receipt is not set: set "
                             "TULBUR_BUSINESS_NAME, or enter it in the app’s Preferences"));
      return FALSE;
    }
  return TRUE;
}

/* ---- the receipt to print ---- */

/* The registered receipt of @bill to print: @receipt_id, or the newest registered one when it
 * is 0. A refusal that says what there is instead. */
static TbReceipt *
find_printable (TbLedger      *ledger,
                const TbBill  *bill,
                gint64         receipt_id,
                GError       **error)
{
  g_autoptr(TbReceipt) receipt = NULL;
  g_autoptr(GPtrArray) receipts = NULL;

  if (receipt_id != 0)
    {
      if (!(receipt = tb_ledger_get_receipt (ledger, receipt_id, FALSE, error)))
        return NULL;
      if (receipt->bill_id != bill->id)
        {
          g_set_error (error, TB_CLI_ERROR, TB_CLI_ERROR_INPUT,
                       /* TRANSLATORS: "E-receipt 7 is not one of bill 1042’s" */
                       _("E-receipt %" PRId64 " is not one of bill %s’s"),
                       receipt_id, bill->number);
          return NULL;
        }
      if (receipt->state != TB_RECEIPT_REGISTERED)
        {
          g_set_error (error, TB_CLI_ERROR, TB_CLI_ERROR_REFUSED,
                       /* TRANSLATORS: "E-receipt 7 is Failed, not registered; …" */
                       _("E-receipt %" PRId64 " is %s, not registered; only a registered "
                         "e-receipt can be printed"),
                       receipt_id, receipt_state_label (receipt));
          return NULL;
        }
      return g_steal_pointer (&receipt);
    }

  if (!(receipts = tb_ledger_list_receipts (ledger, TB_RECEIPT_FILTER_ALL, bill->id,
                                            MAX_BILL_RECEIPTS, error)))
    return NULL;

  /* Newest first. */
  for (guint i = 0; i < receipts->len; i++)
    {
      TbReceipt *candidate = g_ptr_array_index (receipts, i);

      if (candidate->state == TB_RECEIPT_REGISTERED)
        return g_ptr_array_steal_index (receipts, i);
    }

  if (receipts->len == 0)
    g_set_error (error, TB_CLI_ERROR, TB_CLI_ERROR_REFUSED,
                 _("Bill %s has no e-receipt: e-receipts are made for QPay payments"),
                 bill->number);
  else
    g_set_error (error, TB_CLI_ERROR, TB_CLI_ERROR_REFUSED,
                 /* TRANSLATORS: "Bill 1042 has no registered e-receipt yet (the newest is
                  * Failed); see “tulbur-cli receipt show 1042”" */
                 _("Bill %s has no registered e-receipt yet (the newest is %s); see "
                   "“tulbur-cli receipt show %s”"),
                 bill->number,
                 receipt_state_label (g_ptr_array_index (receipts, 0)),
                 bill->number);
  return NULL;
}

/* The printed receipt (tb_receipt_doc_build). A company receipt prints the buyer's TIN: the
 * PDF gets it whole (it is the buyer's legal receipt), text on the terminal only masked. */
static TbReceiptDoc *
make_doc (TbLedger         *ledger,
          const TbReceipt  *receipt,
          const Business   *business,
          gboolean          mask_buyer,
          GError          **error)
{
  TbReceiptMerchant merchant = { business->name, business->tin, business->address };

  return tb_receipt_doc_build (ledger, receipt->id, &merchant, mask_buyer, error);
}

/* ---- receipt show ---- */

static gboolean
parse_layout (const char  *text,
              guint       *out_columns,
              GError     **error)
{
  if (g_strcmp0 (text, "32") == 0)
    *out_columns = TB_RECEIPT_COLUMNS_58MM;
  else if (g_strcmp0 (text, "48") == 0)
    *out_columns = TB_RECEIPT_COLUMNS_80MM;
  else
    {
      g_set_error_literal (error, TB_CLI_ERROR, TB_CLI_ERROR_INPUT,
                           _("--layout: use 32 (58 mm paper) or 48 (80 mm paper)"));
      return FALSE;
    }
  return TRUE;
}

static gboolean
show_layout (TbLedger      *ledger,
             const TbBill  *bill,
             gint64         receipt_id,
             guint          columns,
             GError       **error)
{
  g_auto(Business) business = { 0 };
  g_autoptr(TbReceipt) receipt = NULL;
  g_autoptr(TbReceiptDoc) doc = NULL;
  g_autofree char *text = NULL;

  if (!load_business (&business, error) ||
      !(receipt = find_printable (ledger, bill, receipt_id, error)) ||
      !(doc = make_doc (ledger, receipt, &business, TRUE, error)))
    return FALSE;

  /* As a print made now would look; a preview, so not counted. */
  doc->copy_number = tb_receipt_copy_number (receipt->copies + 1);
  text = tb_receipt_layout_text (doc, columns);
  fputs (text, stdout);
  return TRUE;
}

gboolean
tb_cli_receipt_show (TbCli    *cli,
                     char   ***args,
                     GError  **error)
{
  g_autofree char *layout_arg = NULL;
  g_autofree char *receipt_arg = NULL;
  g_autoptr(TbBill) bill = NULL;
  g_autoptr(GPtrArray) receipts = NULL;
  g_autoptr(GPtrArray) masked = NULL;
  TbLedger *ledger;
  gint64 receipt_id = 0;
  guint columns = 0;
  const GOptionEntry entries[] = {
    { "layout", 0, 0, G_OPTION_ARG_STRING, &layout_arg,
      N_("Print the registered receipt as text 32 (58 mm) or 48 (80 mm) columns wide"),
      N_("COLUMNS") },
    { "receipt", 0, 0, G_OPTION_ARG_STRING, &receipt_arg,
      N_("Only this e-receipt of the bill (its id)"), N_("ID") },
    G_OPTION_ENTRY_NULL
  };

  if (!tb_cli_parse_options (cli, entries, args, 1, 1, error))
    return FALSE;

  if (layout_arg != NULL && cli->json)
    {
      g_set_error_literal (error, TB_CLI_ERROR, TB_CLI_ERROR_USAGE,
                           _("--layout prints text; it cannot be combined with --json"));
      return FALSE;
    }
  if (layout_arg != NULL && !parse_layout (layout_arg, &columns, error))
    return FALSE;
  if (receipt_arg != NULL && !tb_cli_parse_id (receipt_arg, "--receipt", &receipt_id, error))
    return FALSE;

  if (!(ledger = tb_cli_get_ledger (cli, error)) ||
      !(bill = tb_cli_load_bill (cli, (*args)[1], error)))
    return FALSE;

  if (layout_arg != NULL)
    return show_layout (ledger, bill, receipt_id, columns, error);

  if (receipt_id != 0)
    {
      TbReceipt *receipt = tb_ledger_get_receipt (ledger, receipt_id, FALSE, error);

      if (receipt == NULL)
        return FALSE;
      receipts = g_ptr_array_new_with_free_func ((GDestroyNotify) tb_receipt_free);
      g_ptr_array_add (receipts, receipt);
      if (receipt->bill_id != bill->id)
        {
          g_set_error (error, TB_CLI_ERROR, TB_CLI_ERROR_INPUT,
                       _("E-receipt %" PRId64 " is not one of bill %s’s"),
                       receipt_id, bill->number);
          return FALSE;
        }
    }
  else if (!(receipts = list_bill_receipts (ledger, bill, TB_RECEIPT_FILTER_ALL, error)))
    return FALSE;

  if (!(masked = mask_receivers (ledger, receipts, error)))
    return FALSE;

  if (cli->json)
    {
      print_receipts_json (bill->number, receipts, masked);
      return TRUE;
    }

  if (receipts->len == 0)
    {
      g_print (_("Bill %s has no e-receipts: they are made for QPay payments."), bill->number);
      g_print ("\n");
      return TRUE;
    }

  /* TRANSLATORS: "Bill 1042: 2 e-receipts" */
  g_print (ngettext ("Bill %s: %u e-receipt", "Bill %s: %u e-receipts", receipts->len),
           bill->number, receipts->len);
  g_print ("\n");
  for (guint i = 0; i < receipts->len; i++)
    print_receipt_text (g_ptr_array_index (receipts, i), g_ptr_array_index (masked, i));

  return TRUE;
}

/* ---- receipt retry ---- */

gboolean
tb_cli_receipt_retry (TbCli    *cli,
                      char   ***args,
                      GError  **error)
{
  g_autoptr(TbBill) bill = NULL;
  g_autoptr(GPtrArray) open = NULL;
  g_autoptr(GPtrArray) after = g_ptr_array_new_with_free_func ((GDestroyNotify) tb_receipt_free);
  g_autoptr(GPtrArray) masked = NULL;
  const TbReceipt *last_failed = NULL;
  TbReceiptQueue *queue;
  TbLedger *ledger;
  guint n_failed = 0;
  gboolean create_again = FALSE;
  const GOptionEntry entries[] = {
    { "create-again", 0, 0, G_OPTION_ARG_NONE, &create_again,
      N_("For e-receipts whose outcome is unknown: send them again without asking QPay first "
         "(only after checking at QPay that the payment has no e-receipt)"), NULL },
    G_OPTION_ENTRY_NULL
  };

  if (!tb_cli_parse_options (cli, entries, args, 1, 1, error))
    return FALSE;

  /* The configuration first: nothing is touched when it is wrong. */
  if (!(queue = tb_cli_get_receipt_queue (cli, error)))
    return FALSE;
  /* Switched off, the queue would record each receipt SKIPPED: not what "retry" means. */
  if (!tb_receipt_queue_get_enabled (queue))
    {
      g_set_error_literal (error, TB_CLI_ERROR, TB_CLI_ERROR_CONFIG,
                           _("E-receipts are switched off: set QPAY_EBARIMT_ENABLED=1 to "
                             "issue them"));
      return FALSE;
    }

  if (!(ledger = tb_cli_get_ledger (cli, error)) ||
      !(bill = tb_cli_load_bill (cli, (*args)[1], error)))
    return FALSE;

  if (!(open = list_bill_receipts (ledger, bill, TB_RECEIPT_FILTER_OPEN, error)))
    return FALSE;

  /* One at a time, as the queue itself does. */
  for (guint i = 0; i < open->len; i++)
    {
      const TbReceipt *receipt = g_ptr_array_index (open, i);
      g_autoptr(GAsyncResult) result = NULL;
      TbReceipt *outcome;

      if (create_again && tb_receipt_is_outcome_unknown (receipt))
        tb_receipt_queue_create_again_async (queue, receipt->id, NULL, tb_cli_store_result, &result);
      else
        tb_receipt_queue_retry_async (queue, receipt->id, NULL, tb_cli_store_result, &result);
      tb_cli_wait (&result);
      if (!(outcome = tb_receipt_queue_retry_finish (queue, result, error)))
        return FALSE;
      g_ptr_array_add (after, outcome);
      if (outcome->state == TB_RECEIPT_ERROR)
        {
          n_failed++;
          last_failed = outcome;
        }
    }

  if (!(masked = mask_receivers (ledger, after, error)))
    return FALSE;

  if (cli->json)
    print_receipts_json (bill->number, after, masked);
  else if (after->len == 0)
    {
      g_print (_("Bill %s has no waiting or failed e-receipt; there is nothing to retry."),
               bill->number);
      g_print ("\n");
    }
  else
    for (guint i = 0; i < after->len; i++)
      print_receipt_text (g_ptr_array_index (after, i), g_ptr_array_index (masked, i));

  if (n_failed > 0)
    {
      g_autofree char *reason = NULL;

      if (last_failed->last_error_key != NULL)
        reason = g_strdup_printf ("%s (%s)",
                                  last_failed->last_error != NULL ? last_failed->last_error : "?",
                                  last_failed->last_error_key);
      else
        reason = g_strdup (last_failed->last_error != NULL ? last_failed->last_error : "?");

      g_set_error (error, TB_CLI_ERROR, TB_CLI_ERROR_REFUSED,
                   /* TRANSLATORS: "1 e-receipt of bill 1042 still failed: <reason>" */
                   ngettext ("%u e-receipt of bill %s still failed: %s",
                             "%u e-receipts of bill %s still failed: %s", n_failed),
                   n_failed, bill->number, reason);
      return FALSE;
    }

  return TRUE;
}

/* ---- receipt pdf ---- */

static void
print_pdf_result (TbCli           *cli,
                  const TbBill    *bill,
                  const TbReceipt *receipt,
                  const char      *path,
                  TbPaper          paper,
                  guint            copy_number)
{
  g_autofree char *display = g_filename_display_name (path);

  if (cli->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_object (builder);
      tb_cli_json_add_string (builder, "bill", bill->number);
      tb_cli_json_add_int (builder, "receipt", receipt->id);
      tb_cli_json_add_string (builder, "file", display);
      tb_cli_json_add_string (builder, "paper", tb_paper_to_string (paper));
      tb_cli_json_add_int (builder, "copy", copy_number);
      json_builder_end_object (builder);
      root = json_builder_get_root (builder);
      tb_cli_print_json (root);
      return;
    }

  if (copy_number == 0)
    /* TRANSLATORS: "E-receipt 3 of bill 1042 written to receipt.pdf (the original)" */
    g_print (_("E-receipt %" PRId64 " of bill %s written to %s (the original)"),
             receipt->id, bill->number, display);
  else
    /* TRANSLATORS: "E-receipt 3 of bill 1042 written to receipt.pdf, marked COPY 2" */
    g_print (_("E-receipt %" PRId64 " of bill %s written to %s, marked COPY %u"),
             receipt->id, bill->number, display, copy_number);
  g_print ("\n");
}

gboolean
tb_cli_receipt_pdf (TbCli    *cli,
                    char   ***args,
                    GError  **error)
{
  g_autofree char *out_arg = NULL;
  g_autofree char *paper_arg = NULL;
  g_autofree char *receipt_arg = NULL;
  g_autofree char *folder = NULL;
  g_auto(Business) business = { 0 };
  g_autoptr(TbBill) bill = NULL;
  g_autoptr(TbReceipt) receipt = NULL;
  g_autoptr(TbReceiptDoc) doc = NULL;
  TbPaper paper = TB_PAPER_80MM;
  TbLedger *ledger;
  gint64 receipt_id = 0;
  int print_number;
  const GOptionEntry entries[] = {
    { "out", 0, 0, G_OPTION_ARG_FILENAME, &out_arg,
      N_("The PDF file to write (replaced if it exists)"), N_("FILE") },
    { "paper", 0, 0, G_OPTION_ARG_STRING, &paper_arg,
      N_("58 or 80 (mm thermal roll) or a4 (default: 80)"), N_("PAPER") },
    { "receipt", 0, 0, G_OPTION_ARG_STRING, &receipt_arg,
      N_("This e-receipt of the bill (its id) instead of the newest registered one"),
      N_("ID") },
    G_OPTION_ENTRY_NULL
  };

  if (!tb_cli_parse_options (cli, entries, args, 1, 1, error) ||
      !tb_cli_require_option (out_arg, "--out", error))
    return FALSE;

  if (paper_arg != NULL && !tb_paper_from_string (paper_arg, &paper))
    {
      g_set_error_literal (error, TB_CLI_ERROR, TB_CLI_ERROR_INPUT,
                           _("--paper: use 58, 80 or a4"));
      return FALSE;
    }
  if (receipt_arg != NULL && !tb_cli_parse_id (receipt_arg, "--receipt", &receipt_id, error))
    return FALSE;

  /* A folder that is not there fails before the print is counted. */
  folder = g_path_get_dirname (out_arg);
  if (!g_file_test (folder, G_FILE_TEST_IS_DIR))
    {
      g_autofree char *display = g_filename_display_name (folder);

      g_set_error (error, TB_CLI_ERROR, TB_CLI_ERROR_OUTPUT,
                   _("--out: there is no folder “%s”"), display);
      return FALSE;
    }

  if (!load_business (&business, error) ||
      !(ledger = tb_cli_get_ledger (cli, error)) ||
      !(bill = tb_cli_load_bill (cli, (*args)[1], error)))
    return FALSE;

  if (!(receipt = find_printable (ledger, bill, receipt_id, error)) ||
      !(doc = make_doc (ledger, receipt, &business, FALSE, error)))
    return FALSE;

  /* Everything that can be checked is checked before the print is counted … */
  doc->copy_number = tb_receipt_copy_number (receipt->copies + 1);
  if (!tb_receipt_doc_validate (doc, error))
    return FALSE;

  /* … and it is counted (with its audit row) before it is written: a run that dies half way
   * leaves the next PDF marked COPY, never a second unmarked original. Two runs at once get
   * different numbers from the ledger's transaction. */
  print_number = tb_ledger_receipt_note_copy (ledger, receipt->id, error);
  if (print_number < 0)
    return FALSE;
  doc->copy_number = tb_receipt_copy_number (print_number);

  if (!tb_receipt_render_pdf (doc, paper, out_arg, error))
    return FALSE;

  print_pdf_result (cli, bill, receipt, out_arg, paper, doc->copy_number);
  return TRUE;
}

/* ---- receipts list ---- */

static void
print_receipt_table (GPtrArray *receipts,
                     GPtrArray *masked)
{
  enum { COL_ID, COL_BILL, COL_STATE, COL_AMOUNT, COL_RECEIVER, COL_DETAIL, COL_CREATED,
         N_COLUMNS };
  const gboolean right[N_COLUMNS] = { TRUE, FALSE, FALSE, TRUE, FALSE, FALSE, FALSE };
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  char **header = g_new0 (char *, N_COLUMNS + 1);

  /* TRANSLATORS: a column: the e-receipt's id */
  header[COL_ID] = g_strdup (_("E-receipt"));
  header[COL_BILL] = g_strdup (_("Bill"));
  header[COL_STATE] = g_strdup (_("State"));
  header[COL_AMOUNT] = g_strdup (_("Amount"));
  header[COL_RECEIVER] = g_strdup (_("Receiver"));
  /* TRANSLATORS: a column: the ДДТД of a registered receipt, else the error key */
  header[COL_DETAIL] = g_strdup (_("ДДТД / error"));
  header[COL_CREATED] = g_strdup (_("Created"));
  g_ptr_array_add (rows, header);

  for (guint i = 0; i < receipts->len; i++)
    {
      const TbReceipt *receipt = g_ptr_array_index (receipts, i);
      const char *receiver = g_ptr_array_index (masked, i);
      const char *type = receiver_type_label (receipt->receiver_type);
      const char *detail = receipt->receipt_id;
      char **row = g_new0 (char *, N_COLUMNS + 1);

      if (detail == NULL && receipt->state != TB_RECEIPT_PENDING)
        detail = receipt->last_error_key;

      row[COL_ID] = g_strdup_printf ("%" G_GINT64_FORMAT, receipt->id);
      row[COL_BILL] = g_strdup (receipt->bill_number != NULL ? receipt->bill_number : "?");
      row[COL_STATE] = g_strdup (receipt_state_label (receipt));
      row[COL_AMOUNT] = tb_money_format (receipt->payment_amount, RECEIPT_CURRENCY);
      if (type != NULL && receiver != NULL)
        row[COL_RECEIVER] = g_strdup_printf ("%s %s", type, receiver);
      else
        row[COL_RECEIVER] = g_strdup (type != NULL ? type : "—");
      row[COL_DETAIL] = g_strdup (detail != NULL ? detail : "—");
      row[COL_CREATED] = tb_cli_format_local (receipt->created_us);
      g_ptr_array_add (rows, row);
    }

  tb_cli_print_table (rows, right, N_COLUMNS);
}

gboolean
tb_cli_receipts_list (TbCli    *cli,
                      char   ***args,
                      GError  **error)
{
  g_autofree char *state_arg = NULL;
  g_autofree char *bill_arg = NULL;
  g_autofree char *limit_arg = NULL;
  g_autoptr(GPtrArray) receipts = NULL;
  g_autoptr(GPtrArray) masked = NULL;
  g_autoptr(TbBill) bill = NULL;
  TbReceiptFilter filter = TB_RECEIPT_FILTER_ALL;
  TbLedger *ledger;
  guint64 limit = DEFAULT_LIST_LIMIT;
  const GOptionEntry entries[] = {
    { "state", 0, 0, G_OPTION_ARG_STRING, &state_arg,
      N_("all (the default), pending (waiting), error (failed) or open (both)"), N_("STATE") },
    { "bill", 0, 0, G_OPTION_ARG_STRING, &bill_arg,
      N_("Only the e-receipts of this bill"), N_("BILL") },
    { "limit", 0, 0, G_OPTION_ARG_STRING, &limit_arg,
      N_("At most this many (default: 100)"), N_("N") },
    G_OPTION_ENTRY_NULL
  };

  if (!tb_cli_parse_options (cli, entries, args, 0, 0, error))
    return FALSE;

  if (state_arg != NULL)
    {
      if (g_ascii_strcasecmp (state_arg, "all") == 0)
        filter = TB_RECEIPT_FILTER_ALL;
      else if (g_ascii_strcasecmp (state_arg, "pending") == 0)
        filter = TB_RECEIPT_FILTER_PENDING;
      else if (g_ascii_strcasecmp (state_arg, "error") == 0)
        filter = TB_RECEIPT_FILTER_ERROR;
      else if (g_ascii_strcasecmp (state_arg, "open") == 0)
        filter = TB_RECEIPT_FILTER_OPEN;
      else
        {
          g_set_error (error, TB_CLI_ERROR, TB_CLI_ERROR_INPUT,
                       _("--state: “%s” is not one of all, pending, error, open"),
                       g_utf8_validate (state_arg, -1, NULL) ? state_arg : "?");
          return FALSE;
        }
    }

  if (limit_arg != NULL && !parse_limit (limit_arg, &limit, error))
    return FALSE;

  if (!(ledger = tb_cli_get_ledger (cli, error)))
    return FALSE;
  if (bill_arg != NULL && !(bill = tb_cli_load_bill (cli, bill_arg, error)))
    return FALSE;

  receipts = tb_ledger_list_receipts (ledger, filter, bill != NULL ? bill->id : 0,
                                      (guint) limit, error);
  if (receipts == NULL || !(masked = mask_receivers (ledger, receipts, error)))
    return FALSE;

  if (cli->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_array (builder);
      for (guint i = 0; i < receipts->len; i++)
        build_receipt (builder, g_ptr_array_index (receipts, i), g_ptr_array_index (masked, i));
      json_builder_end_array (builder);
      root = json_builder_get_root (builder);
      tb_cli_print_json (root);
      return TRUE;
    }

  if (receipts->len == 0)
    {
      switch (filter)
        {
        case TB_RECEIPT_FILTER_PENDING:
          g_print ("%s\n", _("No e-receipts are waiting."));
          break;
        case TB_RECEIPT_FILTER_ERROR:
          g_print ("%s\n", _("No e-receipts have failed."));
          break;
        case TB_RECEIPT_FILTER_OPEN:
          g_print ("%s\n", _("No e-receipts are waiting or failed."));
          break;
        case TB_RECEIPT_FILTER_ALL:
        default:
          g_print ("%s\n", _("No e-receipts."));
          break;
        }
      return TRUE;
    }

  print_receipt_table (receipts, masked);
  return TRUE;
}
