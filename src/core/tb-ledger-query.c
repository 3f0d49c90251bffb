/* tb-ledger-query.c: bill lists and counts
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "tb-ledger-private.h"
#include "tb-money.h"

/* The bill list must stay instant with a million bills, so every query here walks an index:
 * - no search: bills (status, id) or the primary key, newest first; counts come from
 *   bill_counts, which triggers keep current;
 * - a search: a bill-number prefix is a range on the UNIQUE(number) index; a name prefix is a
 *   range on customers(name_key) joined through bills(customer_id, id); a whole phone number is
 *   one look-up of its keyed hash. */

static gint64
local_midnight_us (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) midnight = g_date_time_new_local (g_date_time_get_year (now),
                                                         g_date_time_get_month (now),
                                                         g_date_time_get_day_of_month (now),
                                                         0, 0, 0);

  return g_date_time_to_unix (midnight) * G_USEC_PER_SEC;
}

/* Binding for the status part of the WHERE clause: ?1 and ?2 are the allowed statuses (NULL =
 * any), ?3 the lower bound on created_us. */
static void
bind_filter (sqlite3_stmt *stmt,
             TbBillFilter  filter)
{
  const char *a = NULL;
  const char *b = NULL;
  gint64 since = 0;

  switch (filter)
    {
    case TB_BILL_FILTER_OPEN:
      a = "OPEN";
      b = "PARTIAL";
      break;
    case TB_BILL_FILTER_OPEN_ONLY:
      a = b = "OPEN";
      break;
    case TB_BILL_FILTER_PARTIAL:
      a = b = "PARTIAL";
      break;
    case TB_BILL_FILTER_PAID:
      a = b = "PAID";
      break;
    case TB_BILL_FILTER_VOID:
      a = b = "VOID";
      break;
    case TB_BILL_FILTER_TODAY:
      since = local_midnight_us ();
      break;
    case TB_BILL_FILTER_ALL:
    default:
      break;
    }

  _tb_ledger_bind_text (stmt, 1, a);
  _tb_ledger_bind_text (stmt, 2, b);
  sqlite3_bind_int64 (stmt, 3, since);
}

typedef struct
{
  char *number_lo;   /* digits typed: number range [lo, hi) */
  char *number_hi;
  char *name_key;    /* case-folded prefix */
  char *name_hi;
  char *phone_hash;  /* whole phone number */
} Search;

static void
search_clear (Search *search)
{
  g_free (search->number_lo);
  g_free (search->number_hi);
  g_free (search->name_key);
  g_free (search->name_hi);
  g_free (search->phone_hash);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Search, search_clear)

/* Fills @search; FALSE when the text is empty (no search). */
static gboolean
prepare_search (TbLedger   *self,
                const char *text,
                Search     *search)
{
  g_autofree char *clean = NULL;
  g_autofree char *normalized = NULL;
  g_autofree char *digits = NULL;
  const char *number = NULL;
  gboolean all_digits = TRUE;

  if (text == NULL)
    return FALSE;

  clean = g_strstrip (g_strdup (text));
  if (*clean == '\0' || !g_utf8_validate (clean, -1, NULL))
    return FALSE;

  number = clean[0] == '#' ? clean + 1 : clean;
  for (const char *p = number; *p != '\0'; p++)
    if (!g_ascii_isdigit (*p))
      all_digits = FALSE;

  if (all_digits && *number != '\0')
    {
      gsize len = strlen (number);

      /* Prefix range on the text column: "12" matches "12", "120"…"129", "1200"…; the upper
       * bound is the prefix with its last character incremented ('9'+1 = ':'). */
      search->number_lo = g_strdup (number);
      search->number_hi = g_strdup (number);
      search->number_hi[len - 1]++;
    }

  normalized = g_utf8_normalize (clean, -1, G_NORMALIZE_ALL);
  search->name_key = g_utf8_casefold (normalized != NULL ? normalized : clean, -1);
  search->name_hi = g_strconcat (search->name_key, "\xf4\x8f\xbf\xbf", NULL);

  digits = tb_seal_normalize_phone (clean);
  if (digits != NULL && strlen (digits) >= 6 && strlen (digits) == strlen (clean))
    search->phone_hash = tb_seal_hash (self->seal, digits);

  return TRUE;
}

/* ?4/?5 number range, ?6/?7 name range, ?8 phone hash. */
static void
bind_search (sqlite3_stmt *stmt,
             const Search *search)
{
  _tb_ledger_bind_text (stmt, 4, search->number_lo);
  _tb_ledger_bind_text (stmt, 5, search->number_hi);
  _tb_ledger_bind_text (stmt, 6, search->name_key);
  _tb_ledger_bind_text (stmt, 7, search->name_hi);
  _tb_ledger_bind_text (stmt, 8, search->phone_hash);
}

/* The filter as SQL, one static statement per shape so that the statement cache (keyed by the
 * SQL's address) holds them all: ?1 the status, ?3 the lower bound of created_us. */
typedef enum
{
  SHAPE_ALL,
  SHAPE_STATUS,
  SHAPE_OPEN,
  SHAPE_TODAY,
} Shape;

static Shape
shape_for (TbBillFilter filter)
{
  switch (filter)
    {
    case TB_BILL_FILTER_OPEN:
      return SHAPE_OPEN;
    case TB_BILL_FILTER_TODAY:
      return SHAPE_TODAY;
    case TB_BILL_FILTER_OPEN_ONLY:
    case TB_BILL_FILTER_PARTIAL:
    case TB_BILL_FILTER_PAID:
    case TB_BILL_FILTER_VOID:
      return SHAPE_STATUS;
    case TB_BILL_FILTER_ALL:
    default:
      return SHAPE_ALL;
    }
}

#define SELECT_BILLS "SELECT " TB_LEDGER_BILL_COLUMNS TB_LEDGER_BILL_FROM

/* No search: each filter is an index range read newest first ((status, id), (is_open, id),
 * created_us), so a page costs the same at the top and deep down. */
static const char *const plain_sql[] = {
  [SHAPE_ALL]    = SELECT_BILLS " WHERE b.id <= (SELECT COALESCE(MAX(id), 0) FROM bills) - ?10"
                   " ORDER BY b.id DESC LIMIT ?9",
  [SHAPE_STATUS] = SELECT_BILLS " WHERE b.status = ?1 ORDER BY b.id DESC LIMIT ?9 OFFSET ?10",
  [SHAPE_OPEN]   = SELECT_BILLS " WHERE b.is_open = 1 ORDER BY b.id DESC LIMIT ?9 OFFSET ?10",
  [SHAPE_TODAY]  = SELECT_BILLS " WHERE b.created_us >= ?3 ORDER BY b.id DESC LIMIT ?9 OFFSET ?10",
};

/* A narrow search (few matches): collect the matching ids through their own indexes, then read
 * those rows; the unary + keeps SQLite from walking a filter index instead. */
#define SEARCH_IDS \
  "SELECT id FROM bills WHERE ?4 IS NOT NULL AND number >= ?4 AND number < ?5 " \
  "UNION SELECT b2.id FROM customers c2 JOIN bills b2 ON b2.customer_id = c2.id " \
  "  WHERE c2.name_key >= ?6 AND c2.name_key < ?7 " \
  "UNION SELECT b3.id FROM customers c3 JOIN bills b3 ON b3.customer_id = c3.id " \
  "  WHERE ?8 IS NOT NULL AND c3.phone_hash = ?8"
#define NARROW(filter) \
  SELECT_BILLS " WHERE b.id IN (" SEARCH_IDS ")" filter " ORDER BY b.id DESC LIMIT ?9 OFFSET ?10"
static const char *const narrow_sql[] = {
  [SHAPE_ALL]    = NARROW (""),
  [SHAPE_STATUS] = NARROW (" AND +b.status = ?1"),
  [SHAPE_OPEN]   = NARROW (" AND +b.is_open = 1"),
  [SHAPE_TODAY]  = NARROW (" AND +b.created_us >= ?3"),
};

/* A broad search ("1", a common name): walk the bills newest first through the filter's index
 * and test each against the matches, stopping once the page is full. */
#define MATCHES \
  "(+b.customer_id IN (SELECT id FROM customers WHERE name_key >= ?6 AND name_key < ?7)" \
  " OR (?4 IS NOT NULL AND +b.number >= ?4 AND +b.number < ?5)" \
  " OR (?8 IS NOT NULL AND +b.customer_id IN (SELECT id FROM customers WHERE phone_hash = ?8)))"
#define BROAD(filter) \
  SELECT_BILLS " WHERE " MATCHES filter " ORDER BY b.id DESC LIMIT ?9 OFFSET ?10"
static const char *const broad_sql[] = {
  [SHAPE_ALL]    = BROAD (""),
  [SHAPE_STATUS] = BROAD (" AND b.status = ?1"),
  [SHAPE_OPEN]   = BROAD (" AND b.is_open = 1"),
  [SHAPE_TODAY]  = BROAD (" AND b.created_us >= ?3"),
};

#define BROAD_THRESHOLD 500

/* Cheap upper-bounded count of the matches (each arm stops at the threshold). */
static gboolean
search_is_broad (TbLedger     *self,
                 const Search *search)
{
  static const char sql[] =
    "SELECT (SELECT COUNT(*) FROM (SELECT 1 FROM bills WHERE ?4 IS NOT NULL AND number >= ?4 AND number < ?5 LIMIT ?1))"
    " + (SELECT COUNT(*) FROM (SELECT 1 FROM customers c JOIN bills b ON b.customer_id = c.id"
    "    WHERE c.name_key >= ?6 AND c.name_key < ?7 LIMIT ?1))";
  sqlite3_stmt *stmt = _tb_ledger_read_stmt (self, sql, NULL);
  gboolean broad = FALSE;

  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int (stmt, 1, BROAD_THRESHOLD);
  bind_search (stmt, search);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    broad = sqlite3_column_int (stmt, 0) >= BROAD_THRESHOLD;
  sqlite3_reset (stmt);
  return broad;
}

static GPtrArray *
collect_bills (TbLedger      *self,
               sqlite3_stmt  *stmt,
               GError       **error)
{
  g_autoptr(GPtrArray) result = g_ptr_array_new_with_free_func ((GDestroyNotify) tb_bill_free);
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (result, _tb_ledger_read_bill_row (stmt));
  sqlite3_reset (stmt);

  if (rc != SQLITE_DONE)
    {
      _tb_ledger_read_fail (self, error, "list bills");
      return NULL;
    }
  return g_steal_pointer (&result);
}

GPtrArray *
tb_ledger_list_bills (TbLedger      *self,
                      TbBillFilter   filter,
                      const char    *search_text,
                      guint          offset,
                      guint          limit,
                      GError       **error)
{
  g_auto(Search) search = { 0 };
  Shape shape = shape_for (filter);
  const char *sql;
  sqlite3_stmt *stmt;
  gboolean searching;

  g_return_val_if_fail (TB_IS_LEDGER (self), NULL);

  limit = MIN (limit, 1000);

  TB_LEDGER_READ_LOCK (self);

  searching = prepare_search (self, search_text, &search);
  if (!searching)
    sql = plain_sql[shape];
  else if (search_is_broad (self, &search))
    sql = broad_sql[shape];
  else
    sql = narrow_sql[shape];

  stmt = _tb_ledger_read_stmt (self, sql, error);
  if (stmt == NULL)
    return NULL;

  bind_filter (stmt, filter);
  if (searching)
    bind_search (stmt, &search);
  sqlite3_bind_int64 (stmt, 9, limit);
  sqlite3_bind_int64 (stmt, 10, offset);
  return collect_bills (self, stmt, error);
}

static guint
count_from_table (TbLedger      *self,
                  TbBillFilter   filter,
                  GError       **error)
{
  static const char sql[] =
    "SELECT COALESCE(SUM(n), 0) FROM bill_counts WHERE ?1 IS NULL OR status = ?1 OR status = ?2";
  sqlite3_stmt *stmt = _tb_ledger_read_stmt (self, sql, error);
  guint n = 0;

  if (stmt == NULL)
    return 0;

  bind_filter (stmt, filter);
  sqlite3_bind_null (stmt, 3);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    n = (guint) sqlite3_column_int64 (stmt, 0);
  else
    _tb_ledger_read_fail (self, error, "count bills");
  sqlite3_reset (stmt);
  return n;
}

guint
tb_ledger_count_bills (TbLedger      *self,
                       TbBillFilter   filter,
                       const char    *search_text,
                       GError       **error)
{
  static const char today_sql[] =
    "SELECT COUNT(*) FROM bills b WHERE b.created_us >= ?3";
#define COUNT_SEARCH(filter) \
  "SELECT COUNT(*) FROM bills b WHERE b.id IN (" SEARCH_IDS ")" filter
  static const char *const search_sql[] = {
    [SHAPE_ALL]    = COUNT_SEARCH (""),
    [SHAPE_STATUS] = COUNT_SEARCH (" AND +b.status = ?1"),
    [SHAPE_OPEN]   = COUNT_SEARCH (" AND +b.is_open = 1"),
    [SHAPE_TODAY]  = COUNT_SEARCH (" AND +b.created_us >= ?3"),
  };
#undef COUNT_SEARCH
  g_auto(Search) search = { 0 };
  sqlite3_stmt *stmt;
  guint n = 0;

  g_return_val_if_fail (TB_IS_LEDGER (self), 0);

  TB_LEDGER_READ_LOCK (self);

  if (prepare_search (self, search_text, &search))
    {
      stmt = _tb_ledger_read_stmt (self, search_sql[shape_for (filter)], error);
      if (stmt == NULL)
        return 0;
      bind_filter (stmt, filter);
      bind_search (stmt, &search);
    }
  else if (filter != TB_BILL_FILTER_TODAY)
    return count_from_table (self, filter, error);
  else
    {
      stmt = _tb_ledger_read_stmt (self, today_sql, error);
      if (stmt == NULL)
        return 0;
      bind_filter (stmt, filter);
    }

  if (sqlite3_step (stmt) == SQLITE_ROW)
    n = (guint) sqlite3_column_int64 (stmt, 0);
  else
    _tb_ledger_read_fail (self, error, "count bills");
  sqlite3_reset (stmt);
  return n;
}
