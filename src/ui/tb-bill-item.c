/* tb-bill-item.c: one bill in the bill list (a summary, no lines or payments)
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "tb-bill-item.h"
#include "tb-ui-util.h"

/* Plain read-only data: the list model makes a new item whenever it re-reads a page, so
 * items never change after construction and need no property notifications. */
struct _TbBillItem
{
  GObject       parent_instance;

  gint64        id;
  char         *number;
  char         *customer_name;
  char         *currency;
  TbBillStatus  status;
  gboolean      overpaid;
  gint64        total;
  gint64        paid;
  gint64        created_us;
};

G_DEFINE_FINAL_TYPE (TbBillItem, tb_bill_item, G_TYPE_OBJECT)

static void
tb_bill_item_finalize (GObject *object)
{
  TbBillItem *self = (TbBillItem *) object;

  g_clear_pointer (&self->number, g_free);
  g_clear_pointer (&self->customer_name, g_free);
  g_clear_pointer (&self->currency, g_free);

  G_OBJECT_CLASS (tb_bill_item_parent_class)->finalize (object);
}

static void
tb_bill_item_class_init (TbBillItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = tb_bill_item_finalize;
}

static void
tb_bill_item_init (TbBillItem *self)
{
}

TbBillItem *
tb_bill_item_new (const TbBill *bill)
{
  TbBillItem *self;

  g_return_val_if_fail (bill != NULL, NULL);

  self = g_object_new (TB_TYPE_BILL_ITEM, NULL);
  self->id = bill->id;
  self->number = g_strdup (bill->number);
  self->customer_name = g_strdup (bill->customer_name);
  self->currency = g_strdup (bill->currency != NULL ? bill->currency : "MNT");
  self->status = bill->status;
  self->overpaid = tb_ui_bill_is_overpaid (bill);
  self->total = bill->total;
  self->paid = bill->paid;
  self->created_us = bill->created_us;

  return self;
}

TbBillItem *
tb_bill_item_new_placeholder (void)
{
  TbBillItem *self = g_object_new (TB_TYPE_BILL_ITEM, NULL);

  self->number = g_strdup ("");
  self->currency = g_strdup ("MNT");

  return self;
}

gint64
tb_bill_item_get_id (TbBillItem *self)
{
  g_return_val_if_fail (TB_IS_BILL_ITEM (self), 0);
  return self->id;
}

const char *
tb_bill_item_get_number (TbBillItem *self)
{
  g_return_val_if_fail (TB_IS_BILL_ITEM (self), NULL);
  return self->number;
}

const char *
tb_bill_item_get_customer_name (TbBillItem *self)
{
  g_return_val_if_fail (TB_IS_BILL_ITEM (self), NULL);
  return self->customer_name;
}

const char *
tb_bill_item_get_currency (TbBillItem *self)
{
  g_return_val_if_fail (TB_IS_BILL_ITEM (self), NULL);
  return self->currency;
}

TbBillStatus
tb_bill_item_get_status (TbBillItem *self)
{
  g_return_val_if_fail (TB_IS_BILL_ITEM (self), TB_BILL_OPEN);
  return self->status;
}

gint64
tb_bill_item_get_total (TbBillItem *self)
{
  g_return_val_if_fail (TB_IS_BILL_ITEM (self), 0);
  return self->total;
}

gint64
tb_bill_item_get_paid (TbBillItem *self)
{
  g_return_val_if_fail (TB_IS_BILL_ITEM (self), 0);
  return self->paid;
}

gint64
tb_bill_item_get_created (TbBillItem *self)
{
  g_return_val_if_fail (TB_IS_BILL_ITEM (self), 0);
  return self->created_us;
}

gboolean
tb_bill_item_get_overpaid (TbBillItem *self)
{
  g_return_val_if_fail (TB_IS_BILL_ITEM (self), FALSE);
  return self->overpaid;
}
