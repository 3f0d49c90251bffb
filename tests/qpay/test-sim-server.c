/* test-sim-server.c: the simulator speaks QPay (raw HTTP), its control API, tulbur-sim
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "tb-test-utils.h"
#include "tb-qpay-parse.h"
#include "tb-qpay-request.h"
#include "tb-qpay-test-common.h"
#include "tb-sim-server-private.h"

typedef struct
{
  TbSimServer *sim;
  SoupSession *session;
  char        *token;
} Raw;

typedef struct
{
  guint       status;
  GBytes     *body;
  JsonParser *parser;
  JsonObject *object;    /* NULL when the body is not a JSON object */
} Answer;

static void
answer_clear (Answer *answer)
{
  g_clear_pointer (&answer->body, g_bytes_unref);
  g_clear_object (&answer->parser);
  answer->object = NULL;
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Answer, answer_clear)

/* One request; @auth is "Basic …"/"Bearer …" or NULL; @json may be NULL (no body). */
static void
raw_request (Raw        *raw,
             const char *method,
             const char *path,
             const char *auth,
             const char *json,
             Answer     *answer)
{
  g_autofree char *url = g_strconcat (tb_sim_server_get_url (raw->sim), path, NULL);
  g_autoptr(SoupMessage) message = soup_message_new (method, url);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  AsyncWait wait = { 0, };

  if (auth != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (message), "Authorization", auth);
  if (json != NULL)
    {
      g_autoptr(GBytes) body = g_bytes_new (json, strlen (json));

      soup_message_set_request_body_from_bytes (message, "application/json", body);
    }

  soup_session_send_and_read_async (raw->session, message, G_PRIORITY_DEFAULT, NULL, async_wait_cb, &wait);
  result = async_wait (&wait);
  answer->body = soup_session_send_and_read_finish (raw->session, result, &error);
  g_assert_no_error (error);
  answer->status = soup_message_get_status (message);
  answer->parser = tb_qpay_parse_json_object (answer->body, &answer->object, NULL);
}

/* A business call with the current token. */
static void
api (Raw        *raw,
     const char *method,
     const char *path,
     const char *json,
     Answer     *answer)
{
  g_autofree char *auth = g_strconcat ("Bearer ", raw->token, NULL);

  raw_request (raw, method, path, auth, json, answer);
}

static void
raw_setup (Raw           *raw,
           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_auto(Answer) answer = { 0, };
  g_autofree char *basic = g_base64_encode ((const guchar *) "TULBUR_DEMO:demo", strlen ("TULBUR_DEMO:demo"));
  g_autofree char *auth = g_strconcat ("Basic ", basic, NULL);

  raw->sim = tb_sim_server_new ();
  tb_sim_server_start (raw->sim, 0, &error);
  g_assert_no_error (error);
  raw->session = soup_session_new ();

  raw_request (raw, "POST", "/v2/auth/token", auth, NULL, &answer);
  g_assert_cmpuint (answer.status, ==, 200);
  raw->token = g_strdup (json_object_get_string_member (answer.object, "access_token"));
}

static void
raw_teardown (Raw           *raw,
              gconstpointer  data)
{
  soup_session_abort (raw->session);
  g_clear_object (&raw->session);
  drain_main_context ();
  tb_sim_server_stop (raw->sim);
  drain_main_context ();
  g_assert_finalize_object (g_steal_pointer (&raw->sim));
  g_free (raw->token);
}

static void
assert_error (Answer     *answer,
              guint       status,
              const char *key)
{
  g_assert_cmpuint (answer->status, ==, status);
  g_assert_nonnull (answer->object);
  g_assert_cmpstr (json_object_get_string_member (answer->object, "error"), ==, key);
}

static char *
create_raw_invoice (Raw        *raw,
                    const char *number,
                    int         amount)
{
  g_auto(Answer) answer = { 0, };
  g_autofree char *json = g_strdup_printf ("{\"invoice_code\":\"TULBUR_DEMO_INVOICE\",\"sender_invoice_no\":\"%s\","
                                           "\"invoice_receiver_code\":\"terminal\",\"invoice_description\":\"test\","
                                           "\"amount\":%d,\"callback_url\":\"https://example.mn/cb\"}",
                                           number, amount);

  api (raw, "POST", "/v2/invoice", json, &answer);
  g_assert_cmpuint (answer.status, ==, 200);
  return g_strdup (json_object_get_string_member (answer.object, "invoice_id"));
}

static void
test_auth (Raw           *raw,
           gconstpointer  data)
{
  g_auto(Answer) token = { 0, };
  g_auto(Answer) wrong = { 0, };
  g_auto(Answer) none = { 0, };
  g_autofree char *basic = g_base64_encode ((const guchar *) "TULBUR_DEMO:demo", 16);
  g_autofree char *auth = g_strconcat ("Basic ", basic, NULL);
  g_autofree char *bad = g_base64_encode ((const guchar *) "TULBUR_DEMO:nope", 16);
  g_autofree char *bad_auth = g_strconcat ("Basic ", bad, NULL);
  JsonNode *policy;

  /* QPay's token shape: an epoch, the hyphenated key as the string "0", "bearer". */
  raw_request (raw, "POST", "/v2/auth/token", auth, NULL, &token);
  g_assert_cmpuint (token.status, ==, 200);
  g_assert_cmpint (json_object_get_int_member (token.object, "expires_in"), >, 1000000000);
  g_assert_cmpint (json_object_get_int_member (token.object, "refresh_expires_in"), ==,
                   json_object_get_int_member (token.object, "expires_in"));
  g_assert_cmpstr (json_object_get_string_member (token.object, "token_type"), ==, "bearer");
  policy = json_object_get_member (token.object, "not-before-policy");
  g_assert_cmpint (json_node_get_value_type (policy), ==, G_TYPE_STRING);
  g_assert_cmpstr (json_node_get_string (policy), ==, "0");

  raw_request (raw, "POST", "/v2/auth/token", bad_auth, NULL, &wrong);
  assert_error (&wrong, 401, "AUTHENTICATION_FAILED");

  /* The second login killed the fixture's token: one live token per merchant. */
  api (raw, "GET", "/v2/invoice/x", NULL, &none);
  assert_error (&none, 401, "NO_CREDENDIALS");
  g_assert_cmpstr (json_object_get_string_member (none.object, "message"), ==, "Хандах эрхгүй байна. Нэвтрэнэ үү.");
  g_assert_cmpuint (tb_sim_server_get_login_count (raw->sim), ==, 2);
}

static void
test_refresh (Raw           *raw,
              gconstpointer  data)
{
  g_auto(Answer) first = { 0, };
  g_auto(Answer) refreshed = { 0, };
  g_auto(Answer) reused = { 0, };
  g_autofree char *basic = g_base64_encode ((const guchar *) "TULBUR_DEMO:demo", 16);
  g_autofree char *auth = g_strconcat ("Basic ", basic, NULL);
  g_autofree char *refresh_auth = NULL;

  tb_sim_server_set_token_lifetime (raw->sim, 600, TRUE);
  raw_request (raw, "POST", "/v2/auth/token", auth, NULL, &first);
  g_assert_cmpint (json_object_get_int_member (first.object, "expires_in"), ==, 600);

  refresh_auth = g_strconcat ("Bearer ", json_object_get_string_member (first.object, "refresh_token"), NULL);
  raw_request (raw, "POST", "/v2/auth/refresh", refresh_auth, NULL, &refreshed);
  g_assert_cmpuint (refreshed.status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (refreshed.object, "access_token"), !=,
                   json_object_get_string_member (first.object, "access_token"));

  /* The old refresh token died with the refresh. */
  raw_request (raw, "POST", "/v2/auth/refresh", refresh_auth, NULL, &reused);
  assert_error (&reused, 401, "NO_CREDENDIALS");
}

static void
test_invoice_validation (Raw           *raw,
                         gconstpointer  data)
{
  struct { const char *json; guint status; const char *key; } cases[] = {
    { "{\"invoice_code\":\"TULBUR_DEMO_INVOICE\",\"sender_invoice_no\":\"V1\",\"invoice_receiver_code\":\"t\","
      "\"invoice_description\":\"d\",\"amount\":100}", 400, "OBJECT_DATA_ERROR" },                 /* no callback */
    { "{\"invoice_code\":\"TULBUR_DEMO_INVOICE\",\"sender_invoice_no\":\"V1\",\"invoice_receiver_code\":\"t\","
      "\"invoice_description\":\"d\",\"amount\":100,\"callback_url\":5}", 400, "OBJECT_DATA_ERROR" },
    { "{\"invoice_code\":\"NOPE\",\"sender_invoice_no\":\"V1\",\"invoice_receiver_code\":\"t\","
      "\"invoice_description\":\"d\",\"amount\":100,\"callback_url\":\"https://x.mn\"}", 400, "INVOICE_CODE_INVALID" },
    /* PRK's 49-character code. */
    { "{\"invoice_code\":\"TULBUR_DEMO_INVOICE\",\"sender_invoice_no\":\"V1\","
      "\"invoice_receiver_code\":\"0123456789012345678901234567890123456789012345678\","
      "\"invoice_description\":\"d\",\"amount\":100,\"callback_url\":\"https://x.mn\"}", 400, "MAX_LENGTH" },
    { "{\"invoice_code\":\"TULBUR_DEMO_INVOICE\",\"sender_invoice_no\":\"V 1\",\"invoice_receiver_code\":\"t\","
      "\"invoice_description\":\"d\",\"amount\":100,\"callback_url\":\"https://x.mn\"}", 400, "OBJECT_DATA_ERROR" },
    { "{\"invoice_code\":\"TULBUR_DEMO_INVOICE\",\"sender_invoice_no\":\"V1\",\"invoice_receiver_code\":\"t\","
      "\"invoice_description\":\"d\",\"amount\":5,\"callback_url\":\"https://x.mn\"}", 400, "MIN_AMOUNT_ERR" },
    { "{\"invoice_code\":\"TULBUR_DEMO_INVOICE\",\"sender_invoice_no\":\"V1\",\"invoice_receiver_code\":\"t\","
      "\"invoice_description\":\"d\",\"amount\":100.5,\"callback_url\":\"https://x.mn\"}", 400, "INVALID_AMOUNT" },
    { "{\"invoice_code\":\"TULBUR_DEMO_INVOICE\",\"sender_invoice_no\":\"V1\",\"invoice_receiver_code\":\"t\","
      "\"invoice_description\":\"d\",\"amount\":1000000000,\"callback_url\":\"https://x.mn\"}", 400, "MAX_AMOUNT_ERR" },
    /* 11 000 ₮ with the float-rounded VAT 999.9999: refused (docs/qpay.md, "Invoices"). */
    { "{\"invoice_code\":\"TULBUR_DEMO_INVOICE\",\"sender_invoice_no\":\"V1\",\"invoice_receiver_code\":\"t\","
      "\"invoice_description\":\"d\",\"callback_url\":\"https://x.mn\",\"lines\":[{\"line_description\":\"a\","
      "\"line_quantity\":\"1.00\",\"line_unit_price\":\"11000.00\",\"taxes\":[{\"tax_code\":\"VAT\","
      "\"description\":\"НӨАТ\",\"amount\":\"999.9999\"}]}]}", 400, "VAT_AMOUNT_INVALID" },
    /* City tax off by one ten-thousandth. */
    { "{\"invoice_code\":\"TULBUR_DEMO_INVOICE\",\"sender_invoice_no\":\"V1\",\"invoice_receiver_code\":\"t\","
      "\"invoice_description\":\"d\",\"callback_url\":\"https://x.mn\",\"lines\":[{\"line_description\":\"a\","
      "\"line_quantity\":\"1.00\",\"line_unit_price\":\"1000.00\",\"taxes\":[{\"tax_code\":\"VAT\","
      "\"description\":\"НӨАТ\",\"amount\":\"89.2857\"},{\"tax_code\":\"CITY_TAX\",\"description\":\"НХАТ\","
      "\"amount\":\"17.8572\"}]}]}", 400, "VAT_AMOUNT_INVALID" },
    /* A 0 ₮ line. */
    { "{\"invoice_code\":\"TULBUR_DEMO_INVOICE\",\"sender_invoice_no\":\"V1\",\"invoice_receiver_code\":\"t\","
      "\"invoice_description\":\"d\",\"callback_url\":\"https://x.mn\",\"lines\":[{\"line_description\":\"a\","
      "\"line_quantity\":\"1.00\",\"line_unit_price\":\"0.00\"}]}", 400, "INVALID_AMOUNT" },
    /* Lines that do not add up to the amount. */
    { "{\"invoice_code\":\"TULBUR_DEMO_INVOICE\",\"sender_invoice_no\":\"V1\",\"invoice_receiver_code\":\"t\","
      "\"invoice_description\":\"d\",\"amount\":500,\"callback_url\":\"https://x.mn\",\"lines\":[{\"line_description\":\"a\","
      "\"line_quantity\":\"1.00\",\"line_unit_price\":\"100.00\"}]}", 400, "INVALID_AMOUNT" },
    /* Ebarimt form: plain code, bad classification, missing VAT. */
    { "{\"invoice_code\":\"TULBUR_DEMO_INVOICE\",\"sender_invoice_no\":\"V1\",\"invoice_receiver_code\":\"t\","
      "\"invoice_description\":\"d\",\"callback_url\":\"https://x.mn\",\"tax_type\":\"1\",\"district_code\":\"0101\","
      "\"lines\":[{\"line_description\":\"a\",\"line_quantity\":\"1.00\",\"line_unit_price\":\"110.00\","
      "\"classification_code\":\"0111100\",\"taxes\":[{\"tax_code\":\"VAT\",\"description\":\"x\",\"amount\":\"10.0000\"}]}]}",
      400, "EBARIMT_NOT_ENABLED" },
    { "{\"invoice_code\":\"EB_TULBUR_DEMO_INVOICE\",\"sender_invoice_no\":\"V1\",\"invoice_receiver_code\":\"t\","
      "\"invoice_description\":\"d\",\"callback_url\":\"https://x.mn\",\"tax_type\":\"1\",\"district_code\":\"0101\","
      "\"lines\":[{\"line_description\":\"a\",\"line_quantity\":\"1.00\",\"line_unit_price\":\"110.00\","
      "\"classification_code\":\"522119\",\"taxes\":[{\"tax_code\":\"VAT\",\"description\":\"x\",\"amount\":\"10.0000\"}]}]}",
      400, "CLASSIFICATION_CODE_INVALID" },
    { "{\"invoice_code\":\"EB_TULBUR_DEMO_INVOICE\",\"sender_invoice_no\":\"V1\",\"invoice_receiver_code\":\"t\","
      "\"invoice_description\":\"d\",\"callback_url\":\"https://x.mn\",\"tax_type\":\"1\",\"district_code\":\"0101\","
      "\"lines\":[{\"line_description\":\"a\",\"line_quantity\":\"1.00\",\"line_unit_price\":\"110.00\","
      "\"classification_code\":\"0111100\"}]}", 400, "VAT_AMOUNT_INVALID" },
    { "{\"invoice_code\":\"EB_TULBUR_DEMO_INVOICE\",\"sender_invoice_no\":\"V1\",\"invoice_receiver_code\":\"t\","
      "\"invoice_description\":\"d\",\"callback_url\":\"https://x.mn\",\"tax_type\":\"1\",\"district_code\":\"0101\"}",
      400, "INVOICE_LINE_REQUIRED" },
    { "not json", 400, "OBJECT_DATA_ERROR" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_auto(Answer) answer = { 0, };

      g_test_message ("case %" G_GSIZE_FORMAT ": %s", i, cases[i].key);
      api (raw, "POST", "/v2/invoice", cases[i].json, &answer);
      assert_error (&answer, cases[i].status, cases[i].key);
    }

  {
    g_autoptr(GPtrArray) invoices = tb_sim_server_list_invoices (raw->sim);

    g_assert_cmpuint (invoices->len, ==, 0);
  }
}

static void
test_invoice_exact_vat (Raw           *raw,
                        gconstpointer  data)
{
  g_auto(Answer) answer = { 0, };
  g_auto(Answer) again = { 0, };
  g_auto(Answer) clash = { 0, };
  const char *json =
    "{\"invoice_code\":\"EB_TULBUR_DEMO_INVOICE\",\"sender_invoice_no\":\"OK1\",\"invoice_receiver_code\":\"t\","
    "\"invoice_description\":\"d\",\"callback_url\":\"https://x.mn\",\"tax_type\":\"1\",\"district_code\":\"0101\","
    "\"lines\":[{\"line_description\":\"a\",\"line_quantity\":\"1.00\",\"line_unit_price\":\"11000.00\","
    "\"classification_code\":\"0111100\",\"taxes\":[{\"tax_code\":\"VAT\",\"description\":\"x\",\"amount\":\"1000.0000\"}]},"
    "{\"line_description\":\"b\",\"line_quantity\":\"2.00\",\"line_unit_price\":\"25.00\","
    "\"classification_code\":\"0111100\",\"taxes\":[{\"tax_code\":\"VAT\",\"description\":\"x\",\"amount\":4.5454}]}]}";
  const char *other =
    "{\"invoice_code\":\"TULBUR_DEMO_INVOICE\",\"sender_invoice_no\":\"OK1\",\"invoice_receiver_code\":\"t\","
    "\"invoice_description\":\"d\",\"callback_url\":\"https://x.mn\",\"amount\":100}";
  g_autoptr(TbSimInvoiceInfo) info = NULL;

  api (raw, "POST", "/v2/invoice", json, &answer);
  g_assert_cmpuint (answer.status, ==, 200);
  info = tb_sim_server_get_invoice (raw->sim, json_object_get_string_member (answer.object, "invoice_id"));
  g_assert_cmpint (info->amount, ==, 1105000);

  /* The same request again is the same invoice. */
  api (raw, "POST", "/v2/invoice", json, &again);
  g_assert_cmpuint (again.status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (again.object, "invoice_id"), ==, info->invoice_id);

  /* Another code, another namespace: fine. */
  api (raw, "POST", "/v2/invoice", other, &clash);
  g_assert_cmpuint (clash.status, ==, 200);
}

/* The simulator's VAT table is its own (tb-sim-tax.c), written from docs/qpay.md:
 * each line below was worked out by hand from "VAT = gross × 10/110; with city tax gross ×
 * 10/112 and × 2/112; city tax alone gross × 2/102; cut down to 4 places". A wrong per-line
 * tax is refused with VAT_AMOUNT_INVALID whatever the app's tax code says, right ones pass. */
static void
test_vat_table (Raw           *raw,
                gconstpointer  data)
{
  struct { const char *qty; const char *price; const char *vat; const char *city; gboolean ok; } cases[] = {
    { "1.00", "11000.00", "1000.0000", NULL, TRUE },        /* divisible by 11 */
    { "1.00", "50.00", "4.5454", NULL, TRUE },              /* 4.54545… cut down */
    { "1.00", "50.00", "4.5455", NULL, FALSE },             /* rounded instead of cut */
    { "1.00", "100.00", "9.0909", NULL, TRUE },
    { "1.00", "100.00", "9.09", NULL, FALSE },              /* two places */
    { "1.00", "100.00", "10.0000", NULL, FALSE },           /* 10 % of the price, not inside it */
    { "1.00", "1000.00", "89.2857", "17.8571", TRUE },      /* TPA's example */
    { "1.00", "1000.00", "89.2857", NULL, FALSE },          /* the with-city-tax VAT on a VAT-only line */
    { "1.00", "1000.00", "90.9090", "17.8571", FALSE },     /* the VAT-only share with city tax */
    { "1.00", "1120.00", "100.0000", "20.0000", TRUE },     /* PosAPI's example */
    { "1.00", "1020.00", NULL, "20.0000", TRUE },           /* city tax alone: × 2/102 */
    { "1.00", "1020.00", NULL, "17.8571", FALSE },          /* × 2/112 without VAT */
    { "2.50", "10.00", "2.2727", NULL, TRUE },              /* 25 ₮ */
    { "3.00", "2200.00", "600.0000", NULL, TRUE },          /* 6 600 ₮ */
    { "3.00", "2200.00", "200.0000", NULL, FALSE },         /* the VAT of one unit only */
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_auto(Answer) answer = { 0, };
      g_autoptr(GString) taxes = g_string_new (NULL);
      g_autofree char *json = NULL;

      if (cases[i].vat != NULL)
        g_string_append_printf (taxes, "{\"tax_code\":\"VAT\",\"description\":\"НӨАТ\",\"amount\":\"%s\"}",
                                cases[i].vat);
      if (cases[i].city != NULL)
        g_string_append_printf (taxes, "%s{\"tax_code\":\"CITY_TAX\",\"description\":\"НХАТ\",\"amount\":\"%s\"}",
                                taxes->len > 0 ? "," : "", cases[i].city);
      json = g_strdup_printf ("{\"invoice_code\":\"TULBUR_DEMO_INVOICE\",\"sender_invoice_no\":\"VAT%" G_GSIZE_FORMAT "\","
                              "\"invoice_receiver_code\":\"t\",\"invoice_description\":\"d\",\"callback_url\":\"https://x.mn\","
                              "\"lines\":[{\"line_description\":\"a\",\"line_quantity\":\"%s\",\"line_unit_price\":\"%s\","
                              "\"taxes\":[%s]}]}", i, cases[i].qty, cases[i].price, taxes->str);

      g_test_message ("case %" G_GSIZE_FORMAT ": %s × %s", i, cases[i].qty, cases[i].price);
      api (raw, "POST", "/v2/invoice", json, &answer);
      if (cases[i].ok)
        g_assert_cmpuint (answer.status, ==, 200);
      else
        assert_error (&answer, 400, "VAT_AMOUNT_INVALID");
    }
}

/* The app's request builder (and so its tax code, src/core/tb-tax.c) against the
 * simulator's own table: every line the app sends must pass. A slip in the app's VAT (a
 * rounding instead of the cut-down, a wrong divisor) fails here instead of being mirrored. */
static void
test_app_taxes_checked (Raw           *raw,
                        gconstpointer  data)
{
  g_autoptr(TbQpayConfig) config = tb_sim_server_new_config (raw->sim);
  const gint64 quantities[] = { 1000, 2500, 3000, 10 };
  const gboolean taxes[][2] = { { TRUE, FALSE }, { TRUE, TRUE }, { FALSE, TRUE } };

  for (gint64 price = 1000; price <= 40000; price += 700)
    for (gsize q = 0; q < G_N_ELEMENTS (quantities); q++)
      for (gsize t = 0; t < G_N_ELEMENTS (taxes); t++)
        {
          g_autofree char *number = g_strdup_printf ("TAX%" G_GINT64_FORMAT "Q%" G_GSIZE_FORMAT "T%" G_GSIZE_FORMAT,
                                                     price, q, t);
          g_autoptr(TbQpayInvoiceRequest) request =
            tb_qpay_invoice_request_new (TB_QPAY_INVOICE_FULL, number, "Taxes", 0);
          g_autoptr(GError) error = NULL;
          g_autoptr(GBytes) body = NULL;
          g_autofree char *json = NULL;
          g_auto(Answer) answer = { 0, };

          tb_qpay_invoice_request_add_line (request, "a", quantities[q], price, taxes[t][0], taxes[t][1], NULL);
          body = tb_qpay_build_invoice_body (config, request, &error);
          if (body == NULL)   /* the line comes to möngö: not a whole-tögrög invoice */
            continue;
          json = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
          api (raw, "POST", "/v2/invoice", json, &answer);
          if (answer.status != 200)
            g_error ("the simulator refused the app's taxes: %s", json);
        }
}

/* The simulator's own decimal reader (tb-sim-tax.c), which must not lean on the app's. */
static void
test_sim_decimals (void)
{
  struct { const char *json; guint places; gboolean ok; gint64 value; } cases[] = {
    { "\"1.00\"", 2, TRUE, 100 },
    { "\"1\"", 2, TRUE, 100 },
    { "\"89.2857\"", 4, TRUE, 892857 },
    { "\"4.5\"", 4, TRUE, 45000 },
    { "\"1.000\"", 2, TRUE, 100 },          /* extra zeros are no extra precision */
    { "\"1.005\"", 2, FALSE, 0 },
    { "\"-3.10\"", 2, TRUE, -310 },
    { "\".5\"", 2, FALSE, 0 },
    { "\"\"", 2, FALSE, 0 },
    { "\"1e5\"", 2, FALSE, 0 },
    { "\"12 500\"", 2, FALSE, 0 },
    { "\"99999999999999\"", 4, TRUE, G_GINT64_CONSTANT (999999999999990000) },
    { "\"999999999999999\"", 4, FALSE, 0 },  /* would overflow at 4 places */
    { "9223372036854775807", 2, FALSE, 0 },
    { "100", 2, TRUE, 10000 },
    { "4.5454", 4, TRUE, 45454 },
    { "999.9999", 4, TRUE, 9999999 },
    { "0.1", 2, TRUE, 10 },
    { "100.001", 2, FALSE, 0 },
    { "true", 2, FALSE, 0 },
    { "null", 2, FALSE, 0 },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JsonNode) node = json_from_string (cases[i].json, NULL);
      gint64 value = 0;

      g_test_message ("case %" G_GSIZE_FORMAT ": %s", i, cases[i].json);
      g_assert_cmpint (_tb_sim_parse_decimal (node, cases[i].places, &value), ==, cases[i].ok);
      if (cases[i].ok)
        g_assert_cmpint (value, ==, cases[i].value);
    }

  {
    g_autofree char *a = _tb_sim_format_decimal (892857, 4);
    g_autofree char *b = _tb_sim_format_decimal (-310, 2);
    g_autofree char *c = _tb_sim_format_decimal (5, 2);
    g_autofree char *d = _tb_sim_format_decimal (125, 0);

    g_assert_cmpstr (a, ==, "89.2857");
    g_assert_cmpstr (b, ==, "-3.10");
    g_assert_cmpstr (c, ==, "0.05");
    g_assert_cmpstr (d, ==, "125");
  }
}

static void
test_not_found_and_shapes (Raw           *raw,
                           gconstpointer  data)
{
  g_autofree char *invoice_id = create_raw_invoice (raw, "S1", 100);
  g_autofree char *payment_id = NULL;
  g_autofree char *check_json = g_strdup_printf ("{\"object_type\":\"INVOICE\",\"object_id\":\"%s\","
                                                 "\"offset\":{\"page_number\":1,\"page_limit\":100}}", invoice_id);
  g_autofree char *payment_path = NULL;
  g_auto(Answer) missing = { 0, };
  g_auto(Answer) unpaid = { 0, };
  g_auto(Answer) paid = { 0, };
  g_auto(Answer) got = { 0, };
  g_auto(Answer) listed = { 0, };
  g_auto(Answer) bad_type = { 0, };
  g_auto(Answer) bad_offset = { 0, };
  g_auto(Answer) missing_payment = { 0, };
  JsonObject *row;

  api (raw, "GET", "/v2/invoice/6f7619bb-7ede-46d3-8386-1d95e5dd50bf", NULL, &missing);
  assert_error (&missing, 422, "INVOICE_NOTFOUND");

  /* Unpaid: count 0, rows [], and no paid_amount at all. */
  api (raw, "POST", "/v2/payment/check", check_json, &unpaid);
  g_assert_cmpuint (unpaid.status, ==, 200);
  g_assert_cmpint (json_object_get_int_member (unpaid.object, "count"), ==, 0);
  g_assert_false (json_object_has_member (unpaid.object, "paid_amount"));

  payment_id = tb_sim_server_pay_invoice (raw->sim, invoice_id, 0, FALSE, NULL);
  g_assert_cmpuint (strlen (payment_id), ==, 15);
  for (const char *p = payment_id; *p != '\0'; p++)
    g_assert_true (g_ascii_isdigit (*p));

  /* paid_amount a number; row amounts strings; check rows: trx_fee, payment_type, no date. */
  api (raw, "POST", "/v2/payment/check", check_json, &paid);
  g_assert_cmpint (json_node_get_value_type (json_object_get_member (paid.object, "paid_amount")), ==, G_TYPE_INT64);
  g_assert_cmpint (json_object_get_int_member (paid.object, "paid_amount"), ==, 100);
  row = json_array_get_object_element (json_object_get_array_member (paid.object, "rows"), 0);
  g_assert_cmpstr (json_object_get_string_member (row, "payment_amount"), ==, "100.00");
  g_assert_cmpstr (json_object_get_string_member (row, "trx_fee"), ==, "1.00");
  g_assert_cmpstr (json_object_get_string_member (row, "payment_type"), ==, "P2P");
  g_assert_false (json_object_has_member (row, "payment_date"));

  /* payment/get: payment_fee, transaction_type, payment_date. */
  payment_path = g_strconcat ("/v2/payment/", payment_id, NULL);
  api (raw, "GET", payment_path, NULL, &got);
  g_assert_cmpuint (got.status, ==, 200);
  g_assert_true (json_object_has_member (got.object, "payment_fee"));
  g_assert_cmpstr (json_object_get_string_member (got.object, "transaction_type"), ==, "P2P");
  g_assert_true (json_object_has_member (got.object, "payment_date"));
  g_assert_cmpstr (json_object_get_string_member (got.object, "object_id"), ==, invoice_id);

  /* payment/list: paid_by; the object id is the invoice *code*. */
  api (raw, "POST", "/v2/payment/list",
       "{\"object_type\":\"INVOICE\",\"object_id\":\"TULBUR_DEMO_INVOICE\","
       "\"start_date\":\"2000-01-01 00:00:00\",\"end_date\":\"2100-01-01 00:00:00\","
       "\"offset\":{\"page_number\":1,\"page_limit\":100}}", &listed);
  g_assert_cmpuint (listed.status, ==, 200);
  g_assert_cmpint (json_object_get_int_member (listed.object, "count"), ==, 1);
  row = json_array_get_object_element (json_object_get_array_member (listed.object, "rows"), 0);
  g_assert_cmpstr (json_object_get_string_member (row, "paid_by"), ==, "P2P");

  api (raw, "POST", "/v2/payment/check", "{\"object_type\":\"BILL\",\"object_id\":\"x\"}", &bad_type);
  assert_error (&bad_type, 400, "INVALID_OBJECT_TYPE");
  api (raw, "POST", "/v2/payment/check",
       "{\"object_type\":\"INVOICE\",\"object_id\":\"x\",\"offset\":{\"page_number\":1,\"page_limit\":101}}", &bad_offset);
  assert_error (&bad_offset, 400, "OBJECT_DATA_ERROR");
  api (raw, "GET", "/v2/payment/000000000000001", NULL, &missing_payment);
  assert_error (&missing_payment, 422, "PAYMENT_NOTFOUND");
}

static void
test_delete_with_body (Raw           *raw,
                       gconstpointer  data)
{
  g_autofree char *invoice_id = create_raw_invoice (raw, "D1", 100);
  g_autofree char *card = tb_sim_server_pay_invoice (raw->sim, invoice_id, 0, TRUE, NULL);
  g_autofree char *path = g_strconcat ("/v2/payment/refund/", card, NULL);
  g_autofree char *long_json = NULL;
  g_auto(Answer) no_body = { 0, };
  g_auto(Answer) too_long = { 0, };
  g_auto(Answer) refunded = { 0, };
  g_autoptr(GString) note = g_string_new (NULL);

  api (raw, "DELETE", path, NULL, &no_body);
  assert_error (&no_body, 400, "OBJECT_DATA_ERROR");

  for (int i = 0; i < 128; i++)
    g_string_append (note, "ө");   /* 256 bytes > 255 */
  long_json = g_strdup_printf ("{\"callback_url\":\"https://x.mn\",\"note\":\"%s\"}", note->str);
  api (raw, "DELETE", path, long_json, &too_long);
  assert_error (&too_long, 400, "MAX_LENGTH");

  api (raw, "DELETE", path, "{\"callback_url\":\"https://x.mn\",\"note\":\"returned\"}", &refunded);
  g_assert_cmpuint (refunded.status, ==, 200);
}

static void
test_qr (Raw           *raw,
         gconstpointer  data)
{
  g_auto(Answer) answer = { 0, };
  const char *qr_text;
  const char *qr_image;
  g_autofree guchar *png = NULL;
  gsize len = 0;
  gsize text_len;
  guint16 crc = 0xFFFF;
  g_autofree char *expected = NULL;

  tb_sim_server_set_empty_qr_image (raw->sim, 0);
  api (raw, "POST", "/v2/invoice",
       "{\"invoice_code\":\"TULBUR_DEMO_INVOICE\",\"sender_invoice_no\":\"Q1\",\"invoice_receiver_code\":\"t\","
       "\"invoice_description\":\"d\",\"amount\":100,\"callback_url\":\"https://x.mn\"}", &answer);
  qr_text = json_object_get_string_member (answer.object, "qr_text");
  qr_image = json_object_get_string_member (answer.object, "qr_image");

  /* EMV: starts 000201, ends with 6304 + CRC-16/CCITT-FALSE of everything before the CRC. */
  g_assert_true (g_str_has_prefix (qr_text, "000201"));
  text_len = strlen (qr_text);
  g_assert_cmpuint (text_len, >, 8);
  g_assert_true (strncmp (qr_text + text_len - 8, "6304", 4) == 0);
  for (gsize i = 0; i < text_len - 4; i++)
    {
      crc ^= (guint16) ((guchar) qr_text[i] << 8);
      for (int bit = 0; bit < 8; bit++)
        crc = (crc & 0x8000) ? (guint16) ((crc << 1) ^ 0x1021) : (guint16) (crc << 1);
    }
  expected = g_strdup_printf ("%04X", crc);
  g_assert_cmpstr (qr_text + text_len - 4, ==, expected);

  /* qr_image: raw base64 (no data: prefix) of a PNG. */
  g_assert_false (g_str_has_prefix (qr_image, "data:"));
  png = g_base64_decode (qr_image, &len);
  g_assert_cmpuint (len, >, 33);
  g_assert_true (memcmp (png, "\x89PNG\r\n\x1a\n", 8) == 0);
  g_assert_true (memcmp (png + 12, "IHDR", 4) == 0);
}

static void
test_control_api (Raw           *raw,
                  gconstpointer  data)
{
  g_autofree char *invoice_id = create_raw_invoice (raw, "C1", 200);
  g_autofree char *pay_path = g_strconcat ("/sim/invoices/", invoice_id, "/pay", NULL);
  g_autofree char *expire_path = g_strconcat ("/sim/invoices/", invoice_id, "/expire", NULL);
  g_autofree char *other_id = create_raw_invoice (raw, "C2", 300);
  g_autofree char *cancel_path = g_strconcat ("/sim/invoices/", other_id, "/cancel", NULL);
  g_auto(Answer) list = { 0, };
  g_auto(Answer) partial = { 0, };
  g_auto(Answer) rest = { 0, };
  g_auto(Answer) bad_amount = { 0, };
  g_auto(Answer) expired = { 0, };
  g_auto(Answer) cancelled = { 0, };
  g_auto(Answer) fault = { 0, };
  g_auto(Answer) faulted = { 0, };
  g_auto(Answer) stats = { 0, };
  g_auto(Answer) invalidate = { 0, };
  g_auto(Answer) dead = { 0, };
  g_auto(Answer) reset = { 0, };
  g_auto(Answer) unknown = { 0, };
  g_autoptr(TbSimInvoiceInfo) info = NULL;

  raw_request (raw, "GET", "/sim/invoices", NULL, NULL, &list);
  g_assert_cmpuint (list.status, ==, 200);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (list.object, "invoices")), ==, 2);

  raw_request (raw, "POST", pay_path, NULL, "{\"amount\": 50}", &partial);
  g_assert_cmpuint (partial.status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (partial.object, "status"), ==, "OPEN");
  g_assert_cmpstr (json_object_get_string_member (partial.object, "paid_amount"), ==, "50.00");
  g_assert_cmpuint (strlen (json_object_get_string_member (partial.object, "payment_id")), ==, 15);

  raw_request (raw, "POST", pay_path, NULL, NULL, &rest);
  g_assert_cmpstr (json_object_get_string_member (rest.object, "status"), ==, "CLOSED");
  g_assert_cmpstr (json_object_get_string_member (rest.object, "paid_amount"), ==, "200.00");

  raw_request (raw, "POST", pay_path, NULL, "{\"amount\": \"abc\"}", &bad_amount);
  assert_error (&bad_amount, 400, "INVALID_AMOUNT");

  raw_request (raw, "POST", expire_path, NULL, NULL, &expired);
  g_assert_cmpuint (expired.status, ==, 200);
  info = tb_sim_server_get_invoice (raw->sim, invoice_id);
  g_assert_cmpstr (info->status, ==, "CLOSED");   /* a paid invoice does not expire */

  raw_request (raw, "POST", cancel_path, NULL, NULL, &cancelled);
  g_clear_pointer (&info, tb_sim_invoice_info_free);
  info = tb_sim_server_get_invoice (raw->sim, other_id);
  g_assert_cmpstr (info->status, ==, "CANCELLED");

  raw_request (raw, "POST", "/sim/faults", NULL, "{\"path\":\"/v2/invoice/\",\"status\":503}", &fault);
  g_assert_cmpuint (fault.status, ==, 200);
  {
    g_autofree char *path = g_strconcat ("/v2/invoice/", invoice_id, NULL);

    api (raw, "GET", path, NULL, &faulted);
    g_assert_cmpuint (faulted.status, ==, 503);
    g_assert_null (faulted.object);   /* an HTML page, like nginx */
  }

  /* "Another station logged in." */
  raw_request (raw, "POST", "/sim/tokens/invalidate", NULL, NULL, &invalidate);
  api (raw, "GET", "/v2/invoice/x", NULL, &dead);
  assert_error (&dead, 401, "NO_CREDENDIALS");

  raw_request (raw, "GET", "/sim/stats", NULL, NULL, &stats);
  g_assert_cmpint (json_object_get_int_member (stats.object, "logins"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (stats.object, "requests"), >=, 4);

  raw_request (raw, "POST", "/sim/reset", NULL, NULL, &reset);
  {
    g_autoptr(GPtrArray) invoices = tb_sim_server_list_invoices (raw->sim);

    g_assert_cmpuint (invoices->len, ==, 0);
  }
  g_assert_cmpuint (tb_sim_server_count_requests (raw->sim, NULL), ==, 0);

  raw_request (raw, "GET", "/sim/nothing", NULL, NULL, &unknown);
  g_assert_cmpuint (unknown.status, ==, 404);
}

static void
test_fault_bodies (Raw           *raw,
                   gconstpointer  data)
{
  struct { const char *body; } cases[] = { { "truncated" }, { "huge" }, { "malformed" }, { "empty" } };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *json = g_strdup_printf ("{\"path\":\"/v2/invoice/\",\"body\":\"%s\"}", cases[i].body);
      g_auto(Answer) set = { 0, };
      g_auto(Answer) answer = { 0, };

      raw_request (raw, "POST", "/sim/faults", NULL, json, &set);
      api (raw, "GET", "/v2/invoice/unknown", NULL, &answer);
      g_test_message ("%s: %" G_GSIZE_FORMAT " bytes", cases[i].body, g_bytes_get_size (answer.body));
      g_assert_null (answer.object);
      if (strcmp (cases[i].body, "huge") == 0)
        g_assert_cmpuint (g_bytes_get_size (answer.body), >, TB_QPAY_MAX_BODY_SIZE);
      if (strcmp (cases[i].body, "empty") == 0)
        g_assert_cmpuint (g_bytes_get_size (answer.body), ==, 0);
    }
}

typedef struct
{
  gboolean  called;
  char     *method;
  char     *payment_id;
  char     *desk;
} CallbackSeen;

static void
callback_handler (SoupServer        *server,
                  SoupServerMessage *message,
                  const char        *path,
                  GHashTable        *query,
                  gpointer           user_data)
{
  CallbackSeen *seen = user_data;

  seen->called = TRUE;
  seen->method = g_strdup (soup_server_message_get_method (message));
  seen->payment_id = g_strdup (query != NULL ? g_hash_table_lookup (query, "qpay_payment_id") : NULL);
  seen->desk = g_strdup (query != NULL ? g_hash_table_lookup (query, "desk") : NULL);
  /* What QPay wants back (docs/qpay.md, "Invoices"). */
  soup_server_message_set_status (message, 200, NULL);
  soup_server_message_set_response (message, "text/plain", SOUP_MEMORY_STATIC, "SUCCESS", 7);
}

static void
test_callback_called (Raw           *raw,
                      gconstpointer  data)
{
  g_autoptr(SoupServer) receiver = soup_server_new (NULL, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) local = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;
  g_autofree char *payment_id = NULL;
  g_auto(Answer) answer = { 0, };
  CallbackSeen seen = { 0, };
  GSList *listeners;

  /* QPay calls callback_url with GET and adds qpay_payment_id to its query (docs/qpay.md, "Invoices"). */
  soup_server_add_handler (receiver, "/cb", callback_handler, &seen, NULL);
  soup_server_listen (receiver, address, 0, &error);
  g_assert_no_error (error);
  listeners = soup_server_get_listeners (receiver);
  local = g_socket_get_local_address (listeners->data, &error);
  g_slist_free (listeners);
  g_assert_no_error (error);

  json = g_strdup_printf ("{\"invoice_code\":\"TULBUR_DEMO_INVOICE\",\"sender_invoice_no\":\"CB1\","
                          "\"invoice_receiver_code\":\"t\",\"invoice_description\":\"d\",\"amount\":100,"
                          "\"callback_url\":\"http://127.0.0.1:%u/cb?desk=1\"}",
                          g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (local)));
  api (raw, "POST", "/v2/invoice", json, &answer);
  g_assert_cmpuint (answer.status, ==, 200);

  payment_id = tb_sim_server_pay_invoice (raw->sim, json_object_get_string_member (answer.object, "invoice_id"),
                                          0, FALSE, &error);
  g_assert_no_error (error);
  g_assert_true (tb_test_wait_for (&seen.called, 5000));
  g_assert_cmpstr (seen.method, ==, "GET");
  g_assert_cmpstr (seen.payment_id, ==, payment_id);
  g_assert_cmpstr (seen.desk, ==, "1");

  soup_server_disconnect (receiver);
  drain_main_context ();
  g_free (seen.method);
  g_free (seen.payment_id);
  g_free (seen.desk);
}

/* tulbur-sim as a child process, the way the CLI tests run it. */
static void
test_executable (void)
{
  const char *argv[] = { TULBUR_SIM_PATH, NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(GIOChannel) out = NULL;
  g_autofree char *line = NULL;
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(SoupMessage) message = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autofree char *url = NULL;
  GPid pid;
  int stdout_fd;
  int status = 0;

  g_spawn_async_with_pipes (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL,
                            &pid, NULL, &stdout_fd, NULL, &error);
  g_assert_no_error (error);

  out = g_io_channel_unix_new (stdout_fd);
  g_io_channel_set_close_on_unref (out, TRUE);
  g_io_channel_read_line (out, &line, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  g_strchomp (line);
  g_assert_true (g_str_has_prefix (line, "http://127.0.0.1:"));

  /* It answers QPay calls: a login with the demo credentials. (Sync is fine: another
   * process serves it.) */
  url = g_strconcat (line, "/v2/auth/token", NULL);
  message = soup_message_new ("POST", url);
  {
    g_autofree char *basic = g_base64_encode ((const guchar *) "TULBUR_DEMO:demo", 16);
    g_autofree char *auth = g_strconcat ("Basic ", basic, NULL);

    soup_message_headers_replace (soup_message_get_request_headers (message), "Authorization", auth);
  }
  body = soup_session_send_and_read (session, message, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (message), ==, 200);

  /* SIGTERM: quits cleanly with status 0. */
  kill (pid, SIGTERM);
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 0);
  g_spawn_close_pid (pid);

  /* A bad port is refused with status 2. */
  {
    const char *bad_argv[] = { TULBUR_SIM_PATH, "--port", "70000", NULL };
    int wait_status = 0;

    g_spawn_sync (NULL, (char **) bad_argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                  NULL, NULL, NULL, NULL, &wait_status, &error);
    g_assert_no_error (error);
    g_assert_true (WIFEXITED (wait_status));
    g_assert_cmpint (WEXITSTATUS (wait_status), ==, 2);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/tulbur/sim-server/" path, Raw, NULL, raw_setup, func, raw_teardown)

  ADD ("auth", test_auth);
  ADD ("refresh", test_refresh);
  ADD ("invoice-validation", test_invoice_validation);
  ADD ("invoice-exact-vat", test_invoice_exact_vat);
  ADD ("vat-table", test_vat_table);
  ADD ("app-taxes-checked", test_app_taxes_checked);
  ADD ("not-found-and-shapes", test_not_found_and_shapes);
  ADD ("delete-with-body", test_delete_with_body);
  ADD ("qr", test_qr);
  ADD ("control-api", test_control_api);
  ADD ("fault-bodies", test_fault_bodies);
  ADD ("callback", test_callback_called);

#undef ADD

  g_test_add_func ("/tulbur/sim-server/executable", test_executable);
  g_test_add_func ("/tulbur/sim-server/decimals", test_sim_decimals);

  return g_test_run ();
}
