/* tb-receipt-layout.h: a receipt as fixed-width text lines
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "tb-receipt-doc.h"

G_BEGIN_DECLS

/* Thermal paper widths in characters (docs/decisions.md): a 58 mm head prints 48 mm
 * (384 dots) = 32 columns of 12-dot characters, an 80 mm head 72 mm (576 dots) = 48 columns. */
#define TB_RECEIPT_COLUMNS_58MM 32
#define TB_RECEIPT_COLUMNS_80MM 48
#define TB_RECEIPT_COLUMNS_MIN  16
#define TB_RECEIPT_COLUMNS_MAX  200

/* The line that stands where the QR code is printed; the renderer draws the symbol there. */
#define TB_RECEIPT_QR_PLACEHOLDER "[QR]"

/* The receipt as lines of at most @width display columns each (a Cyrillic letter is one
 * column, a CJK ideograph two, a combining mark none), without trailing spaces. Statutory
 * labels are printed in Mongolian followed by the translation in the current language when
 * that differs ("НӨАТ / VAT"); in a Mongolian locale only once ("НӨАТ"). Descriptions and
 * addresses are word-wrapped, words wider than a line are broken, amounts are right-aligned.
 * Any doc is laid out (invalid UTF-8 is repaired, control characters become spaces); call
 * tb_receipt_doc_validate() first to refuse bad data. Returns char* lines. */
GPtrArray *tb_receipt_layout_lines  (const TbReceiptDoc *doc,
                                     guint               width);
/* The same lines joined, each followed by "\n". */
char      *tb_receipt_layout_text   (const TbReceiptDoc *doc,
                                     guint               width);

/* Display columns of @text (valid UTF-8), as the layout counts them. */
guint      tb_receipt_text_columns  (const char         *text);

G_END_DECLS
