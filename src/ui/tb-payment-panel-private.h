/* tb-payment-panel-private.h: what the parts of the payment panel share (not public)
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tb-payment-panel.h"

G_BEGIN_DECLS

/* One entry per payment method. Adding a method (KHQR, a QPay flow with its own button) is
 * one line here plus, if it cannot settle directly, a reason passed to
 * tb_payment_panel_set_method_available(). Widget names derive from @id: "method-cash",
 * "amount-cash", "message-cash". */
typedef struct
{
  TbPaymentMethod  method;
  const char      *id;
  const char      *label;          /* with mnemonic */
  const char      *amount_label;   /* accessible name of the amount entry */
  gboolean         gives_change;   /* more than due may be handed over; change is given back */
  gboolean         settles_itself; /* a QR: never recorded by Record; the provider's answer
                                    * settles it (Generate QR, tb-payment-service.h) */
} MethodInfo;

/* Cash, card, QPay: the rows of method_infos[] in tb-payment-panel.c. */
#define N_METHODS 3

typedef struct
{
  const MethodInfo *info;
  char             *unavailable;   /* why it cannot be used yet; NULL when it can */

  GtkCheckButton   *check;
  GtkRevealer      *revealer;
  GtkEntry         *entry;
  GtkLabel         *message;
  GtkButton        *generate;      /* settles_itself methods only */

  /* Results of the last validation */
  gboolean          valid;
  gint64            typed;         /* what was typed (cash: what was handed over) */
  gint64            record;        /* what goes into the ledger */
} MethodRow;

struct _TbPaymentPanel
{
  AdwBin        parent_instance;

  /* Template widgets */
  GtkLabel     *state_label;
  GtkBox       *methods_box;
  GtkLabel     *summary_label;
  GtkButton    *record_button;

  TbLedger     *ledger;
  gint64        bill_id;
  gint64        due;
  char         *currency;
  gboolean      payable;

  MethodRow     rows[N_METHODS];

  /* One idempotency key per payment attempt: kept while the input stays the same (so a
   * retry after an error can never record a part twice), dropped after a success or when
   * the input changes. */
  char         *attempt_key;
  gboolean      in_flight;
  gboolean      updating;
  gboolean      can_record;

  /* QR methods: the service that makes the QR, and whether one is being made. */
  TbPaymentService *service;
  gboolean      generating;
  guint         clear_qr_source;

  GCancellable *cancellable;
};

enum {
  PROP_0,
  PROP_CAN_RECORD,
  PROP_BUSY,
  PROP_GENERATING,
  N_PROPS
};

enum {
  SETTLED,
  QR_REQUESTED,
  QR_READY,
  N_SIGNALS
};

extern GParamSpec *tb_payment_panel_properties [N_PROPS];
extern guint       tb_payment_panel_signals [N_SIGNALS];

/* tb-payment-panel.c: the form */
gboolean   tb_payment_panel_row_is_checked   (const MethodRow *row);
void       tb_payment_panel_validate         (TbPaymentPanel  *self);
void       tb_payment_panel_set_in_flight    (TbPaymentPanel  *self,
                                              gboolean         in_flight);
void       tb_payment_panel_reset_rows       (TbPaymentPanel  *self);

/* tb-payment-panel-record.c: Record, all parts in one ledger transaction */
void       tb_payment_panel_record_clicked_cb (TbPaymentPanel *self,
                                               GtkButton      *button);

/* tb-payment-panel-qr.c: Generate QR for the methods that settle themselves */
void       tb_payment_panel_update_generate  (TbPaymentPanel  *self);
GtkWidget *tb_payment_panel_make_qr_line     (TbPaymentPanel  *self,
                                              MethodRow       *row);

G_END_DECLS
