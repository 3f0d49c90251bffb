/* tb-ledger-customers.c: customers (phone and TIN sealed)
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <inttypes.h>
#include <string.h>

#include "tb-ledger-private.h"
#include "tb-rules.h"

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

/* A customer as it will be stored: validated, normalized, with its search key. */
typedef struct
{
  gint64  id;
  char   *name;
  char   *name_key;
  char   *phone;
  char   *register_no;
} CustomerRow;

static void
customer_row_clear (CustomerRow *row)
{
  g_free (row->name);
  g_free (row->name_key);
  g_free (row->phone);
  g_free (row->register_no);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (CustomerRow, customer_row_clear)

static gboolean
prepare_customer (CustomerRow  *row,
                  const char   *name,
                  const char   *phone,
                  const char   *register_no,
                  GError      **error)
{
  if (!validate_name (name, &row->name, error) ||
      !tb_rules_phone (phone, FALSE, &row->phone, error) ||
      !tb_rules_register_no (register_no, FALSE, &row->register_no, NULL, error))
    return FALSE;
  row->name_key = name_key (row->name);
  return TRUE;
}

/* Binds name, name_key, phone (sealed, hash), register (sealed, hash) to ?1–?6. */
static void
bind_customer (TbLedger          *self,
               sqlite3_stmt      *stmt,
               const CustomerRow *row)
{
  _tb_ledger_bind_text (stmt, 1, row->name);
  _tb_ledger_bind_text (stmt, 2, row->name_key);
  _tb_ledger_bind_sealed (self, stmt, 3, row->phone);
  _tb_ledger_bind_hash (self, stmt, 4, row->phone);
  _tb_ledger_bind_sealed (self, stmt, 5, row->register_no);
  _tb_ledger_bind_hash (self, stmt, 6, row->register_no);
}

static gboolean
add_customer_in_transaction (TbLedger  *self,
                             gpointer   data,
                             GError   **error)
{
  static const char sql[] =
    "INSERT INTO customers (name, name_key, phone_sealed, phone_hash, register_sealed, "
    "register_hash, created_us, updated_us) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
  CustomerRow *row = data;
  sqlite3_stmt *stmt = _tb_ledger_stmt (self, sql, error);
  gint64 now = _tb_ledger_now_us ();

  if (stmt == NULL)
    return FALSE;

  bind_customer (self, stmt, row);
  sqlite3_bind_int64 (stmt, 7, now);
  sqlite3_bind_int64 (stmt, 8, now);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    return _tb_ledger_fail (self, error, "add customer");
  row->id = sqlite3_last_insert_rowid (self->db);

  /* Never the phone or TIN: only whether they were given. */
  return _tb_ledger_audit (self, "customer.add", "customer", row->id,
                           row->register_no != NULL ? "company" : NULL, error);
}

gboolean
tb_ledger_add_customer (TbLedger    *self,
                        const char  *name,
                        const char  *phone,
                        const char  *register_no,
                        gint64      *out_id,
                        GError     **error)
{
  g_auto(CustomerRow) row = { 0 };

  g_return_val_if_fail (TB_IS_LEDGER (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!prepare_customer (&row, name, phone, register_no, error) ||
      !_tb_ledger_write (self, add_customer_in_transaction, &row, error))
    return FALSE;

  if (out_id != NULL)
    *out_id = row.id;
  return TRUE;
}

static gboolean
update_customer_in_transaction (TbLedger  *self,
                                gpointer   data,
                                GError   **error)
{
  static const char sql[] =
    "UPDATE customers SET name = ?, name_key = ?, phone_sealed = ?, phone_hash = ?, "
    "register_sealed = ?, register_hash = ?, updated_us = ? WHERE id = ?";
  const CustomerRow *row = data;
  sqlite3_stmt *stmt = _tb_ledger_stmt (self, sql, error);

  if (stmt == NULL)
    return FALSE;

  bind_customer (self, stmt, row);
  sqlite3_bind_int64 (stmt, 7, _tb_ledger_now_us ());
  sqlite3_bind_int64 (stmt, 8, row->id);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    return _tb_ledger_fail (self, error, "update customer");

  if (sqlite3_changes (self->db) == 0)
    {
      g_set_error (error, TB_LEDGER_ERROR, TB_LEDGER_ERROR_NOT_FOUND,
                   _("There is no customer number %" PRId64 "."), row->id);
      return FALSE;
    }
  return _tb_ledger_audit (self, "customer.update", "customer", row->id, NULL, error);
}

gboolean
tb_ledger_update_customer (TbLedger    *self,
                           gint64       id,
                           const char  *name,
                           const char  *phone,
                           const char  *register_no,
                           GError     **error)
{
  g_auto(CustomerRow) row = { id };

  g_return_val_if_fail (TB_IS_LEDGER (self), FALSE);

  return prepare_customer (&row, name, phone, register_no, error) &&
         _tb_ledger_write (self, update_customer_in_transaction, &row, error);
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

  TB_LEDGER_READ_LOCK (self);

  stmt = _tb_ledger_read_stmt (self, sql, error);
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
    _tb_ledger_read_fail (self, error, "get customer");
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

  TB_LEDGER_READ_LOCK (self);

  stmt = _tb_ledger_read_stmt (self, sql, error);
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
      _tb_ledger_read_fail (self, error, "find customers");
      sqlite3_reset (stmt);
      return NULL;
    }

  sqlite3_reset (stmt);
  return g_steal_pointer (&result);
}

gboolean
_tb_ledger_check_customer (TbLedger *self,
                           gint64    customer_id,
                           GError  **error)
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
