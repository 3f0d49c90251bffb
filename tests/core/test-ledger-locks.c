/* test-ledger-locks.c: the ledger among other threads and processes
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <fcntl.h>
#include <gio/gio.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/tb-ledger.h"
#include "core/tb-ledger-private.h"
#include "tb-test-utils.h"

/* The parent starts this same program with one of the --child-* modes below. Children and the
 * parent talk through the child's stdin and stdout, one line at a time, so every "while the other
 * process still holds the lock" is an ordering the pipe proves, never a wall-clock guess. */

#define HOLD_LIMIT_MS 5000

/* --child-hold PATH: takes the write lock with plain SQLite, says "locked", and holds it until
 * a line arrives on stdin (exit 0) or HOLD_LIMIT_MS pass (exit 3: nobody released it). */
static int
child_hold (const char *path)
{
  sqlite3 *db = NULL;
  GPollFD in = { 0, G_IO_IN, 0 };
  int rc;

  if (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK ||
      sqlite3_exec (db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
    return 2;
  printf ("locked\n");
  fflush (stdout);

  rc = g_poll (&in, 1, HOLD_LIMIT_MS);
  sqlite3_exec (db, "COMMIT", NULL, NULL, NULL);
  sqlite3_close (db);
  return rc == 1 ? 0 : 3;
}

/* --child-count PATH SQL: prints the integer @SQL returns, read with plain SQLite (like the
 * sqlite3 tool or tulbur-cli), then closes: the last close checkpoints and may delete the WAL. */
static int
child_count (const char *path,
             const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;

  if (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK)
    return 2;
  sqlite3_busy_timeout (db, 5000);
  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) != SQLITE_OK || sqlite3_step (stmt) != SQLITE_ROW)
    return 2;
  printf ("%" G_GINT64_FORMAT "\n", (gint64) sqlite3_column_int64 (stmt, 0));
  sqlite3_finalize (stmt);
  return sqlite3_close (db) == SQLITE_OK ? 0 : 2;
}

/* --child-try-write PATH: prints "locked" if plain SQLite could take the write lock at once,
 * "busy" if another process holds it. */
static int
child_try_write (const char *path)
{
  sqlite3 *db = NULL;
  int rc;

  if (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK)
    return 2;
  rc = sqlite3_exec (db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
  printf ("%s\n", rc == SQLITE_OK ? "locked" : (rc & 0xff) == SQLITE_BUSY ? "busy" : "error");
  sqlite3_close (db);
  return 0;
}

/* --child-settle PATH BILL METHOD AMOUNT TXN: opens the ledger, says "ready", waits for "go" on
 * stdin, settles, and prints "recorded", "duplicate" or "refused <code>". */
static int
child_settle (char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TbLedger) ledger = tb_ledger_open (argv[0], &error);
  TbSettleRequest request = { 0 };
  TbSettleResult result;
  char line[16];

  if (ledger == NULL)
    return 2;
  request.bill_id = g_ascii_strtoll (argv[1], NULL, 10);
  if (!tb_payment_method_from_string (argv[2], &request.method))
    return 2;
  request.amount = g_ascii_strtoll (argv[3], NULL, 10);
  request.provider_txn_id = argv[4];

  printf ("ready\n");
  fflush (stdout);
  if (fgets (line, sizeof line, stdin) == NULL)
    return 2;

  if (!tb_ledger_settle (ledger, &request, &result, &error))
    printf ("refused %d\n", error->code);
  else
    printf ("%s\n", result.already_settled ? "duplicate" : "recorded");
  return 0;
}

typedef struct
{
  GSubprocess      *process;
  GDataInputStream *out;
  GOutputStream    *in;
} Child;

static void
child_start (Child       *child,
             const char **args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;

  g_ptr_array_add (argv, (gpointer) g_getenv ("TULBUR_TEST_SELF"));
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);

  child->process = g_subprocess_newv ((const char * const *) argv->pdata,
                                      G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE,
                                      &error);
  g_assert_no_error (error);
  child->out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (child->process));
  child->in = g_subprocess_get_stdin_pipe (child->process);
}

/* The child's next line (blocking: the child is ours and bounded by its own limits). */
static char *
child_read (Child *child)
{
  g_autoptr(GError) error = NULL;
  char *line = g_data_input_stream_read_line_utf8 (child->out, NULL, NULL, &error);

  g_assert_no_error (error);
  return line;
}

static void
child_say (Child      *child,
           const char *line)
{
  /* A child that already gave up has closed its stdin: the write fails, the test goes on to
   * assert on the child's exit status. */
  g_output_stream_write_all (child->in, line, strlen (line), NULL, NULL, NULL);
  g_output_stream_flush (child->in, NULL, NULL);
}

static int
child_finish (Child *child)
{
  g_autoptr(GError) error = NULL;
  int status;

  g_assert_true (g_subprocess_wait (child->process, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (child->process));
  status = g_subprocess_get_exit_status (child->process);
  g_clear_object (&child->out);
  g_clear_object (&child->process);
  return status;
}

static gint64
new_bill (TbLedger *ledger,
          gint64    price)
{
  g_autoptr(GError) error = NULL;
  TbLineInput line = { "Үзлэг", 1000, price, NULL, TRUE, FALSE };
  gint64 bill_id = 0;

  g_assert_true (tb_ledger_create_bill (ledger, 0, NULL, &bill_id, NULL, &error));
  g_assert_true (tb_ledger_add_line (ledger, bill_id, &line, NULL, &error));
  g_assert_no_error (error);
  return bill_id;
}

/* ---- reads never wait for a writer (#16.1) ------------------------------------------------- */

typedef struct
{
  TbLedger *ledger;
  gint64    bill_id;
  gboolean  ok;
} Writer;

static gpointer
writer_thread (gpointer data)
{
  Writer *writer = data;
  TbLineInput line = { "Эм", 1000, 5000, NULL, TRUE, FALSE };

  writer->ok = tb_ledger_add_line (writer->ledger, writer->bill_id, &line, NULL, NULL);
  return NULL;
}

/* TRUE once some thread holds the ledger's write lock. */
static gboolean
write_lock_taken (TbLedger *ledger)
{
  if (!g_mutex_trylock (&ledger->mutex))
    return TRUE;
  g_mutex_unlock (&ledger->mutex);
  return FALSE;
}

static void
test_reads_never_wait (void)
{
  g_autofree char *dir = tb_test_tmpdir_new ();
  g_autofree char *path = g_build_filename (dir, "ledger.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(TbLedger) ledger = tb_ledger_open (path, &error);
  g_autofree char *said = NULL;
  g_autoptr(TbBill) bill = NULL;
  g_autoptr(GPtrArray) bills = NULL;
  g_autoptr(GPtrArray) audit = NULL;
  const char *args[] = { "--child-hold", path, NULL };
  Writer writer = { ledger, 0, FALSE };
  gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  Child holder;
  GThread *thread;

  g_assert_no_error (error);
  writer.bill_id = new_bill (ledger, 10000);

  /* Another process takes the write lock; a worker's write then waits for it, holding the
   * ledger's write mutex for as long as the busy timeout allows. */
  child_start (&holder, args);
  said = child_read (&holder);
  g_assert_cmpstr (said, ==, "locked");
  thread = g_thread_new ("writer", writer_thread, &writer);
  while (!write_lock_taken (ledger) && g_get_monotonic_time () < deadline)
    g_thread_yield ();
  g_assert_true (write_lock_taken (ledger));

  /* The main thread's reads complete while the other process still holds the lock. */
  bill = tb_ledger_get_bill (ledger, writer.bill_id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (bill->lines->len, ==, 1);
  bills = tb_ledger_list_bills (ledger, TB_BILL_FILTER_ALL, NULL, 0, 50, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (bills->len, ==, 1);
  g_assert_cmpuint (tb_ledger_count_bills (ledger, TB_BILL_FILTER_OPEN, NULL, &error), ==, 1);
  audit = tb_ledger_list_audit (ledger, 10, &error);
  g_assert_no_error (error);

  /* Only now is the other process told to let go: exit 0 says it was still holding. */
  child_say (&holder, "release\n");
  g_assert_cmpint (child_finish (&holder), ==, 0);
  g_thread_join (thread);
  g_assert_true (writer.ok);
  g_clear_pointer (&bill, tb_bill_free);
  bill = tb_ledger_get_bill (ledger, writer.bill_id, &error);
  g_assert_cmpuint (bill->lines->len, ==, 2);

  g_clear_object (&ledger);
  tb_test_tmpdir_free (g_steal_pointer (&dir));
}

/* ---- closing a descriptor of the file keeps SQLite's locks (#16.12) ---------------------- */

/* Opens and closes @path with plain open()/close(), as a file chooser or a thumbnailer does. */
static void
touch_file (const char *path)
{
  int fd = open (path, O_RDONLY | O_CLOEXEC);

  g_assert_cmpint (fd, >=, 0);
  close (fd);
}

/* The inode of the WAL file this process has open, asserting it is still the one on disk. */
static void
assert_own_wal_on_disk (const char *wal_path)
{
  g_autoptr(GDir) fds = g_dir_open ("/proc/self/fd", 0, NULL);
  struct stat on_disk;
  const char *name;
  guint found = 0;

  g_assert_nonnull (fds);
  g_assert_cmpint (stat (wal_path, &on_disk), ==, 0);
  while ((name = g_dir_read_name (fds)) != NULL)
    {
      g_autofree char *link = g_build_filename ("/proc/self/fd", name, NULL);
      g_autofree char *target = g_file_read_link (link, NULL);
      struct stat open_file;

      if (target == NULL || !g_str_has_prefix (target, wal_path))
        continue;
      g_assert_cmpint (fstat (atoi (name), &open_file), ==, 0);
      g_assert_cmpuint (open_file.st_nlink, >, 0);
      g_assert_cmpuint (open_file.st_ino, ==, on_disk.st_ino);
      found++;
    }
  g_assert_cmpuint (found, >, 0);
}

static gint64
count_in_child (const char *path,
                const char *sql)
{
  const char *args[] = { "--child-count", path, sql, NULL };
  g_autofree char *said = NULL;
  Child child;

  child_start (&child, args);
  said = child_read (&child);
  g_assert_cmpint (child_finish (&child), ==, 0);
  g_assert_nonnull (said);
  return g_ascii_strtoll (said, NULL, 10);
}

static char *
try_write_in_child (const char *path)
{
  const char *args[] = { "--child-try-write", path, NULL };
  char *said;
  Child child;

  child_start (&child, args);
  said = child_read (&child);
  g_assert_cmpint (child_finish (&child), ==, 0);
  return said;
}

static void
test_other_process_still_excluded (void)
{
  g_autofree char *dir = tb_test_tmpdir_new ();
  g_autofree char *path = g_build_filename (dir, "ledger.db", NULL);
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(TbLedger) ledger = tb_ledger_open (path, &error);
  g_autofree char *busy = NULL;
  g_autofree char *free_again = NULL;
  sqlite3 *db = NULL;

  /* This process's locks (on its own descriptor) and plain SQLite's POSIX locks in another
   * process still exclude each other, and closing a descriptor here does not let go. */
  g_assert_no_error (error);
  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "BEGIN IMMEDIATE", NULL, NULL, NULL), ==, SQLITE_OK);
  touch_file (path);
  touch_file (shm);   /* WAL mode keeps the write lock in the -shm file */
  busy = try_write_in_child (path);
  g_assert_cmpstr (busy, ==, "busy");
  g_assert_cmpint (sqlite3_exec (db, "COMMIT", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
  free_again = try_write_in_child (path);
  g_assert_cmpstr (free_again, ==, "locked");

  g_clear_object (&ledger);
  tb_test_tmpdir_free (g_steal_pointer (&dir));
}

static void
test_closed_descriptor_keeps_locks (void)
{
  g_autofree char *dir = tb_test_tmpdir_new ();
  g_autofree char *path = g_build_filename (dir, "ledger.db", NULL);
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(TbLedger) ledger = tb_ledger_open (path, &error);

  g_assert_no_error (error);
  for (int i = 0; i < 3; i++)
    new_bill (ledger, 1000 * (i + 1));

  touch_file (path);
  touch_file (wal);
  touch_file (shm);

  /* Another process reads and closes: the close that checkpoints and, if it can take the
   * exclusive lock, deletes the WAL under us. */
  g_assert_cmpint (count_in_child (path, "SELECT COUNT(*) FROM bills"), ==, 3);

  for (int i = 0; i < 2; i++)
    new_bill (ledger, 500);

  g_assert_cmpint (count_in_child (path, "SELECT COUNT(*) FROM bills"), ==, 5);
  g_assert_cmpint (count_in_child (path, "SELECT COUNT(*) FROM bill_lines"), ==, 5);
  assert_own_wal_on_disk (wal);

  g_clear_object (&ledger);
  tb_test_tmpdir_free (g_steal_pointer (&dir));
}

/* ---- several processes settle at the same moment ----------------------------------------- */

/* Starts one --child-settle per key, waits until each has its ledger open, releases them all
 * together and collects what each one said. */
static GPtrArray *
settle_together (const char      *path,
                 gint64           bill_id,
                 TbPaymentMethod  method,
                 gint64           amount,
                 const char     **keys,
                 guint            n_keys)
{
  g_autofree char *bill = g_strdup_printf ("%" G_GINT64_FORMAT, bill_id);
  g_autofree char *money = g_strdup_printf ("%" G_GINT64_FORMAT, amount);
  g_autofree Child *children = g_new0 (Child, n_keys);
  GPtrArray *said = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < n_keys; i++)
    {
      const char *args[] = { "--child-settle", path, bill, tb_payment_method_to_string (method),
                             money, keys[i], NULL };
      g_autofree char *ready = NULL;

      child_start (&children[i], args);
      ready = child_read (&children[i]);
      g_assert_cmpstr (ready, ==, "ready");
    }
  for (guint i = 0; i < n_keys; i++)
    child_say (&children[i], "go\n");
  for (guint i = 0; i < n_keys; i++)
    {
      g_ptr_array_add (said, child_read (&children[i]));
      g_assert_cmpint (child_finish (&children[i]), ==, 0);
    }
  return said;
}

static guint
count_said (GPtrArray  *said,
            const char *prefix)
{
  guint n = 0;

  for (guint i = 0; i < said->len; i++)
    if (said->pdata[i] != NULL && g_str_has_prefix (said->pdata[i], prefix))
      n++;
  return n;
}

static void
assert_bill_sums (const char *path,
                  gint64      bill_id,
                  gint64      n_payments,
                  gint64      paid)
{
  g_autofree char *count = g_strdup_printf ("SELECT COUNT(*) FROM payments WHERE bill_id = %"
                                            G_GINT64_FORMAT, bill_id);
  g_autofree char *sum = g_strdup_printf ("SELECT SUM(amount) FROM payments WHERE bill_id = %"
                                          G_GINT64_FORMAT, bill_id);
  g_autofree char *total = g_strdup_printf ("SELECT paid FROM bills WHERE id = %" G_GINT64_FORMAT
                                            " AND status = 'PAID'", bill_id);

  g_assert_cmpint (tb_test_sql_int (path, count), ==, n_payments);
  g_assert_cmpint (tb_test_sql_int (path, sum), ==, paid);
  g_assert_cmpint (tb_test_sql_int (path, total), ==, paid);
}

static void
test_full_due_race_processes (void)
{
  g_autofree char *dir = tb_test_tmpdir_new ();
  g_autofree char *path = g_build_filename (dir, "ledger.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(TbLedger) ledger = tb_ledger_open (path, &error);

  g_assert_no_error (error);
  for (int round = 0; round < 3; round++)
    {
      gint64 bill_id = new_bill (ledger, 1000000);
      g_auto(GStrv) keys = g_new0 (char *, 7);
      g_autoptr(GPtrArray) said = NULL;

      /* Each desk's own key for its press of Record. */
      for (int i = 0; i < 6; i++)
        keys[i] = g_strdup_printf ("round-%d-desk-%d", round, i);
      said = settle_together (path, bill_id, TB_METHOD_CASH, 1000000, (const char **) keys, 6);
      g_autofree char *state = g_strdup_printf ("refused %d", TB_LEDGER_ERROR_STATE);
      g_autofree char *invalid = g_strdup_printf ("refused %d", TB_LEDGER_ERROR_INVALID);

      /* One desk records it; the five others are told the bill is paid (or owes less). */
      g_assert_cmpuint (count_said (said, "recorded"), ==, 1);
      g_assert_cmpuint (count_said (said, state) + count_said (said, invalid), ==, 5);
      assert_bill_sums (path, bill_id, 1, 1000000);
    }

  g_clear_object (&ledger);
  tb_test_tmpdir_free (g_steal_pointer (&dir));
}

static void
test_provider_payment_two_processes (void)
{
  g_autofree char *dir = tb_test_tmpdir_new ();
  g_autofree char *path = g_build_filename (dir, "ledger.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(TbLedger) ledger = tb_ledger_open (path, &error);
  int rounds = g_test_slow () ? 100 : 25;

  g_assert_no_error (error);
  for (int round = 0; round < rounds; round++)
    {
      gint64 bill_id = new_bill (ledger, 1000000);
      g_autofree char *txn = g_strdup_printf ("4936221501134%02d", round);
      const char *keys[] = { txn, txn };
      g_autoptr(GPtrArray) said = settle_together (path, bill_id, TB_METHOD_QPAY, 1000000,
                                                   keys, G_N_ELEMENTS (keys));
      g_autofree char *receipts = g_strdup_printf ("SELECT COUNT(*) FROM receipts r JOIN payments p "
                                                   "ON p.id = r.payment_id WHERE p.bill_id = %"
                                                   G_GINT64_FORMAT, bill_id);

      /* The app and the CLI both saw QPay's PAID row: recorded once, reported once as a repeat. */
      g_assert_cmpuint (count_said (said, "recorded"), ==, 1);
      g_assert_cmpuint (count_said (said, "duplicate"), ==, 1);
      assert_bill_sums (path, bill_id, 1, 1000000);
      g_assert_cmpint (tb_test_sql_int (path, receipts), ==, 1);
    }

  g_clear_object (&ledger);
  tb_test_tmpdir_free (g_steal_pointer (&dir));
}

int
main (int   argc,
      char *argv[])
{
  if (argc == 3 && g_str_equal (argv[1], "--child-hold"))
    return child_hold (argv[2]);
  if (argc == 4 && g_str_equal (argv[1], "--child-count"))
    return child_count (argv[2], argv[3]);
  if (argc == 3 && g_str_equal (argv[1], "--child-try-write"))
    return child_try_write (argv[2]);
  if (argc == 7 && g_str_equal (argv[1], "--child-settle"))
    return child_settle (argv + 2);

  g_test_init (&argc, &argv, NULL);
  signal (SIGPIPE, SIG_IGN);
  {
    g_autofree char *self_exe = g_canonicalize_filename (argv[0], NULL);
    g_setenv ("TULBUR_TEST_SELF", self_exe, TRUE);
  }

  g_test_add_func ("/tulbur/ledger-locks/reads-never-wait", test_reads_never_wait);
  g_test_add_func ("/tulbur/ledger-locks/closed-descriptor-keeps-locks", test_closed_descriptor_keeps_locks);
  g_test_add_func ("/tulbur/ledger-locks/other-process-still-excluded", test_other_process_still_excluded);
  g_test_add_func ("/tulbur/ledger-locks/full-due-race-processes", test_full_due_race_processes);
  g_test_add_func ("/tulbur/ledger-locks/provider-payment-two-processes", test_provider_payment_two_processes);

  return g_test_run ();
}
