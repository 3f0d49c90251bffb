/* tb-bill.c: plain records and their database spellings
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "tb-bill.h"

static const char *bill_status_names[] = { "OPEN", "PARTIAL", "PAID", "VOID" };
static const char *method_names[] = { "CASH", "CARD", "QPAY", "KHQR" };
static const char *intent_names[] = { "NEW", "PENDING", "PAID", "CANCELLED", "EXPIRED", "FAILED" };
static const char *receipt_names[] = { "PENDING", "REGISTERED", "ERROR", "SKIPPED", "CANCELLED" };

static gboolean
lookup_name (const char  *text,
             const char **names,
             guint        n_names,
             int         *out)
{
  if (text == NULL)
    return FALSE;

  for (guint i = 0; i < n_names; i++)
    {
      if (g_ascii_strcasecmp (text, names[i]) == 0)
        {
          *out = (int) i;
          return TRUE;
        }
    }
  return FALSE;
}

const char *
tb_bill_status_to_string (TbBillStatus status)
{
  g_return_val_if_fail ((guint) status < G_N_ELEMENTS (bill_status_names), NULL);
  return bill_status_names[status];
}

gboolean
tb_bill_status_from_string (const char   *text,
                            TbBillStatus *out)
{
  int value;

  if (!lookup_name (text, bill_status_names, G_N_ELEMENTS (bill_status_names), &value))
    return FALSE;
  *out = (TbBillStatus) value;
  return TRUE;
}

const char *
tb_bill_status_to_label (TbBillStatus status)
{
  switch (status)
    {
    case TB_BILL_OPEN:
      return C_("bill status", "Open");
    case TB_BILL_PARTIAL:
      return C_("bill status", "Partly paid");
    case TB_BILL_PAID:
      return C_("bill status", "Paid");
    case TB_BILL_VOID:
      return C_("bill status", "Void");
    default:
      g_return_val_if_reached (NULL);
    }
}

const char *
tb_payment_method_to_string (TbPaymentMethod method)
{
  g_return_val_if_fail ((guint) method < G_N_ELEMENTS (method_names), NULL);
  return method_names[method];
}

gboolean
tb_payment_method_from_string (const char      *text,
                               TbPaymentMethod *out)
{
  int value;

  if (!lookup_name (text, method_names, G_N_ELEMENTS (method_names), &value))
    return FALSE;
  *out = (TbPaymentMethod) value;
  return TRUE;
}

const char *
tb_payment_method_to_label (TbPaymentMethod method)
{
  switch (method)
    {
    case TB_METHOD_CASH:
      return C_("payment method", "Cash");
    case TB_METHOD_CARD:
      return C_("payment method", "Card");
    case TB_METHOD_QPAY:
      return C_("payment method", "QPay");
    case TB_METHOD_KHQR:
      return C_("payment method", "KHQR");
    default:
      g_return_val_if_reached (NULL);
    }
}

const char *
tb_intent_state_to_string (TbIntentState state)
{
  g_return_val_if_fail ((guint) state < G_N_ELEMENTS (intent_names), NULL);
  return intent_names[state];
}

gboolean
tb_intent_state_from_string (const char    *text,
                             TbIntentState *out)
{
  int value;

  if (!lookup_name (text, intent_names, G_N_ELEMENTS (intent_names), &value))
    return FALSE;
  *out = (TbIntentState) value;
  return TRUE;
}

const char *
tb_receipt_state_to_string (TbReceiptState state)
{
  g_return_val_if_fail ((guint) state < G_N_ELEMENTS (receipt_names), NULL);
  return receipt_names[state];
}

gboolean
tb_receipt_state_from_string (const char     *text,
                              TbReceiptState *out)
{
  int value;

  if (!lookup_name (text, receipt_names, G_N_ELEMENTS (receipt_names), &value))
    return FALSE;
  *out = (TbReceiptState) value;
  return TRUE;
}

gint64
tb_bill_get_due (const TbBill *bill)
{
  g_return_val_if_fail (bill != NULL, 0);

  if (bill->status == TB_BILL_VOID)
    return 0;
  return MAX (bill->total - bill->paid, 0);
}

void
tb_customer_free (TbCustomer *customer)
{
  if (customer == NULL)
    return;
  g_free (customer->name);
  g_free (customer->phone);
  g_free (customer->register_no);
  g_free (customer);
}

void
tb_bill_line_free (TbBillLine *line)
{
  if (line == NULL)
    return;
  g_free (line->description);
  g_free (line->classification_code);
  g_free (line);
}

void
tb_payment_free (TbPayment *payment)
{
  if (payment == NULL)
    return;
  g_free (payment->provider_txn_id);
  g_free (payment->reference);
  g_free (payment);
}

void
tb_bill_free (TbBill *bill)
{
  if (bill == NULL)
    return;
  g_free (bill->number);
  g_free (bill->customer_name);
  g_free (bill->currency);
  g_free (bill->note);
  g_free (bill->void_reason);
  g_free (bill->receipt_receiver_type);
  g_free (bill->receipt_phone);
  g_free (bill->receipt_district_code);
  g_free (bill->receipt_classification_code);
  g_clear_pointer (&bill->lines, g_ptr_array_unref);
  g_clear_pointer (&bill->payments, g_ptr_array_unref);
  g_free (bill);
}

gboolean
tb_payment_is_reversal (const TbPayment *payment)
{
  g_return_val_if_fail (payment != NULL, FALSE);

  return payment->refund_of != 0 && payment->provider_txn_id != NULL &&
         g_str_has_prefix (payment->provider_txn_id, TB_PAYMENT_REVERSAL_PREFIX);
}
