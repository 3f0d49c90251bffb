/* tb-receipt-layout-private.h: layout rows with their style, for the renderer
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tb-receipt-layout.h"

G_BEGIN_DECLS

typedef enum
{
  TB_LAYOUT_ROW_TEXT,
  TB_LAYOUT_ROW_BOLD,      /* merchant name, total, COPY banner */
  TB_LAYOUT_ROW_QR,        /* the QR symbol goes here; text is TB_RECEIPT_QR_PLACEHOLDER */
} TbLayoutRowKind;

typedef struct
{
  TbLayoutRowKind  kind;
  char            *text;            /* ≤ width columns, no trailing spaces; "" for a blank line */
  gboolean         keep_with_next;  /* a page break must not fall after this row */
} TbLayoutRow;

void       _tb_layout_row_free      (TbLayoutRow        *row);
/* TbLayoutRow*, in print order. */
GPtrArray *_tb_receipt_layout_rows  (const TbReceiptDoc *doc,
                                     guint               width);

G_END_DECLS
