/* bench-ui-list.c: first frame and search latency of the window over a million bills
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Run under a display (the GUI test environment of HACKING.md), e.g.
 *   GSK_RENDERER=cairo GDK_DEBUG=gl-disable GTK_A11Y=none GDK_BACKEND=x11 \
 *   GSETTINGS_BACKEND=memory GSETTINGS_SCHEMA_DIR=_build/data \
 *   dbus-run-session -- xvfb-run -a -s '-screen 0 1280x1024x24' \
 *   _build/bench/ui/bench-ui-list [--db PATH] [--bills N] [--runs N]
 *
 * The baseline is measured in the same run: a bare libadwaita window (header bar and a label)
 * started the same way, alternating with Tulbur, each in a fresh process. Both times are from
 * main() to the first painted frame (GdkFrameClock::after-paint). Goals: Tulbur ≤ 1.3× the
 * bare window, and each search ≤ 20 ms from the query to the updated list model.
 */

#include "config.h"

#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>

#include "tb-application.h"
#include "tb-bill-list-model.h"
#include "tb-test-utils.h"
#include "tb-ui-million.h"
#include "tb-window.h"

#define FIRST_FRAME_GOAL 1.3
#define SEARCH_GOAL_MS   20.0
/* Jumping to the oldest bill: one page read at the far end of the table (the limit
 * test-ui-million used to assert as wall time, now measured here). */
#define SCROLL_GOAL_MS   100.0

static gint64 main_start_us;
static gboolean run_searches;

/* ---- child processes ---- */

static void
after_paint_cb (GdkFrameClock *clock,
                GtkWidget     *window);

static gboolean
quit_cb (gpointer user_data)
{
  g_application_quit (G_APPLICATION (user_data));
  return G_SOURCE_REMOVE;
}

static void
search_once (TbWindow   *window,
             const char *text)
{
  GListModel *model = G_LIST_MODEL (tb_window_get_selection (window));
  gint64 start;
  gint64 applied;

  /* Straight to the model query the search entry's (debounced) signal runs. */
  start = g_get_monotonic_time ();
  tb_bill_list_model_set_query (TB_BILL_LIST_MODEL (gtk_single_selection_get_model (GTK_SINGLE_SELECTION (model))),
                                TB_BILL_FILTER_ALL, text);
  applied = g_get_monotonic_time ();

  /* …plus reading the rows that are on screen, as the list view would. */
  for (guint i = 0; i < MIN (30, g_list_model_get_n_items (model)); i++)
    g_object_unref (g_list_model_get_item (model, i));

  printf ("search\t%s\t%u\t%.3f\t%.3f\n", text, g_list_model_get_n_items (model),
          (applied - start) / 1000.0, (g_get_monotonic_time () - start) / 1000.0);
}

/* The list scrolled to its end reads the last row, as the list view would. */
static void
scroll_to_end (TbWindow *window)
{
  GListModel *model = G_LIST_MODEL (tb_window_get_selection (window));
  gint64 start;
  guint n;

  tb_bill_list_model_set_query (TB_BILL_LIST_MODEL (gtk_single_selection_get_model (GTK_SINGLE_SELECTION (model))),
                                TB_BILL_FILTER_ALL, "");
  n = g_list_model_get_n_items (model);
  start = g_get_monotonic_time ();
  for (guint i = n > 30 ? n - 30 : 0; i < n; i++)
    g_object_unref (g_list_model_get_item (model, i));
  printf ("scroll\t%u\t%.3f\n", n, (g_get_monotonic_time () - start) / 1000.0);
}

static void
after_paint_cb (GdkFrameClock *clock,
                GtkWidget     *window)
{
  GtkApplication *application = gtk_window_get_application (GTK_WINDOW (window));

  g_signal_handlers_disconnect_by_func (clock, after_paint_cb, window);
  {
    struct rusage usage;
    double cpu_ms;

    /* CPU time too: on a busy machine wall time also measures the other processes. */
    getrusage (RUSAGE_SELF, &usage);
    cpu_ms = (usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1000.0 +
             (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1000.0;
    printf ("first-frame\t%.3f\t%.3f\n", (g_get_monotonic_time () - main_start_us) / 1000.0, cpu_ms);
  }

  if (run_searches && TB_IS_WINDOW (window))
    {
      static const char * const searches[] = {
        "Батболд", "батболд д", TB_MILLION_PHONE, "123456", "99999", "12", "Zzz", "",
      };

      for (guint i = 0; i < G_N_ELEMENTS (searches); i++)
        search_once (TB_WINDOW (window), searches[i]);
      scroll_to_end (TB_WINDOW (window));
    }

  fflush (stdout);
  g_idle_add (quit_cb, application);
}

static void
window_realize_cb (GtkWidget *window)
{
  g_signal_connect (gtk_widget_get_frame_clock (window), "after-paint",
                    G_CALLBACK (after_paint_cb), window);
}

static void
window_added_cb (GtkApplication *application,
                 GtkWindow      *window)
{
  g_signal_connect (window, "realize", G_CALLBACK (window_realize_cb), NULL);
}

static void
bare_activate_cb (GtkApplication *application)
{
  GtkWidget *window = adw_application_window_new (application);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *label = gtk_label_new ("Hello");

  gtk_box_append (GTK_BOX (box), adw_header_bar_new ());
  gtk_widget_set_vexpand (label, TRUE);
  gtk_box_append (GTK_BOX (box), label);
  adw_application_window_set_content (ADW_APPLICATION_WINDOW (window), box);
  gtk_window_set_default_size (GTK_WINDOW (window), 1100, 760);
  gtk_window_present (GTK_WINDOW (window));
}

static int
run_child (const char *kind)
{
  g_autoptr(GtkApplication) application = NULL;
  char *args[] = { (char *) "bench-ui-list", NULL };

  if (g_strcmp0 (kind, "bare") == 0)
    {
      application = GTK_APPLICATION (adw_application_new ("io.github.tulbur.Bench.Bare",
                                                          G_APPLICATION_NON_UNIQUE));
      g_signal_connect (application, "activate", G_CALLBACK (bare_activate_cb), NULL);
    }
  else
    {
      /* The real app: it opens TULBUR_DB at startup and makes its window on activate. */
      application = GTK_APPLICATION (tb_application_new ());
      g_application_set_flags (G_APPLICATION (application), G_APPLICATION_NON_UNIQUE);
    }

  g_signal_connect (application, "window-added", G_CALLBACK (window_added_cb), NULL);

  return g_application_run (G_APPLICATION (application), 1, args);
}

/* ---- parent ---- */

static char *
load_average (void)
{
  static char text[128];
  g_autofree char *contents = NULL;

  if (!g_file_get_contents ("/proc/loadavg", &contents, NULL, NULL))
    return (char *) "unknown\n";
  g_strlcpy (text, contents, sizeof text);

  return text;
}

typedef struct
{
  GArray *first_frame;   /* double ms */
} Series;

static int
compare_double (gconstpointer a,
                gconstpointer b)
{
  double x = *(const double *) a;
  double y = *(const double *) b;

  return (x > y) - (x < y);
}

static double
median (GArray *values)
{
  g_array_sort (values, compare_double);
  if (values->len == 0)
    return 0;
  if (values->len % 2 == 1)
    return g_array_index (values, double, values->len / 2);
  return (g_array_index (values, double, values->len / 2 - 1) +
          g_array_index (values, double, values->len / 2)) / 2;
}

static double
minimum (GArray *values)
{
  double m = G_MAXDOUBLE;

  for (guint i = 0; i < values->len; i++)
    m = MIN (m, g_array_index (values, double, i));

  return values->len > 0 ? m : 0;
}

static char *
spawn_child (const char  *self_path,
             const char  *kind,
             const char  *db_path,
             gboolean     searches)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  char *out = NULL;

  g_subprocess_launcher_setenv (launcher, "TULBUR_DB", db_path, TRUE);
  process = g_subprocess_launcher_spawn (launcher, &error, self_path, "--child", kind,
                                         searches ? "--searches" : NULL, NULL);
  if (process == NULL || !g_subprocess_communicate_utf8 (process, NULL, NULL, &out, NULL, &error))
    g_error ("Could not run the %s child: %s", kind, error->message);
  if (!g_subprocess_get_successful (process))
    g_error ("The %s child failed", kind);

  return out;
}

static void
parse_first_frame (const char *out,
                   double     *wall_ms,
                   double     *cpu_ms)
{
  g_auto(GStrv) lines = g_strsplit (out, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) fields = g_strsplit (lines[i], "\t", -1);

      if (g_strv_length (fields) == 3 && g_str_equal (fields[0], "first-frame"))
        {
          *wall_ms = g_ascii_strtod (fields[1], NULL);
          *cpu_ms = g_ascii_strtod (fields[2], NULL);
          return;
        }
    }

  g_error ("No first-frame line in: %s", out);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *db_path = NULL;
  g_autofree char *child = NULL;
  g_autofree char *tmpdir = NULL;
  g_autofree char *self_path = NULL;
  g_autofree char *search_out = NULL;
  g_autoptr(GArray) bare = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) tulbur = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) bare_cpu = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) tulbur_cpu = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) lines = NULL;
  int n_bills = 1000000;
  int runs = 15;
  double worst_search = 0;
  double ratio;
  const GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db_path, "Use (or create) this ledger", "PATH" },
    { "bills", 0, 0, G_OPTION_ARG_INT, &n_bills, "Bills to generate (default 1000000)", "N" },
    { "runs", 0, 0, G_OPTION_ARG_INT, &runs, "Start-ups of each kind (default 15)", "N" },
    { "child", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_STRING, &child, NULL, NULL },
    { "searches", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_NONE, &run_searches, NULL, NULL },
    { NULL }
  };

  main_start_us = g_get_monotonic_time ();

  context = g_option_context_new ("- Tulbur bill list benchmark");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }

  if (child != NULL)
    return run_child (child);

  self_path = g_file_read_link ("/proc/self/exe", NULL);
  if (self_path == NULL)
    self_path = g_strdup (argv[0]);

  if (db_path == NULL)
    {
      tmpdir = tb_test_tmpdir_new ();
      db_path = g_build_filename (tmpdir, "million.db", NULL);
    }

  if (!g_file_test (db_path, G_FILE_TEST_EXISTS))
    {
      TbMillionStats stats;

      if (!tb_million_generate (db_path, n_bills, 200, &stats, &error))
        g_error ("Could not generate the ledger: %s", error->message);
      printf ("generated %u bills in %.1f s\n", stats.n_bills, stats.seconds);
    }

  /* Warm the page cache and the font cache once, then alternate, so neither side gets an
   * advantage from running second. */
  g_free (spawn_child (self_path, "bare", db_path, FALSE));
  g_free (spawn_child (self_path, "tulbur", db_path, FALSE));

  for (int i = 0; i < runs; i++)
    {
      g_autofree char *a = spawn_child (self_path, "bare", db_path, FALSE);
      g_autofree char *b = spawn_child (self_path, "tulbur", db_path, FALSE);
      double x, y, x_cpu, y_cpu;

      parse_first_frame (a, &x, &x_cpu);
      parse_first_frame (b, &y, &y_cpu);
      g_array_append_val (bare, x);
      g_array_append_val (tulbur, y);
      g_array_append_val (bare_cpu, x_cpu);
      g_array_append_val (tulbur_cpu, y_cpu);
    }

  search_out = spawn_child (self_path, "tulbur", db_path, TRUE);

  ratio = median (tulbur) / median (bare);
  printf ("first frame over %d start-ups each, ms from main() (wall / CPU):\n", runs);
  printf ("                            median            best\n");
  printf ("  bare libadwaita window    %6.1f / %6.1f   %6.1f / %6.1f\n",
          median (bare), median (bare_cpu), minimum (bare), minimum (bare_cpu));
  printf ("  Tulbur, %7d bills     %6.1f / %6.1f   %6.1f / %6.1f\n", n_bills,
          median (tulbur), median (tulbur_cpu), minimum (tulbur), minimum (tulbur_cpu));
  printf ("  ratio                     %5.2f× / %5.2f×   %5.2f× / %5.2f×   (goal ≤ %.1f× on the median wall time: %s)\n",
          ratio, median (tulbur_cpu) / median (bare_cpu),
          minimum (tulbur) / minimum (bare), minimum (tulbur_cpu) / minimum (bare_cpu),
          FIRST_FRAME_GOAL, ratio <= FIRST_FRAME_GOAL ? "met" : "NOT met");
  printf ("  load average at the end: %s", load_average ());

  printf ("search (query → model updated, → first 30 rows read), ms:\n");
  lines = g_strsplit (search_out, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) fields = g_strsplit (lines[i], "\t", -1);
      double total;

      if (g_strv_length (fields) != 5 || !g_str_equal (fields[0], "search"))
        continue;

      total = g_ascii_strtod (fields[4], NULL);
      worst_search = MAX (worst_search, total);
      printf ("  %-14s %8s bills  %7.2f  %7.2f   %.2f× goal\n",
              fields[1][0] != '\0' ? fields[1] : "(cleared)", fields[2],
              g_ascii_strtod (fields[3], NULL), total, total / SEARCH_GOAL_MS);
    }
  printf ("  worst           %7.2f ms   (goal ≤ %.0f ms: %s)\n", worst_search, SEARCH_GOAL_MS,
          worst_search <= SEARCH_GOAL_MS ? "met" : "NOT met");
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) fields = g_strsplit (lines[i], "\t", -1);
      double ms;

      if (g_strv_length (fields) != 3 || !g_str_equal (fields[0], "scroll"))
        continue;

      ms = g_ascii_strtod (fields[2], NULL);
      printf ("scroll to the oldest of %s bills (last 30 rows read): %.2f ms   (goal ≤ %.0f ms: %s)\n",
              fields[1], ms, SCROLL_GOAL_MS, ms <= SCROLL_GOAL_MS ? "met" : "NOT met");
    }

  if (tmpdir != NULL)
    tb_test_tmpdir_free (g_steal_pointer (&tmpdir));

  return 0;
}
