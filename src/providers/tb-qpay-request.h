/* tb-qpay-request.h: QPay request bodies, built and checked before anything is sent
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "tb-qpay-types.h"

G_BEGIN_DECLS

/* Field limits from QPay's spreadsheet (docs/qpay.md, "Invoices"), applied in UTF-8 bytes, the
 * stricter reading: Cyrillic takes two bytes a letter. */
#define TB_QPAY_MAX_CODE_LEN             45   /* invoice_code, sender_invoice_no, receiver, branch */
#define TB_QPAY_MAX_DESCRIPTION_LEN      255  /* invoice_description, line_description */
#define TB_QPAY_MAX_NOTE_LEN             1000 /* invoice note */
#define TB_QPAY_MAX_PAYMENT_NOTE_LEN     255  /* payment cancel/refund note */
#define TB_QPAY_MAX_TAX_DESCRIPTION_LEN  100
#define TB_QPAY_MAX_CALLBACK_LEN         255
#define TB_QPAY_MAX_RECEIVER_LEN         30   /* ebarimt_receiver */

/* QPay requires a callback URL on every invoice. A desktop has no public address, so unless
 * one is configured Tulbur sends this placeholder and confirms payments with payment/check. */
#define TB_QPAY_DEFAULT_CALLBACK_URL "https://localhost/tulbur/qpay-callback"

typedef enum
{
  TB_QPAY_INVOICE_SIMPLE,    /* amount only */
  TB_QPAY_INVOICE_FULL,      /* amount + lines with per-line VAT / CITY_TAX */
  TB_QPAY_INVOICE_EBARIMT,   /* Ebarimt 3.0 invoice: tax_type, district_code, lines with
                              * classification_code (needs the "EB_" invoice code) */
} TbQpayInvoiceForm;

typedef enum
{
  TB_QPAY_TAX_TYPE_AUTO = 0,        /* "1" when any line carries VAT, else "2" */
  TB_QPAY_TAX_TYPE_VAT = 1,         /* "1" */
  TB_QPAY_TAX_TYPE_NO_VAT = 2,      /* "2" */
  TB_QPAY_TAX_TYPE_VAT_EXEMPT = 3,  /* "3" */
} TbQpayTaxType;

typedef enum
{
  TB_QPAY_OBJECT_INVOICE,
  TB_QPAY_OBJECT_QR,
  TB_QPAY_OBJECT_ITEM,
  TB_QPAY_OBJECT_MERCHANT,
} TbQpayObjectType;

typedef enum
{
  TB_QPAY_RECEIVER_CITIZEN,
  TB_QPAY_RECEIVER_COMPANY,
} TbQpayReceiverType;

typedef struct
{
  char     *description;          /* cut to 255 bytes at a character boundary */
  gint64    quantity_milli;       /* thousandths; QPay takes two decimals */
  gint64    unit_price;           /* minor units, VAT-inclusive */
  gboolean  vat;
  gboolean  city_tax;
  char     *classification_code;  /* 7 digits; required in the Ebarimt form */
  char     *tax_product_code;     /* optional (БТҮК / 3-digit code for VAT-free goods) */
  char     *sender_product_code;  /* optional, our own product code */
} TbQpayInvoiceLine;

typedef struct
{
  TbQpayInvoiceForm  form;
  char              *sender_invoice_no;  /* required: ASCII, unique, ≤ 45; store it before sending
                                          * and reuse it on retry (see tb_qpay_sender_invoice_no_new) */
  char              *description;        /* required; cut to 255 bytes */
  gint64             amount;             /* minor units, whole tögrög; 0 with lines = their sum */
  GPtrArray         *lines;              /* TbQpayInvoiceLine*, never NULL (FULL and EBARIMT) */
  char              *receiver_code;      /* invoice_receiver_code; NULL: "terminal" */
  char              *invoice_code;       /* NULL: the client's configured code */
  char              *callback_url;       /* NULL: the configured one or the placeholder */
  char              *note;               /* optional, cut to 1000 bytes */
  gboolean           allow_partial;      /* FULL only */
  gint64             minimum_amount;     /* FULL only, with allow_partial; 0: none */
  TbQpayTaxType      tax_type;           /* EBARIMT only */
  char              *district_code;      /* EBARIMT only: 4 digits, required */
} TbQpayInvoiceRequest;

TbQpayInvoiceRequest *tb_qpay_invoice_request_new      (TbQpayInvoiceForm     form,
                                                        const char           *sender_invoice_no,
                                                        const char           *description,
                                                        gint64                amount);
/* Appends a line and returns it (owned by the request) for optional fields. */
TbQpayInvoiceLine    *tb_qpay_invoice_request_add_line (TbQpayInvoiceRequest *request,
                                                        const char           *description,
                                                        gint64                quantity_milli,
                                                        gint64                unit_price,
                                                        gboolean              vat,
                                                        gboolean              city_tax,
                                                        const char           *classification_code);
void                  tb_qpay_invoice_request_free     (TbQpayInvoiceRequest *request);
void                  tb_qpay_invoice_line_free        (TbQpayInvoiceLine    *line);

typedef struct
{
  char               *payment_id;
  TbQpayReceiverType  receiver_type;
  char               *receiver;             /* CITIZEN: e-barimt phone, optional; COMPANY: TIN,
                                             * required. Never logged, never in an error. */
  char               *district_code;        /* 4 digits; optional */
  char               *classification_code;  /* 7 digits; optional */
} TbQpayEbarimtRequest;

TbQpayEbarimtRequest *tb_qpay_ebarimt_request_new  (const char          *payment_id,
                                                    TbQpayReceiverType   receiver_type,
                                                    const char          *receiver);
void                  tb_qpay_ebarimt_request_free (TbQpayEbarimtRequest *request);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TbQpayInvoiceLine, tb_qpay_invoice_line_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TbQpayInvoiceRequest, tb_qpay_invoice_request_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TbQpayEbarimtRequest, tb_qpay_ebarimt_request_free)

/* Bodies. Each checks its input and returns NULL with TB_QPAY_ERROR_INVALID_REQUEST (a
 * translated message that says what to fix) when QPay would refuse it or money would be
 * lost: minor units in `amount`, lines that do not add up, bad codes, empty texts. */
GBytes     *tb_qpay_build_invoice_body        (const TbQpayConfig         *config,
                                               const TbQpayInvoiceRequest *request,
                                               GError                    **error);
GBytes     *tb_qpay_build_check_body          (TbQpayObjectType            object_type,
                                               const char                 *object_id,
                                               guint                       page_number,
                                               guint                       page_limit,
                                               GError                    **error);
/* @start/@end may be NULL (then the last 24 hours); sent as "YYYY-MM-DD HH:MM:SS". */
GBytes     *tb_qpay_build_payment_list_body   (TbQpayObjectType            object_type,
                                               const char                 *object_id,
                                               GDateTime                  *start,
                                               GDateTime                  *end,
                                               guint                       page_number,
                                               guint                       page_limit,
                                               GError                    **error);
GBytes     *tb_qpay_build_payment_cancel_body (const char                 *callback_url,
                                               const char                 *note,
                                               GError                    **error);
GBytes     *tb_qpay_build_ebarimt_body        (const TbQpayEbarimtRequest *request,
                                               GError                    **error);
GBytes     *tb_qpay_build_ebarimt_cancel_body (const char                 *note);

/* "TB20261121093015A1B2C3D4E5F6": a new unique number (prefix, UTC time, 48 random bits),
 * letters and digits only, ≤ 45 bytes. @prefix may be NULL; only its ASCII letters and digits
 * are used, at most 8. */
char       *tb_qpay_sender_invoice_no_new     (const char *prefix);
/* 1–45 bytes of ASCII letters, digits, '_' and '-'. */
gboolean    tb_qpay_sender_invoice_no_is_valid (const char *text);
/* Safe to put in a URL path: 1–64 ASCII letters, digits, '-' or '_' (UUIDs, payment ids). */
gboolean    tb_qpay_id_is_valid               (const char *id);
/* @text cut to at most @max_bytes of UTF-8 without splitting a character; invalid UTF-8 is
 * repaired and control characters become spaces first. */
char       *tb_qpay_utf8_truncate             (const char *text,
                                               gsize       max_bytes);
const char *tb_qpay_object_type_to_string     (TbQpayObjectType object_type);
const char *tb_qpay_receiver_type_to_string   (TbQpayReceiverType receiver_type);

G_END_DECLS
