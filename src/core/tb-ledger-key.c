/* tb-ledger-key.c: the personal-data key of a ledger: found, never silently replaced
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <openssl/crypto.h>
#include <string.h>

#include "tb-ledger-private.h"

/* docs/ledger.md, "Sealed personal data". A new key is made only for a ledger that has never
 * sealed anything and has no key check: once it has either, a missing key file or another
 * ledger's key refuses to open, and nothing is written. */

typedef struct
{
  char   *fingerprint;   /* stored key check, or NULL (before schema 5, or never written) */
  GBytes *sample;        /* one sealed value, or NULL when nothing is sealed */
} KeyState;

static void
key_state_clear (KeyState *state)
{
  g_clear_pointer (&state->fingerprint, g_free);
  g_clear_pointer (&state->sample, g_bytes_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (KeyState, key_state_clear)

static gboolean
sql_fail (sqlite3     *db,
          const char  *path,
          GError     **error)
{
  g_set_error (error, TB_LEDGER_ERROR, TB_LEDGER_ERROR_OPEN,
               _("Could not open the ledger “%s”: %s"), path, sqlite3_errmsg (db));
  return FALSE;
}

/* Runs @sql (no parameters) and keeps column 0 of its first row in *@out (text or blob). */
static gboolean
query_first (sqlite3     *db,
             const char  *path,
             const char  *sql,
             GBytes     **out,
             GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) != SQLITE_OK)
    return sql_fail (db, path, error);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW && sqlite3_column_type (stmt, 0) != SQLITE_NULL)
    *out = g_bytes_new (sqlite3_column_blob (stmt, 0), (gsize) sqlite3_column_bytes (stmt, 0));
  sqlite3_finalize (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return sql_fail (db, path, error);
  return TRUE;
}

static gboolean
read_key_state (sqlite3     *db,
                const char  *path,
                KeyState    *state,
                GError     **error)
{
  g_autoptr(GBytes) fingerprint = NULL;
  g_autoptr(GString) sql = NULL;
  sqlite3_stmt *stmt = NULL;
  int version = 0;

  if (sqlite3_prepare_v2 (db, "PRAGMA user_version", -1, &stmt, NULL) != SQLITE_OK)
    return sql_fail (db, path, error);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    version = sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);
  if (version < 1)
    return TRUE;

  if (version >= 5)
    {
      if (!query_first (db, path, "SELECT fingerprint FROM ledger_key WHERE id = 1", &fingerprint, error))
        return FALSE;
      if (fingerprint != NULL)
        state->fingerprint = g_strndup (g_bytes_get_data (fingerprint, NULL), g_bytes_get_size (fingerprint));
    }

  sql = g_string_new ("SELECT v FROM ("
                      "SELECT phone_sealed AS v FROM customers WHERE phone_sealed IS NOT NULL"
                      " UNION ALL SELECT register_sealed FROM customers WHERE register_sealed IS NOT NULL"
                      " UNION ALL SELECT receiver_sealed FROM receipts WHERE receiver_sealed IS NOT NULL");
  if (version >= 2)
    g_string_append (sql, " UNION ALL SELECT receipt_phone_sealed FROM bills WHERE receipt_phone_sealed IS NOT NULL");
  g_string_append (sql, ") LIMIT 1");
  return query_first (db, path, sql->str, &state->sample, error);
}

char *
tb_ledger_key_path (const char *path)
{
  return g_strconcat (path, ".key", NULL);
}

static void
set_missing (GError     **error,
             const char  *path,
             const char  *key_path)
{
  g_set_error (error, TB_LEDGER_ERROR, TB_LEDGER_ERROR_KEY_MISSING,
               _("The key file “%s” of the ledger “%s” is missing, so its customers’ phone and register numbers cannot be read. Restore that file from your backup, or run “tulbur-cli key import” with the ledger’s recovery key."),
               key_path, path);
}

static void
set_mismatch (GError     **error,
              const char  *path,
              const char  *key_path)
{
  g_set_error (error, TB_LEDGER_ERROR, TB_LEDGER_ERROR_KEY_MISMATCH,
               _("The key file “%s” does not belong to the ledger “%s”. Put this ledger’s own key file back, or move this one away and run “tulbur-cli key import” with the ledger’s recovery key."),
               key_path, path);
}

/* Whether @seal is the key @state was sealed with, as far as it can tell. */
static gboolean
key_matches (TbSeal         *seal,
             const KeyState *state)
{
  g_autofree char *fingerprint = tb_seal_fingerprint (seal);
  g_autofree char *plain = NULL;

  if (state->fingerprint != NULL)
    return fingerprint != NULL && g_str_equal (fingerprint, state->fingerprint);
  if (state->sample == NULL)
    return TRUE;
  plain = tb_seal_decrypt (seal, g_bytes_get_data (state->sample, NULL),
                           g_bytes_get_size (state->sample), NULL);
  if (plain != NULL)
    OPENSSL_cleanse (plain, strlen (plain));
  return plain != NULL;
}

gboolean
_tb_ledger_open_key (TbLedger  *self,
                     GError   **error)
{
  g_autofree char *key_path = tb_ledger_key_path (self->path);
  g_auto(KeyState) state = { NULL, NULL };
  g_autoptr(GError) local = NULL;

  self->seal = tb_seal_load (key_path, &local);
  if (self->seal != NULL)
    return TRUE;
  if (!g_error_matches (local, TB_LEDGER_ERROR, TB_LEDGER_ERROR_KEY_MISSING))
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }

  if (!read_key_state (self->db, self->path, &state, error))
    return FALSE;
  if (state.fingerprint != NULL || state.sample != NULL)
    {
      /* Every key is linked into place before anything is sealed or checked with it: a desk
       * starting at the same moment may have created it since we looked. */
      g_clear_error (&local);
      self->seal = tb_seal_load (key_path, &local);
      if (self->seal != NULL)
        return TRUE;
      if (g_error_matches (local, TB_LEDGER_ERROR, TB_LEDGER_ERROR_KEY_MISSING))
        set_missing (error, self->path, key_path);
      else
        g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }

  self->seal = tb_seal_create (key_path, error);
  return self->seal != NULL;
}

static gboolean
check_key (TbLedger  *self,
           gpointer   data,
           GError   **error)
{
  g_auto(KeyState) state = { NULL, NULL };
  g_autofree char *fingerprint = NULL;
  sqlite3_stmt *stmt;

  if (!read_key_state (self->db, self->path, &state, error))
    return FALSE;
  if (!key_matches (self->seal, &state))
    {
      g_autofree char *key_path = tb_ledger_key_path (self->path);

      set_mismatch (error, self->path, key_path);
      return FALSE;
    }
  if (state.fingerprint != NULL)
    return TRUE;

  fingerprint = tb_seal_fingerprint (self->seal);
  stmt = _tb_ledger_stmt (self, "INSERT INTO ledger_key (id, fingerprint) VALUES (1, ?)", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, fingerprint, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    return _tb_ledger_fail (self, error, "ledger_key");
  return TRUE;
}

gboolean
_tb_ledger_check_key (TbLedger  *self,
                      GError   **error)
{
  g_auto(KeyState) state = { NULL, NULL };

  /* Read first without the write lock: a ledger checked already needs no write. */
  if (!read_key_state (self->db, self->path, &state, error))
    return FALSE;
  if (state.fingerprint != NULL && !key_matches (self->seal, &state))
    {
      g_autofree char *key_path = tb_ledger_key_path (self->path);

      set_mismatch (error, self->path, key_path);
      return FALSE;
    }
  if (state.fingerprint != NULL)
    return TRUE;
  return _tb_ledger_write (self, check_key, NULL, error);
}

char *
tb_ledger_export_key (TbLedger  *self,
                      char     **out_fingerprint)
{
  g_return_val_if_fail (TB_IS_LEDGER (self), NULL);

  if (out_fingerprint != NULL)
    *out_fingerprint = tb_seal_fingerprint (self->seal);
  return tb_seal_to_recovery (self->seal);
}

/* The ledger's key state, read on a read-only connection of its own: the ledger itself will
 * not open without its key. */
static gboolean
read_file_key_state (const char  *path,
                     KeyState    *state,
                     GError     **error)
{
  sqlite3 *db = NULL;
  gboolean ok;

  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, TB_LEDGER_ERROR, TB_LEDGER_ERROR_NOT_FOUND,
                   _("There is no ledger “%s”."), path);
      return FALSE;
    }
  if (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
    ok = sql_fail (db, path, error);
  else
    {
      sqlite3_busy_timeout (db, 10000);
      ok = read_key_state (db, path, state, error);
    }
  sqlite3_close_v2 (db);
  return ok;
}

gboolean
tb_ledger_import_key (const char  *path,
                      const char  *recovery,
                      char       **out_fingerprint,
                      GError     **error)
{
  g_autofree char *key_path = tb_ledger_key_path (path);
  g_auto(KeyState) state = { NULL, NULL };
  g_autoptr(TbSeal) seal = NULL;
  g_autoptr(TbSeal) present = NULL;
  g_autoptr(GError) local = NULL;

  g_return_val_if_fail (path != NULL && recovery != NULL, FALSE);

  seal = tb_seal_from_recovery (recovery, error);
  if (seal == NULL || !read_file_key_state (path, &state, error))
    return FALSE;
  if (!key_matches (seal, &state))
    {
      g_set_error (error, TB_LEDGER_ERROR, TB_LEDGER_ERROR_KEY_MISMATCH,
                   _("This recovery key does not belong to the ledger “%s”."), path);
      return FALSE;
    }

  if (!tb_seal_save (seal, key_path, &local))
    {
      /* The same key already in place is not an error; any other file there is kept. */
      present = g_error_matches (local, TB_LEDGER_ERROR, TB_LEDGER_ERROR_STATE)
                ? tb_seal_load (key_path, NULL) : NULL;
      if (present == NULL || !tb_seal_equal (present, seal))
        {
          g_propagate_error (error, g_steal_pointer (&local));
          return FALSE;
        }
    }

  if (out_fingerprint != NULL)
    *out_fingerprint = tb_seal_fingerprint (seal);
  return TRUE;
}
