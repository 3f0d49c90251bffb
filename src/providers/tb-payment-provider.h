/* tb-payment-provider.h: what the services need from a QR payment provider
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "core/tb-bill.h"

G_BEGIN_DECLS

/* QPay implements it today (tb-qpay-provider.c), Bakong KHQR later. The services and the UI
 * only ever talk to this interface, so they never branch on the provider (docs/architecture.md). */

typedef struct
{
  char *name;          /* "Khan bank" */
  char *description;   /* "Хаан банк" */
  char *link;          /* "khanbank://q?qPay_QRcode=…" */
} TbProviderLink;

typedef struct
{
  char      *invoice_id;
  char      *qr_text;     /* what the QR encodes */
  char      *short_url;   /* may be NULL */
  GPtrArray *links;       /* TbProviderLink*, never NULL */
} TbProviderInvoice;

typedef struct
{
  char   *txn_id;         /* the provider's unique payment id: the settlement key */
  gint64  amount;         /* minor units */
  char   *status;         /* as the provider sent it: only "PAID" is money received; "REFUNDED"
                           * and "FAILED" undo a payment; others ("NEW", …) moved no money */
  char   *invoice_id;     /* the invoice the row says it belongs to; NULL when not said */
} TbProviderPayment;

typedef struct
{
  GPtrArray *payments;    /* TbProviderPayment*: every row with an id, never NULL; the caller
                           * decides what each status means */
  gint64     paid_total;  /* what the provider says was paid in all */
} TbProviderCheck;

typedef struct
{
  gint64        intent_id;
  const char   *sender_invoice_no;  /* ours, committed before the call; reused on retry */
  gint64        amount;             /* minor units */
  const char   *description;        /* shown in the payer's bank app */
  const TbBill *bill;               /* with lines, for providers that send them; may be NULL */
} TbProviderInvoiceRequest;

void tb_provider_link_free     (TbProviderLink    *link);
void tb_provider_invoice_free  (TbProviderInvoice *invoice);
void tb_provider_payment_free  (TbProviderPayment *payment);
void tb_provider_check_free    (TbProviderCheck   *check);
TbProviderInvoice *tb_provider_invoice_new (void);
TbProviderCheck   *tb_provider_check_new   (void);

/* JSON array [{"name":…, "description":…, "link":…}] for the ledger; NULL when empty. */
char      *tb_provider_links_to_json   (GPtrArray  *links);
/* The reverse; an empty array for NULL or malformed text. */
GPtrArray *tb_provider_links_from_json (const char *json);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TbProviderLink, tb_provider_link_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TbProviderInvoice, tb_provider_invoice_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TbProviderPayment, tb_provider_payment_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TbProviderCheck, tb_provider_check_free)

#define TB_TYPE_PAYMENT_PROVIDER (tb_payment_provider_get_type ())
G_DECLARE_INTERFACE (TbPaymentProvider, tb_payment_provider, TB, PAYMENT_PROVIDER, GObject)

struct _TbPaymentProviderInterface
{
  GTypeInterface parent_iface;

  /* "QPAY": also the payment method the ledger records. */
  const char        *(*get_name)        (TbPaymentProvider *self);
  /* "sim", "sandbox" or "live", as the ledger stores it. */
  const char        *(*get_environment) (TbPaymentProvider *self);
  /* The smallest amount (minor units) the provider takes, and whether minor units are allowed. */
  gint64             (*get_minimum)     (TbPaymentProvider *self);
  gboolean           (*whole_units_only) (TbPaymentProvider *self);

  void               (*create_async)    (TbPaymentProvider              *self,
                                         const TbProviderInvoiceRequest *request,
                                         GCancellable                   *cancellable,
                                         GAsyncReadyCallback             callback,
                                         gpointer                        user_data);
  TbProviderInvoice *(*create_finish)   (TbPaymentProvider              *self,
                                         GAsyncResult                   *result,
                                         GError                        **error);
  void               (*check_async)     (TbPaymentProvider              *self,
                                         const char                     *invoice_id,
                                         GCancellable                   *cancellable,
                                         GAsyncReadyCallback             callback,
                                         gpointer                        user_data);
  TbProviderCheck   *(*check_finish)    (TbPaymentProvider              *self,
                                         GAsyncResult                   *result,
                                         GError                        **error);
  void               (*cancel_async)    (TbPaymentProvider              *self,
                                         const char                     *invoice_id,
                                         GCancellable                   *cancellable,
                                         GAsyncReadyCallback             callback,
                                         gpointer                        user_data);
  gboolean           (*cancel_finish)   (TbPaymentProvider              *self,
                                         GAsyncResult                   *result,
                                         GError                        **error);

  /* A network failure, a timeout or a server error: the same call may succeed later. */
  gboolean           (*error_is_transient)    (TbPaymentProvider *self,
                                               const GError      *error);
  /* The cancel was refused because the invoice is already paid: check it instead. */
  gboolean           (*error_is_already_paid) (TbPaymentProvider *self,
                                               const GError      *error);
};

const char        *tb_payment_provider_get_name        (TbPaymentProvider *self);
const char        *tb_payment_provider_get_environment (TbPaymentProvider *self);
gint64             tb_payment_provider_get_minimum     (TbPaymentProvider *self);
gboolean           tb_payment_provider_whole_units_only (TbPaymentProvider *self);
void               tb_payment_provider_create_async    (TbPaymentProvider              *self,
                                                        const TbProviderInvoiceRequest *request,
                                                        GCancellable                   *cancellable,
                                                        GAsyncReadyCallback             callback,
                                                        gpointer                        user_data);
TbProviderInvoice *tb_payment_provider_create_finish   (TbPaymentProvider              *self,
                                                        GAsyncResult                   *result,
                                                        GError                        **error);
void               tb_payment_provider_check_async     (TbPaymentProvider              *self,
                                                        const char                     *invoice_id,
                                                        GCancellable                   *cancellable,
                                                        GAsyncReadyCallback             callback,
                                                        gpointer                        user_data);
TbProviderCheck   *tb_payment_provider_check_finish    (TbPaymentProvider              *self,
                                                        GAsyncResult                   *result,
                                                        GError                        **error);
void               tb_payment_provider_cancel_async    (TbPaymentProvider              *self,
                                                        const char                     *invoice_id,
                                                        GCancellable                   *cancellable,
                                                        GAsyncReadyCallback             callback,
                                                        gpointer                        user_data);
gboolean           tb_payment_provider_cancel_finish   (TbPaymentProvider              *self,
                                                        GAsyncResult                   *result,
                                                        GError                        **error);
gboolean           tb_payment_provider_error_is_transient    (TbPaymentProvider *self,
                                                              const GError      *error);
gboolean           tb_payment_provider_error_is_already_paid (TbPaymentProvider *self,
                                                              const GError      *error);

G_END_DECLS
