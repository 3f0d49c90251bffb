/* tb-ledger.c: the SQLite ledger, its migrations and idempotent settlement
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <inttypes.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "tb-core-resources.h"
#include "tb-ledger-private.h"
#include "tb-money.h"
#include "tb-tax.h"

/* DESIGN.md §3–§4. The rules this file keeps:
 * - every change is one BEGIN IMMEDIATE transaction, with its audit row inside it;
 * - a payment is inserted with ON CONFLICT DO NOTHING on (method, provider_txn_id), so the
 *   same provider payment settles once however often it is reported;
 * - WAL + synchronous=FULL: a committed payment survives a crash or power loss, and a crash at
 *   any point leaves either the whole settlement or none of it. */

G_DEFINE_FINAL_TYPE (TbLedger, tb_ledger, G_TYPE_OBJECT)
G_DEFINE_QUARK (tb-ledger-error-quark, tb_ledger_error)

#define BUSY_TIMEOUT_MS 10000

static const char *migrations[] = {
  "/io/github/tulbur/Tulbur/sql/001-initial.sql",
  "/io/github/tulbur/Tulbur/sql/002-receipts.sql",
  "/io/github/tulbur/Tulbur/sql/003-open-index.sql",
  /* 004 comes from another branch of issue #16; until it is merged, this one stands in. */
  "/io/github/tulbur/Tulbur/sql/004-placeholder.sql",
  "/io/github/tulbur/Tulbur/sql/005-intent-invoices.sql",
};

gint64
_tb_ledger_now_us (void)
{
  return g_get_real_time ();
}

gboolean
_tb_ledger_fail (TbLedger    *self,
                 GError     **error,
                 const char  *what)
{
  int code = sqlite3_extended_errcode (self->db);
  int primary = code & 0xff;

  /* The SQLite message goes to the log for support; the user gets a translated sentence. */
  g_warning ("%s failed: %s (%d)", what, sqlite3_errmsg (self->db), code);

  if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED)
    g_set_error_literal (error, TB_LEDGER_ERROR, TB_LEDGER_ERROR_BUSY,
                         _("The ledger is busy in another window or program. Try again."));
  else if (primary == SQLITE_FULL)
    g_set_error_literal (error, TB_LEDGER_ERROR, TB_LEDGER_ERROR_FAILED,
                         _("The disk is full. Free some space, then try again."));
  else if (primary == SQLITE_CONSTRAINT)
    g_set_error_literal (error, TB_LEDGER_ERROR, TB_LEDGER_ERROR_INVALID,
                         _("The ledger refused the change because it would break its rules."));
  else
    g_set_error (error, TB_LEDGER_ERROR, TB_LEDGER_ERROR_FAILED,
                 _("The ledger could not be written (%s). Nothing was changed."),
                 sqlite3_errstr (code));
  return FALSE;
}

sqlite3_stmt *
_tb_ledger_stmt (TbLedger    *self,
                 const char  *sql,
                 GError     **error)
{
  sqlite3_stmt *stmt = g_hash_table_lookup (self->statements, sql);

  if (stmt != NULL)
    {
      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
      return stmt;
    }

  if (sqlite3_prepare_v3 (self->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL) != SQLITE_OK)
    {
      _tb_ledger_fail (self, error, "prepare");
      return NULL;
    }

  g_hash_table_insert (self->statements, (gpointer) sql, stmt);
  return stmt;
}

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

gboolean
_tb_ledger_audit (TbLedger    *self,
                  const char  *action,
                  const char  *entity,
                  gint64       entity_id,
                  const char  *detail,
                  GError     **error)
{
  static const char sql[] =
    "INSERT INTO audit_log (at_us, actor, action, entity, entity_id, detail) "
    "VALUES (?, ?, ?, ?, ?, ?)";
  sqlite3_stmt *stmt = _tb_ledger_stmt (self, sql, error);

  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, _tb_ledger_now_us ());
  _tb_ledger_bind_text (stmt, 2, self->actor);
  _tb_ledger_bind_text (stmt, 3, action);
  _tb_ledger_bind_text (stmt, 4, entity);
  if (entity_id > 0)
    sqlite3_bind_int64 (stmt, 5, entity_id);
  _tb_ledger_bind_text (stmt, 6, detail);

  if (sqlite3_step (stmt) != SQLITE_DONE)
    return _tb_ledger_fail (self, error, "audit");
  return TRUE;
}

static void
tb_ledger_finalize (GObject *object)
{
  TbLedger *self = (TbLedger *) object;

  g_clear_pointer (&self->statements, g_hash_table_unref);
  if (self->db != NULL)
    sqlite3_close_v2 (self->db);
  g_clear_pointer (&self->seal, tb_seal_free);
  g_clear_pointer (&self->path, g_free);
  g_clear_pointer (&self->actor, g_free);
  g_mutex_clear (&self->mutex);

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
  self->statements = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) sqlite3_finalize);
  self->actor = g_strdup (g_get_user_name ());
}

char *
tb_ledger_default_path (void)
{
  const char *env = g_getenv ("TULBUR_DB");

  if (env != NULL && *env != '\0')
    return g_strdup (env);

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
migrate (TbLedger  *self,
         GError   **error)
{
  sqlite3_stmt *stmt = NULL;
  int version = 0;

  if (sqlite3_prepare_v2 (self->db, "PRAGMA user_version", -1, &stmt, NULL) != SQLITE_OK)
    return _tb_ledger_fail (self, error, "user_version");
  if (sqlite3_step (stmt) == SQLITE_ROW)
    version = sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);

  if (version > (int) G_N_ELEMENTS (migrations))
    {
      g_set_error (error, TB_LEDGER_ERROR, TB_LEDGER_ERROR_TOO_NEW,
                   _("The ledger “%s” was written by a newer version of Tulbur. Update Tulbur to open it."),
                   self->path);
      return FALSE;
    }

  for (guint i = (guint) version; i < G_N_ELEMENTS (migrations); i++)
    {
      g_autoptr(GBytes) sql = NULL;
      g_autofree char *script = NULL;
      g_autofree char *pragma = NULL;

      /* Looked up in our own bundle: a static library drops the auto-registering
       * constructor of an unreferenced resource object. */
      sql = g_resource_lookup_data (tb_core_get_resource (), migrations[i],
                                    G_RESOURCE_LOOKUP_FLAGS_NONE, error);
      if (sql == NULL)
        return FALSE;

      script = g_strndup (g_bytes_get_data (sql, NULL), g_bytes_get_size (sql));
      pragma = g_strdup_printf ("PRAGMA user_version = %u", i + 1);

      /* Each step is its own transaction: a crash mid-migration leaves the previous version. */
      if (!_tb_ledger_begin (self, error))
        return FALSE;
      if (!exec_simple (self, script, error) || !exec_simple (self, pragma, error))
        {
          _tb_ledger_rollback (self);
          return FALSE;
        }
      if (!_tb_ledger_audit (self, "ledger.migrate", "ledger", i + 1, NULL, error))
        {
          _tb_ledger_rollback (self);
          return FALSE;
        }
      if (!_tb_ledger_commit (self, error))
        return FALSE;
      version = (int) i + 1;
    }

  self->schema_version = version;
  return TRUE;
}

TbLedger *
tb_ledger_open (const char  *path,
                GError     **error)
{
  g_autoptr(TbLedger) self = NULL;
  g_autofree char *key_path = NULL;
  int rc;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!ensure_private_file (path, error))
    return NULL;

  self = g_object_new (TB_TYPE_LEDGER, NULL);
  self->path = g_strdup (path);

  key_path = g_strconcat (path, ".key", NULL);
  self->seal = tb_seal_open (key_path, error);
  if (self->seal == NULL)
    return NULL;

  rc = sqlite3_open_v2 (path, &self->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                        NULL);
  if (rc != SQLITE_OK)
    {
      g_set_error (error, TB_LEDGER_ERROR, TB_LEDGER_ERROR_OPEN,
                   _("Could not open the ledger “%s”: %s"), path,
                   self->db != NULL ? sqlite3_errmsg (self->db) : sqlite3_errstr (rc));
      return NULL;
    }

  sqlite3_busy_timeout (self->db, BUSY_TIMEOUT_MS);
  sqlite3_extended_result_codes (self->db, 1);

  if (!exec_simple (self, "PRAGMA journal_mode = WAL", error) ||
      !exec_simple (self, "PRAGMA synchronous = FULL", error) ||
      !exec_simple (self, "PRAGMA foreign_keys = ON", error) ||
      !exec_simple (self, "PRAGMA trusted_schema = OFF", error))
    {
      g_prefix_error (error, "%s: ", path);
      return NULL;
    }

  if (!migrate (self, error))
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

/* ---- customers ---------------------------------------------------------------------- */

static char *
name_key (const char *name)
{
  g_autofree char *normalized = g_utf8_normalize (name, -1, G_NORMALIZE_ALL);

  return g_utf8_casefold (normalized != NULL ? normalized : name, -1);
}

static gboolean
validate_name (const char  *name,
               char       **out_clean,
               GError     **error)
{
  g_autofree char *clean = NULL;

  if (name == NULL || !g_utf8_validate (name, -1, NULL))
    {
      g_set_error_literal (error, TB_LEDGER_ERROR, TB_LEDGER_ERROR_INVALID,
                           _("Enter the customer’s name."));
      return FALSE;
    }

  clean = g_strstrip (g_strdup (name));
  if (*clean == '\0')
    {
      g_set_error_literal (error, TB_LEDGER_ERROR, TB_LEDGER_ERROR_INVALID,
                           _("Enter the customer’s name."));
      return FALSE;
    }
  if (g_utf8_strlen (clean, -1) > 100)
    {
      g_set_error_literal (error, TB_LEDGER_ERROR, TB_LEDGER_ERROR_INVALID,
                           _("The name is too long: use at most 100 characters."));
      return FALSE;
    }

  *out_clean = g_steal_pointer (&clean);
  return TRUE;
}

static gboolean
validate_phone (const char  *phone,
                char       **out_normalized,
                GError     **error)
{
  g_autofree char *digits = NULL;

  *out_normalized = NULL;
  if (phone == NULL || *phone == '\0')
    return TRUE;

  for (const char *p = phone; *p != '\0'; p++)
    {
      if (!g_ascii_isdigit (*p) && *p != ' ' && *p != '-' && *p != '+' && *p != '(' && *p != ')')
        {
          g_set_error_literal (error, TB_LEDGER_ERROR, TB_LEDGER_ERROR_INVALID,
                               _("A phone number has only digits, for example 99112233."));
          return FALSE;
        }
    }

  digits = tb_seal_normalize_phone (phone);
  if (digits == NULL || strlen (digits) < 6 || strlen (digits) > 15)
    {
      g_set_error_literal (error, TB_LEDGER_ERROR, TB_LEDGER_ERROR_INVALID,
                           _("A phone number has 8 digits, for example 99112233."));
      return FALSE;
    }

  *out_normalized = g_steal_pointer (&digits);
  return TRUE;
}

/* A Mongolian register number: a company's 7 digits, an 11–14 digit TIN, or a citizen's two
 * Cyrillic letters and eight digits (e.g. УБ99112233). */
static gboolean
validate_register (const char  *register_no,
                   char       **out_normalized,
                   GError     **error)
{
  g_autofree char *norm = NULL;
  gsize n_digits = 0;
  glong n_chars;
  gboolean ok = FALSE;

  *out_normalized = NULL;
  if (register_no == NULL || *register_no == '\0')
    return TRUE;

  norm = tb_seal_normalize_register (register_no);
  if (norm == NULL)
    return TRUE;

  n_chars = g_utf8_strlen (norm, -1);
  for (const char *p = norm; *p != '\0'; p++)
    if (g_ascii_isdigit (*p))
      n_digits++;

  if (n_digits == strlen (norm))
    ok = n_digits == 7 || (n_digits >= 11 && n_digits <= 14);
  else if (n_chars == 10 && n_digits == 8)
    {
      const char *second = g_utf8_next_char (norm);
      gunichar a = g_utf8_get_char (norm);
      gunichar b = g_utf8_get_char (second);

      ok = g_unichar_isalpha (a) && g_unichar_isalpha (b)
           && g_unichar_get_script (a) == G_UNICODE_SCRIPT_CYRILLIC
           && g_unichar_get_script (b) == G_UNICODE_SCRIPT_CYRILLIC;
    }

  if (!ok)
    {
      g_set_error_literal (error, TB_LEDGER_ERROR, TB_LEDGER_ERROR_INVALID,
                           _("A register number is 7 digits for a company, an 11-digit TIN, or two Cyrillic letters and 8 digits for a person."));
      return FALSE;
    }

  *out_normalized = g_steal_pointer (&norm);
  return TRUE;
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

gboolean
tb_ledger_add_customer (TbLedger    *self,
                        const char  *name,
                        const char  *phone,
                        const char  *register_no,
                        gint64      *out_id,
                        GError     **error)
{
  static const char sql[] =
    "INSERT INTO customers (name, name_key, phone_sealed, phone_hash, register_sealed, "
    "register_hash, created_us, updated_us) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
  g_autofree char *clean = NULL;
  g_autofree char *key = NULL;
  g_autofree char *norm_phone = NULL;
  g_autofree char *norm_register = NULL;
  sqlite3_stmt *stmt;
  gint64 now = _tb_ledger_now_us ();
  gint64 id;

  g_return_val_if_fail (TB_IS_LEDGER (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!validate_name (name, &clean, error) ||
      !validate_phone (phone, &norm_phone, error) ||
      !validate_register (register_no, &norm_register, error))
    return FALSE;

  key = name_key (clean);

  TB_LEDGER_LOCK (self);

  if (!_tb_ledger_begin (self, error))
    return FALSE;

  stmt = _tb_ledger_stmt (self, sql, error);
  if (stmt == NULL)
    {
      _tb_ledger_rollback (self);
      return FALSE;
    }

  _tb_ledger_bind_text (stmt, 1, clean);
  _tb_ledger_bind_text (stmt, 2, key);
  _tb_ledger_bind_sealed (self, stmt, 3, norm_phone);
  _tb_ledger_bind_hash (self, stmt, 4, norm_phone);
  _tb_ledger_bind_sealed (self, stmt, 5, norm_register);
  _tb_ledger_bind_hash (self, stmt, 6, norm_register);
  sqlite3_bind_int64 (stmt, 7, now);
  sqlite3_bind_int64 (stmt, 8, now);

  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      _tb_ledger_fail (self, error, "add customer");
      _tb_ledger_rollback (self);
      return FALSE;
    }
  id = sqlite3_last_insert_rowid (self->db);

  /* Never the phone or TIN: only whether they were given. */
  if (!_tb_ledger_audit (self, "customer.add", "customer", id,
                         norm_register != NULL ? "company" : NULL, error) ||
      !_tb_ledger_commit (self, error))
    {
      _tb_ledger_rollback (self);
      return FALSE;
    }

  if (out_id != NULL)
    *out_id = id;
  return TRUE;
}

gboolean
tb_ledger_update_customer (TbLedger    *self,
                           gint64       id,
                           const char  *name,
                           const char  *phone,
                           const char  *register_no,
                           GError     **error)
{
  static const char sql[] =
    "UPDATE customers SET name = ?, name_key = ?, phone_sealed = ?, phone_hash = ?, "
    "register_sealed = ?, register_hash = ?, updated_us = ? WHERE id = ?";
  g_autofree char *clean = NULL;
  g_autofree char *key = NULL;
  g_autofree char *norm_phone = NULL;
  g_autofree char *norm_register = NULL;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (TB_IS_LEDGER (self), FALSE);

  if (!validate_name (name, &clean, error) ||
      !validate_phone (phone, &norm_phone, error) ||
      !validate_register (register_no, &norm_register, error))
    return FALSE;

  key = name_key (clean);

  TB_LEDGER_LOCK (self);

  if (!_tb_ledger_begin (self, error))
    return FALSE;

  stmt = _tb_ledger_stmt (self, sql, error);
  if (stmt == NULL)
    {
      _tb_ledger_rollback (self);
      return FALSE;
    }

  _tb_ledger_bind_text (stmt, 1, clean);
  _tb_ledger_bind_text (stmt, 2, key);
  _tb_ledger_bind_sealed (self, stmt, 3, norm_phone);
  _tb_ledger_bind_hash (self, stmt, 4, norm_phone);
  _tb_ledger_bind_sealed (self, stmt, 5, norm_register);
  _tb_ledger_bind_hash (self, stmt, 6, norm_register);
  sqlite3_bind_int64 (stmt, 7, _tb_ledger_now_us ());
  sqlite3_bind_int64 (stmt, 8, id);

  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      _tb_ledger_fail (self, error, "update customer");
      _tb_ledger_rollback (self);
      return FALSE;
    }

  if (sqlite3_changes (self->db) == 0)
    {
      _tb_ledger_rollback (self);
      g_set_error (error, TB_LEDGER_ERROR, TB_LEDGER_ERROR_NOT_FOUND,
                   _("There is no customer number %" PRId64 "."), id);
      return FALSE;
    }

  if (!_tb_ledger_audit (self, "customer.update", "customer", id, NULL, error) ||
      !_tb_ledger_commit (self, error))
    {
      _tb_ledger_rollback (self);
      return FALSE;
    }
  return TRUE;
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

static TbCustomer *
read_customer (TbLedger     *self,
               sqlite3_stmt *stmt)
{
  TbCustomer *customer = g_new0 (TbCustomer, 1);

  customer->id = sqlite3_column_int64 (stmt, 0);
  customer->name = _tb_ledger_column_text (stmt, 1);
  customer->phone = _tb_ledger_column_unsealed (self, stmt, 2);
  customer->register_no = _tb_ledger_column_unsealed (self, stmt, 3);
  customer->created_us = sqlite3_column_int64 (stmt, 4);
  return customer;
}

TbCustomer *
tb_ledger_get_customer (TbLedger    *self,
                        gint64       id,
                        GError     **error)
{
  static const char sql[] =
    "SELECT id, name, phone_sealed, register_sealed, created_us FROM customers WHERE id = ?";
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (TB_IS_LEDGER (self), NULL);

  TB_LEDGER_LOCK (self);

  stmt = _tb_ledger_stmt (self, sql, error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      TbCustomer *customer = read_customer (self, stmt);
      sqlite3_reset (stmt);
      return customer;
    }

  if (rc != SQLITE_DONE)
    _tb_ledger_fail (self, error, "get customer");
  else
    g_set_error (error, TB_LEDGER_ERROR, TB_LEDGER_ERROR_NOT_FOUND,
                 _("There is no customer number %" PRId64 "."), id);
  sqlite3_reset (stmt);
  return NULL;
}

GPtrArray *
tb_ledger_find_customers (TbLedger    *self,
                          const char  *text,
                          guint        limit,
                          GError     **error)
{
  static const char sql[] =
    "SELECT id, name, phone_sealed, register_sealed, created_us FROM customers "
    "WHERE (name_key >= ?1 AND name_key < ?1 || x'F48FBFBF') "
    "   OR (?2 IS NOT NULL AND phone_hash = ?2) "
    "   OR (?3 IS NOT NULL AND register_hash = ?3) "
    "ORDER BY name_key LIMIT ?4";
  g_autoptr(GPtrArray) result = g_ptr_array_new_with_free_func ((GDestroyNotify) tb_customer_free);
  g_autofree char *clean = NULL;
  g_autofree char *key = NULL;
  g_autofree char *phone = NULL;
  g_autofree char *register_no = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (TB_IS_LEDGER (self), NULL);

  clean = g_strstrip (g_strdup (text != NULL ? text : ""));
  key = name_key (clean);
  phone = tb_seal_normalize_phone (clean);
  register_no = tb_seal_normalize_register (clean);

  TB_LEDGER_LOCK (self);

  stmt = _tb_ledger_stmt (self, sql, error);
  if (stmt == NULL)
    return NULL;

  _tb_ledger_bind_text (stmt, 1, key);
  _tb_ledger_bind_hash (self, stmt, 2, phone);
  _tb_ledger_bind_hash (self, stmt, 3, register_no);
  sqlite3_bind_int (stmt, 4, (int) MIN (limit, 1000));

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (result, read_customer (self, stmt));

  if (rc != SQLITE_DONE)
    {
      _tb_ledger_fail (self, error, "find customers");
      sqlite3_reset (stmt);
      return NULL;
    }

  sqlite3_reset (stmt);
  return g_steal_pointer (&result);
}

/* ---- bills -------------------------------------------------------------------------- */

static gboolean
check_customer_exists (TbLedger  *self,
                       gint64     customer_id,
                       GError   **error)
{
  static const char sql[] = "SELECT 1 FROM customers WHERE id = ?";
  sqlite3_stmt *stmt = _tb_ledger_stmt (self, sql, error);
  int rc;

  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, customer_id);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);

  if (rc == SQLITE_ROW)
    return TRUE;
  if (rc != SQLITE_DONE)
    return _tb_ledger_fail (self, error, "customer lookup");

  g_set_error (error, TB_LEDGER_ERROR, TB_LEDGER_ERROR_NOT_FOUND,
               _("There is no customer number %" PRId64 "."), customer_id);
  return FALSE;
}

gboolean
tb_ledger_create_bill (TbLedger    *self,
                       gint64       customer_id,
                       const char  *note,
                       gint64      *out_bill_id,
                       char       **out_number,
                       GError     **error)
{
  /* Bills are never deleted, so MAX(id) + 1 is a gap-free, typeable sequence. */
  static const char sql[] =
    "INSERT INTO bills (id, number, customer_id, currency, note, created_us, updated_us) "
    "SELECT n, CAST(n AS TEXT), ?1, 'MNT', ?2, ?3, ?3 "
    "FROM (SELECT COALESCE(MAX(id), 0) + 1 AS n FROM bills) RETURNING id, number";
  g_autofree char *clean_note = NULL;
  g_autofree char *number = NULL;
  sqlite3_stmt *stmt;
  gint64 id;

  g_return_val_if_fail (TB_IS_LEDGER (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (note != NULL)
    {
      if (!g_utf8_validate (note, -1, NULL) || strlen (note) > 1000)
        {
          g_set_error_literal (error, TB_LEDGER_ERROR, TB_LEDGER_ERROR_INVALID,
                               _("The note is too long: use at most 1000 characters."));
          return FALSE;
        }
      clean_note = g_strstrip (g_strdup (note));
      if (*clean_note == '\0')
        g_clear_pointer (&clean_note, g_free);
    }

  TB_LEDGER_LOCK (self);

  if (!_tb_ledger_begin (self, error))
    return FALSE;

  if (customer_id > 0 && !check_customer_exists (self, customer_id, error))
    {
      _tb_ledger_rollback (self);
      return FALSE;
    }

  stmt = _tb_ledger_stmt (self, sql, error);
  if (stmt == NULL)
    {
      _tb_ledger_rollback (self);
      return FALSE;
    }

  if (customer_id > 0)
    sqlite3_bind_int64 (stmt, 1, customer_id);
  _tb_ledger_bind_text (stmt, 2, clean_note);
  sqlite3_bind_int64 (stmt, 3, _tb_ledger_now_us ());

  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      _tb_ledger_fail (self, error, "create bill");
      sqlite3_reset (stmt);
      _tb_ledger_rollback (self);
      return FALSE;
    }
  id = sqlite3_column_int64 (stmt, 0);
  number = _tb_ledger_column_text (stmt, 1);
  sqlite3_reset (stmt);

  if (!_tb_ledger_audit (self, "bill.create", "bill", id, NULL, error) ||
      !_tb_ledger_commit (self, error))
    {
      _tb_ledger_rollback (self);
      return FALSE;
    }

  if (out_bill_id != NULL)
    *out_bill_id = id;
  if (out_number != NULL)
    *out_number = g_steal_pointer (&number);
  return TRUE;
}

typedef struct
{
  TbBillStatus status;
  gint64       total;
  gint64       paid;
} BillState;

static gboolean
read_bill_state (TbLedger   *self,
                 gint64      bill_id,
                 BillState  *state,
                 GError    **error)
{
  static const char sql[] = "SELECT status, total, paid FROM bills WHERE id = ?";
  sqlite3_stmt *stmt = _tb_ledger_stmt (self, sql, error);
  int rc;

  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, bill_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      if (!tb_bill_status_from_string ((const char *) sqlite3_column_text (stmt, 0), &state->status))
        state->status = TB_BILL_OPEN;
      state->total = sqlite3_column_int64 (stmt, 1);
      state->paid = sqlite3_column_int64 (stmt, 2);
      sqlite3_reset (stmt);
      return TRUE;
    }

  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return _tb_ledger_fail (self, error, "bill lookup");

  g_set_error (error, TB_LEDGER_ERROR, TB_LEDGER_ERROR_NOT_FOUND,
               _("There is no bill number %" PRId64 "."), bill_id);
  return FALSE;
}

/* OPEN → PARTIAL → PAID follows the sums; VOID stays VOID whatever arrives. */
static TbBillStatus
status_for (TbBillStatus current,
            gint64       total,
            gint64       paid)
{
  if (current == TB_BILL_VOID)
    return TB_BILL_VOID;
  if (paid > 0 && paid >= total)
    return TB_BILL_PAID;
  if (paid > 0)
    return TB_BILL_PARTIAL;
  return TB_BILL_OPEN;
}

static gboolean
is_overpaid (TbBillStatus status,
             gint64       total,
             gint64       paid)
{
  if (status == TB_BILL_VOID)
    return paid > 0;
  return paid > total;
}

gboolean
tb_ledger_set_bill_customer (TbLedger  *self,
                             gint64     bill_id,
                             gint64     customer_id,
                             GError   **error)
{
  static const char sql[] = "UPDATE bills SET customer_id = ?, updated_us = ? WHERE id = ?";
  BillState state;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (TB_IS_LEDGER (self), FALSE);

  TB_LEDGER_LOCK (self);

  if (!_tb_ledger_begin (self, error))
    return FALSE;

  if (!read_bill_state (self, bill_id, &state, error) ||
      (customer_id > 0 && !check_customer_exists (self, customer_id, error)))
    {
      _tb_ledger_rollback (self);
      return FALSE;
    }

  stmt = _tb_ledger_stmt (self, sql, error);
  if (stmt == NULL)
    {
      _tb_ledger_rollback (self);
      return FALSE;
    }
  if (customer_id > 0)
    sqlite3_bind_int64 (stmt, 1, customer_id);
  sqlite3_bind_int64 (stmt, 2, _tb_ledger_now_us ());
  sqlite3_bind_int64 (stmt, 3, bill_id);

  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      _tb_ledger_fail (self, error, "set customer");
      _tb_ledger_rollback (self);
      return FALSE;
    }

  if (!_tb_ledger_audit (self, "bill.customer", "bill", bill_id, NULL, error) ||
      !_tb_ledger_commit (self, error))
    {
      _tb_ledger_rollback (self);
      return FALSE;
    }
  return TRUE;
}

gint64
tb_ledger_lookup_bill (TbLedger    *self,
                       const char  *number,
                       GError     **error)
{
  static const char sql[] = "SELECT id FROM bills WHERE number = ?";
  g_autofree char *clean = NULL;
  sqlite3_stmt *stmt;
  gint64 id = 0;
  int rc;

  g_return_val_if_fail (TB_IS_LEDGER (self), 0);

  clean = g_strstrip (g_strdup (number != NULL ? number : ""));
  if (clean[0] == '#')
    memmove (clean, clean + 1, strlen (clean));

  TB_LEDGER_LOCK (self);

  stmt = _tb_ledger_stmt (self, sql, error);
  if (stmt == NULL)
    return 0;

  _tb_ledger_bind_text (stmt, 1, clean);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    id = sqlite3_column_int64 (stmt, 0);
  else if (rc != SQLITE_DONE)
    _tb_ledger_fail (self, error, "lookup bill");
  else
    g_set_error (error, TB_LEDGER_ERROR, TB_LEDGER_ERROR_NOT_FOUND,
                 _("There is no bill “%s”."), clean);
  sqlite3_reset (stmt);
  return id;
}

TbBill *
_tb_ledger_read_bill_row (sqlite3_stmt *stmt)
{
  TbBill *bill = g_new0 (TbBill, 1);

  bill->id = sqlite3_column_int64 (stmt, 0);
  bill->number = _tb_ledger_column_text (stmt, 1);
  bill->customer_id = sqlite3_column_int64 (stmt, 2);
  bill->customer_name = _tb_ledger_column_text (stmt, 3);
  bill->currency = _tb_ledger_column_text (stmt, 4);
  if (!tb_bill_status_from_string ((const char *) sqlite3_column_text (stmt, 5), &bill->status))
    bill->status = TB_BILL_OPEN;
  bill->total = sqlite3_column_int64 (stmt, 6);
  bill->vat_e4 = sqlite3_column_int64 (stmt, 7);
  bill->city_tax_e4 = sqlite3_column_int64 (stmt, 8);
  bill->paid = sqlite3_column_int64 (stmt, 9);
  bill->overpaid = sqlite3_column_int (stmt, 10) != 0;
  bill->note = _tb_ledger_column_text (stmt, 11);
  bill->void_reason = _tb_ledger_column_text (stmt, 12);
  bill->created_us = sqlite3_column_int64 (stmt, 13);
  bill->updated_us = sqlite3_column_int64 (stmt, 14);
  return bill;
}

static gboolean
read_lines (TbLedger   *self,
            TbBill     *bill,
            GError    **error)
{
  static const char sql[] =
    "SELECT id, position, description, quantity_milli, unit_price, amount, classification_code, "
    "vat, city_tax, vat_e4, city_tax_e4 FROM bill_lines WHERE bill_id = ? ORDER BY position";
  sqlite3_stmt *stmt = _tb_ledger_stmt (self, sql, error);
  int rc;

  if (stmt == NULL)
    return FALSE;

  bill->lines = g_ptr_array_new_with_free_func ((GDestroyNotify) tb_bill_line_free);
  sqlite3_bind_int64 (stmt, 1, bill->id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      TbBillLine *line = g_new0 (TbBillLine, 1);

      line->id = sqlite3_column_int64 (stmt, 0);
      line->bill_id = bill->id;
      line->position = sqlite3_column_int (stmt, 1);
      line->description = _tb_ledger_column_text (stmt, 2);
      line->quantity_milli = sqlite3_column_int64 (stmt, 3);
      line->unit_price = sqlite3_column_int64 (stmt, 4);
      line->amount = sqlite3_column_int64 (stmt, 5);
      line->classification_code = _tb_ledger_column_text (stmt, 6);
      line->vat = sqlite3_column_int (stmt, 7) != 0;
      line->city_tax = sqlite3_column_int (stmt, 8) != 0;
      line->vat_e4 = sqlite3_column_int64 (stmt, 9);
      line->city_tax_e4 = sqlite3_column_int64 (stmt, 10);
      g_ptr_array_add (bill->lines, line);
    }
  sqlite3_reset (stmt);

  if (rc != SQLITE_DONE)
    return _tb_ledger_fail (self, error, "read lines");
  return TRUE;
}

static gboolean
read_payments (TbLedger  *self,
               TbBill    *bill,
               GError   **error)
{
  static const char sql[] =
    "SELECT id, method, amount, provider_txn_id, reference, intent_id, refund_of, tendered, "
    "created_us FROM payments WHERE bill_id = ? ORDER BY id";
  sqlite3_stmt *stmt = _tb_ledger_stmt (self, sql, error);
  int rc;

  if (stmt == NULL)
    return FALSE;

  bill->payments = g_ptr_array_new_with_free_func ((GDestroyNotify) tb_payment_free);
  sqlite3_bind_int64 (stmt, 1, bill->id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      TbPayment *payment = g_new0 (TbPayment, 1);

      payment->id = sqlite3_column_int64 (stmt, 0);
      payment->bill_id = bill->id;
      if (!tb_payment_method_from_string ((const char *) sqlite3_column_text (stmt, 1), &payment->method))
        payment->method = TB_METHOD_CASH;
      payment->amount = sqlite3_column_int64 (stmt, 2);
      payment->provider_txn_id = _tb_ledger_column_text (stmt, 3);
      payment->reference = _tb_ledger_column_text (stmt, 4);
      payment->intent_id = sqlite3_column_int64 (stmt, 5);
      payment->refund_of = sqlite3_column_int64 (stmt, 6);
      payment->tendered = sqlite3_column_int64 (stmt, 7);
      payment->created_us = sqlite3_column_int64 (stmt, 8);
      g_ptr_array_add (bill->payments, payment);
    }
  sqlite3_reset (stmt);

  if (rc != SQLITE_DONE)
    return _tb_ledger_fail (self, error, "read payments");
  return TRUE;
}

static gboolean
read_receipt_choices (TbLedger  *self,
                      TbBill    *bill,
                      GError   **error)
{
  static const char sql[] =
    "SELECT receipt_receiver_type, receipt_phone_sealed, receipt_district_code, "
    "receipt_classification_code FROM bills WHERE id = ?";
  sqlite3_stmt *stmt = _tb_ledger_stmt (self, sql, error);

  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, bill->id);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      bill->receipt_receiver_type = _tb_ledger_column_text (stmt, 0);
      bill->receipt_phone = _tb_ledger_column_unsealed (self, stmt, 1);
      bill->receipt_district_code = _tb_ledger_column_text (stmt, 2);
      bill->receipt_classification_code = _tb_ledger_column_text (stmt, 3);
    }
  sqlite3_reset (stmt);
  return TRUE;
}

TbBill *
tb_ledger_get_bill (TbLedger  *self,
                    gint64     bill_id,
                    GError   **error)
{
  static const char sql[] =
    "SELECT " TB_LEDGER_BILL_COLUMNS TB_LEDGER_BILL_FROM " WHERE b.id = ?";
  g_autoptr(TbBill) bill = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (TB_IS_LEDGER (self), NULL);

  TB_LEDGER_LOCK (self);

  /* One read transaction so the lines and payments match the totals we return. */
  if (!exec_simple (self, "BEGIN", error))
    return NULL;

  stmt = _tb_ledger_stmt (self, sql, error);
  if (stmt == NULL)
    {
      _tb_ledger_rollback (self);
      return NULL;
    }

  sqlite3_bind_int64 (stmt, 1, bill_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    bill = _tb_ledger_read_bill_row (stmt);
  sqlite3_reset (stmt);

  if (bill == NULL)
    {
      if (rc != SQLITE_DONE)
        _tb_ledger_fail (self, error, "get bill");
      else
        g_set_error (error, TB_LEDGER_ERROR, TB_LEDGER_ERROR_NOT_FOUND,
                     _("There is no bill number %" PRId64 "."), bill_id);
      _tb_ledger_rollback (self);
      return NULL;
    }

  if (!read_lines (self, bill, error) || !read_payments (self, bill, error) ||
      !read_receipt_choices (self, bill, error))
    {
      _tb_ledger_rollback (self);
      return NULL;
    }

  _tb_ledger_rollback (self);
  return g_steal_pointer (&bill);
}

static gboolean
validate_line (const TbLineInput  *input,
               char              **out_description,
               TbLineTax          *out_tax,
               GError            **error)
{
  g_autofree char *description = NULL;

  if (input->description == NULL || !g_utf8_validate (input->description, -1, NULL))
    {
      g_set_error_literal (error, TB_LEDGER_ERROR, TB_LEDGER_ERROR_INVALID,
                           _("Describe what is being sold."));
      return FALSE;
    }

  description = g_strstrip (g_strdup (input->description));
  if (*description == '\0')
    {
      g_set_error_literal (error, TB_LEDGER_ERROR, TB_LEDGER_ERROR_INVALID,
                           _("Describe what is being sold."));
      return FALSE;
    }
  if (strlen (description) > 255)
    {
      g_set_error_literal (error, TB_LEDGER_ERROR, TB_LEDGER_ERROR_INVALID,
                           _("The description is too long: use at most 255 bytes (about 120 Cyrillic letters)."));
      return FALSE;
    }

  if (input->quantity_milli <= 0)
    {
      g_set_error_literal (error, TB_LEDGER_ERROR, TB_LEDGER_ERROR_INVALID,
                           _("The quantity must be more than zero."));
      return FALSE;
    }
  if (input->unit_price < 0 || input->unit_price > TB_MONEY_MAX)
    {
      g_set_error_literal (error, TB_LEDGER_ERROR, TB_LEDGER_ERROR_INVALID,
                           _("The price must be zero or more."));
      return FALSE;
    }

  if (input->classification_code != NULL && *input->classification_code != '\0')
    {
      gboolean ok = strlen (input->classification_code) == 7;

      for (const char *p = input->classification_code; ok && *p != '\0'; p++)
        ok = g_ascii_isdigit (*p);
      if (!ok)
        {
          g_set_error_literal (error, TB_LEDGER_ERROR, TB_LEDGER_ERROR_INVALID,
                               _("A classification code has 7 digits, for example 6743000."));
          return FALSE;
        }
    }

  if (!tb_tax_line (input->quantity_milli, input->unit_price, input->vat, input->city_tax, out_tax))
    {
      g_set_error_literal (error, TB_LEDGER_ERROR, TB_LEDGER_ERROR_INVALID,
                           _("The line amount is too large."));
      return FALSE;
    }

  *out_description = g_steal_pointer (&description);
  return TRUE;
}

/* Recomputes a bill's totals as exact sums of its lines and moves its status to match. */
static gboolean
refresh_bill_totals (TbLedger  *self,
                     gint64     bill_id,
                     GError   **error)
{
  static const char sql[] =
    "UPDATE bills SET "
    "  total = (SELECT COALESCE(SUM(amount), 0) FROM bill_lines WHERE bill_id = ?1), "
    "  vat_e4 = (SELECT COALESCE(SUM(vat_e4), 0) FROM bill_lines WHERE bill_id = ?1), "
    "  city_tax_e4 = (SELECT COALESCE(SUM(city_tax_e4), 0) FROM bill_lines WHERE bill_id = ?1), "
    "  updated_us = ?2 "
    "WHERE id = ?1";
  static const char status_sql[] =
    "UPDATE bills SET status = ?, overpaid = ? WHERE id = ?";
  sqlite3_stmt *stmt = _tb_ledger_stmt (self, sql, error);
  BillState state;
  TbBillStatus status;

  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, bill_id);
  sqlite3_bind_int64 (stmt, 2, _tb_ledger_now_us ());
  if (sqlite3_step (stmt) != SQLITE_DONE)
    return _tb_ledger_fail (self, error, "bill totals");

  if (!read_bill_state (self, bill_id, &state, error))
    return FALSE;

  if (state.total > TB_MONEY_MAX)
    {
      g_set_error_literal (error, TB_LEDGER_ERROR, TB_LEDGER_ERROR_INVALID,
                           _("The bill total is too large."));
      return FALSE;
    }

  status = status_for (state.status, state.total, state.paid);
  stmt = _tb_ledger_stmt (self, status_sql, error);
  if (stmt == NULL)
    return FALSE;
  _tb_ledger_bind_text (stmt, 1, tb_bill_status_to_string (status));
  sqlite3_bind_int (stmt, 2, is_overpaid (status, state.total, state.paid));
  sqlite3_bind_int64 (stmt, 3, bill_id);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    return _tb_ledger_fail (self, error, "bill status");
  return TRUE;
}

gboolean
tb_ledger_add_line (TbLedger           *self,
                    gint64              bill_id,
                    const TbLineInput  *input,
                    gint64             *out_line_id,
                    GError            **error)
{
  static const char sql[] =
    "INSERT INTO bill_lines (bill_id, position, description, quantity_milli, unit_price, amount, "
    "classification_code, vat, city_tax, vat_e4, city_tax_e4, created_us) "
    "VALUES (?1, (SELECT COALESCE(MAX(position), 0) + 1 FROM bill_lines WHERE bill_id = ?1), "
    "?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)";
  g_autofree char *description = NULL;
  g_autofree char *detail = NULL;
  TbLineTax tax;
  BillState state;
  sqlite3_stmt *stmt;
  gint64 line_id;

  g_return_val_if_fail (TB_IS_LEDGER (self), FALSE);
  g_return_val_if_fail (input != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!validate_line (input, &description, &tax, error))
    return FALSE;

  TB_LEDGER_LOCK (self);

  if (!_tb_ledger_begin (self, error))
    return FALSE;

  if (!read_bill_state (self, bill_id, &state, error))
    {
      _tb_ledger_rollback (self);
      return FALSE;
    }
  if (state.status == TB_BILL_VOID)
    {
      _tb_ledger_rollback (self);
      g_set_error_literal (error, TB_LEDGER_ERROR, TB_LEDGER_ERROR_STATE,
                           _("This bill is void: open a new bill instead."));
      return FALSE;
    }

  stmt = _tb_ledger_stmt (self, sql, error);
  if (stmt == NULL)
    {
      _tb_ledger_rollback (self);
      return FALSE;
    }

  sqlite3_bind_int64 (stmt, 1, bill_id);
  _tb_ledger_bind_text (stmt, 2, description);
  sqlite3_bind_int64 (stmt, 3, input->quantity_milli);
  sqlite3_bind_int64 (stmt, 4, input->unit_price);
  sqlite3_bind_int64 (stmt, 5, tax.amount);
  _tb_ledger_bind_text (stmt, 6, input->classification_code != NULL && *input->classification_code != '\0'
                                   ? input->classification_code : NULL);
  sqlite3_bind_int (stmt, 7, input->vat ? 1 : 0);
  sqlite3_bind_int (stmt, 8, input->city_tax ? 1 : 0);
  sqlite3_bind_int64 (stmt, 9, tax.vat_e4);
  sqlite3_bind_int64 (stmt, 10, tax.city_tax_e4);
  sqlite3_bind_int64 (stmt, 11, _tb_ledger_now_us ());

  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      _tb_ledger_fail (self, error, "add line");
      _tb_ledger_rollback (self);
      return FALSE;
    }
  line_id = sqlite3_last_insert_rowid (self->db);

  detail = g_strdup_printf ("line=%" G_GINT64_FORMAT " amount=%" G_GINT64_FORMAT, line_id, tax.amount);
  if (!refresh_bill_totals (self, bill_id, error) ||
      !_tb_ledger_audit (self, "bill.add_line", "bill", bill_id, detail, error) ||
      !_tb_ledger_commit (self, error))
    {
      _tb_ledger_rollback (self);
      return FALSE;
    }

  if (out_line_id != NULL)
    *out_line_id = line_id;
  return TRUE;
}

static gboolean
count_payments (TbLedger  *self,
                gint64     bill_id,
                gint64    *out_count,
                GError   **error)
{
  static const char sql[] = "SELECT COUNT(*) FROM payments WHERE bill_id = ?";
  sqlite3_stmt *stmt = _tb_ledger_stmt (self, sql, error);

  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, bill_id);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      sqlite3_reset (stmt);
      return _tb_ledger_fail (self, error, "count payments");
    }
  *out_count = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  return TRUE;
}

gboolean
tb_ledger_remove_line (TbLedger  *self,
                       gint64     line_id,
                       GError   **error)
{
  static const char find_sql[] = "SELECT bill_id FROM bill_lines WHERE id = ?";
  static const char delete_sql[] = "DELETE FROM bill_lines WHERE id = ?";
  g_autofree char *detail = NULL;
  sqlite3_stmt *stmt;
  gint64 bill_id;
  gint64 n_payments = 0;
  BillState state;

  g_return_val_if_fail (TB_IS_LEDGER (self), FALSE);

  TB_LEDGER_LOCK (self);

  if (!_tb_ledger_begin (self, error))
    return FALSE;

  stmt = _tb_ledger_stmt (self, find_sql, error);
  if (stmt == NULL)
    {
      _tb_ledger_rollback (self);
      return FALSE;
    }
  sqlite3_bind_int64 (stmt, 1, line_id);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      sqlite3_reset (stmt);
      _tb_ledger_rollback (self);
      g_set_error_literal (error, TB_LEDGER_ERROR, TB_LEDGER_ERROR_NOT_FOUND,
                           _("That line is no longer on the bill."));
      return FALSE;
    }
  bill_id = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);

  if (!read_bill_state (self, bill_id, &state, error) ||
      !count_payments (self, bill_id, &n_payments, error))
    {
      _tb_ledger_rollback (self);
      return FALSE;
    }

  if (state.status == TB_BILL_VOID || n_payments > 0)
    {
      _tb_ledger_rollback (self);
      g_set_error_literal (error, TB_LEDGER_ERROR, TB_LEDGER_ERROR_STATE,
                           _("Lines cannot be removed once a payment has been taken on the bill."));
      return FALSE;
    }

  stmt = _tb_ledger_stmt (self, delete_sql, error);
  if (stmt == NULL)
    {
      _tb_ledger_rollback (self);
      return FALSE;
    }
  sqlite3_bind_int64 (stmt, 1, line_id);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      _tb_ledger_fail (self, error, "remove line");
      _tb_ledger_rollback (self);
      return FALSE;
    }

  detail = g_strdup_printf ("line=%" G_GINT64_FORMAT, line_id);
  if (!refresh_bill_totals (self, bill_id, error) ||
      !_tb_ledger_audit (self, "bill.remove_line", "bill", bill_id, detail, error) ||
      !_tb_ledger_commit (self, error))
    {
      _tb_ledger_rollback (self);
      return FALSE;
    }
  return TRUE;
}

gboolean
tb_ledger_void_bill (TbLedger    *self,
                     gint64       bill_id,
                     const char  *reason,
                     GError     **error)
{
  static const char sql[] =
    "UPDATE bills SET status = 'VOID', void_reason = ?, updated_us = ? WHERE id = ?";
  g_autofree char *clean = NULL;
  sqlite3_stmt *stmt;
  gint64 n_payments = 0;
  BillState state;

  g_return_val_if_fail (TB_IS_LEDGER (self), FALSE);

  clean = g_strstrip (g_strdup (reason != NULL && g_utf8_validate (reason, -1, NULL) ? reason : ""));
  if (*clean == '\0')
    {
      g_set_error_literal (error, TB_LEDGER_ERROR, TB_LEDGER_ERROR_INVALID,
                           _("Say why the bill is void."));
      return FALSE;
    }
  if (strlen (clean) > 500)
    {
      g_set_error_literal (error, TB_LEDGER_ERROR, TB_LEDGER_ERROR_INVALID,
                           _("The reason is too long: use at most 500 bytes."));
      return FALSE;
    }

  TB_LEDGER_LOCK (self);

  if (!_tb_ledger_begin (self, error))
    return FALSE;

  if (!read_bill_state (self, bill_id, &state, error) ||
      !count_payments (self, bill_id, &n_payments, error))
    {
      _tb_ledger_rollback (self);
      return FALSE;
    }

  if (state.status == TB_BILL_VOID)
    {
      _tb_ledger_rollback (self);
      g_set_error_literal (error, TB_LEDGER_ERROR, TB_LEDGER_ERROR_STATE,
                           _("This bill is already void."));
      return FALSE;
    }
  if (n_payments > 0)
    {
      _tb_ledger_rollback (self);
      g_set_error_literal (error, TB_LEDGER_ERROR, TB_LEDGER_ERROR_STATE,
                           _("A bill with payments cannot be voided. Refund the payments first."));
      return FALSE;
    }

  stmt = _tb_ledger_stmt (self, sql, error);
  if (stmt == NULL)
    {
      _tb_ledger_rollback (self);
      return FALSE;
    }
  _tb_ledger_bind_text (stmt, 1, clean);
  sqlite3_bind_int64 (stmt, 2, _tb_ledger_now_us ());
  sqlite3_bind_int64 (stmt, 3, bill_id);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      _tb_ledger_fail (self, error, "void bill");
      _tb_ledger_rollback (self);
      return FALSE;
    }

  if (!_tb_ledger_audit (self, "bill.void", "bill", bill_id, clean, error) ||
      !_tb_ledger_commit (self, error))
    {
      _tb_ledger_rollback (self);
      return FALSE;
    }
  return TRUE;
}

/* ---- settlement ----------------------------------------------------------------------- */

static gboolean
validate_settle (const TbSettleRequest  *request,
                 GError                **error)
{
  if (request->amount <= 0 || request->amount > TB_MONEY_MAX)
    {
      g_set_error_literal (error, TB_LEDGER_ERROR, TB_LEDGER_ERROR_INVALID,
                           _("The amount must be more than zero."));
      return FALSE;
    }
  if ((guint) request->method > TB_METHOD_KHQR)
    {
      g_set_error_literal (error, TB_LEDGER_ERROR, TB_LEDGER_ERROR_INVALID,
                           _("Unknown payment method."));
      return FALSE;
    }
  if (request->provider_txn_id != NULL &&
      (*request->provider_txn_id == '\0' || strlen (request->provider_txn_id) > 128 ||
       !g_utf8_validate (request->provider_txn_id, -1, NULL)))
    {
      g_set_error_literal (error, TB_LEDGER_ERROR, TB_LEDGER_ERROR_INVALID,
                           _("The payment reference must be 1 to 128 characters."));
      return FALSE;
    }
  if (request->reference != NULL &&
      (strlen (request->reference) > 255 || !g_utf8_validate (request->reference, -1, NULL)))
    {
      g_set_error_literal (error, TB_LEDGER_ERROR, TB_LEDGER_ERROR_INVALID,
                           _("The payment reference is too long: use at most 255 bytes."));
      return FALSE;
    }
  if (request->tendered < 0 || request->tendered > TB_MONEY_MAX)
    {
      g_set_error_literal (error, TB_LEDGER_ERROR, TB_LEDGER_ERROR_INVALID,
                           _("The amount handed over is not valid."));
      return FALSE;
    }
  return TRUE;
}

static gboolean
find_existing_payment (TbLedger               *self,
                       const TbSettleRequest  *request,
                       const char             *txn_id,
                       gint64                 *out_payment_id,
                       gint64                 *out_bill_id,
                       GError                **error)
{
  static const char sql[] =
    "SELECT id, bill_id FROM payments WHERE method = ? AND provider_txn_id = ?";
  sqlite3_stmt *stmt = _tb_ledger_stmt (self, sql, error);

  if (stmt == NULL)
    return FALSE;

  _tb_ledger_bind_text (stmt, 1, tb_payment_method_to_string (request->method));
  _tb_ledger_bind_text (stmt, 2, txn_id);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      sqlite3_reset (stmt);
      return _tb_ledger_fail (self, error, "find payment");
    }
  *out_payment_id = sqlite3_column_int64 (stmt, 0);
  *out_bill_id = sqlite3_column_int64 (stmt, 1);
  sqlite3_reset (stmt);
  return TRUE;
}

static gboolean
settle_in_transaction (TbLedger               *self,
                       const TbSettleRequest  *request,
                       const char             *txn_id,
                       TbSettleResult         *result,
                       GError                **error)
{
  static const char insert_sql[] =
    "INSERT INTO payments (bill_id, method, amount, provider_txn_id, reference, intent_id, "
    "tendered, created_us) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (method, provider_txn_id) DO NOTHING RETURNING id";
  static const char bill_sql[] =
    "UPDATE bills SET paid = ?, status = ?, overpaid = ?, updated_us = ? WHERE id = ?";
  /* An intent is PAID once its payments cover its amount; a partial payment leaves it open for
   * the rest. A late payment on a CANCELLED or EXPIRED intent that covers it marks it PAID: the
   * money did arrive. */
  static const char intent_sql[] =
    "UPDATE payment_intents SET updated_us = ?1, state = CASE "
    "  WHEN (SELECT COALESCE(SUM(amount), 0) FROM payments WHERE intent_id = ?2) >= amount THEN 'PAID' "
    "  WHEN state = 'NEW' THEN 'PENDING' ELSE state END "
    "WHERE id = ?2 AND bill_id = ?3";
  static const char receipt_sql[] =
    "INSERT INTO receipts (payment_id, state, created_us, updated_us) VALUES (?, ?, ?, ?)";
  g_autofree char *detail = NULL;
  sqlite3_stmt *stmt;
  BillState state;
  gint64 now = _tb_ledger_now_us ();
  gint64 payment_id = 0;
  gint64 paid;
  TbBillStatus status;
  gboolean overpaid;
  int rc;

  if (!read_bill_state (self, request->bill_id, &state, error))
    return FALSE;

  stmt = _tb_ledger_stmt (self, insert_sql, error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, request->bill_id);
  _tb_ledger_bind_text (stmt, 2, tb_payment_method_to_string (request->method));
  sqlite3_bind_int64 (stmt, 3, request->amount);
  _tb_ledger_bind_text (stmt, 4, txn_id);
  _tb_ledger_bind_text (stmt, 5, request->reference);
  if (request->intent_id > 0)
    sqlite3_bind_int64 (stmt, 6, request->intent_id);
  sqlite3_bind_int64 (stmt, 7, request->tendered);
  sqlite3_bind_int64 (stmt, 8, now);

  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    payment_id = sqlite3_column_int64 (stmt, 0);
  else if (rc != SQLITE_DONE)
    {
      sqlite3_reset (stmt);
      return _tb_ledger_fail (self, error, "insert payment");
    }
  /* RETURNING rows are only final once the statement has run to completion. */
  while (rc == SQLITE_ROW)
    rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return _tb_ledger_fail (self, error, "insert payment");

  if (payment_id == 0)
    {
      gint64 existing_bill = 0;

      /* Already recorded: report it and change nothing (the caller rolls back). */
      if (!find_existing_payment (self, request, txn_id, &payment_id, &existing_bill, error))
        return FALSE;
      if (existing_bill != request->bill_id && !read_bill_state (self, existing_bill, &state, error))
        return FALSE;

      result->payment_id = payment_id;
      result->already_settled = TRUE;
      result->status = state.status;
      result->paid = state.paid;
      result->due = state.status == TB_BILL_VOID ? 0 : MAX (state.total - state.paid, 0);
      result->overpaid = is_overpaid (state.status, state.total, state.paid);
      return TRUE;
    }

  paid = state.paid + request->amount;
  status = status_for (state.status, state.total, paid);
  overpaid = is_overpaid (status, state.total, paid);

  stmt = _tb_ledger_stmt (self, bill_sql, error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, paid);
  _tb_ledger_bind_text (stmt, 2, tb_bill_status_to_string (status));
  sqlite3_bind_int (stmt, 3, overpaid ? 1 : 0);
  sqlite3_bind_int64 (stmt, 4, now);
  sqlite3_bind_int64 (stmt, 5, request->bill_id);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    return _tb_ledger_fail (self, error, "update bill");

  if (request->intent_id > 0)
    {
      stmt = _tb_ledger_stmt (self, intent_sql, error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, now);
      sqlite3_bind_int64 (stmt, 2, request->intent_id);
      sqlite3_bind_int64 (stmt, 3, request->bill_id);
      if (sqlite3_step (stmt) != SQLITE_DONE)
        return _tb_ledger_fail (self, error, "update intent");
    }

  /* Ebarimt through QPay covers QPay payments (DESIGN.md §7): queue it with the payment, so a
   * crash between the two can never leave a paid sale without its receipt job. */
  if (request->method == TB_METHOD_QPAY)
    {
      stmt = _tb_ledger_stmt (self, receipt_sql, error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, payment_id);
      _tb_ledger_bind_text (stmt, 2, request->skip_receipt ? "SKIPPED" : "PENDING");
      sqlite3_bind_int64 (stmt, 3, now);
      sqlite3_bind_int64 (stmt, 4, now);
      if (sqlite3_step (stmt) != SQLITE_DONE)
        return _tb_ledger_fail (self, error, "queue receipt");
    }

  detail = g_strdup_printf ("payment=%" G_GINT64_FORMAT " method=%s amount=%" G_GINT64_FORMAT "%s",
                            payment_id, tb_payment_method_to_string (request->method),
                            request->amount, overpaid ? " overpaid" : "");
  if (!_tb_ledger_audit (self, "payment.settle", "bill", request->bill_id, detail, error))
    return FALSE;

  result->payment_id = payment_id;
  result->already_settled = FALSE;
  result->status = status;
  result->paid = paid;
  result->due = status == TB_BILL_VOID ? 0 : MAX (state.total - paid, 0);
  result->overpaid = overpaid;
  return TRUE;
}

gboolean
tb_ledger_settle (TbLedger               *self,
                  const TbSettleRequest  *request,
                  TbSettleResult         *out_result,
                  GError                **error)
{
  g_autofree char *generated = NULL;
  TbSettleResult result = { 0 };
  const char *txn_id;

  g_return_val_if_fail (TB_IS_LEDGER (self), FALSE);
  g_return_val_if_fail (request != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!validate_settle (request, error))
    return FALSE;

  txn_id = request->provider_txn_id;
  if (txn_id == NULL)
    txn_id = generated = g_uuid_string_random ();

  TB_LEDGER_LOCK (self);

  if (!_tb_ledger_begin (self, error))
    return FALSE;

  if (!settle_in_transaction (self, request, txn_id, &result, error))
    {
      _tb_ledger_rollback (self);
      return FALSE;
    }

  if (result.already_settled)
    _tb_ledger_rollback (self);
  else if (!_tb_ledger_commit (self, error))
    return FALSE;

  if (out_result != NULL)
    *out_result = result;
  return TRUE;
}

gboolean
tb_ledger_settle_many (TbLedger               *self,
                       const TbSettleRequest  *requests,
                       guint                   n_requests,
                       TbSettleResult         *out_results,
                       GError                **error)
{
  g_autofree TbSettleResult *results = NULL;
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  gboolean changed = FALSE;

  g_return_val_if_fail (TB_IS_LEDGER (self), FALSE);
  g_return_val_if_fail (n_requests == 0 || requests != NULL, FALSE);

  for (guint i = 0; i < n_requests; i++)
    {
      if (!validate_settle (&requests[i], error))
        return FALSE;
      g_ptr_array_add (ids, requests[i].provider_txn_id != NULL ? g_strdup (requests[i].provider_txn_id)
                                                                 : g_uuid_string_random ());
    }

  results = g_new0 (TbSettleResult, MAX (n_requests, 1));

  TB_LEDGER_LOCK (self);

  if (!_tb_ledger_begin (self, error))
    return FALSE;

  for (guint i = 0; i < n_requests; i++)
    {
      if (!settle_in_transaction (self, &requests[i], ids->pdata[i], &results[i], error))
        {
          _tb_ledger_rollback (self);
          return FALSE;
        }
      changed |= !results[i].already_settled;
    }

  if (!changed)
    _tb_ledger_rollback (self);
  else if (!_tb_ledger_commit (self, error))
    return FALSE;

  if (out_results != NULL && n_requests > 0)
    memcpy (out_results, results, n_requests * sizeof (TbSettleResult));
  return TRUE;
}

/* ---- audit ------------------------------------------------------------------------------ */

void
tb_audit_entry_free (TbAuditEntry *entry)
{
  if (entry == NULL)
    return;
  g_free (entry->actor);
  g_free (entry->action);
  g_free (entry->entity);
  g_free (entry->detail);
  g_free (entry);
}

GPtrArray *
tb_ledger_list_audit (TbLedger  *self,
                      guint      limit,
                      GError   **error)
{
  static const char sql[] =
    "SELECT id, at_us, actor, action, entity, entity_id, detail FROM audit_log "
    "ORDER BY id DESC LIMIT ?";
  g_autoptr(GPtrArray) result = g_ptr_array_new_with_free_func ((GDestroyNotify) tb_audit_entry_free);
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (TB_IS_LEDGER (self), NULL);

  TB_LEDGER_LOCK (self);

  stmt = _tb_ledger_stmt (self, sql, error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int (stmt, 1, (int) MIN (limit, G_MAXINT));
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      TbAuditEntry *entry = g_new0 (TbAuditEntry, 1);

      entry->id = sqlite3_column_int64 (stmt, 0);
      entry->at_us = sqlite3_column_int64 (stmt, 1);
      entry->actor = _tb_ledger_column_text (stmt, 2);
      entry->action = _tb_ledger_column_text (stmt, 3);
      entry->entity = _tb_ledger_column_text (stmt, 4);
      entry->entity_id = sqlite3_column_int64 (stmt, 5);
      entry->detail = _tb_ledger_column_text (stmt, 6);
      g_ptr_array_add (result, entry);
    }
  sqlite3_reset (stmt);

  if (rc != SQLITE_DONE)
    {
      _tb_ledger_fail (self, error, "list audit");
      return NULL;
    }
  return g_steal_pointer (&result);
}
