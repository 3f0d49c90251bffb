/* tb-bill-item.h: one bill in the bill list (a summary, no lines or payments)
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "core/tb-bill.h"

G_BEGIN_DECLS

#define TB_TYPE_BILL_ITEM (tb_bill_item_get_type ())

G_DECLARE_FINAL_TYPE (TbBillItem, tb_bill_item, TB, BILL_ITEM, GObject)

/* Copies what the list shows from @bill (lines and payments are ignored). */
TbBillItem   *tb_bill_item_new               (const TbBill *bill);
/* A stand-in for a row that vanished between counting and reading (id 0). */
TbBillItem   *tb_bill_item_new_placeholder   (void);
gint64        tb_bill_item_get_id            (TbBillItem   *self);
const char   *tb_bill_item_get_number        (TbBillItem   *self);
const char   *tb_bill_item_get_customer_name (TbBillItem   *self);
const char   *tb_bill_item_get_currency      (TbBillItem   *self);
TbBillStatus  tb_bill_item_get_status        (TbBillItem   *self);
/* More paid than the total (or money on a void bill): shown as "Overpaid", never "Paid". */
gboolean      tb_bill_item_get_overpaid      (TbBillItem   *self);
gint64        tb_bill_item_get_total         (TbBillItem   *self);
gint64        tb_bill_item_get_paid          (TbBillItem   *self);
gint64        tb_bill_item_get_created       (TbBillItem   *self);

G_END_DECLS
