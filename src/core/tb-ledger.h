/* tb-ledger.h: the SQLite ledger
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "tb-bill.h"

G_BEGIN_DECLS

/* One ledger = one SQLite file (WAL, foreign keys, synchronous=FULL, 0600) plus a 0600 key
 * file beside it ("<db>.key") holding the key that seals personal data (customer phone and
 * TIN, Ebarimt receivers): those never sit in the database as plain text.
 *
 * All calls are synchronous. A TbLedger is thread-safe and holds two connections to the file:
 * - writes go through a read-write connection behind its own mutex, and serialize with other
 *   processes on BEGIN IMMEDIATE with a busy timeout (up to 10 s), so UI code runs them — they
 *   also wait for fsync — in a worker thread (tb-ledger-task.h), never on the main loop;
 * - the read-only calls (get_bill, lookup_bill, list_bills, count_bills, get_customer,
 *   find_customers, get/list/due receipts, list_audit, export) use a second, read-only
 *   connection behind a second mutex. In WAL mode a read never waits for a writer, in this
 *   process or another, so the main loop may call them directly.
 * Several TbLedger objects, in several processes, may open the same file. SQLite's POSIX locks
 * are made safe against other code in the process closing a descriptor of the file (see
 * tb-ledger-lock.c). */

#define TB_LEDGER_ERROR (tb_ledger_error_quark ())

typedef enum
{
  TB_LEDGER_ERROR_OPEN,          /* cannot open/create/migrate the file */
  TB_LEDGER_ERROR_TOO_NEW,       /* written by a newer Tulbur */
  TB_LEDGER_ERROR_NOT_FOUND,     /* no such bill / customer / line */
  TB_LEDGER_ERROR_INVALID,       /* bad input (empty description, zero amount, …) */
  TB_LEDGER_ERROR_STATE,         /* not allowed in the bill's state (void bill, …) */
  TB_LEDGER_ERROR_BUSY,          /* another process held the write lock too long */
  TB_LEDGER_ERROR_FAILED,        /* SQLite failed (disk full, I/O error, …) */
  TB_LEDGER_ERROR_KEY_MISSING,   /* the ledger has sealed data or a key check, but no <db>.key */
  TB_LEDGER_ERROR_KEY_MISMATCH,  /* <db>.key is not the key this ledger's data is sealed with */
} TbLedgerError;

#define TB_TYPE_LEDGER (tb_ledger_get_type ())
G_DECLARE_FINAL_TYPE (TbLedger, tb_ledger, TB, LEDGER, GObject)

GQuark      tb_ledger_error_quark   (void);

/* TULBUR_DB if set, else $XDG_DATA_HOME/tulbur/tulbur.db. */
char       *tb_ledger_default_path  (void);
TbLedger   *tb_ledger_open          (const char   *path,
                                     GError      **error);
const char *tb_ledger_get_path      (TbLedger     *self);
/* "<db>.key" */
char       *tb_ledger_key_path      (const char   *path);
/* The printable recovery key of the ledger's personal-data key (tb-seal.h), and its
 * fingerprint (@out_fingerprint may be NULL). Secret: print it, never log it. */
char       *tb_ledger_export_key    (TbLedger     *self,
                                     char        **out_fingerprint);
/* Checks @recovery (checksum: INVALID) against the ledger at @path (KEY_MISMATCH when the
 * ledger's data was sealed with another key) and writes it as the ledger's key file,
 * atomically and 0600, only when there is none (STATE when a different key file is there;
 * success when the same key is). The ledger need not open (it refuses to without its key). */
gboolean    tb_ledger_import_key    (const char   *path,
                                     const char   *recovery,
                                     char        **out_fingerprint,
                                     GError      **error);
/* Schema version after migrations (PRAGMA user_version). */
int         tb_ledger_get_schema_version (TbLedger *self);
/* The actor written into audit rows (defaults to the login name). */
void        tb_ledger_set_actor     (TbLedger     *self,
                                     const char   *actor);

/* ---- customers ---- */
gboolean    tb_ledger_add_customer  (TbLedger     *self,
                                     const char   *name,
                                     const char   *phone,         /* nullable */
                                     const char   *register_no,   /* nullable: TIN */
                                     gint64       *out_id,
                                     GError      **error);
gboolean    tb_ledger_update_customer (TbLedger   *self,
                                       gint64      id,
                                       const char *name,
                                       const char *phone,
                                       const char *register_no,
                                       GError    **error);
TbCustomer *tb_ledger_get_customer  (TbLedger     *self,
                                     gint64        id,
                                     GError      **error);
/* Customers whose name starts with @text (any case), or whose whole phone / TIN equals
 * @text. Sorted by name. Returns TbCustomer*. */
GPtrArray  *tb_ledger_find_customers (TbLedger    *self,
                                      const char  *text,
                                      guint        limit,
                                      GError     **error);

/* ---- bills ---- */
/* Creates an OPEN bill; its number is a short decimal sequence ("1042"). */
gboolean    tb_ledger_create_bill   (TbLedger     *self,
                                     gint64        customer_id,   /* 0 = walk-in */
                                     const char   *note,          /* nullable */
                                     gint64       *out_bill_id,
                                     char        **out_number,    /* nullable */
                                     GError      **error);
gboolean    tb_ledger_set_bill_customer (TbLedger *self,
                                         gint64    bill_id,
                                         gint64    customer_id,   /* 0 = walk-in */
                                         GError  **error);
/* Bill id from its number (or "#number"); 0 with an error when unknown. */
gint64      tb_ledger_lookup_bill   (TbLedger     *self,
                                     const char   *number,
                                     GError      **error);
/* The whole bill, with lines and payments. */
TbBill     *tb_ledger_get_bill      (TbLedger     *self,
                                     gint64        bill_id,
                                     GError      **error);

typedef struct
{
  const char *description;          /* required, trimmed, ≤ 255 bytes */
  gint64      quantity_milli;       /* > 0 */
  gint64      unit_price;           /* ≥ 0, minor units, VAT-inclusive */
  const char *classification_code;  /* nullable; 7 digits when given */
  gboolean    vat;
  gboolean    city_tax;
} TbLineInput;

/* Adds a line and updates the bill's totals and status, in one transaction. Not on a VOID bill,
 * nor once the bill is fully PAID or has a REGISTERED e-receipt: its lines are then locked
 * (TB_LEDGER_ERROR_STATE) and further items go on a new bill. */
gboolean    tb_ledger_add_line      (TbLedger          *self,
                                     gint64             bill_id,
                                     const TbLineInput *input,
                                     gint64            *out_line_id,
                                     GError           **error);
/* Removes a line; only while the bill has no payments (and so is not locked either). */
gboolean    tb_ledger_remove_line   (TbLedger     *self,
                                     gint64        line_id,
                                     GError      **error);
/* Voids a bill with a reason; only while nothing has been paid on it. */
gboolean    tb_ledger_void_bill     (TbLedger     *self,
                                     gint64        bill_id,
                                     const char   *reason,
                                     GError      **error);

/* ---- settlement (docs/data-flow.md) ---- */
typedef struct
{
  gint64           bill_id;
  TbPaymentMethod  method;
  gint64           amount;           /* > 0, minor units */
  /* The provider's unique transaction id (QPay payment_id), or for cash/card the caller's
   * idempotency key (a card slip reference, or a UUID the UI made for one press of Record).
   * NULL = a fresh UUID: such a call is never deduplicated. */
  const char      *provider_txn_id;
  const char      *reference;        /* nullable: shown to staff */
  gint64           intent_id;        /* 0 = none */
  gint64           tendered;         /* cash handed over, 0 = not recorded */
  /* QPay payments queue an Ebarimt receipt in the same transaction; with this set (receipts
   * switched off) the receipt row is recorded as SKIPPED instead. */
  gboolean         skip_receipt;
  /* Cash and card only: record more than what is due (tulbur-cli --allow-overpay). Without it
   * such a payment, or one on a PAID bill, is refused inside the transaction. */
  gboolean         allow_overpay;
} TbSettleRequest;

typedef struct
{
  gint64        payment_id;          /* the new row, or the existing one when already settled */
  gboolean      already_settled;     /* TRUE: this provider payment was recorded before; nothing changed */
  gboolean      overpaid;            /* the bill now has more paid than due */
  TbBillStatus  status;              /* the bill's status after the call */
  gint64        paid;
  gint64        due;
} TbSettleResult;

/* One BEGIN IMMEDIATE transaction: insert the payment (a duplicate (method, provider_txn_id)
 * changes nothing and reports already_settled), check the amount rules, update the bill's paid
 * total and status, mark the intent PAID, queue a receipt for QPay payments, write the audit row.
 * Every rule is checked inside the transaction, against the bill as it is then:
 * - a provider's payment (QPay, KHQR) is always recorded: money that arrived is never dropped.
 *   On a VOID bill, or beyond what is due, the bill is flagged overpaid;
 * - staff-entered cash or card on a VOID bill fails with TB_LEDGER_ERROR_STATE; on a PAID bill
 *   (STATE) or beyond what is due (INVALID) it fails unless allow_overpay is set. */
gboolean    tb_ledger_settle        (TbLedger              *self,
                                     const TbSettleRequest *request,
                                     TbSettleResult        *out_result,
                                     GError               **error);

/* ---- payment intents (tb-ledger-intents.c, docs/payment-intents.md) ---- */
typedef struct
{
  gint64         id;
  gint64         bill_id;
  char          *bill_number;
  char          *provider;            /* "QPAY" */
  char          *environment;         /* "sim", "sandbox", "live" */
  gint64         amount;              /* minor units */
  TbIntentState  state;
  char          *sender_invoice_no;   /* ours: ASCII, unique, ≤ 45 bytes */
  char          *provider_invoice_id; /* NULL until the provider answered */
  char          *qr_text;
  char          *short_url;
  char          *deep_links;          /* JSON array [{name, description, link}], or NULL */
  gint64         expires_us;          /* 0 = unknown */
  int            check_count;
  gint64         last_check_us;       /* 0 = never */
  char          *last_error;          /* why the last step failed, or a warning for staff */
  gint64         paid;                /* net sum of payments recorded against this intent */
  gint64         created_us;
  gint64         updated_us;
  /* Settled payments the provider later reported REFUNDED or FAILED (minor units, ≥ 0): the
   * bill no longer counts them. The UI shows "QPay payment reversed: <amount>" when > 0. */
  gint64         reversed;
  /* Other provider invoices this intent got (a race between desks) that are not yet confirmed
   * cancelled: they are checked and cancelled by the service, and payments on them recorded. */
  guint          extra_invoices;
  /* Who is creating the invoice of a NEW intent, until when (see claim_create); NULL / 0. */
  char          *lease_owner;
  gint64         lease_until_us;
} TbIntent;

void        tb_intent_free          (TbIntent     *intent);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TbIntent, tb_intent_free)
/* NEW and PENDING intents are open: their invoice may still be paid. */
gboolean    tb_intent_is_open       (const TbIntent *intent);

/* Commits a NEW intent and its sender_invoice_no before any provider call, so that a retry
 * after a crash or a timeout reuses the number and never creates a second invoice. The amount
 * must be > 0 and ≤ what the bill still owes; the bill must not be PAID or VOID. */
TbIntent   *tb_ledger_create_intent (TbLedger     *self,
                                     gint64        bill_id,
                                     const char   *provider,
                                     const char   *environment,
                                     gint64        amount,
                                     GError      **error);
/* "Reuse or create the bill's open intent" as ONE write transaction (BEGIN IMMEDIATE), so two
 * desks can never both create one:
 *  - an open intent of this provider, environment and amount that is NEW, or whose QR is still
 *    usable at @usable_until_us, is returned as it is;
 *  - otherwise, when the bill has other open intents (any provider, amount or environment),
 *    NULL is returned without an error and their ids are put in @out_to_cancel (gint64): the
 *    caller cancels them at the provider, then calls again;
 *  - otherwise a NEW intent is created, as tb_ledger_create_intent() does. */
TbIntent   *tb_ledger_open_intent   (TbLedger     *self,
                                     gint64        bill_id,
                                     const char   *provider,
                                     const char   *environment,
                                     gint64        amount,
                                     gint64        usable_until_us,
                                     GArray      **out_to_cancel,
                                     GError      **error);
TbIntent   *tb_ledger_get_intent    (TbLedger     *self,
                                     gint64        intent_id,
                                     GError      **error);
/* The newest open intent of @bill_id for this provider and environment (any amount when
 * @amount is 0), or NULL (no error) when there is none. */
TbIntent   *tb_ledger_find_open_intent (TbLedger  *self,
                                        gint64     bill_id,
                                        const char *provider,
                                        const char *environment,
                                        gint64     amount,
                                        GError   **error);
/* Before asking the provider for the invoice of a NEW intent: in one write transaction, takes
 * the intent's lease for @owner until @lease_until_us unless another owner holds a lease that
 * is still running at @now_us (a lease held by @stale_owner, a process known to be gone, is
 * taken over). *@out_claimed says whether the caller may create the invoice; the intent is
 * returned either way (NULL with @error on failure). */
TbIntent   *tb_ledger_intent_claim_create (TbLedger   *self,
                                           gint64      intent_id,
                                           const char *owner,
                                           const char *stale_owner,
                                           gint64      now_us,
                                           gint64      lease_until_us,
                                           gboolean   *out_claimed,
                                           GError    **error);
/* Gives the lease back (a failed create), so that another caller need not wait for it. */
gboolean    tb_ledger_intent_release_lease (TbLedger   *self,
                                            gint64      intent_id,
                                            const char *owner,
                                            GError    **error);
/* Records an invoice the provider created for the intent, in one transaction. The first one
 * moves NEW → PENDING with its QR; any later, different one is kept as an extra invoice (never
 * forgotten: checked and cancelled later) and *@out_extra is set. Clears the lease. */
gboolean    tb_ledger_intent_add_invoice (TbLedger   *self,
                                          gint64      intent_id,
                                          const char *provider_invoice_id,
                                          const char *qr_text,
                                          const char *short_url,
                                          const char *deep_links_json,
                                          gint64      expires_us,
                                          gboolean   *out_extra,
                                          GError    **error);
/* tb_ledger_intent_add_invoice() without the extra flag. */
gboolean    tb_ledger_intent_set_invoice (TbLedger   *self,
                                          gint64      intent_id,
                                          const char *provider_invoice_id,
                                          const char *qr_text,
                                          const char *short_url,
                                          const char *deep_links_json,
                                          gint64      expires_us,
                                          GError    **error);
/* Every invoice a check of the intent should look at: the intent's own one (unless the create
 * failed), and each extra invoice not yet confirmed cancelled (char*, own first). */
GPtrArray  *tb_ledger_intent_live_invoices (TbLedger  *self,
                                            gint64     intent_id,
                                            GError   **error);
/* The provider confirmed that this extra invoice is cancelled. */
gboolean    tb_ledger_intent_invoice_cancelled (TbLedger   *self,
                                                gint64      intent_id,
                                                const char *provider_invoice_id,
                                                GError    **error);
/* Moves an intent to FAILED, CANCELLED or EXPIRED (never out of PAID), with a reason for
 * staff (no secrets). */
gboolean    tb_ledger_intent_set_state (TbLedger      *self,
                                        gint64         intent_id,
                                        TbIntentState  state,
                                        const char    *last_error,
                                        GError       **error);
/* Records that a check happened (count, time) and its error, if any (NULL = fine). */
gboolean    tb_ledger_intent_note_check (TbLedger   *self,
                                         gint64      intent_id,
                                         const char *last_error,
                                         GError    **error);
/* Something a check answered that must not be credited (a row of another invoice, a payment
 * id already recorded for another intent): an audit row "intent.flag" and a note on the intent
 * for staff. @what is shown to staff; @detail goes to the audit row (no personal data). */
gboolean    tb_ledger_intent_flag   (TbLedger   *self,
                                     gint64      intent_id,
                                     const char *what,
                                     const char *detail,
                                     GError    **error);
/* Which intent and bill a provider payment was recorded for: FALSE (no error) when it never
 * was. */
gboolean    tb_ledger_find_provider_payment (TbLedger        *self,
                                             TbPaymentMethod  method,
                                             const char      *provider_txn_id,
                                             gint64          *out_intent_id,
                                             gint64          *out_bill_id,
                                             GError         **error);
/* A settled provider payment the provider now reports REFUNDED or FAILED (@status): in one
 * transaction, a reversal row (a negative payment referencing it, never a change to it), the
 * bill's paid total, status and overpaid flag recomputed, an audit row. Idempotent: a second
 * call changes nothing and sets *@out_already. *@out_amount is what was reversed. FALSE with
 * TB_LEDGER_ERROR_NOT_FOUND when the payment was never recorded. */
gboolean    tb_ledger_reverse_provider_payment (TbLedger        *self,
                                                TbPaymentMethod  method,
                                                const char      *provider_txn_id,
                                                const char      *status,
                                                gint64          *out_amount,
                                                gboolean        *out_already,
                                                GError         **error);

typedef enum
{
  TB_INTENT_FILTER_OPEN,     /* NEW or PENDING */
  TB_INTENT_FILTER_ALL,
} TbIntentFilter;

/* Newest first; @bill_id 0 = every bill. */
GPtrArray  *tb_ledger_list_intents  (TbLedger       *self,
                                     TbIntentFilter  filter,
                                     gint64          bill_id,
                                     guint           limit,
                                     GError        **error);
/* What the reconciler should check now (docs/payment-intents.md), for one @provider and @environment
 * only (an intent of another environment means nothing to this provider): intents created
 * after @created_after_us that are open and were not checked since @open_checked_before_us, or
 * whose invoices may still take money although the intent is closed (PAID, an extra invoice
 * not confirmed cancelled, or closed without a final check) and were not checked since
 * @closed_checked_before_us. Least recently checked first, at most @limit. */
GPtrArray  *tb_ledger_due_intents   (TbLedger     *self,
                                     const char   *provider,
                                     const char   *environment,
                                     gint64        created_after_us,
                                     gint64        open_checked_before_us,
                                     gint64        closed_checked_before_us,
                                     guint         limit,
                                     GError      **error);

/* ---- Ebarimt receipts (tb-ledger-receipts.c, docs/data-flow.md) ---- */
typedef struct
{
  gint64          id;
  gint64          payment_id;
  gint64          bill_id;
  char           *bill_number;
  char           *provider_txn_id;      /* the QPay payment id the receipt is for */
  gint64          payment_amount;       /* minor units */
  TbReceiptState  state;
  char           *receiver_type;        /* "CITIZEN" / "COMPANY", once an attempt was made */
  char           *receiver;             /* unsealed only with @with_receiver; else NULL */
  char           *district_code;
  char           *classification_code;
  char           *ebarimt_id;
  char           *receipt_id;           /* ДДТД */
  char           *lottery;
  char           *qr_data;
  char           *merchant_tin;
  gint64          amount;               /* as registered (minor), 0 before */
  gint64          vat_e4;
  gint64          city_tax_e4;
  int             attempts;
  gint64          next_attempt_us;      /* 0 = now */
  gboolean        unknown;              /* a request's answer was lost: look it up first */
  char           *last_error_key;
  char           *last_error;
  int             copies;
  gint64          registered_us;
  gint64          created_us;
  gint64          updated_us;
} TbReceipt;

void        tb_receipt_free          (TbReceipt *receipt);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TbReceipt, tb_receipt_free)

typedef enum
{
  TB_RECEIPT_FILTER_ALL,
  TB_RECEIPT_FILTER_PENDING,   /* PENDING */
  TB_RECEIPT_FILTER_ERROR,     /* ERROR */
  TB_RECEIPT_FILTER_OPEN,      /* PENDING or ERROR */
} TbReceiptFilter;

TbReceipt  *tb_ledger_get_receipt    (TbLedger        *self,
                                      gint64           receipt_id,
                                      gboolean         with_receiver,
                                      GError         **error);
/* Newest first; @bill_id 0 = every bill. */
GPtrArray  *tb_ledger_list_receipts  (TbLedger        *self,
                                      TbReceiptFilter  filter,
                                      gint64           bill_id,
                                      guint            limit,
                                      GError         **error);
/* PENDING or ERROR receipts whose next attempt is due at @now_us, oldest first. */
GPtrArray  *tb_ledger_due_receipts   (TbLedger        *self,
                                      gint64           now_us,
                                      guint            limit,
                                      GError         **error);
/* Before a create request goes out: attempts + 1, unknown = TRUE (cleared by the answer), and
 * what is being sent (the receiver is sealed). */
gboolean    tb_ledger_receipt_begin_attempt (TbLedger   *self,
                                             gint64      receipt_id,
                                             const char *receiver_type,
                                             const char *receiver,
                                             const char *district_code,
                                             const char *classification_code,
                                             GError    **error);
typedef struct
{
  const char *ebarimt_id;
  const char *receipt_id;    /* ДДТД */
  const char *lottery;
  const char *qr_data;
  const char *merchant_tin;
  gint64      amount;
  gint64      vat_e4;
  gint64      city_tax_e4;
} TbReceiptRegistration;
/* → REGISTERED (final: never requested again). */
gboolean    tb_ledger_receipt_registered (TbLedger                    *self,
                                          gint64                       receipt_id,
                                          const TbReceiptRegistration *registration,
                                          GError                     **error);
/* → ERROR with QPay's key and a message, next attempt at @next_attempt_us. @unknown: the
 * answer was lost (the next attempt looks the receipt up before creating again). */
gboolean    tb_ledger_receipt_failed (TbLedger    *self,
                                      gint64       receipt_id,
                                      const char  *error_key,
                                      const char  *message,
                                      gint64       next_attempt_us,
                                      gboolean     unknown,
                                      GError     **error);
/* → SKIPPED (receipts switched off, or not for this payment). */
gboolean    tb_ledger_receipt_skip   (TbLedger    *self,
                                      gint64       receipt_id,
                                      const char  *reason,
                                      GError     **error);
/* REGISTERED → CANCELLED (voided bill, refunded payment). */
gboolean    tb_ledger_receipt_cancelled (TbLedger   *self,
                                         gint64      receipt_id,
                                         const char *note,
                                         GError    **error);
/* ERROR/SKIPPED → PENDING, due now (the Retry button). REGISTERED is never retried. */
gboolean    tb_ledger_receipt_retry_now (TbLedger   *self,
                                         gint64      receipt_id,
                                         GError    **error);
/* A reprint: copies + 1 and an audit row "receipt.reprint copy=N"; returns N. */
int         tb_ledger_receipt_note_copy (TbLedger   *self,
                                         gint64      receipt_id,
                                         GError    **error);
/* The bill's own receipt choices (NULL = use the defaults). */
gboolean    tb_ledger_set_bill_receipt (TbLedger   *self,
                                        gint64      bill_id,
                                        const char *receiver_type,
                                        const char *phone,
                                        const char *district_code,
                                        const char *classification_code,
                                        GError    **error);

/* Several settlements in ONE transaction: all of them or none. A provider check that reports
 * several payments for one invoice settles them together, so a crash can never leave some of
 * them recorded and the intent already PAID (which the reconciler would not look at again).
 * The cash and card parts of one payment go in together the same way: each part is checked
 * against what the parts before it left due, so their combined amount is checked too, and a
 * part that fails leaves none of them recorded. */
gboolean    tb_ledger_settle_many   (TbLedger              *self,
                                     const TbSettleRequest *requests,
                                     guint                  n_requests,
                                     TbSettleResult        *out_results,
                                     GError               **error);

/* ---- listing (tb-ledger-query.c) ---- */
typedef enum
{
  TB_BILL_FILTER_ALL,
  TB_BILL_FILTER_OPEN,      /* OPEN or PARTIAL */
  TB_BILL_FILTER_PAID,
  TB_BILL_FILTER_VOID,
  TB_BILL_FILTER_TODAY,     /* created since local midnight */
  TB_BILL_FILTER_PARTIAL,
  TB_BILL_FILTER_OPEN_ONLY, /* OPEN only */
} TbBillFilter;

/* Bills newest first, without lines/payments. @search (nullable) matches a bill number
 * prefix, a customer name prefix, or a customer's whole phone number. */
GPtrArray  *tb_ledger_list_bills    (TbLedger     *self,
                                     TbBillFilter  filter,
                                     const char   *search,
                                     guint         offset,
                                     guint         limit,
                                     GError      **error);
guint       tb_ledger_count_bills   (TbLedger     *self,
                                     TbBillFilter  filter,
                                     const char   *search,
                                     GError      **error);

/* ---- export ---- */
/* Payments as RFC 4180 CSV (UTF-8, CRLF, header row). from/to are UTC µs, 0 = unbounded;
 * to is exclusive. */
gboolean    tb_ledger_export_payments_csv (TbLedger  *self,
                                           gint64     from_us,
                                           gint64     to_us,
                                           GString   *out,
                                           GError   **error);

typedef enum
{
  TB_CSV_PLAIN,        /* RFC 4180 for scripts: no BOM, cells as they are */
  TB_CSV_SPREADSHEET,  /* UTF-8 BOM, and text cells that a spreadsheet would read as a
                        * formula (= + - @ tab CR first) start with a single quote;
                        * cells that are plain numbers (-12500.00) stay numbers */
} TbCsvForm;

/* As tb_ledger_export_payments_csv, in @form (which that function calls TB_CSV_PLAIN). */
gboolean    tb_ledger_export_payments_csv_form (TbLedger  *self,
                                                gint64     from_us,
                                                gint64     to_us,
                                                TbCsvForm  form,
                                                GString   *out,
                                                GError   **error);

/* The payments CSV in @form written to @path whole or not at all, readable by the user only
 * (it lists every payment). For the window's Export Payments…: call it in a worker thread. */
gboolean    tb_ledger_export_payments_file (TbLedger   *self,
                                            gint64      from_us,
                                            gint64      to_us,
                                            TbCsvForm   form,
                                            const char *path,
                                            GError    **error);

/* ---- audit ---- */
typedef struct
{
  gint64  id;
  gint64  at_us;
  char   *actor;
  char   *action;
  char   *entity;
  gint64  entity_id;
  char   *detail;
} TbAuditEntry;
void        tb_audit_entry_free     (TbAuditEntry *entry);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TbAuditEntry, tb_audit_entry_free)
/* Newest first. */
GPtrArray  *tb_ledger_list_audit    (TbLedger     *self,
                                     guint         limit,
                                     GError      **error);

/* The audit log is a hash chain (docs/ledger.md, "The hash chain"). Its head is the last row's
 * id and hash (0 and a string of 64 zeros for an empty log): printed on a Z report, it lets a
 * later rewrite of the whole chain be caught. */
gboolean    tb_ledger_audit_head    (TbLedger     *self,
                                     gint64       *out_id,
                                     char        **out_hash,
                                     GError      **error);

typedef struct
{
  gboolean    intact;
  gint64      rows;          /* audit rows checked and found sound */
  gint64      head_id;       /* the last sound row (the head when intact) */
  char       *head_hash;     /* its hash; NULL for an empty log */
  const char *broken_table;  /* "audit_log" or "payments"; NULL when intact */
  gint64      broken_id;     /* the first broken row of that table */
  char       *problem;       /* translated: what does not match */
} TbAuditCheck;
void        tb_audit_check_clear    (TbAuditCheck *check);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (TbAuditCheck, tb_audit_check_clear)
/* Walks the chain from the first row in one snapshot: every row's link to the row before, its
 * hash, and the payment it records; then that every payment is recorded by an audit row.
 * Returns FALSE only when the ledger could not be read; a broken chain is TRUE with
 * out_check->intact FALSE. Reads the whole log: run it off the main thread. */
gboolean    tb_ledger_audit_verify  (TbLedger     *self,
                                     TbAuditCheck *out_check,
                                     GError      **error);

G_END_DECLS
