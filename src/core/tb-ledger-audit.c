/* tb-ledger-audit.c: the audit log
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "tb-ledger-private.h"

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
  sqlite3_stmt *stmt;

  if (self->audit_chained)
    return _tb_ledger_audit_chained (self, action, entity, entity_id, detail, 0, error);

  /* A migration before the chain existed: 006-book.sql chains this row later. */
  stmt = _tb_ledger_stmt (self, sql, error);
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

gboolean
_tb_ledger_audit_payment (TbLedger    *self,
                          const char  *action,
                          const char  *entity,
                          gint64       entity_id,
                          const char  *detail,
                          gint64       payment_id,
                          GError     **error)
{
  g_return_val_if_fail (self->audit_chained, FALSE);
  return _tb_ledger_audit_chained (self, action, entity, entity_id, detail, payment_id, error);
}

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

  TB_LEDGER_READ_LOCK (self);

  stmt = _tb_ledger_read_stmt (self, sql, error);
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
      _tb_ledger_read_fail (self, error, "list audit");
      return NULL;
    }
  return g_steal_pointer (&result);
}
