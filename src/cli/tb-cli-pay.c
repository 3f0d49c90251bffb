/* tb-cli-pay.c: tulbur-cli pay
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "core/tb-money.h"

#include "tb-cli.h"

/* The payment on @bill that a repeated `pay --ref` would duplicate, or NULL. */
static const TbPayment *
find_payment_by_ref (const TbBill    *bill,
                     TbPaymentMethod  method,
                     const char      *ref)
{
  for (guint i = 0; bill->payments != NULL && i < bill->payments->len; i++)
    {
      const TbPayment *payment = g_ptr_array_index (bill->payments, i);

      if (payment->method == method && g_strcmp0 (payment->provider_txn_id, ref) == 0)
        return payment;
    }
  return NULL;
}

static const TbPayment *
find_payment_by_id (const TbBill *bill,
                    gint64        payment_id)
{
  for (guint i = 0; bill->payments != NULL && i < bill->payments->len; i++)
    {
      const TbPayment *payment = g_ptr_array_index (bill->payments, i);

      if (payment->id == payment_id)
        return payment;
    }
  return NULL;
}

static void
print_result_json (const TbBill         *bill,
                   const TbSettleResult *result)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "payment_id");
  json_builder_add_int_value (builder, result->payment_id);
  json_builder_set_member_name (builder, "already_settled");
  json_builder_add_boolean_value (builder, result->already_settled);
  json_builder_set_member_name (builder, "overpaid");
  json_builder_add_boolean_value (builder, result->overpaid);
  json_builder_set_member_name (builder, "number");
  json_builder_add_string_value (builder, bill->number);
  json_builder_set_member_name (builder, "status");
  json_builder_add_string_value (builder, tb_bill_status_to_string (result->status));
  json_builder_set_member_name (builder, "paid");
  json_builder_add_int_value (builder, result->paid);
  json_builder_set_member_name (builder, "due");
  json_builder_add_int_value (builder, result->due);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  tb_cli_print_json (root);
}

static void
print_result_text (const TbBill         *bill,
                   const TbSettleResult *result,
                   const TbPayment      *payment)
{
  g_autofree char *amount = tb_money_format (payment->amount, bill->currency);
  g_autofree char *paid = tb_money_format (result->paid, bill->currency);
  g_autofree char *due = tb_money_format (result->due, bill->currency);

  if (result->already_settled)
    /* TRANSLATORS: "Already recorded: 5 000 ₮ by Card on bill 1042; nothing was changed." */
    g_print (_("Already recorded: %s by %s on bill %s; nothing was changed."),
             amount, tb_payment_method_to_label (payment->method), bill->number);
  else
    /* TRANSLATORS: "Payment recorded: 5 000 ₮ by Cash on bill 1042." */
    g_print (_("Payment recorded: %s by %s on bill %s."),
             amount, tb_payment_method_to_label (payment->method), bill->number);
  g_print ("\n");

  /* TRANSLATORS: "Paid: 5 000 ₮, due: 7 500 ₮ (Partly paid)" */
  g_print (_("Paid: %s, due: %s (%s)"), paid, due, tb_bill_status_to_label (result->status));
  g_print ("\n");

  if (result->overpaid)
    {
      g_autofree char *over = tb_money_format (MAX (result->paid - bill->total, 0),
                                               bill->currency);

      g_print (_("The bill is overpaid by %s."), over);
      g_print ("\n");
    }
}

gboolean
tb_cli_pay (TbCli    *cli,
            char   ***args,
            GError  **error)
{
  g_autofree char *method_arg = NULL;
  g_autofree char *amount_arg = NULL;
  g_autofree char *ref_arg = NULL;
  g_autofree char *ref = NULL;
  g_autoptr(TbBill) bill = NULL;
  g_autoptr(TbBill) after = NULL;
  gboolean allow_overpay = FALSE;
  TbSettleRequest request = { 0 };
  TbSettleResult result = { 0 };
  const TbPayment *previous = NULL;
  const TbPayment *payment;
  TbPaymentMethod method;
  TbLedger *ledger;
  gint64 amount = 0;
  const GOptionEntry entries[] = {
    { "method", 0, 0, G_OPTION_ARG_STRING, &method_arg,
      N_("cash or card (required)"), N_("METHOD") },
    { "amount", 0, 0, G_OPTION_ARG_STRING, &amount_arg,
      N_("The amount received, such as “12 500” (required)"), N_("A") },
    { "ref", 0, 0, G_OPTION_ARG_STRING, &ref_arg,
      N_("Card slip or other reference; identifies the payment, so repeating the command "
         "records it once"), N_("REF") },
    { "allow-overpay", 0, 0, G_OPTION_ARG_NONE, &allow_overpay,
      N_("Record the payment even if it is more than what is due"), NULL },
    G_OPTION_ENTRY_NULL
  };

  if (!tb_cli_parse_options (cli, entries, args, 1, 1, error) ||
      !tb_cli_require_option (method_arg, "--method", error) ||
      !tb_cli_require_option (amount_arg, "--amount", error))
    return FALSE;

  if (!tb_payment_method_from_string (method_arg, &method) ||
      (method != TB_METHOD_CASH && method != TB_METHOD_CARD))
    {
      g_set_error (error, TB_CLI_ERROR, TB_CLI_ERROR_INPUT,
                   _("--method: “%s” is not a method here; use cash or card"),
                   g_utf8_validate (method_arg, -1, NULL) ? method_arg : "?");
      return FALSE;
    }

  if (!tb_money_parse_positive (amount_arg, &amount, error))
    {
      g_prefix_error (error, "--amount: ");
      return FALSE;
    }
  /* tb_money_parse_positive promises this; the ledger must never see less. */
  if (amount <= 0)
    {
      g_set_error_literal (error, TB_CLI_ERROR, TB_CLI_ERROR_INPUT,
                           _("--amount: the amount must be more than zero"));
      return FALSE;
    }

  if (ref_arg != NULL && !tb_cli_clean_text (ref_arg, "--ref", FALSE, 255, &ref, error))
    return FALSE;

  if (!(bill = tb_cli_load_bill (cli, (*args)[1], error)))
    return FALSE;
  ledger = tb_cli_get_ledger (cli, error);

  if (ref != NULL)
    previous = find_payment_by_ref (bill, method, ref);

  if (previous != NULL && previous->amount != amount)
    {
      g_autofree char *recorded = tb_money_format (previous->amount, bill->currency);

      g_set_error (error, TB_CLI_ERROR, TB_CLI_ERROR_REFUSED,
                   _("This reference was already used on bill %s for a payment of %s; "
                     "nothing was changed"),
                   bill->number, recorded);
      return FALSE;
    }

  /* A repeat goes straight to the ledger, which recognises it; the checks below are for
   * new money only, or the repeat of a payment that settled the bill would be refused. */
  if (previous == NULL)
    {
      gint64 due = tb_bill_get_due (bill);

      if (bill->status == TB_BILL_VOID)
        {
          g_set_error (error, TB_CLI_ERROR, TB_CLI_ERROR_REFUSED,
                       _("Bill %s is void; it takes no payments"), bill->number);
          return FALSE;
        }

      if (amount > due && !allow_overpay)
        {
          g_autofree char *wanted = tb_money_format (amount, bill->currency);
          g_autofree char *owed = tb_money_format (due, bill->currency);

          g_set_error (error, TB_CLI_ERROR, TB_CLI_ERROR_REFUSED,
                       /* TRANSLATORS: "5 000 ₮ is more than the 2 500 ₮ due on bill 1042; …" */
                       _("%s is more than the %s due on bill %s; nothing was recorded "
                         "(use --allow-overpay to record it anyway)"),
                       wanted, owed, bill->number);
          return FALSE;
        }
    }

  request.bill_id = bill->id;
  request.method = method;
  request.amount = amount;
  request.provider_txn_id = ref;
  request.reference = ref;
  request.allow_overpay = allow_overpay;

  if (!tb_ledger_settle (ledger, &request, &result, error))
    return FALSE;

  if (!(after = tb_ledger_get_bill (ledger, bill->id, error)))
    return FALSE;

  payment = find_payment_by_id (after, result.payment_id);
  if (payment == NULL)
    {
      /* The reference was first used on another bill: the ledger kept that payment and
       * changed nothing here. */
      g_set_error (error, TB_CLI_ERROR, TB_CLI_ERROR_REFUSED,
                   _("This reference was already used for a payment on another bill; "
                     "nothing was changed"));
      return FALSE;
    }

  if (cli->json)
    print_result_json (after, &result);
  else
    print_result_text (after, &result, payment);

  return TRUE;
}
