/* tb-sim-server-private.h: the simulator's state, shared by its files
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "tb-sim-server.h"

G_BEGIN_DECLS

typedef enum
{
  SIM_INVOICE_OPEN,
  SIM_INVOICE_CLOSED,
  SIM_INVOICE_CANCELLED,
  SIM_INVOICE_EXPIRED,
} SimInvoiceState;

typedef struct _SimInvoice SimInvoice;

typedef struct
{
  char       *id;
  char       *receipt_id;
  char       *lottery;           /* NULL for COMPANY */
  char       *qr_data;
  char       *status;            /* "REGISTERED", "CANCELED" */
  char       *status_date;
  char       *receiver_type;
  char       *receiver;
  char       *district_code;
  char       *classification_code;
  gint64      vat_e4;
  gint64      city_tax_e4;
} SimEbarimt;

typedef struct
{
  char       *payment_id;
  SimInvoice *invoice;           /* not owned */
  gint64      amount;
  gint64      fee;
  gboolean    card;
  gboolean    refunded;
  char       *date;              /* ISO 8601 UTC with milliseconds */
  gint64      created;           /* Unix seconds */
  SimEbarimt *ebarimt;
} SimPayment;

struct _SimInvoice
{
  char            *invoice_id;
  char            *invoice_code;
  char            *sender_invoice_no;
  char            *receiver_code;
  char            *branch_code;
  char            *description;
  char            *callback_url;
  char            *note;
  char            *body_digest;     /* of the request, to recognise a repeated create */
  char            *qr_text;
  gint64           amount;
  gint64           paid;
  gint64           vat_e4;          /* sums over lines */
  gint64           city_tax_e4;
  gboolean         has_lines;
  gboolean         allow_partial;
  char            *tax_type;        /* Ebarimt form; NULL otherwise */
  char            *district_code;
  SimInvoiceState  state;
  GPtrArray       *payments;        /* SimPayment*, not owned */
};

typedef struct
{
  char      *path_prefix;
  guint      status;
  TbSimBody  body;
  guint      latency_ms;
  gboolean   hang;
  int        count;
} SimFault;

struct _TbSimServer
{
  GObject      parent_instance;

  SoupServer  *server;
  SoupSession *callbacks;        /* calls invoices' loopback callback URLs */
  guint16      port;
  char        *url;

  char        *client_id;
  char        *client_secret;
  char        *access_token;
  char        *refresh_token;
  gint64       access_expires_at;
  gint64       refresh_expires_at;
  gint64       token_lifetime;
  gboolean     expires_as_duration;

  gboolean     ebarimt_enabled;
  guint        empty_qr_image_every;
  guint        latency_ms;

  GHashTable  *invoices;         /* invoice_id → SimInvoice* (owned) */
  GPtrArray   *invoice_order;    /* SimInvoice*, creation order */
  GHashTable  *payments;         /* payment_id → SimPayment* (owned) */
  GPtrArray   *payment_order;    /* SimPayment*, creation order */
  guint        invoice_serial;

  GPtrArray   *faults;           /* SimFault* */
  GPtrArray   *pending;          /* delayed answers */
  GPtrArray   *requests;         /* "METHOD /path" */
  guint        logins;
  guint        refreshes;
};

/* An answer being built. */
typedef struct
{
  guint   status;
  char   *content_type;
  GBytes *body;
} SimReply;

void        _tb_sim_reply_json   (SimReply     *reply,
                                  guint         status,
                                  JsonBuilder  *builder);
void        _tb_sim_reply_error  (SimReply     *reply,
                                  guint         status,
                                  const char   *key);
void        _tb_sim_reply_empty  (SimReply     *reply);

/* tb-sim-qpay.c: the business endpoints; @path below "/v2", authentication done. */
void        _tb_sim_qpay_handle  (TbSimServer  *self,
                                  const char   *method,
                                  const char   *path,
                                  GBytes       *body,
                                  SimReply     *reply);
SimPayment *_tb_sim_pay          (TbSimServer  *self,
                                  SimInvoice   *invoice,
                                  gint64        amount,
                                  gboolean      card);
void        _tb_sim_invoice_free (SimInvoice   *invoice);
void        _tb_sim_payment_free (SimPayment   *payment);
const char *_tb_sim_invoice_state_to_string (SimInvoiceState state);

/* tb-sim-qr.c */
char       *_tb_sim_emv_qr_text  (const char   *invoice_id,
                                  const char   *sender_invoice_no,
                                  gint64        amount);
/* A base64 PNG of the QR code of @text, or NULL when it cannot be encoded. */
char       *_tb_sim_qr_png_base64 (const char  *text);

G_END_DECLS
