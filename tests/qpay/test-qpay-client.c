/* test-qpay-client.c: every QPay call against the simulator, success and error paths
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <libsoup/soup.h>

#include "tb-test-utils.h"
#include "tb-qpay-test-common.h"

/* Synchronous wrappers: each runs the main loop until the call is finished. */

static TbQpayInvoice *
create_invoice (TbQpayClient               *client,
                const TbQpayInvoiceRequest *request,
                GCancellable               *cancellable,
                GError                    **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  AsyncWait wait = { 0, };

  tb_qpay_client_create_invoice_async (client, request, cancellable, async_wait_cb, &wait);
  result = async_wait (&wait);
  return tb_qpay_client_create_invoice_finish (client, result, error);
}

static TbQpayInvoiceInfo *
get_invoice (TbQpayClient  *client,
             const char    *invoice_id,
             GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  AsyncWait wait = { 0, };

  tb_qpay_client_get_invoice_async (client, invoice_id, NULL, async_wait_cb, &wait);
  result = async_wait (&wait);
  return tb_qpay_client_get_invoice_finish (client, result, error);
}

static gboolean
cancel_invoice (TbQpayClient  *client,
                const char    *invoice_id,
                GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  AsyncWait wait = { 0, };

  tb_qpay_client_cancel_invoice_async (client, invoice_id, NULL, async_wait_cb, &wait);
  result = async_wait (&wait);
  return tb_qpay_client_cancel_invoice_finish (client, result, error);
}

static TbQpayPayment *
get_payment (TbQpayClient  *client,
             const char    *payment_id,
             GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  AsyncWait wait = { 0, };

  tb_qpay_client_get_payment_async (client, payment_id, NULL, async_wait_cb, &wait);
  result = async_wait (&wait);
  return tb_qpay_client_get_payment_finish (client, result, error);
}

static TbQpayPaymentList *
list_payments (TbQpayClient  *client,
               GDateTime     *start,
               GDateTime     *end,
               GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  AsyncWait wait = { 0, };

  tb_qpay_client_list_payments_async (client, TB_QPAY_OBJECT_INVOICE, NULL, start, end, 1, 100,
                                      NULL, async_wait_cb, &wait);
  result = async_wait (&wait);
  return tb_qpay_client_list_payments_finish (client, result, error);
}

static gboolean
reverse_payment (TbQpayClient  *client,
                 gboolean       refund,
                 const char    *payment_id,
                 GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  AsyncWait wait = { 0, };

  if (refund)
    {
      tb_qpay_client_refund_payment_async (client, payment_id, "Returned goods", NULL, async_wait_cb, &wait);
      result = async_wait (&wait);
      return tb_qpay_client_refund_payment_finish (client, result, error);
    }

  tb_qpay_client_cancel_payment_async (client, payment_id, "Wrong amount", NULL, async_wait_cb, &wait);
  result = async_wait (&wait);
  return tb_qpay_client_cancel_payment_finish (client, result, error);
}

static TbQpayEbarimt *
create_ebarimt (TbQpayClient               *client,
                const TbQpayEbarimtRequest *request,
                GError                    **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  AsyncWait wait = { 0, };

  tb_qpay_client_create_ebarimt_async (client, request, NULL, async_wait_cb, &wait);
  result = async_wait (&wait);
  return tb_qpay_client_create_ebarimt_finish (client, result, error);
}

static TbQpayEbarimt *
get_ebarimt (TbQpayClient  *client,
             const char    *payment_id,
             GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  AsyncWait wait = { 0, };

  tb_qpay_client_get_ebarimt_async (client, payment_id, NULL, async_wait_cb, &wait);
  result = async_wait (&wait);
  return tb_qpay_client_get_ebarimt_finish (client, result, error);
}

static TbQpayEbarimt *
cancel_ebarimt (TbQpayClient  *client,
                const char    *payment_id,
                GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  AsyncWait wait = { 0, };

  tb_qpay_client_cancel_ebarimt_async (client, payment_id, "Wrong receiver", NULL, async_wait_cb, &wait);
  result = async_wait (&wait);
  return tb_qpay_client_cancel_ebarimt_finish (client, result, error);
}

static TbQpayInvoice *
create_and_check (QpayFixture *f,
                  gint64       amount)
{
  g_autoptr(GError) error = NULL;
  TbQpayInvoice *invoice = qpay_create_simple (f->client, amount, &error);

  g_assert_no_error (error);
  g_assert_nonnull (invoice);
  return invoice;
}

/* Invoices */

static void
test_create_simple (QpayFixture   *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TbQpayInvoice) invoice = NULL;
  g_autoptr(TbSimInvoiceInfo) info = NULL;
  const TbQpayDeeplink *link;

  tb_sim_server_set_empty_qr_image (f->sim, 0);
  invoice = qpay_create_simple (f->client, 1250000, &error);
  g_assert_no_error (error);

  g_assert_cmpuint (strlen (invoice->invoice_id), ==, 36);
  g_assert_true (g_str_has_prefix (invoice->qr_text, "000201"));
  g_assert_nonnull (invoice->qr_image);
  g_assert_nonnull (g_strstr_len (invoice->short_url, -1, invoice->invoice_id));
  g_assert_cmpuint (invoice->urls->len, ==, 6);
  link = g_ptr_array_index (invoice->urls, 0);
  g_assert_cmpstr (link->name, ==, "Khan bank");
  g_assert_true (g_str_has_prefix (link->link, "khanbank://q?qPay_QRcode="));

  /* The simulator recorded 12 500 ₮ (sent as the whole number 12500). */
  info = tb_sim_server_get_invoice (f->sim, invoice->invoice_id);
  g_assert_cmpint (info->amount, ==, 1250000);
  g_assert_cmpstr (info->status, ==, "OPEN");
}

static void
test_create_empty_qr_image (QpayFixture   *f,
                            gconstpointer  data)
{
  g_autoptr(TbQpayInvoice) invoice = NULL;

  /* QPay sometimes sends "qr_image": "": NULL, and qr_text is still there to draw. */
  tb_sim_server_set_empty_qr_image (f->sim, 1);
  invoice = create_and_check (f, 10000);
  g_assert_null (invoice->qr_image);
  g_assert_nonnull (invoice->qr_text);
}

static void
test_create_full (QpayFixture   *f,
                  gconstpointer  data)
{
  g_autoptr(TbQpayInvoiceRequest) request = tb_qpay_invoice_request_new (TB_QPAY_INVOICE_FULL, "FULL1", "Visit", 0);
  g_autoptr(GError) error = NULL;
  g_autoptr(TbQpayInvoice) invoice = NULL;
  g_autoptr(TbSimInvoiceInfo) info = NULL;

  /* Prices where binary floats go wrong: every multiple of 11. */
  tb_qpay_invoice_request_add_line (request, "Consultation", 1000, 1100000, TRUE, FALSE, NULL);
  tb_qpay_invoice_request_add_line (request, "Bandage", 3000, 5500, TRUE, FALSE, NULL);
  tb_qpay_invoice_request_add_line (request, "Parking", 1000, 100000, TRUE, TRUE, NULL);
  invoice = create_invoice (f->client, request, NULL, &error);
  g_assert_no_error (error);

  info = tb_sim_server_get_invoice (f->sim, invoice->invoice_id);
  g_assert_cmpint (info->amount, ==, 1100000 + 16500 + 100000);
}

static void
test_create_ebarimt (QpayFixture   *f,
                     gconstpointer  data)
{
  g_autoptr(TbQpayInvoiceRequest) request = tb_qpay_invoice_request_new (TB_QPAY_INVOICE_EBARIMT, "EB1", "Parking", 0);
  g_autoptr(GError) error = NULL;
  g_autoptr(TbQpayInvoice) invoice = NULL;

  request->invoice_code = g_strdup (TB_SIM_DEMO_EBARIMT_INVOICE_CODE);
  request->district_code = g_strdup ("3505");
  tb_qpay_invoice_request_add_line (request, "Car parking", 1000, 100000, TRUE, TRUE, "6743000");
  invoice = create_invoice (f->client, request, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (invoice->invoice_id);

  /* The same form with the plain invoice code: Ebarimt is not enabled for it. */
  g_free (request->invoice_code);
  request->invoice_code = NULL;
  g_free (request->sender_invoice_no);
  request->sender_invoice_no = g_strdup ("EB2");
  g_clear_pointer (&invoice, tb_qpay_invoice_free);
  invoice = create_invoice (f->client, request, NULL, &error);
  g_assert_null (invoice);
  g_assert_error (error, TB_QPAY_ERROR, TB_QPAY_ERROR_REJECTED);
  g_assert_cmpstr (tb_qpay_error_get_key (error), ==, "EBARIMT_NOT_ENABLED");
  g_assert_cmpuint (tb_qpay_error_get_http_status (error), ==, 400);
  g_assert_cmpstr (error->message, ==, tb_qpay_error_message_for_key ("EBARIMT_NOT_ENABLED"));
}

static void
test_create_min_amount (QpayFixture   *f,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TbQpayInvoice) invoice = qpay_create_simple (f->client, 500, &error);

  g_assert_null (invoice);
  g_assert_error (error, TB_QPAY_ERROR, TB_QPAY_ERROR_REJECTED);
  g_assert_true (tb_qpay_error_has_key (error, "MIN_AMOUNT_ERR"));
}

static void
test_create_invalid_locally (QpayFixture   *f,
                             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TbQpayInvoice) invoice = qpay_create_simple (f->client, 10050, &error);

  /* 100.50 ₮: refused before anything is sent, and nothing is sent. */
  g_assert_null (invoice);
  g_assert_error (error, TB_QPAY_ERROR, TB_QPAY_ERROR_INVALID_REQUEST);
  g_assert_cmpuint (tb_sim_server_count_requests (f->sim, NULL), ==, 0);
}

static void
test_create_never_retried (QpayFixture   *f,
                           gconstpointer  data)
{
  TbSimFault fault = { .path_prefix = "/v2/invoice", .status = 503, .count = 1 };
  g_autoptr(GError) error = NULL;
  g_autoptr(TbQpayInvoice) invoice = NULL;

  tb_sim_server_add_fault (f->sim, &fault);
  invoice = qpay_create_simple (f->client, 10000, &error);
  g_assert_null (invoice);
  g_assert_error (error, TB_QPAY_ERROR, TB_QPAY_ERROR_SERVER);
  g_assert_cmpuint (tb_qpay_error_get_http_status (error), ==, 503);
  g_assert_cmpuint (tb_sim_server_count_requests (f->sim, "POST /v2/invoice"), ==, 1);
}

static void
test_create_timeout_then_same_number (QpayFixture   *f,
                                      gconstpointer  data)
{
  TbSimFault fault = { .path_prefix = "/v2/invoice", .hang = TRUE, .count = 1 };
  g_autoptr(TbQpayInvoiceRequest) request = tb_qpay_invoice_request_new (TB_QPAY_INVOICE_SIMPLE, "RETRY1", "x", 10000);
  g_autoptr(GError) error = NULL;
  g_autoptr(TbQpayInvoice) first = NULL;
  g_autoptr(TbQpayInvoice) second = NULL;
  g_autoptr(GPtrArray) invoices = NULL;
  gint64 started;

  tb_qpay_client_set_timeout (f->client, 300);
  tb_sim_server_add_fault (f->sim, &fault);

  started = g_get_monotonic_time ();
  first = create_invoice (f->client, request, NULL, &error);
  g_assert_null (first);
  g_assert_error (error, TB_QPAY_ERROR, TB_QPAY_ERROR_TIMEOUT);
  g_assert_cmpint (g_get_monotonic_time () - started, <, 3 * G_USEC_PER_SEC);
  g_assert_cmpuint (tb_sim_server_count_requests (f->sim, "POST /v2/invoice"), ==, 1);
  g_clear_error (&error);

  /* QPay did create it. Retrying with the same sender_invoice_no gives the same invoice,
   * not a second one the customer could pay too. */
  second = create_invoice (f->client, request, NULL, &error);
  g_assert_no_error (error);
  invoices = tb_sim_server_list_invoices (f->sim);
  g_assert_cmpuint (invoices->len, ==, 1);
  g_assert_cmpstr (second->invoice_id, ==, ((TbSimInvoiceInfo *) g_ptr_array_index (invoices, 0))->invoice_id);
}

static void
test_get_invoice (QpayFixture   *f,
                  gconstpointer  data)
{
  g_autoptr(TbQpayInvoice) invoice = create_and_check (f, 10000);
  g_autoptr(GError) error = NULL;
  g_autoptr(TbQpayInvoiceInfo) info = get_invoice (f->client, invoice->invoice_id, &error);
  g_autoptr(TbQpayInvoiceInfo) closed = NULL;
  g_autoptr(TbQpayInvoiceInfo) missing = NULL;
  g_autofree char *payment_id = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (info->status, ==, "OPEN");
  g_assert_cmpint (info->total_amount, ==, 10000);
  g_assert_cmpstr (info->description, ==, "Test invoice");

  payment_id = tb_sim_server_pay_invoice (f->sim, invoice->invoice_id, 0, FALSE, &error);
  g_assert_no_error (error);
  closed = get_invoice (f->client, invoice->invoice_id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (closed->status, ==, "CLOSED");

  /* Not found is 422 at QPay. */
  missing = get_invoice (f->client, "00000000-0000-0000-0000-000000000000", &error);
  g_assert_null (missing);
  g_assert_error (error, TB_QPAY_ERROR, TB_QPAY_ERROR_NOT_FOUND);
  g_assert_cmpstr (tb_qpay_error_get_key (error), ==, "INVOICE_NOTFOUND");
  g_assert_cmpuint (tb_qpay_error_get_http_status (error), ==, 422);
  g_clear_error (&error);

  /* An id that cannot go into a path is refused locally. */
  g_assert_null (get_invoice (f->client, "../auth/token", &error));
  g_assert_error (error, TB_QPAY_ERROR, TB_QPAY_ERROR_INVALID_REQUEST);
}

/* Each call's result is finished only by its own _finish(): the endpoint table tags them. */
static void
test_finish_checks_call (QpayFixture   *f,
                         gconstpointer  data)
{
  g_autoptr(TbQpayInvoice) invoice = create_and_check (f, 10000);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(TbQpayInvoiceInfo) info = NULL;
  AsyncWait wait = { 0, };

  tb_qpay_client_get_invoice_async (f->client, invoice->invoice_id, NULL, async_wait_cb, &wait);
  result = async_wait (&wait);

  g_test_expect_message ("Tulbur-QPay", G_LOG_LEVEL_CRITICAL, "*source_tag*");
  g_assert_null (tb_qpay_client_get_payment_finish (f->client, result, &error));
  g_test_assert_expected_messages ();
  g_assert_no_error (error);

  info = tb_qpay_client_get_invoice_finish (f->client, result, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (info->status, ==, "OPEN");
}

static void
test_cancel_invoice (QpayFixture   *f,
                     gconstpointer  data)
{
  g_autoptr(TbQpayInvoice) open = create_and_check (f, 10000);
  g_autoptr(TbQpayInvoice) paid = create_and_check (f, 10000);
  g_autoptr(TbQpayInvoiceInfo) info = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *payment_id = NULL;

  g_assert_true (cancel_invoice (f->client, open->invoice_id, &error));
  g_assert_no_error (error);
  info = get_invoice (f->client, open->invoice_id, &error);
  g_assert_cmpstr (info->status, ==, "CANCELLED");

  g_assert_false (cancel_invoice (f->client, open->invoice_id, &error));
  g_assert_true (tb_qpay_error_has_key (error, "INVOICE_ALREADY_CANCELED"));
  g_clear_error (&error);

  payment_id = tb_sim_server_pay_invoice (f->sim, paid->invoice_id, 5000, FALSE, NULL);
  g_assert_false (cancel_invoice (f->client, paid->invoice_id, &error));
  g_assert_error (error, TB_QPAY_ERROR, TB_QPAY_ERROR_REJECTED);
  g_assert_true (tb_qpay_error_has_key (error, "INVOICE_PAID"));
  g_clear_error (&error);

  g_assert_false (cancel_invoice (f->client, "00000000-0000-0000-0000-000000000000", &error));
  g_assert_true (tb_qpay_error_has_key (error, "INVOICE_NOTFOUND"));
}

/* Payment check */

static void
test_check_paths (QpayFixture   *f,
                  gconstpointer  data)
{
  g_autoptr(TbQpayInvoice) invoice = create_and_check (f, 10100);
  g_autoptr(GError) error = NULL;
  g_autoptr(TbQpayCheckResult) unpaid = NULL;
  g_autoptr(TbQpayCheckResult) partial = NULL;
  g_autoptr(TbQpayCheckResult) full = NULL;
  g_autoptr(TbQpayCheckResult) twice = NULL;
  g_autoptr(TbQpayCheckResult) page2 = NULL;
  g_autofree char *p1 = NULL;
  g_autofree char *p2 = NULL;
  g_autofree char *p3 = NULL;
  const TbQpayPayment *row;

  unpaid = qpay_check (f->client, invoice->invoice_id, 1, 100, &error);
  g_assert_no_error (error);
  g_assert_cmpint (unpaid->count, ==, 0);
  g_assert_cmpint (unpaid->paid_amount, ==, 0);
  g_assert_null (tb_qpay_check_result_find_paid (unpaid));

  /* Partial: 50.50 ₮ of 101 ₮; paid_amount arrives as the JSON number 50.5. */
  p1 = tb_sim_server_pay_invoice (f->sim, invoice->invoice_id, 5050, FALSE, NULL);
  partial = qpay_check (f->client, invoice->invoice_id, 1, 100, &error);
  g_assert_no_error (error);
  g_assert_cmpint (partial->paid_amount, ==, 5050);
  row = tb_qpay_check_result_find_paid (partial);
  g_assert_cmpstr (row->payment_id, ==, p1);
  g_assert_cmpuint (strlen (row->payment_id), ==, 15);
  g_assert_cmpint (row->amount, ==, 5050);
  g_assert_cmpstr (row->type, ==, "P2P");

  /* The rest. */
  p2 = tb_sim_server_pay_invoice (f->sim, invoice->invoice_id, 0, FALSE, NULL);
  full = qpay_check (f->client, invoice->invoice_id, 1, 100, &error);
  g_assert_no_error (error);
  g_assert_cmpint (full->paid_amount, ==, 10100);
  g_assert_cmpint (full->count, ==, 2);

  /* Paid twice: the customer's second scan went through too. */
  p3 = tb_sim_server_pay_invoice (f->sim, invoice->invoice_id, 0, FALSE, NULL);
  twice = qpay_check (f->client, invoice->invoice_id, 1, 100, &error);
  g_assert_no_error (error);
  g_assert_cmpint (twice->paid_amount, ==, 20200);
  g_assert_cmpint (twice->count, ==, 3);

  /* Paging: one row a page. */
  page2 = qpay_check (f->client, invoice->invoice_id, 2, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (page2->count, ==, 3);
  g_assert_cmpuint (page2->rows->len, ==, 1);
  g_assert_cmpstr (((TbQpayPayment *) g_ptr_array_index (page2->rows, 0))->payment_id, ==, p2);

  g_assert_null (qpay_check (f->client, invoice->invoice_id, 1, 500, &error));
  g_assert_error (error, TB_QPAY_ERROR, TB_QPAY_ERROR_INVALID_REQUEST);
  g_clear_error (&error);

  g_assert_null (qpay_check (f->client, "00000000-0000-0000-0000-000000000000", 1, 100, &error));
  g_assert_error (error, TB_QPAY_ERROR, TB_QPAY_ERROR_NOT_FOUND);
  g_assert_true (tb_qpay_error_has_key (error, "INVOICE_NOTFOUND"));
}

static void
test_check_retries_5xx (QpayFixture   *f,
                        gconstpointer  data)
{
  g_autoptr(TbQpayInvoice) invoice = create_and_check (f, 10000);
  TbSimFault twice = { .path_prefix = "/v2/payment/check", .status = 502, .count = 2 };
  TbSimFault always = { .path_prefix = "/v2/payment/check", .status = 500, .count = -1 };
  g_autoptr(GError) error = NULL;
  g_autoptr(TbQpayCheckResult) result = NULL;

  /* Two failures, then success on the third (and last) attempt. */
  tb_sim_server_add_fault (f->sim, &twice);
  result = qpay_check (f->client, invoice->invoice_id, 1, 100, &error);
  g_assert_no_error (error);
  g_assert_nonnull (result);
  g_assert_cmpuint (tb_sim_server_count_requests (f->sim, "POST /v2/payment/check"), ==, 3);

  /* Always failing: gives up after three attempts. */
  tb_sim_server_add_fault (f->sim, &always);
  g_clear_pointer (&result, tb_qpay_check_result_free);
  result = qpay_check (f->client, invoice->invoice_id, 1, 100, &error);
  g_assert_null (result);
  g_assert_error (error, TB_QPAY_ERROR, TB_QPAY_ERROR_SERVER);
  g_assert_cmpuint (tb_qpay_error_get_http_status (error), ==, 500);
  g_assert_cmpuint (tb_sim_server_count_requests (f->sim, "POST /v2/payment/check"), ==, 6);
}

static void
test_check_retries_timeout (QpayFixture   *f,
                            gconstpointer  data)
{
  g_autoptr(TbQpayInvoice) invoice = create_and_check (f, 10000);
  TbSimFault hang = { .path_prefix = "/v2/payment/check", .hang = TRUE, .count = 1 };
  g_autoptr(GError) error = NULL;
  g_autoptr(TbQpayCheckResult) result = NULL;

  tb_qpay_client_set_timeout (f->client, 300);
  tb_sim_server_add_fault (f->sim, &hang);
  result = qpay_check (f->client, invoice->invoice_id, 1, 100, &error);
  g_assert_no_error (error);
  g_assert_nonnull (result);
  g_assert_cmpuint (tb_sim_server_count_requests (f->sim, "POST /v2/payment/check"), ==, 2);
}

static void
test_latency_and_timeout (QpayFixture   *f,
                          gconstpointer  data)
{
  g_autoptr(TbQpayInvoice) invoice = create_and_check (f, 10000);
  TbSimFault slow = { .path_prefix = "/v2/invoice/", .latency_ms = 150, .count = 1 };
  TbSimFault hang = { .path_prefix = "/v2/invoice/", .hang = TRUE, .count = -1 };
  g_autoptr(GError) error = NULL;
  g_autoptr(TbQpayInvoiceInfo) info = NULL;
  gint64 started;

  tb_qpay_client_set_timeout (f->client, 400);
  tb_sim_server_add_fault (f->sim, &slow);
  info = get_invoice (f->client, invoice->invoice_id, &error);
  g_assert_no_error (error);
  g_assert_nonnull (info);

  tb_sim_server_add_fault (f->sim, &hang);
  started = g_get_monotonic_time ();
  g_clear_pointer (&info, tb_qpay_invoice_info_free);
  info = get_invoice (f->client, invoice->invoice_id, &error);
  g_assert_null (info);
  g_assert_error (error, TB_QPAY_ERROR, TB_QPAY_ERROR_TIMEOUT);
  /* Three attempts of 400 ms plus short pauses: nowhere near a hang. */
  g_assert_cmpint (g_get_monotonic_time () - started, <, 4 * G_USEC_PER_SEC);
  g_assert_cmpuint (tb_sim_server_count_requests (f->sim, "GET /v2/invoice/"), ==, 4);
}

static void
test_bad_bodies (QpayFixture   *f,
                 gconstpointer  data)
{
  g_autoptr(TbQpayInvoice) invoice = create_and_check (f, 10000);
  TbSimBody bodies[] = { TB_SIM_BODY_MALFORMED, TB_SIM_BODY_TRUNCATED, TB_SIM_BODY_HUGE, TB_SIM_BODY_EMPTY };

  for (gsize i = 0; i < G_N_ELEMENTS (bodies); i++)
    {
      TbSimFault fault = { .path_prefix = "/v2/payment/check", .body = bodies[i], .count = 1 };
      g_autoptr(GError) error = NULL;
      g_autoptr(TbQpayCheckResult) result = NULL;

      tb_sim_server_add_fault (f->sim, &fault);
      result = qpay_check (f->client, invoice->invoice_id, 1, 100, &error);
      g_test_message ("body fault %d", bodies[i]);
      g_assert_null (result);
      g_assert_error (error, TB_QPAY_ERROR, TB_QPAY_ERROR_BAD_RESPONSE);
    }

  /* A bad body on create: an error too, and the client is still usable afterwards. */
  {
    TbSimFault fault = { .path_prefix = "/v2/invoice", .body = TB_SIM_BODY_TRUNCATED, .count = 1 };
    g_autoptr(GError) error = NULL;
    g_autoptr(TbQpayInvoice) broken = NULL;
    g_autoptr(TbQpayInvoice) fine = NULL;

    tb_sim_server_add_fault (f->sim, &fault);
    broken = qpay_create_simple (f->client, 10000, &error);
    g_assert_null (broken);
    g_assert_error (error, TB_QPAY_ERROR, TB_QPAY_ERROR_BAD_RESPONSE);
    fine = create_and_check (f, 10000);
  }
}

static void
test_cancellation (QpayFixture   *f,
                   gconstpointer  data)
{
  g_autoptr(TbQpayInvoice) invoice = create_and_check (f, 10000);
  TbSimFault slow = { .path_prefix = "/v2/payment/check", .latency_ms = 5000, .count = 1 };
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(TbQpayCheckResult) check = NULL;
  AsyncWait wait = { 0, };
  gint64 started = g_get_monotonic_time ();

  tb_sim_server_add_fault (f->sim, &slow);
  tb_qpay_client_check_payment_async (f->client, TB_QPAY_OBJECT_INVOICE, invoice->invoice_id, 1, 100,
                                      cancellable, async_wait_cb, &wait);
  g_timeout_add_once (100, (GSourceOnceFunc) g_cancellable_cancel, cancellable);
  result = async_wait (&wait);
  check = tb_qpay_client_check_payment_finish (f->client, result, &error);
  g_assert_null (check);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (g_get_monotonic_time () - started, <, 2 * G_USEC_PER_SEC);
  /* Cancelled by the caller: not retried. */
  g_assert_cmpuint (tb_sim_server_count_requests (f->sim, "POST /v2/payment/check"), ==, 1);
}

/* Payments */

static void
test_payment_get_and_list (QpayFixture   *f,
                           gconstpointer  data)
{
  g_autoptr(TbQpayInvoice) invoice = create_and_check (f, 25000);
  g_autoptr(GError) error = NULL;
  g_autofree char *payment_id = tb_sim_server_pay_invoice (f->sim, invoice->invoice_id, 0, FALSE, NULL);
  g_autoptr(TbQpayPayment) payment = get_payment (f->client, payment_id, &error);
  g_autoptr(TbQpayPayment) missing = NULL;
  g_autoptr(TbQpayPaymentList) list = NULL;
  g_autoptr(TbQpayPaymentList) old = NULL;
  g_autoptr(GDateTime) long_ago = g_date_time_new_utc (2020, 1, 1, 0, 0, 0);
  g_autoptr(GDateTime) later = g_date_time_new_utc (2020, 1, 2, 0, 0, 0);

  g_assert_no_error (error);
  g_assert_cmpstr (payment->payment_id, ==, payment_id);
  g_assert_cmpstr (payment->status, ==, "PAID");
  g_assert_cmpint (payment->amount, ==, 25000);
  g_assert_cmpint (payment->fee, ==, 250);
  g_assert_cmpstr (payment->type, ==, "P2P");
  g_assert_nonnull (payment->date);
  g_assert_cmpstr (payment->object_id, ==, invoice->invoice_id);

  missing = get_payment (f->client, "999999999999999", &error);
  g_assert_null (missing);
  g_assert_error (error, TB_QPAY_ERROR, TB_QPAY_ERROR_NOT_FOUND);
  g_assert_true (tb_qpay_error_has_key (error, "PAYMENT_NOTFOUND"));
  g_clear_error (&error);

  list = list_payments (f->client, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (list->count, ==, 1);
  g_assert_cmpstr (((TbQpayPayment *) g_ptr_array_index (list->rows, 0))->type, ==, "P2P");

  old = list_payments (f->client, long_ago, later, &error);
  g_assert_no_error (error);
  g_assert_cmpint (old->count, ==, 0);
}

static void
test_payment_cancel_refund (QpayFixture   *f,
                            gconstpointer  data)
{
  g_autoptr(TbQpayInvoice) invoice = create_and_check (f, 30000);
  g_autoptr(GError) error = NULL;
  g_autofree char *p2p = tb_sim_server_pay_invoice (f->sim, invoice->invoice_id, 10000, FALSE, NULL);
  g_autofree char *card1 = tb_sim_server_pay_invoice (f->sim, invoice->invoice_id, 10000, TRUE, NULL);
  g_autofree char *card2 = tb_sim_server_pay_invoice (f->sim, invoice->invoice_id, 10000, TRUE, NULL);
  g_autoptr(TbQpayPayment) refunded = NULL;

  /* Only card payments can be reversed through the API. */
  g_assert_false (reverse_payment (f->client, TRUE, p2p, &error));
  g_assert_true (tb_qpay_error_has_key (error, "PAYMENT_SETTLED"));
  g_assert_cmpstr (error->message, ==, tb_qpay_error_message_for_key ("PAYMENT_SETTLED"));
  g_clear_error (&error);

  g_assert_true (reverse_payment (f->client, FALSE, card1, &error));
  g_assert_no_error (error);
  g_assert_true (reverse_payment (f->client, TRUE, card2, &error));
  g_assert_no_error (error);
  refunded = get_payment (f->client, card2, &error);
  g_assert_cmpstr (refunded->status, ==, "REFUNDED");

  g_assert_false (reverse_payment (f->client, TRUE, card2, &error));
  g_assert_true (tb_qpay_error_has_key (error, "PAYMENT_ALREADY_CANCELED"));
  g_clear_error (&error);

  g_assert_false (reverse_payment (f->client, FALSE, "123456789012345", &error));
  g_assert_true (tb_qpay_error_has_key (error, "PAYMENT_NOTFOUND"));
}

/* Ebarimt */

static void
test_ebarimt (QpayFixture   *f,
              gconstpointer  data)
{
  g_autoptr(TbQpayInvoice) invoice = create_and_check (f, 11000);
  g_autofree char *payment_id = tb_sim_server_pay_invoice (f->sim, invoice->invoice_id, 0, FALSE, NULL);
  g_autoptr(TbQpayEbarimtRequest) citizen = tb_qpay_ebarimt_request_new (payment_id, TB_QPAY_RECEIVER_CITIZEN, "88614450");
  g_autoptr(TbQpayEbarimtRequest) company = tb_qpay_ebarimt_request_new (payment_id, TB_QPAY_RECEIVER_COMPANY, "30101065006");
  g_autoptr(TbQpayEbarimtRequest) unknown = tb_qpay_ebarimt_request_new ("111111111111111", TB_QPAY_RECEIVER_CITIZEN, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(TbQpayEbarimt) receipt = NULL;
  g_autoptr(TbQpayEbarimt) again = NULL;
  g_autoptr(TbQpayEbarimt) cancelled = NULL;
  g_autoptr(TbQpayEbarimt) none = NULL;

  citizen->district_code = g_strdup ("3505");
  citizen->classification_code = g_strdup ("6743000");
  receipt = create_ebarimt (f->client, citizen, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (receipt->status, ==, "REGISTERED");
  g_assert_cmpuint (strlen (receipt->receipt_id), ==, 33);
  g_assert_nonnull (receipt->lottery);
  g_assert_cmpuint (strlen (receipt->lottery), ==, 11);
  g_assert_nonnull (receipt->qr_data);
  g_assert_cmpstr (receipt->payment_id, ==, payment_id);
  g_assert_cmpint (receipt->amount, ==, 11000);
  g_assert_cmpint (receipt->vat_e4, ==, 100000);   /* 110 ₮ × 10/110 = 10.00 ₮ */

  /* Asking again for the same payment returns the same receipt. */
  again = create_ebarimt (f->client, company, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (again->receipt_id, ==, receipt->receipt_id);

  /* And it can be looked up by the payment id. */
  {
    g_autoptr(TbQpayEbarimt) looked_up = get_ebarimt (f->client, payment_id, &error);

    g_assert_no_error (error);
    g_assert_cmpstr (looked_up->receipt_id, ==, receipt->receipt_id);
    g_assert_cmpstr (looked_up->status, ==, "REGISTERED");
  }

  cancelled = cancel_ebarimt (f->client, payment_id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (cancelled->status, ==, "CANCELED");

  g_assert_null (create_ebarimt (f->client, unknown, &error));
  g_assert_true (tb_qpay_error_has_key (error, "PAYMENT_NOTFOUND"));
  g_clear_error (&error);

  /* A company receipt after the cancel: no lottery number. */
  {
    g_autoptr(TbQpayEbarimt) b2b = create_ebarimt (f->client, company, &error);

    g_assert_no_error (error);
    g_assert_null (b2b->lottery);
    g_assert_cmpstr (b2b->receiver_type, ==, "COMPANY");
  }

  tb_sim_server_set_ebarimt_enabled (f->sim, FALSE);
  g_assert_null (create_ebarimt (f->client, citizen, &error));
  g_assert_true (tb_qpay_error_has_key (error, "EBARIMT_NOT_ENABLED"));
  g_clear_error (&error);

  {
    g_autoptr(TbQpayInvoice) other = create_and_check (f, 10000);
    g_autofree char *other_payment = tb_sim_server_pay_invoice (f->sim, other->invoice_id, 0, FALSE, NULL);

    none = cancel_ebarimt (f->client, other_payment, &error);
    g_assert_null (none);
    g_assert_error (error, TB_QPAY_ERROR, TB_QPAY_ERROR_NOT_FOUND);
    g_assert_true (tb_qpay_error_has_key (error, "EBARIMT_NOT_REGISTERED"));
    g_clear_error (&error);

    none = get_ebarimt (f->client, other_payment, &error);
    g_assert_null (none);
    g_assert_error (error, TB_QPAY_ERROR, TB_QPAY_ERROR_NOT_FOUND);
    g_assert_true (tb_qpay_error_has_key (error, "EBARIMT_NOT_REGISTERED"));
  }
}

/* Configuration and transport security */

static void
test_config (void)
{
  struct { const char *url; gboolean ok; const char *normalized; } cases[] = {
    { "https://merchant.qpay.mn", TRUE, "https://merchant.qpay.mn" },
    { "https://merchant.qpay.mn/v2/", TRUE, "https://merchant.qpay.mn" },
    { "https://merchant-sandbox.qpay.mn/", TRUE, "https://merchant-sandbox.qpay.mn" },
    { "http://127.0.0.1:8080", TRUE, "http://127.0.0.1:8080" },
    { "http://127.5.0.1:8080/v2", TRUE, "http://127.5.0.1:8080" },
    { "http://localhost:1", TRUE, "http://localhost:1" },
    { "http://[::1]:8080", TRUE, "http://[::1]:8080" },
    { "http://merchant.qpay.mn", FALSE, NULL },
    { "http://192.168.1.10:8080", FALSE, NULL },
    { "ftp://merchant.qpay.mn", FALSE, NULL },
    { "https://merchant.qpay.mn/?x=1", FALSE, NULL },
    { "https://user:pw@merchant.qpay.mn", FALSE, NULL },
    { "merchant.qpay.mn", FALSE, NULL },
    { "", FALSE, NULL },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(TbQpayConfig) config = tb_qpay_config_new ();
      g_autoptr(TbQpayClient) client = NULL;
      g_autoptr(GError) error = NULL;

      config->environment = TB_QPAY_ENV_LIVE;
      config->base_url = g_strdup (cases[i].url);
      config->client_id = g_strdup ("id");
      config->client_secret = g_strdup ("secret");
      client = tb_qpay_client_new (config, NULL, &error);
      g_test_message ("%s", cases[i].url);
      if (cases[i].ok)
        {
          g_assert_no_error (error);
          g_assert_cmpstr (tb_qpay_client_get_base_url (client), ==, cases[i].normalized);
        }
      else
        {
          g_assert_null (client);
          g_assert_error (error, TB_QPAY_ERROR, TB_QPAY_ERROR_CONFIG);
        }
    }

  /* The environment's own address; missing credentials. */
  {
    g_autoptr(TbQpayConfig) config = tb_qpay_config_new ();
    g_autoptr(TbQpayClient) client = NULL;
    g_autoptr(GError) error = NULL;

    config->environment = TB_QPAY_ENV_SANDBOX;
    config->client_id = g_strdup ("TEST_MERCHANT");
    config->client_secret = g_strdup ("123456");
    client = tb_qpay_client_new (config, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (tb_qpay_client_get_base_url (client), ==, TB_QPAY_SANDBOX_URL);
    g_clear_object (&client);

    g_clear_pointer (&config->client_secret, g_free);
    client = tb_qpay_client_new (config, NULL, &error);
    g_assert_null (client);
    g_assert_error (error, TB_QPAY_ERROR, TB_QPAY_ERROR_CONFIG);
  }
}

static void
tls_handler (SoupServer        *server,
             SoupServerMessage *message,
             const char        *path,
             GHashTable        *query,
             gpointer           user_data)
{
  gboolean *reached = user_data;

  *reached = TRUE;
  soup_server_message_set_status (message, 200, NULL);
  soup_server_message_set_response (message, "application/json", SOUP_MEMORY_STATIC, "{}", 2);
}

static void
test_tls_verified (void)
{
  g_autofree char *pem = g_test_build_filename (G_TEST_DIST, "qpay", "data", "selfsigned.pem", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GTlsCertificate) certificate = g_tls_certificate_new_from_file (pem, &error);
  g_autoptr(SoupServer) server = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) local = NULL;
  g_autoptr(TbQpayConfig) config = tb_qpay_config_new ();
  g_autoptr(TbQpayClient) client = NULL;
  g_autoptr(TbQpayCheckResult) result = NULL;
  gboolean reached = FALSE;
  GSList *listeners;

  g_assert_no_error (error);
  server = soup_server_new ("tls-certificate", certificate, NULL);
  soup_server_add_handler (server, NULL, tls_handler, &reached, NULL);
  soup_server_listen (server, address, SOUP_SERVER_LISTEN_HTTPS, &error);
  g_assert_no_error (error);
  listeners = soup_server_get_listeners (server);
  local = g_socket_get_local_address (listeners->data, &error);
  g_slist_free (listeners);
  g_assert_no_error (error);

  /* A self-signed certificate: a man in the middle. The client must refuse it. */
  config->environment = TB_QPAY_ENV_LIVE;
  config->base_url = g_strdup_printf ("https://127.0.0.1:%u",
                                      g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (local)));
  config->client_id = g_strdup ("id");
  config->client_secret = g_strdup ("secret");
  client = tb_qpay_client_new (config, NULL, &error);
  g_assert_no_error (error);
  tb_qpay_client_set_timeout (client, 30000);   /* TLS under valgrind is slow */
  tb_qpay_client_set_retry (client, 1, 1, 1);

  result = qpay_check (client, "inv", 1, 100, &error);
  g_assert_null (result);
  g_assert_error (error, TB_QPAY_ERROR, TB_QPAY_ERROR_NETWORK);
  g_assert_false (reached);

  g_clear_object (&client);
  soup_server_disconnect (server);
  drain_main_context ();
}

static void
test_network_down (void)
{
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) local = NULL;
  g_autoptr(TbQpayConfig) config = tb_qpay_config_new ();
  g_autoptr(TbQpayClient) client = NULL;
  g_autoptr(TbQpayCheckResult) result = NULL;
  g_autoptr(GError) error = NULL;
  guint port;

  /* A port nobody listens on: bind one, note it, close it. */
  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  g_socket_bind (socket, address, TRUE, &error);
  g_assert_no_error (error);
  local = g_socket_get_local_address (socket, &error);
  port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (local));
  g_socket_close (socket, NULL);

  config->environment = TB_QPAY_ENV_SIMULATOR;
  config->base_url = g_strdup_printf ("http://127.0.0.1:%u", port);
  config->client_id = g_strdup ("id");
  config->client_secret = g_strdup ("secret");
  client = tb_qpay_client_new (config, NULL, &error);
  g_assert_no_error (error);

  result = qpay_check (client, "inv", 1, 100, &error);
  g_assert_null (result);
  g_assert_error (error, TB_QPAY_ERROR, TB_QPAY_ERROR_NETWORK);
  g_assert_cmpstr (error->message, !=, "");

  g_clear_object (&client);
  drain_main_context ();
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/tulbur/qpay-client/" path, QpayFixture, NULL, qpay_fixture_setup, func, qpay_fixture_teardown)

  ADD ("create/simple", test_create_simple);
  ADD ("create/empty-qr-image", test_create_empty_qr_image);
  ADD ("create/full", test_create_full);
  ADD ("create/ebarimt", test_create_ebarimt);
  ADD ("create/min-amount", test_create_min_amount);
  ADD ("create/invalid-locally", test_create_invalid_locally);
  ADD ("create/never-retried", test_create_never_retried);
  ADD ("create/timeout-then-same-number", test_create_timeout_then_same_number);
  ADD ("invoice/get", test_get_invoice);
  ADD ("invoice/cancel", test_cancel_invoice);
  ADD ("check/paths", test_check_paths);
  ADD ("check/retries-5xx", test_check_retries_5xx);
  ADD ("check/retries-timeout", test_check_retries_timeout);
  ADD ("transport/latency-and-timeout", test_latency_and_timeout);
  ADD ("transport/bad-bodies", test_bad_bodies);
  ADD ("transport/cancellation", test_cancellation);
  ADD ("payment/get-and-list", test_payment_get_and_list);
  ADD ("payment/cancel-refund", test_payment_cancel_refund);
  ADD ("ebarimt", test_ebarimt);
  ADD ("finish-checks-call", test_finish_checks_call);

#undef ADD

  g_test_add_func ("/tulbur/qpay-client/config", test_config);
  g_test_add_func ("/tulbur/qpay-client/tls-verified", test_tls_verified);
  g_test_add_func ("/tulbur/qpay-client/network-down", test_network_down);

  return g_test_run ();
}
