/* tb-cli-service.c: the services stack for tulbur-cli, configured from the environment
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "tb-cli.h"

TbStack *
tb_cli_get_stack (TbCli   *cli,
                  GError **error)
{
  g_autoptr(TbStackConfig) config = tb_stack_config_new ();
  TbLedger *ledger;

  if (cli->stack != NULL)
    return cli->stack;

  /* The configuration first: a missing variable is reported before any file is touched. */
  if (!tb_stack_config_load_env (config, error))
    return NULL;
  if (!(ledger = tb_cli_get_ledger (cli, error)))
    return NULL;

  /* One login per run, kept in memory: the CLI is short-lived, and QPay's own expiry makes a
   * stored token of little use to the next run. */
  cli->stack = tb_stack_new (ledger, config, error);
  return cli->stack;
}

TbPaymentService *
tb_cli_get_payment_service (TbCli   *cli,
                            GError **error)
{
  TbStack *stack = tb_cli_get_stack (cli, error);

  return stack != NULL ? tb_stack_get_payment_service (stack) : NULL;
}

TbReceiptQueue *
tb_cli_get_receipt_queue (TbCli   *cli,
                          GError **error)
{
  TbStack *stack = tb_cli_get_stack (cli, error);

  return stack != NULL ? tb_stack_get_receipt_queue (stack) : NULL;
}

gboolean
tb_cli_issue_receipts (TbCli           *cli,
                       TbReceiptStats  *out_stats,
                       GError         **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  TbReceiptStats stats = { 0 };
  TbReceiptQueue *queue;

  if (out_stats != NULL)
    *out_stats = stats;

  if (!(queue = tb_cli_get_receipt_queue (cli, error)))
    return FALSE;
  /* Switched off, the queue would mark every waiting receipt SKIPPED: leave them waiting
   * for a run that has receipts on. */
  if (!tb_receipt_queue_get_enabled (queue))
    return TRUE;

  tb_receipt_queue_process_async (queue, NULL, tb_cli_store_result, &result);
  tb_cli_wait (&result);
  if (!tb_receipt_queue_process_finish (queue, result, &stats, error))
    return FALSE;

  if (out_stats != NULL)
    *out_stats = stats;
  return TRUE;
}

void
tb_cli_store_result (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  GAsyncResult **slot = user_data;

  g_assert (*slot == NULL);
  *slot = g_object_ref (result);
}

void
tb_cli_wait (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
}
