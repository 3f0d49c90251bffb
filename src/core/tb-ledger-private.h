/* tb-ledger-private.h: what the ledger's own files share
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <sqlite3.h>

#include "tb-ledger.h"
#include "tb-seal.h"

G_BEGIN_DECLS

struct _TbLedger
{
  GObject      parent_instance;

  char        *path;
  char        *actor;
  TbSeal      *seal;
  /* The write connection, for every write and the reads inside a write transaction, with its
   * prepared statements (keyed by the address of their SQL string literal) and its lock. */
  sqlite3     *db;
  GHashTable  *statements;
  GMutex       mutex;
  /* The read-only connection, with its own statements and lock. In WAL mode its reads see the
   * last commit and never wait for a writer, in this process or another one. */
  sqlite3     *read_db;
  GHashTable  *read_statements;
  GMutex       read_mutex;
  int          schema_version;
  /* Audit rows are written chained (tb-ledger-chain.c) once the migration that starts the
   * chain has run; the migrations before it write them plain, and it chains them. */
  gboolean     audit_chained;
};

typedef enum
{
  TB_LEDGER_WRITER,   /* db: every write, and the reads inside a write transaction */
  TB_LEDGER_READER,   /* read_db: the public read-only calls */
} TbLedgerConn;

/* Every public entry point that writes takes the write lock for its whole duration. */
#define TB_LEDGER_LOCK(self) \
  G_GNUC_UNUSED g_autoptr(GMutexLocker) G_PASTE (_tb_locker_, __LINE__) = g_mutex_locker_new (&(self)->mutex)
/* Every public read-only entry point takes the read lock instead, and never the write lock: a
 * writer may hold that one for the whole busy timeout while another process writes. */
#define TB_LEDGER_READ_LOCK(self) \
  G_GNUC_UNUSED g_autoptr(GMutexLocker) G_PASTE (_tb_read_locker_, __LINE__) = g_mutex_locker_new (&(self)->read_mutex)

/* A reset, cleared statement for @sql (which must be a string literal) on the write
 * connection (_tb_ledger_stmt), the read connection (_tb_ledger_read_stmt) or either. */
sqlite3_stmt *_tb_ledger_stmt       (TbLedger     *self,
                                     const char   *sql,
                                     GError      **error);
sqlite3_stmt *_tb_ledger_read_stmt  (TbLedger     *self,
                                     const char   *sql,
                                     GError      **error);
sqlite3_stmt *_tb_ledger_conn_stmt  (TbLedger     *self,
                                     TbLedgerConn  conn,
                                     const char   *sql,
                                     GError      **error);
/* Sets @error from the connection's last SQLite error; returns FALSE. */
gboolean      _tb_ledger_fail       (TbLedger     *self,
                                     GError      **error,
                                     const char   *what);
gboolean      _tb_ledger_read_fail  (TbLedger     *self,
                                     GError      **error,
                                     const char   *what);
gboolean      _tb_ledger_conn_fail  (TbLedger     *self,
                                     TbLedgerConn  conn,
                                     GError      **error,
                                     const char   *what);
/* One snapshot for several SELECTs on the read connection (under TB_LEDGER_READ_LOCK). */
gboolean      _tb_ledger_read_begin (TbLedger     *self,
                                     GError      **error);
void          _tb_ledger_read_end   (TbLedger     *self);
gboolean      _tb_ledger_begin      (TbLedger     *self,
                                     GError      **error);
gboolean      _tb_ledger_commit     (TbLedger     *self,
                                     GError      **error);
void          _tb_ledger_rollback   (TbLedger     *self);
/* Runs @func in one BEGIN IMMEDIATE transaction under the write lock: commits when it returns
 * TRUE, rolls back (keeping its error) when it returns FALSE. */
typedef gboolean (*TbLedgerWriteFunc) (TbLedger  *self,
                                       gpointer   data,
                                       GError   **error);
gboolean      _tb_ledger_write      (TbLedger           *self,
                                     TbLedgerWriteFunc   func,
                                     gpointer            data,
                                     GError            **error);
gboolean      _tb_ledger_audit      (TbLedger     *self,
                                     const char   *action,
                                     const char   *entity,
                                     gint64        entity_id,
                                     const char   *detail,
                                     GError      **error);
/* An audit row that records payment @payment_id (hashed into it): settlements, reversals. */
gboolean      _tb_ledger_audit_payment (TbLedger   *self,
                                        const char *action,
                                        const char *entity,
                                        gint64      entity_id,
                                        const char *detail,
                                        gint64      payment_id,
                                        GError    **error);
/* tb-ledger-chain.c: the chained insert (@payment_id 0 = none), and the migration's backfill. */
gboolean      _tb_ledger_audit_chained (TbLedger   *self,
                                        const char *action,
                                        const char *entity,
                                        gint64      entity_id,
                                        const char *detail,
                                        gint64      payment_id,
                                        GError    **error);
gboolean      _tb_ledger_chain_backfill (TbLedger  *self,
                                         GError   **error);
gint64        _tb_ledger_now_us     (void);
/* tb-ledger-key.c: reads <db>.key, or creates it for a ledger that has never sealed anything
 * (KEY_MISSING otherwise; nothing is written); then, after the migrations, checks it against
 * the fingerprint stored in the ledger, storing it the first time (KEY_MISMATCH). */
gboolean      _tb_ledger_open_key   (TbLedger     *self,
                                     GError      **error);
gboolean      _tb_ledger_check_key  (TbLedger     *self,
                                     GError      **error);
char         *_tb_ledger_column_text (sqlite3_stmt *stmt,
                                      int           column);
/* Binds a UTF-8 string or NULL. */
void          _tb_ledger_bind_text  (sqlite3_stmt *stmt,
                                     int           index,
                                     const char   *text);
TbBill       *_tb_ledger_read_bill_row (sqlite3_stmt *stmt);
/* Personal data: sealed in, unsealed out (NULL binds / reads as NULL). */
void          _tb_ledger_bind_sealed (TbLedger     *self,
                                      sqlite3_stmt *stmt,
                                      int           index,
                                      const char   *text);
void          _tb_ledger_bind_hash   (TbLedger     *self,
                                      sqlite3_stmt *stmt,
                                      int           index,
                                      const char   *text);
char         *_tb_ledger_column_unsealed (TbLedger     *self,
                                          sqlite3_stmt *stmt,
                                          int           column);

/* tb-ledger-lock.c: makes SQLite's file locks immune to other code closing a descriptor of the
 * ledger. Installed once, before the first sqlite3_open; FALSE where the platform cannot. */
gboolean      _tb_ledger_guard_locks     (void);

/* ---- shared between the ledger's files (called with the lock held) ---- */
/* tb-ledger-customers.c */
gboolean      _tb_ledger_check_customer  (TbLedger          *self,
                                          gint64             customer_id,
                                          GError           **error);

/* tb-ledger-bills.c */
typedef struct
{
  TbBillStatus status;
  gint64       total;
  gint64       paid;
} TbLedgerBillState;

gboolean      _tb_ledger_read_bill_state (TbLedger          *self,
                                          gint64             bill_id,
                                          TbLedgerBillState *state,
                                          GError           **error);
/* One integer from @sql (a string literal with one `?` for @id) on the write connection, inside
 * the caller's transaction; FALSE with @error (naming @what) when it yields no row. */
gboolean      _tb_ledger_query_int64     (TbLedger          *self,
                                          const char        *sql,
                                          gint64             id,
                                          const char        *what,
                                          gint64            *out_value,
                                          GError           **error);
gboolean      _tb_ledger_count_payments  (TbLedger          *self,
                                          gint64             bill_id,
                                          gint64            *out_count,
                                          GError           **error);
/* OPEN → PARTIAL → PAID follows the sums; VOID stays VOID whatever arrives. */
TbBillStatus  _tb_ledger_status_for      (TbBillStatus       current,
                                          gint64             total,
                                          gint64             paid);
gboolean      _tb_ledger_is_overpaid     (TbBillStatus       status,
                                          gint64             total,
                                          gint64             paid);

/* The columns _tb_ledger_read_bill_row expects, in order. */
#define TB_LEDGER_BILL_COLUMNS \
  "b.id, b.number, b.customer_id, c.name, b.currency, b.status, b.total, b.vat_e4, " \
  "b.city_tax_e4, b.paid, b.overpaid, b.note, b.void_reason, b.created_us, b.updated_us"
#define TB_LEDGER_BILL_FROM \
  " FROM bills b LEFT JOIN customers c ON c.id = b.customer_id"

G_END_DECLS
