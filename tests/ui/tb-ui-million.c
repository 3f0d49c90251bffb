/* tb-ui-million.c: a ledger with a million bills, for the list performance test and bench
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gio/gio.h>
#include <sqlite3.h>

#include "core/tb-ledger.h"
#include "tb-ui-million.h"

static const char * const given_names[] = {
  "Батболд", "Сарантуяа", "Энхжаргал", "Ганбаатар", "Оюунчимэг", "Төмөрбаатар", "Нарантуяа",
  "Болормаа", "Баярсайхан", "Мөнхзул", "Anna", "John", "Maria", "David", "Elena",
  "Тэмүүлэн", "Хулан", "Анударь", "Билгүүн", "Номин",
};

static const char * const family_names[] = {
  "Дорж", "Бат", "Ганболд", "Цэцэг", "Пүрэв", "Smith", "Ivanova", "Лхагва", "Сүх", "Очир",
};

static gboolean
sqlite_fail (sqlite3     *db,
             const char  *what,
             GError     **error)
{
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s: %s", what, sqlite3_errmsg (db));
  return FALSE;
}

gboolean
tb_million_generate (const char      *path,
                     guint            n_bills,
                     guint            n_customers,
                     TbMillionStats  *stats,
                     GError         **error)
{
  g_autoptr(TbLedger) ledger = NULL;
  g_autofree gint64 *customer_ids = NULL;
  g_autofree gboolean *is_batbold = NULL;
  g_autoptr(GTimer) timer = g_timer_new ();
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) midnight = NULL;
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 now_us = g_get_real_time ();
  gint64 today_us;
  gint64 start_us;
  guint phone_customer;
  gboolean ok = TRUE;

  g_return_val_if_fail (n_customers > 0, FALSE);

  memset (stats, 0, sizeof *stats);
  stats->n_bills = n_bills;
  stats->n_customers = n_customers;

  midnight = g_date_time_new_local (g_date_time_get_year (now), g_date_time_get_month (now),
                                    g_date_time_get_day_of_month (now), 0, 0, 0);
  today_us = g_date_time_to_unix (midnight) * G_USEC_PER_SEC;
  /* Two years of bills before today. */
  start_us = today_us - (gint64) 730 * 24 * 3600 * G_USEC_PER_SEC;

  ledger = tb_ledger_open (path, error);
  if (ledger == NULL)
    return FALSE;

  customer_ids = g_new0 (gint64, n_customers);
  is_batbold = g_new0 (gboolean, n_customers);
  phone_customer = n_customers / 2;

  for (guint i = 0; i < n_customers; i++)
    {
      const char *given = given_names[i % G_N_ELEMENTS (given_names)];
      const char *family = family_names[(i / G_N_ELEMENTS (given_names)) % G_N_ELEMENTS (family_names)];
      g_autofree char *name = g_strdup_printf ("%s %s", given, family);
      g_autofree char *phone = NULL;
      g_autofree char *tin = NULL;

      if (i == phone_customer)
        phone = g_strdup (TB_MILLION_PHONE);
      else if (i % 3 == 0)
        phone = g_strdup_printf ("88%06u", i);
      if (i % 10 == 7)
        tin = g_strdup_printf ("%07u", 5000000 + i);

      if (!tb_ledger_add_customer (ledger, name, phone, tin, &customer_ids[i], error))
        return FALSE;
      is_batbold[i] = g_str_has_prefix (name, "Батболд");
    }

  /* Straight into SQLite for speed; the schema (and its triggers keeping bill_counts) comes
   * from the ledger's own migrations. */
  if (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK)
    {
      ok = sqlite_fail (db, "open", error);
      sqlite3_close (db);
      return ok;
    }

  sqlite3_busy_timeout (db, 10000);
  if (sqlite3_exec (db, "PRAGMA synchronous=OFF; BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK ||
      sqlite3_prepare_v2 (db,
                          "INSERT INTO bills (id, number, customer_id, currency, status, total, "
                          "vat_e4, city_tax_e4, paid, overpaid, created_us, updated_us) "
                          "VALUES (?1, CAST(?1 AS TEXT), ?2, 'MNT', ?3, ?4, ?5, 0, ?6, 0, ?7, ?7)",
                          -1, &stmt, NULL) != SQLITE_OK)
    {
      ok = sqlite_fail (db, "prepare", error);
      sqlite3_close (db);
      return ok;
    }

  for (guint id = 1; id <= n_bills && ok; id++)
    {
      /* A fixed pseudo-random mix, so every run has the same counts. */
      guint32 r = (guint32) id * 2654435761u;
      guint customer = (r >> 8) % n_customers;
      gboolean walk_in = (r % 10) < 3;
      guint kind = (r >> 4) % 100;
      const char *status;
      gint64 total = (gint64) (1 + (r >> 12) % 200) * 50000;   /* 500 … 100 000 ₮ */
      gint64 paid;
      gint64 created;

      if (kind < 70)
        status = "PAID", paid = total;
      else if (kind < 95)
        status = "OPEN", paid = 0;
      else if (kind < 98)
        status = "PARTIAL", paid = total / 2;
      else
        status = "VOID", paid = 0;

      if (id + 300 > n_bills)
        created = today_us + (gint64) (id + 300 - n_bills) * G_USEC_PER_SEC;
      else
        created = start_us + (today_us - start_us) / n_bills * id;
      created = MIN (created, now_us);

      sqlite3_bind_int64 (stmt, 1, id);
      if (walk_in)
        sqlite3_bind_null (stmt, 2);
      else
        sqlite3_bind_int64 (stmt, 2, customer_ids[customer]);
      sqlite3_bind_text (stmt, 3, status, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 4, total);
      sqlite3_bind_int64 (stmt, 5, total * 1000 / 110);   /* VAT = gross × 10/110, in 1/10000 ₮ */
      sqlite3_bind_int64 (stmt, 6, paid);
      sqlite3_bind_int64 (stmt, 7, created);

      if (sqlite3_step (stmt) != SQLITE_DONE)
        ok = sqlite_fail (db, "insert", error);
      sqlite3_reset (stmt);

      if (g_str_equal (status, "OPEN") || g_str_equal (status, "PARTIAL"))
        stats->n_open++;
      else if (g_str_equal (status, "PAID"))
        stats->n_paid++;
      if (!walk_in && is_batbold[customer])
        stats->n_with_batbold++;
      if (!walk_in && customer == phone_customer)
        stats->n_with_phone++;
    }

  sqlite3_finalize (stmt);
  if (ok && sqlite3_exec (db, "COMMIT; PRAGMA optimize", NULL, NULL, NULL) != SQLITE_OK)
    ok = sqlite_fail (db, "commit", error);
  sqlite3_close (db);

  stats->seconds = g_timer_elapsed (timer, NULL);

  return ok;
}
