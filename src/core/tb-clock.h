/* tb-clock.h: time and timers, real or fake (for tests)
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* Everything in the services that reads the time or waits (the payment service, the QR
 * watcher, the reconciler, the receipt queue) takes a TbClock. The system clock is the wall
 * clock and GLib timeouts on the thread-default main context. A fake clock stands still until
 * a test moves it with tb_clock_advance(), which runs every timer that falls due, in order of
 * their deadlines: tests of back-off and retry timing then take no real time and no sleeps.
 *
 * now_us() may be called from any thread; timers are added, removed and fired on the thread
 * that owns the main context (the main thread in the app). */

#define TB_TYPE_CLOCK (tb_clock_get_type ())
G_DECLARE_FINAL_TYPE (TbClock, tb_clock, TB, CLOCK, GObject)

/* The shared system clock (a new reference each call). */
TbClock  *tb_clock_new_system       (void);
/* A fake clock standing at @start_us (UTC µs since the epoch). */
TbClock  *tb_clock_new_fake         (gint64          start_us);
gboolean  tb_clock_is_fake          (TbClock        *self);

/* UTC µs since the epoch. */
gint64    tb_clock_now_us           (TbClock        *self);

/* Calls @func after @interval_ms, again every @interval_ms while it returns
 * G_SOURCE_CONTINUE. Returns an id > 0 for tb_clock_remove(). */
guint     tb_clock_timeout_add      (TbClock        *self,
                                     guint           interval_ms,
                                     GSourceFunc     func,
                                     gpointer        data,
                                     GDestroyNotify  notify);
/* Removes a timer that has not finished; 0 is ignored. */
void      tb_clock_remove           (TbClock        *self,
                                     guint           id);
/* tb_clock_remove() and zero the id, like g_clear_handle_id(). */
void      tb_clock_clear            (TbClock        *self,
                                     guint          *id);

/* ---- fake clocks only ---- */
/* Moves time forward by @delta_us, firing each timer as its deadline is passed (time stands
 * at that deadline while it runs). */
void      tb_clock_advance          (TbClock        *self,
                                     gint64          delta_us);
/* Moves time to the next timer's deadline and fires it; FALSE when there is none. */
gboolean  tb_clock_advance_to_next  (TbClock        *self);
/* Timers armed now. */
guint     tb_clock_get_n_timers     (TbClock        *self);
/* The next deadline, or -1 when no timer is armed. */
gint64    tb_clock_get_next_deadline_us (TbClock    *self);

G_END_DECLS
