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

G_END_DECLS
