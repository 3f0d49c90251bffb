/* tb-payment-steps.c: the payment service's ledger work, one worker call per step
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "tb-payment-steps.h"

void
_tb_run_invoice_free (TbRunInvoice *invoice)
{
  g_free (invoice->invoice_id);
  g_clear_pointer (&invoice->check, tb_provider_check_free);
  g_free (invoice);
}

void
_tb_load_step_free (TbLoadStep *op)
{
  g_free (op->provider);
  g_free (op->environment);
  g_free (op->owner);
  g_clear_pointer (&op->intent, tb_intent_free);
  g_clear_pointer (&op->bill, tb_bill_free);
  g_clear_pointer (&op->invoices, g_ptr_array_unref);
  g_free (op);
}

/* "<uuid>@<host>:<pid>": unique, and tells whether its process is gone. */
char *
_tb_payment_lease_owner_new (void)
{
  g_autofree char *uuid = g_uuid_string_random ();

  return g_strdup_printf ("%s@%s:%d", uuid, g_get_host_name (), (int) getpid ());
}

/* A lease whose process died on this machine (a crash, a killed CLI) need not be waited for. */
static gboolean
lease_owner_is_gone (const char *owner)
{
  const char *at = owner != NULL ? strchr (owner, '@') : NULL;
  const char *colon = at != NULL ? strrchr (at, ':') : NULL;
  g_autofree char *host = NULL;
  gint64 pid;

  if (colon == NULL)
    return FALSE;
  host = g_strndup (at + 1, (gsize) (colon - at - 1));
  pid = g_ascii_strtoll (colon + 1, NULL, 10);
  if (g_strcmp0 (host, g_get_host_name ()) != 0 || pid <= 0 || pid > G_MAXINT)
    return FALSE;
  return kill ((pid_t) pid, 0) != 0 && errno == ESRCH;
}

static gboolean
claim (TbLedger  *ledger,
       TbLoadStep    *op,
       GError   **error)
{
  g_clear_pointer (&op->intent, tb_intent_free);
  op->intent = tb_ledger_intent_claim_create (ledger, op->intent_id, op->owner, NULL, op->now_us,
                                              op->lease_until_us, &op->claimed, error);
  if (op->intent != NULL && !op->claimed && lease_owner_is_gone (op->intent->lease_owner))
    {
      g_autofree char *stale = g_strdup (op->intent->lease_owner);

      g_clear_pointer (&op->intent, tb_intent_free);
      op->intent = tb_ledger_intent_claim_create (ledger, op->intent_id, op->owner, stale, op->now_us,
                                                  op->lease_until_us, &op->claimed, error);
    }
  return op->intent != NULL;
}

gboolean
_tb_load_step_func (TbLedger  *ledger,
           gpointer   data,
           GError   **error)
{
  TbLoadStep *op = data;

  op->intent = tb_ledger_get_intent (ledger, op->intent_id, error);
  if (op->intent == NULL)
    return FALSE;

  /* A simulator invoice id means nothing to live QPay (and the other way round). */
  op->foreign = g_strcmp0 (op->intent->provider, op->provider) != 0 ||
                g_strcmp0 (op->intent->environment, op->environment) != 0;
  if (op->foreign)
    return TRUE;

  if (op->create && op->intent->state == TB_INTENT_NEW && op->intent->provider_invoice_id == NULL)
    {
      if (!claim (ledger, op, error))
        return FALSE;
      if (op->claimed)
        return (op->bill = tb_ledger_get_bill (ledger, op->intent->bill_id, error)) != NULL;
    }

  op->invoices = tb_ledger_intent_live_invoices (ledger, op->intent_id, error);
  return op->invoices != NULL;
}


void
_tb_write_step_free (TbWriteStep *op)
{
  g_clear_pointer (&op->invoice, tb_provider_invoice_free);
  g_clear_pointer (&op->flags, g_ptr_array_unref);
  g_free (op->release_owner);
  g_free (op->note);
  g_free (op);
}


/* Something for staff on the intent (and in the audit log). */
static void
add_note (TbWriteStep     *op,
          const char *what)
{
  g_ptr_array_add (op->flags, g_strdup (what));
}

/* An answer row that was not credited: noted, and warned about (no personal data: the intent
 * id and what kind of row it was). */
static void
add_flag (TbWriteStep     *op,
          const char *what)
{
  g_warning ("Payment check of intent %" G_GINT64_FORMAT ": %s", op->intent_id, what);
  op->outcome.flagged++;
  add_note (op, what);
}

typedef struct
{
  GArray    *settle;      /* TbSettleRequest */
  GPtrArray *reverse;     /* TbProviderPayment*, borrowed */
  GHashTable *seen;       /* txn ids, borrowed */
} Screened;

/* A PAID, REFUNDED or FAILED row of the invoice asked about: to settle, to reverse, or to flag
 * (its payment id was recorded for another intent). */
static gboolean
screen_row (TbLedger          *ledger,
            TbWriteStep            *op,
            TbProviderPayment *row,
            Screened          *out,
            GError           **error)
{
  g_autoptr(GError) local_error = NULL;
  gboolean paid = g_strcmp0 (row->status, "PAID") == 0;
  gboolean undone = g_strcmp0 (row->status, "REFUNDED") == 0 || g_strcmp0 (row->status, "FAILED") == 0;
  gint64 owner_intent = 0;
  gboolean known;

  if (!paid && !undone)
    return TRUE; /* NEW and the like: no money moved */

  known = tb_ledger_find_provider_payment (ledger, op->method, row->txn_id, &owner_intent, NULL, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (known && owner_intent != op->intent_id)
    add_flag (op, _("QPay reported a payment that Tulbur had already recorded for another QR. It was not counted again."));
  else if (paid)
    {
      TbSettleRequest request = { 0 };

      request.bill_id = op->bill_id;
      request.method = op->method;
      request.amount = row->amount;
      request.provider_txn_id = row->txn_id;
      request.intent_id = op->intent_id;
      request.skip_receipt = op->skip_receipt;
      g_array_append_val (out->settle, request);
    }
  else if (known)
    g_ptr_array_add (out->reverse, row);
  return TRUE;
}

static gboolean
screen_invoice (TbLedger       *ledger,
                TbWriteStep         *op,
                const TbRunInvoice  *invoice,
                Screened       *out,
                GError        **error)
{
  for (guint i = 0; i < invoice->check->payments->len; i++)
    {
      TbProviderPayment *row = invoice->check->payments->pdata[i];

      /* Only rows of the invoice asked about: anything else is reported, never credited. */
      if (row->invoice_id != NULL && g_strcmp0 (row->invoice_id, invoice->invoice_id) != 0)
        {
          add_flag (op, _("QPay's answer for this QR held a payment of another invoice. It was not counted."));
          continue;
        }
      if (!g_hash_table_add (out->seen, row->txn_id))
        continue;
      if (!screen_row (ledger, op, row, out, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
settle_rows (TbLedger  *ledger,
             TbWriteStep    *op,
             GArray    *requests,
             GError   **error)
{
  g_autofree TbSettleResult *results = g_new0 (TbSettleResult, MAX (requests->len, 1));

  if (requests->len == 0)
    return TRUE;
  /* All paid rows of this answer in one transaction: a crash cannot record some of them and
   * leave the intent PAID without the others. */
  if (!tb_ledger_settle_many (ledger, (TbSettleRequest *) (gpointer) requests->data, requests->len,
                              results, error))
    return FALSE;
  for (guint i = 0; i < requests->len; i++)
    if (!results[i].already_settled)
      {
        op->outcome.newly_settled++;
        op->outcome.settled_amount += g_array_index (requests, TbSettleRequest, i).amount;
      }
  return TRUE;
}

static gboolean
reverse_rows (TbLedger   *ledger,
              TbWriteStep     *op,
              GPtrArray  *rows,
              GError    **error)
{
  for (guint i = 0; i < rows->len; i++)
    {
      TbProviderPayment *row = rows->pdata[i];
      gboolean already = TRUE;
      gint64 amount = 0;

      if (!tb_ledger_reverse_provider_payment (ledger, op->method, row->txn_id, row->status,
                                               &amount, &already, error))
        return FALSE;
      if (already)
        continue;
      op->outcome.newly_reversed++;
      op->outcome.reversed_amount += amount;
      add_note (op, row->status[0] == 'R' ? _("A QPay payment on this QR was refunded: it no longer counts as paid.")
                                          : _("A QPay payment on this QR failed after it was recorded: it no longer counts as paid."));
    }
  return TRUE;
}

static gboolean
apply_checks (TbLedger  *ledger,
              TbWriteStep    *op,
              GError   **error)
{
  g_autoptr(GArray) settle = g_array_new (FALSE, TRUE, sizeof (TbSettleRequest));
  g_autoptr(GPtrArray) reverse = g_ptr_array_new ();
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  Screened screened = { settle, reverse, seen };

  for (guint i = 0; i < op->invoices->len; i++)
    {
      TbRunInvoice *invoice = op->invoices->pdata[i];

      if (invoice->check != NULL && !screen_invoice (ledger, op, invoice, &screened, error))
        return FALSE;
    }
  if (!settle_rows (ledger, op, settle, error) || !reverse_rows (ledger, op, reverse, error))
    return FALSE;

  for (guint i = 0; i < op->invoices->len; i++)
    {
      TbRunInvoice *invoice = op->invoices->pdata[i];

      /* Done with only once a check after the cancel found what was paid on it. */
      if (invoice->extra && invoice->cancelled && (invoice->check != NULL || invoice->unseen) &&
          !tb_ledger_intent_invoice_cancelled (ledger, op->intent_id, invoice->invoice_id, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
fill_outcome (TbLedger        *ledger,
              TbWriteStep          *op,
              GError         **error)
{
  g_autoptr(TbIntent) intent = tb_ledger_get_intent (ledger, op->intent_id, error);
  g_autoptr(TbBill) bill = NULL;

  if (intent == NULL)
    return FALSE;
  bill = tb_ledger_get_bill (ledger, intent->bill_id, error);
  if (bill == NULL)
    return FALSE;

  op->outcome.intent_id = op->intent_id;
  op->outcome.state = intent->state;
  op->outcome.bill_due = tb_bill_get_due (bill);
  op->outcome.bill_status = bill->status;
  op->outcome.overpaid = bill->overpaid;
  op->outcome.extra_invoices = intent->extra_invoices;
  return TRUE;
}

gboolean
_tb_write_step_func (TbLedger  *ledger,
           gpointer   data,
           GError   **error)
{
  TbWriteStep *op = data;

  if (op->invoice != NULL)
    {
      g_autofree char *links = tb_provider_links_to_json (op->invoice->links);

      if (!tb_ledger_intent_add_invoice (ledger, op->intent_id, op->invoice->invoice_id,
                                         op->invoice->qr_text, op->invoice->short_url, links,
                                         op->expires_us, &op->extra, error))
        return FALSE;
    }
  if (op->invoices != NULL && !apply_checks (ledger, op, error))
    return FALSE;
  if (op->set_state >= 0 &&
      !tb_ledger_intent_set_state (ledger, op->intent_id, (TbIntentState) op->set_state, op->note, error))
    return FALSE;
  if (op->release_owner != NULL &&
      !tb_ledger_intent_release_lease (ledger, op->intent_id, op->release_owner, error))
    return FALSE;
  if (op->note_check && !tb_ledger_intent_note_check (ledger, op->intent_id, op->note, error))
    return FALSE;
  /* After the note, so that staff see them on the intent. */
  for (guint i = 0; i < op->flags->len; i++)
    if (!tb_ledger_intent_flag (ledger, op->intent_id, op->flags->pdata[i], "not-credited", error))
      return FALSE;
  return fill_outcome (ledger, op, error);
}
