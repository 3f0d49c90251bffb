/* tb-bill.h: plain data records read from the ledger
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  TB_BILL_OPEN,
  TB_BILL_PARTIAL,
  TB_BILL_PAID,
  TB_BILL_VOID,
} TbBillStatus;

typedef enum
{
  TB_METHOD_CASH,
  TB_METHOD_CARD,
  TB_METHOD_QPAY,
  TB_METHOD_KHQR,
} TbPaymentMethod;

typedef enum
{
  TB_INTENT_NEW,
  TB_INTENT_PENDING,
  TB_INTENT_PAID,
  TB_INTENT_CANCELLED,
  TB_INTENT_EXPIRED,
  TB_INTENT_FAILED,
} TbIntentState;

typedef enum
{
  TB_RECEIPT_PENDING,
  TB_RECEIPT_REGISTERED,
  TB_RECEIPT_ERROR,
  TB_RECEIPT_SKIPPED,
  TB_RECEIPT_CANCELLED,
} TbReceiptState;

/* Stable database spellings ("OPEN", "CASH", "PENDING", …) and parsers. The parsers
 * accept any case and return FALSE for unknown text. */
const char *tb_bill_status_to_string    (TbBillStatus     status);
gboolean    tb_bill_status_from_string  (const char      *text,
                                         TbBillStatus    *out);
/* Translated, for the UI ("Open", "Partly paid", "Paid", "Void"). */
const char *tb_bill_status_to_label     (TbBillStatus     status);
const char *tb_payment_method_to_string (TbPaymentMethod  method);
gboolean    tb_payment_method_from_string (const char    *text,
                                           TbPaymentMethod *out);
const char *tb_payment_method_to_label  (TbPaymentMethod  method);
const char *tb_intent_state_to_string   (TbIntentState    state);
gboolean    tb_intent_state_from_string (const char      *text,
                                         TbIntentState   *out);
const char *tb_receipt_state_to_string  (TbReceiptState   state);
gboolean    tb_receipt_state_from_string (const char     *text,
                                          TbReceiptState *out);

typedef struct
{
  gint64  id;
  char   *name;
  char   *phone;        /* decrypted; NULL when none */
  char   *register_no;  /* TIN; decrypted; NULL when none */
  gint64  created_us;
} TbCustomer;

typedef struct
{
  gint64    id;
  gint64    bill_id;
  int       position;
  char     *description;
  gint64    quantity_milli;
  gint64    unit_price;        /* minor units, VAT-inclusive */
  gint64    amount;            /* minor units */
  char     *classification_code;
  gboolean  vat;
  gboolean  city_tax;
  gint64    vat_e4;
  gint64    city_tax_e4;
} TbBillLine;

typedef struct
{
  gint64           id;
  gint64           bill_id;
  TbPaymentMethod  method;
  gint64           amount;          /* minor units; negative for a refund */
  char            *provider_txn_id;
  char            *reference;       /* what the receptionist typed (card slip no.), or NULL */
  gint64           intent_id;       /* 0 when none */
  gint64           refund_of;       /* 0 when none */
  gint64           tendered;        /* cash handed over (≥ amount), 0 when not recorded */
  gint64           created_us;
} TbPayment;

typedef struct
{
  gint64        id;
  char         *number;
  gint64        customer_id;       /* 0 when none */
  char         *customer_name;     /* NULL when none */
  char         *currency;
  TbBillStatus  status;
  gint64        total;
  gint64        vat_e4;
  gint64        city_tax_e4;
  gint64        paid;
  gboolean      overpaid;
  char         *note;
  char         *void_reason;
  gint64        created_us;
  gint64        updated_us;
  GPtrArray    *lines;             /* TbBillLine*, may be NULL in list results */
  GPtrArray    *payments;          /* TbPayment*, may be NULL in list results */
  /* Ebarimt choices for this bill (NULL = the defaults from Preferences); tb_ledger_get_bill
   * only. The phone is personal data: show it on the bill page and nowhere else. */
  char         *receipt_receiver_type;      /* "CITIZEN" / "COMPANY" */
  char         *receipt_phone;
  char         *receipt_district_code;
  char         *receipt_classification_code;
} TbBill;

/* The amount still owed (never negative). */
gint64      tb_bill_get_due      (const TbBill *bill);

/* The idempotency key of a reversal row starts with this: a payment the provider reported as
 * PAID, then as REFUNDED or FAILED (tb_ledger_reverse_provider_payment). */
#define TB_PAYMENT_REVERSAL_PREFIX "reversal:"
/* TRUE for such a reversal row (not a refund staff made). */
gboolean    tb_payment_is_reversal (const TbPayment *payment);

void        tb_customer_free     (TbCustomer  *customer);
void        tb_bill_line_free    (TbBillLine  *line);
void        tb_payment_free      (TbPayment   *payment);
void        tb_bill_free         (TbBill      *bill);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TbCustomer, tb_customer_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TbBillLine, tb_bill_line_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TbPayment, tb_payment_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TbBill, tb_bill_free)

G_END_DECLS
