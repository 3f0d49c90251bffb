/* tb-payment-steps.h: the payment service's ledger work (private to src/services)
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "core/tb-ledger.h"
#include "providers/tb-payment-provider.h"
#include "tb-payment-service.h"

G_BEGIN_DECLS

/* Each step is one worker call (tb_ledger_task) that does every ledger write the step needs,
 * so a provider answer costs one hop to a thread and back. */

/* One invoice of the intent, as a run works on it. */
typedef struct
{
  char            *invoice_id;
  gboolean         extra;          /* not the intent's own invoice: cancel it */
  gboolean         cancel_tried;
  gboolean         cancelled;      /* the provider confirmed the cancel */
  gboolean         check_tried;
  gboolean         unseen;         /* made by this run and never shown: nobody can have paid it */
  TbProviderCheck *check;          /* the answer, NULL when the check failed */
} TbRunInvoice;

void      _tb_run_invoice_free        (TbRunInvoice *invoice);

/* Loads an op's intent; a check of a NEW intent takes the create lease first. */
typedef struct
{
  gint64     intent_id;
  gboolean   create;
  char      *provider;             /* this service's provider and environment */
  char      *environment;
  char      *owner;
  gint64     now_us;
  gint64     lease_until_us;
  /* out */
  TbIntent  *intent;
  TbBill    *bill;
  gboolean   claimed;
  gboolean   foreign;              /* made with another provider or environment: hands off */
  GPtrArray *invoices;             /* char* */
} TbLoadStep;

void      _tb_load_step_free          (TbLoadStep   *step);
gboolean  _tb_load_step_func          (TbLedger     *ledger,
                                       gpointer      data,
                                       GError      **error);

/* Everything a step writes, in one worker call: the invoice a create got, the rows of the
 * checks, cancelled extra invoices, the intent's new state, the lease, the check note; then
 * the outcome is read back. */
typedef struct
{
  gint64             intent_id;
  gint64             bill_id;
  TbPaymentMethod    method;
  gboolean           skip_receipt;
  TbProviderInvoice *invoice;      /* a create's answer */
  gint64             expires_us;
  GPtrArray         *invoices;     /* TbRunInvoice*, borrowed from the run */
  int                set_state;    /* -1: none */
  char              *release_owner;
  gboolean           note_check;
  char              *note;
  /* out */
  gboolean           extra;        /* the create's invoice was kept as an extra one */
  GPtrArray         *flags;        /* char*: what was not credited, for staff */
  TbCheckOutcome     outcome;
} TbWriteStep;

void      _tb_write_step_free         (TbWriteStep  *step);
gboolean  _tb_write_step_func         (TbLedger     *ledger,
                                       gpointer      data,
                                       GError      **error);

/* "<uuid>@<host>:<pid>": names this service in intent leases. */
char     *_tb_payment_lease_owner_new (void);

/* tb-payment-service.c, for tb-payment-open.c */
gboolean  _tb_payment_validate_amount (gint64             amount,
                                       gint64             due,
                                       gint64             minimum,
                                       gboolean           whole_units,
                                       GError           **error);
void      _tb_payment_service_emit_intent_changed (TbPaymentService *self,
                                                   gint64            intent_id,
                                                   TbIntentState     state);

G_END_DECLS
