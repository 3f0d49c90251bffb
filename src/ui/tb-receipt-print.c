/* tb-receipt-print.c: printing, saving and copying an Ebarimt receipt from the UI
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "receipt/tb-qr.h"

#include "tb-receipt-print.h"
#include "core/tb-ledger-task.h"

/* ---- the doc ---- */

static char *
dup_setting (GSettings  *settings,
             const char *key)
{
  g_autoptr(GSettingsSchema) schema = NULL;
  g_autofree char *value = NULL;

  if (settings == NULL)
    return NULL;

  /* The schema comes from another part of the build: a missing key must not abort. */
  g_object_get (settings, "settings-schema", &schema, NULL);
  if (schema == NULL || !g_settings_schema_has_key (schema, key))
    return NULL;

  value = g_strstrip (g_settings_get_string (settings, key));
  if (value[0] == '\0')
    return NULL;

  return g_steal_pointer (&value);
}

TbReceiptDoc *
tb_receipt_print_build_doc (TbLedger   *ledger,
                            GSettings  *settings,
                            gint64      receipt_id,
                            gboolean    mask_buyer,
                            GError    **error)
{
  g_autofree char *name = dup_setting (settings, "business-name");
  g_autofree char *tin = dup_setting (settings, "business-tin");
  g_autofree char *address = dup_setting (settings, "business-address");
  TbReceiptMerchant merchant = { name, tin, address };

  g_return_val_if_fail (settings == NULL || G_IS_SETTINGS (settings), NULL);

  return tb_receipt_doc_build (ledger, receipt_id, &merchant, mask_buyer, error);
}

TbPaper
tb_receipt_print_get_paper (GSettings *settings)
{
  g_autofree char *text = dup_setting (settings, "receipt-paper");
  TbPaper paper = TB_PAPER_80MM;

  if (text == NULL || !tb_paper_from_string (text, &paper))
    return TB_PAPER_80MM;

  return paper;
}

char *
tb_receipt_print_suggest_filename (const TbReceiptDoc *doc)
{
  g_autoptr(GString) name = g_string_new ("receipt");

  g_return_val_if_fail (doc != NULL, NULL);

  if (doc->bill_number != NULL && doc->bill_number[0] != '\0')
    {
      g_string_append_c (name, '-');
      /* Only what is safe in a file name on every file system. */
      for (const char *p = doc->bill_number; *p != '\0'; p++)
        g_string_append_c (name, g_ascii_isalnum (*p) ? *p : '_');
    }

  if (doc->receipt_id != NULL)
    {
      gsize len = strlen (doc->receipt_id);

      g_string_append_c (name, '-');
      g_string_append (name, doc->receipt_id + (len > 6 ? len - 6 : 0));
    }

  g_string_append (name, ".pdf");

  return g_string_free (g_steal_pointer (&name), FALSE);
}

/* ---- counting a copy ---- */

typedef struct
{
  gint64 receipt_id;
  int    n;
} CountOp;

static gboolean
count_copy (TbLedger  *ledger,
            gpointer   data,
            GError   **error)
{
  CountOp *op = data;

  op->n = tb_ledger_receipt_note_copy (ledger, op->receipt_id, error);

  return op->n > 0;
}

static void
start_count (TbLedger            *ledger,
             gint64               receipt_id,
             GAsyncReadyCallback  callback,
             gpointer             user_data)
{
  CountOp *op = g_new0 (CountOp, 1);

  op->receipt_id = receipt_id;
  tb_ledger_task_run (ledger, NULL, count_copy, op, g_free, NULL, callback, user_data);
}

/* ---- print ---- */

typedef struct
{
  GtkPrintOperation       *op;
  TbLedger                *ledger;
  gint64                   receipt_id;
  TbReceiptDoc            *doc;
  TbPaper                  paper;
  gboolean                 preview;      /* the dialog's Print Preview: never counted */
  gboolean                 counting;     /* the count is in flight */
  gboolean                 counted;      /* the copy number is final */
  GError                  *count_error;
  GError                  *print_error;
  GtkPrintOperationResult  result;
  gboolean                 done;
  GTask                   *task;         /* borrowed: the task owns this struct */
  GTask                   *pending;      /* our own ref, dropped when the task returns */
} PrintData;

static void
print_data_free (PrintData *data)
{
  if (data->op != NULL)
    g_signal_handlers_disconnect_by_data (data->op, data);
  g_clear_object (&data->op);
  g_clear_object (&data->ledger);
  g_clear_pointer (&data->doc, tb_receipt_doc_free);
  g_clear_error (&data->count_error);
  g_clear_error (&data->print_error);
  g_free (data);
}

static GtkPageSetup *
make_page_setup (const TbReceiptDoc *doc,
                 TbPaper             paper)
{
  GtkPageSetup *setup = gtk_page_setup_new ();
  GtkPaperSize *size;

  if (paper == TB_PAPER_A4)
    {
      size = gtk_paper_size_new (GTK_PAPER_NAME_A4);
    }
  else
    {
      double width = tb_paper_get_width_pt (paper);
      double height = tb_receipt_render_get_height (doc, paper, width);

      /* A roll is cut where the receipt ends: one page exactly as long as the receipt. */
      size = gtk_paper_size_new_custom (paper == TB_PAPER_58MM ? "tulbur-roll-58mm" : "tulbur-roll-80mm",
                                        paper == TB_PAPER_58MM ? _("58 mm receipt roll")
                                                               : _("80 mm receipt roll"),
                                        width, height, GTK_UNIT_POINTS);
    }

  gtk_page_setup_set_orientation (setup, GTK_PAGE_ORIENTATION_PORTRAIT);
  gtk_page_setup_set_paper_size (setup, size);
  /* The renderer keeps its own margins inside the page. */
  gtk_page_setup_set_top_margin (setup, 0, GTK_UNIT_POINTS);
  gtk_page_setup_set_bottom_margin (setup, 0, GTK_UNIT_POINTS);
  gtk_page_setup_set_left_margin (setup, 0, GTK_UNIT_POINTS);
  gtk_page_setup_set_right_margin (setup, 0, GTK_UNIT_POINTS);
  gtk_paper_size_free (size);

  return setup;
}

static void
count_for_print_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  PrintData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  data->counting = FALSE;
  data->counted = TRUE;

  if (!tb_ledger_task_finish (result, &error))
    {
      data->count_error = g_steal_pointer (&error);
      return;
    }

  data->doc->copy_number = tb_receipt_copy_number (((CountOp *) tb_ledger_task_get_op (result))->n);
}

static gboolean
preview_cb (GtkPrintOperation        *op,
            GtkPrintOperationPreview *preview,
            GtkPrintContext          *context,
            GtkWindow                *parent,
            gpointer                  user_data)
{
  PrintData *data = user_data;

  /* Looking is not printing: the preview shows the doc as given and counts nothing. */
  data->preview = TRUE;

  return FALSE;
}

static void
begin_print_cb (GtkPrintOperation *op,
                GtkPrintContext   *context,
                gpointer           user_data)
{
  PrintData *data = user_data;

  gtk_print_operation_set_n_pages (op, 1);

  /* The user has confirmed the print: count it now, before the first page is drawn, so
   * that every paper copy is in the audit log and carries its number. */
  if (data->ledger == NULL || data->preview)
    {
      data->counted = TRUE;
      return;
    }

  data->counting = TRUE;
  start_count (data->ledger, data->receipt_id, count_for_print_cb, g_object_ref (data->task));
}

static gboolean
paginate_cb (GtkPrintOperation *op,
             GtkPrintContext   *context,
             gpointer           user_data)
{
  PrintData *data = user_data;
  guint n_pages = 1;

  /* Asked again and again until TRUE: wait here for the count without blocking. */
  if (!data->counted)
    return FALSE;

  if (data->count_error != NULL)
    {
      gtk_print_operation_cancel (op);
      return TRUE;
    }

  if (data->paper == TB_PAPER_A4)
    n_pages = tb_receipt_render_get_n_pages (data->doc, data->paper,
                                             gtk_print_context_get_width (context),
                                             gtk_print_context_get_height (context));
  gtk_print_operation_set_n_pages (op, MAX (n_pages, 1));

  return TRUE;
}

static void
request_page_setup_cb (GtkPrintOperation *op,
                       GtkPrintContext   *context,
                       int                page_nr,
                       GtkPageSetup      *setup,
                       gpointer           user_data)
{
  PrintData *data = user_data;
  g_autoptr(GtkPageSetup) exact = NULL;

  if (data->paper == TB_PAPER_A4)
    return;

  /* The COPY banner is known only now: size the roll for the doc as it will be printed. */
  exact = make_page_setup (data->doc, data->paper);
  gtk_page_setup_set_paper_size (setup, gtk_page_setup_get_paper_size (exact));
}

static void
draw_page_cb (GtkPrintOperation *op,
              GtkPrintContext   *context,
              int                page_nr,
              gpointer           user_data)
{
  PrintData *data = user_data;

  tb_receipt_render_page_nr (data->doc,
                             gtk_print_context_get_cairo_context (context),
                             gtk_print_context_get_width (context),
                             gtk_print_context_get_height (context),
                             data->paper,
                             (guint) page_nr);
}

static gboolean
complete_print_cb (gpointer user_data)
{
  GTask *task = user_data;
  PrintData *data = g_task_get_task_data (task);
  g_autoptr(GTask) pending = g_steal_pointer (&data->pending);

  if (data->count_error != NULL)
    g_task_return_error (task, g_steal_pointer (&data->count_error));
  else if (data->result == GTK_PRINT_OPERATION_RESULT_ERROR)
    g_task_return_error (task, data->print_error != NULL
                                 ? g_steal_pointer (&data->print_error)
                                 : g_error_new_literal (GTK_PRINT_ERROR, GTK_PRINT_ERROR_GENERAL,
                                                        _("The receipt could not be printed.")));
  else
    g_task_return_int (task, data->result);

  return G_SOURCE_REMOVE;
}

static void
finish_print (PrintData               *data,
              GtkPrintOperationResult  result)
{
  if (data->done)
    return;

  data->done = TRUE;
  data->result = result;
  if (result == GTK_PRINT_OPERATION_RESULT_ERROR && data->print_error == NULL)
    gtk_print_operation_get_error (data->op, &data->print_error);

  /* Returned from an idle, outside the operation's own signal emission. */
  g_idle_add_full (G_PRIORITY_DEFAULT, complete_print_cb, g_object_ref (data->task), g_object_unref);
}

static void
done_cb (GtkPrintOperation       *op,
         GtkPrintOperationResult  result,
         gpointer                 user_data)
{
  finish_print (user_data, result);
}

void
tb_receipt_print_async (GtkWindow               *parent,
                        TbLedger                *ledger,
                        gint64                   receipt_id,
                        const TbReceiptDoc      *doc,
                        TbPaper                  paper,
                        GtkPrintOperationAction  action,
                        const char              *export_path,
                        GCancellable            *cancellable,
                        GAsyncReadyCallback      callback,
                        gpointer                 user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GtkPageSetup) setup = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *job_name = NULL;
  GtkPrintOperationResult result;
  PrintData *data;

  g_return_if_fail (parent == NULL || GTK_IS_WINDOW (parent));
  g_return_if_fail (ledger == NULL || TB_IS_LEDGER (ledger));
  g_return_if_fail (doc != NULL);
  g_return_if_fail (action != GTK_PRINT_OPERATION_ACTION_EXPORT || export_path != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, tb_receipt_print_async);

  /* A doc that cannot be printed is refused before anything is counted. */
  if (!tb_receipt_doc_validate (doc, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  data = g_new0 (PrintData, 1);
  data->ledger = ledger != NULL ? g_object_ref (ledger) : NULL;
  data->receipt_id = receipt_id;
  data->doc = tb_receipt_doc_copy (doc);
  data->paper = paper;
  data->op = gtk_print_operation_new ();
  g_task_set_task_data (task, data, (GDestroyNotify) print_data_free);
  data->task = task;
  data->pending = g_object_ref (task);

  /* Sized for the doc as given; ::request-page-setup fixes a roll's length once the copy
   * number is known. */
  setup = make_page_setup (data->doc, paper);
  job_name = data->doc->bill_number != NULL
               ? g_strdup_printf (_("Receipt for bill %s"), data->doc->bill_number)
               : g_strdup (_("Receipt"));

  gtk_print_operation_set_job_name (data->op, job_name);
  gtk_print_operation_set_default_page_setup (data->op, setup);
  gtk_print_operation_set_unit (data->op, GTK_UNIT_POINTS);
  gtk_print_operation_set_use_full_page (data->op, TRUE);
  gtk_print_operation_set_allow_async (data->op, TRUE);
  gtk_print_operation_set_embed_page_setup (data->op, FALSE);
  if (export_path != NULL)
    gtk_print_operation_set_export_filename (data->op, export_path);

  g_signal_connect (data->op, "preview", G_CALLBACK (preview_cb), data);
  g_signal_connect (data->op, "begin-print", G_CALLBACK (begin_print_cb), data);
  g_signal_connect (data->op, "paginate", G_CALLBACK (paginate_cb), data);
  g_signal_connect (data->op, "request-page-setup", G_CALLBACK (request_page_setup_cb), data);
  g_signal_connect (data->op, "draw-page", G_CALLBACK (draw_page_cb), data);
  g_signal_connect (data->op, "done", G_CALLBACK (done_cb), data);

  result = gtk_print_operation_run (data->op, action, parent, &error);

  if (result == GTK_PRINT_OPERATION_RESULT_ERROR && error != NULL && data->print_error == NULL)
    data->print_error = g_steal_pointer (&error);
  /* ::done normally reports the end; a run that ended at once may not emit it. */
  if (result != GTK_PRINT_OPERATION_RESULT_IN_PROGRESS)
    finish_print (data, result);
}

GtkPrintOperationResult
tb_receipt_print_finish (GAsyncResult  *result,
                         guint         *out_copy_number,
                         GError       **error)
{
  PrintData *data;
  gssize value;

  g_return_val_if_fail (g_task_is_valid (result, NULL), GTK_PRINT_OPERATION_RESULT_ERROR);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == tb_receipt_print_async,
                        GTK_PRINT_OPERATION_RESULT_ERROR);

  value = g_task_propagate_int (G_TASK (result), error);
  if (value < 0)
    return GTK_PRINT_OPERATION_RESULT_ERROR;

  data = g_task_get_task_data (G_TASK (result));
  if (out_copy_number != NULL)
    *out_copy_number = data != NULL && data->doc != NULL ? data->doc->copy_number : 0;

  return (GtkPrintOperationResult) value;
}

/* ---- save as PDF ---- */

typedef struct
{
  TbReceiptDoc *doc;
  TbPaper       paper;
  GFile        *file;
} SaveData;

static void
save_data_free (SaveData *data)
{
  g_clear_pointer (&data->doc, tb_receipt_doc_free);
  g_clear_object (&data->file);
  g_free (data);
}

static void
pdf_written_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (!tb_receipt_render_pdf_finish (result, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

static void
write_pdf (GTask *task)
{
  SaveData *data = g_task_get_task_data (task);

  tb_receipt_render_pdf_async (data->doc, data->paper, data->file,
                               g_task_get_cancellable (task), pdf_written_cb, task);
}

static void
count_for_pdf_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  GTask *task = user_data;
  SaveData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (!tb_ledger_task_finish (result, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }

  data->doc->copy_number = tb_receipt_copy_number (((CountOp *) tb_ledger_task_get_op (result))->n);
  write_pdf (task);   /* passes our reference on */
}

void
tb_receipt_print_save_pdf_async (TbLedger            *ledger,
                                 gint64               receipt_id,
                                 const TbReceiptDoc  *doc,
                                 TbPaper              paper,
                                 GFile               *file,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  SaveData *data;

  g_return_if_fail (ledger == NULL || TB_IS_LEDGER (ledger));
  g_return_if_fail (doc != NULL);
  g_return_if_fail (G_IS_FILE (file));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, tb_receipt_print_save_pdf_async);

  if (!tb_receipt_doc_validate (doc, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  data = g_new0 (SaveData, 1);
  data->doc = tb_receipt_doc_copy (doc);
  data->paper = paper;
  data->file = g_object_ref (file);
  g_task_set_task_data (task, data, (GDestroyNotify) save_data_free);

  /* Counted first, like a print: a saved PDF is a copy that can be printed anywhere. */
  if (ledger != NULL)
    start_count (ledger, receipt_id, count_for_pdf_cb, g_steal_pointer (&task));
  else
    write_pdf (g_steal_pointer (&task));
}

gboolean
tb_receipt_print_save_pdf_finish (GAsyncResult  *result,
                                  guint         *out_copy_number,
                                  GError       **error)
{
  SaveData *data;

  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == tb_receipt_print_save_pdf_async,
                        FALSE);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;

  data = g_task_get_task_data (G_TASK (result));
  if (out_copy_number != NULL)
    *out_copy_number = data->doc->copy_number;

  return TRUE;
}

/* ---- QR ---- */

GdkTexture *
tb_receipt_print_qr_texture (const char  *qr_data,
                             guint        target_px,
                             GError     **error)
{
  g_autoptr(TbQrMatrix) matrix = NULL;
  g_autoptr(GBytes) pixels = NULL;
  guint width = 0;
  guint scale;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!(matrix = tb_qr_encode (qr_data, error)))
    return NULL;

  /* A whole number of pixels per module: scaled by a fraction, modules blur into their
   * neighbours and phone cameras misread them. */
  scale = CLAMP (target_px / tb_qr_matrix_get_size (matrix), 1, 64);
  pixels = tb_qr_to_rgb (matrix, scale, &width);

  return gdk_memory_texture_new ((int) width, (int) width, GDK_MEMORY_R8G8B8, pixels,
                                 (gsize) width * 3);
}

gboolean
tb_receipt_print_copy_qr (GdkClipboard  *clipboard,
                          const char    *qr_data,
                          GError       **error)
{
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(GdkContentProvider) content = NULL;
  GdkContentProvider *providers[2];

  g_return_val_if_fail (GDK_IS_CLIPBOARD (clipboard), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  /* Large enough to scan from a screen or to paste into a document. */
  if (!(texture = tb_receipt_print_qr_texture (qr_data, 400, error)))
    return FALSE;

  /* One offer with both: a paste into an image editor gets the picture (GTK serializes the
   * texture as PNG), a paste into a text field gets the data itself. */
  providers[0] = gdk_content_provider_new_typed (GDK_TYPE_TEXTURE, texture);
  providers[1] = gdk_content_provider_new_typed (G_TYPE_STRING, qr_data);
  content = gdk_content_provider_new_union (providers, G_N_ELEMENTS (providers));

  if (!gdk_clipboard_set_content (clipboard, content))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                           _("The clipboard did not accept the QR code."));
      return FALSE;
    }

  return TRUE;
}
