/* tb-ledger-task.c: run one ledger write in a worker thread
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "tb-ledger-task.h"

typedef struct
{
  TbLedger       *ledger;
  TbLedgerTaskFunc    func;
  gpointer        op;
  GDestroyNotify  op_free;
  GApplication   *application;
} TaskData;

static void
task_data_free (TaskData *data)
{
  if (data->op_free != NULL && data->op != NULL)
    data->op_free (data->op);
  g_clear_object (&data->ledger);
  /* Released only once the write has finished, so quitting the app waits for it. */
  if (data->application != NULL)
    g_application_release (data->application);
  g_clear_object (&data->application);
  g_free (data);
}

static void
run_in_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  TaskData *data = task_data;
  g_autoptr(GError) error = NULL;

  /* Not cancellable once started: a ledger write is one transaction and is either done
   * completely or not at all. A cancelled caller simply ignores the result. */
  if (!data->func (data->ledger, data->op, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

void
tb_ledger_task_run (TbLedger            *ledger,
                gpointer             source_object,
                TbLedgerTaskFunc         func,
                gpointer             op,
                GDestroyNotify       op_free,
                GCancellable        *cancellable,
                GAsyncReadyCallback  callback,
                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  TaskData *data;

  g_return_if_fail (TB_IS_LEDGER (ledger));
  g_return_if_fail (func != NULL);

  data = g_new0 (TaskData, 1);
  data->ledger = g_object_ref (ledger);
  data->func = func;
  data->op = op;
  data->op_free = op_free;
  data->application = g_application_get_default ();
  if (data->application != NULL)
    {
      g_object_ref (data->application);
      g_application_hold (data->application);
    }

  task = g_task_new (source_object, cancellable, callback, user_data);
  g_task_set_source_tag (task, tb_ledger_task_run);
  g_task_set_task_data (task, data, (GDestroyNotify) task_data_free);
  g_task_run_in_thread (task, run_in_thread);
}

gboolean
tb_ledger_task_finish (GAsyncResult  *result,
                   GError       **error)
{
  g_return_val_if_fail (G_IS_TASK (result), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == tb_ledger_task_run, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

gpointer
tb_ledger_task_get_op (GAsyncResult *result)
{
  TaskData *data;

  g_return_val_if_fail (G_IS_TASK (result), NULL);

  data = g_task_get_task_data (G_TASK (result));
  return data != NULL ? data->op : NULL;
}
