/* tb-receipt-render.h: drawing a receipt with cairo + pango (print, PDF, preview)
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <cairo.h>
#include <gio/gio.h>

#include "tb-receipt-doc.h"

G_BEGIN_DECLS

typedef enum
{
  TB_PAPER_58MM,     /* thermal roll, 48 mm printed, 32 columns */
  TB_PAPER_80MM,     /* thermal roll, 72 mm printed, 48 columns */
  TB_PAPER_A4,       /* a 48-column receipt centred on A4 */
} TbPaper;

#define TB_POINTS_PER_MM (72.0 / 25.4)

/* "58", "80", "a4" (any case; "58mm" and "80mm" too). */
gboolean    tb_paper_from_string    (const char *text,
                                     TbPaper    *out);
const char *tb_paper_to_string      (TbPaper     paper);
/* Columns of the text layout used on @paper: 32, 48, 48. */
guint       tb_paper_get_columns    (TbPaper     paper);
/* The paper's width: 58 mm, 80 mm or 210 mm, in points. */
double      tb_paper_get_width_pt   (TbPaper     paper);

/* All drawing functions work in points (1/72 inch): with GtkPrintOperation call
 * gtk_print_operation_set_unit (op, GTK_UNIT_POINTS) and pass gtk_print_context_get_width
 * and _get_height. The receipt is drawn as a column centred in @width_pt, in DejaVu Sans Mono
 * (the text layout of tb-receipt-layout.h, so print and golden text agree), with the QR code
 * where the layout has its placeholder, at ≥ 0.5 mm per module when the data allows. */

/* Height in points that the whole receipt needs on a page @width_pt wide, margins included.
 * For thermal rolls: use it as the custom paper height. */
double      tb_receipt_render_get_height  (const TbReceiptDoc *doc,
                                           TbPaper             paper,
                                           double              width_pt);
/* Pages needed when each page is @height_pt tall (1 for a roll sized by get_height). */
guint       tb_receipt_render_get_n_pages (const TbReceiptDoc *doc,
                                           TbPaper             paper,
                                           double              width_pt,
                                           double              height_pt);
/* Draws page @page_nr (0-based) of the receipt split into pages of @height_pt. */
void        tb_receipt_render_page_nr     (const TbReceiptDoc *doc,
                                           cairo_t            *cr,
                                           double              width_pt,
                                           double              height_pt,
                                           TbPaper             paper,
                                           guint               page_nr);
/* Draws the whole receipt on one page; when it is taller than @height_pt it is scaled down to
 * fit, so nothing is ever cut off. For a preview, or a roll sized with get_height. */
void        tb_receipt_render_page        (const TbReceiptDoc *doc,
                                           cairo_t            *cr,
                                           double              width_pt,
                                           double              height_pt,
                                           TbPaper             paper);

/* A PDF of the receipt: rolls as one page exactly the paper's width and as long as the
 * receipt, A4 as as many pages as needed. Validates @doc first (TB_RECEIPT_DOC_ERROR). Needs no
 * display. Blocks while it renders and writes: from the UI use the async version. */
GBytes     *tb_receipt_render_pdf_bytes   (const TbReceiptDoc *doc,
                                           TbPaper             paper,
                                           GError            **error);
/* Writes the PDF to @path, replacing it atomically (a failed write leaves no half file). */
gboolean    tb_receipt_render_pdf         (const TbReceiptDoc *doc,
                                           TbPaper             paper,
                                           const char         *path,
                                           GError            **error);
/* Renders and writes in a worker thread (a copy of @doc is taken). */
void        tb_receipt_render_pdf_async   (const TbReceiptDoc  *doc,
                                           TbPaper              paper,
                                           GFile               *file,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
gboolean    tb_receipt_render_pdf_finish  (GAsyncResult        *result,
                                           GError             **error);

G_END_DECLS
