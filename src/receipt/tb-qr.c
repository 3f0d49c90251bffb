/* tb-qr.c: libqrencode wrapper
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <qrencode.h>
#include <string.h>

#include "tb-qr.h"

G_DEFINE_QUARK (tb-qr-error-quark, tb_qr_error)
G_DEFINE_BOXED_TYPE (TbQrMatrix, tb_qr_matrix, tb_qr_matrix_copy, tb_qr_matrix_free)

#define MAX_SCALE 64

static QRecLevel
to_qrencode_level (TbQrLevel level)
{
  switch (level)
    {
    case TB_QR_LEVEL_L:
      return QR_ECLEVEL_L;
    case TB_QR_LEVEL_Q:
      return QR_ECLEVEL_Q;
    case TB_QR_LEVEL_H:
      return QR_ECLEVEL_H;
    case TB_QR_LEVEL_M:
    default:
      return QR_ECLEVEL_M;
    }
}

typedef struct
{
  GByteArray *bytes;
} PngSink;

static cairo_status_t
png_write_cb (void                *closure,
              const unsigned char *data,
              unsigned int         length)
{
  PngSink *sink = closure;

  g_byte_array_append (sink->bytes, data, length);
  return CAIRO_STATUS_SUCCESS;
}

TbQrMatrix *
tb_qr_encode (const char  *text,
              GError     **error)
{
  return tb_qr_encode_full (text, TB_QR_LEVEL_M, error);
}

TbQrMatrix *
tb_qr_encode_full (const char  *text,
                   TbQrLevel    level,
                   GError     **error)
{
  g_autoptr(TbQrMatrix) matrix = NULL;
  QRcode *code;
  int saved_errno;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (text == NULL || *text == '\0')
    {
      g_set_error_literal (error, TB_QR_ERROR, TB_QR_ERROR_EMPTY,
                           _("There is nothing to put in the QR code."));
      return NULL;
    }
  if (!g_utf8_validate (text, -1, NULL))
    {
      g_set_error_literal (error, TB_QR_ERROR, TB_QR_ERROR_INVALID,
                           _("The QR code text is not valid UTF-8."));
      return NULL;
    }

  /* QR_MODE_8 as the hint and case-sensitive: libqrencode still splits the text into runs and
   * puts digit runs in numeric mode and upper-case runs in alphanumeric mode when that is
   * shorter, but never folds case or treats bytes as Kanji, so the symbol decodes to exactly
   * @text. Version 0 = the smallest that fits. */
  errno = 0;
  code = QRcode_encodeString (text, 0, to_qrencode_level (level), QR_MODE_8, 1);
  saved_errno = errno;
  if (code == NULL)
    {
      if (saved_errno == ERANGE)
        g_set_error (error, TB_QR_ERROR, TB_QR_ERROR_TOO_LONG,
                     _("The text is too long for a QR code (%zu bytes)."), strlen (text));
      else
        g_set_error_literal (error, TB_QR_ERROR, TB_QR_ERROR_FAILED,
                             _("The QR code could not be made."));
      return NULL;
    }

  matrix = g_new0 (TbQrMatrix, 1);
  matrix->version = (guint) code->version;
  matrix->width = (guint) code->width;
  matrix->modules = g_malloc ((gsize) matrix->width * matrix->width);
  /* libqrencode packs flags into each byte; bit 0 alone says dark or light. */
  for (gsize i = 0; i < (gsize) matrix->width * matrix->width; i++)
    matrix->modules[i] = code->data[i] & 1;
  QRcode_free (code);

  return g_steal_pointer (&matrix);
}

TbQrMatrix *
tb_qr_matrix_copy (const TbQrMatrix *matrix)
{
  TbQrMatrix *copy;

  g_return_val_if_fail (matrix != NULL, NULL);

  copy = g_new0 (TbQrMatrix, 1);
  copy->version = matrix->version;
  copy->width = matrix->width;
  copy->modules = g_memdup2 (matrix->modules, (gsize) matrix->width * matrix->width);
  return copy;
}

void
tb_qr_matrix_free (TbQrMatrix *matrix)
{
  if (matrix == NULL)
    return;
  g_free (matrix->modules);
  g_free (matrix);
}

gboolean
tb_qr_matrix_get (const TbQrMatrix *matrix,
                  guint             x,
                  guint             y)
{
  g_return_val_if_fail (matrix != NULL, FALSE);

  if (x >= matrix->width || y >= matrix->width)
    return FALSE;
  return matrix->modules[(gsize) y * matrix->width + x] != 0;
}

guint
tb_qr_matrix_get_size (const TbQrMatrix *matrix)
{
  g_return_val_if_fail (matrix != NULL, 0);

  return matrix->width + 2 * TB_QR_QUIET_ZONE;
}

void
tb_qr_draw_cairo (cairo_t          *cr,
                  const TbQrMatrix *matrix,
                  double            x,
                  double            y,
                  double            module_size)
{
  double full;

  g_return_if_fail (cr != NULL);
  g_return_if_fail (matrix != NULL);
  g_return_if_fail (module_size > 0);

  full = tb_qr_matrix_get_size (matrix) * module_size;

  cairo_save (cr);

  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_rectangle (cr, x, y, full, full);
  cairo_fill (cr);

  /* One rectangle per horizontal run of dark modules, all in one path filled once: fewer
   * objects in the PDF, and abutting edges inside one fill leave no anti-aliasing seams. */
  cairo_set_source_rgb (cr, 0, 0, 0);
  cairo_new_path (cr);
  for (guint row = 0; row < matrix->width; row++)
    {
      guint col = 0;

      while (col < matrix->width)
        {
          guint start;

          if (!tb_qr_matrix_get (matrix, col, row))
            {
              col++;
              continue;
            }
          start = col;
          while (col < matrix->width && tb_qr_matrix_get (matrix, col, row))
            col++;
          cairo_rectangle (cr,
                           x + (start + TB_QR_QUIET_ZONE) * module_size,
                           y + (row + TB_QR_QUIET_ZONE) * module_size,
                           (col - start) * module_size,
                           module_size);
        }
    }
  cairo_fill (cr);

  cairo_restore (cr);
}

GBytes *
tb_qr_to_rgb (const TbQrMatrix *matrix,
              guint             scale,
              guint            *out_width)
{
  guint size;
  gsize stride;
  guint8 *pixels;

  g_return_val_if_fail (matrix != NULL, NULL);
  g_return_val_if_fail (scale >= 1 && scale <= MAX_SCALE, NULL);
  g_return_val_if_fail (out_width != NULL, NULL);

  size = tb_qr_matrix_get_size (matrix) * scale;
  stride = (gsize) size * 3;
  pixels = g_malloc (stride * size);
  memset (pixels, 0xff, stride * size);

  for (guint row = 0; row < matrix->width; row++)
    {
      for (guint col = 0; col < matrix->width; col++)
        {
          gsize top = (gsize) (row + TB_QR_QUIET_ZONE) * scale;
          gsize left = (gsize) (col + TB_QR_QUIET_ZONE) * scale;

          if (!tb_qr_matrix_get (matrix, col, row))
            continue;
          for (guint dy = 0; dy < scale; dy++)
            memset (pixels + (top + dy) * stride + left * 3, 0x00, (gsize) scale * 3);
        }
    }

  *out_width = size;
  return g_bytes_new_take (pixels, stride * size);
}

GBytes *
tb_qr_to_png_bytes (const TbQrMatrix  *matrix,
                    guint              scale,
                    GError           **error)
{
  cairo_surface_t *surface;
  cairo_t *cr;
  cairo_status_t status;
  PngSink sink;
  guint size;

  g_return_val_if_fail (matrix != NULL, NULL);
  g_return_val_if_fail (scale >= 1 && scale <= MAX_SCALE, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  size = tb_qr_matrix_get_size (matrix) * scale;
  surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, (int) size, (int) size);
  cr = cairo_create (surface);
  /* Whole-pixel modules: no grey edges for a scanner to guess at. */
  cairo_set_antialias (cr, CAIRO_ANTIALIAS_NONE);
  tb_qr_draw_cairo (cr, matrix, 0, 0, scale);
  status = cairo_status (cr);
  cairo_destroy (cr);

  sink.bytes = g_byte_array_new ();
  if (status == CAIRO_STATUS_SUCCESS)
    status = cairo_surface_write_to_png_stream (surface, png_write_cb, &sink);
  cairo_surface_destroy (surface);

  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_byte_array_unref (sink.bytes);
      /* Translators: %s is cairo's description of the failure. */
      g_set_error (error, TB_QR_ERROR, TB_QR_ERROR_FAILED,
                   _("The QR code picture could not be made: %s"),
                   cairo_status_to_string (status));
      return NULL;
    }

  return g_byte_array_free_to_bytes (sink.bytes);
}
