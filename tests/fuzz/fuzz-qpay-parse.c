/* fuzz-qpay-parse.c: libFuzzer target for one QPay response parser
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Built once per parser with -DFUZZ_PARSER=<name> (see tests/qpay/meson.build, option
 * -Dfuzzing=true, clang). Besides "no crash, no leak, no UB", it checks the parsers'
 * contract: a result and no error, or no result and a TB_QPAY_ERROR_BAD_RESPONSE.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>

#include "tb-qpay-error.h"
#include "tb-qpay-parse.h"

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

#define FUZZ_token        1
#define FUZZ_invoice      2
#define FUZZ_invoice_info 3
#define FUZZ_check        4
#define FUZZ_payment      5
#define FUZZ_payment_list 6
#define FUZZ_ebarimt      7
#define FUZZ_error_key    8

#define FUZZ_ID_(name) FUZZ_##name
#define FUZZ_ID(name) FUZZ_ID_(name)

static void
check_contract (gboolean      parsed,
                const GError *error)
{
  if (parsed == (error != NULL))
    abort ();
  if (error != NULL && !g_error_matches (error, TB_QPAY_ERROR, TB_QPAY_ERROR_BAD_RESPONSE))
    abort ();
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GBytes) body = g_bytes_new_static (data, size);
  g_autoptr(GError) error = NULL;

#if FUZZ_ID(FUZZ_PARSER) == FUZZ_token
  {
    g_autoptr(TbQpayTokenReply) reply = tb_qpay_parse_token (body, 1700000000, &error);
    g_autoptr(TbQpayTokenReply) copy = reply != NULL ? tb_qpay_token_reply_copy (reply) : NULL;

    check_contract (reply != NULL, error);
    if (copy != NULL && (g_strcmp0 (copy->access_token, reply->access_token) != 0 || copy->expires_at != reply->expires_at))
      abort ();
    if (reply != NULL && (reply->expires_at <= 0 || reply->access_token == NULL))
      abort ();
  }
#elif FUZZ_ID(FUZZ_PARSER) == FUZZ_invoice
  {
    g_autoptr(TbQpayInvoice) invoice = tb_qpay_parse_invoice (body, &error);
    g_autoptr(TbQpayInvoice) copy = invoice != NULL ? tb_qpay_invoice_copy (invoice) : NULL;

    check_contract (invoice != NULL, error);
    if (copy != NULL && (g_strcmp0 (copy->qr_text, invoice->qr_text) != 0 || copy->urls->len != invoice->urls->len))
      abort ();
    if (invoice != NULL && (invoice->invoice_id == NULL || invoice->qr_text == NULL || invoice->urls == NULL))
      abort ();
  }
#elif FUZZ_ID(FUZZ_PARSER) == FUZZ_invoice_info
  {
    g_autoptr(TbQpayInvoiceInfo) info = tb_qpay_parse_invoice_info (body, &error);
    g_autoptr(TbQpayInvoiceInfo) copy = info != NULL ? tb_qpay_invoice_info_copy (info) : NULL;

    check_contract (info != NULL, error);
    if (copy != NULL && (g_strcmp0 (copy->status, info->status) != 0 || copy->total_amount != info->total_amount))
      abort ();
  }
#elif FUZZ_ID(FUZZ_PARSER) == FUZZ_check
  {
    g_autoptr(TbQpayCheckResult) result = tb_qpay_parse_check (body, &error);
    g_autoptr(TbQpayCheckResult) copy = result != NULL ? tb_qpay_check_result_copy (result) : NULL;

    check_contract (result != NULL, error);
    if (copy != NULL && (copy->rows->len != result->rows->len || copy->paid_amount != result->paid_amount))
      abort ();
    if (result != NULL)
      {
        (void) tb_qpay_check_result_find_paid (result);
        if (result->count < 0)
          abort ();
      }
  }
#elif FUZZ_ID(FUZZ_PARSER) == FUZZ_payment
  {
    g_autoptr(TbQpayPayment) payment = tb_qpay_parse_payment (body, &error);
    g_autoptr(TbQpayPayment) copy = payment != NULL ? tb_qpay_payment_copy (payment) : NULL;

    check_contract (payment != NULL, error);
    if (copy != NULL && (g_strcmp0 (copy->payment_id, payment->payment_id) != 0 || copy->amount != payment->amount))
      abort ();
  }
#elif FUZZ_ID(FUZZ_PARSER) == FUZZ_payment_list
  {
    g_autoptr(TbQpayPaymentList) list = tb_qpay_parse_payment_list (body, &error);
    g_autoptr(TbQpayPaymentList) copy = list != NULL ? tb_qpay_payment_list_copy (list) : NULL;

    check_contract (list != NULL, error);
    if (copy != NULL && copy->rows->len != list->rows->len)
      abort ();
  }
#elif FUZZ_ID(FUZZ_PARSER) == FUZZ_ebarimt
  {
    g_autoptr(TbQpayEbarimt) ebarimt = tb_qpay_parse_ebarimt (body, &error);
    g_autoptr(TbQpayEbarimt) copy = ebarimt != NULL ? tb_qpay_ebarimt_copy (ebarimt) : NULL;

    check_contract (ebarimt != NULL, error);
    if (copy != NULL && (g_strcmp0 (copy->id, ebarimt->id) != 0 || copy->vat_e4 != ebarimt->vat_e4))
      abort ();
  }
#elif FUZZ_ID(FUZZ_PARSER) == FUZZ_error_key
  {
    g_autofree char *key = tb_qpay_parse_error_key (body);

    /* This parser never fails; it answers NULL. */
    check_contract (TRUE, error);

    /* Whatever comes back must be a safe key for the error domain. */
    if (key != NULL)
      {
        g_autoptr(GError) response = tb_qpay_error_new_from_response (400, key);

        if (g_strcmp0 (tb_qpay_error_get_key (response), key) != 0)
          abort ();
      }
  }
#else
#error "FUZZ_PARSER must name a parser"
#endif

  return 0;
}
