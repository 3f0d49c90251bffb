/* test-ledger-key.c: the personal-data key is never replaced silently
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/tb-ledger.h"
#include "core/tb-seal.h"
#include "tb-test-utils.h"

typedef struct
{
  char   *dir;
  char   *path;
  char   *key;
  gint64  customer_id;
} Fixture;

/* A ledger holding one customer with a sealed phone, closed. */
static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TbLedger) ledger = NULL;

  f->dir = tb_test_tmpdir_new ();
  f->path = g_build_filename (f->dir, "ledger.db", NULL);
  f->key = tb_ledger_key_path (f->path);
  ledger = tb_ledger_open (f->path, &error);
  g_assert_no_error (error);
  g_assert_true (tb_ledger_add_customer (ledger, "Болд", "9911-2233", "УБ12345678",
                                         &f->customer_id, &error));
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_free (f->key);
  g_free (f->path);
  tb_test_tmpdir_free (f->dir);
}

static void
raw_exec (const char *path,
          const char *sql)
{
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
}

static GBytes *
file_bytes (const char *path)
{
  char *contents = NULL;
  gsize len = 0;

  if (!g_file_get_contents (path, &contents, &len, NULL))
    return NULL;
  return g_bytes_new_take (contents, len);
}

static void
assert_phone_readable (const Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TbLedger) ledger = tb_ledger_open (f->path, &error);
  g_autoptr(TbCustomer) customer = NULL;

  g_assert_no_error (error);
  customer = tb_ledger_get_customer (ledger, f->customer_id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (customer->phone, ==, "99112233");
}

/* Opening must fail with @code, write nothing, and create no key. */
static GError *
open_refused (const Fixture *f,
              int            code)
{
  g_autoptr(GBytes) before = file_bytes (f->path);
  g_autoptr(GBytes) key_before = file_bytes (f->key);
  g_autoptr(GBytes) after = NULL;
  g_autoptr(GBytes) key_after = NULL;
  GError *error = NULL;
  TbLedger *ledger = tb_ledger_open (f->path, &error);

  g_assert_null (ledger);
  g_assert_error (error, TB_LEDGER_ERROR, code);
  after = file_bytes (f->path);
  key_after = file_bytes (f->key);
  g_assert_true (g_bytes_equal (before, after));
  g_assert_true ((key_before == NULL) == (key_after == NULL));
  if (key_before != NULL)
    g_assert_true (g_bytes_equal (key_before, key_after));
  return error;
}

static void
test_missing (Fixture       *f,
              gconstpointer  data)
{
  g_autofree char *saved = g_strconcat (f->path, ".saved", NULL);
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_rename (f->key, saved), ==, 0);
  error = open_refused (f, TB_LEDGER_ERROR_KEY_MISSING);
  g_assert_nonnull (strstr (error->message, f->key));
  g_assert_nonnull (strstr (error->message, "tulbur-cli key import"));
  g_assert_false (g_file_test (f->key, G_FILE_TEST_EXISTS));
  /* Again: the failed open left nothing behind that would make the next one succeed. */
  g_clear_error (&error);
  error = open_refused (f, TB_LEDGER_ERROR_KEY_MISSING);

  /* The right key restored: it opens and the phone reads back. */
  g_assert_cmpint (g_rename (saved, f->key), ==, 0);
  assert_phone_readable (f);
}

/* A ledger that has been opened once has a key check: even with nothing sealed yet, a lost key
 * is reported (the next customer would be sealed under a key no backup has). */
static void
test_missing_checked_only (void)
{
  g_autofree char *dir = tb_test_tmpdir_new ();
  g_autofree char *path = g_build_filename (dir, "empty.db", NULL);
  g_autofree char *key = tb_ledger_key_path (path);
  g_autoptr(GError) error = NULL;
  TbLedger *ledger = tb_ledger_open (path, &error);

  g_assert_no_error (error);
  g_assert_finalize_object (ledger);
  g_assert_cmpint (tb_test_sql_int (path, "SELECT COUNT(*) FROM ledger_key"), ==, 1);
  g_assert_cmpint (g_unlink (key), ==, 0);
  g_assert_null (tb_ledger_open (path, &error));
  g_assert_error (error, TB_LEDGER_ERROR, TB_LEDGER_ERROR_KEY_MISSING);
  g_assert_false (g_file_test (key, G_FILE_TEST_EXISTS));

  tb_test_tmpdir_free (g_steal_pointer (&dir));
}

static void
copy_file (const char *from,
           const char *to)
{
  g_autoptr(GBytes) bytes = file_bytes (from);

  g_assert_nonnull (bytes);
  g_unlink (to);
  g_assert_true (g_file_set_contents_full (to, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                                           G_FILE_SET_CONTENTS_NONE, 0600, NULL));
}

static void
test_mismatch (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *other = g_build_filename (f->dir, "other.db", NULL);
  g_autofree char *other_key = tb_ledger_key_path (other);
  g_autofree char *saved = g_strconcat (f->path, ".saved", NULL);
  g_autoptr(GError) error = NULL;
  TbLedger *ledger = tb_ledger_open (other, &error);

  g_assert_no_error (error);
  g_assert_finalize_object (ledger);

  g_assert_cmpint (g_rename (f->key, saved), ==, 0);
  copy_file (other_key, f->key);
  error = open_refused (f, TB_LEDGER_ERROR_KEY_MISMATCH);
  g_assert_nonnull (strstr (error->message, f->key));

  g_assert_cmpint (g_unlink (f->key), ==, 0);
  g_assert_cmpint (g_rename (saved, f->key), ==, 0);
  assert_phone_readable (f);
}

/* A ledger whose key check is not stored yet (one from before schema 5, simulated by removing
 * the fingerprint: a real schema-4 file cannot be made by rolling a newer one back) with sealed
 * data: the key is tried on a sealed value before its fingerprint is stored, so a wrong key is
 * refused there too. */
static void
test_mismatch_before_check (Fixture       *f,
                            gconstpointer  data)
{
  g_autofree char *other = g_build_filename (f->dir, "other.db", NULL);
  g_autofree char *other_key = tb_ledger_key_path (other);
  g_autofree char *saved = g_strconcat (f->path, ".saved", NULL);
  g_autoptr(GError) error = NULL;
  TbLedger *ledger = tb_ledger_open (other, &error);

  g_assert_no_error (error);
  g_assert_finalize_object (ledger);
  raw_exec (f->path, "DELETE FROM ledger_key");

  g_assert_cmpint (g_rename (f->key, saved), ==, 0);
  g_assert_null (tb_ledger_open (f->path, &error));
  g_assert_error (error, TB_LEDGER_ERROR, TB_LEDGER_ERROR_KEY_MISSING);
  g_clear_error (&error);
  copy_file (other_key, f->key);
  g_assert_null (tb_ledger_open (f->path, &error));
  g_assert_error (error, TB_LEDGER_ERROR, TB_LEDGER_ERROR_KEY_MISMATCH);

  g_assert_cmpint (g_unlink (f->key), ==, 0);
  g_assert_cmpint (g_rename (saved, f->key), ==, 0);
  assert_phone_readable (f);
  g_assert_cmpint (tb_test_sql_int (f->path, "SELECT COUNT(*) FROM ledger_key"), ==, 1);
}

static void
test_permissions (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_chmod (f->key, 0644), ==, 0);
  g_assert_null (tb_ledger_open (f->path, &error));
  g_assert_error (error, TB_LEDGER_ERROR, TB_LEDGER_ERROR_OPEN);
  g_assert_nonnull (strstr (error->message, "chmod 600"));
  g_assert_cmpint (g_chmod (f->key, 0600), ==, 0);
  assert_phone_readable (f);
}

static void
test_damaged (Fixture       *f,
              gconstpointer  data)
{
  g_autofree char *saved = g_strconcat (f->path, ".saved", NULL);
  g_autoptr(GError) error = NULL;
  int fd;

  g_assert_cmpint (g_rename (f->key, saved), ==, 0);

  /* Short. */
  g_assert_true (g_file_set_contents_full (f->key, "short", 5, G_FILE_SET_CONTENTS_NONE, 0600, NULL));
  g_assert_null (tb_ledger_open (f->path, &error));
  g_assert_error (error, TB_LEDGER_ERROR, TB_LEDGER_ERROR_OPEN);
  g_assert_nonnull (strstr (error->message, "damaged"));
  g_clear_error (&error);

  /* Huge (sparse, 4 GiB): refused from its size, never read. */
  fd = g_open (f->key, O_WRONLY | O_TRUNC, 0600);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (ftruncate (fd, (off_t) 4 << 30), ==, 0);
  close (fd);
  g_assert_null (tb_ledger_open (f->path, &error));
  g_assert_error (error, TB_LEDGER_ERROR, TB_LEDGER_ERROR_OPEN);
  g_assert_nonnull (strstr (error->message, "damaged"));

  g_assert_cmpint (g_unlink (f->key), ==, 0);
  g_assert_cmpint (g_rename (saved, f->key), ==, 0);
  assert_phone_readable (f);
}

static void
test_recovery (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TbLedger) ledger = tb_ledger_open (f->path, &error);
  g_autofree char *fingerprint = NULL;
  g_autofree char *text = tb_ledger_export_key (ledger, &fingerprint);
  g_autofree char *lower = g_ascii_strdown (text, -1);
  g_autofree char *typo = g_strdup (text);
  g_autoptr(TbSeal) from_lower = NULL;
  g_autoptr(TbSeal) from_typo = NULL;
  g_autofree char *fingerprint2 = NULL;

  g_assert_no_error (error);
  g_assert_cmpuint (strlen (fingerprint), ==, 64);
  g_assert_cmpuint (tb_test_sql_int (f->path, "SELECT COUNT(*) FROM ledger_key WHERE length (fingerprint) = 64"), ==, 1);
  /* 112 letters in groups of four, seven groups a line. */
  g_assert_cmpuint (strlen (text), ==, 112 + 27);
  g_assert_cmpint (text[4], ==, '-');
  g_assert_cmpint (text[34], ==, '\n');

  from_lower = tb_seal_from_recovery (lower, &error);
  g_assert_no_error (error);
  fingerprint2 = tb_seal_fingerprint (from_lower);
  g_assert_cmpstr (fingerprint2, ==, fingerprint);

  typo[7] = typo[7] == 'A' ? 'B' : 'A';
  from_typo = tb_seal_from_recovery (typo, &error);
  g_assert_null (from_typo);
  g_assert_error (error, TB_LEDGER_ERROR, TB_LEDGER_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (tb_seal_from_recovery ("ABCD", &error));
  g_assert_error (error, TB_LEDGER_ERROR, TB_LEDGER_ERROR_INVALID);
}

static void
test_import (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *other = g_build_filename (f->dir, "other.db", NULL);
  g_autofree char *other_key = tb_ledger_key_path (other);
  g_autoptr(TbLedger) ledger = tb_ledger_open (f->path, &error);
  g_autoptr(TbLedger) other_ledger = tb_ledger_open (other, &error);
  g_autofree char *text = tb_ledger_export_key (ledger, NULL);
  g_autofree char *other_text = tb_ledger_export_key (other_ledger, NULL);
  g_autofree char *fingerprint = NULL;
  struct stat st;

  g_assert_no_error (error);
  g_clear_object (&ledger);
  g_assert_cmpint (g_unlink (f->key), ==, 0);

  /* Another ledger's key is refused and writes nothing. */
  g_assert_false (tb_ledger_import_key (f->path, other_text, NULL, &error));
  g_assert_error (error, TB_LEDGER_ERROR, TB_LEDGER_ERROR_KEY_MISMATCH);
  g_assert_false (g_file_test (f->key, G_FILE_TEST_EXISTS));
  g_clear_error (&error);

  g_assert_true (tb_ledger_import_key (f->path, text, &fingerprint, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_stat (f->key, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  assert_phone_readable (f);

  /* The same key again is fine; a different key file there is never replaced. */
  g_assert_true (tb_ledger_import_key (f->path, text, NULL, &error));
  g_assert_no_error (error);
  copy_file (other_key, f->key);
  g_assert_false (tb_ledger_import_key (f->path, text, NULL, &error));
  g_assert_error (error, TB_LEDGER_ERROR, TB_LEDGER_ERROR_STATE);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(name, fn) g_test_add ("/tulbur/ledger-key/" name, Fixture, NULL, fixture_setup, fn, fixture_teardown)
  ADD ("missing", test_missing);
  ADD ("mismatch", test_mismatch);
  ADD ("mismatch-before-check", test_mismatch_before_check);
  ADD ("permissions", test_permissions);
  ADD ("damaged", test_damaged);
  ADD ("recovery", test_recovery);
  ADD ("import", test_import);
#undef ADD
  g_test_add_func ("/tulbur/ledger-key/missing-checked-only", test_missing_checked_only);

  return g_test_run ();
}
