/* tb-qpay-test-common.c: a simulator + client fixture for the QPay tests
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "tb-test-utils.h"
#include "tb-qpay-test-common.h"

void
drain_main_context (void)
{
  /* A few rounds: closing a connection schedules more work. */
  for (int i = 0; i < 5; i++)
    while (g_main_context_iteration (NULL, FALSE))
      ;
}

TbQpayClient *
qpay_client_new (TbSimServer      *sim,
                 TbQpayTokenStore *store)
{
  g_autoptr(TbQpayConfig) config = tb_sim_server_new_config (sim);
  g_autoptr(GError) error = NULL;
  TbQpayClient *client;

  client = tb_qpay_client_new (config, store, &error);
  g_assert_no_error (error);
  tb_qpay_client_set_timeout (client, 10000);
  tb_qpay_client_set_retry (client, 3, 5, 20);

  return client;
}

void
qpay_fixture_setup (QpayFixture   *fixture,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->sim = tb_sim_server_new ();
  tb_sim_server_start (fixture->sim, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tb_sim_server_get_port (fixture->sim), >, 0);

  fixture->client = qpay_client_new (fixture->sim, NULL);
}

void
qpay_fixture_teardown (QpayFixture   *fixture,
                       gconstpointer  data)
{
  g_clear_object (&fixture->client);
  drain_main_context ();
  tb_sim_server_stop (fixture->sim);
  drain_main_context ();
  g_assert_finalize_object (g_steal_pointer (&fixture->sim));
}

void
async_wait_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  AsyncWait *wait = user_data;

  g_assert_false (wait->done);
  wait->result = g_object_ref (result);
  wait->done = TRUE;
}

GAsyncResult *
async_wait (AsyncWait *wait)
{
  g_assert_true (tb_test_wait_for (&wait->done, 20000));
  return g_steal_pointer (&wait->result);
}

TbQpayInvoice *
qpay_create_simple (TbQpayClient  *client,
                    gint64         amount,
                    GError       **error)
{
  g_autofree char *number = tb_qpay_sender_invoice_no_new ("T");
  g_autoptr(TbQpayInvoiceRequest) request =
    tb_qpay_invoice_request_new (TB_QPAY_INVOICE_SIMPLE, number, "Test invoice", amount);
  g_autoptr(GAsyncResult) result = NULL;
  AsyncWait wait = { 0, };

  tb_qpay_client_create_invoice_async (client, request, NULL, async_wait_cb, &wait);
  result = async_wait (&wait);
  return tb_qpay_client_create_invoice_finish (client, result, error);
}

TbQpayCheckResult *
qpay_check (TbQpayClient  *client,
            const char    *invoice_id,
            guint          page_number,
            guint          page_limit,
            GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  AsyncWait wait = { 0, };

  tb_qpay_client_check_payment_async (client, TB_QPAY_OBJECT_INVOICE, invoice_id,
                                      page_number, page_limit, NULL, async_wait_cb, &wait);
  result = async_wait (&wait);
  return tb_qpay_client_check_payment_finish (client, result, error);
}
