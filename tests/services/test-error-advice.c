/* test-error-advice.c: the right advice for every error domain and code
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <gio/gio.h>
#include <libsoup/soup.h>
#include <string.h>

#include "core/tb-ledger.h"
#include "core/tb-money.h"
#include "providers/tb-qpay-error.h"
#include "services/tb-error-advice.h"
#include "services/tb-service-error.h"

/* What the advice must say (a phrase of it, C locale). */
#define NETWORK   "internet connection"
#define DISK      "disk is not full"
#define CHANGED   "changed in the meantime"
#define SETTINGS  "QPay settings"
#define REFUSED   "QPay refused this"
#define DOWN      "QPay has a problem"
#define UNREAD    "could not be read"
#define UNKNOWN   "never take the money a second time"
#define GONE      "QPay no longer has it"
#define QR_OPEN   "may still be paid"
#define DEADLINE  "did not answer in time"
#define GENERAL   "restart Tulbur"
#define BUSY      "Another desk is writing"
#define RELOAD    "Reload the bill list"
#define CORRECT   "Correct the highlighted value"
#define OPEN      "ledger file exists"
#define TOO_NEW   "newer version"
#define AMOUNT    "Correct the amount"
#define TLS       "secure connection"
#define STOPPED   "stopped before it finished"
#define LOGIN     "did not accept the login"
#define EBARIMT   "switch on e-receipts"
#define RECEIPT   "receipt details"
#define PAYMENT   "may already be paid"
#define NO_SPACE  "disk is full"
#define ACCESS    "may not use this file"
#define MISSING   "does not exist"
#define EXISTS    "already exists"
#define KEY       "tulbur-cli key import"

typedef struct
{
  GQuark      (*domain) (void);
  int           code;
  const char   *phrase;
} Case;

static const Case cases[] = {
  /* TB_LEDGER_ERROR: every code */
  { tb_ledger_error_quark, TB_LEDGER_ERROR_OPEN, OPEN },
  { tb_ledger_error_quark, TB_LEDGER_ERROR_TOO_NEW, TOO_NEW },
  { tb_ledger_error_quark, TB_LEDGER_ERROR_NOT_FOUND, RELOAD },
  { tb_ledger_error_quark, TB_LEDGER_ERROR_INVALID, CORRECT },
  { tb_ledger_error_quark, TB_LEDGER_ERROR_STATE, CHANGED },
  { tb_ledger_error_quark, TB_LEDGER_ERROR_BUSY, BUSY },
  { tb_ledger_error_quark, TB_LEDGER_ERROR_FAILED, DISK },
  { tb_ledger_error_quark, TB_LEDGER_ERROR_KEY_MISSING, KEY },
  { tb_ledger_error_quark, TB_LEDGER_ERROR_KEY_MISMATCH, KEY },
  { tb_money_error_quark, TB_MONEY_ERROR_EMPTY, AMOUNT },
  { tb_money_error_quark, TB_MONEY_ERROR_INVALID, AMOUNT },
  /* TB_QPAY_ERROR: every code (without a key) */
  { tb_qpay_error_quark, TB_QPAY_ERROR_REJECTED, REFUSED },
  { tb_qpay_error_quark, TB_QPAY_ERROR_UNAUTHORIZED, SETTINGS },
  { tb_qpay_error_quark, TB_QPAY_ERROR_NOT_FOUND, GONE },
  { tb_qpay_error_quark, TB_QPAY_ERROR_SERVER, DOWN },
  { tb_qpay_error_quark, TB_QPAY_ERROR_NETWORK, NETWORK },
  { tb_qpay_error_quark, TB_QPAY_ERROR_TIMEOUT, NETWORK },
  { tb_qpay_error_quark, TB_QPAY_ERROR_BAD_RESPONSE, UNREAD },
  { tb_qpay_error_quark, TB_QPAY_ERROR_INVALID_REQUEST, REFUSED },
  { tb_qpay_error_quark, TB_QPAY_ERROR_CONFIG, SETTINGS },
  /* TB_SERVICE_ERROR: every code */
  { tb_service_error_quark, TB_SERVICE_ERROR_NETWORK, NETWORK },
  { tb_service_error_quark, TB_SERVICE_ERROR_UNKNOWN_OUTCOME, UNKNOWN },
  { tb_service_error_quark, TB_SERVICE_ERROR_PROVIDER, REFUSED },
  { tb_service_error_quark, TB_SERVICE_ERROR_NOT_CONFIGURED, SETTINGS },
  { tb_service_error_quark, TB_SERVICE_ERROR_CHANGED, CHANGED },
  { tb_service_error_quark, TB_SERVICE_ERROR_QR_OPEN, QR_OPEN },
  { tb_service_error_quark, TB_SERVICE_ERROR_DEADLINE, DEADLINE },
  { tb_service_error_quark, TB_SERVICE_ERROR_FAILED, GENERAL },
  /* G_IO_ERROR: the codes with their own advice (the rest: below) */
  { g_io_error_quark, G_IO_ERROR_CANCELLED, STOPPED },
  { g_io_error_quark, G_IO_ERROR_TIMED_OUT, NETWORK },
  { g_io_error_quark, G_IO_ERROR_HOST_NOT_FOUND, NETWORK },
  { g_io_error_quark, G_IO_ERROR_HOST_UNREACHABLE, NETWORK },
  { g_io_error_quark, G_IO_ERROR_NETWORK_UNREACHABLE, NETWORK },
  { g_io_error_quark, G_IO_ERROR_CONNECTION_REFUSED, NETWORK },
  { g_io_error_quark, G_IO_ERROR_CONNECTION_CLOSED, NETWORK },
  { g_io_error_quark, G_IO_ERROR_BROKEN_PIPE, NETWORK },
  { g_io_error_quark, G_IO_ERROR_NOT_CONNECTED, NETWORK },
  { g_io_error_quark, G_IO_ERROR_PROXY_FAILED, NETWORK },
  { g_io_error_quark, G_IO_ERROR_PROXY_AUTH_FAILED, NETWORK },
  { g_io_error_quark, G_IO_ERROR_PROXY_NEED_AUTH, NETWORK },
  { g_io_error_quark, G_IO_ERROR_PROXY_NOT_ALLOWED, NETWORK },
  { g_io_error_quark, G_IO_ERROR_NO_SPACE, NO_SPACE },
  { g_io_error_quark, G_IO_ERROR_PERMISSION_DENIED, ACCESS },
  { g_io_error_quark, G_IO_ERROR_READ_ONLY, ACCESS },
  { g_io_error_quark, G_IO_ERROR_NOT_FOUND, MISSING },
  { g_io_error_quark, G_IO_ERROR_EXISTS, EXISTS },
  { g_io_error_quark, G_IO_ERROR_BUSY, BUSY },
  { g_io_error_quark, G_IO_ERROR_WOULD_BLOCK, BUSY },
  { g_io_error_quark, G_IO_ERROR_FAILED, GENERAL },
  /* G_RESOLVER_ERROR, G_TLS_ERROR, SOUP_SESSION_ERROR: every code */
  { g_resolver_error_quark, G_RESOLVER_ERROR_NOT_FOUND, NETWORK },
  { g_resolver_error_quark, G_RESOLVER_ERROR_TEMPORARY_FAILURE, NETWORK },
  { g_resolver_error_quark, G_RESOLVER_ERROR_INTERNAL, NETWORK },
  { g_tls_error_quark, G_TLS_ERROR_UNAVAILABLE, TLS },
  { g_tls_error_quark, G_TLS_ERROR_MISC, TLS },
  { g_tls_error_quark, G_TLS_ERROR_BAD_CERTIFICATE, TLS },
  { g_tls_error_quark, G_TLS_ERROR_NOT_TLS, TLS },
  { g_tls_error_quark, G_TLS_ERROR_HANDSHAKE, TLS },
  { g_tls_error_quark, G_TLS_ERROR_CERTIFICATE_REQUIRED, TLS },
  { g_tls_error_quark, G_TLS_ERROR_EOF, TLS },
  { g_tls_error_quark, G_TLS_ERROR_INAPPROPRIATE_FALLBACK, TLS },
  { g_tls_error_quark, G_TLS_ERROR_BAD_CERTIFICATE_PASSWORD, TLS },
  { soup_session_error_quark, SOUP_SESSION_ERROR_PARSING, UNREAD },
  { soup_session_error_quark, SOUP_SESSION_ERROR_ENCODING, UNREAD },
  { soup_session_error_quark, SOUP_SESSION_ERROR_TOO_MANY_REDIRECTS, UNREAD },
  { soup_session_error_quark, SOUP_SESSION_ERROR_TOO_MANY_RESTARTS, UNREAD },
  { soup_session_error_quark, SOUP_SESSION_ERROR_REDIRECT_NO_LOCATION, UNREAD },
  { soup_session_error_quark, SOUP_SESSION_ERROR_REDIRECT_BAD_URI, UNREAD },
  { soup_session_error_quark, SOUP_SESSION_ERROR_MESSAGE_ALREADY_IN_QUEUE, UNREAD },
};

/* Advice that would send staff the wrong way for a network or provider problem. */
static const char * const misleading[] = { DISK, CHANGED, CORRECT, OPEN, NULL };

static gboolean
is_network_or_provider (GQuark domain)
{
  return domain == TB_QPAY_ERROR || domain == TB_SERVICE_ERROR || domain == G_RESOLVER_ERROR ||
         domain == G_TLS_ERROR || domain == SOUP_SESSION_ERROR;
}

static void
test_every_code (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = g_error_new_literal (cases[i].domain (), cases[i].code, "x");
      const char *advice = tb_error_advice (error);

      g_test_message ("%s %d: %s", g_quark_to_string (error->domain), error->code, advice);
      g_assert_true (tb_error_has_advice (error));
      g_assert_nonnull (strstr (advice, cases[i].phrase));

      if (is_network_or_provider (error->domain) &&
          !g_error_matches (error, TB_SERVICE_ERROR, TB_SERVICE_ERROR_CHANGED))
        for (guint m = 0; misleading[m] != NULL; m++)
          g_assert_null (strstr (advice, misleading[m]));
    }
}

/* Every G_IO_ERROR code has advice, the ones without their own the general sentence. */
static void
test_every_io_code (void)
{
  for (int code = G_IO_ERROR_FAILED; code <= G_IO_ERROR_NO_SUCH_DEVICE; code++)
    {
      g_autoptr(GError) error = g_error_new_literal (G_IO_ERROR, code, "x");
      const char *advice = tb_error_advice (error);

      g_assert_nonnull (advice);
      g_assert_cmpstr (advice, !=, "");
      g_assert_null (strstr (advice, CHANGED));
    }
}

/* QPay's key is more precise than its HTTP status. */
static void
test_qpay_keys (void)
{
  static const struct { guint status; const char *key; const char *phrase; } keys[] = {
    { 401, "NO_CREDENDIALS", LOGIN },
    { 401, "AUTHENTICATION_FAILED", LOGIN },
    { 400, "INVOICE_CODE_INVALID", SETTINGS },
    { 400, "INVOICE_PAID", PAYMENT },
    { 400, "EBARIMT_NOT_ENABLED", EBARIMT },
    { 400, "CLASSIFICATION_CODE_INVALID", RECEIPT },
    { 400, "CUSTOMER_REGISTER_INVALID", RECEIPT },
    { 422, "INVOICE_NOTFOUND", GONE },
    { 400, "SOMETHING_NEW", REFUSED },
    { 503, NULL, DOWN },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      g_autoptr(GError) error = tb_qpay_error_new_from_response (keys[i].status, keys[i].key);

      g_assert_nonnull (strstr (tb_error_advice (error), keys[i].phrase));
    }
}

/* The two examples, and the domains it does not know. */
static void
test_examples (void)
{
  g_autoptr(GError) offline_cancel = g_error_new_literal (TB_SERVICE_ERROR, TB_SERVICE_ERROR_NETWORK, "x");
  g_autoptr(GError) refusal = tb_qpay_error_new_from_response (400, "INVALID_AMOUNT");
  g_autoptr(GError) other = g_error_new_literal (g_quark_from_static_string ("x-other"), 3, "x");

  g_assert_null (strstr (tb_error_advice (offline_cancel), CHANGED));
  g_assert_null (strstr (tb_error_advice (refusal), DISK));
  g_assert_false (tb_error_has_advice (other));
  g_assert_nonnull (strstr (tb_error_advice (other), GENERAL));
  g_assert_nonnull (strstr (tb_error_advice (NULL), GENERAL));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/tulbur/error-advice/every-code", test_every_code);
  g_test_add_func ("/tulbur/error-advice/every-io-code", test_every_io_code);
  g_test_add_func ("/tulbur/error-advice/qpay-keys", test_qpay_keys);
  g_test_add_func ("/tulbur/error-advice/examples", test_examples);

  return g_test_run ();
}
