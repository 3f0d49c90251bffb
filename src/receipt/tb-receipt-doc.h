/* tb-receipt-doc.h: what a printed receipt says, as plain data
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "core/tb-bill.h"
#include "core/tb-ledger.h"

G_BEGIN_DECLS

/* A TbReceiptDoc is everything the layout, the renderer and the receipt view need, and
 * nothing else: it never touches the ledger, so a receipt can be drawn on any thread from a
 * copy. Fill it with tb_receipt_doc_new_from_bill() + tb_receipt_doc_apply_ebarimt(), or field
 * by field (all strings are owned by the doc and freed with it; set them with g_strdup()). */

#define TB_RECEIPT_DOC_ERROR (tb_receipt_doc_error_quark ())

typedef enum
{
  TB_RECEIPT_DOC_ERROR_INVALID,   /* the doc cannot be printed as it is (bad ДДТД, …) */
  TB_RECEIPT_DOC_ERROR_QR,        /* the QR data cannot be encoded */
  TB_RECEIPT_DOC_ERROR_RENDER,    /* cairo failed */
  TB_RECEIPT_DOC_ERROR_WRITE,     /* the file could not be written */
} TbReceiptDocError;

typedef enum
{
  TB_RECEIVER_CITIZEN,        /* B2C: gets a lottery number */
  TB_RECEIVER_COMPANY,        /* B2B: shows the buyer's TIN and name */
} TbReceiverType;

/* ДДТД: the receipt's state id, always 33 digits (docs/qpay.md, "Ebarimt 3.0 receipts"). */
#define TB_RECEIPT_ID_LENGTH 33
/* The largest copy number we print; reprints beyond it are refused by validation. */
#define TB_RECEIPT_MAX_COPY 9999

typedef struct
{
  char   *description;
  gint64  quantity_milli;    /* thousandths: 2500 = 2.5 */
  gint64  unit_price;        /* minor units, VAT-inclusive */
  gint64  amount;            /* minor units */
} TbReceiptDocLine;

typedef struct
{
  char           *merchant_name;
  char           *merchant_tin;       /* nullable: a TIN (tb_rules_tin) */
  char           *merchant_address;   /* nullable; '\n' starts a new line */
  char           *bill_number;        /* nullable */
  gint64          date_us;            /* UTC µs, printed in local time; 0 = not printed */
  char           *currency;           /* ISO code; NULL = "MNT" */
  GPtrArray      *lines;              /* TbReceiptDocLine*, never NULL */
  gint64          total;              /* minor units */
  gint64          vat_e4;             /* 1/10000 units, printed rounded to 2 decimals */
  gint64          city_tax_e4;        /* 1/10000 units */
  char           *paid_by;            /* nullable: "QPay" */
  char           *receipt_id;         /* nullable until registered: ДДТД, 33 digits */
  char           *lottery;            /* nullable: "CK 59114203" (citizen receipts) */
  TbReceiverType  receiver_type;
  char           *buyer_tin;          /* COMPANY only: a TIN (tb_rules_tin) */
  char           *buyer_name;         /* COMPANY only, nullable */
  char           *qr_data;            /* nullable: encoded verbatim in the QR */
  guint           copy_number;        /* 0 = the original; n > 0 prints "COPY n" */
} TbReceiptDoc;

#define TB_TYPE_RECEIPT_DOC (tb_receipt_doc_get_type ())

GQuark            tb_receipt_doc_error_quark  (void);
GType             tb_receipt_doc_get_type (void) G_GNUC_CONST;

TbReceiptDoc     *tb_receipt_doc_new      (void);
TbReceiptDoc     *tb_receipt_doc_copy     (const TbReceiptDoc *doc);
void              tb_receipt_doc_free     (TbReceiptDoc       *doc);
void              tb_receipt_doc_line_free (TbReceiptDocLine  *line);

void              tb_receipt_doc_add_line (TbReceiptDoc       *doc,
                                           const char         *description,
                                           gint64              quantity_milli,
                                           gint64              unit_price,
                                           gint64              amount);

/* Number, date (of the last payment, else of the last change), currency, lines, totals and
 * taxes, the customer's name as buyer name, and how it was paid. The merchant fields are left
 * for the caller (they come from Preferences). */
TbReceiptDoc     *tb_receipt_doc_new_from_bill (const TbBill   *bill);
/* Copies the Ebarimt registration onto the doc: ДДТД, lottery, QR data, merchant TIN, receiver
 * type, the buyer TIN for COMPANY receipts (when @receipt was read with its receiver), and the
 * registered amount and taxes when there are any. paid_by becomes "QPay". */
void              tb_receipt_doc_apply_ebarimt (TbReceiptDoc    *doc,
                                                const TbReceipt *receipt);

/* The business as it prints on a receipt (from Preferences, or the CLI's environment). */
typedef struct
{
  const char *name;
  const char *tin;        /* nullable; the TIN the tax office registered the sale under wins */
  const char *address;    /* nullable */
} TbReceiptMerchant;

/* The one way a registered e-receipt becomes a printable doc, for the app and the CLI alike:
 * the bill (tb_receipt_doc_new_from_bill), the merchant, then the registration
 * (tb_receipt_doc_apply_ebarimt); a company receipt's buyer TIN is read only then, and with
 * @mask_buyer it is masked ("53****8", for screens and terminals; a PDF or print carries it
 * whole). copy_number is 0: set it with tb_receipt_copy_number(). Fails with
 * TB_RECEIPT_DOC_ERROR_INVALID when the receipt is not registered, or with the ledger's error. */
TbReceiptDoc     *tb_receipt_doc_build    (TbLedger                *ledger,
                                           gint64                   receipt_id,
                                           const TbReceiptMerchant *merchant,
                                           gboolean                 mask_buyer,
                                           GError                 **error);

/* The COPY number that print number @print_number of a receipt carries (the ledger's counter
 * of prints, tb_ledger_receipt_note_copy(), counts from 1): 0 for the first print, the
 * original; n for the n-th. Prints beyond TB_RECEIPT_MAX_COPY keep their number and are
 * refused by tb_receipt_doc_validate(). For a preview of the next print, pass copies + 1. */
guint             tb_receipt_copy_number  (int                      print_number);

/* TRUE when the doc can be printed. Otherwise FALSE with a translated TB_RECEIPT_DOC_ERROR that
 * names the field but never its value (TINs and QR data stay out of messages and logs). */
gboolean          tb_receipt_doc_validate (const TbReceiptDoc *doc,
                                           GError            **error);

const char       *tb_receiver_type_to_string   (TbReceiverType  type);
gboolean          tb_receiver_type_from_string (const char     *text,
                                                TbReceiverType *out);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TbReceiptDoc, tb_receipt_doc_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TbReceiptDocLine, tb_receipt_doc_line_free)

G_END_DECLS
