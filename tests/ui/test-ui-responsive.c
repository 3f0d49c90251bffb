/* test-ui-responsive.c: the window stays alive while another process holds the ledger
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Issue #1: while a write waits in a worker for another process's write lock (the CLI, a
 * second desk), the main loop must never wait with it. Another process takes the write lock
 * and keeps it up to 5 s (or until the test releases it through a pipe); a line added from the
 * window waits in its worker meanwhile. Before the lock is released the window must keep
 * painting frames and the bill list must answer a search.
 */

#include "config.h"

#include "tb-bill-page.h"
#include "tb-test-utils.h"
#include "tb-ui-test.h"

typedef struct
{
  GSubprocess *process;
  GDataInputStream *out;
  char        *marker;
} Holder;

static void
holder_start (Holder      *holder,
              TbUiFixture *fixture)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;

  holder->marker = g_build_filename (fixture->tmpdir, "released", NULL);
  holder->process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE,
                                      &error, TB_UI_LOCK_HOLDER, fixture->db_path, holder->marker,
                                      NULL);
  g_assert_no_error (error);
  holder->out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (holder->process));
  line = g_data_input_stream_read_line (holder->out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (line, ==, "locked");
}

static gboolean
holder_released (Holder *holder)
{
  return g_file_test (holder->marker, G_FILE_TEST_EXISTS);
}

static void
holder_release (Holder *holder)
{
  g_autoptr(GError) error = NULL;
  GOutputStream *in = g_subprocess_get_stdin_pipe (holder->process);

  g_output_stream_write_all (in, "release\n", 8, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_wait_check (holder->process, NULL, &error));
  g_assert_no_error (error);
  g_clear_object (&holder->out);
  g_clear_object (&holder->process);
  g_clear_pointer (&holder->marker, g_free);
}

typedef struct
{
  GdkFrameClock *clock;
  gint64         until;
} FramesWanted;

static gboolean
frames_reached (gpointer user_data)
{
  FramesWanted *wanted = user_data;

  return gdk_frame_clock_get_frame_counter (wanted->clock) >= wanted->until;
}

/* Keeps the window asking for frames, as an animation would: the frame counter then moves
 * exactly as long as the main loop runs. */
static gboolean
tick_cb (GtkWidget     *widget,
         GdkFrameClock *clock,
         gpointer       user_data)
{
  return G_SOURCE_CONTINUE;
}

static gboolean
line_added (gpointer user_data)
{
  TbUiFixture *fixture = user_data;
  GtkWidget *list = tb_ui_find (GTK_WIDGET (fixture->window), "lines-list");

  return list != NULL && tb_ui_count_rows (list) == 2;
}

static gboolean
add_line_started (gpointer user_data)
{
  return !gtk_widget_get_sensitive (tb_ui_get (GTK_WIDGET (user_data), "add-line-button"));
}

static gboolean
one_bill_listed (gpointer user_data)
{
  return g_list_model_get_n_items (G_LIST_MODEL (user_data)) == 1;
}

static void
test_write_lock_held_elsewhere (TbUiFixture   *fixture,
                                gconstpointer  data)
{
  GtkWidget *win = GTK_WIDGET (fixture->window);
  GtkWidget *search;
  GListModel *bills;
  g_autofree char *number = NULL;
  Holder holder = { 0 };
  FramesWanted wanted;
  gint64 bill_id;
  gint64 other_id;
  guint tick;

  if (!tb_ui_test_have_display ())
    return;

  bill_id = tb_ui_make_bill (fixture->ledger, 0, "Consultation", "1", "5000", NULL);
  other_id = tb_ui_make_bill (fixture->ledger, 0, "X-ray", "1", "20000", NULL);
  tb_window_reload (fixture->window);
  g_assert_true (tb_window_open_bill (fixture->window, bill_id));
  bills = G_LIST_MODEL (tb_window_get_selection (fixture->window));
  g_assert_cmpuint (g_list_model_get_n_items (bills), ==, 2);

  tick = gtk_widget_add_tick_callback (win, tick_cb, NULL, NULL);
  wanted.clock = gtk_widget_get_frame_clock (win);

  /* The CLI (here: another process) takes the write lock… */
  holder_start (&holder, fixture);

  /* …and the receptionist adds a line: the write waits for the lock in its worker. */
  tb_ui_set_text (win, "line-description", "Blood test");
  tb_ui_set_text (win, "line-price", "7000");
  tb_ui_click (win, "add-line-button");
  g_assert_true (add_line_started (win));
  /* A few frames, so the worker is surely inside the ledger, waiting. */
  wanted.until = gdk_frame_clock_get_frame_counter (wanted.clock) + 10;
  g_assert_true (tb_ui_wait_until (frames_reached, &wanted, 4000));
  g_assert_false (holder_released (&holder));

  /* The bill list answers a search while the write waits. */
  search = tb_ui_get (win, "search-entry");
  number = g_strdup_printf ("%" G_GINT64_FORMAT, other_id);
  tb_ui_type (search, number);
  g_signal_emit_by_name (search, "search-changed");
  g_assert_true (tb_ui_wait_until (one_bill_listed, bills, 4000));
  if (holder_released (&holder))
    g_error ("The bill list answered the search only after the other process released the "
             "ledger's write lock: the main loop waited on it (#1)");

  /* And the window keeps painting. */
  wanted.until = gdk_frame_clock_get_frame_counter (wanted.clock) + 30;
  g_assert_true (tb_ui_wait_until (frames_reached, &wanted, 4000));
  if (holder_released (&holder))
    g_error ("The window stopped painting until the other process released the write lock (#1)");

  /* Released: the waiting write goes through. */
  holder_release (&holder);
  g_assert_true (tb_ui_wait_until (line_added, fixture, 15000));
  gtk_widget_remove_tick_callback (win, tick);
}

int
main (int   argc,
      char *argv[])
{
  tb_ui_test_init (&argc, &argv);

  g_test_add ("/tulbur/ui/responsive/write-lock-held-elsewhere", TbUiFixture, NULL,
              tb_ui_fixture_setup, test_write_lock_held_elsewhere, tb_ui_fixture_teardown);

  return g_test_run ();
}
