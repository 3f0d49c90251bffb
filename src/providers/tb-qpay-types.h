/* tb-qpay-types.h: configuration and result records of the QPay client
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* Money fields are gint64 minor units (1/100 ₮), tax fields gint64 1/10000 units ("_e4").
 * Ids are always strings (QPay's payment ids are 15-digit numbers for P2P and UUIDs for
 * cards). Every string field is NULL when QPay did not send it or sent null/"". */

typedef enum
{
  TB_QPAY_ENV_SIMULATOR,
  TB_QPAY_ENV_SANDBOX,
  TB_QPAY_ENV_LIVE,
} TbQpayEnvironment;

#define TB_QPAY_SANDBOX_URL "https://merchant-sandbox.qpay.mn"
#define TB_QPAY_LIVE_URL    "https://merchant.qpay.mn"

/* "simulator", "sandbox", "live" */
const char *tb_qpay_environment_to_string   (TbQpayEnvironment  env);
gboolean    tb_qpay_environment_from_string (const char        *text,
                                             TbQpayEnvironment *out);
/* The host root of sandbox and live; NULL for the simulator (its port is not fixed). */
const char *tb_qpay_environment_default_url (TbQpayEnvironment  env);

typedef struct
{
  TbQpayEnvironment  environment;
  char              *base_url;        /* host root, e.g. "https://merchant.qpay.mn"; NULL: the
                                         * environment's default. The client adds "/v2/…". */
  char              *client_id;
  char              *client_secret;   /* never logged, never in an error */
  char              *invoice_code;    /* e.g. "TEST_INVOICE"; an "EB_" code for Ebarimt invoices */
  char              *branch_code;     /* sender_branch_code; may be NULL */
  char              *callback_url;    /* QPay calls it with ?qpay_payment_id=…; NULL: a placeholder
                                         * is sent (QPay requires the field; Tulbur checks by polling) */
} TbQpayConfig;

TbQpayConfig *tb_qpay_config_new  (void);
TbQpayConfig *tb_qpay_config_copy (const TbQpayConfig *config);
void          tb_qpay_config_free (TbQpayConfig       *config);

/* A bank app link from `urls[]`. Pick one by `name` or the link's scheme, never by searching
 * for "qpay" (every link contains "qPay_QRcode"). */
typedef struct
{
  char *name;          /* "Khan bank" */
  char *description;   /* "Хаан банк" */
  char *logo;          /* URL */
  char *link;          /* "khanbank://q?qPay_QRcode=…" */
} TbQpayDeeplink;

/* POST /v2/invoice */
typedef struct
{
  char      *invoice_id;   /* UUID */
  char      *qr_text;      /* draw the QR from this (never NULL) */
  char      *qr_image;     /* raw base64 PNG (no "data:" prefix); NULL when QPay sent it empty */
  char      *short_url;    /* `qPay_shortUrl`; may be NULL */
  GPtrArray *urls;         /* TbQpayDeeplink*, never NULL */
} TbQpayInvoice;

/* GET /v2/invoice/{id} */
typedef struct
{
  char     *invoice_id;
  char     *status;              /* "OPEN", "CLOSED", "CANCELLED", … as QPay sent it */
  char     *sender_invoice_no;
  char     *description;
  gint64    total_amount;        /* 0 when absent */
  gint64    gross_amount;
  gint64    tax_amount;
  gboolean  allow_partial;
  gint64    minimum_amount;      /* 0 when null */
  gint64    maximum_amount;      /* 0 when null */
  char     *expiry_date;         /* as sent; NULL when none */
} TbQpayInvoiceInfo;

/* One payment: a row of payment/check, payment/list, or the answer of payment/get. The three
 * use different field names; they are folded here (fee: trx_fee | payment_fee; type:
 * payment_type | transaction_type | paid_by). */
typedef struct
{
  char   *payment_id;
  char   *status;        /* "NEW", "FAILED", "PAID", "PARTIAL", "REFUNDED" (as sent) */
  gint64  amount;        /* payment_amount */
  gint64  fee;           /* 0 when absent */
  char   *currency;      /* "MNT" */
  char   *wallet;        /* payment_wallet: a bank app name or a UUID */
  char   *type;          /* "P2P", "CARD" */
  char   *date;          /* payment_date (get/list only; check rows have none) */
  char   *object_type;   /* get/list only */
  char   *object_id;     /* get/list only (the invoice_id for INVOICE) */
} TbQpayPayment;

/* POST /v2/payment/check */
typedef struct
{
  gint64     count;
  gint64     paid_amount;   /* `paid_amount` (a JSON number); 0 when absent (nothing paid) */
  GPtrArray *rows;          /* TbQpayPayment*, never NULL */
} TbQpayCheckResult;

/* POST /v2/payment/list */
typedef struct
{
  gint64     count;
  GPtrArray *rows;          /* TbQpayPayment*, never NULL */
} TbQpayPaymentList;

/* POST /v2/ebarimt_v3/create and DELETE /v2/ebarimt_v3/{payment_id}. The receiver (phone or
 * TIN) is deliberately not kept. */
typedef struct
{
  char    *id;               /* QPay's ebarimt record id (UUID) */
  char    *receipt_id;       /* ДДТД, 33 digits (`ebarimt_receipt_id`) */
  char    *lottery;          /* "CK 59114203"; NULL for company receipts */
  char    *qr_data;          /* `ebarimt_qr_data`: print it as a QR verbatim; do not store it */
  char    *status;           /* `barimt_status` / `ebarimt_status`: "REGISTERED", "CANCELED" … */
  char    *status_date;
  char    *payment_id;       /* `g_payment_id` */
  char    *receiver_type;    /* "CITIZEN", "COMPANY" */
  char    *district_code;
  char    *tax_type;
  char    *merchant_tin;
  gint64   amount;           /* minor units */
  gint64   vat_e4;           /* `vat_amount`, 1/10000 units */
  gint64   city_tax_e4;      /* `city_tax_amount`, 1/10000 units */
} TbQpayEbarimt;

/* POST /v2/auth/token and /v2/auth/refresh, with `expires_in` resolved to an epoch. */
typedef struct
{
  char   *access_token;
  char   *refresh_token;        /* NULL when none */
  gint64  expires_at;           /* Unix seconds */
  gint64  refresh_expires_at;   /* Unix seconds; = expires_at when QPay sent none */
  gint64  not_before_policy;    /* `not-before-policy` (sent as a string "0") */
  char   *session_state;        /* "prod", "sandbox", … */
} TbQpayTokenReply;

#define TB_TYPE_QPAY_CONFIG        (tb_qpay_config_get_type ())
#define TB_TYPE_QPAY_DEEPLINK      (tb_qpay_deeplink_get_type ())
#define TB_TYPE_QPAY_INVOICE       (tb_qpay_invoice_get_type ())
#define TB_TYPE_QPAY_INVOICE_INFO  (tb_qpay_invoice_info_get_type ())
#define TB_TYPE_QPAY_PAYMENT       (tb_qpay_payment_get_type ())
#define TB_TYPE_QPAY_CHECK_RESULT  (tb_qpay_check_result_get_type ())
#define TB_TYPE_QPAY_PAYMENT_LIST  (tb_qpay_payment_list_get_type ())
#define TB_TYPE_QPAY_EBARIMT       (tb_qpay_ebarimt_get_type ())
#define TB_TYPE_QPAY_TOKEN_REPLY   (tb_qpay_token_reply_get_type ())

GType              tb_qpay_config_get_type       (void) G_GNUC_CONST;
GType              tb_qpay_deeplink_get_type     (void) G_GNUC_CONST;
GType              tb_qpay_invoice_get_type      (void) G_GNUC_CONST;
GType              tb_qpay_invoice_info_get_type (void) G_GNUC_CONST;
GType              tb_qpay_payment_get_type      (void) G_GNUC_CONST;
GType              tb_qpay_check_result_get_type (void) G_GNUC_CONST;
GType              tb_qpay_payment_list_get_type (void) G_GNUC_CONST;
GType              tb_qpay_ebarimt_get_type      (void) G_GNUC_CONST;
GType              tb_qpay_token_reply_get_type  (void) G_GNUC_CONST;

TbQpayDeeplink    *tb_qpay_deeplink_copy      (const TbQpayDeeplink    *link);
void               tb_qpay_deeplink_free      (TbQpayDeeplink          *link);
TbQpayInvoice     *tb_qpay_invoice_new        (void);
TbQpayInvoice     *tb_qpay_invoice_copy       (const TbQpayInvoice     *invoice);
void               tb_qpay_invoice_free       (TbQpayInvoice           *invoice);
TbQpayInvoiceInfo *tb_qpay_invoice_info_copy  (const TbQpayInvoiceInfo *info);
void               tb_qpay_invoice_info_free  (TbQpayInvoiceInfo       *info);
TbQpayPayment     *tb_qpay_payment_copy       (const TbQpayPayment     *payment);
void               tb_qpay_payment_free       (TbQpayPayment           *payment);
TbQpayCheckResult *tb_qpay_check_result_new   (void);
TbQpayCheckResult *tb_qpay_check_result_copy  (const TbQpayCheckResult *result);
void               tb_qpay_check_result_free  (TbQpayCheckResult       *result);
TbQpayPaymentList *tb_qpay_payment_list_new   (void);
TbQpayPaymentList *tb_qpay_payment_list_copy  (const TbQpayPaymentList *list);
void               tb_qpay_payment_list_free  (TbQpayPaymentList       *list);
TbQpayEbarimt     *tb_qpay_ebarimt_copy       (const TbQpayEbarimt     *ebarimt);
void               tb_qpay_ebarimt_free       (TbQpayEbarimt           *ebarimt);
TbQpayTokenReply  *tb_qpay_token_reply_copy   (const TbQpayTokenReply  *reply);
/* Overwrites the tokens before freeing them. */
void               tb_qpay_token_reply_free   (TbQpayTokenReply        *reply);

/* The first row with status "PAID", or NULL. */
const TbQpayPayment *tb_qpay_check_result_find_paid (const TbQpayCheckResult *result);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TbQpayConfig, tb_qpay_config_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TbQpayDeeplink, tb_qpay_deeplink_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TbQpayInvoice, tb_qpay_invoice_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TbQpayInvoiceInfo, tb_qpay_invoice_info_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TbQpayPayment, tb_qpay_payment_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TbQpayCheckResult, tb_qpay_check_result_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TbQpayPaymentList, tb_qpay_payment_list_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TbQpayEbarimt, tb_qpay_ebarimt_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TbQpayTokenReply, tb_qpay_token_reply_free)

G_END_DECLS
