/* tb-receipt-render.c: drawing a receipt with cairo + pango
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <cairo-pdf.h>
#include <glib/gi18n-lib.h>
#include <math.h>
#include <pango/pangocairo.h>
#include <string.h>

#include "tb-qr.h"
#include "tb-receipt-layout-private.h"
#include "tb-receipt-render-private.h"

/* The receipt is the text layout (tb-receipt-layout.c) set in a monospaced font, so that what
 * the golden tests check is what is printed, and amounts line up as on any till receipt. */
#define FONT_FAMILY "DejaVu Sans Mono,Monospace"
#define LINE_SPACING 1.25

/* A thermal head prints at 203 dpi (8 dots/mm). QR modules are whole dots, so each module
 * prints with the same width and a scanner sees a regular grid. */
#define DOT_PT (72.0 / 203.0)
/* ISO/IEC 18004 practice for thermal printing: modules of at least 0.5 mm scan reliably. */
#define MIN_MODULE_PT (0.5 * TB_POINTS_PER_MM)

typedef struct
{
  double paper_mm;     /* paper width */
  double print_mm;     /* printed column width */
  double max_qr_mm;    /* QR symbol with quiet zone, at most */
  double top_mm;
  double bottom_mm;    /* thermal: room to tear off below the last line */
  guint  columns;
} PaperSpec;

static const PaperSpec paper_specs[] = {
  [TB_PAPER_58MM] = { 58.0, 48.0, 40.0, 4.0, 10.0, 32 },
  [TB_PAPER_80MM] = { 80.0, 72.0, 50.0, 4.0, 10.0, 48 },
  [TB_PAPER_A4]   = { 210.0, 100.0, 50.0, 20.0, 20.0, 48 },
};

typedef struct
{
  GPtrArray  *rows;          /* TbLayoutRow* */
  TbQrMatrix *qr;            /* NULL when there is no QR data or it cannot be encoded */
  double      column_pt;     /* width of the text column */
  double      x0;            /* its left edge */
  double      font_pt;
  double      line_pt;
  double      module_pt;
  double      qr_pt;         /* QR symbol with quiet zone */
  double      top_pt;
  double      bottom_pt;
  guint       columns;
} Plan;

typedef struct
{
  TbReceiptDoc *doc;
  TbPaper       paper;
  GFile        *file;
} PdfTaskData;

static void
plan_free (Plan *plan)
{
  g_clear_pointer (&plan->rows, g_ptr_array_unref);
  g_clear_pointer (&plan->qr, tb_qr_matrix_free);
  g_free (plan);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Plan, plan_free)

static void
pdf_task_data_free (PdfTaskData *data)
{
  tb_receipt_doc_free (data->doc);
  g_clear_object (&data->file);
  g_free (data);
}

static const PaperSpec *
get_spec (TbPaper paper)
{
  if ((guint) paper >= G_N_ELEMENTS (paper_specs))
    paper = TB_PAPER_80MM;
  return &paper_specs[paper];
}

static cairo_font_options_t *
create_font_options (void)
{
  cairo_font_options_t *options = cairo_font_options_create ();

  /* Unhinted metrics scale linearly, so the measured layout is the drawn layout on any
   * surface and at any zoom. */
  cairo_font_options_set_hint_metrics (options, CAIRO_HINT_METRICS_OFF);
  cairo_font_options_set_hint_style (options, CAIRO_HINT_STYLE_NONE);
  return options;
}

static PangoFontDescription *
create_font (double   size_pt,
             gboolean bold)
{
  PangoFontDescription *desc = pango_font_description_from_string (FONT_FAMILY);

  pango_font_description_set_absolute_size (desc, size_pt * PANGO_SCALE);
  pango_font_description_set_weight (desc, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
  return desc;
}

/* Advance of one character of the monospaced font at 1 pt. */
static double
measure_advance (void)
{
  PangoFontMap *font_map = pango_cairo_font_map_get_default ();
  PangoContext *context = pango_font_map_create_context (font_map);
  PangoLayout *layout;
  cairo_font_options_t *options = create_font_options ();
  PangoFontDescription *desc = create_font (100.0, FALSE);
  static const char sample[] = "0123456789";
  PangoRectangle logical;

  pango_cairo_context_set_font_options (context, options);
  cairo_font_options_destroy (options);
  layout = pango_layout_new (context);
  pango_layout_set_font_description (layout, desc);
  pango_font_description_free (desc);
  pango_layout_set_text (layout, sample, -1);
  pango_layout_get_extents (layout, NULL, &logical);
  g_object_unref (layout);
  g_object_unref (context);

  if (logical.width <= 0)
    return 0.6;   /* no font at all: DejaVu Sans Mono's advance, to keep going */
  return (double) logical.width / PANGO_SCALE / 100.0 / (double) (sizeof sample - 1);
}

static Plan *
plan_new (const TbReceiptDoc *doc,
          TbPaper             paper,
          double              width_pt)
{
  const PaperSpec *spec = get_spec (paper);
  g_autoptr(Plan) plan = g_new0 (Plan, 1);
  double max_qr_pt;

  plan->rows = _tb_receipt_layout_rows (doc, spec->columns);
  plan->columns = spec->columns;
  plan->column_pt = MIN (spec->print_mm * TB_POINTS_PER_MM, width_pt);
  plan->x0 = (width_pt - plan->column_pt) / 2.0;
  plan->font_pt = plan->column_pt / spec->columns / measure_advance ();
  plan->line_pt = plan->font_pt * LINE_SPACING;
  plan->top_pt = spec->top_mm * TB_POINTS_PER_MM;
  plan->bottom_pt = spec->bottom_mm * TB_POINTS_PER_MM;

  if (doc->qr_data != NULL && *doc->qr_data != '\0')
    plan->qr = tb_qr_encode (doc->qr_data, NULL);

  if (plan->qr != NULL)
    {
      guint modules = tb_qr_matrix_get_size (plan->qr);

      /* As large as the paper allows up to max_qr_mm, in whole printer dots; below one dot
       * per module (data too long for the paper) it can only be scaled down, not rounded. */
      max_qr_pt = MIN (spec->max_qr_mm * TB_POINTS_PER_MM, plan->column_pt);
      plan->module_pt = floor (max_qr_pt / modules / DOT_PT) * DOT_PT;
      if (plan->module_pt < DOT_PT)
        plan->module_pt = max_qr_pt / modules;
      plan->qr_pt = plan->module_pt * modules;
      if (plan->module_pt < MIN_MODULE_PT)
        g_debug ("QR version %u on %.0f mm paper: modules of %.2f mm may not scan",
                 plan->qr->version, spec->paper_mm, plan->module_pt / TB_POINTS_PER_MM);
    }

  return g_steal_pointer (&plan);
}

static double
row_height (const Plan        *plan,
            const TbLayoutRow *row)
{
  if (row->kind == TB_LAYOUT_ROW_QR && plan->qr != NULL)
    return plan->qr_pt;
  return plan->line_pt;
}

static double
content_height (const Plan *plan)
{
  double height = 0;

  for (guint i = 0; i < plan->rows->len; i++)
    height += row_height (plan, g_ptr_array_index (plan->rows, i));
  return height;
}

/* Page of each row and its offset on that page, for pages of @capacity points. A group of
 * rows tied by keep_with_next moves to a new page whole, unless it is taller than a page. */
static guint
paginate (const Plan *plan,
          double      capacity,
          guint      *pages,
          double     *offsets)
{
  /* The tolerance absorbs rounding, e.g. of a page height that went through a PDF file. */
  const double limit = capacity + 0.01;
  guint page = 0;
  double y = 0;

  for (guint i = 0; i < plan->rows->len; i++)
    {
      const TbLayoutRow *row = g_ptr_array_index (plan->rows, i);
      double h = row_height (plan, row);
      gboolean group_start = i == 0 ||
        !((const TbLayoutRow *) g_ptr_array_index (plan->rows, i - 1))->keep_with_next;

      if (group_start && y > 0)
        {
          double group_h = h;

          for (guint j = i; j + 1 < plan->rows->len &&
               ((const TbLayoutRow *) g_ptr_array_index (plan->rows, j))->keep_with_next; j++)
            group_h += row_height (plan, g_ptr_array_index (plan->rows, j + 1));

          if (y + group_h > limit && group_h <= limit)
            {
              page++;
              y = 0;
            }
        }
      if (y > 0 && y + h > limit)
        {
          page++;
          y = 0;
        }
      if (pages != NULL)
        pages[i] = page;
      if (offsets != NULL)
        offsets[i] = y;
      y += h;
    }
  return page + 1;
}

static void
draw_row (const Plan        *plan,
          cairo_t           *cr,
          PangoContext      *context,
          const TbLayoutRow *row,
          double             y)
{
  g_autoptr(PangoLayout) layout = NULL;
  PangoFontDescription *desc;

  if (row->kind == TB_LAYOUT_ROW_QR && plan->qr != NULL)
    {
      double x = plan->x0 + (plan->column_pt - plan->qr_pt) / 2.0;

      tb_qr_draw_cairo (cr, plan->qr, x, y, plan->module_pt);
      return;
    }

  if (*row->text == '\0')
    return;

  layout = pango_layout_new (context);
  desc = create_font (plan->font_pt, row->kind == TB_LAYOUT_ROW_BOLD);
  pango_layout_set_font_description (layout, desc);
  pango_font_description_free (desc);
  pango_layout_set_text (layout, row->text, -1);

  cairo_set_source_rgb (cr, 0, 0, 0);
  cairo_move_to (cr, plan->x0, y);
  pango_cairo_show_layout (cr, layout);
}

/* Draws the rows that paginate() put on @page_nr (G_MAXUINT: all rows, one tall page). */
static void
draw_plan (const Plan *plan,
           cairo_t    *cr,
           double      width_pt,
           double      height_pt,
           guint       page_nr)
{
  PangoContext *context;
  g_autofree guint *pages = g_new0 (guint, plan->rows->len + 1);
  g_autofree double *offsets = g_new0 (double, plan->rows->len + 1);
  cairo_font_options_t *options;
  double capacity;
  guint n_pages;

  if (page_nr == G_MAXUINT)
    capacity = G_MAXDOUBLE;
  else
    capacity = MAX (height_pt - plan->top_pt - plan->bottom_pt, plan->line_pt);
  paginate (plan, capacity, pages, offsets);

  cairo_save (cr);

  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_rectangle (cr, 0, 0, width_pt, height_pt);
  cairo_fill (cr);

  context = pango_cairo_create_context (cr);
  options = create_font_options ();
  pango_cairo_context_set_font_options (context, options);
  cairo_font_options_destroy (options);

  for (guint i = 0; i < plan->rows->len; i++)
    {
      if (page_nr != G_MAXUINT && pages[i] != page_nr)
        continue;
      draw_row (plan, cr, context, g_ptr_array_index (plan->rows, i), plan->top_pt + offsets[i]);
    }

  /* "Page 2 of 3" under the column when a receipt runs over several sheets. */
  n_pages = plan->rows->len > 0 ? pages[plan->rows->len - 1] + 1 : 1;
  if (page_nr != G_MAXUINT && n_pages > 1)
    {
      TbLayoutRow footer = { TB_LAYOUT_ROW_TEXT, NULL, FALSE };
      /* Translators: at the foot of a receipt printed on several sheets. */
      g_autofree char *text = g_strdup_printf (C_("receipt", "Page %u of %u"), page_nr + 1, n_pages);
      guint columns = tb_receipt_text_columns (text);
      g_autofree char *pad = g_strnfill (columns < plan->columns ? (plan->columns - columns) / 2 : 0, ' ');

      footer.text = g_strconcat (pad, text, NULL);
      draw_row (plan, cr, context, &footer, height_pt - plan->bottom_pt + plan->line_pt);
      g_free (footer.text);
    }
  g_object_unref (context);

  cairo_restore (cr);
}

static cairo_status_t
pdf_write_cb (void                *closure,
              const unsigned char *data,
              unsigned int         length)
{
  g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

static gboolean
write_pdf (const TbReceiptDoc  *doc,
           TbPaper              paper,
           GFile               *file,
           GCancellable        *cancellable,
           GError             **error)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) local_error = NULL;

  bytes = tb_receipt_render_pdf_bytes (doc, paper, error);
  if (bytes == NULL)
    return FALSE;

  /* g_file_replace_contents writes a temporary file and renames it over the target. */
  if (!g_file_replace_contents (file, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                                NULL, FALSE, G_FILE_CREATE_NONE, NULL, cancellable, &local_error))
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      /* Translators: %s is the system's reason, such as "Permission denied". */
      g_set_error (error, TB_RECEIPT_DOC_ERROR, TB_RECEIPT_DOC_ERROR_WRITE,
                   _("The receipt could not be saved: %s"), local_error->message);
      return FALSE;
    }
  return TRUE;
}

static void
pdf_thread_cb (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  PdfTaskData *data = task_data;
  GError *error = NULL;

  if (!write_pdf (data->doc, data->paper, data->file, cancellable, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

gboolean
tb_paper_from_string (const char *text,
                      TbPaper    *out)
{
  g_return_val_if_fail (out != NULL, FALSE);

  if (text == NULL)
    return FALSE;
  if (g_ascii_strcasecmp (text, "58") == 0 || g_ascii_strcasecmp (text, "58mm") == 0)
    *out = TB_PAPER_58MM;
  else if (g_ascii_strcasecmp (text, "80") == 0 || g_ascii_strcasecmp (text, "80mm") == 0)
    *out = TB_PAPER_80MM;
  else if (g_ascii_strcasecmp (text, "a4") == 0)
    *out = TB_PAPER_A4;
  else
    return FALSE;
  return TRUE;
}

const char *
tb_paper_to_string (TbPaper paper)
{
  switch (paper)
    {
    case TB_PAPER_58MM:
      return "58";
    case TB_PAPER_80MM:
      return "80";
    case TB_PAPER_A4:
      return "a4";
    default:
      g_return_val_if_reached (NULL);
    }
}

guint
tb_paper_get_columns (TbPaper paper)
{
  return get_spec (paper)->columns;
}

double
tb_paper_get_width_pt (TbPaper paper)
{
  return get_spec (paper)->paper_mm * TB_POINTS_PER_MM;
}

double
tb_receipt_render_get_height (const TbReceiptDoc *doc,
                              TbPaper             paper,
                              double              width_pt)
{
  g_autoptr(Plan) plan = NULL;

  g_return_val_if_fail (doc != NULL, 0);
  g_return_val_if_fail (width_pt > 0, 0);

  plan = plan_new (doc, paper, width_pt);
  return plan->top_pt + content_height (plan) + plan->bottom_pt;
}

guint
tb_receipt_render_get_n_pages (const TbReceiptDoc *doc,
                               TbPaper             paper,
                               double              width_pt,
                               double              height_pt)
{
  g_autoptr(Plan) plan = NULL;

  g_return_val_if_fail (doc != NULL, 1);
  g_return_val_if_fail (width_pt > 0 && height_pt > 0, 1);

  plan = plan_new (doc, paper, width_pt);
  return paginate (plan, MAX (height_pt - plan->top_pt - plan->bottom_pt, plan->line_pt),
                   NULL, NULL);
}

void
tb_receipt_render_page_nr (const TbReceiptDoc *doc,
                           cairo_t            *cr,
                           double              width_pt,
                           double              height_pt,
                           TbPaper             paper,
                           guint               page_nr)
{
  g_autoptr(Plan) plan = NULL;

  g_return_if_fail (doc != NULL);
  g_return_if_fail (cr != NULL);
  g_return_if_fail (width_pt > 0 && height_pt > 0);
  g_return_if_fail (page_nr != G_MAXUINT);

  plan = plan_new (doc, paper, width_pt);
  draw_plan (plan, cr, width_pt, height_pt, page_nr);
}

void
tb_receipt_render_page (const TbReceiptDoc *doc,
                        cairo_t            *cr,
                        double              width_pt,
                        double              height_pt,
                        TbPaper             paper)
{
  g_autoptr(Plan) plan = NULL;
  double needed;

  g_return_if_fail (doc != NULL);
  g_return_if_fail (cr != NULL);
  g_return_if_fail (width_pt > 0 && height_pt > 0);

  plan = plan_new (doc, paper, width_pt);
  needed = plan->top_pt + content_height (plan) + plan->bottom_pt;

  cairo_save (cr);
  if (needed > height_pt)
    {
      double scale = height_pt / needed;

      /* Shrink about the page's vertical centre line, so the column stays centred. */
      cairo_set_source_rgb (cr, 1, 1, 1);
      cairo_rectangle (cr, 0, 0, width_pt, height_pt);
      cairo_fill (cr);
      cairo_translate (cr, width_pt * (1.0 - scale) / 2.0, 0);
      cairo_scale (cr, scale, scale);
    }
  draw_plan (plan, cr, width_pt, MAX (needed, height_pt), G_MAXUINT);
  cairo_restore (cr);
}

GBytes *
tb_receipt_render_pdf_bytes (const TbReceiptDoc  *doc,
                             TbPaper              paper,
                             GError             **error)
{
  g_autoptr(Plan) plan = NULL;
  g_autoptr(GByteArray) buffer = NULL;
  g_autofree char *title = NULL;
  cairo_surface_t *surface;
  cairo_t *cr;
  cairo_status_t status;
  double width_pt;
  double height_pt;
  guint n_pages;

  g_return_val_if_fail (doc != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!tb_receipt_doc_validate (doc, error))
    return NULL;

  width_pt = tb_paper_get_width_pt (paper);
  plan = plan_new (doc, paper, width_pt);
  if (paper == TB_PAPER_A4)
    height_pt = 297.0 * TB_POINTS_PER_MM;
  else
    height_pt = plan->top_pt + content_height (plan) + plan->bottom_pt;
  n_pages = paginate (plan, MAX (height_pt - plan->top_pt - plan->bottom_pt, plan->line_pt),
                      NULL, NULL);

  buffer = g_byte_array_new ();
  surface = cairo_pdf_surface_create_for_stream (pdf_write_cb, buffer, width_pt, height_pt);

  if (doc->bill_number != NULL)
    /* Translators: the PDF's title; %s is the bill number. */
    title = g_strdup_printf (C_("PDF title", "Receipt %s"), doc->bill_number);
  else
    title = g_strdup (C_("PDF title", "Receipt"));
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_TITLE, title);
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATOR, "Tulbur " PACKAGE_VERSION);

  cr = cairo_create (surface);
  for (guint page = 0; page < n_pages; page++)
    {
      draw_plan (plan, cr, width_pt, height_pt, page);
      cairo_show_page (cr);
    }
  status = cairo_status (cr);
  cairo_destroy (cr);
  cairo_surface_finish (surface);
  if (status == CAIRO_STATUS_SUCCESS)
    status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);

  if (status != CAIRO_STATUS_SUCCESS)
    {
      /* Translators: %s is cairo's description of the failure. */
      g_set_error (error, TB_RECEIPT_DOC_ERROR, TB_RECEIPT_DOC_ERROR_RENDER,
                   _("The receipt could not be drawn: %s"), cairo_status_to_string (status));
      return NULL;
    }

  return g_byte_array_free_to_bytes (g_steal_pointer (&buffer));
}

gboolean
tb_receipt_render_pdf (const TbReceiptDoc  *doc,
                       TbPaper              paper,
                       const char          *path,
                       GError             **error)
{
  g_autoptr(GFile) file = NULL;

  g_return_val_if_fail (doc != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  file = g_file_new_for_path (path);
  return write_pdf (doc, paper, file, NULL, error);
}

void
tb_receipt_render_pdf_async (const TbReceiptDoc  *doc,
                             TbPaper              paper,
                             GFile               *file,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  PdfTaskData *data;

  g_return_if_fail (doc != NULL);
  g_return_if_fail (G_IS_FILE (file));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  data = g_new0 (PdfTaskData, 1);
  data->doc = tb_receipt_doc_copy (doc);
  data->paper = paper;
  data->file = g_object_ref (file);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, tb_receipt_render_pdf_async);
  g_task_set_task_data (task, data, (GDestroyNotify) pdf_task_data_free);
  g_task_run_in_thread (task, pdf_thread_cb);
}

gboolean
tb_receipt_render_pdf_finish (GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == tb_receipt_render_pdf_async,
                        FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

double
_tb_receipt_render_get_qr_module_pt (const TbReceiptDoc *doc,
                                     TbPaper             paper,
                                     double              width_pt)
{
  g_autoptr(Plan) plan = plan_new (doc, paper, width_pt);

  return plan->qr != NULL ? plan->module_pt : 0;
}

double
_tb_receipt_render_get_font_pt (const TbReceiptDoc *doc,
                                TbPaper             paper,
                                double              width_pt)
{
  g_autoptr(Plan) plan = plan_new (doc, paper, width_pt);

  return plan->font_pt;
}
