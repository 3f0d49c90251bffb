/* test-receipt-build.c: the one way an e-receipt becomes a doc, and its COPY numbers
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "core/tb-ledger.h"
#include "core/tb-tax.h"
#include "tb-receipt-doc.h"
#include "tb-receipt-test-docs.h"
#include "tb-test-utils.h"

/* A 12-digit TIN (an individual's): kept by the customer rule, so it must print. */
#define BUYER_TIN "123456789012"
#define DDTD      "030101065006000090690000210005595"

typedef struct
{
  char     *dir;
  TbLedger *ledger;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  f->dir = tb_test_tmpdir_new ();
  path = g_build_filename (f->dir, "ledger.db", NULL);
  f->ledger = tb_ledger_open (path, &error);
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_object (&f->ledger);
  tb_test_tmpdir_free (f->dir);
}

/* A bill of one 11 000 ₮ line for @customer_id, paid by QPay; its receipt's id. */
static gint64
paid_receipt (Fixture    *f,
              gint64      customer_id,
              const char *payment_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) receipts = NULL;
  TbLineInput line = { .description = "Шүдний үзлэг", .quantity_milli = 1000,
                       .unit_price = 1100000, .vat = TRUE };
  TbSettleRequest request = { .method = TB_METHOD_QPAY, .amount = 1100000,
                              .provider_txn_id = payment_id };
  TbSettleResult result;
  gint64 bill_id = 0;

  g_assert_true (tb_ledger_create_bill (f->ledger, customer_id, NULL, &bill_id, NULL, &error));
  g_assert_true (tb_ledger_add_line (f->ledger, bill_id, &line, NULL, &error));
  request.bill_id = bill_id;
  g_assert_true (tb_ledger_settle (f->ledger, &request, &result, &error));
  g_assert_no_error (error);

  receipts = tb_ledger_list_receipts (f->ledger, TB_RECEIPT_FILTER_ALL, bill_id, 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (receipts->len, ==, 1);
  return ((TbReceipt *) g_ptr_array_index (receipts, 0))->id;
}

static void
register_receipt (Fixture    *f,
                  gint64      receipt_id,
                  const char *receiver_type,
                  const char *receiver)
{
  g_autoptr(GError) error = NULL;
  TbReceiptRegistration registration = {
    .ebarimt_id = "8d7c2a90-1f3e-4b6a-9c55-0e6f2b7d4a11",
    .receipt_id = DDTD,
    .lottery = g_strcmp0 (receiver_type, "CITIZEN") == 0 ? "CK 59114203" : NULL,
    .qr_data = TB_TEST_QR_DATA,
    .merchant_tin = "30101065006",
    .amount = 1100000,
    .vat_e4 = 10000000,
  };

  g_assert_true (tb_ledger_receipt_begin_attempt (f->ledger, receipt_id, receiver_type, receiver,
                                                  "3505", "6743000", &error));
  g_assert_true (tb_ledger_receipt_registered (f->ledger, receipt_id, &registration, &error));
  g_assert_no_error (error);
}

static const TbReceiptMerchant merchant = {
  .name = "Эрүүл шүд ХХК",
  .tin = "5317878",
  .address = "Улаанбаатар",
};

/* A company receipt: the whole TIN for print, masked for screens; the registered merchant TIN
 * wins over Preferences; the result validates. */
static void
test_company (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TbReceiptDoc) doc = NULL;
  g_autoptr(TbReceiptDoc) masked = NULL;
  gint64 customer_id = 0;
  gint64 receipt_id;

  g_assert_true (tb_ledger_add_customer (f->ledger, "Говь ХХК", NULL, BUYER_TIN, &customer_id, &error));
  receipt_id = paid_receipt (f, customer_id, "PAY-COMPANY-1");
  register_receipt (f, receipt_id, "COMPANY", BUYER_TIN);

  doc = tb_receipt_doc_build (f->ledger, receipt_id, &merchant, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (doc->receiver_type, ==, TB_RECEIVER_COMPANY);
  g_assert_cmpstr (doc->buyer_tin, ==, BUYER_TIN);
  g_assert_cmpstr (doc->buyer_name, ==, "Говь ХХК");
  g_assert_cmpstr (doc->merchant_name, ==, merchant.name);
  g_assert_cmpstr (doc->merchant_address, ==, merchant.address);
  g_assert_cmpstr (doc->merchant_tin, ==, "30101065006");
  g_assert_cmpstr (doc->receipt_id, ==, DDTD);
  g_assert_cmpstr (doc->paid_by, ==, "QPay");
  g_assert_cmpint (doc->total, ==, 1100000);
  g_assert_cmpuint (doc->copy_number, ==, 0);
  g_assert_cmpuint (doc->lines->len, ==, 1);
  g_assert_true (tb_receipt_doc_validate (doc, &error));
  g_assert_no_error (error);

  masked = tb_receipt_doc_build (f->ledger, receipt_id, &merchant, TRUE, &error);
  g_assert_no_error (error);
  g_assert_nonnull (masked->buyer_tin);
  g_assert_cmpstr (masked->buyer_tin, !=, BUYER_TIN);
  g_assert_null (strstr (masked->buyer_tin, "345678901"));
}

/* A citizen receipt has no buyer TIN; Preferences' TIN is used when the tax office sent none. */
static void
test_citizen (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TbReceiptDoc) doc = NULL;
  gint64 receipt_id = paid_receipt (f, 0, "PAY-CITIZEN-1");

  register_receipt (f, receipt_id, "CITIZEN", "88614450");
  doc = tb_receipt_doc_build (f->ledger, receipt_id, &merchant, TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (doc->receiver_type, ==, TB_RECEIVER_CITIZEN);
  g_assert_null (doc->buyer_tin);
  g_assert_cmpstr (doc->lottery, ==, "CK 59114203");
  g_assert_true (tb_receipt_doc_validate (doc, NULL));
}

static void
test_not_registered (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  gint64 receipt_id = paid_receipt (f, 0, "PAY-PENDING-1");

  g_assert_null (tb_receipt_doc_build (f->ledger, receipt_id, &merchant, FALSE, &error));
  g_assert_error (error, TB_RECEIPT_DOC_ERROR, TB_RECEIPT_DOC_ERROR_INVALID);
  g_clear_error (&error);

  g_assert_null (tb_receipt_doc_build (f->ledger, 424242, &merchant, FALSE, &error));
  g_assert_error (error, TB_LEDGER_ERROR, TB_LEDGER_ERROR_NOT_FOUND);
}

/* The app capped COPY numbers at 9999 while the CLI did not; now both number every print
 * exactly and validation refuses the ones past the limit. */
static void
test_copy_number (void)
{
  g_autoptr(TbReceiptDoc) doc = tb_test_doc_company ();

  g_assert_cmpuint (tb_receipt_copy_number (-1), ==, 0);
  g_assert_cmpuint (tb_receipt_copy_number (0), ==, 0);
  g_assert_cmpuint (tb_receipt_copy_number (1), ==, 0);    /* the first print: the original */
  g_assert_cmpuint (tb_receipt_copy_number (2), ==, 2);    /* the second print: COPY 2 */
  g_assert_cmpuint (tb_receipt_copy_number (17), ==, 17);

  doc->copy_number = tb_receipt_copy_number (TB_RECEIPT_MAX_COPY);
  g_assert_true (tb_receipt_doc_validate (doc, NULL));
  doc->copy_number = tb_receipt_copy_number (TB_RECEIPT_MAX_COPY + 1);
  g_assert_cmpuint (doc->copy_number, ==, TB_RECEIPT_MAX_COPY + 1);
  g_assert_false (tb_receipt_doc_validate (doc, NULL));
}

/* The TIN rule of tb-rules.h: 8 to 10 digits are no TIN (the doc used to take 7 to 14), a
 * 12-digit one is; the message names the field, not the value. */
static void
test_tin_rule (void)
{
  g_autoptr(TbReceiptDoc) doc = tb_test_doc_company ();
  const char *bad[] = { "12345678", "1234567890", "УБ99112233" };
  const char *good[] = { "5317878", "30101065006", BUYER_TIN, "12345678901234" };

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;

      g_free (doc->buyer_tin);
      doc->buyer_tin = g_strdup (bad[i]);
      g_assert_false (tb_receipt_doc_validate (doc, &error));
      g_assert_error (error, TB_RECEIPT_DOC_ERROR, TB_RECEIPT_DOC_ERROR_INVALID);
      g_assert_null (strstr (error->message, bad[i]));
      g_clear_error (&error);

      g_free (doc->buyer_tin);
      doc->buyer_tin = g_strdup (good[0]);
      g_free (doc->merchant_tin);
      doc->merchant_tin = g_strdup (bad[i]);
      g_assert_false (tb_receipt_doc_validate (doc, &error));
      g_assert_error (error, TB_RECEIPT_DOC_ERROR, TB_RECEIPT_DOC_ERROR_INVALID);
      g_free (doc->merchant_tin);
      doc->merchant_tin = NULL;
    }

  for (gsize i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_free (doc->buyer_tin);
      doc->buyer_tin = g_strdup (good[i]);
      g_free (doc->merchant_tin);
      doc->merchant_tin = g_strdup (good[i]);
      g_assert_true (tb_receipt_doc_validate (doc, NULL));
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/tulbur/receipt-build/company", Fixture, NULL,
              fixture_setup, test_company, fixture_teardown);
  g_test_add ("/tulbur/receipt-build/citizen", Fixture, NULL,
              fixture_setup, test_citizen, fixture_teardown);
  g_test_add ("/tulbur/receipt-build/not-registered", Fixture, NULL,
              fixture_setup, test_not_registered, fixture_teardown);
  g_test_add_func ("/tulbur/receipt-build/copy-number", test_copy_number);
  g_test_add_func ("/tulbur/receipt-build/tin-rule", test_tin_rule);

  return g_test_run ();
}
