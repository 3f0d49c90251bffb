/* tb-qr.h: QR codes as module matrices (libqrencode), drawn with cairo or as pixels
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <cairo.h>
#include <glib-object.h>

G_BEGIN_DECLS

#define TB_QR_ERROR (tb_qr_error_quark ())

typedef enum
{
  TB_QR_ERROR_EMPTY,      /* nothing to encode */
  TB_QR_ERROR_INVALID,    /* not UTF-8 text */
  TB_QR_ERROR_TOO_LONG,   /* more than a version 40 symbol holds at this level */
  TB_QR_ERROR_FAILED,     /* libqrencode or cairo failed (out of memory) */
} TbQrError;

typedef enum
{
  TB_QR_LEVEL_L,          /* ~7 % of the symbol may be damaged */
  TB_QR_LEVEL_M,          /* ~15 %: the default, what receipts and QPay use */
  TB_QR_LEVEL_Q,          /* ~25 % */
  TB_QR_LEVEL_H,          /* ~30 % */
} TbQrLevel;

/* Modules of white border around the symbol, as ISO/IEC 18004 requires. Every drawing and
 * pixel function below includes it. */
#define TB_QR_QUIET_ZONE 4

typedef struct
{
  guint   version;        /* 1–40 */
  guint   width;          /* modules per side, without the quiet zone: 17 + 4 × version */
  guint8 *modules;        /* width × width, row by row; 1 = dark */
} TbQrMatrix;

#define TB_TYPE_QR_MATRIX (tb_qr_matrix_get_type ())

GQuark      tb_qr_error_quark       (void);
GType       tb_qr_matrix_get_type   (void) G_GNUC_CONST;

/* Encodes @text byte for byte, at level M. libqrencode picks the mode per run of characters:
 * digit runs go in numeric mode (3.3 bits a digit instead of 8), so an all-digit Ebarimt
 * `ebarimt_qr_data` gives a much smaller symbol with bigger modules at the same printed size,
 * and everything else goes in 8-bit mode, so any text decodes back exactly. */
TbQrMatrix *tb_qr_encode            (const char        *text,
                                     GError           **error);
TbQrMatrix *tb_qr_encode_full       (const char        *text,
                                     TbQrLevel          level,
                                     GError           **error);
TbQrMatrix *tb_qr_matrix_copy       (const TbQrMatrix  *matrix);
void        tb_qr_matrix_free       (TbQrMatrix        *matrix);
/* TRUE when the module at (@x, @y) (0-based, without the quiet zone) is dark; FALSE outside. */
gboolean    tb_qr_matrix_get        (const TbQrMatrix  *matrix,
                                     guint              x,
                                     guint              y);
/* Modules per side including the quiet zone on both sides: width + 2 × TB_QR_QUIET_ZONE. */
guint       tb_qr_matrix_get_size   (const TbQrMatrix  *matrix);

/* Paints the symbol with its quiet zone (white) at (@x, @y), the top-left corner of the
 * quiet zone, in user units: (width + 8) × @module_size on each side. Dark modules are one
 * filled path, so no hairline seams show between neighbours in PDF viewers. */
void        tb_qr_draw_cairo        (cairo_t           *cr,
                                     const TbQrMatrix  *matrix,
                                     double             x,
                                     double             y,
                                     double             module_size);

/* RGB888 pixels, @scale pixels per module (1–64), quiet zone included: *@out_width pixels on
 * each side, stride = *@out_width × 3. For gdk_memory_texture_new (GDK_MEMORY_R8G8B8). */
GBytes     *tb_qr_to_rgb            (const TbQrMatrix  *matrix,
                                     guint              scale,
                                     guint             *out_width);
/* A PNG of the same picture, for the clipboard ("image/png"). */
GBytes     *tb_qr_to_png_bytes      (const TbQrMatrix  *matrix,
                                     guint              scale,
                                     GError           **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TbQrMatrix, tb_qr_matrix_free)

G_END_DECLS
