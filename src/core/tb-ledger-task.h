/* tb-ledger-task.h: run one ledger call in a worker thread (GTK-free)
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "core/tb-ledger.h"

G_BEGIN_DECLS

/* Ledger writes wait for fsync, so the UI never runs them on the main loop. An "op" is a
 * small struct the caller owns the type of: inputs in, outputs filled by @func in the worker
 * thread, read back in the callback with tb_ledger_task_get_op(). @func must only touch the
 * ledger and the op (no GTK). */
typedef gboolean (*TbLedgerTaskFunc) (TbLedger  *ledger,
                                  gpointer   op,
                                  GError   **error);

void      tb_ledger_task_run      (TbLedger            *ledger,
                               gpointer             source_object,
                               TbLedgerTaskFunc         func,
                               gpointer             op,
                               GDestroyNotify       op_free,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data);
/* FALSE with @error set when the op failed or the caller's cancellable was cancelled (the
 * write itself may still have happened: ledger writes are never half done, and callers
 * reload from the ledger). */
gboolean  tb_ledger_task_finish   (GAsyncResult        *result,
                               GError             **error);
gpointer  tb_ledger_task_get_op   (GAsyncResult        *result);

G_END_DECLS
