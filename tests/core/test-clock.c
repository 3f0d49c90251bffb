/* test-clock.c: the fake clock fires timers in deadline order and re-arms them
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "core/tb-clock.h"

typedef struct
{
  TbClock   *clock;
  GString   *log;
  int        repeats;
  guint      other;
} Fixture;

static gboolean
once_cb (gpointer data)
{
  Fixture *f = data;

  g_string_append_printf (f->log, "once@%" G_GINT64_FORMAT ";", tb_clock_now_us (f->clock) / 1000);
  return G_SOURCE_REMOVE;
}

static gboolean
repeat_cb (gpointer data)
{
  Fixture *f = data;

  g_string_append_printf (f->log, "rep@%" G_GINT64_FORMAT ";", tb_clock_now_us (f->clock) / 1000);
  return --f->repeats > 0 ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

static gboolean
remover_cb (gpointer data)
{
  Fixture *f = data;

  g_string_append (f->log, "remover;");
  tb_clock_clear (f->clock, &f->other);
  return G_SOURCE_REMOVE;
}

static void
test_clock_fake_order (void)
{
  Fixture f = { 0 };

  f.clock = tb_clock_new_fake (1000 * 1000);
  f.log = g_string_new (NULL);
  f.repeats = 3;

  g_assert_true (tb_clock_is_fake (f.clock));
  g_assert_cmpint (tb_clock_now_us (f.clock), ==, 1000 * 1000);
  tb_clock_timeout_add (f.clock, 2500, once_cb, &f, NULL);
  tb_clock_timeout_add (f.clock, 1000, repeat_cb, &f, NULL);
  g_assert_cmpuint (tb_clock_get_n_timers (f.clock), ==, 2);
  g_assert_cmpint (tb_clock_get_next_deadline_us (f.clock), ==, 2000 * 1000);

  tb_clock_advance (f.clock, 999 * 1000);
  g_assert_cmpstr (f.log->str, ==, "");
  tb_clock_advance (f.clock, 10 * 1000 * 1000);
  g_assert_cmpstr (f.log->str, ==, "rep@2000;rep@3000;once@3500;rep@4000;");
  g_assert_cmpuint (tb_clock_get_n_timers (f.clock), ==, 0);
  g_assert_cmpint (tb_clock_now_us (f.clock), ==, 11999 * 1000);
  g_assert_false (tb_clock_advance_to_next (f.clock));

  g_string_free (f.log, TRUE);
  g_assert_finalize_object (f.clock);
}

static void
test_clock_remove_from_callback (void)
{
  Fixture f = { 0 };

  f.clock = tb_clock_new_fake (0);
  f.log = g_string_new (NULL);

  tb_clock_timeout_add (f.clock, 10, remover_cb, &f, NULL);
  f.other = tb_clock_timeout_add (f.clock, 20, once_cb, &f, NULL);
  tb_clock_timeout_add (f.clock, 30, once_cb, &f, NULL);
  tb_clock_clear (f.clock, &f.other);  /* cleared twice: the second is a no-op */
  f.other = tb_clock_timeout_add (f.clock, 20, once_cb, &f, NULL);

  g_assert_true (tb_clock_advance_to_next (f.clock));
  g_assert_cmpstr (f.log->str, ==, "remover;");
  g_assert_cmpuint (f.other, ==, 0);
  g_assert_cmpuint (tb_clock_get_n_timers (f.clock), ==, 1);
  tb_clock_remove (f.clock, 9999);  /* unknown ids are ignored */
  g_assert_cmpuint (tb_clock_get_n_timers (f.clock), ==, 1);

  g_string_free (f.log, TRUE);
  g_object_unref (f.clock);
}

static gboolean
quit_cb (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

static void
test_clock_system (void)
{
  g_autoptr(TbClock) clock = tb_clock_new_system ();
  g_autoptr(TbClock) again = tb_clock_new_system ();
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  gint64 before = g_get_real_time ();

  g_assert_true (clock == again);
  g_assert_false (tb_clock_is_fake (clock));
  g_assert_cmpint (tb_clock_now_us (clock), >=, before);
  g_assert_cmpuint (tb_clock_timeout_add (clock, 1, quit_cb, loop, NULL), >, 0);
  g_main_loop_run (loop);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/tulbur/clock/fake-order", test_clock_fake_order);
  g_test_add_func ("/tulbur/clock/remove-from-callback", test_clock_remove_from_callback);
  g_test_add_func ("/tulbur/clock/system", test_clock_system);

  return g_test_run ();
}
