/* tb-receipt-test-docs.h: realistic receipts shared by the receipt tests
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tb-receipt-doc.h"

G_BEGIN_DECLS

/* A realistic ebarimt_qr_data: 128 digits, as PosAPI 3.0 returns (a long digit string). */
#define TB_TEST_QR_DATA \
  "1508921471027263843081976356022185193740562837491023847562910384" \
  "7561029384756102938475610293847561029384756102938475601928374650"
#define TB_TEST_RECEIPT_ID "030101065006000090690000210005595"
#define TB_TEST_LOTTERY    "CK 59114203"
#define TB_TEST_BUYER_TIN  "5317878"

/* A dental clinic's citizen (B2C) receipt with a lottery number, three lines (two in
 * Mongolian), VAT and city tax computed per line with tb_tax_line(). */
TbReceiptDoc *tb_test_doc_citizen (void);
/* The same sale as a company (B2B) receipt: buyer TIN and name, no lottery. */
TbReceiptDoc *tb_test_doc_company (void);
/* Long Mongolian descriptions (one word wider than any paper), a long address and large
 * amounts. */
TbReceiptDoc *tb_test_doc_long (void);
/* The citizen receipt reprinted for the second time. */
TbReceiptDoc *tb_test_doc_copy2 (void);

G_END_DECLS
