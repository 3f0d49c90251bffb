/* tb-bill-list-model.h: a lazy GListModel of bills, read from the ledger page by page
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "core/tb-ledger.h"

G_BEGIN_DECLS

#define TB_TYPE_BILL_LIST_MODEL (tb_bill_list_model_get_type ())

G_DECLARE_FINAL_TYPE (TbBillListModel, tb_bill_list_model, TB, BILL_LIST_MODEL, GObject)

/* Rows per SQLite read and how many such pages are kept (least recently used evicted). */
#define TB_BILL_LIST_PAGE_SIZE 100
#define TB_BILL_LIST_MAX_PAGES 16

/* Items are TbBillItem, newest bill first. The model holds no more than
 * TB_BILL_LIST_MAX_PAGES pages, so it costs the same with ten bills or ten million.
 * Without a search the length is counted (O(1) from the ledger's per-status counts); with a
 * search it is not: the model starts with the first page and grows a page at a time as the
 * list view reads near its end (see :complete). */
TbBillListModel *tb_bill_list_model_new        (TbLedger        *ledger);
TbLedger        *tb_bill_list_model_get_ledger (TbBillListModel *self);
TbBillFilter     tb_bill_list_model_get_filter (TbBillListModel *self);
const char      *tb_bill_list_model_get_search (TbBillListModel *self);
/* Changes the filter and the search text (NULL/blank: no search) together, and reloads
 * when either changed. */
void             tb_bill_list_model_set_query  (TbBillListModel *self,
                                                TbBillFilter     filter,
                                                const char      *search);
/* Counts again and drops every cached page: call after a bill changed. */
void             tb_bill_list_model_reload     (TbBillListModel *self);
/* The position of @bill_id among the pages read so far, or GTK_INVALID_LIST_POSITION. */
guint            tb_bill_list_model_find       (TbBillListModel *self,
                                                gint64           bill_id);
/* Start-up only, before anything uses the model: report at most @limit items until
 * tb_bill_list_model_show_all(). GTK 4.8's list view makes up to 200 rows for a new model
 * before it knows how tall a row is; a window that shows about fifteen rows should not pay
 * for that in its first frame. Any reload lifts the limit. */
void             tb_bill_list_model_limit_until_shown (TbBillListModel *self,
                                                       guint            limit);
void             tb_bill_list_model_show_all    (TbBillListModel *self);
/* How many bills match (searches: how many were read so far), limit or not. */
guint            tb_bill_list_model_get_count   (TbBillListModel *self);
/* FALSE while a search may have more matches than the model holds. */
gboolean         tb_bill_list_model_get_complete (TbBillListModel *self);
/* The error of the last failed read, or NULL. */
const GError    *tb_bill_list_model_get_error  (TbBillListModel *self);

G_END_DECLS
