/* test-qpay-request.c: QPay request bodies and their checks
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <json-glib/json-glib.h>

#include "tb-qpay-error.h"
#include "tb-qpay-request.h"

static TbQpayConfig *
config_new (void)
{
  TbQpayConfig *config = tb_qpay_config_new ();

  config->environment = TB_QPAY_ENV_SANDBOX;
  config->client_id = g_strdup ("TEST_MERCHANT");
  config->client_secret = g_strdup ("123456");
  config->invoice_code = g_strdup ("TEST_INVOICE");
  config->branch_code = g_strdup ("SALBAR1");
  config->callback_url = g_strdup ("https://example.mn/payments?payment_id=1234567");
  return config;
}

static JsonObject *
parse_body (GBytes      *body,
            JsonParser **out_parser)
{
  g_autoptr(GError) error = NULL;
  JsonParser *parser = json_parser_new ();

  g_assert_nonnull (body);
  json_parser_load_from_data (parser, g_bytes_get_data (body, NULL), g_bytes_get_size (body), &error);
  g_assert_no_error (error);
  *out_parser = parser;
  return json_node_get_object (json_parser_get_root (parser));
}

static JsonObject *
line_at (JsonObject *object,
         guint       index)
{
  return json_array_get_object_element (json_object_get_array_member (object, "lines"), index);
}

static JsonObject *
tax_at (JsonObject *line,
        guint       index)
{
  return json_array_get_object_element (json_object_get_array_member (line, "taxes"), index);
}

static void
test_simple (void)
{
  g_autoptr(TbQpayConfig) config = config_new ();
  g_autoptr(TbQpayInvoiceRequest) request =
    tb_qpay_invoice_request_new (TB_QPAY_INVOICE_SIMPLE, "1234567", "test", 10000);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = tb_qpay_build_invoice_body (config, request, &error);
  g_autoptr(JsonParser) parser = NULL;
  JsonObject *object;

  g_assert_no_error (error);
  object = parse_body (body, &parser);

  /* QPay's own simple example (docs/qpay.md, "Invoices"). */
  g_assert_cmpstr (json_object_get_string_member (object, "invoice_code"), ==, "TEST_INVOICE");
  g_assert_cmpstr (json_object_get_string_member (object, "sender_invoice_no"), ==, "1234567");
  g_assert_cmpstr (json_object_get_string_member (object, "invoice_receiver_code"), ==, "terminal");
  g_assert_cmpstr (json_object_get_string_member (object, "invoice_description"), ==, "test");
  g_assert_cmpstr (json_object_get_string_member (object, "sender_branch_code"), ==, "SALBAR1");
  g_assert_cmpstr (json_object_get_string_member (object, "callback_url"), ==,
                   "https://example.mn/payments?payment_id=1234567");
  /* Whole tögrög as a JSON number, never ×100. */
  g_assert_cmpint (json_node_get_value_type (json_object_get_member (object, "amount")), ==, G_TYPE_INT64);
  g_assert_cmpint (json_object_get_int_member (object, "amount"), ==, 100);
  g_assert_false (json_object_has_member (object, "lines"));
}

static void
test_simple_checks (void)
{
  g_autoptr(TbQpayConfig) config = config_new ();
  struct { const char *number; const char *description; gint64 amount; } bad[] = {
    { "1234567", "test", 10050 },          /* möngö: QPay takes whole tögrög */
    { "1234567", "test", 0 },
    { "1234567", "test", -10000 },
    { "1234567", "   ", 10000 },
    { "1234567", NULL, 10000 },
    { "12 34", "test", 10000 },            /* "no special characters" */
    { "№1", "test", 10000 },
    { "", "test", 10000 },
    { "0123456789012345678901234567890123456789012345", "test", 10000 },   /* 46 > 45 */
    { NULL, "test", 10000 },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(TbQpayInvoiceRequest) request =
        tb_qpay_invoice_request_new (TB_QPAY_INVOICE_SIMPLE, bad[i].number, bad[i].description, bad[i].amount);
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) body = tb_qpay_build_invoice_body (config, request, &error);

      g_test_message ("case %" G_GSIZE_FORMAT, i);
      g_assert_null (body);
      g_assert_error (error, TB_QPAY_ERROR, TB_QPAY_ERROR_INVALID_REQUEST);
      g_assert_cmpstr (error->message, !=, "");
    }

  /* A missing invoice code, an overlong receiver. */
  {
    g_autoptr(TbQpayInvoiceRequest) request =
      tb_qpay_invoice_request_new (TB_QPAY_INVOICE_SIMPLE, "A1", "test", 10000);
    g_autoptr(GError) error = NULL;
    g_autoptr(GBytes) body = NULL;

    g_clear_pointer (&config->invoice_code, g_free);
    body = tb_qpay_build_invoice_body (config, request, &error);
    g_assert_null (body);
    g_assert_error (error, TB_QPAY_ERROR, TB_QPAY_ERROR_INVALID_REQUEST);
  }
}

static void
test_description_cut (void)
{
  g_autoptr(TbQpayConfig) config = config_new ();
  g_autoptr(GString) long_text = g_string_new (NULL);
  g_autoptr(TbQpayInvoiceRequest) request = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(JsonParser) parser = NULL;
  const char *sent;

  /* 200 two-byte letters = 400 bytes; QPay's limit is 255. */
  for (int i = 0; i < 200; i++)
    g_string_append (long_text, "ө");

  request = tb_qpay_invoice_request_new (TB_QPAY_INVOICE_SIMPLE, "A1", long_text->str, 10000);
  body = tb_qpay_build_invoice_body (config, request, &error);
  g_assert_no_error (error);
  sent = json_object_get_string_member (parse_body (body, &parser), "invoice_description");
  g_assert_cmpuint (strlen (sent), ==, 254);   /* 127 letters: the 128th would make 256 */
  g_assert_true (g_utf8_validate (sent, -1, NULL));
}

static void
test_utf8_truncate (void)
{
  g_autofree char *cut = tb_qpay_utf8_truncate ("Төлбөр", 5);
  g_autofree char *exact = tb_qpay_utf8_truncate ("Төлбөр", 12);
  g_autofree char *controls = tb_qpay_utf8_truncate ("a\nb\tc", 10);
  g_autofree char *broken = tb_qpay_utf8_truncate ("ab\xff\xfe" "cd", 20);
  g_autofree char *emoji = tb_qpay_utf8_truncate ("x😀", 4);

  g_assert_cmpstr (cut, ==, "Тө");
  g_assert_cmpstr (exact, ==, "Төлбөр");
  g_assert_cmpstr (controls, ==, "a b c");
  g_assert_true (g_utf8_validate (broken, -1, NULL));
  g_assert_true (g_str_has_prefix (broken, "ab"));
  g_assert_true (g_str_has_suffix (broken, "cd"));
  g_assert_cmpstr (emoji, ==, "x");
  g_assert_null (tb_qpay_utf8_truncate (NULL, 5));
}

static void
test_full_lines (void)
{
  g_autoptr(TbQpayConfig) config = config_new ();
  g_autoptr(TbQpayInvoiceRequest) request =
    tb_qpay_invoice_request_new (TB_QPAY_INVOICE_FULL, "B1", "Visit", 0);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(JsonParser) parser = NULL;
  JsonObject *object;
  JsonObject *line;

  /* 11 000 ₮ with VAT → 1000.0000 (binary floats give 999.9999, which QPay refuses). */
  tb_qpay_invoice_request_add_line (request, "Consultation", 1000, 1100000, TRUE, FALSE, NULL);
  /* 50 ₮ → 4.5454 */
  tb_qpay_invoice_request_add_line (request, "Plaster", 2000, 2500, TRUE, FALSE, NULL)->tax_product_code =
    g_strdup ("6401");
  /* 1000 ₮ with city tax → 89.2857 + 17.8571 */
  tb_qpay_invoice_request_add_line (request, "Parking", 1000, 100000, TRUE, TRUE, NULL);
  /* A free line is left out (QPay refuses 0 ₮ lines). */
  tb_qpay_invoice_request_add_line (request, "Free sample", 1000, 0, TRUE, FALSE, NULL);
  /* No VAT at all: no taxes. */
  tb_qpay_invoice_request_add_line (request, "Stamp", 1500, 1000, FALSE, FALSE, NULL);

  body = tb_qpay_build_invoice_body (config, request, &error);
  g_assert_no_error (error);
  object = parse_body (body, &parser);

  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (object, "lines")), ==, 4);
  /* 11000 + 50 + 1000 + 15 */
  g_assert_cmpint (json_object_get_int_member (object, "amount"), ==, 12065);

  line = line_at (object, 0);
  g_assert_cmpstr (json_object_get_string_member (line, "line_description"), ==, "Consultation");
  g_assert_cmpstr (json_object_get_string_member (line, "line_quantity"), ==, "1.00");
  g_assert_cmpstr (json_object_get_string_member (line, "line_unit_price"), ==, "11000.00");
  g_assert_cmpstr (json_object_get_string_member (tax_at (line, 0), "tax_code"), ==, "VAT");
  g_assert_cmpstr (json_object_get_string_member (tax_at (line, 0), "amount"), ==, "1000.0000");
  g_assert_cmpstr (json_object_get_string_member (tax_at (line, 0), "description"), ==, "НӨАТ");

  line = line_at (object, 1);
  g_assert_cmpstr (json_object_get_string_member (line, "line_quantity"), ==, "2.00");
  g_assert_cmpstr (json_object_get_string_member (line, "tax_product_code"), ==, "6401");
  g_assert_cmpstr (json_object_get_string_member (tax_at (line, 0), "amount"), ==, "4.5454");

  line = line_at (object, 2);
  g_assert_cmpstr (json_object_get_string_member (tax_at (line, 0), "amount"), ==, "89.2857");
  g_assert_cmpstr (json_object_get_string_member (tax_at (line, 1), "tax_code"), ==, "CITY_TAX");
  g_assert_cmpstr (json_object_get_string_member (tax_at (line, 1), "amount"), ==, "17.8571");

  line = line_at (object, 3);
  g_assert_cmpstr (json_object_get_string_member (line, "line_quantity"), ==, "1.50");
  g_assert_false (json_object_has_member (line, "taxes"));
  g_assert_false (json_object_has_member (line, "classification_code"));
}

static void
test_full_checks (void)
{
  g_autoptr(TbQpayConfig) config = config_new ();

  /* The lines must add up to the amount. */
  {
    g_autoptr(TbQpayInvoiceRequest) request = tb_qpay_invoice_request_new (TB_QPAY_INVOICE_FULL, "B2", "x", 50000);
    g_autoptr(GError) error = NULL;
    g_autoptr(GBytes) body = NULL;

    tb_qpay_invoice_request_add_line (request, "a", 1000, 100000, TRUE, FALSE, NULL);
    body = tb_qpay_build_invoice_body (config, request, &error);
    g_assert_null (body);
    g_assert_error (error, TB_QPAY_ERROR, TB_QPAY_ERROR_INVALID_REQUEST);
  }
  /* QPay takes two decimals of quantity. */
  {
    g_autoptr(TbQpayInvoiceRequest) request = tb_qpay_invoice_request_new (TB_QPAY_INVOICE_FULL, "B3", "x", 0);
    g_autoptr(GError) error = NULL;
    g_autoptr(GBytes) body = NULL;

    tb_qpay_invoice_request_add_line (request, "a", 333, 300000, TRUE, FALSE, NULL);
    body = tb_qpay_build_invoice_body (config, request, &error);
    g_assert_null (body);
    g_assert_error (error, TB_QPAY_ERROR, TB_QPAY_ERROR_INVALID_REQUEST);
  }
  /* Lines that come to möngö. */
  {
    g_autoptr(TbQpayInvoiceRequest) request = tb_qpay_invoice_request_new (TB_QPAY_INVOICE_FULL, "B4", "x", 0);
    g_autoptr(GError) error = NULL;
    g_autoptr(GBytes) body = NULL;

    tb_qpay_invoice_request_add_line (request, "a", 1000, 1050, TRUE, FALSE, NULL);
    body = tb_qpay_build_invoice_body (config, request, &error);
    g_assert_null (body);
    g_assert_error (error, TB_QPAY_ERROR, TB_QPAY_ERROR_INVALID_REQUEST);
  }
  /* No lines, only free lines, a line without a description, a negative quantity. */
  {
    g_autoptr(TbQpayInvoiceRequest) none = tb_qpay_invoice_request_new (TB_QPAY_INVOICE_FULL, "B5", "x", 100);
    g_autoptr(TbQpayInvoiceRequest) free_only = tb_qpay_invoice_request_new (TB_QPAY_INVOICE_FULL, "B6", "x", 0);
    g_autoptr(TbQpayInvoiceRequest) nameless = tb_qpay_invoice_request_new (TB_QPAY_INVOICE_FULL, "B7", "x", 0);
    g_autoptr(TbQpayInvoiceRequest) negative = tb_qpay_invoice_request_new (TB_QPAY_INVOICE_FULL, "B8", "x", 0);
    TbQpayInvoiceRequest *requests[] = { none, free_only, nameless, negative };

    tb_qpay_invoice_request_add_line (free_only, "gift", 1000, 0, TRUE, FALSE, NULL);
    tb_qpay_invoice_request_add_line (nameless, " ", 1000, 100000, TRUE, FALSE, NULL);
    tb_qpay_invoice_request_add_line (negative, "a", -1000, 100000, TRUE, FALSE, NULL);

    for (gsize i = 0; i < G_N_ELEMENTS (requests); i++)
      {
        g_autoptr(GError) error = NULL;
        g_autoptr(GBytes) body = tb_qpay_build_invoice_body (config, requests[i], &error);

        g_assert_null (body);
        g_assert_error (error, TB_QPAY_ERROR, TB_QPAY_ERROR_INVALID_REQUEST);
      }
  }
}

static void
test_ebarimt_invoice (void)
{
  g_autoptr(TbQpayConfig) config = config_new ();
  g_autoptr(TbQpayInvoiceRequest) request =
    tb_qpay_invoice_request_new (TB_QPAY_INVOICE_EBARIMT, "TEST_INVOICE_23", "Test invoice", 0);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(JsonParser) parser = NULL;
  JsonObject *object;

  request->invoice_code = g_strdup ("TEST_EB_INVOICE");
  request->receiver_code = g_strdup ("23");
  request->district_code = g_strdup ("0101");
  tb_qpay_invoice_request_add_line (request, "Улаан буудайн үр", 1000, 100000, TRUE, TRUE, "0111100");

  body = tb_qpay_build_invoice_body (config, request, &error);
  g_assert_no_error (error);
  object = parse_body (body, &parser);

  /* TPA's TestCreateEbarimtInvoiceSendsV3InvoicePayload, field by field. */
  g_assert_cmpstr (json_object_get_string_member (object, "invoice_code"), ==, "TEST_EB_INVOICE");
  g_assert_cmpstr (json_object_get_string_member (object, "invoice_receiver_code"), ==, "23");
  g_assert_cmpstr (json_object_get_string_member (object, "tax_type"), ==, "1");
  g_assert_cmpstr (json_object_get_string_member (object, "district_code"), ==, "0101");
  g_assert_false (json_object_has_member (object, "calculate_vat"));
  g_assert_cmpstr (json_object_get_string_member (line_at (object, 0), "classification_code"), ==, "0111100");
  g_assert_cmpstr (json_object_get_string_member (line_at (object, 0), "line_unit_price"), ==, "1000.00");
  g_assert_cmpstr (json_object_get_string_member (tax_at (line_at (object, 0), 0), "amount"), ==, "89.2857");
  g_assert_cmpstr (json_object_get_string_member (tax_at (line_at (object, 0), 1), "amount"), ==, "17.8571");
  g_assert_cmpint (json_object_get_int_member (object, "amount"), ==, 1000);
}

static void
test_ebarimt_invoice_checks (void)
{
  g_autoptr(TbQpayConfig) config = config_new ();

  /* No VAT lines: tax type "2" and calculate_vat false, so QPay adds nothing on top. */
  {
    g_autoptr(TbQpayInvoiceRequest) request = tb_qpay_invoice_request_new (TB_QPAY_INVOICE_EBARIMT, "E1", "x", 0);
    g_autoptr(GError) error = NULL;
    g_autoptr(GBytes) body = NULL;
    g_autoptr(JsonParser) parser = NULL;
    JsonObject *object;

    request->district_code = g_strdup ("3505");
    tb_qpay_invoice_request_add_line (request, "a", 1000, 100000, FALSE, FALSE, "6743000");
    body = tb_qpay_build_invoice_body (config, request, &error);
    g_assert_no_error (error);
    object = parse_body (body, &parser);
    g_assert_cmpstr (json_object_get_string_member (object, "tax_type"), ==, "2");
    g_assert_false (json_object_get_boolean_member (object, "calculate_vat"));
  }

  {
    struct { const char *district; const char *classification; TbQpayTaxType tax_type; } bad[] = {
      { "0101", NULL, TB_QPAY_TAX_TYPE_AUTO },         /* no classification code */
      { "0101", "011110", TB_QPAY_TAX_TYPE_AUTO },     /* 6 digits */
      { "0101", "01111OO", TB_QPAY_TAX_TYPE_AUTO },    /* letters */
      { "101", "0111100", TB_QPAY_TAX_TYPE_AUTO },     /* 3-digit district */
      { NULL, "0111100", TB_QPAY_TAX_TYPE_AUTO },
      { "0101", "0111100", TB_QPAY_TAX_TYPE_VAT_EXEMPT },   /* VAT line, exempt type */
    };

    for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
      {
        g_autoptr(TbQpayInvoiceRequest) request = tb_qpay_invoice_request_new (TB_QPAY_INVOICE_EBARIMT, "E2", "x", 0);
        g_autoptr(GError) error = NULL;
        g_autoptr(GBytes) body = NULL;

        request->district_code = g_strdup (bad[i].district);
        request->tax_type = bad[i].tax_type;
        tb_qpay_invoice_request_add_line (request, "a", 1000, 100000, TRUE, FALSE, bad[i].classification);
        body = tb_qpay_build_invoice_body (config, request, &error);
        g_test_message ("case %" G_GSIZE_FORMAT, i);
        g_assert_null (body);
        g_assert_error (error, TB_QPAY_ERROR, TB_QPAY_ERROR_INVALID_REQUEST);
      }
  }
}

static void
test_sender_invoice_no (void)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *prefixed = tb_qpay_sender_invoice_no_new ("b-2026/№7 long prefix");

  for (int i = 0; i < 1000; i++)
    {
      char *number = tb_qpay_sender_invoice_no_new (NULL);

      g_assert_true (tb_qpay_sender_invoice_no_is_valid (number));
      g_assert_cmpuint (strlen (number), <=, 45);
      for (const char *p = number; *p != '\0'; p++)
        g_assert_true (g_ascii_isalnum (*p));
      g_assert_true (g_hash_table_add (seen, number));
    }

  g_assert_true (g_str_has_prefix (prefixed, "B20267LO"));
  g_assert_true (tb_qpay_sender_invoice_no_is_valid (prefixed));

  g_assert_true (tb_qpay_id_is_valid ("d50f49f2-9032-4a74-8929-530531f28f63"));
  g_assert_true (tb_qpay_id_is_valid ("019276866891878"));
  g_assert_false (tb_qpay_id_is_valid ("../auth/token"));
  g_assert_false (tb_qpay_id_is_valid ("a b"));
  g_assert_false (tb_qpay_id_is_valid ("x?y=1"));
  g_assert_false (tb_qpay_id_is_valid (""));
  g_assert_false (tb_qpay_id_is_valid (NULL));
}

static void
test_check_body (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = tb_qpay_build_check_body (TB_QPAY_OBJECT_INVOICE, "inv-1", 2, 50, &error);
  g_autoptr(JsonParser) parser = NULL;
  JsonObject *object;
  JsonObject *offset;

  g_assert_no_error (error);
  object = parse_body (body, &parser);
  g_assert_cmpstr (json_object_get_string_member (object, "object_type"), ==, "INVOICE");
  g_assert_cmpstr (json_object_get_string_member (object, "object_id"), ==, "inv-1");
  offset = json_object_get_object_member (object, "offset");
  g_assert_cmpint (json_object_get_int_member (offset, "page_number"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (offset, "page_limit"), ==, 50);

  g_assert_null (tb_qpay_build_check_body (TB_QPAY_OBJECT_INVOICE, "inv-1", 0, 50, &error));
  g_assert_error (error, TB_QPAY_ERROR, TB_QPAY_ERROR_INVALID_REQUEST);
  g_clear_error (&error);
  g_assert_null (tb_qpay_build_check_body (TB_QPAY_OBJECT_INVOICE, "inv-1", 1, 101, &error));
  g_assert_error (error, TB_QPAY_ERROR, TB_QPAY_ERROR_INVALID_REQUEST);
  g_clear_error (&error);
  g_assert_null (tb_qpay_build_check_body (TB_QPAY_OBJECT_MERCHANT, "m", 1, 10, &error));
  g_assert_error (error, TB_QPAY_ERROR, TB_QPAY_ERROR_INVALID_REQUEST);
}

static void
test_list_body (void)
{
  g_autoptr(GDateTime) start = g_date_time_new_utc (2021, 9, 6, 0, 0, 1);
  g_autoptr(GDateTime) end = g_date_time_new_utc (2021, 9, 7, 0, 0, 0);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = tb_qpay_build_payment_list_body (TB_QPAY_OBJECT_INVOICE, "TEST_INVOICE",
                                                            start, end, 1, 100, &error);
  g_autoptr(JsonParser) parser = NULL;
  JsonObject *object;

  g_assert_no_error (error);
  object = parse_body (body, &parser);
  g_assert_cmpstr (json_object_get_string_member (object, "start_date"), ==, "2021-09-06 00:00:01");
  g_assert_cmpstr (json_object_get_string_member (object, "end_date"), ==, "2021-09-07 00:00:00");

  g_assert_null (tb_qpay_build_payment_list_body (TB_QPAY_OBJECT_INVOICE, "TEST_INVOICE", end, start, 1, 100, &error));
  g_assert_error (error, TB_QPAY_ERROR, TB_QPAY_ERROR_INVALID_REQUEST);
}

static void
test_cancel_bodies (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) cancel = tb_qpay_build_payment_cancel_body (NULL, "Customer changed mind", &error);
  g_autoptr(GBytes) ebarimt_cancel = tb_qpay_build_ebarimt_cancel_body (NULL);
  g_autoptr(JsonParser) p1 = NULL;
  g_autoptr(JsonParser) p2 = NULL;
  JsonObject *object;

  g_assert_no_error (error);
  object = parse_body (cancel, &p1);
  g_assert_cmpstr (json_object_get_string_member (object, "callback_url"), ==, TB_QPAY_DEFAULT_CALLBACK_URL);
  g_assert_cmpstr (json_object_get_string_member (object, "note"), ==, "Customer changed mind");

  object = parse_body (ebarimt_cancel, &p2);
  g_assert_cmpstr (json_object_get_string_member (object, "note"), !=, "");
}

static void
test_ebarimt_body (void)
{
  /* TPA's TestCreateEbarimtSendsV3Payload. */
  {
    g_autoptr(TbQpayEbarimtRequest) request =
      tb_qpay_ebarimt_request_new ("019276866891878", TB_QPAY_RECEIVER_CITIZEN, "88614450");
    g_autoptr(GError) error = NULL;
    g_autoptr(GBytes) body = NULL;
    g_autoptr(JsonParser) parser = NULL;
    JsonObject *object;

    request->district_code = g_strdup ("3505");
    request->classification_code = g_strdup ("0000010");
    body = tb_qpay_build_ebarimt_body (request, &error);
    g_assert_no_error (error);
    object = parse_body (body, &parser);
    g_assert_cmpstr (json_object_get_string_member (object, "payment_id"), ==, "019276866891878");
    g_assert_cmpstr (json_object_get_string_member (object, "ebarimt_receiver_type"), ==, "CITIZEN");
    g_assert_cmpstr (json_object_get_string_member (object, "ebarimt_receiver"), ==, "88614450");
    g_assert_cmpstr (json_object_get_string_member (object, "district_code"), ==, "3505");
    g_assert_cmpstr (json_object_get_string_member (object, "classification_code"), ==, "0000010");
  }

  /* A citizen without a phone sends no receiver. */
  {
    g_autoptr(TbQpayEbarimtRequest) request = tb_qpay_ebarimt_request_new ("1", TB_QPAY_RECEIVER_CITIZEN, NULL);
    g_autoptr(GError) error = NULL;
    g_autoptr(GBytes) body = tb_qpay_build_ebarimt_body (request, &error);
    g_autoptr(JsonParser) parser = NULL;

    g_assert_no_error (error);
    g_assert_false (json_object_has_member (parse_body (body, &parser), "ebarimt_receiver"));
  }

  /* The one receiver rule (tb-rules.h): a 12-digit TIN is a TIN, and a phone typed with the
   * country code is sent as its 8 digits. (Before, "+97688614450" was refused here while the
   * ledger kept it.) */
  {
    struct { TbQpayReceiverType type; const char *receiver; const char *sent; } good[] = {
      { TB_QPAY_RECEIVER_COMPANY, "123456789012", "123456789012" },
      { TB_QPAY_RECEIVER_COMPANY, "5317878", "5317878" },
      { TB_QPAY_RECEIVER_CITIZEN, "+97688614450", "88614450" },
      { TB_QPAY_RECEIVER_CITIZEN, "8861 4450", "88614450" },
    };

    for (gsize i = 0; i < G_N_ELEMENTS (good); i++)
      {
        g_autoptr(TbQpayEbarimtRequest) request = tb_qpay_ebarimt_request_new ("1", good[i].type, good[i].receiver);
        g_autoptr(GError) error = NULL;
        g_autoptr(GBytes) body = tb_qpay_build_ebarimt_body (request, &error);
        g_autoptr(JsonParser) parser = NULL;

        g_test_message ("good case %" G_GSIZE_FORMAT, i);
        g_assert_no_error (error);
        g_assert_cmpstr (json_object_get_string_member (parse_body (body, &parser), "ebarimt_receiver"),
                         ==, good[i].sent);
      }
  }

  {
    struct { TbQpayReceiverType type; const char *receiver; const char *district; const char *classification; } bad[] = {
      { TB_QPAY_RECEIVER_COMPANY, NULL, NULL, NULL },
      { TB_QPAY_RECEIVER_COMPANY, "30101O65006", NULL, NULL },
      { TB_QPAY_RECEIVER_COMPANY, "123456", NULL, NULL },
      { TB_QPAY_RECEIVER_CITIZEN, "8861445", NULL, NULL },
      { TB_QPAY_RECEIVER_COMPANY, "УБ99112233", NULL, NULL },   /* a citizen's register */
      { TB_QPAY_RECEIVER_COMPANY, "123456789012345", NULL, NULL },
      { TB_QPAY_RECEIVER_CITIZEN, "+1 555 0100 22", NULL, NULL },
      { TB_QPAY_RECEIVER_CITIZEN, "88614450", "34", NULL },
      { TB_QPAY_RECEIVER_CITIZEN, "88614450", NULL, "5221" },
    };

    for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
      {
        g_autoptr(TbQpayEbarimtRequest) request = tb_qpay_ebarimt_request_new ("1", bad[i].type, bad[i].receiver);
        g_autoptr(GError) error = NULL;
        g_autoptr(GBytes) body = NULL;

        request->district_code = g_strdup (bad[i].district);
        request->classification_code = g_strdup (bad[i].classification);
        body = tb_qpay_build_ebarimt_body (request, &error);
        g_test_message ("case %" G_GSIZE_FORMAT, i);
        g_assert_null (body);
        g_assert_error (error, TB_QPAY_ERROR, TB_QPAY_ERROR_INVALID_REQUEST);
        /* The receiver's number never appears in an error. */
        if (bad[i].receiver != NULL)
          g_assert_null (strstr (error->message, bad[i].receiver));
      }
  }
}

static void
test_config (void)
{
  g_autoptr(TbQpayConfig) config = config_new ();
  g_autoptr(TbQpayConfig) copy = tb_qpay_config_copy (config);
  TbQpayEnvironment env;

  g_assert_cmpstr (copy->client_secret, ==, "123456");
  g_assert_cmpstr (copy->callback_url, ==, config->callback_url);

  g_assert_true (tb_qpay_environment_from_string ("Sandbox", &env));
  g_assert_cmpint (env, ==, TB_QPAY_ENV_SANDBOX);
  g_assert_false (tb_qpay_environment_from_string ("prod", &env));
  g_assert_cmpstr (tb_qpay_environment_default_url (TB_QPAY_ENV_LIVE), ==, "https://merchant.qpay.mn");
  g_assert_cmpstr (tb_qpay_environment_default_url (TB_QPAY_ENV_SANDBOX), ==, "https://merchant-sandbox.qpay.mn");
  g_assert_null (tb_qpay_environment_default_url (TB_QPAY_ENV_SIMULATOR));
  g_assert_cmpstr (tb_qpay_environment_to_string (TB_QPAY_ENV_SIMULATOR), ==, "simulator");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/tulbur/qpay-request/simple", test_simple);
  g_test_add_func ("/tulbur/qpay-request/simple-checks", test_simple_checks);
  g_test_add_func ("/tulbur/qpay-request/description-cut", test_description_cut);
  g_test_add_func ("/tulbur/qpay-request/utf8-truncate", test_utf8_truncate);
  g_test_add_func ("/tulbur/qpay-request/full-lines", test_full_lines);
  g_test_add_func ("/tulbur/qpay-request/full-checks", test_full_checks);
  g_test_add_func ("/tulbur/qpay-request/ebarimt-invoice", test_ebarimt_invoice);
  g_test_add_func ("/tulbur/qpay-request/ebarimt-invoice-checks", test_ebarimt_invoice_checks);
  g_test_add_func ("/tulbur/qpay-request/sender-invoice-no", test_sender_invoice_no);
  g_test_add_func ("/tulbur/qpay-request/check-body", test_check_body);
  g_test_add_func ("/tulbur/qpay-request/list-body", test_list_body);
  g_test_add_func ("/tulbur/qpay-request/cancel-bodies", test_cancel_bodies);
  g_test_add_func ("/tulbur/qpay-request/ebarimt-body", test_ebarimt_body);
  g_test_add_func ("/tulbur/qpay-request/config", test_config);

  return g_test_run ();
}
