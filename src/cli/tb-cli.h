/* tb-cli.h: what the tulbur-cli commands share
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "core/tb-bill.h"
#include "core/tb-ledger.h"
#include "services/tb-payment-service.h"
#include "services/tb-receipt-queue.h"
#include "services/tb-stack.h"

G_BEGIN_DECLS

/* Exit codes are part of the interface: scripts test them. */
typedef enum
{
  TB_CLI_EXIT_OK    = 0,
  TB_CLI_EXIT_ERROR = 1,   /* the request was understood and refused or failed */
  TB_CLI_EXIT_USAGE = 2,   /* the command line itself is wrong */
} TbCliExit;

#define TB_CLI_ERROR (tb_cli_error_quark ())

typedef enum
{
  TB_CLI_ERROR_USAGE,      /* unknown command, missing argument or option: exit 2 */
  TB_CLI_ERROR_INPUT,      /* a value that cannot be used ("abc" as an amount): exit 1 */
  TB_CLI_ERROR_REFUSED,    /* valid, but not allowed (paying a void bill): exit 1 */
  TB_CLI_ERROR_OUTPUT,     /* stdout or --out could not be written: exit 1 */
  TB_CLI_ERROR_CONFIG,     /* a QPAY_* variable is missing or unusable: exit 1 */
} TbCliError;

typedef struct _TbCli        TbCli;
typedef struct _TbCliCommand TbCliCommand;

/* A command parses its own options with tb_cli_parse_options() (which also understands the
 * global --db and --json) and prints with the tb_cli_* output helpers. @args is a GStrv the
 * caller owns: (*args)[0] is the command's display name ("tulbur-cli bill show"), the rest
 * are its arguments; parsing removes the options from it. */
typedef gboolean (*TbCliRunFunc) (TbCli    *cli,
                                  char   ***args,
                                  GError  **error);

struct _TbCliCommand
{
  const char   *name;              /* "bill show" (group and verb) or "pay" */
  const char   *parameter_string;  /* N_("BILL"), or NULL */
  const char   *summary;           /* N_(): one line for the command list */
  const char   *description;       /* N_(): extra text for COMMAND --help, or NULL */
  TbCliRunFunc  run;
};

struct _TbCli
{
  char               *db_path;     /* --db; NULL = tb_ledger_default_path () */
  gboolean            json;        /* --json */
  TbLedger           *ledger;      /* opened by tb_cli_get_ledger () on first use */
  TbStack            *stack;       /* made by tb_cli_get_stack () on first use */
  const TbCliCommand *command;     /* the command being run */
  GPtrArray          *dumped;      /* set by tb-cli-docs.c: tb_cli_parse_options () adds the
                                    * command's TbCliOptions here and stops the command */
};

/* One option of a command, as its GOptionEntry table has it (for the man page and the
 * bash completion, tb-cli-docs.c). */
typedef struct
{
  char     *long_name;
  char      short_name;
  gboolean  takes_value;
  gboolean  is_file;
  char     *description;       /* untranslated */
  char     *arg_description;   /* untranslated, or NULL */
} TbCliOption;

void        tb_cli_option_free        (TbCliOption        *option);
/* Appends @entries (up to G_OPTION_ENTRY_NULL, hidden ones left out) to @options. */
void        tb_cli_options_add        (GPtrArray          *options,
                                       const GOptionEntry *entries);

/* ---- tb-cli-docs.c ---- */
/* The man page (roff) and the bash completion script, from the command table, the global
 * @entries of main () and each command's own options (run in the dump mode above). */
char       *tb_cli_docs_man           (const GOptionEntry *global_entries);
char       *tb_cli_docs_bash          (const GOptionEntry *global_entries);

GQuark      tb_cli_error_quark        (void);

/* The command table (tulbur-cli.c). */
const TbCliCommand *tb_cli_get_commands (guint *n_commands);

/* ---- tb-cli-common.c ---- */
/* Called first in main (): g_print () and g_printerr () escape control characters, ANSI
 * escapes and bidi overrides (a line break stays a line break); log messages, debug ones
 * included, go to stderr only; no core dumps and, on Linux, not dumpable (no ptrace by the
 * same user), so the secret and tokens stay out of core files. */
void        tb_cli_setup_process      (void);
/* @text with every control character (line breaks too) written as \xNN or \uNNNN: for
 * ledger text (names, descriptions, references) on one line of human-readable output. */
char       *tb_cli_escape             (const char         *text);
void        tb_cli_clear              (TbCli           *cli);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (TbCli, tb_cli_clear)

/* Parses @args in place with the command's @entries (nullable) plus --db/--json; --help
 * prints the command's help and exits 0. Then checks that between @min_args and @max_args
 * positional arguments remain ((*args)[1] …). Errors are usage errors (exit 2). */
gboolean    tb_cli_parse_options      (TbCli              *cli,
                                       const GOptionEntry *entries,
                                       char             ***args,
                                       guint               min_args,
                                       guint               max_args,
                                       GError            **error);
/* A usage error for an option that must be given: "--amount is required". */
gboolean    tb_cli_require_option     (const char         *value,
                                       const char         *long_name,
                                       GError            **error);
TbLedger   *tb_cli_get_ledger         (TbCli              *cli,
                                       GError            **error);
/* Looks up BILL (a number, or "#number") and loads it with lines and payments. */
TbBill     *tb_cli_load_bill          (TbCli              *cli,
                                       const char         *number,
                                       GError            **error);
/* Text from the command line: valid UTF-8, trimmed; NULL (no error) when @text is NULL or
 * blank and @allow_blank, an input error when blank and not allowed or longer than @max_bytes. */
gboolean    tb_cli_clean_text         (const char         *text,
                                       const char         *what,
                                       gboolean            allow_blank,
                                       gsize               max_bytes,
                                       char              **out,
                                       GError            **error);
/* A positive decimal id ("12"). */
gboolean    tb_cli_parse_id           (const char         *text,
                                       const char         *what,
                                       gint64             *out_id,
                                       GError            **error);
/* YYYY-MM-DD in local time → UTC µs of that day's local midnight. @end_of_day: the
 * midnight that ends the day instead (for an inclusive --to). */
gboolean    tb_cli_parse_local_date   (const char         *text,
                                       gboolean            end_of_day,
                                       gint64             *out_us,
                                       GError            **error);

/* ---- tb-cli-output.c ---- */
/* Prints @root pretty-printed (2-space indent) with a final newline. */
void        tb_cli_print_json         (JsonNode           *root);
/* "2026-03-01T04:05:06Z" */
char       *tb_cli_format_utc         (gint64              us);
/* "2026-03-01 12:05" in local time */
char       *tb_cli_format_local       (gint64              us);
/* @text padded with spaces to @width characters (not bytes); right-aligned if @right. */
char       *tb_cli_pad                (const char         *text,
                                       guint               width,
                                       gboolean            right);
/* The bill as a JSON object: see `tulbur-cli bill show --help`. Lines and payments are
 * included when the bill has them. Never a phone number or TIN. */
void        tb_cli_build_bill         (JsonBuilder        *builder,
                                       const TbBill       *bill);
void        tb_cli_print_bill         (const TbBill       *bill);

/* A table with a header row: @rows holds GStrv rows of @n_columns cells; columns are padded
 * to their widest cell (right-aligned where @right is TRUE), two spaces apart, and the last
 * column is not padded, so no line ends in blanks. */
void        tb_cli_print_table        (GPtrArray          *rows,
                                       const gboolean     *right,
                                       guint               n_columns);

/* JSON members: a string or null (@value NULL), an integer, a time as ISO 8601 UTC or null
 * (@us 0 = unknown). */
void        tb_cli_json_add_string    (JsonBuilder        *builder,
                                       const char         *member,
                                       const char         *value);
void        tb_cli_json_add_int       (JsonBuilder        *builder,
                                       const char         *member,
                                       gint64              value);
void        tb_cli_json_add_time      (JsonBuilder        *builder,
                                       const char         *member,
                                       gint64              us);

/* ---- tb-cli-service.c ---- */
/* The services stack (tb-stack.h) on the ledger, configured from the QPAY_* variables by
 * tb_stack_config_load_env (): a missing or unusable variable is an error that names it (never
 * its value when it is the secret), reported before the ledger is opened. QPAY_EBARIMT_ENABLED
 * (1/true/yes or 0/false/no; default off) switches receipts on, and the service then queues a
 * receipt for each settled QPay payment instead of recording it SKIPPED. */
TbStack          *tb_cli_get_stack           (TbCli   *cli,
                                              GError **error);
/* The stack's payment service and receipt queue. */
TbPaymentService *tb_cli_get_payment_service (TbCli   *cli,
                                              GError **error);
TbReceiptQueue   *tb_cli_get_receipt_queue   (TbCli   *cli,
                                              GError **error);
/* Issues every receipt that is due now, when receipts are switched on; with them off it
 * does nothing (it never turns waiting receipts into SKIPPED ones). @out_stats may be NULL. */
gboolean    tb_cli_issue_receipts     (TbCli              *cli,
                                       TbReceiptStats     *out_stats,
                                       GError            **error);
/* A GAsyncReadyCallback that stores a reference to the result in the GAsyncResult* that
 * @user_data points to, for tb_cli_wait (). */
void        tb_cli_store_result       (GObject            *source,
                                       GAsyncResult       *result,
                                       gpointer            user_data);
/* Iterates the default main context until *@slot is set by tb_cli_store_result (). */
void        tb_cli_wait               (GAsyncResult      **slot);

/* ---- the commands ---- */
gboolean    tb_cli_audit_verify       (TbCli    *cli,
                                       char   ***args,
                                       GError  **error);
gboolean    tb_cli_customer_add       (TbCli    *cli,
                                       char   ***args,
                                       GError  **error);
gboolean    tb_cli_bill_new           (TbCli    *cli,
                                       char   ***args,
                                       GError  **error);
gboolean    tb_cli_bill_add_line      (TbCli    *cli,
                                       char   ***args,
                                       GError  **error);
gboolean    tb_cli_bill_show          (TbCli    *cli,
                                       char   ***args,
                                       GError  **error);
gboolean    tb_cli_bill_list          (TbCli    *cli,
                                       char   ***args,
                                       GError  **error);
gboolean    tb_cli_pay                (TbCli    *cli,
                                       char   ***args,
                                       GError  **error);
gboolean    tb_cli_key_export         (TbCli    *cli,
                                       char   ***args,
                                       GError  **error);
gboolean    tb_cli_key_import         (TbCli    *cli,
                                       char   ***args,
                                       GError  **error);
gboolean    tb_cli_export_csv         (TbCli    *cli,
                                       char   ***args,
                                       GError  **error);
gboolean    tb_cli_qpay_invoice       (TbCli    *cli,
                                       char   ***args,
                                       GError  **error);
gboolean    tb_cli_qpay_check         (TbCli    *cli,
                                       char   ***args,
                                       GError  **error);
gboolean    tb_cli_qpay_cancel        (TbCli    *cli,
                                       char   ***args,
                                       GError  **error);
gboolean    tb_cli_qpay_list          (TbCli    *cli,
                                       char   ***args,
                                       GError  **error);
gboolean    tb_cli_reconcile          (TbCli    *cli,
                                       char   ***args,
                                       GError  **error);
gboolean    tb_cli_receipt_show       (TbCli    *cli,
                                       char   ***args,
                                       GError  **error);
gboolean    tb_cli_receipt_retry      (TbCli    *cli,
                                       char   ***args,
                                       GError  **error);
gboolean    tb_cli_receipt_pdf        (TbCli    *cli,
                                       char   ***args,
                                       GError  **error);
gboolean    tb_cli_receipts_list      (TbCli    *cli,
                                       char   ***args,
                                       GError  **error);

G_END_DECLS
