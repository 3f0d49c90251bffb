/* test-receipt-qr.c: the libqrencode wrapper, its pixels, PNG and cairo drawing
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <gio/gio.h>
#include <string.h>

#include "tb-qr.h"
#include "tb-receipt-test-docs.h"
#include "tb-test-utils.h"

static const guint8 png_signature[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };

/* A finder pattern at (x, y): a 7×7 dark ring, a light ring, a 3×3 dark centre. */
static void
assert_finder (const TbQrMatrix *m,
               guint             x0,
               guint             y0)
{
  for (guint y = 0; y < 7; y++)
    {
      for (guint x = 0; x < 7; x++)
        {
          gboolean ring = x == 0 || y == 0 || x == 6 || y == 6;
          gboolean centre = x >= 2 && x <= 4 && y >= 2 && y <= 4;

          g_assert_cmpint (tb_qr_matrix_get (m, x0 + x, y0 + y), ==, ring || centre);
        }
    }
}

static void
test_encode_digits (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TbQrMatrix) m = tb_qr_encode (TB_TEST_QR_DATA, &error);
  g_autoptr(TbQrMatrix) copy = NULL;
  guint dark = 0;

  g_assert_no_error (error);
  g_assert_nonnull (m);
  g_assert_cmpuint (strlen (TB_TEST_QR_DATA), ==, 128);
  /* Numeric mode: 128 digits fit version 4-M (149 digits). In 8-bit mode they would need
   * version 8 (49 modules), and the modules would print a third smaller. */
  g_assert_cmpuint (m->version, ==, 4);
  g_assert_cmpuint (m->width, ==, 17 + 4 * m->version);
  g_assert_cmpuint (tb_qr_matrix_get_size (m), ==, m->width + 8);

  assert_finder (m, 0, 0);
  assert_finder (m, m->width - 7, 0);
  assert_finder (m, 0, m->width - 7);

  for (gsize i = 0; i < (gsize) m->width * m->width; i++)
    {
      g_assert_cmpuint (m->modules[i], <=, 1);
      dark += m->modules[i];
    }
  /* Masking keeps a QR symbol near half dark. */
  g_assert_cmpuint (dark, >, m->width * m->width * 35 / 100);
  g_assert_cmpuint (dark, <, m->width * m->width * 65 / 100);

  /* Outside the symbol is light. */
  g_assert_false (tb_qr_matrix_get (m, m->width, 0));
  g_assert_false (tb_qr_matrix_get (m, 0, m->width + 3));

  copy = tb_qr_matrix_copy (m);
  g_assert_cmpuint (copy->width, ==, m->width);
  g_assert_cmpmem (copy->modules, m->width * m->width, m->modules, m->width * m->width);
}

static void
test_levels (void)
{
  g_autoptr(TbQrMatrix) low = tb_qr_encode_full (TB_TEST_QR_DATA, TB_QR_LEVEL_L, NULL);
  g_autoptr(TbQrMatrix) high = tb_qr_encode_full (TB_TEST_QR_DATA, TB_QR_LEVEL_H, NULL);
  g_autoptr(TbQrMatrix) text = tb_qr_encode ("Төлбөр 12 500 ₮ — https://qpay.mn/q/?q=ABC", NULL);

  g_assert_nonnull (low);
  g_assert_nonnull (high);
  g_assert_cmpuint (low->version, <, high->version);
  g_assert_nonnull (text);
}

static void
test_errors (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *huge = g_strnfill (8000, '1');
  TbQrMatrix *m;

  m = tb_qr_encode ("", &error);
  g_assert_null (m);
  g_assert_error (error, TB_QR_ERROR, TB_QR_ERROR_EMPTY);
  g_clear_error (&error);

  m = tb_qr_encode (NULL, &error);
  g_assert_null (m);
  g_assert_error (error, TB_QR_ERROR, TB_QR_ERROR_EMPTY);
  g_clear_error (&error);

  m = tb_qr_encode ("abc\xff", &error);
  g_assert_null (m);
  g_assert_error (error, TB_QR_ERROR, TB_QR_ERROR_INVALID);
  g_clear_error (&error);

  m = tb_qr_encode (huge, &error);
  g_assert_null (m);
  g_assert_error (error, TB_QR_ERROR, TB_QR_ERROR_TOO_LONG);
  /* The message gives the size, never the data. */
  g_assert_null (strstr (error->message, "1111111111"));
}

static void
test_rgb (void)
{
  g_autoptr(TbQrMatrix) m = tb_qr_encode (TB_TEST_QR_DATA, NULL);
  g_autoptr(GBytes) bytes = NULL;
  const guint8 *px;
  guint width = 0;
  const guint scale = 3;

  bytes = tb_qr_to_rgb (m, scale, &width);
  g_assert_cmpuint (width, ==, (m->width + 2 * TB_QR_QUIET_ZONE) * scale);
  g_assert_cmpuint (g_bytes_get_size (bytes), ==, (gsize) width * width * 3);
  px = g_bytes_get_data (bytes, NULL);

  for (guint y = 0; y < width; y++)
    {
      for (guint x = 0; x < width; x++)
        {
          const guint8 *p = px + ((gsize) y * width + x) * 3;
          int mx = (int) (x / scale) - TB_QR_QUIET_ZONE;
          int my = (int) (y / scale) - TB_QR_QUIET_ZONE;
          gboolean dark = mx >= 0 && my >= 0 && tb_qr_matrix_get (m, (guint) mx, (guint) my);
          guint8 v = dark ? 0x00 : 0xff;

          g_assert_cmpuint (p[0], ==, v);
          g_assert_cmpuint (p[1], ==, v);
          g_assert_cmpuint (p[2], ==, v);
        }
    }
}

static cairo_status_t
read_bytes_cb (void          *closure,
               unsigned char *data,
               unsigned int   length)
{
  GInputStream *stream = closure;

  if (!g_input_stream_read_all (stream, data, length, NULL, NULL, NULL))
    return CAIRO_STATUS_READ_ERROR;
  return CAIRO_STATUS_SUCCESS;
}

/* Dark/light of each module read back from an ARGB32/RGB24 image, at module centres. */
static void
assert_image_matches (cairo_surface_t  *surface,
                      const TbQrMatrix *m,
                      double            x0,
                      double            y0,
                      double            module)
{
  const guint8 *data;
  int stride;

  cairo_surface_flush (surface);
  data = cairo_image_surface_get_data (surface);
  stride = cairo_image_surface_get_stride (surface);

  for (int my = -TB_QR_QUIET_ZONE; my < (int) m->width + TB_QR_QUIET_ZONE; my++)
    {
      for (int mx = -TB_QR_QUIET_ZONE; mx < (int) m->width + TB_QR_QUIET_ZONE; mx++)
        {
          int px = (int) (x0 + (mx + TB_QR_QUIET_ZONE + 0.5) * module);
          int py = (int) (y0 + (my + TB_QR_QUIET_ZONE + 0.5) * module);
          guint32 pixel = *(const guint32 *) (const void *) (data + (gsize) py * stride + (gsize) px * 4);
          gboolean dark = mx >= 0 && my >= 0 && tb_qr_matrix_get (m, (guint) mx, (guint) my);

          g_assert_cmphex (pixel & 0xffffff, ==, dark ? 0x000000 : 0xffffff);
        }
    }
}

static void
test_png (void)
{
  g_autoptr(TbQrMatrix) m = tb_qr_encode (TB_TEST_QR_DATA, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) png = tb_qr_to_png_bytes (m, 4, &error);
  g_autoptr(GInputStream) stream = NULL;
  cairo_surface_t *surface;
  gsize size;
  const guint8 *data;

  g_assert_no_error (error);
  data = g_bytes_get_data (png, &size);
  g_assert_cmpuint (size, >, sizeof png_signature);
  g_assert_cmpmem (data, sizeof png_signature, png_signature, sizeof png_signature);

  stream = g_memory_input_stream_new_from_bytes (png);
  surface = cairo_image_surface_create_from_png_stream (read_bytes_cb, stream);
  g_assert_cmpint (cairo_surface_status (surface), ==, CAIRO_STATUS_SUCCESS);
  g_assert_cmpint (cairo_image_surface_get_width (surface), ==, (m->width + 8) * 4);
  g_assert_cmpint (cairo_image_surface_get_height (surface), ==, (m->width + 8) * 4);
  assert_image_matches (surface, m, 0, 0, 4);
  cairo_surface_destroy (surface);
}

static void
test_draw_cairo (void)
{
  g_autoptr(TbQrMatrix) m = tb_qr_encode ("HELLO RECEIPT 0123456789", NULL);
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 400, 400);
  cairo_t *cr = cairo_create (surface);
  const double x0 = 17, y0 = 23, module = 5;

  /* A grey page: the quiet zone must be painted white over it. */
  cairo_set_source_rgb (cr, 0.5, 0.5, 0.5);
  cairo_paint (cr);
  tb_qr_draw_cairo (cr, m, x0, y0, module);
  g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
  cairo_destroy (cr);

  assert_image_matches (surface, m, x0, y0, module);
  cairo_surface_destroy (surface);
}

/* The PNG scanned by a real decoder gives back the exact text. */
static void
test_png_decodes (void)
{
  const char *zbarimg = TB_TEST_ZBARIMG;
  static const char *texts[] = {
    TB_TEST_QR_DATA,
    "0002010102121531279404962794049600022102170335204599953034965404100.005802MN",
    "https://qpay.mn/q/?q=ABC123&x=y",
  };
  g_autofree char *dir = NULL;

  if (*zbarimg == '\0')
    {
      g_test_skip ("zbarimg (zbar-tools) is not installed");
      return;
    }

  dir = tb_test_tmpdir_new ();
  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_autoptr(TbQrMatrix) m = tb_qr_encode (texts[i], NULL);
      g_autoptr(GBytes) png = tb_qr_to_png_bytes (m, 3, NULL);
      g_autofree char *path = g_build_filename (dir, "qr.png", NULL);
      g_autofree char *out = NULL;
      g_autofree char *expected = g_strconcat (texts[i], "\n", NULL);
      g_autoptr(GError) error = NULL;
      const char *argv[] = { zbarimg, "-q", "--raw", path, NULL };
      int status;

      g_file_set_contents (path, g_bytes_get_data (png, NULL), (gssize) g_bytes_get_size (png),
                           &error);
      g_assert_no_error (error);
      g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, NULL,
                    &status, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (out, ==, expected);
    }
  tb_test_tmpdir_free (g_steal_pointer (&dir));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/tulbur/receipt-qr/encode-digits", test_encode_digits);
  g_test_add_func ("/tulbur/receipt-qr/levels", test_levels);
  g_test_add_func ("/tulbur/receipt-qr/errors", test_errors);
  g_test_add_func ("/tulbur/receipt-qr/rgb", test_rgb);
  g_test_add_func ("/tulbur/receipt-qr/png", test_png);
  g_test_add_func ("/tulbur/receipt-qr/draw-cairo", test_draw_cairo);
  g_test_add_func ("/tulbur/receipt-qr/png-decodes", test_png_decodes);

  return g_test_run ();
}
