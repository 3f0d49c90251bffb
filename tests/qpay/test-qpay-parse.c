/* test-qpay-parse.c: QPay response parsers and the error domain
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "tb-qpay-error.h"
#include "tb-qpay-parse.h"

static GBytes *
text (const char *json)
{
  return g_bytes_new (json, strlen (json));
}

#define NOW G_GINT64_CONSTANT (1700000000)

static void
test_token_epoch (void)
{
  /* The 2023 production shape (docs/qpay.md, "Token"): both expiries the same epoch. */
  g_autoptr(GBytes) body = text ("{\"token_type\":\"bearer\",\"refresh_expires_in\":1795384348,"
                                 "\"refresh_token\":\"R\",\"access_token\":\"A\",\"expires_in\":1795384348,"
                                 "\"scope\":\"get_token\",\"not-before-policy\":\"0\",\"session_state\":\"prod\","
                                 "\"unknown_field\":{\"x\":[1,2]}}");
  g_autoptr(GError) error = NULL;
  g_autoptr(TbQpayTokenReply) reply = tb_qpay_parse_token (body, NOW, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (reply->access_token, ==, "A");
  g_assert_cmpstr (reply->refresh_token, ==, "R");
  g_assert_cmpint (reply->expires_at, ==, 1795384348);
  g_assert_cmpint (reply->refresh_expires_at, ==, 1795384348);
  g_assert_cmpint (reply->not_before_policy, ==, 0);
  g_assert_cmpstr (reply->session_state, ==, "prod");
}

static void
test_token_duration (void)
{
  g_autoptr(GBytes) body = text ("{\"access_token\":\"A\",\"expires_in\":3600,\"not-before-policy\":7,"
                                 "\"token_type\":\"Bearer\"}");
  g_autoptr(GError) error = NULL;
  g_autoptr(TbQpayTokenReply) reply = tb_qpay_parse_token (body, NOW, &error);

  g_assert_no_error (error);
  g_assert_cmpint (reply->expires_at, ==, NOW + 3600);
  /* No refresh expiry: the same as the access token. */
  g_assert_cmpint (reply->refresh_expires_at, ==, NOW + 3600);
  g_assert_null (reply->refresh_token);
  g_assert_cmpint (reply->not_before_policy, ==, 7);
}

static void
test_token_errors (void)
{
  const char *bodies[] = {
    "{\"expires_in\":3600}",                                   /* no access token */
    "{\"access_token\":\"\",\"expires_in\":3600}",             /* empty */
    "{\"access_token\":\"A\"}",                                /* no expiry */
    "{\"access_token\":\"A\",\"expires_in\":0}",
    "{\"access_token\":\"A\",\"expires_in\":-5}",
    "{\"access_token\":\"A\",\"expires_in\":\"soon\"}",
    "{\"access_token\":\"A\",\"expires_in\":3600.5}",
    "{\"access_token\":\"A\",\"expires_in\":3600,\"token_type\":\"mac\"}",
    "{\"access_token\":42.5,\"expires_in\":3600}",
    "{\"access_token\":[\"A\"],\"expires_in\":3600}",
    "[\"access_token\"]",
    "null",
    "",
    "{\"access_token\":\"A\",\"expires_in\":36",
    "<html>502</html>",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (bodies); i++)
    {
      g_autoptr(GBytes) body = text (bodies[i]);
      g_autoptr(GError) error = NULL;
      g_autoptr(TbQpayTokenReply) reply = tb_qpay_parse_token (body, NOW, &error);

      g_test_message ("body %" G_GSIZE_FORMAT ": %s", i, bodies[i]);
      g_assert_null (reply);
      g_assert_error (error, TB_QPAY_ERROR, TB_QPAY_ERROR_BAD_RESPONSE);
    }
}

static void
test_invoice (void)
{
  g_autoptr(GBytes) body = text ("{ \"invoice_id\": \"d50f49f2-9032-4a74-8929-530531f28f63\","
                                 "  \"qr_text\": \"0002010102121531\", \"qr_image\": \"iVBORw0KGgo\","
                                 "  \"qPay_shortUrl\": \"https://s.qpay.mn/z1lKnIO5T\","
                                 "  \"urls\": [ { \"name\": \"Khan bank\", \"description\": \"Хаан банк\","
                                 "    \"logo\": \"https://qpay.mn/q/logo/khanbank.png\","
                                 "    \"link\": \"khanbank://q?qPay_QRcode=000201\" },"
                                 "   { \"name\": \"Most\", \"link\": \"most://q?qPay_QRcode=000201\", \"logo\": null } ] }");
  g_autoptr(GError) error = NULL;
  g_autoptr(TbQpayInvoice) invoice = tb_qpay_parse_invoice (body, &error);
  const TbQpayDeeplink *link;

  g_assert_no_error (error);
  g_assert_cmpstr (invoice->invoice_id, ==, "d50f49f2-9032-4a74-8929-530531f28f63");
  g_assert_cmpstr (invoice->qr_text, ==, "0002010102121531");
  g_assert_cmpstr (invoice->qr_image, ==, "iVBORw0KGgo");
  g_assert_cmpstr (invoice->short_url, ==, "https://s.qpay.mn/z1lKnIO5T");
  g_assert_cmpuint (invoice->urls->len, ==, 2);
  link = g_ptr_array_index (invoice->urls, 0);
  g_assert_cmpstr (link->description, ==, "Хаан банк");
  g_assert_cmpstr (link->link, ==, "khanbank://q?qPay_QRcode=000201");
  link = g_ptr_array_index (invoice->urls, 1);
  g_assert_null (link->logo);
  g_assert_null (link->description);

  {
    g_autoptr(TbQpayInvoice) copy = tb_qpay_invoice_copy (invoice);

    g_assert_cmpuint (copy->urls->len, ==, 2);
    g_assert_cmpstr (copy->qr_text, ==, invoice->qr_text);
  }
}

static void
test_invoice_quirks (void)
{
  g_autoptr(GError) error = NULL;

  /* An empty qr_image (QPay does that) is NULL; no urls is an empty array. */
  {
    g_autoptr(GBytes) body = text ("{\"invoice_id\":\"X\",\"qr_text\":\"Q\",\"qr_image\":\"\"}");
    g_autoptr(TbQpayInvoice) invoice = tb_qpay_parse_invoice (body, &error);

    g_assert_no_error (error);
    g_assert_null (invoice->qr_image);
    g_assert_null (invoice->short_url);
    g_assert_nonnull (invoice->urls);
    g_assert_cmpuint (invoice->urls->len, ==, 0);
  }

  /* Numeric ids become text. */
  {
    g_autoptr(GBytes) body = text ("{\"invoice_id\":123456,\"qr_text\":\"Q\"}");
    g_autoptr(TbQpayInvoice) invoice = tb_qpay_parse_invoice (body, &error);

    g_assert_no_error (error);
    g_assert_cmpstr (invoice->invoice_id, ==, "123456");
  }

  {
    const char *bad[] = {
      "{\"qr_text\":\"Q\"}",
      "{\"invoice_id\":\"X\"}",
      "{\"invoice_id\":\"X\",\"qr_text\":\"\"}",
      "{\"invoice_id\":1.5,\"qr_text\":\"Q\"}",
      "{\"invoice_id\":true,\"qr_text\":\"Q\"}",
      "{\"invoice_id\":\"X\",\"qr_text\":\"Q\",\"urls\":\"khanbank://\"}",
      "{\"invoice_id\":\"X\",\"qr_text\":\"Q\",\"urls\":[\"khanbank://\"]}",
      "{\"invoice_id\":\"X\",\"qr_text\":\"Q\",\"urls\":[{\"name\":\"no link\"}]}",
      "{\"invoice_id\":\"X\",\"qr_text\":{}}",
      "{\"invoice_id\":\"X\",\"qr_text\":\"a\\ud800b\"}",   /* a lone surrogate */
    };

    for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
      {
        g_autoptr(GBytes) body = text (bad[i]);
        g_autoptr(GError) bad_error = NULL;
        g_autoptr(TbQpayInvoice) invoice = tb_qpay_parse_invoice (body, &bad_error);

        g_test_message ("body %" G_GSIZE_FORMAT ": %s", i, bad[i]);
        g_assert_null (invoice);
        g_assert_error (bad_error, TB_QPAY_ERROR, TB_QPAY_ERROR_BAD_RESPONSE);
      }
  }
}

/* QPay's official P2P example (docs/qpay.md, "Checking a payment"). */
static const char check_paid[] =
  "{ \"count\": 1, \"paid_amount\": 100,"
  "  \"rows\": [ { \"payment_id\": \"493622150113497\", \"payment_status\": \"PAID\","
  "    \"payment_amount\": \"100.00\", \"trx_fee\": \"1.00\", \"payment_currency\": \"MNT\","
  "    \"payment_wallet\": \"Хаан банк апп\", \"payment_type\": \"P2P\","
  "    \"next_payment_date\": null, \"next_payment_datetime\": null,"
  "    \"card_transactions\": [],"
  "    \"p2p_transactions\": [ { \"transaction_bank_code\": \"050000\", \"account_bank_code\": \"050000\","
  "      \"account_bank_name\": \"Хаан банк\", \"account_number\": \"50*******\", \"status\": \"SUCCESS\","
  "      \"amount\": \"99.00\", \"currency\": \"MNT\", \"settlement_status\": \"SETTLED\" } ] } ] }";

static void
test_check_paid (void)
{
  g_autoptr(GBytes) body = text (check_paid);
  g_autoptr(GError) error = NULL;
  g_autoptr(TbQpayCheckResult) result = tb_qpay_parse_check (body, &error);
  const TbQpayPayment *row;

  g_assert_no_error (error);
  g_assert_cmpint (result->count, ==, 1);
  g_assert_cmpint (result->paid_amount, ==, 10000);
  g_assert_cmpuint (result->rows->len, ==, 1);
  row = tb_qpay_check_result_find_paid (result);
  g_assert_nonnull (row);
  g_assert_cmpstr (row->payment_id, ==, "493622150113497");
  g_assert_cmpint (row->amount, ==, 10000);
  g_assert_cmpint (row->fee, ==, 100);
  g_assert_cmpstr (row->currency, ==, "MNT");
  g_assert_cmpstr (row->wallet, ==, "Хаан банк апп");
  g_assert_cmpstr (row->type, ==, "P2P");
  g_assert_null (row->date);
}

static void
test_check_unpaid (void)
{
  g_autoptr(GError) error = NULL;

  {
    g_autoptr(GBytes) body = text ("{\"count\": 0, \"rows\": []}");
    g_autoptr(TbQpayCheckResult) result = tb_qpay_parse_check (body, &error);

    g_assert_no_error (error);
    g_assert_cmpint (result->count, ==, 0);
    g_assert_cmpint (result->paid_amount, ==, 0);
    g_assert_null (tb_qpay_check_result_find_paid (result));
  }
  {
    g_autoptr(GBytes) body = text ("{\"count\": 0}");
    g_autoptr(TbQpayCheckResult) result = tb_qpay_parse_check (body, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (result->rows->len, ==, 0);
  }
}

static gint64
paid_amount_of (const char  *value,
                GError     **error)
{
  g_autofree char *json = g_strdup_printf ("{\"count\":0,\"rows\":[],\"paid_amount\":%s}", value);
  g_autoptr(GBytes) body = text (json);
  g_autoptr(TbQpayCheckResult) result = tb_qpay_parse_check (body, error);

  return result != NULL ? result->paid_amount : G_MININT64;
}

static void
test_money_forms (void)
{
  struct { const char *json; gint64 minor; } good[] = {
    { "100", 10000 },
    { "100.5", 10050 },
    { "100.50", 10050 },
    { "0.1", 10 },
    { "12.34", 1234 },
    { "99.99", 9999 },
    { "1e2", 10000 },
    { "\"100.00\"", 10000 },
    { "\"12.3\"", 1230 },
    { "\"7\"", 700 },
    { "\"100.000\"", 10000 },
    { "0", 0 },
    { "null", 0 },
    { "\"\"", 0 },
    { "9999999999999", G_GINT64_CONSTANT (999999999999900) },
  };
  const char *bad[] = {
    "100.123", "0.001", "1e20", "-1e300", "\"1,000\"", "\"abc\"", "\"12.345\"", "true",
    "[100]", "{\"v\":1}", "\"1e2\"", "99999999999999999", "\" \"",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr(GError) error = NULL;

      g_test_message ("paid_amount %s", good[i].json);
      g_assert_cmpint (paid_amount_of (good[i].json, &error), ==, good[i].minor);
      g_assert_no_error (error);
    }

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;

      g_test_message ("paid_amount %s", bad[i]);
      g_assert_cmpint (paid_amount_of (bad[i], &error), ==, G_MININT64);
      g_assert_error (error, TB_QPAY_ERROR, TB_QPAY_ERROR_BAD_RESPONSE);
      /* The message names the field, never the value. */
      g_assert_nonnull (strstr (error->message, "paid_amount"));
    }
}

static void
test_check_errors (void)
{
  const char *bad[] = {
    "{\"rows\":[]}",
    "{\"count\":\"many\",\"rows\":[]}",
    "{\"count\":-1,\"rows\":[]}",
    "{\"count\":1}",
    "{\"count\":1,\"rows\":{}}",
    "{\"count\":1,\"rows\":[5]}",
    "{\"count\":1,\"rows\":[{\"payment_status\":\"PAID\",\"payment_amount\":\"1.00\"}]}",
    "{\"count\":1,\"rows\":[{\"payment_id\":\"1\",\"payment_amount\":\"1.00\"}]}",
    "{\"count\":1,\"rows\":[{\"payment_id\":\"1\",\"payment_status\":\"PAID\"}]}",
    "{\"count\":1,\"rows\":[{\"payment_id\":\"1\",\"payment_status\":\"PAID\",\"payment_amount\":\"x\"}]}",
    "{\"count\":1,\"rows\":[{\"payment_id\":\"1\",\"payment_status\":\"PAID\",\"payment_amount\":\"1\",\"trx_fee\":\"1.001\"}]}",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GBytes) body = text (bad[i]);
      g_autoptr(GError) error = NULL;
      g_autoptr(TbQpayCheckResult) result = tb_qpay_parse_check (body, &error);

      g_test_message ("body %" G_GSIZE_FORMAT ": %s", i, bad[i]);
      g_assert_null (result);
      g_assert_error (error, TB_QPAY_ERROR, TB_QPAY_ERROR_BAD_RESPONSE);
    }
}

static void
test_payment_get (void)
{
  /* payment/get spells the fee and type differently and has a date (docs/qpay.md, "Checking a payment"). */
  g_autoptr(GBytes) body = text ("{\"payment_id\":493622150113497,\"payment_status\":\"PAID\","
                                 "\"payment_fee\":\"1.00\",\"payment_amount\":\"100.00\",\"payment_currency\":\"MNT\","
                                 "\"payment_date\":\"2022-03-11T05:57:47.336Z\",\"payment_wallet\":\"0fc9b71c-cd87\","
                                 "\"transaction_type\":\"CARD\",\"object_type\":\"INVOICE\",\"object_id\":\"inv-1\","
                                 "\"card_transactions\":[{\"card_type\":\"UNIONPAY\"}],\"p2p_transactions\":[]}");
  g_autoptr(GError) error = NULL;
  g_autoptr(TbQpayPayment) payment = tb_qpay_parse_payment (body, &error);
  g_autoptr(TbQpayPayment) copy = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (payment->payment_id, ==, "493622150113497");
  g_assert_cmpint (payment->fee, ==, 100);
  g_assert_cmpstr (payment->type, ==, "CARD");
  g_assert_cmpstr (payment->date, ==, "2022-03-11T05:57:47.336Z");
  g_assert_cmpstr (payment->object_id, ==, "inv-1");

  copy = tb_qpay_payment_copy (payment);
  g_assert_cmpstr (copy->object_type, ==, "INVOICE");
}

static void
test_payment_list (void)
{
  g_autoptr(GBytes) body = text ("{\"count\":2,\"rows\":["
                                 "{\"payment_id\":\"1\",\"payment_date\":\"2021-09-06 00:00:01\",\"payment_status\":\"PAID\","
                                 "\"payment_fee\":\"0.50\",\"payment_amount\":\"50.00\",\"payment_currency\":\"MNT\","
                                 "\"payment_wallet\":\"w\",\"payment_name\":\"n\",\"payment_description\":\"d\","
                                 "\"qr_code\":\"\",\"paid_by\":\"P2P\",\"object_type\":\"INVOICE\",\"object_id\":\"X\"},"
                                 "{\"payment_id\":\"2\",\"payment_status\":\"REFUNDED\",\"payment_amount\":70}]}");
  g_autoptr(GError) error = NULL;
  g_autoptr(TbQpayPaymentList) list = tb_qpay_parse_payment_list (body, &error);
  const TbQpayPayment *first;
  const TbQpayPayment *second;

  g_assert_no_error (error);
  g_assert_cmpint (list->count, ==, 2);
  g_assert_cmpuint (list->rows->len, ==, 2);
  first = g_ptr_array_index (list->rows, 0);
  second = g_ptr_array_index (list->rows, 1);
  g_assert_cmpstr (first->type, ==, "P2P");
  g_assert_cmpint (first->fee, ==, 50);
  g_assert_cmpint (second->amount, ==, 7000);
  g_assert_cmpstr (second->status, ==, "REFUNDED");
}

static void
test_ebarimt (void)
{
  /* TPA's v3 example, with the spelling variants QPay uses. */
  g_autoptr(GBytes) body = text ("{\"id\":\"ca48461c-0b85-438d-b8f4-8b46582a668c\",\"ebarimt_by\":\"QPAY\","
                                 "\"ebarimt_receiver_type\":\"CITIZEN\",\"ebarimt_receiver\":\"88614450\","
                                 "\"ebarimt_district_code\":\"3505\",\"g_payment_id\":\"019276866891878\","
                                 "\"amount\":\"100.00\",\"vat_amount\":\"9.09\",\"city_tax_amount\":\"1.7857\","
                                 "\"ebarimt_qr_data\":\"13843170943750114352\",\"ebarimt_lottery\":\"HV 83198235\","
                                 "\"barimt_status\":\"REGISTERED\",\"barimt_status_date\":\"2024-11-04T05:45:42.945Z\","
                                 "\"ebarimt_receiver_phone\":\"88*144*0\",\"tax_type\":\"1\","
                                 "\"merchant_tin\":\"30101065006\","
                                 "\"ebarimt_receipt_id\":\"030101065006000090690000210005595\",\"status\":true}");
  g_autoptr(GError) error = NULL;
  g_autoptr(TbQpayEbarimt) ebarimt = tb_qpay_parse_ebarimt (body, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (ebarimt->receipt_id, ==, "030101065006000090690000210005595");
  g_assert_cmpuint (strlen (ebarimt->receipt_id), ==, 33);
  g_assert_cmpstr (ebarimt->lottery, ==, "HV 83198235");
  g_assert_cmpstr (ebarimt->qr_data, ==, "13843170943750114352");
  g_assert_cmpstr (ebarimt->status, ==, "REGISTERED");
  g_assert_cmpstr (ebarimt->payment_id, ==, "019276866891878");
  g_assert_cmpstr (ebarimt->district_code, ==, "3505");
  g_assert_cmpstr (ebarimt->merchant_tin, ==, "30101065006");
  g_assert_cmpint (ebarimt->amount, ==, 10000);
  g_assert_cmpint (ebarimt->vat_e4, ==, 90900);
  g_assert_cmpint (ebarimt->city_tax_e4, ==, 17857);

  /* The older spelling of the status. */
  {
    g_autoptr(GBytes) old = text ("{\"id\":\"1\",\"ebarimt_status\":\"CANCELED\",\"vat_amount\":89.2857}");
    g_autoptr(TbQpayEbarimt) parsed = tb_qpay_parse_ebarimt (old, &error);

    g_assert_no_error (error);
    g_assert_cmpstr (parsed->status, ==, "CANCELED");
    g_assert_cmpint (parsed->vat_e4, ==, 892857);
  }

  /* The sandbox sometimes answers {} (docs/qpay.md, "Ebarimt 3.0 receipts"): an error, not an empty receipt. */
  {
    g_autoptr(GBytes) empty = text ("{}");
    g_autoptr(TbQpayEbarimt) parsed = tb_qpay_parse_ebarimt (empty, &error);

    g_assert_null (parsed);
    g_assert_error (error, TB_QPAY_ERROR, TB_QPAY_ERROR_BAD_RESPONSE);
    g_clear_error (&error);
  }
  {
    g_autoptr(GBytes) bad = text ("{\"id\":\"1\",\"vat_amount\":\"9.09091\"}");
    g_autoptr(TbQpayEbarimt) parsed = tb_qpay_parse_ebarimt (bad, &error);

    g_assert_null (parsed);
    g_assert_error (error, TB_QPAY_ERROR, TB_QPAY_ERROR_BAD_RESPONSE);
  }
}

static void
test_invoice_info (void)
{
  g_autoptr(GBytes) body = text ("{\"invoice_id\":\"X\",\"invoice_status\":\"OPEN\",\"sender_invoice_no\":\"S1\","
                                 "\"invoice_description\":\"d\",\"total_amount\":\"100.00\",\"gross_amount\":\"90.91\","
                                 "\"tax_amount\":\"9.09\",\"allow_partial\":\"false\",\"minimum_amount\":null,"
                                 "\"maximum_amount\":null,\"expiry_date\":null,\"lines\":[],\"inputs\":[]}");
  g_autoptr(GError) error = NULL;
  g_autoptr(TbQpayInvoiceInfo) info = tb_qpay_parse_invoice_info (body, &error);
  g_autoptr(TbQpayInvoiceInfo) copy = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (info->status, ==, "OPEN");
  g_assert_cmpint (info->total_amount, ==, 10000);
  g_assert_cmpint (info->gross_amount, ==, 9091);
  g_assert_cmpint (info->tax_amount, ==, 909);
  g_assert_false (info->allow_partial);
  g_assert_cmpint (info->minimum_amount, ==, 0);
  g_assert_null (info->expiry_date);

  copy = tb_qpay_invoice_info_copy (info);
  g_assert_cmpstr (copy->sender_invoice_no, ==, "S1");

  {
    g_autoptr(GBytes) bad = text ("{\"invoice_id\":\"X\",\"invoice_status\":\"OPEN\",\"allow_partial\":\"maybe\"}");
    g_autoptr(TbQpayInvoiceInfo) parsed = tb_qpay_parse_invoice_info (bad, &error);

    g_assert_null (parsed);
    g_assert_error (error, TB_QPAY_ERROR, TB_QPAY_ERROR_BAD_RESPONSE);
  }
}

static void
test_error_key (void)
{
  struct { const char *body; const char *key; } cases[] = {
    { "{\"error\":\"PAYMENT_SETTLED\",\"message\":\"PAYMENT_SETTLED\"}", "PAYMENT_SETTLED" },
    { "{\"error\":\"NO_CREDENDIALS\",\"message\":\"Хандах эрхгүй байна. Нэвтрэнэ үү.\"}", "NO_CREDENDIALS" },
    { "{\"message\":\"INVOICE_NOTFOUND\"}", "INVOICE_NOTFOUND" },
    { "{\"message\":\"Хандах эрхгүй байна.\"}", NULL },
    { "{\"error\":\"not a key 88614450\"}", NULL },
    { "{\"error\":5}", NULL },
    { "{\"error_code\":\"INVOICE_NOTFOUND\"}", NULL },
    { "<html><body>502 Bad Gateway</body></html>", NULL },
    { "", NULL },
    { "[]", NULL },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GBytes) body = text (cases[i].body);
      g_autofree char *key = tb_qpay_parse_error_key (body);

      g_assert_cmpstr (key, ==, cases[i].key);
    }
}

static void
test_limits (void)
{
  g_autoptr(GError) error = NULL;

  /* Over the size limit, though valid JSON. */
  {
    GString *big = g_string_new ("{\"count\":0,\"rows\":[],\"pad\":\"");
    g_autoptr(GBytes) body = NULL;
    g_autoptr(TbQpayCheckResult) result = NULL;

    while (big->len <= TB_QPAY_MAX_BODY_SIZE)
      g_string_append (big, "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
    g_string_append (big, "\"}");
    body = g_string_free_to_bytes (big);
    result = tb_qpay_parse_check (body, &error);
    g_assert_null (result);
    g_assert_error (error, TB_QPAY_ERROR, TB_QPAY_ERROR_BAD_RESPONSE);
    g_clear_error (&error);
  }

  /* Deep nesting would exhaust json-glib's recursion: refused before parsing. */
  {
    GString *deep = g_string_new ("{\"count\":0,\"rows\":[],\"x\":");
    g_autoptr(GBytes) body = NULL;
    g_autoptr(TbQpayCheckResult) result = NULL;

    for (int i = 0; i < 200000; i++)
      g_string_append_c (deep, '[');
    body = g_string_free_to_bytes (deep);
    result = tb_qpay_parse_check (body, &error);
    g_assert_null (result);
    g_assert_error (error, TB_QPAY_ERROR, TB_QPAY_ERROR_BAD_RESPONSE);
    g_clear_error (&error);
  }

  /* Brackets inside strings do not count. */
  {
    g_autoptr(GBytes) body = text ("{\"count\":0,\"rows\":[],\"x\":\"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\\\"[[\"}");
    g_autoptr(TbQpayCheckResult) result = tb_qpay_parse_check (body, &error);

    g_assert_no_error (error);
    g_assert_nonnull (result);
  }

  /* Not UTF-8, embedded NUL, truncated. */
  {
    static const char latin1[] = "{\"count\":0,\"rows\":[],\"x\":\"\xe9\"}";
    static const char nul[] = "{\"count\":0,\"rows\":[]}\0";
    const char *truncated = "{\"count\":1,\"rows\":[{\"payment_id\":\"4936";
    g_autoptr(GBytes) b1 = g_bytes_new_static (latin1, sizeof latin1 - 1);
    g_autoptr(GBytes) b2 = g_bytes_new_static (nul, sizeof nul);
    g_autoptr(GBytes) b3 = text (truncated);
    GBytes *bodies[] = { b1, b2, b3 };

    for (gsize i = 0; i < G_N_ELEMENTS (bodies); i++)
      {
        g_autoptr(TbQpayCheckResult) result = tb_qpay_parse_check (bodies[i], &error);

        g_assert_null (result);
        g_assert_error (error, TB_QPAY_ERROR, TB_QPAY_ERROR_BAD_RESPONSE);
        g_clear_error (&error);
      }
  }

  g_assert_null (tb_qpay_parse_check (NULL, &error));
  g_assert_error (error, TB_QPAY_ERROR, TB_QPAY_ERROR_BAD_RESPONSE);
}

static void
test_fixed (void)
{
  struct { const char *text; guint places; gboolean ok; gint64 value; } cases[] = {
    { "89.2857", 4, TRUE, 892857 },
    { "1000", 4, TRUE, 10000000 },
    { "4.5454", 4, TRUE, 45454 },
    { "-3.5", 2, TRUE, -350 },
    { "1.50000", 2, TRUE, 150 },
    { "1.501", 2, FALSE, 0 },
    { "", 2, FALSE, 0 },
    { "-", 2, FALSE, 0 },
    { ".5", 2, FALSE, 0 },
    { "5.", 2, FALSE, 0 },
    { "1e5", 2, FALSE, 0 },
    { " 1", 2, FALSE, 0 },
    { "+1", 2, FALSE, 0 },
    { "99999999999999999999999", 2, FALSE, 0 },
    { "100000000000000000.000001", 6, FALSE, 0 },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      gint64 value = 0;

      g_test_message ("%s / %u", cases[i].text, cases[i].places);
      g_assert_cmpint (tb_qpay_parse_fixed (cases[i].text, cases[i].places, &value), ==, cases[i].ok);
      if (cases[i].ok)
        g_assert_cmpint (value, ==, cases[i].value);
    }
}

static void
test_error_domain (void)
{
  g_autoptr(GError) not_found = tb_qpay_error_new_from_response (422, "INVOICE_NOTFOUND");
  g_autoptr(GError) copy = g_error_copy (not_found);
  g_autoptr(GError) unknown = tb_qpay_error_new_from_response (400, "SOMETHING_NEW");
  g_autoptr(GError) unsafe = tb_qpay_error_new_from_response (400, "call 88614450");
  g_autoptr(GError) server = tb_qpay_error_new_from_response (503, NULL);
  g_autoptr(GError) auth = tb_qpay_error_new_from_response (401, "NO_CREDENDIALS");
  g_autoptr(GError) other = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED, "x");

  g_assert_error (not_found, TB_QPAY_ERROR, TB_QPAY_ERROR_NOT_FOUND);
  g_assert_cmpstr (tb_qpay_error_get_key (not_found), ==, "INVOICE_NOTFOUND");
  g_assert_cmpuint (tb_qpay_error_get_http_status (not_found), ==, 422);
  g_assert_cmpstr (not_found->message, ==, tb_qpay_error_message_for_key ("INVOICE_NOTFOUND"));

  /* The key survives g_error_copy (GTask copies errors). */
  g_assert_true (tb_qpay_error_has_key (copy, "INVOICE_NOTFOUND"));
  g_assert_cmpuint (tb_qpay_error_get_http_status (copy), ==, 422);

  g_assert_error (unknown, TB_QPAY_ERROR, TB_QPAY_ERROR_REJECTED);
  g_assert_nonnull (strstr (unknown->message, "SOMETHING_NEW"));

  /* Server text never reaches the message or the key. */
  g_assert_null (tb_qpay_error_get_key (unsafe));
  g_assert_null (strstr (unsafe->message, "88614450"));

  g_assert_error (server, TB_QPAY_ERROR, TB_QPAY_ERROR_SERVER);
  g_assert_error (auth, TB_QPAY_ERROR, TB_QPAY_ERROR_UNAUTHORIZED);
  g_assert_cmpuint (tb_qpay_error_get_http_status (auth), ==, 401);

  g_assert_null (tb_qpay_error_get_key (other));
  g_assert_cmpuint (tb_qpay_error_get_http_status (other), ==, 0);
  g_assert_false (tb_qpay_error_has_key (other, NULL));

  g_assert_null (tb_qpay_error_message_for_key ("SOMETHING_NEW"));
  g_assert_nonnull (tb_qpay_error_message_for_key ("VAT_AMOUNT_INVALID"));
  g_assert_nonnull (tb_qpay_error_message_for_key ("MIN_AMOUNT_ERR"));
  g_assert_nonnull (tb_qpay_error_message_for_key ("CLASSIFICATION_CODE_INVALID"));
  g_assert_nonnull (tb_qpay_error_message_for_key ("EBARIMT_NOT_ENABLED"));
  g_assert_nonnull (tb_qpay_error_message_for_key ("MAX_LENGTH"));
  g_assert_nonnull (tb_qpay_error_message_for_key ("PAYMENT_NOTFOUND"));
  g_assert_nonnull (tb_qpay_error_message_for_key ("INVOICE_PAID"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/tulbur/qpay-parse/token/epoch", test_token_epoch);
  g_test_add_func ("/tulbur/qpay-parse/token/duration", test_token_duration);
  g_test_add_func ("/tulbur/qpay-parse/token/errors", test_token_errors);
  g_test_add_func ("/tulbur/qpay-parse/invoice/full", test_invoice);
  g_test_add_func ("/tulbur/qpay-parse/invoice/quirks", test_invoice_quirks);
  g_test_add_func ("/tulbur/qpay-parse/invoice-info", test_invoice_info);
  g_test_add_func ("/tulbur/qpay-parse/check/paid", test_check_paid);
  g_test_add_func ("/tulbur/qpay-parse/check/unpaid", test_check_unpaid);
  g_test_add_func ("/tulbur/qpay-parse/check/money-forms", test_money_forms);
  g_test_add_func ("/tulbur/qpay-parse/check/errors", test_check_errors);
  g_test_add_func ("/tulbur/qpay-parse/payment/get", test_payment_get);
  g_test_add_func ("/tulbur/qpay-parse/payment/list", test_payment_list);
  g_test_add_func ("/tulbur/qpay-parse/ebarimt", test_ebarimt);
  g_test_add_func ("/tulbur/qpay-parse/error-key", test_error_key);
  g_test_add_func ("/tulbur/qpay-parse/limits", test_limits);
  g_test_add_func ("/tulbur/qpay-parse/fixed", test_fixed);
  g_test_add_func ("/tulbur/qpay-parse/error-domain", test_error_domain);

  return g_test_run ();
}
