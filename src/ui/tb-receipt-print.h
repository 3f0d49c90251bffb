/* tb-receipt-print.h: printing, saving and copying an Ebarimt receipt from the UI
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "core/tb-ledger.h"
#include "receipt/tb-receipt-doc.h"
#include "receipt/tb-receipt-render.h"

G_BEGIN_DECLS

/* Reprints (issue #6, same rule as the CLI): every print and every saved PDF is counted with
 * tb_ledger_receipt_note_copy () (copies + 1 and an audit row "receipt.reprint") BEFORE it is
 * drawn; the count n it returns decides the copy number: n == 1 is the original (no banner),
 * n > 1 prints "COPY n". A print is counted when the user has confirmed it (GtkPrintOperation
 * ::begin-print, after the print dialog), never for a preview or a cancelled dialog. The count
 * is a ledger write, so it runs in a worker thread while ::paginate waits for it. Copy QR is
 * not a print and is not counted. */

/* tb_receipt_doc_build() (the one way a receipt becomes a doc, shared with the CLI) with the
 * business from @settings (name, TIN, address; nullable, blank = not printed). The buyer's
 * TIN of a company receipt is masked with @mask_buyer (on screen), whole on paper and in a
 * PDF. copy_number is 0: set it with tb_receipt_copy_number(). Small reads only: fine on the
 * main thread. */
TbReceiptDoc *tb_receipt_print_build_doc    (TbLedger                *ledger,
                                             GSettings               *settings,
                                             gint64                   receipt_id,
                                             gboolean                 mask_buyer,
                                             GError                 **error);
/* The "receipt-paper" setting (80 mm when unset or unknown). */
TbPaper       tb_receipt_print_get_paper    (GSettings               *settings);

/* Prints @doc (a copy is taken) on @paper with a GtkPrintOperation: GTK_UNIT_POINTS, the full
 * page, a custom paper exactly as long as the receipt for 58/80 mm rolls, A4 otherwise.
 * @action is GTK_PRINT_OPERATION_ACTION_PRINT_DIALOG for the user (print preview is offered
 * by the dialog) or GTK_PRINT_OPERATION_ACTION_EXPORT with @export_path (a PDF; needs no
 * printer). With @ledger the print is counted (see above) for @receipt_id; without it the doc
 * is printed with its own copy_number. */
void          tb_receipt_print_async        (GtkWindow               *parent,
                                             TbLedger                *ledger,
                                             gint64                   receipt_id,
                                             const TbReceiptDoc      *doc,
                                             TbPaper                  paper,
                                             GtkPrintOperationAction  action,
                                             const char              *export_path,
                                             GCancellable            *cancellable,
                                             GAsyncReadyCallback      callback,
                                             gpointer                 user_data);
/* APPLY when printed (*@out_copy_number: the copy number it carried), CANCEL when the user
 * cancelled the dialog (nothing counted), ERROR with @error set. */
GtkPrintOperationResult
              tb_receipt_print_finish       (GAsyncResult            *result,
                                             guint                   *out_copy_number,
                                             GError                 **error);

/* Save as PDF: counts the copy (with @ledger), then renders and writes @file in a worker
 * thread (tb_receipt_render_pdf_async). */
void          tb_receipt_print_save_pdf_async  (TbLedger            *ledger,
                                                gint64               receipt_id,
                                                const TbReceiptDoc  *doc,
                                                TbPaper              paper,
                                                GFile               *file,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
gboolean      tb_receipt_print_save_pdf_finish (GAsyncResult        *result,
                                                guint               *out_copy_number,
                                                GError             **error);

/* "receipt-1042-114203.pdf": the bill number and the last 6 digits of the ДДТД. */
char         *tb_receipt_print_suggest_filename (const TbReceiptDoc *doc);

/* The QR of @qr_data as a texture about @target_px pixels wide (quiet zone included), with a
 * whole number of pixels per module so it stays crisp at 1:1. */
GdkTexture   *tb_receipt_print_qr_texture   (const char              *qr_data,
                                             guint                    target_px,
                                             GError                 **error);
/* Copy QR: puts the QR on @clipboard as an image (a GdkTexture, so PNG for other apps) and
 * @qr_data as text, in one offer. */
gboolean      tb_receipt_print_copy_qr      (GdkClipboard            *clipboard,
                                             const char              *qr_data,
                                             GError                 **error);

G_END_DECLS
