/* tb-test-utils.h: helpers shared by the test programs
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A fresh temporary directory, removed (recursively) by tb_test_tmpdir_free. */
char     *tb_test_tmpdir_new  (void);
void      tb_test_tmpdir_free (char *path);

/* Spins the default main context until *flag is TRUE or @timeout_ms pass; returns *flag. */
gboolean  tb_test_wait_for    (const gboolean *flag,
                               guint           timeout_ms);

/* The first column of the first row of @sql, run on its own connection to @db_path (so it sees
 * only what was committed); -1 when there is no row. */
gint64    tb_test_sql_int     (const char     *db_path,
                               const char     *sql);

/* Drops the caller's reference on @object and waits (running the default main context) until it
 * is finalized: a worker thread drops its last reference on a GTask, and so on the task's source
 * object, just after the task's callback ran. Fails the test after 5 s. */
void      tb_test_release_and_wait (gpointer   object);

G_END_DECLS
