/* test-receipt-pdf.c: receipts rendered to PDF, rasterised by poppler, QR decoded by zbar
 *
 * Set TB_RECEIPT_KEEP_RENDERS=DIR to keep the PDFs and PNGs for a look.
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "tb-receipt-render-private.h"
#include "tb-receipt-test-docs.h"
#include "tb-test-utils.h"

#define DPI 150

typedef struct
{
  TbPaper     paper;
  const char *name;
  double      width_mm;
  double      height_mm;   /* 0 = as long as the receipt */
} PaperCase;

static const PaperCase paper_cases[] = {
  { TB_PAPER_58MM, "58mm", 58.0, 0 },
  { TB_PAPER_80MM, "80mm", 80.0, 0 },
  { TB_PAPER_A4, "a4", 210.0, 297.0 },
};

static gboolean
have_tool (const char *path,
           const char *name)
{
  if (*path != '\0')
    return TRUE;
  g_autofree char *message = g_strdup_printf ("%s is not installed", name);

  g_test_skip (message);
  return FALSE;
}

static char *
run (const char * const *argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status,
                &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, &error))
    g_error ("%s failed: %s\n%s", argv[0], error->message, err);
  return g_steal_pointer (&out);
}

static void
keep_render (const char *path)
{
  const char *keep = g_getenv ("TB_RECEIPT_KEEP_RENDERS");
  g_autofree char *contents = NULL;
  g_autofree char *base = NULL;
  g_autofree char *target = NULL;
  gsize length;

  if (keep == NULL || *keep == '\0')
    return;
  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  base = g_path_get_basename (path);
  target = g_build_filename (keep, base, NULL);
  g_assert_true (g_file_set_contents (target, contents, (gssize) length, NULL));
}

/* The first page's MediaBox, in points. cairo writes it as plain text. */
static void
read_media_box (const char *pdf_path,
                double     *width,
                double     *height)
{
  g_autofree char *contents = NULL;
  gsize length;
  const char *box;
  double x0, y0;

  g_assert_true (g_file_get_contents (pdf_path, &contents, &length, NULL));
  g_assert_cmpuint (length, >, 5);
  g_assert_cmpmem (contents, 5, "%PDF-", 5);
  /* The file has binary streams with NUL bytes: search all of it, not up to the first NUL. */
  box = NULL;
  for (gsize i = 0; box == NULL && i + 11 <= length; i++)
    {
      if (memcmp (contents + i, "/MediaBox [", 11) == 0)
        box = contents + i;
    }
  g_assert_nonnull (box);
  g_assert_cmpint (sscanf (box, "/MediaBox [ %lf %lf %lf %lf ]", &x0, &y0, width, height), ==, 4);
  *width -= x0;
  *height -= y0;
}

static void
png_size (const char *path,
          int        *width,
          int        *height)
{
  cairo_surface_t *surface = cairo_image_surface_create_from_png (path);

  g_assert_cmpint (cairo_surface_status (surface), ==, CAIRO_STATUS_SUCCESS);
  *width = cairo_image_surface_get_width (surface);
  *height = cairo_image_surface_get_height (surface);
  cairo_surface_destroy (surface);
}

/* Only QR symbols are looked for: receipt text must never be taken for a barcode. */
static char *
decode_qr (const char *png_path)
{
  const char *argv[] = { TB_TEST_ZBARIMG, "-q", "--raw", "-Sdisable", "-Sqrcode.enable",
                         png_path, NULL };

  return run (argv);
}

static char *
rasterise (const char *pdf_path,
           const char *prefix)
{
  g_autofree char *resolution = g_strdup_printf ("%d", DPI);
  const char *argv[] = { TB_TEST_PDFTOPPM, "-r", resolution, "-png", pdf_path, prefix, NULL };
  g_autofree char *out = run (argv);
  g_autofree char *single = g_strconcat (prefix, "-1.png", NULL);

  g_assert_true (g_file_test (single, G_FILE_TEST_EXISTS));
  return g_steal_pointer (&single);
}

static void
test_paper (gconstpointer data)
{
  const PaperCase *c = data;
  g_autoptr(TbReceiptDoc) doc = tb_test_doc_citizen ();
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = tb_test_tmpdir_new ();
  g_autofree char *pdf = g_strdup_printf ("%s/receipt-%s.pdf", dir, c->name);
  g_autofree char *prefix = g_strdup_printf ("%s/receipt-%s", dir, c->name);
  g_autofree char *png = NULL;
  g_autofree char *decoded = NULL;
  g_autofree char *expected = g_strconcat (TB_TEST_QR_DATA, "\n", NULL);
  double width_pt, height_pt, module_mm;
  int px_width, px_height;

  g_assert_true (tb_receipt_render_pdf (doc, c->paper, pdf, &error));
  g_assert_no_error (error);
  keep_render (pdf);

  /* Page size: the paper's width; rolls as long as the receipt, A4 as A4. */
  read_media_box (pdf, &width_pt, &height_pt);
  g_assert_cmpfloat_with_epsilon (width_pt / TB_POINTS_PER_MM, c->width_mm, 0.5);
  if (c->height_mm > 0)
    g_assert_cmpfloat_with_epsilon (height_pt / TB_POINTS_PER_MM, c->height_mm, 0.5);
  else
    g_assert_cmpfloat_with_epsilon (height_pt,
                                    tb_receipt_render_get_height (doc, c->paper, width_pt), 0.01);
  g_assert_cmpuint (tb_receipt_render_get_n_pages (doc, c->paper, width_pt, height_pt), ==, 1);

  /* QR modules of at least 0.5 mm (thermal print), and the text column fits the head. */
  module_mm = _tb_receipt_render_get_qr_module_pt (doc, c->paper, width_pt) / TB_POINTS_PER_MM;
  g_test_message ("%s: QR module %.3f mm, font %.2f pt", c->name, module_mm,
                  _tb_receipt_render_get_font_pt (doc, c->paper, width_pt));
  g_assert_cmpfloat (module_mm, >=, 0.5);
  g_assert_cmpfloat (module_mm, <=, 1.5);

  if (!have_tool (TB_TEST_PDFTOPPM, "pdftoppm"))
    return;
  png = rasterise (pdf, prefix);
  keep_render (png);
  png_size (png, &px_width, &px_height);
  g_assert_cmpint (ABS (px_width - (int) round (c->width_mm / 25.4 * DPI)), <=, 2);
  g_assert_cmpint (ABS (px_height - (int) round (height_pt / 72.0 * DPI)), <=, 2);

  if (!have_tool (TB_TEST_ZBARIMG, "zbarimg"))
    return;
  decoded = decode_qr (png);
  g_assert_cmpstr (decoded, ==, expected);

  if (!have_tool (TB_TEST_PDFTOTEXT, "pdftotext"))
    return;
  {
    const char *argv[] = { TB_TEST_PDFTOTEXT, "-enc", "UTF-8", "-layout", pdf, "-", NULL };
    g_autofree char *text = run (argv);

    /* Cyrillic is embedded as text, not lost to a font without it. */
    g_assert_nonnull (strstr (text, "Энх-Амгалан"));
    g_assert_nonnull (strstr (text, "ДДТД"));
    g_assert_nonnull (strstr (text, "Нийт дүн"));
    g_assert_nonnull (strstr (text, TB_TEST_LOTTERY));
    g_assert_nonnull (strstr (text, "03010106500600009"));   /* ДДТД: 17 + 16 digits on 58 mm */
  }

  tb_test_tmpdir_free (g_steal_pointer (&dir));
}

static void
test_copy_marked (void)
{
  g_autoptr(TbReceiptDoc) doc = tb_test_doc_copy2 ();
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = tb_test_tmpdir_new ();
  g_autofree char *pdf = g_build_filename (dir, "copy.pdf", NULL);

  bytes = tb_receipt_render_pdf_bytes (doc, TB_PAPER_80MM, &error);
  g_assert_no_error (error);
  g_assert_true (g_file_set_contents (pdf, g_bytes_get_data (bytes, NULL),
                                      (gssize) g_bytes_get_size (bytes), NULL));
  if (!have_tool (TB_TEST_PDFTOTEXT, "pdftotext"))
    return;
  {
    const char *argv[] = { TB_TEST_PDFTOTEXT, "-enc", "UTF-8", pdf, "-", NULL };
    g_autofree char *text = run (argv);
    const char *first = strstr (text, "ХУУЛБАР / COPY 2");

    g_assert_nonnull (first);
    g_assert_nonnull (strstr (first + 1, "ХУУЛБАР / COPY 2"));
  }
  tb_test_tmpdir_free (g_steal_pointer (&dir));
}

/* A long bill on A4 goes onto several pages; the QR lands whole on the last one. */
static void
test_a4_pages (void)
{
  g_autoptr(TbReceiptDoc) doc = tb_test_doc_long ();
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = tb_test_tmpdir_new ();
  g_autofree char *pdf = g_build_filename (dir, "long.pdf", NULL);
  g_autofree char *prefix = g_build_filename (dir, "long", NULL);
  guint n_pages;

  for (guint i = 0; i < 60; i++)
    {
      g_autofree char *description = g_strdup_printf ("Үйлчилгээ №%u", i + 1);

      tb_receipt_doc_add_line (doc, description, 1000, 100000, 100000);
      doc->total += 100000;
    }
  n_pages = tb_receipt_render_get_n_pages (doc, TB_PAPER_A4, tb_paper_get_width_pt (TB_PAPER_A4),
                                           297 * TB_POINTS_PER_MM);
  g_assert_cmpuint (n_pages, >=, 2);

  g_assert_true (tb_receipt_render_pdf (doc, TB_PAPER_A4, pdf, &error));
  g_assert_no_error (error);
  keep_render (pdf);

  if (!have_tool (TB_TEST_PDFTOPPM, "pdftoppm"))
    return;
  {
    g_autofree char *resolution = g_strdup_printf ("%d", DPI);
    const char *argv[] = { TB_TEST_PDFTOPPM, "-r", resolution, "-png", pdf, prefix, NULL };
    g_autofree char *out = run (argv);
    g_autofree char *last = g_strdup_printf ("%s-%u.png", prefix, n_pages);
    g_autofree char *beyond = g_strdup_printf ("%s-%u.png", prefix, n_pages + 1);
    g_autofree char *expected = g_strconcat (TB_TEST_QR_DATA, "\n", NULL);
    g_autofree char *decoded = NULL;

    g_assert_true (g_file_test (last, G_FILE_TEST_EXISTS));
    g_assert_false (g_file_test (beyond, G_FILE_TEST_EXISTS));
    if (!have_tool (TB_TEST_ZBARIMG, "zbarimg"))
      return;
    decoded = decode_qr (last);
    g_assert_cmpstr (decoded, ==, expected);
  }

  if (!have_tool (TB_TEST_PDFTOTEXT, "pdftotext"))
    return;
  for (guint page = 1; page <= n_pages; page++)
    {
      g_autofree char *number = g_strdup_printf ("%u", page);
      const char *argv[] = { TB_TEST_PDFTOTEXT, "-enc", "UTF-8", "-layout", "-f", number, "-l",
                             number, pdf, "-", NULL };
      g_autofree char *text = run (argv);
      g_autofree char *footer = g_strdup_printf ("Page %u of %u", page, n_pages);
      g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
      guint first = 0;

      g_assert_nonnull (strstr (text, footer));
      /* An item's amount line never opens a page: it stays with its description. */
      while (lines[first] != NULL && *g_strstrip (lines[first]) == '\0')
        first++;
      g_assert_nonnull (lines[first]);
      g_assert_null (strstr (lines[first], "\xc3\x97"));   /* × */
    }
  tb_test_tmpdir_free (g_steal_pointer (&dir));
}

/* The UI's path: tb_receipt_render_page on the print context's cairo_t. Here an image surface
 * at 203 dpi, the thermal printer's resolution, once at full length and once squeezed into
 * half the height (scaled to fit, never cut). */
static void
test_render_page (void)
{
  g_autoptr(TbReceiptDoc) doc = tb_test_doc_company ();
  g_autofree char *dir = tb_test_tmpdir_new ();
  double width_pt = tb_paper_get_width_pt (TB_PAPER_58MM);
  double height_pt = tb_receipt_render_get_height (doc, TB_PAPER_58MM, width_pt);
  const double scale = 203.0 / 72.0;

  for (guint squeeze = 1; squeeze <= 2; squeeze++)
    {
      double page_h = height_pt / squeeze;
      cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24,
                                                             (int) ceil (width_pt * scale),
                                                             (int) ceil (page_h * scale));
      cairo_t *cr = cairo_create (surface);
      g_autofree char *png = g_strdup_printf ("%s/page-%u.png", dir, squeeze);
      g_autofree char *expected = g_strconcat (TB_TEST_QR_DATA, "\n", NULL);
      g_autofree char *decoded = NULL;
      const guint8 *data;
      int stride;
      guint dark_rows = 0;

      cairo_scale (cr, scale, scale);
      tb_receipt_render_page (doc, cr, width_pt, page_h, TB_PAPER_58MM);
      g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
      cairo_destroy (cr);
      cairo_surface_flush (surface);

      /* Ink reaches into the last quarter of the page in both cases: squeezed, not cut. */
      data = cairo_image_surface_get_data (surface);
      stride = cairo_image_surface_get_stride (surface);
      for (int y = cairo_image_surface_get_height (surface) * 3 / 4;
           y < cairo_image_surface_get_height (surface); y++)
        {
          for (int x = 0; x < cairo_image_surface_get_width (surface); x++)
            {
              guint32 pixel = *(const guint32 *) (const void *) (data + (gsize) y * stride + (gsize) x * 4);

              if ((pixel & 0xff) < 0x80)
                {
                  dark_rows++;
                  break;
                }
            }
        }
      g_assert_cmpuint (dark_rows, >, 0);

      g_assert_cmpint (cairo_surface_write_to_png (surface, png), ==, CAIRO_STATUS_SUCCESS);
      cairo_surface_destroy (surface);
      keep_render (png);

      if (!have_tool (TB_TEST_ZBARIMG, "zbarimg"))
        continue;
      decoded = decode_qr (png);
      g_assert_cmpstr (decoded, ==, expected);
    }
  tb_test_tmpdir_free (g_steal_pointer (&dir));
}

static void
test_invalid_doc (void)
{
  g_autoptr(TbReceiptDoc) doc = tb_test_doc_citizen ();
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = tb_test_tmpdir_new ();
  g_autofree char *pdf = g_build_filename (dir, "bad.pdf", NULL);

  g_free (doc->receipt_id);
  doc->receipt_id = g_strdup ("12345");
  g_assert_false (tb_receipt_render_pdf (doc, TB_PAPER_58MM, pdf, &error));
  g_assert_error (error, TB_RECEIPT_DOC_ERROR, TB_RECEIPT_DOC_ERROR_INVALID);
  g_assert_false (g_file_test (pdf, G_FILE_TEST_EXISTS));
  tb_test_tmpdir_free (g_steal_pointer (&dir));
}

static void
test_unwritable (void)
{
  g_autoptr(TbReceiptDoc) doc = tb_test_doc_citizen ();
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = tb_test_tmpdir_new ();
  g_autofree char *pdf = g_build_filename (dir, "no-such-dir", "r.pdf", NULL);
  g_autofree char *existing = g_build_filename (dir, "old.pdf", NULL);
  g_autofree char *contents = NULL;

  g_assert_false (tb_receipt_render_pdf (doc, TB_PAPER_80MM, pdf, &error));
  g_assert_error (error, TB_RECEIPT_DOC_ERROR, TB_RECEIPT_DOC_ERROR_WRITE);
  g_assert_null (strstr (error->message, TB_TEST_QR_DATA));
  g_clear_error (&error);

  /* A failed render leaves an existing file as it was. */
  g_assert_true (g_file_set_contents (existing, "old", -1, NULL));
  g_free (doc->qr_data);
  doc->qr_data = g_strnfill (8000, '5');
  g_assert_false (tb_receipt_render_pdf (doc, TB_PAPER_80MM, existing, &error));
  g_assert_error (error, TB_RECEIPT_DOC_ERROR, TB_RECEIPT_DOC_ERROR_QR);
  g_assert_true (g_file_get_contents (existing, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "old");
  tb_test_tmpdir_free (g_steal_pointer (&dir));
}

static gboolean async_done;

static void
async_flag_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  GError **error = user_data;
  gboolean ok = tb_receipt_render_pdf_finish (result, error);

  g_assert_true (ok == (*error == NULL));
  async_done = TRUE;
}

static void
test_async (void)
{
  g_autoptr(TbReceiptDoc) doc = tb_test_doc_citizen ();
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = tb_test_tmpdir_new ();
  g_autofree char *path = g_build_filename (dir, "async.pdf", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  double width_pt, height_pt;

  async_done = FALSE;
  tb_receipt_render_pdf_async (doc, TB_PAPER_58MM, file, NULL, async_flag_cb, &error);
  /* The caller's doc may go away at once: the task has its own copy. */
  g_clear_pointer (&doc, tb_receipt_doc_free);
  g_assert_true (tb_test_wait_for (&async_done, 20000));
  g_assert_no_error (error);
  read_media_box (path, &width_pt, &height_pt);
  g_assert_cmpfloat_with_epsilon (width_pt / TB_POINTS_PER_MM, 58.0, 0.5);

  /* Cancelled before it runs: an error, and no file. */
  {
    g_autoptr(TbReceiptDoc) doc2 = tb_test_doc_citizen ();
    g_autoptr(GCancellable) cancellable = g_cancellable_new ();
    g_autofree char *path2 = g_build_filename (dir, "cancelled.pdf", NULL);
    g_autoptr(GFile) file2 = g_file_new_for_path (path2);

    g_cancellable_cancel (cancellable);
    async_done = FALSE;
    tb_receipt_render_pdf_async (doc2, TB_PAPER_58MM, file2, cancellable, async_flag_cb, &error);
    g_assert_true (tb_test_wait_for (&async_done, 20000));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    g_assert_false (g_file_test (path2, G_FILE_TEST_EXISTS));
  }
  tb_test_tmpdir_free (g_steal_pointer (&dir));
}

static void
test_paper_strings (void)
{
  TbPaper paper = TB_PAPER_A4;

  g_assert_true (tb_paper_from_string ("58", &paper));
  g_assert_cmpint (paper, ==, TB_PAPER_58MM);
  g_assert_true (tb_paper_from_string ("80MM", &paper));
  g_assert_cmpint (paper, ==, TB_PAPER_80MM);
  g_assert_true (tb_paper_from_string ("A4", &paper));
  g_assert_cmpint (paper, ==, TB_PAPER_A4);
  g_assert_false (tb_paper_from_string ("letter", &paper));
  g_assert_false (tb_paper_from_string (NULL, &paper));
  g_assert_cmpstr (tb_paper_to_string (TB_PAPER_58MM), ==, "58");
  g_assert_cmpstr (tb_paper_to_string (TB_PAPER_A4), ==, "a4");
  g_assert_cmpuint (tb_paper_get_columns (TB_PAPER_58MM), ==, 32);
  g_assert_cmpuint (tb_paper_get_columns (TB_PAPER_80MM), ==, 48);
  g_assert_cmpfloat_with_epsilon (tb_paper_get_width_pt (TB_PAPER_80MM), 226.77, 0.01);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (paper_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/tulbur/receipt-pdf/paper/%s", paper_cases[i].name);

      g_test_add_data_func (path, &paper_cases[i], test_paper);
    }
  g_test_add_func ("/tulbur/receipt-pdf/copy-marked", test_copy_marked);
  g_test_add_func ("/tulbur/receipt-pdf/a4-pages", test_a4_pages);
  g_test_add_func ("/tulbur/receipt-pdf/render-page", test_render_page);
  g_test_add_func ("/tulbur/receipt-pdf/invalid-doc", test_invalid_doc);
  g_test_add_func ("/tulbur/receipt-pdf/unwritable", test_unwritable);
  g_test_add_func ("/tulbur/receipt-pdf/async", test_async);
  g_test_add_func ("/tulbur/receipt-pdf/paper-strings", test_paper_strings);

  return g_test_run ();
}
