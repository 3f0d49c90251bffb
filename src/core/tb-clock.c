/* tb-clock.c: time and timers, real or fake (for tests)
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "tb-clock.h"

typedef struct
{
  guint           id;
  gint64          deadline_us;
  guint           interval_ms;
  GSourceFunc     func;
  gpointer        data;
  GDestroyNotify  notify;
} Timer;

struct _TbClock
{
  GObject   parent_instance;

  gboolean  fake;
  GMutex    mutex;
  gint64    now_us;      /* fake clocks only */
  GList    *timers;      /* Timer*, sorted by deadline then id; fake clocks only */
  guint     last_id;
};

G_DEFINE_FINAL_TYPE (TbClock, tb_clock, G_TYPE_OBJECT)

static void
timer_free (Timer *timer)
{
  if (timer->notify != NULL)
    timer->notify (timer->data);
  g_free (timer);
}

static int
timer_compare (gconstpointer a,
               gconstpointer b)
{
  const Timer *ta = a;
  const Timer *tb = b;

  if (ta->deadline_us != tb->deadline_us)
    return ta->deadline_us < tb->deadline_us ? -1 : 1;
  return ta->id < tb->id ? -1 : (ta->id > tb->id);
}

static void
tb_clock_finalize (GObject *object)
{
  TbClock *self = TB_CLOCK (object);

  g_list_free_full (self->timers, (GDestroyNotify) timer_free);
  g_mutex_clear (&self->mutex);

  G_OBJECT_CLASS (tb_clock_parent_class)->finalize (object);
}

static void
tb_clock_class_init (TbClockClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = tb_clock_finalize;
}

static void
tb_clock_init (TbClock *self)
{
  g_mutex_init (&self->mutex);
}

TbClock *
tb_clock_new_system (void)
{
  static gsize system_clock;

  if (g_once_init_enter (&system_clock))
    {
      /* Lives for the process; never finalized. */
      TbClock *clock = g_object_new (TB_TYPE_CLOCK, NULL);

      g_once_init_leave (&system_clock, (gsize) clock);
    }
  return g_object_ref ((TbClock *) system_clock);
}

TbClock *
tb_clock_new_fake (gint64 start_us)
{
  TbClock *self = g_object_new (TB_TYPE_CLOCK, NULL);

  self->fake = TRUE;
  self->now_us = start_us;
  return self;
}

gboolean
tb_clock_is_fake (TbClock *self)
{
  g_return_val_if_fail (TB_IS_CLOCK (self), FALSE);
  return self->fake;
}

gint64
tb_clock_now_us (TbClock *self)
{
  gint64 now;

  g_return_val_if_fail (TB_IS_CLOCK (self), 0);

  if (!self->fake)
    return g_get_real_time ();

  g_mutex_lock (&self->mutex);
  now = self->now_us;
  g_mutex_unlock (&self->mutex);
  return now;
}

guint
tb_clock_timeout_add (TbClock        *self,
                      guint           interval_ms,
                      GSourceFunc     func,
                      gpointer        data,
                      GDestroyNotify  notify)
{
  Timer *timer;
  guint id;

  g_return_val_if_fail (TB_IS_CLOCK (self), 0);
  g_return_val_if_fail (func != NULL, 0);

  if (!self->fake)
    return g_timeout_add_full (G_PRIORITY_DEFAULT, interval_ms, func, data, notify);

  timer = g_new0 (Timer, 1);
  timer->interval_ms = interval_ms;
  timer->func = func;
  timer->data = data;
  timer->notify = notify;

  g_mutex_lock (&self->mutex);
  id = timer->id = ++self->last_id;
  timer->deadline_us = self->now_us + (gint64) interval_ms * 1000;
  self->timers = g_list_insert_sorted (self->timers, timer, timer_compare);
  g_mutex_unlock (&self->mutex);

  return id;
}

void
tb_clock_remove (TbClock *self,
                 guint    id)
{
  Timer *found = NULL;

  g_return_if_fail (TB_IS_CLOCK (self));

  if (id == 0)
    return;

  if (!self->fake)
    {
      g_source_remove (id);
      return;
    }

  g_mutex_lock (&self->mutex);
  for (GList *l = self->timers; l != NULL; l = l->next)
    {
      Timer *timer = l->data;

      if (timer->id == id)
        {
          found = timer;
          self->timers = g_list_delete_link (self->timers, l);
          break;
        }
    }
  g_mutex_unlock (&self->mutex);

  /* Removing a timer from inside its own callback is allowed: it is not in the list then,
   * and fire_next() frees it after the callback returns. */
  if (found != NULL)
    timer_free (found);
}

void
tb_clock_clear (TbClock *self,
                guint   *id)
{
  g_return_if_fail (id != NULL);

  if (*id != 0)
    {
      guint old = *id;

      *id = 0;
      tb_clock_remove (self, old);
    }
}

/* Fires the first timer due at or before @limit_us; FALSE when there is none. */
static gboolean
fire_next (TbClock *self,
           gint64   limit_us)
{
  Timer *timer;
  gboolean again;

  g_mutex_lock (&self->mutex);
  if (self->timers == NULL || ((Timer *) self->timers->data)->deadline_us > limit_us)
    {
      g_mutex_unlock (&self->mutex);
      return FALSE;
    }
  timer = self->timers->data;
  self->timers = g_list_delete_link (self->timers, self->timers);
  if (timer->deadline_us > self->now_us)
    self->now_us = timer->deadline_us;
  g_mutex_unlock (&self->mutex);

  again = timer->func (timer->data);

  if (again == G_SOURCE_CONTINUE)
    {
      g_mutex_lock (&self->mutex);
      timer->deadline_us = self->now_us + (gint64) timer->interval_ms * 1000;
      self->timers = g_list_insert_sorted (self->timers, timer, timer_compare);
      g_mutex_unlock (&self->mutex);
    }
  else
    {
      timer_free (timer);
    }
  return TRUE;
}

void
tb_clock_advance (TbClock *self,
                  gint64   delta_us)
{
  gint64 target;

  g_return_if_fail (TB_IS_CLOCK (self));
  g_return_if_fail (self->fake);
  g_return_if_fail (delta_us >= 0);

  g_mutex_lock (&self->mutex);
  target = self->now_us + delta_us;
  g_mutex_unlock (&self->mutex);

  while (fire_next (self, target))
    ;

  g_mutex_lock (&self->mutex);
  if (self->now_us < target)
    self->now_us = target;
  g_mutex_unlock (&self->mutex);
}

gboolean
tb_clock_advance_to_next (TbClock *self)
{
  g_return_val_if_fail (TB_IS_CLOCK (self), FALSE);
  g_return_val_if_fail (self->fake, FALSE);

  return fire_next (self, G_MAXINT64);
}

guint
tb_clock_get_n_timers (TbClock *self)
{
  guint n;

  g_return_val_if_fail (TB_IS_CLOCK (self), 0);

  g_mutex_lock (&self->mutex);
  n = g_list_length (self->timers);
  g_mutex_unlock (&self->mutex);
  return n;
}

gint64
tb_clock_get_next_deadline_us (TbClock *self)
{
  gint64 deadline;

  g_return_val_if_fail (TB_IS_CLOCK (self), -1);

  g_mutex_lock (&self->mutex);
  deadline = self->timers != NULL ? ((Timer *) self->timers->data)->deadline_us : -1;
  g_mutex_unlock (&self->mutex);
  return deadline;
}
