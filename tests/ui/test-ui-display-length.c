/* test-ui-display-length.c: the window fits the display width the metainfo promises
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Issue #9: the metainfo promised a 360 px layout while the window needed about 370 px in
 * English and 560 px in Mongolian, so software centres would offer the app to phones it does
 * not fit. The window's own minimum width (what GTK asks the window manager for), with the bill
 * list and with a bill open, must not exceed the <display_length compare="ge"> of the built
 * metainfo. meson runs this program once per language (TB_TEST_LANGUAGE, LANGUAGE) with the
 * catalogues of this build.
 */

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <stdlib.h>

#include "tb-ui-test.h"

static int
declared_display_length (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GRegex) regex = NULL;
  g_autoptr(GMatchInfo) match = NULL;
  g_autofree char *text = NULL;
  g_autofree char *number = NULL;

  g_file_get_contents (TB_TEST_METAINFO, &text, NULL, &error);
  g_assert_no_error (error);
  regex = g_regex_new ("<requires>\\s*<display_length compare=\"ge\">(\\d+)</display_length>",
                       0, 0, &error);
  g_assert_no_error (error);
  g_assert_true (g_regex_match (regex, text, 0, &match));
  number = g_match_info_fetch (match, 1);
  return atoi (number);
}

static int
window_min_width (TbUiFixture *fixture)
{
  int min = 0;

  tb_ui_drain ();
  gtk_widget_measure (GTK_WIDGET (fixture->window), GTK_ORIENTATION_HORIZONTAL, -1,
                      &min, NULL, NULL, NULL);
  g_test_message ("%s: minimum width %d px", g_getenv ("TB_TEST_LANGUAGE"), min);
  return min;
}

static gboolean
bill_shown (gpointer user_data)
{
  TbUiFixture *fixture = user_data;
  GtkWidget *page = tb_ui_find (GTK_WIDGET (fixture->window), "bill-page");
  GtkWidget *stack;

  if (page == NULL)
    return FALSE;

  stack = gtk_widget_get_ancestor (page, GTK_TYPE_STACK);
  return g_strcmp0 (gtk_stack_get_visible_child_name (GTK_STACK (stack)), "bill") == 0;
}

static void
check_translated (void)
{
  /* A Mongolian run that silently fell back to English would measure the wrong layout. */
  if (g_strcmp0 (g_getenv ("TB_TEST_LANGUAGE"), "mn") == 0)
    g_assert_cmpstr (_("Bills"), !=, "Bills");
  else
    g_assert_cmpstr (_("Bills"), ==, "Bills");
}

static void
test_bill_list (TbUiFixture   *fixture,
                gconstpointer  data)
{
  if (!tb_ui_test_have_display ())
    return;

  check_translated ();
  g_assert_cmpint (window_min_width (fixture), <=, declared_display_length ());
}

static void
test_bill_open (TbUiFixture   *fixture,
                gconstpointer  data)
{
  if (!tb_ui_test_have_display ())
    return;

  check_translated ();
  tb_ui_click (GTK_WIDGET (fixture->window), "new-bill-button");
  g_assert_true (tb_ui_wait_until (bill_shown, fixture, 10000));
  g_assert_cmpint (window_min_width (fixture), <=, declared_display_length ());
}

static void
add_case (const char *name,
          void      (*func) (TbUiFixture *, gconstpointer))
{
  g_autofree char *path = g_strdup_printf ("/tulbur/ui/display-length/%s/%s",
                                           g_getenv ("TB_TEST_LANGUAGE"), name);

  g_test_add (path, TbUiFixture, NULL, tb_ui_fixture_setup, func, tb_ui_fixture_teardown);
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, TB_TEST_LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  tb_ui_test_init (&argc, &argv);

  add_case ("bill-list", test_bill_list);
  add_case ("bill-open", test_bill_open);

  return g_test_run ();
}
