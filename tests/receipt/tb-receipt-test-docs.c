/* tb-receipt-test-docs.c: realistic receipts shared by the receipt tests
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "core/tb-tax.h"
#include "tb-receipt-test-docs.h"

/* 2026-03-17 06:05:09 UTC (14:05:09 in Ulaanbaatar); tests run with TZ=UTC. */
#define TEST_DATE_US G_GINT64_CONSTANT (1773727509000000)

/* Adds a line with its amount and taxes computed the way the ledger does. */
static void
add_taxed_line (TbReceiptDoc *doc,
                const char   *description,
                gint64        quantity_milli,
                gint64        unit_price,
                gboolean      city_tax)
{
  TbLineTax tax;

  g_assert_true (tb_tax_line (quantity_milli, unit_price, TRUE, city_tax, &tax));
  tb_receipt_doc_add_line (doc, description, quantity_milli, unit_price, tax.amount);
  doc->total += tax.amount;
  doc->vat_e4 += tax.vat_e4;
  doc->city_tax_e4 += tax.city_tax_e4;
}

static TbReceiptDoc *
base_doc (void)
{
  TbReceiptDoc *doc = tb_receipt_doc_new ();

  doc->merchant_name = g_strdup ("Энх-Амгалан шүдний эмнэлэг ХХК");
  doc->merchant_tin = g_strdup ("30101065006");
  doc->merchant_address = g_strdup ("Улаанбаатар, Сүхбаатар дүүрэг, 1-р хороо, "
                                    "Энхтайваны өргөн чөлөө 15");
  doc->bill_number = g_strdup ("1042");
  doc->date_us = TEST_DATE_US;
  doc->currency = g_strdup ("MNT");
  doc->paid_by = g_strdup ("QPay");
  doc->receipt_id = g_strdup (TB_TEST_RECEIPT_ID);
  doc->qr_data = g_strdup (TB_TEST_QR_DATA);

  add_taxed_line (doc, "Шүдний үзлэг", 1000, 2000000, FALSE);
  add_taxed_line (doc, "Ломбо тавих (гэрлийн)", 2000, 4500000, FALSE);
  add_taxed_line (doc, "Dental floss", 1500, 1250000, TRUE);

  return doc;
}

TbReceiptDoc *
tb_test_doc_citizen (void)
{
  TbReceiptDoc *doc = base_doc ();

  doc->receiver_type = TB_RECEIVER_CITIZEN;
  doc->lottery = g_strdup (TB_TEST_LOTTERY);
  return doc;
}

TbReceiptDoc *
tb_test_doc_company (void)
{
  TbReceiptDoc *doc = base_doc ();

  doc->receiver_type = TB_RECEIVER_COMPANY;
  doc->buyer_tin = g_strdup (TB_TEST_BUYER_TIN);
  doc->buyer_name = g_strdup ("Номин Трейд ХХК");
  return doc;
}

TbReceiptDoc *
tb_test_doc_long (void)
{
  TbReceiptDoc *doc = tb_receipt_doc_new ();

  doc->merchant_name = g_strdup ("Монгол Улсын Анагаахын Шинжлэх Ухааны Үндэсний Их Сургуулийн "
                                 "Шүдний эмнэлэг");
  doc->merchant_tin = g_strdup ("30101065006");
  doc->merchant_address = g_strdup ("Улаанбаатар хот, Сүхбаатар дүүрэг, 8-р хороо,\n"
                                    "С.Зоригийн гудамж, Анагаах ухааны их сургуулийн "
                                    "2-р байр, 3 давхар");
  doc->bill_number = g_strdup ("100234");
  doc->date_us = TEST_DATE_US;
  doc->currency = g_strdup ("MNT");
  doc->paid_by = g_strdup ("QPay");
  doc->receiver_type = TB_RECEIVER_CITIZEN;
  doc->receipt_id = g_strdup (TB_TEST_RECEIPT_ID);
  doc->lottery = g_strdup (TB_TEST_LOTTERY);
  doc->qr_data = g_strdup (TB_TEST_QR_DATA);

  add_taxed_line (doc, "Эрүүл мэндийн даатгалын хөнгөлөлттэй эмчилгээ: шүдний сувгийн "
                  "эмчилгээ, рентген зураг болон давтан хяналтын үзлэг",
                  1000, 123456789, TRUE);
  add_taxed_line (doc, "Антибиотикэмчилгээнийтусгайзахиалгынбагцхэрэгсэл", 1333, 98765432, FALSE);
  add_taxed_line (doc, "Эрүүл ахуйн зөвлөгөө", 12000, 1500, FALSE);

  return doc;
}

TbReceiptDoc *
tb_test_doc_copy2 (void)
{
  TbReceiptDoc *doc = tb_test_doc_citizen ();

  doc->copy_number = 2;
  return doc;
}
