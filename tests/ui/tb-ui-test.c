/* tb-ui-test.c: helpers for the widget tests (a real TbWindow over a temporary ledger)
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

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

  /* gtk_test_init() aborts without a display; skip instead (HACKING.md, "GUI tests"). */
  have_display = gtk_init_check ();
  if (!have_display)
    return FALSE;

  adw_init ();

  /* No blinking cursor: frames stay the same from run to run, and GTK 4.8's blink timer
   * warns ("unexpected blinking selection") when a test types into a focused entry. */
  g_object_set (gtk_settings_get_default (), "gtk-cursor-blink", FALSE, NULL);

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

/* Mapped and laid out: what a person sees once the first frame is drawn. */
static gboolean
window_drawn (gpointer user_data)
{
  GtkWidget *window = user_data;

  return gtk_widget_get_mapped (window) && gtk_widget_get_width (window) > 0;
}

gboolean
tb_ui_window_drawn (gpointer window)
{
  return window_drawn (window);
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
  g_assert_true (tb_ui_wait_until (window_drawn, fixture->window, 5000));
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
  tb_ui_drain ();

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

static void
count_paint_cb (GdkFrameClock *clock,
                guint         *paints)
{
  (*paints)++;
}

static gboolean
painted_enough (gpointer user_data)
{
  return *(guint *) user_data >= 2;
}

void
tb_ui_wait_painted (GtkWidget *widget)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (widget);
  guint paints = 0;
  gulong id;

  g_assert_nonnull (clock);
  id = g_signal_connect (clock, "after-paint", G_CALLBACK (count_paint_cb), &paints);
  gtk_widget_queue_draw (widget);
  /* Two: the frame that was already under way may predate what the test just changed. */
  g_assert_true (tb_ui_wait_until (painted_enough, &paints, 10000));
  gtk_widget_queue_draw (widget);
  g_signal_handler_disconnect (clock, id);
}

static gboolean
is_mapped (gpointer widget)
{
  return gtk_widget_get_mapped (widget);
}

GtkWidget *
tb_ui_wait_mapped (GtkWidget  *root,
                   const char *name)
{
  GtkWidget *widget = tb_ui_get (root, name);

  if (!tb_ui_wait_until (is_mapped, widget, 10000))
    g_error ("“%s” did not come on screen", name);

  return widget;
}

static gboolean
find_label_text (GtkWidget  *widget,
                 const char *text)
{
  if (GTK_IS_LABEL (widget) && gtk_widget_get_mapped (widget) &&
      strstr (gtk_label_get_label (GTK_LABEL (widget)), text) != NULL)
    return TRUE;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (find_label_text (child, text))
      return TRUE;

  return FALSE;
}

gboolean
tb_ui_shows_text (GtkWidget  *root,
                  const char *text)
{
  return find_label_text (root, text);
}

void
tb_ui_drain (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

/* On screen: visible, mapped (no hidden stack page, closed revealer or expander above it) and
 * laid out. */
static gboolean
on_screen (gpointer user_data)
{
  GtkWidget *widget = user_data;

  return gtk_widget_is_visible (widget) && gtk_widget_get_mapped (widget) &&
         gtk_widget_get_width (widget) > 0 && gtk_widget_get_height (widget) > 0;
}

/* Fails the test unless a person could reach @widget: on screen within a few seconds (a
 * revealer opening, a page being drawn: a person waits for that too) and sensitive, itself
 * and all its ancestors. */
void
tb_ui_assert_reachable (GtkWidget *widget)
{
  const char *name = gtk_widget_get_name (widget);
  const char *type = G_OBJECT_TYPE_NAME (widget);

  if (!tb_ui_wait_until (on_screen, widget, 5000))
    {
      if (!gtk_widget_is_visible (widget))
        g_error ("“%s” (%s) is not visible: nobody could click it", name, type);
      if (!gtk_widget_get_mapped (widget))
        g_error ("“%s” (%s) is not on screen: nobody could click it", name, type);
      g_error ("“%s” (%s) has no size: nobody could click it", name, type);
    }
  if (!gtk_widget_is_sensitive (widget))
    g_error ("“%s” (%s) is insensitive: nobody could click it", name, type);
}

void
tb_ui_set_text (GtkWidget  *root,
                const char *name,
                const char *text)
{
  tb_ui_type (tb_ui_get (root, name), text);
}

void
tb_ui_type (GtkWidget  *widget,
            const char *text)
{
  tb_ui_assert_reachable (widget);
  if (!gtk_editable_get_editable (GTK_EDITABLE (widget)))
    g_error ("“%s” is not editable: nobody could type into it", gtk_widget_get_name (widget));

  gtk_widget_grab_focus (widget);
  gtk_editable_set_text (GTK_EDITABLE (widget), text);
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
  tb_ui_click_widget (tb_ui_get (root, name));
}

static void
count_clicked_cb (GtkButton *button,
                  guint     *clicks)
{
  (*clicks)++;
}

static gboolean
clicked_once (gpointer user_data)
{
  return *(guint *) user_data > 0;
}

void
tb_ui_click_widget (GtkWidget *widget)
{
  guint clicks = 0;
  gulong id = 0;

  tb_ui_assert_reachable (widget);

  /* The click may well remove the widget (a row rebuilt): keep it alive until it is done. */
  g_object_ref (widget);

  /* What a click or Space on the focused widget does: buttons go down and emit ::clicked
   * (running their action) a moment later, check buttons toggle, list rows emit ::activate. */
  if (GTK_IS_BUTTON (widget))
    id = g_signal_connect (widget, "clicked", G_CALLBACK (count_clicked_cb), &clicks);
  if (!gtk_widget_activate (widget))
    g_error ("“%s” (%s) does not react to a click", gtk_widget_get_name (widget),
             G_OBJECT_TYPE_NAME (widget));
  if (id != 0)
    {
      if (!tb_ui_wait_until (clicked_once, &clicks, 5000))
        g_error ("“%s” was activated but never clicked", gtk_widget_get_name (widget));
      g_signal_handler_disconnect (widget, id);
    }
  g_object_unref (widget);
}

void
tb_ui_set_checked (GtkWidget  *root,
                   const char *name,
                   gboolean    active)
{
  GtkWidget *check = tb_ui_get (root, name);

  if (gtk_check_button_get_active (GTK_CHECK_BUTTON (check)) != active)
    tb_ui_click_widget (check);
  g_assert_true (gtk_check_button_get_active (GTK_CHECK_BUTTON (check)) == active);
}

static gboolean
switch_settled (gpointer user_data)
{
  GtkSwitch *sw = user_data;
  gboolean wanted = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (sw), "tb-ui-wanted"));

  return gtk_switch_get_active (sw) == wanted && gtk_switch_get_state (sw) == wanted;
}

void
tb_ui_set_switch (GtkWidget  *root,
                  const char *name,
                  gboolean    active)
{
  GtkWidget *sw = tb_ui_get (root, name);

  if (gtk_switch_get_active (GTK_SWITCH (sw)) == active)
    return;

  /* A switch slides over before it changes: wait for it, as a person watches it. */
  tb_ui_click_widget (sw);
  g_object_set_data (G_OBJECT (sw), "tb-ui-wanted", GINT_TO_POINTER (active));
  g_assert_true (tb_ui_wait_until (switch_settled, sw, 5000));
}

static GtkWidget *
find_text (GtkWidget *widget)
{
  if (GTK_IS_TEXT (widget))
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_text (child);

      if (found != NULL)
        return found;
    }

  return NULL;
}

void
tb_ui_press_enter (GtkWidget *editable)
{
  GtkWidget *text = find_text (editable);

  g_assert_nonnull (text);
  tb_ui_assert_reachable (text);
  gtk_widget_grab_focus (text);
  /* Enter is bound to GtkText's ::activate keybinding signal. */
  g_signal_emit_by_name (text, "activate");
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
