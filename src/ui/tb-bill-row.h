/* tb-bill-row.h: how one bill looks in the bill list
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "tb-bill-item.h"

G_BEGIN_DECLS

#define TB_TYPE_BILL_ROW (tb_bill_row_get_type ())

G_DECLARE_FINAL_TYPE (TbBillRow, tb_bill_row, TB, BILL_ROW, GtkWidget)

GtkWidget *tb_bill_row_new      (void);
/* Shows @item; NULL clears the row (when GtkListView recycles it). */
void       tb_bill_row_set_item (TbBillRow  *self,
                                 TbBillItem *item);
/* The status the row shows ("Overpaid" wins over "Paid"), NULL when empty. */
const char *tb_bill_row_get_status_label (TbBillRow *self);

G_END_DECLS
