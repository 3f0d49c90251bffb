/* tb-ui-test.c: helpers for the widget tests (a real TbWindow over a temporary ledger)
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "core/tb-money.h"
#include "tb-test-utils.h"
#include "tb-ui-test.h"
#include "tb-ui-util.h"

static gboolean have_display;
static GtkApplication *application;

gboolean
tb_ui_test_init (int    *argc,
                 char ***argv)
{
  g_test_init (argc, argv, NULL);

  /* gtk_test_init() aborts without a display; skip instead (BUILD-NOTES.md §3). */
  have_display = gtk_init_check ();
  if (!have_display)
    return FALSE;

  adw_init ();

  /* A real, registered application so windows behave as in the app (actions, hold);
   * non-unique so parallel runs never talk to each other. */
  application = gtk_application_new ("io.github.tulbur.Tulbur.Test", G_APPLICATION_NON_UNIQUE);
  g_application_set_resource_base_path (G_APPLICATION (application), RESOURCE_PREFIX);
  g_application_register (G_APPLICATION (application), NULL, NULL);

  return TRUE;
}

gboolean
tb_ui_test_have_display (void)
{
  return have_display;
}

GtkApplication *
tb_ui_test_application (void)
{
  return application;
}

static GSettings *
make_settings (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, TB_SETTINGS_SCHEMA_ID, TRUE);
  if (schema == NULL)
    return NULL;

  return g_settings_new_full (schema, NULL, NULL);
}

static gboolean
window_mapped (gpointer user_data)
{
  return gtk_widget_get_mapped (GTK_WIDGET (user_data));
}

void
tb_ui_fixture_setup (TbUiFixture   *fixture,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  if (!have_display)
    {
      g_test_skip ("no display");
      return;
    }

  fixture->tmpdir = tb_test_tmpdir_new ();
  fixture->db_path = g_build_filename (fixture->tmpdir, "ledger.db", NULL);
  fixture->ledger = tb_ledger_open (fixture->db_path, &error);
  g_assert_no_error (error);
  fixture->settings = make_settings ();
  if (fixture->settings != NULL)
    {
      /* The memory backend keeps values for the whole process: start each test clean. */
      g_settings_reset (fixture->settings, "bill-filter");
      g_settings_reset (fixture->settings, "business-name");
      g_settings_reset (fixture->settings, "business-tin");
      g_settings_reset (fixture->settings, "business-address");
    }

  fixture->window = tb_window_new (application, fixture->ledger, fixture->settings);
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 1100, 900);
  gtk_window_present (GTK_WINDOW (fixture->window));
  g_assert_true (tb_ui_wait_until (window_mapped, fixture->window, 5000));
}

void
tb_ui_fixture_teardown (TbUiFixture   *fixture,
                        gconstpointer  data)
{
  GList *toplevels;

  if (!have_display)
    return;

  /* Close dialogs a test left open, then the window. */
  toplevels = gtk_window_list_toplevels ();
  for (GList *l = toplevels; l != NULL; l = l->next)
    if (l->data != fixture->window && gtk_widget_get_visible (l->data))
      gtk_window_destroy (GTK_WINDOW (l->data));
  g_list_free (toplevels);

  if (fixture->window != NULL)
    gtk_window_destroy (GTK_WINDOW (fixture->window));
  tb_ui_spin (50);

  g_clear_object (&fixture->settings);
  g_clear_object (&fixture->ledger);
  g_clear_pointer (&fixture->db_path, g_free);
  g_clear_pointer (&fixture->tmpdir, tb_test_tmpdir_free);
}

GtkWidget *
tb_ui_find (GtkWidget  *root,
            const char *name)
{
  GtkWidget *child;

  if (g_strcmp0 (gtk_widget_get_name (root), name) == 0)
    return root;

  for (child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = tb_ui_find (child, name);

      if (found != NULL)
        return found;
    }

  return NULL;
}

GtkWidget *
tb_ui_get (GtkWidget  *root,
           const char *name)
{
  GtkWidget *widget = tb_ui_find (root, name);

  if (widget == NULL)
    g_error ("No widget named “%s”", name);

  return widget;
}

GtkWidget *
tb_ui_find_toplevel (GType type)
{
  GList *toplevels = gtk_window_list_toplevels ();
  GtkWidget *found = NULL;

  for (GList *l = toplevels; l != NULL && found == NULL; l = l->next)
    if (G_TYPE_CHECK_INSTANCE_TYPE (l->data, type) && gtk_widget_get_visible (l->data))
      found = l->data;
  g_list_free (toplevels);

  return found;
}

static gboolean
deadline_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

gboolean
tb_ui_wait_until (TbUiCondition condition,
                  gpointer      user_data,
                  guint         timeout_ms)
{
  gboolean expired = FALSE;
  guint id = g_timeout_add (timeout_ms, deadline_cb, &expired);

  while (!condition (user_data) && !expired)
    g_main_context_iteration (NULL, TRUE);

  if (!expired)
    g_source_remove (id);

  return condition (user_data);
}

void
tb_ui_spin (guint ms)
{
  gboolean expired = FALSE;

  g_timeout_add (ms, deadline_cb, &expired);
  while (!expired)
    g_main_context_iteration (NULL, TRUE);
}

void
tb_ui_set_text (GtkWidget  *root,
                const char *name,
                const char *text)
{
  gtk_editable_set_text (GTK_EDITABLE (tb_ui_get (root, name)), text);
}

const char *
tb_ui_label_text (GtkWidget  *root,
                  const char *name)
{
  return gtk_label_get_label (GTK_LABEL (tb_ui_get (root, name)));
}

guint
tb_ui_count_rows (GtkWidget *list_box)
{
  guint n = 0;

  while (gtk_list_box_get_row_at_index (GTK_LIST_BOX (list_box), n) != NULL)
    n++;

  return n;
}

void
tb_ui_click (GtkWidget  *root,
             const char *name)
{
  g_signal_emit_by_name (tb_ui_get (root, name), "clicked");
}

gint64
tb_ui_make_bill (TbLedger *ledger,
                 gint64    customer_id,
                 ...)
{
  g_autoptr(GError) error = NULL;
  const char *description;
  gint64 bill_id = 0;
  va_list args;

  g_assert_true (tb_ledger_create_bill (ledger, customer_id, NULL, &bill_id, NULL, &error));
  g_assert_no_error (error);

  va_start (args, customer_id);
  while ((description = va_arg (args, const char *)) != NULL)
    {
      const char *quantity = va_arg (args, const char *);
      const char *price = va_arg (args, const char *);
      TbLineInput input = { .description = description, .vat = TRUE };

      g_assert_true (tb_quantity_parse (quantity, &input.quantity_milli, NULL));
      g_assert_true (tb_money_parse (price, &input.unit_price, NULL));
      g_assert_true (tb_ledger_add_line (ledger, bill_id, &input, NULL, &error));
      g_assert_no_error (error);
    }
  va_end (args);

  return bill_id;
}

TbBill *
tb_ui_read_bill (const char *path,
                 gint64      bill_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TbLedger) ledger = tb_ledger_open (path, &error);
  TbBill *bill;

  g_assert_no_error (error);
  bill = tb_ledger_get_bill (ledger, bill_id, &error);
  g_assert_no_error (error);

  return bill;
}
