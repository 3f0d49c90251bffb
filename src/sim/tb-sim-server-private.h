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

typedef struct _Pending Pending;

/* tb-sim-json.c: replies */
void        _tb_sim_reply_set    (SimReply     *reply,
                                  guint         status,
                                  const char   *content_type,
                                  GBytes       *body);
void        _tb_sim_reply_clear  (SimReply     *reply);
void        _tb_sim_send_reply   (SoupServerMessage *message,
                                  SimReply          *reply);
void        _tb_sim_reply_json   (SimReply     *reply,
                                  guint         status,
                                  JsonBuilder  *builder);
void        _tb_sim_reply_error  (SimReply     *reply,
                                  guint         status,
                                  const char   *key);
void        _tb_sim_reply_empty  (SimReply     *reply);

/* tb-sim-auth.c: POST /v2/auth/token and /v2/auth/refresh, the Bearer check */
void        _tb_sim_issue_tokens   (TbSimServer       *self);
void        _tb_sim_handle_login   (TbSimServer       *self,
                                    SoupServerMessage *message,
                                    SimReply          *reply);
void        _tb_sim_handle_refresh (TbSimServer       *self,
                                    SoupServerMessage *message,
                                    SimReply          *reply);
gboolean    _tb_sim_bearer_ok      (TbSimServer       *self,
                                    SoupServerMessage *message);

/* tb-sim-faults.c: injected faults and delayed answers */
void        _tb_sim_fault_free   (SimFault     *fault);
/* Takes one use of the first fault that matches @path (a copy to apply; g_free() it). */
SimFault   *_tb_sim_take_fault   (TbSimServer  *self,
                                  const char   *path);
void        _tb_sim_fault_reply  (const SimFault *fault,
                                  SimReply       *reply);
/* Applies the fault's body to @reply; returns the delay to answer with. */
guint       _tb_sim_fault_apply  (const SimFault *fault,
                                  SimReply       *reply,
                                  guint           delay_ms);
void        _tb_sim_delay_reply  (TbSimServer       *self,
                                  SoupServerMessage *message,
                                  guint              delay_ms);
void        _tb_sim_pending_free (Pending      *pending);
/* Sends every delayed answer at once (the server is stopping). */
void        _tb_sim_flush_pending (TbSimServer *self);

/* tb-sim-control.c: /sim/… */
void        _tb_sim_control_handler (SoupServer        *server,
                                     SoupServerMessage *message,
                                     const char        *path,
                                     GHashTable        *query,
                                     gpointer           user_data);

/* tb-sim-qpay.c: the business endpoints; @path below "/v2", authentication done. */
void        _tb_sim_qpay_handle  (TbSimServer  *self,
                                  const char   *method,
                                  const char   *path,
                                  GBytes       *body,
                                  SimReply     *reply);

/* tb-sim-invoice.c: POST /v2/invoice, GET and DELETE /v2/invoice/{id} */
void        _tb_sim_handle_invoice_create (TbSimServer *self,
                                           JsonObject  *object,
                                           GBytes      *body,
                                           SimReply    *reply);
void        _tb_sim_handle_invoice_get    (TbSimServer *self,
                                           const char  *invoice_id,
                                           SimReply    *reply);
void        _tb_sim_handle_invoice_cancel (TbSimServer *self,
                                           const char  *invoice_id,
                                           SimReply    *reply);
void        _tb_sim_invoice_free (SimInvoice   *invoice);
const char *_tb_sim_invoice_state_to_string (SimInvoiceState state);

/* tb-sim-payment.c: paying, POST /v2/payment/check and /list, GET /v2/payment/{id}, DELETE
 * /v2/payment/cancel|refund/{id} */
SimPayment *_tb_sim_pay          (TbSimServer  *self,
                                  SimInvoice   *invoice,
                                  gint64        amount,
                                  gboolean      card);
void        _tb_sim_handle_check          (TbSimServer *self,
                                           JsonObject  *object,
                                           SimReply    *reply);
void        _tb_sim_handle_payment_get    (TbSimServer *self,
                                           const char  *payment_id,
                                           SimReply    *reply);
void        _tb_sim_handle_payment_list   (TbSimServer *self,
                                           JsonObject  *object,
                                           SimReply    *reply);
void        _tb_sim_handle_payment_reversal (TbSimServer *self,
                                             const char  *payment_id,
                                             JsonObject  *object,
                                             SimReply    *reply);
void        _tb_sim_payment_free (SimPayment   *payment);

/* tb-sim-ebarimt.c: POST /v2/ebarimt_v3/create, GET and DELETE /v2/ebarimt_v3/{payment_id} */
void        _tb_sim_handle_ebarimt_create (TbSimServer *self,
                                           JsonObject  *object,
                                           SimReply    *reply);
void        _tb_sim_handle_ebarimt_get    (TbSimServer *self,
                                           const char  *payment_id,
                                           SimReply    *reply);
void        _tb_sim_handle_ebarimt_cancel (TbSimServer *self,
                                           const char  *payment_id,
                                           JsonObject  *object,
                                           SimReply    *reply);
void        _tb_sim_ebarimt_free (SimEbarimt   *ebarimt);

/* tb-sim-tax.c: the simulator's own money and tax arithmetic (never the app's tb-tax.c).
 * Money is fixed point: e2 = 1/100 (minor units), e4 = 1/10000 (line taxes). */
/* A JSON string ("1000.00", "89.2857") or number with at most @places (≤ 4) decimals. */
gboolean    _tb_sim_parse_decimal (JsonNode    *node,
                                   guint        places,
                                   gint64      *out);
char       *_tb_sim_format_decimal (gint64      value,
                                    guint       places);
/* quantity (2 decimals) × unit price, to the nearest minor unit; FALSE when out of range. */
gboolean    _tb_sim_line_gross   (gint64        quantity_e2,
                                  gint64        unit_price_e2,
                                  gint64       *out_gross_e2);
/* The VAT and city tax inside a VAT-inclusive gross, cut down to 4 places. */
void        _tb_sim_line_taxes   (gint64        gross_e2,
                                  gboolean      vat,
                                  gboolean      city_tax,
                                  gint64       *out_vat_e4,
                                  gint64       *out_city_tax_e4);
gint64      _tb_sim_e4_to_e2     (gint64        value_e4);

/* tb-sim-json.c: request and reply helpers */
char       *_tb_sim_random_digits (guint        n);
/* Now as ISO 8601 UTC with milliseconds. */
char       *_tb_sim_iso_now      (void);
/* @text has @min_len to @max_len ASCII digits (NULL: none). */
gboolean    _tb_sim_is_digits    (const char   *text,
                                  gsize         min_len,
                                  gsize         max_len);
/* ASCII letters, digits, '_' and '-', not empty. */
gboolean    _tb_sim_is_code      (const char   *text);
/* A string member, or NULL when absent or not a string. */
const char *_tb_sim_string_member (JsonObject  *object,
                                   const char  *name);
/* TRUE when the field is fine (*out: its value or NULL); otherwise the error reply is set
 * (OBJECT_DATA_ERROR when missing or not a string, MAX_LENGTH past @max_len bytes). */
gboolean    _tb_sim_require_string (JsonObject  *object,
                                    const char  *name,
                                    gboolean     required,
                                    gsize        max_len,
                                    const char **out,
                                    SimReply    *reply);
void        _tb_sim_add_string   (JsonBuilder  *builder,
                                  const char   *name,
                                  const char   *value);
/* "100.00" from minor units. */
void        _tb_sim_add_money    (JsonBuilder  *builder,
                                  const char   *name,
                                  gint64        minor);
void        _tb_sim_add_null     (JsonBuilder  *builder,
                                  const char   *name);
void        _tb_sim_add_empty_array (JsonBuilder *builder,
                                     const char  *name);

/* tb-sim-qr.c */
char       *_tb_sim_emv_qr_text  (const char   *invoice_id,
                                  const char   *sender_invoice_no,
                                  gint64        amount);
/* A base64 PNG of the QR code of @text, or NULL when it cannot be encoded. */
char       *_tb_sim_qr_png_base64 (const char  *text);

G_END_DECLS
