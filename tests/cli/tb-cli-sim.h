/* tb-cli-sim.h: tulbur-cli and tulbur-sim as child processes, for the qpay tests
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* The simulator: `$TULBUR_SIM` in its own process, driven over HTTP through its /sim control
 * endpoints, exactly as a second station would. */
typedef struct _TbCliSim TbCliSim;

TbCliSim   *tb_cli_sim_start        (void);
/* SIGTERM, then waits for a clean exit. */
void        tb_cli_sim_stop         (TbCliSim    *sim);
const char *tb_cli_sim_get_url      (TbCliSim    *sim);
/* @method @path with @body (JSON text, or NULL); asserts a 2xx answer and returns its JSON
 * (NULL for an empty body). Blocks: fine in a test, the server is another process. */
JsonNode   *tb_cli_sim_call         (TbCliSim    *sim,
                                     const char  *method,
                                     const char  *path,
                                     const char  *body);
/* POST /sim/invoices/{id}/pay: @amount in minor units (whole tögrög), 0 = what is still due.
 * Returns the new payment id. */
char       *tb_cli_sim_pay          (TbCliSim    *sim,
                                     const char  *invoice_id,
                                     gint64       amount);
/* GET /sim/invoices → the "invoices" array (newest first), owned by the returned node. */
JsonNode   *tb_cli_sim_invoices     (TbCliSim    *sim);
/* A decimal amount the simulator sent ("12500.00") in minor units. */
gint64      tb_cli_sim_money        (JsonObject  *object,
                                     const char  *member);

/* One finished tulbur-cli run. */
typedef struct
{
  int    status;      /* exit code; -1 when killed by a signal */
  int    signal;      /* the signal that ended it, or 0 */
  char  *out;
  char  *err;
} TbCliRun;

void        tb_cli_run_free         (TbCliRun    *run);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TbCliRun, tb_cli_run_free)

/* A launcher for tulbur-cli: TULBUR_DB unset, XDG_DATA_HOME in @tmpdir, the QPAY_* variables
 * for @sim (when not NULL), then @env (KEY, VALUE pairs; a NULL VALUE unsets KEY). */
GSubprocessLauncher *tb_cli_launcher_new (const char          *tmpdir,
                                          TbCliSim            *sim,
                                          const char * const  *env);
/* `tulbur-cli --db @db ARGV…` (no --db when @db is NULL) started with @launcher. */
GSubprocess *tb_cli_spawn           (GSubprocessLauncher *launcher,
                                     const char          *db,
                                     const char * const  *argv);
/* Reads the outputs of @process to the end and reaps it. */
TbCliRun    *tb_cli_collect         (GSubprocess         *process);
/* Spawn and collect. */
TbCliRun    *tb_cli_run             (GSubprocessLauncher *launcher,
                                     const char          *db,
                                     const char * const  *argv);

JsonNode    *tb_cli_parse_json      (const char          *text);

/* Asserts that @run exited 0 with nothing on stderr. */
#define tb_cli_assert_ok(run) \
  G_STMT_START { \
    if ((run)->status != 0) \
      g_error ("expected exit 0, got %d (signal %d); stdout: %s; stderr: %s", \
               (run)->status, (run)->signal, (run)->out, (run)->err); \
    g_assert_cmpstr ((run)->err, ==, ""); \
  } G_STMT_END

/* A refused request: exit 1, one message on stderr, nothing on stdout. */
#define tb_cli_assert_error(run) \
  G_STMT_START { \
    if ((run)->status != 1) \
      g_error ("expected exit 1, got %d; stdout: %s; stderr: %s", \
               (run)->status, (run)->out, (run)->err); \
    g_assert_true (g_str_has_prefix ((run)->err, "tulbur-cli: ")); \
    g_assert_cmpuint (strlen ((run)->err), >, strlen ("tulbur-cli: \n")); \
    g_assert_cmpstr ((run)->out, ==, ""); \
  } G_STMT_END

G_END_DECLS
