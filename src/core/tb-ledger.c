/* tb-ledger.c: opening the SQLite ledger, its connection, statements, migrations, transactions
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "tb-core-resources.h"
#include "tb-ledger-private.h"

/* docs/ledger.md, docs/data-flow.md. The rules this file keeps:
 * - every change is one BEGIN IMMEDIATE transaction, with its audit row inside it;
 * - a payment is looked up by (method, provider_txn_id) inside that transaction before it is
 *   inserted, so the same provider payment settles once however often it is reported;
 * - payments and audit rows are append-only, and the audit log is a hash chain over itself
 *   and the payments it records (006-book.sql, tb-ledger-chain.c);
 * - WAL + synchronous=FULL: a committed payment survives a crash or power loss, and a crash at
 *   any point leaves either the whole settlement or none of it. */

G_DEFINE_FINAL_TYPE (TbLedger, tb_ledger, G_TYPE_OBJECT)
G_DEFINE_QUARK (tb-ledger-error-quark, tb_ledger_error)

/* Writes wait this long for another process's write lock before reporting BUSY. */
#define BUSY_TIMEOUT_MS 10000
/* Reads never wait for a writer; this only covers a WAL index being rebuilt. */
#define READ_BUSY_TIMEOUT_MS 200

static const char *migrations[] = {
  "/io/github/tulbur/Tulbur/sql/001-initial.sql",
  "/io/github/tulbur/Tulbur/sql/002-receipts.sql",
  "/io/github/tulbur/Tulbur/sql/003-open-index.sql",
  "/io/github/tulbur/Tulbur/sql/004-intent-invoices.sql",
  "/io/github/tulbur/Tulbur/sql/005-key-check.sql",
  "/io/github/tulbur/Tulbur/sql/006-book.sql",
};

/* The migration that starts the audit hash chain (its C part, _tb_ledger_chain_backfill, runs
 * right after its script). */
static guint
chain_migration (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (migrations); i++)
    if (g_str_has_suffix (migrations[i], "-book.sql"))
      return i;
  g_assert_not_reached ();
}

gint64
_tb_ledger_now_us (void)
{
  return g_get_real_time ();
}

static sqlite3 *
conn_db (TbLedger     *self,
         TbLedgerConn  conn)
{
  return conn == TB_LEDGER_READER ? self->read_db : self->db;
}

gboolean
_tb_ledger_conn_fail (TbLedger      *self,
                      TbLedgerConn   conn,
                      GError       **error,
                      const char    *what)
{
  sqlite3 *db = conn_db (self, conn);
  int code = sqlite3_extended_errcode (db);
  int primary = code & 0xff;

  /* The SQLite message goes to the log for support; the user gets a translated sentence. */
  g_warning ("%s failed: %s (%d)", what, sqlite3_errmsg (db), code);

  if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED)
    g_set_error_literal (error, TB_LEDGER_ERROR, TB_LEDGER_ERROR_BUSY,
                         _("The ledger is busy in another window or program. Try again."));
  else if (primary == SQLITE_FULL)
    g_set_error_literal (error, TB_LEDGER_ERROR, TB_LEDGER_ERROR_FAILED,
                         _("The disk is full. Free some space, then try again."));
  else if (primary == SQLITE_CONSTRAINT)
    g_set_error_literal (error, TB_LEDGER_ERROR, TB_LEDGER_ERROR_INVALID,
                         _("The ledger refused the change because it would break its rules."));
  else if (conn == TB_LEDGER_READER)
    g_set_error (error, TB_LEDGER_ERROR, TB_LEDGER_ERROR_FAILED,
                 _("The ledger could not be read (%s)."), sqlite3_errstr (code));
  else
    g_set_error (error, TB_LEDGER_ERROR, TB_LEDGER_ERROR_FAILED,
                 _("The ledger could not be written (%s). Nothing was changed."),
                 sqlite3_errstr (code));
  return FALSE;
}

gboolean
_tb_ledger_fail (TbLedger    *self,
                 GError     **error,
                 const char  *what)
{
  return _tb_ledger_conn_fail (self, TB_LEDGER_WRITER, error, what);
}

gboolean
_tb_ledger_read_fail (TbLedger    *self,
                      GError     **error,
                      const char  *what)
{
  return _tb_ledger_conn_fail (self, TB_LEDGER_READER, error, what);
}

sqlite3_stmt *
_tb_ledger_conn_stmt (TbLedger      *self,
                      TbLedgerConn   conn,
                      const char    *sql,
                      GError       **error)
{
  GHashTable *statements = conn == TB_LEDGER_READER ? self->read_statements : self->statements;
  sqlite3_stmt *stmt = g_hash_table_lookup (statements, sql);

  if (stmt != NULL)
    {
      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
      return stmt;
    }

  if (sqlite3_prepare_v3 (conn_db (self, conn), sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL) != SQLITE_OK)
    {
      _tb_ledger_conn_fail (self, conn, error, "prepare");
      return NULL;
    }

  g_hash_table_insert (statements, (gpointer) sql, stmt);
  return stmt;
}

sqlite3_stmt *
_tb_ledger_stmt (TbLedger    *self,
                 const char  *sql,
                 GError     **error)
{
  return _tb_ledger_conn_stmt (self, TB_LEDGER_WRITER, sql, error);
}

sqlite3_stmt *
_tb_ledger_read_stmt (TbLedger    *self,
                      const char  *sql,
                      GError     **error)
{
  return _tb_ledger_conn_stmt (self, TB_LEDGER_READER, sql, error);
}

/* A read transaction on the read connection: several SELECTs see one snapshot. In WAL mode it
 * never waits for a writer. */
gboolean
_tb_ledger_read_begin (TbLedger  *self,
                       GError   **error)
{
  if (sqlite3_exec (self->read_db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
    return _tb_ledger_read_fail (self, error, "BEGIN");
  return TRUE;
}

void
_tb_ledger_read_end (TbLedger *self)
{
  if (!sqlite3_get_autocommit (self->read_db))
    sqlite3_exec (self->read_db, "ROLLBACK", NULL, NULL, NULL);
}

/* Runs @sql (no parameters) on the write connection. */
static gboolean
exec_simple (TbLedger    *self,
             const char  *sql,
             GError     **error)
{
  if (sqlite3_exec (self->db, sql, NULL, NULL, NULL) != SQLITE_OK)
    return _tb_ledger_fail (self, error, sql);
  return TRUE;
}

gboolean
_tb_ledger_begin (TbLedger  *self,
                  GError   **error)
{
  return exec_simple (self, "BEGIN IMMEDIATE", error);
}

gboolean
_tb_ledger_commit (TbLedger  *self,
                   GError   **error)
{
  if (sqlite3_exec (self->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
    {
      _tb_ledger_fail (self, error, "COMMIT");
      _tb_ledger_rollback (self);
      return FALSE;
    }
  return TRUE;
}

void
_tb_ledger_rollback (TbLedger *self)
{
  if (!sqlite3_get_autocommit (self->db))
    sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
}

gboolean
_tb_ledger_write (TbLedger           *self,
                  TbLedgerWriteFunc   func,
                  gpointer            data,
                  GError            **error)
{
  TB_LEDGER_LOCK (self);

  if (!_tb_ledger_begin (self, error))
    return FALSE;
  if (!func (self, data, error))
    {
      _tb_ledger_rollback (self);
      return FALSE;
    }
  return _tb_ledger_commit (self, error);
}

void
_tb_ledger_bind_text (sqlite3_stmt *stmt,
                      int           index,
                      const char   *text)
{
  if (text == NULL)
    sqlite3_bind_null (stmt, index);
  else
    sqlite3_bind_text (stmt, index, text, -1, SQLITE_TRANSIENT);
}

char *
_tb_ledger_column_text (sqlite3_stmt *stmt,
                        int           column)
{
  const unsigned char *text = sqlite3_column_text (stmt, column);

  return text != NULL ? g_strdup ((const char *) text) : NULL;
}


static void
tb_ledger_finalize (GObject *object)
{
  TbLedger *self = (TbLedger *) object;

  g_clear_pointer (&self->read_statements, g_hash_table_unref);
  g_clear_pointer (&self->statements, g_hash_table_unref);
  if (self->read_db != NULL)
    sqlite3_close_v2 (self->read_db);
  if (self->db != NULL)
    sqlite3_close_v2 (self->db);
  g_clear_pointer (&self->seal, tb_seal_free);
  g_clear_pointer (&self->path, g_free);
  g_clear_pointer (&self->actor, g_free);
  g_mutex_clear (&self->mutex);
  g_mutex_clear (&self->read_mutex);

  G_OBJECT_CLASS (tb_ledger_parent_class)->finalize (object);
}

static void
tb_ledger_class_init (TbLedgerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = tb_ledger_finalize;
}

static void
tb_ledger_init (TbLedger *self)
{
  g_mutex_init (&self->mutex);
  g_mutex_init (&self->read_mutex);
  self->statements = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) sqlite3_finalize);
  self->read_statements = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) sqlite3_finalize);
  self->actor = g_strdup (g_get_user_name ());
}

char *
tb_ledger_default_path (void)
{
  const char *env = g_getenv ("TULBUR_DB");

  if (env != NULL && *env != '\0')
    return g_strdup (env);

  /* Keep it in $XDG_DATA_HOME (~/.local/share): file choosers and thumbnailers do not wander
   * into that hidden folder on their own, so they rarely open (and close) the ledger's files.
   * Closing one no longer drops SQLite's locks (tb-ledger-lock.c); still, best left alone. */
  return g_build_filename (g_get_user_data_dir (), "tulbur", "tulbur.db", NULL);
}

static gboolean
ensure_private_file (const char  *path,
                     GError     **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  int fd;

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;

      g_set_error (error, TB_LEDGER_ERROR, TB_LEDGER_ERROR_OPEN,
                   _("Could not create the folder “%s”: %s"), dir, g_strerror (saved));
      return FALSE;
    }

  /* Create the file ourselves so it is 0600 from its first byte: SQLite would use the umask,
   * and its -wal and -shm files copy the main file's permissions. */
  fd = g_open (path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      int saved = errno;

      g_set_error (error, TB_LEDGER_ERROR, TB_LEDGER_ERROR_OPEN,
                   _("Could not open the ledger “%s”: %s"), path, g_strerror (saved));
      return FALSE;
    }
  close (fd);
  return TRUE;
}

static gboolean
read_user_version (TbLedger  *self,
                   int       *out_version,
                   GError   **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  if (sqlite3_prepare_v2 (self->db, "PRAGMA user_version", -1, &stmt, NULL) != SQLITE_OK)
    return _tb_ledger_fail (self, error, "user_version");
  rc = sqlite3_step (stmt);
  *out_version = rc == SQLITE_ROW ? sqlite3_column_int (stmt, 0) : 0;
  sqlite3_finalize (stmt);
  if (rc != SQLITE_ROW)
    return _tb_ledger_fail (self, error, "user_version");
  return TRUE;
}

/* Migration number *@data + 1, inside its own transaction: a crash mid-migration leaves the
 * previous version. The version is read again inside the transaction, so when several
 * processes open a new or older ledger at once, each step runs exactly once. */
static gboolean
migrate_step (TbLedger  *self,
              gpointer   data,
              GError   **error)
{
  guint i = *(const guint *) data;
  g_autoptr(GBytes) sql = NULL;
  g_autofree char *script = NULL;
  g_autofree char *pragma = NULL;
  int version;

  if (!read_user_version (self, &version, error))
    return FALSE;
  self->audit_chained = version > (int) chain_migration ();
  if (version > (int) i)
    return TRUE;

  /* Looked up in our own bundle: a static library drops the auto-registering constructor of
   * an unreferenced resource object. */
  sql = g_resource_lookup_data (tb_core_get_resource (), migrations[i],
                                G_RESOURCE_LOOKUP_FLAGS_NONE, error);
  if (sql == NULL)
    return FALSE;

  script = g_strndup (g_bytes_get_data (sql, NULL), g_bytes_get_size (sql));
  pragma = g_strdup_printf ("PRAGMA user_version = %u", i + 1);
  if (!exec_simple (self, script, error) || !exec_simple (self, pragma, error))
    return FALSE;
  if (i == chain_migration ())
    {
      if (!_tb_ledger_chain_backfill (self, error))
        return FALSE;
      self->audit_chained = TRUE;
    }
  return _tb_ledger_audit (self, "ledger.migrate", "ledger", i + 1, NULL, error);
}

static gboolean
migrate (TbLedger  *self,
         GError   **error)
{
  int version = 0;

  if (!read_user_version (self, &version, error))
    return FALSE;

  if (version > (int) G_N_ELEMENTS (migrations))
    {
      g_set_error (error, TB_LEDGER_ERROR, TB_LEDGER_ERROR_TOO_NEW,
                   _("The ledger “%s” was written by a newer version of Tulbur. Update Tulbur to open it."),
                   self->path);
      return FALSE;
    }

  for (guint i = (guint) version; i < G_N_ELEMENTS (migrations); i++)
    if (!_tb_ledger_write (self, migrate_step, &i, error))
      return FALSE;

  self->schema_version = G_N_ELEMENTS (migrations);
  self->audit_chained = TRUE;
  return TRUE;
}

static gboolean
open_connection (TbLedger   *self,
                 sqlite3   **db,
                 int         flags,
                 GError    **error)
{
  int rc = sqlite3_open_v2 (self->path, db, flags | SQLITE_OPEN_FULLMUTEX, NULL);

  if (rc != SQLITE_OK)
    {
      g_set_error (error, TB_LEDGER_ERROR, TB_LEDGER_ERROR_OPEN,
                   _("Could not open the ledger “%s”: %s"), self->path,
                   *db != NULL ? sqlite3_errmsg (*db) : sqlite3_errstr (rc));
      return FALSE;
    }
  sqlite3_extended_result_codes (*db, 1);
  return TRUE;
}

/* Switching to WAL needs the exclusive lock and SQLite does not wait for it (another
 * connection could be waiting on us). When several processes create the ledger at once, the
 * losers wait for the winner through BEGIN EXCLUSIVE, which does wait, then switch (or find the
 * file switched already). */
static gboolean
switch_to_wal (TbLedger  *self,
               GError   **error)
{
  for (int attempt = 0; ; attempt++)
    {
      int rc = sqlite3_exec (self->db, "PRAGMA journal_mode = WAL", NULL, NULL, NULL);

      if (rc == SQLITE_OK)
        return TRUE;
      if ((rc & 0xff) != SQLITE_BUSY || attempt == 3 ||
          sqlite3_exec (self->db, "BEGIN EXCLUSIVE; COMMIT", NULL, NULL, NULL) != SQLITE_OK)
        {
          _tb_ledger_fail (self, error, "PRAGMA journal_mode = WAL");
          _tb_ledger_rollback (self);
          return FALSE;
        }
    }
}

static gboolean
open_writer (TbLedger  *self,
             GError   **error)
{
  if (!open_connection (self, &self->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, error))
    return FALSE;

  sqlite3_busy_timeout (self->db, BUSY_TIMEOUT_MS);

  if (!switch_to_wal (self, error) ||
      !exec_simple (self, "PRAGMA synchronous = FULL", error) ||
      !exec_simple (self, "PRAGMA foreign_keys = ON", error) ||
      /* REPLACE's implicit delete fires the DELETE triggers (006-book.sql refuses it anyway,
       * for connections that do not set this). */
      !exec_simple (self, "PRAGMA recursive_triggers = ON", error) ||
      !exec_simple (self, "PRAGMA trusted_schema = OFF", error))
    {
      g_prefix_error (error, "%s: ", self->path);
      return FALSE;
    }
  return TRUE;
}

/* The read connection, opened once the file is in WAL mode and migrated. WAL readers do not
 * wait for writers: SQLITE_BUSY on it only comes from brief states (another connection
 * rebuilding the WAL index), so its busy timeout is short. */
static gboolean
open_reader (TbLedger  *self,
             GError   **error)
{
  if (!open_connection (self, &self->read_db, SQLITE_OPEN_READONLY, error))
    return FALSE;

  sqlite3_busy_timeout (self->read_db, READ_BUSY_TIMEOUT_MS);

  if (sqlite3_exec (self->read_db, "PRAGMA trusted_schema = OFF", NULL, NULL, NULL) != SQLITE_OK)
    {
      _tb_ledger_read_fail (self, error, "reader pragma");
      g_prefix_error (error, "%s: ", self->path);
      return FALSE;
    }
  return TRUE;
}

TbLedger *
tb_ledger_open (const char  *path,
                GError     **error)
{
  g_autoptr(TbLedger) self = NULL;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  _tb_ledger_guard_locks ();

  if (!ensure_private_file (path, error))
    return NULL;

  self = g_object_new (TB_TYPE_LEDGER, NULL);
  self->path = g_strdup (path);

  /* The key is looked for before any migration writes, and checked against the ledger after
   * them (tb-ledger-key.c). */
  if (!open_writer (self, error) || !_tb_ledger_open_key (self, error) ||
      !migrate (self, error) || !_tb_ledger_check_key (self, error) ||
      !open_reader (self, error))
    return NULL;

  return g_steal_pointer (&self);
}

const char *
tb_ledger_get_path (TbLedger *self)
{
  g_return_val_if_fail (TB_IS_LEDGER (self), NULL);
  return self->path;
}

int
tb_ledger_get_schema_version (TbLedger *self)
{
  g_return_val_if_fail (TB_IS_LEDGER (self), 0);
  return self->schema_version;
}

void
tb_ledger_set_actor (TbLedger   *self,
                     const char *actor)
{
  g_return_if_fail (TB_IS_LEDGER (self));
  TB_LEDGER_LOCK (self);
  g_free (self->actor);
  self->actor = g_strdup (actor != NULL && *actor != '\0' ? actor : g_get_user_name ());
}

void
_tb_ledger_bind_sealed (TbLedger     *self,
                        sqlite3_stmt *stmt,
                        int           index,
                        const char   *text)
{
  g_autoptr(GBytes) sealed = NULL;

  if (text == NULL)
    {
      sqlite3_bind_null (stmt, index);
      return;
    }

  sealed = tb_seal_encrypt (self->seal, text);
  if (sealed == NULL)
    {
      sqlite3_bind_null (stmt, index);
      return;
    }
  sqlite3_bind_blob (stmt, index, g_bytes_get_data (sealed, NULL),
                     (int) g_bytes_get_size (sealed), SQLITE_TRANSIENT);
}

void
_tb_ledger_bind_hash (TbLedger     *self,
                      sqlite3_stmt *stmt,
                      int           index,
                      const char   *text)
{
  g_autofree char *hash = text != NULL ? tb_seal_hash (self->seal, text) : NULL;

  _tb_ledger_bind_text (stmt, index, hash);
}

char *
_tb_ledger_column_unsealed (TbLedger     *self,
                            sqlite3_stmt *stmt,
                            int           column)
{
  g_autoptr(GError) error = NULL;
  const guint8 *data = sqlite3_column_blob (stmt, column);
  int len = sqlite3_column_bytes (stmt, column);
  char *text;

  if (data == NULL)
    return NULL;

  text = tb_seal_decrypt (self->seal, data, (gsize) len, &error);
  if (text == NULL)
    g_warning ("Could not unseal a stored value: %s", error->message);
  return text;
}
