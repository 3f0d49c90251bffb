/* tb-error-advice.c: what staff should do next after an error, for every domain
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>

#include "core/tb-ledger.h"
#include "core/tb-money.h"
#include "providers/tb-qpay-error.h"
#include "tb-error-advice.h"
#include "tb-service-error.h"

/* The sentences, each said once. */
#define GENERAL        N_("Try again. If it keeps happening, restart Tulbur.")
#define NETWORK        N_("Check the internet connection and try again; the same QR will be used.")
#define TLS            N_("The secure connection to QPay failed. Check the computer’s date and time and the network (a Wi-Fi login page can cause this), then try again.")
#define UNREADABLE     N_("QPay’s answer could not be read (a Wi-Fi login page or a proxy can cause this). Check the connection, then check the payment again before taking it another way.")
#define UNKNOWN        N_("It is not known whether QPay did this. Check the payment again before doing anything else, and never take the money a second time.")
#define PROVIDER_DOWN  N_("QPay has a problem right now. Wait a minute and try again, or take the payment another way.")
#define SETTINGS       N_("Check the QPay settings (Preferences in the app, the QPAY_ variables for tulbur-cli), or take the payment another way.")
#define REFUSED        N_("QPay refused this. Check the bill and the amount; if it keeps happening, take the payment another way.")
#define GONE           N_("QPay no longer has it. Look at the bill again, and create a new QR if the customer still wants to pay by QPay.")
#define CHANGED        N_("The bill changed in the meantime. Look at it again before you continue.")
#define QR_OPEN        N_("A QR for this bill may still be paid. Cancel it, or wait until it expires, before taking the payment another way.")
#define DEADLINE       N_("QPay did not answer in time. What was not checked is checked on the next run.")
#define BUSY           N_("Another desk is writing to the ledger right now. Wait a few seconds and try again.")
#define DISK           N_("The ledger file could not be written. Check that the disk is not full, then try again.")
#define RELOAD         N_("It may have been changed at another desk. Reload the bill list and try again.")
#define CORRECT        N_("Correct the highlighted value and try again.")
#define OPEN_LEDGER    N_("Check that the ledger file exists and that Tulbur may read and write it, then start Tulbur again.")
#define TOO_NEW        N_("This ledger was written by a newer version of Tulbur. Update Tulbur on this computer.")
#define KEY_RESTORE    N_("Restore the ledger’s own key file from the backup it was saved with, or type its recovery key into “tulbur-cli key import”. Do not start a new ledger in its place.")
#define AMOUNT         N_("Correct the amount and try again.")
#define STOPPED        N_("It was stopped before it finished. Do it again if it is still needed.")
#define FILE_ACCESS    N_("Tulbur may not use this file or folder. Choose another place, or ask whoever looks after this computer.")
#define FILE_MISSING   N_("The file or folder does not exist. Check the name and the place, then try again.")
#define FILE_EXISTS    N_("A file with that name already exists. Choose another name.")
#define DISK_FULL      N_("The disk is full. Free some space, then try again.")
#define EBARIMT_OFF    N_("Ask QPay to switch on e-receipts for your merchant account, then press Retry.")
#define RECEIPT_INPUT  N_("Correct the receipt details (receiver, district or classification code), then press Retry.")
#define LOGIN          N_("QPay did not accept the login. Check the client ID and secret; if another computer uses the same account, give each desk its own.")
#define CHECK_PAYMENT  N_("Check the payment first: it may already be paid.")

typedef struct
{
  int         code;
  const char *advice;
} CodeAdvice;

typedef struct
{
  GQuark          (*domain) (void);
  const CodeAdvice *codes;
  gsize             n_codes;
  const char       *otherwise;   /* a code not in the table */
} DomainAdvice;

static const CodeAdvice ledger_codes[] = {
  { TB_LEDGER_ERROR_OPEN, OPEN_LEDGER },
  { TB_LEDGER_ERROR_TOO_NEW, TOO_NEW },
  { TB_LEDGER_ERROR_NOT_FOUND, RELOAD },
  { TB_LEDGER_ERROR_INVALID, CORRECT },
  { TB_LEDGER_ERROR_STATE, CHANGED },
  { TB_LEDGER_ERROR_BUSY, BUSY },
  { TB_LEDGER_ERROR_FAILED, DISK },
  { TB_LEDGER_ERROR_KEY_MISSING, KEY_RESTORE },
  { TB_LEDGER_ERROR_KEY_MISMATCH, KEY_RESTORE },
};

static const CodeAdvice qpay_codes[] = {
  { TB_QPAY_ERROR_REJECTED, REFUSED },
  { TB_QPAY_ERROR_UNAUTHORIZED, SETTINGS },
  { TB_QPAY_ERROR_NOT_FOUND, GONE },
  { TB_QPAY_ERROR_SERVER, PROVIDER_DOWN },
  { TB_QPAY_ERROR_NETWORK, NETWORK },
  { TB_QPAY_ERROR_TIMEOUT, NETWORK },
  { TB_QPAY_ERROR_BAD_RESPONSE, UNREADABLE },
  { TB_QPAY_ERROR_INVALID_REQUEST, REFUSED },
  { TB_QPAY_ERROR_CONFIG, SETTINGS },
};

static const CodeAdvice service_codes[] = {
  { TB_SERVICE_ERROR_NETWORK, NETWORK },
  { TB_SERVICE_ERROR_UNKNOWN_OUTCOME, UNKNOWN },
  { TB_SERVICE_ERROR_PROVIDER, REFUSED },
  { TB_SERVICE_ERROR_NOT_CONFIGURED, SETTINGS },
  { TB_SERVICE_ERROR_CHANGED, CHANGED },
  { TB_SERVICE_ERROR_QR_OPEN, QR_OPEN },
  { TB_SERVICE_ERROR_DEADLINE, DEADLINE },
  { TB_SERVICE_ERROR_FAILED, GENERAL },
};

/* Every other G_IO_ERROR code gets the general sentence. */
static const CodeAdvice io_codes[] = {
  { G_IO_ERROR_CANCELLED, STOPPED },
  { G_IO_ERROR_TIMED_OUT, NETWORK },
  { G_IO_ERROR_HOST_NOT_FOUND, NETWORK },
  { G_IO_ERROR_HOST_UNREACHABLE, NETWORK },
  { G_IO_ERROR_NETWORK_UNREACHABLE, NETWORK },
  { G_IO_ERROR_CONNECTION_REFUSED, NETWORK },
  { G_IO_ERROR_CONNECTION_CLOSED, NETWORK },
  { G_IO_ERROR_BROKEN_PIPE, NETWORK },
  { G_IO_ERROR_NOT_CONNECTED, NETWORK },
  { G_IO_ERROR_PROXY_FAILED, NETWORK },
  { G_IO_ERROR_PROXY_AUTH_FAILED, NETWORK },
  { G_IO_ERROR_PROXY_NEED_AUTH, NETWORK },
  { G_IO_ERROR_PROXY_NOT_ALLOWED, NETWORK },
  { G_IO_ERROR_NO_SPACE, DISK_FULL },
  { G_IO_ERROR_PERMISSION_DENIED, FILE_ACCESS },
  { G_IO_ERROR_READ_ONLY, FILE_ACCESS },
  { G_IO_ERROR_NOT_FOUND, FILE_MISSING },
  { G_IO_ERROR_EXISTS, FILE_EXISTS },
  { G_IO_ERROR_BUSY, BUSY },
  { G_IO_ERROR_WOULD_BLOCK, BUSY },
};

static const DomainAdvice domains[] = {
  { tb_ledger_error_quark, ledger_codes, G_N_ELEMENTS (ledger_codes), GENERAL },
  { tb_money_error_quark, NULL, 0, AMOUNT },
  { tb_qpay_error_quark, qpay_codes, G_N_ELEMENTS (qpay_codes), REFUSED },
  { tb_service_error_quark, service_codes, G_N_ELEMENTS (service_codes), GENERAL },
  { g_io_error_quark, io_codes, G_N_ELEMENTS (io_codes), GENERAL },
  { g_resolver_error_quark, NULL, 0, NETWORK },
  { g_tls_error_quark, NULL, 0, TLS },
  { soup_session_error_quark, NULL, 0, UNREADABLE },
};

/* QPay's keys that call for something more precise than their code. */
static const struct
{
  const char *key;
  const char *advice;
} qpay_keys[] = {
  { "AUTHENTICATION_FAILED", LOGIN },
  { "NO_CREDENDIALS", LOGIN },
  { "CLIENT_NOTFOUND", SETTINGS },
  { "INVOICE_CODE_INVALID", SETTINGS },
  { "MERCHANT_NOTFOUND", SETTINGS },
  { "INVOICE_PAID", CHECK_PAYMENT },
  { "EBARIMT_NOT_ENABLED", EBARIMT_OFF },
  { "CLASSIFICATION_CODE_INVALID", RECEIPT_INPUT },
  { "CUSTOMER_REGISTER_INVALID", RECEIPT_INPUT },
};

static const DomainAdvice *
find_domain (const GError *error)
{
  if (error == NULL)
    return NULL;
  for (gsize i = 0; i < G_N_ELEMENTS (domains); i++)
    if (error->domain == domains[i].domain ())
      return &domains[i];
  return NULL;
}

gboolean
tb_error_has_advice (const GError *error)
{
  return find_domain (error) != NULL;
}

const char *
tb_error_advice (const GError *error)
{
  const DomainAdvice *domain = find_domain (error);

  if (domain == NULL)
    return _(GENERAL);

  if (error->domain == TB_QPAY_ERROR)
    for (gsize i = 0; i < G_N_ELEMENTS (qpay_keys); i++)
      if (tb_qpay_error_has_key (error, qpay_keys[i].key))
        return _(qpay_keys[i].advice);

  for (gsize i = 0; i < domain->n_codes; i++)
    if (domain->codes[i].code == error->code)
      return _(domain->codes[i].advice);
  return _(domain->otherwise);
}
