/* test-receipt-layout.c: the receipt model and its 32/48-column text layout
 *
 * Golden files live in tests/receipt/data/; regenerate them with TB_UPDATE_GOLDEN=1 and read
 * every changed line before committing (`git diff tests/receipt/data`).
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <locale.h>
#include <string.h>

#include "core/tb-money.h"
#include "tb-receipt-doc.h"
#include "tb-receipt-layout.h"
#include "tb-receipt-test-docs.h"
#include "tb-test-utils.h"

typedef TbReceiptDoc *(*DocFactory) (void);

typedef struct
{
  const char *name;
  DocFactory  factory;
  guint       width;
} GoldenCase;

static const GoldenCase golden_cases[] = {
  { "citizen", tb_test_doc_citizen, 32 },
  { "citizen", tb_test_doc_citizen, 48 },
  { "company", tb_test_doc_company, 32 },
  { "company", tb_test_doc_company, 48 },
  { "long", tb_test_doc_long, 32 },
  { "long", tb_test_doc_long, 48 },
  { "copy2", tb_test_doc_copy2, 32 },
  { "copy2", tb_test_doc_copy2, 48 },
};

static const GoldenCase golden_mn_cases[] = {
  { "citizen-mn", tb_test_doc_citizen, 32 },
  { "citizen-mn", tb_test_doc_citizen, 48 },
  { "company-mn", tb_test_doc_company, 32 },
  { "company-mn", tb_test_doc_company, 48 },
};

/* Where the Mongolian catalogue was found, or NULL; and a temporary locale tree. */
static char *mn_localedir;

static void
use_language (const char *language)
{
  if (language != NULL)
    g_setenv ("LANGUAGE", language, TRUE);
  else
    g_unsetenv ("LANGUAGE");
  /* setlocale() also invalidates gettext's cache of looked-up messages. */
  setlocale (LC_ALL, "");
}

static void
assert_lines_fit (GPtrArray *lines,
                  guint      width)
{
  for (guint i = 0; i < lines->len; i++)
    {
      const char *line = g_ptr_array_index (lines, i);
      gsize len = strlen (line);

      g_assert_true (g_utf8_validate (line, -1, NULL));
      if (tb_receipt_text_columns (line) > width)
        g_error ("line %u is %u columns wide (> %u): “%s”", i, tb_receipt_text_columns (line),
                 width, line);
      g_assert_false (len > 0 && line[len - 1] == ' ');
      for (const char *p = line; *p != '\0'; p = g_utf8_next_char (p))
        g_assert_false (g_unichar_iscntrl (g_utf8_get_char (p)));
    }
}

static void
check_golden (const GoldenCase *c)
{
  g_autoptr(TbReceiptDoc) doc = c->factory ();
  g_autoptr(GPtrArray) lines = tb_receipt_layout_lines (doc, c->width);
  g_autofree char *text = tb_receipt_layout_text (doc, c->width);
  g_autofree char *file = g_strdup_printf ("%s-%u.txt", c->name, c->width);
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "receipt", "data", file, NULL);
  g_autofree char *expected = NULL;
  g_autoptr(GError) error = NULL;

  assert_lines_fit (lines, c->width);
  g_assert_true (tb_receipt_doc_validate (doc, NULL));

  if (g_strcmp0 (g_getenv ("TB_UPDATE_GOLDEN"), "1") == 0)
    {
      g_file_set_contents (path, text, -1, &error);
      g_assert_no_error (error);
      g_test_message ("updated %s: check it by eye before committing", path);
      return;
    }

  g_file_get_contents (path, &expected, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (text, ==, expected);
}

static void
test_golden (gconstpointer data)
{
  use_language (NULL);
  check_golden (data);
}

static gboolean
catalogue_has_receipt_strings (const char *localedir)
{
  bindtextdomain (GETTEXT_PACKAGE, localedir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  use_language ("mn");
  return g_strcmp0 (C_("receipt", "Total"), "Нийт дүн") == 0;
}

/* The build's own catalogue, compiled from po/mn.po into po/ of the build tree. */
static const char *
find_mn_localedir (void)
{
  if (mn_localedir == NULL && catalogue_has_receipt_strings (TB_TEST_PO_BUILDDIR))
    mn_localedir = g_strdup (TB_TEST_PO_BUILDDIR);
  return mn_localedir;
}

static void
test_golden_mn (gconstpointer data)
{
  /* The build always compiles po/mn.po: a missing or stale catalogue is a failure. */
  g_assert_nonnull (find_mn_localedir ());

  use_language ("mn");
  check_golden (data);
  use_language (NULL);
}

static void
test_statutory_labels (void)
{
  g_autoptr(TbReceiptDoc) doc = tb_test_doc_citizen ();
  g_autofree char *english = NULL;
  g_autofree char *mongolian = NULL;

  use_language (NULL);
  english = tb_receipt_layout_text (doc, 48);
  /* Statutory Mongolian labels are always there, with the English after them. */
  g_assert_nonnull (strstr (english, "Нийт дүн / Total:"));
  g_assert_nonnull (strstr (english, "НӨАТ / VAT:"));
  g_assert_nonnull (strstr (english, "НХАТ / City tax:"));
  g_assert_nonnull (strstr (english, "ДДТД / Receipt ID:"));
  g_assert_nonnull (strstr (english, "Сугалаа / Lottery:"));

  /* The build always compiles po/mn.po: a missing or stale catalogue is a failure. */
  g_assert_nonnull (find_mn_localedir ());
  use_language ("mn");
  mongolian = tb_receipt_layout_text (doc, 48);
  use_language (NULL);
  /* …and printed once when the staff's language is Mongolian. */
  g_assert_nonnull (strstr (mongolian, "Нийт дүн:"));
  g_assert_null (strstr (mongolian, "Нийт дүн / "));
  g_assert_null (strstr (mongolian, "Total"));
  g_assert_nonnull (strstr (mongolian, "НӨАТ:"));
}

static guint
count_lines_equal (GPtrArray  *lines,
                   const char *text)
{
  guint n = 0;

  for (guint i = 0; i < lines->len; i++)
    {
      g_autofree char *stripped = g_strstrip (g_strdup (g_ptr_array_index (lines, i)));

      if (g_strcmp0 (stripped, text) == 0)
        n++;
    }
  return n;
}

static gboolean
any_line_contains (GPtrArray  *lines,
                   const char *text)
{
  for (guint i = 0; i < lines->len; i++)
    {
      if (strstr (g_ptr_array_index (lines, i), text) != NULL)
        return TRUE;
    }
  return FALSE;
}

static void
test_content (void)
{
  g_autoptr(TbReceiptDoc) citizen = tb_test_doc_citizen ();
  g_autoptr(TbReceiptDoc) company = tb_test_doc_company ();
  g_autoptr(TbReceiptDoc) copy = tb_test_doc_copy2 ();
  g_autoptr(GPtrArray) citizen_lines = NULL;
  g_autoptr(GPtrArray) company_lines = NULL;
  g_autoptr(GPtrArray) copy_lines = NULL;
  g_autoptr(GPtrArray) narrow = NULL;

  use_language (NULL);
  citizen_lines = tb_receipt_layout_lines (citizen, 48);
  company_lines = tb_receipt_layout_lines (company, 48);
  copy_lines = tb_receipt_layout_lines (copy, 48);

  /* Citizen: lottery, no buyer. */
  g_assert_true (any_line_contains (citizen_lines, TB_TEST_LOTTERY));
  g_assert_false (any_line_contains (citizen_lines, TB_TEST_BUYER_TIN));
  g_assert_false (any_line_contains (citizen_lines, "ХУУЛБАР"));
  /* Company: buyer TIN and name. */
  g_assert_true (any_line_contains (company_lines, TB_TEST_BUYER_TIN));
  g_assert_true (any_line_contains (company_lines, "Номин Трейд ХХК"));
  g_assert_false (any_line_contains (company_lines, TB_TEST_LOTTERY));
  /* The QR stands in exactly one place. */
  g_assert_cmpuint (count_lines_equal (citizen_lines, TB_RECEIPT_QR_PLACEHOLDER), ==, 1);
  /* A copy says so at the top and at the bottom. */
  g_assert_cmpuint (count_lines_equal (copy_lines, "*** ХУУЛБАР / COPY 2 ***"), ==, 2);
  {
    g_autofree char *first = g_strstrip (g_strdup (g_ptr_array_index (copy_lines, 0)));
    g_autofree char *last = g_strstrip (g_strdup (g_ptr_array_index (copy_lines,
                                                                     copy_lines->len - 1)));

    g_assert_cmpstr (first, ==, "*** ХУУЛБАР / COPY 2 ***");
    g_assert_cmpstr (last, ==, "*** ХУУЛБАР / COPY 2 ***");
  }

  /* On 48 columns the ДДТД is one unbroken line; on 32 it is split evenly, 17 + 16. */
  g_assert_true (any_line_contains (citizen_lines, TB_TEST_RECEIPT_ID));
  narrow = tb_receipt_layout_lines (citizen, 32);
  g_assert_false (any_line_contains (narrow, TB_TEST_RECEIPT_ID));
  for (guint i = 0; i + 1 < narrow->len; i++)
    {
      g_autofree char *a = g_strstrip (g_strdup (g_ptr_array_index (narrow, i)));
      g_autofree char *b = g_strstrip (g_strdup (g_ptr_array_index (narrow, i + 1)));
      g_autofree char *joined = g_strconcat (a, b, NULL);

      if (g_strcmp0 (joined, TB_TEST_RECEIPT_ID) == 0)
        {
          g_assert_cmpuint (strlen (a), ==, 17);
          g_assert_cmpuint (strlen (b), ==, 16);
          return;
        }
    }
  g_assert_not_reached ();
}

static void
test_no_qr_no_placeholder (void)
{
  g_autoptr(TbReceiptDoc) doc = tb_test_doc_citizen ();
  g_autoptr(GPtrArray) lines = NULL;

  g_clear_pointer (&doc->qr_data, g_free);
  g_clear_pointer (&doc->receipt_id, g_free);
  g_clear_pointer (&doc->lottery, g_free);
  lines = tb_receipt_layout_lines (doc, 32);
  g_assert_cmpuint (count_lines_equal (lines, TB_RECEIPT_QR_PLACEHOLDER), ==, 0);
  g_assert_false (any_line_contains (lines, "ДДТД"));
  assert_lines_fit (lines, 32);
}

static void
test_text_columns (void)
{
  g_assert_cmpuint (tb_receipt_text_columns (""), ==, 0);
  g_assert_cmpuint (tb_receipt_text_columns ("Total"), ==, 5);
  g_assert_cmpuint (tb_receipt_text_columns ("Нийт дүн"), ==, 8);      /* 15 bytes */
  g_assert_cmpuint (tb_receipt_text_columns ("Өө Үү"), ==, 5);
  g_assert_cmpuint (tb_receipt_text_columns ("12\xc2\xa0" "500\xc2\xa0₮"), ==, 8);
  g_assert_cmpuint (tb_receipt_text_columns ("日本"), ==, 4);          /* wide */
  g_assert_cmpuint (tb_receipt_text_columns ("e\xcc\x81"), ==, 1);     /* e + combining acute */
}

/* Random descriptions of Cyrillic, Latin, wide CJK, combining marks, spaces, no-break spaces,
 * tabs and newlines, on every width from 16 to 80: every line fits, and the description's
 * characters all come out, in order. */
static void
test_wrap_random (void)
{
  static const char *pieces[] = {
    "а", "Ө", "ү", "ш", "Нийт", "эмчилгээ", "x", "Q", "7", "日", "本", "e\xcc\x81",
    " ", " ", " ", "  ", "\xc2\xa0", "\t", "\n", "-", "₮",
  };
  GRand *rand = g_rand_new_with_seed (20260317);

  use_language (NULL);
  for (guint round = 0; round < 400; round++)
    {
      g_autoptr(TbReceiptDoc) doc = tb_receipt_doc_new ();
      g_autoptr(GString) description = g_string_new (NULL);
      g_autoptr(GString) expected = g_string_new (NULL);
      g_autoptr(GString) got = g_string_new (NULL);
      g_autoptr(GPtrArray) lines = NULL;
      guint width = (guint) g_rand_int_range (rand, TB_RECEIPT_COLUMNS_MIN, 81);
      guint n = (guint) g_rand_int_range (rand, 1, 120);

      for (guint i = 0; i < n; i++)
        g_string_append (description, pieces[g_rand_int_range (rand, 0, G_N_ELEMENTS (pieces))]);
      /* A word-joining marker that appears nowhere else, so it can be found in the output. */
      g_string_prepend (description, "ЖЖЖ");
      g_string_append (description, "ЯЯЯ");

      doc->merchant_name = g_strdup ("M");
      tb_receipt_doc_add_line (doc, description->str, 1000, 100, 100);
      lines = tb_receipt_layout_lines (doc, width);
      assert_lines_fit (lines, width);

      for (const char *p = description->str; *p != '\0'; p = g_utf8_next_char (p))
        {
          gunichar c = g_utf8_get_char (p);

          if (c != ' ' && c != '\t' && c != '\n')
            g_string_append_unichar (expected, c);
        }
      for (guint i = 0; i < lines->len; i++)
        {
          for (const char *p = g_ptr_array_index (lines, i); *p != '\0'; p = g_utf8_next_char (p))
            {
              if (*p != ' ')
                g_string_append_unichar (got, g_utf8_get_char (p));
            }
        }
      if (strstr (got->str, expected->str) == NULL)
        g_error ("width %u: description “%s” lost characters", width, description->str);
    }
  g_rand_free (rand);
}

/* Whatever is in the doc, the layout neither crashes nor prints control characters, bidi
 * overrides or invalid UTF-8. */
static void
test_hostile_text (void)
{
  g_autoptr(TbReceiptDoc) doc = tb_receipt_doc_new ();
  g_autoptr(GPtrArray) lines = NULL;
  g_autofree char *huge = g_strnfill (5000, 'W');

  doc->merchant_name = g_strdup ("Bad\xff\xfe name\x1b[2J");
  doc->merchant_address = g_strdup ("\r\n\n\t");
  doc->bill_number = g_strdup ("\xe2\x80\xae" "1042");   /* RIGHT-TO-LEFT OVERRIDE */
  doc->paid_by = g_strdup ("");
  tb_receipt_doc_add_line (doc, huge, 1000, TB_MONEY_MAX, TB_MONEY_MAX);
  tb_receipt_doc_add_line (doc, NULL, -1000, -5, -5);
  tb_receipt_doc_add_line (doc, "\x01\x02\x03", 1, 1, 1);
  doc->total = -G_GINT64_CONSTANT (1000000000000000);
  doc->receipt_id = g_strdup ("not a number at all but very long indeed, longer than paper");

  for (guint width = TB_RECEIPT_COLUMNS_MIN; width <= 50; width++)
    {
      g_clear_pointer (&lines, g_ptr_array_unref);
      lines = tb_receipt_layout_lines (doc, width);
      assert_lines_fit (lines, width);
      g_assert_false (any_line_contains (lines, "\xe2\x80\xae"));
    }
}

static void
expect_invalid (TbReceiptDoc *doc,
                int           code,
                const char   *secret)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (tb_receipt_doc_validate (doc, &error));
  g_assert_error (error, TB_RECEIPT_DOC_ERROR, code);
  g_assert_nonnull (error->message);
  g_assert_cmpstr (error->message, !=, "");
  if (secret != NULL)
    g_assert_null (strstr (error->message, secret));
}

static void
test_validate (void)
{
  g_autoptr(TbReceiptDoc) doc = tb_test_doc_company ();
  g_autoptr(GError) error = NULL;
  g_autofree char *saved = NULL;

  g_assert_true (tb_receipt_doc_validate (doc, &error));
  g_assert_no_error (error);

  /* Each field broken alone, then put back. */
  saved = g_steal_pointer (&doc->merchant_name);
  doc->merchant_name = g_strdup ("   ");
  expect_invalid (doc, TB_RECEIPT_DOC_ERROR_INVALID, NULL);
  g_free (doc->merchant_name);
  doc->merchant_name = g_strdup ("Bad \xff");
  expect_invalid (doc, TB_RECEIPT_DOC_ERROR_INVALID, NULL);
  g_free (doc->merchant_name);
  doc->merchant_name = g_steal_pointer (&saved);

  saved = g_steal_pointer (&doc->receipt_id);
  doc->receipt_id = g_strdup ("03010106500600009069000021000559");   /* 32 digits */
  expect_invalid (doc, TB_RECEIPT_DOC_ERROR_INVALID, doc->receipt_id);
  g_free (doc->receipt_id);
  doc->receipt_id = g_strdup ("03010106500600009069000021000559X");
  expect_invalid (doc, TB_RECEIPT_DOC_ERROR_INVALID, NULL);
  g_free (doc->receipt_id);
  doc->receipt_id = g_steal_pointer (&saved);

  saved = g_steal_pointer (&doc->buyer_tin);
  expect_invalid (doc, TB_RECEIPT_DOC_ERROR_INVALID, NULL);
  doc->buyer_tin = g_strdup ("53178x8");
  expect_invalid (doc, TB_RECEIPT_DOC_ERROR_INVALID, "53178x8");
  g_free (doc->buyer_tin);
  doc->buyer_tin = g_steal_pointer (&saved);

  saved = g_steal_pointer (&doc->merchant_tin);
  doc->merchant_tin = g_strdup ("123");
  expect_invalid (doc, TB_RECEIPT_DOC_ERROR_INVALID, NULL);
  g_free (doc->merchant_tin);
  doc->merchant_tin = g_steal_pointer (&saved);

  doc->copy_number = TB_RECEIPT_MAX_COPY + 1;
  expect_invalid (doc, TB_RECEIPT_DOC_ERROR_INVALID, NULL);
  doc->copy_number = 3;

  doc->total = TB_MONEY_MAX + 1;
  expect_invalid (doc, TB_RECEIPT_DOC_ERROR_INVALID, NULL);
  doc->total = 100;

  saved = g_steal_pointer (&doc->qr_data);
  doc->qr_data = g_strnfill (8000, '7');   /* more digits than a version 40 symbol holds */
  expect_invalid (doc, TB_RECEIPT_DOC_ERROR_QR, NULL);
  g_free (doc->qr_data);
  doc->qr_data = g_steal_pointer (&saved);

  /* A citizen receipt needs no buyer TIN. */
  doc->receiver_type = TB_RECEIVER_CITIZEN;
  g_clear_pointer (&doc->buyer_tin, g_free);
  g_assert_true (tb_receipt_doc_validate (doc, NULL));
}

static void
test_copy (void)
{
  g_autoptr(TbReceiptDoc) doc = tb_test_doc_long ();
  g_autoptr(TbReceiptDoc) copy = tb_receipt_doc_copy (doc);
  g_autofree char *a = tb_receipt_layout_text (doc, 32);
  g_autofree char *b = NULL;

  g_assert_true (copy != doc);
  g_assert_true (copy->merchant_name != doc->merchant_name);
  g_assert_cmpuint (copy->lines->len, ==, doc->lines->len);
  g_clear_pointer (&doc, tb_receipt_doc_free);
  b = tb_receipt_layout_text (copy, 32);
  g_assert_cmpstr (a, ==, b);
}

static void
test_from_bill (void)
{
  TbBill bill = { 0 };
  TbBillLine line1 = { 0 }, line2 = { 0 };
  TbPayment cash = { 0 }, qpay = { 0 }, refund = { 0 }, cash2 = { 0 };
  TbReceipt receipt = { 0 };
  g_autoptr(GPtrArray) lines = g_ptr_array_new ();
  g_autoptr(GPtrArray) payments = g_ptr_array_new ();
  g_autoptr(TbReceiptDoc) doc = NULL;
  const TbReceiptDocLine *first;

  bill.number = (char *) "1042";
  bill.currency = (char *) "MNT";
  bill.customer_name = (char *) "Номин Трейд ХХК";
  bill.total = 11000000;
  bill.vat_e4 = 10000000000;
  bill.updated_us = 1000;
  line1.description = (char *) "Шүдний үзлэг";
  line1.quantity_milli = 1000;
  line1.unit_price = 2000000;
  line1.amount = 2000000;
  line2.description = (char *) "Ломбо";
  line2.quantity_milli = 2000;
  line2.unit_price = 4500000;
  line2.amount = 9000000;
  g_ptr_array_add (lines, &line1);
  g_ptr_array_add (lines, &line2);
  bill.lines = lines;
  cash.method = TB_METHOD_CASH;
  cash.amount = 1000000;
  cash.created_us = 5000;
  qpay.method = TB_METHOD_QPAY;
  qpay.amount = 10000000;
  qpay.created_us = 9000;
  refund.method = TB_METHOD_CARD;
  refund.amount = -100;
  refund.created_us = 99999;
  cash2.method = TB_METHOD_CASH;
  cash2.amount = 100;
  cash2.created_us = 7000;
  g_ptr_array_add (payments, &cash);
  g_ptr_array_add (payments, &qpay);
  g_ptr_array_add (payments, &refund);
  g_ptr_array_add (payments, &cash2);
  bill.payments = payments;

  doc = tb_receipt_doc_new_from_bill (&bill);
  g_assert_cmpstr (doc->bill_number, ==, "1042");
  g_assert_cmpint (doc->total, ==, 11000000);
  g_assert_cmpint (doc->vat_e4, ==, 10000000000);
  g_assert_cmpuint (doc->lines->len, ==, 2);
  first = g_ptr_array_index (doc->lines, 0);
  g_assert_cmpstr (first->description, ==, "Шүдний үзлэг");
  g_assert_cmpint (first->amount, ==, 2000000);
  /* The last payment that brought money in; a refund is not "paid by". */
  g_assert_cmpint (doc->date_us, ==, 9000);
  {
    g_autofree char *expected = g_strdup_printf ("%s, %s",
                                                 tb_payment_method_to_label (TB_METHOD_CASH),
                                                 tb_payment_method_to_label (TB_METHOD_QPAY));
    g_assert_cmpstr (doc->paid_by, ==, expected);
  }

  receipt.receiver_type = (char *) "COMPANY";
  receipt.receiver = (char *) TB_TEST_BUYER_TIN;
  receipt.receipt_id = (char *) TB_TEST_RECEIPT_ID;
  receipt.qr_data = (char *) TB_TEST_QR_DATA;
  receipt.merchant_tin = (char *) "30101065006";
  receipt.amount = 10000000;
  receipt.vat_e4 = 9090909;
  receipt.registered_us = 12345000000;
  tb_receipt_doc_apply_ebarimt (doc, &receipt);
  doc->merchant_name = g_strdup ("Clinic");

  g_assert_cmpint (doc->receiver_type, ==, TB_RECEIVER_COMPANY);
  g_assert_cmpstr (doc->buyer_tin, ==, TB_TEST_BUYER_TIN);
  g_assert_cmpstr (doc->buyer_name, ==, "Номин Трейд ХХК");
  g_assert_cmpstr (doc->receipt_id, ==, TB_TEST_RECEIPT_ID);
  g_assert_cmpstr (doc->qr_data, ==, TB_TEST_QR_DATA);
  g_assert_cmpstr (doc->merchant_tin, ==, "30101065006");
  g_assert_null (doc->lottery);
  g_assert_cmpint (doc->total, ==, 10000000);
  g_assert_cmpint (doc->vat_e4, ==, 9090909);
  g_assert_cmpint (doc->date_us, ==, 12345000000);
  g_assert_cmpstr (doc->paid_by, ==, "QPay");
  g_assert_true (tb_receipt_doc_validate (doc, NULL));
}

static void
test_receiver_type_strings (void)
{
  TbReceiverType type = TB_RECEIVER_COMPANY;

  g_assert_true (tb_receiver_type_from_string ("citizen", &type));
  g_assert_cmpint (type, ==, TB_RECEIVER_CITIZEN);
  g_assert_true (tb_receiver_type_from_string ("COMPANY", &type));
  g_assert_cmpint (type, ==, TB_RECEIVER_COMPANY);
  g_assert_false (tb_receiver_type_from_string ("BUSINESS", &type));
  g_assert_false (tb_receiver_type_from_string (NULL, &type));
  g_assert_cmpstr (tb_receiver_type_to_string (TB_RECEIVER_CITIZEN), ==, "CITIZEN");
  g_assert_cmpstr (tb_receiver_type_to_string (TB_RECEIVER_COMPANY), ==, "COMPANY");
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  /* The goldens are English unless a case switches to Mongolian itself. */
  g_unsetenv ("LANGUAGE");
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (golden_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/tulbur/receipt-layout/golden/%s-%u",
                                               golden_cases[i].name, golden_cases[i].width);
      g_test_add_data_func (path, &golden_cases[i], test_golden);
    }
  for (guint i = 0; i < G_N_ELEMENTS (golden_mn_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/tulbur/receipt-layout/golden/%s-%u",
                                               golden_mn_cases[i].name, golden_mn_cases[i].width);
      g_test_add_data_func (path, &golden_mn_cases[i], test_golden_mn);
    }
  g_test_add_func ("/tulbur/receipt-layout/statutory-labels", test_statutory_labels);
  g_test_add_func ("/tulbur/receipt-layout/content", test_content);
  g_test_add_func ("/tulbur/receipt-layout/no-qr", test_no_qr_no_placeholder);
  g_test_add_func ("/tulbur/receipt-layout/text-columns", test_text_columns);
  g_test_add_func ("/tulbur/receipt-layout/wrap-random", test_wrap_random);
  g_test_add_func ("/tulbur/receipt-layout/hostile-text", test_hostile_text);
  g_test_add_func ("/tulbur/receipt-layout/validate", test_validate);
  g_test_add_func ("/tulbur/receipt-layout/copy", test_copy);
  g_test_add_func ("/tulbur/receipt-layout/from-bill", test_from_bill);
  g_test_add_func ("/tulbur/receipt-layout/receiver-type", test_receiver_type_strings);

  ret = g_test_run ();

  g_free (mn_localedir);
  return ret;
}
