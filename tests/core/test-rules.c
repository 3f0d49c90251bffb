/* test-rules.c: each input rule, its normal form and the field it blames
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "core/tb-money.h"
#include "core/tb-rules.h"

typedef gboolean (*TextRule) (const char *text, gboolean required, char **out, GError **error);

typedef struct
{
  const char *text;
  const char *normalized;   /* NULL: refused */
} TextCase;

static void
check_cases (TextRule        rule,
             TbRuleField     field,
             const TextCase *cases,
             gsize           n_cases)
{
  for (gsize i = 0; i < n_cases; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *out = NULL;
      gboolean ok = rule (cases[i].text, FALSE, &out, &error);

      g_test_message ("case %" G_GSIZE_FORMAT ": “%s”", i, cases[i].text);
      if (cases[i].normalized != NULL)
        {
          g_assert_no_error (error);
          g_assert_true (ok);
          g_assert_cmpstr (out, ==, cases[i].normalized);
        }
      else
        {
          g_assert_false (ok);
          g_assert_null (out);
          g_assert_error (error, TB_RULES_ERROR, (gint) field);
          /* The value is personal data: it never appears in the message. */
          g_assert_null (strstr (error->message, cases[i].text));
          g_assert_cmpuint (strlen (error->message), >, 0);
        }
    }
}

/* Blank is "not given", unless required. */
static void
check_blank (TextRule    rule,
             TbRuleField field)
{
  const char *blanks[] = { NULL, "", "   ", "\t" };

  for (gsize i = 0; i < G_N_ELEMENTS (blanks); i++)
    {
      g_autoptr(GError) error = NULL;
      char *out = (char *) "not reset";

      g_assert_true (rule (blanks[i], FALSE, &out, &error));
      g_assert_no_error (error);
      g_assert_null (out);

      out = (char *) "not reset";
      g_assert_false (rule (blanks[i], TRUE, &out, &error));
      g_assert_null (out);
      g_assert_error (error, TB_RULES_ERROR, (gint) field);
    }
}

static gboolean
register_no_rule (const char  *text,
                  gboolean     required,
                  char       **out,
                  GError     **error)
{
  return tb_rules_register_no (text, required, out, NULL, error);
}

static void
test_register_no (void)
{
  static const TextCase cases[] = {
    { "5317878", "5317878" },                 /* company register */
    { "30101065006", "30101065006" },         /* 11-digit TIN of a legal entity */
    { "123456789012", "123456789012" },       /* 12-digit TIN of an individual */
    { "12345678901234", "12345678901234" },   /* 14 digits */
    { " 301 010 650 06 ", "30101065006" },    /* white space dropped */
    { "УБ99112233", "УБ99112233" },           /* a citizen */
    { "уб 99112233", "УБ99112233" },          /* upper-cased */
    { "123456", NULL },
    { "12345678", NULL },                     /* 8 to 10 digits are nothing */
    { "1234567890", NULL },
    { "123456789012345", NULL },              /* 15 */
    { "30101O65006", NULL },                  /* a letter O */
    { "UB99112233", NULL },                   /* Latin letters */
    { "УБ9911223", NULL },
    { "У99112233", NULL },
  };
  TbRegisterKind kind = TB_REGISTER_CITIZEN;
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;

  check_cases (register_no_rule, TB_RULE_FIELD_REGISTER_NO, cases, G_N_ELEMENTS (cases));
  check_blank (register_no_rule, TB_RULE_FIELD_REGISTER_NO);

  g_assert_true (tb_rules_register_no ("5317878", TRUE, &out, &kind, &error));
  g_assert_cmpint (kind, ==, TB_REGISTER_COMPANY);
  g_clear_pointer (&out, g_free);
  g_assert_true (tb_rules_register_no ("123456789012", TRUE, &out, &kind, &error));
  g_assert_cmpint (kind, ==, TB_REGISTER_TIN);
  g_clear_pointer (&out, g_free);
  g_assert_true (tb_rules_register_no ("ЖК99887766", TRUE, &out, &kind, &error));
  g_assert_cmpint (kind, ==, TB_REGISTER_CITIZEN);
  g_clear_pointer (&out, g_free);

  /* Not UTF-8. */
  g_assert_false (tb_rules_register_no ("\xff\xfe", FALSE, &out, NULL, &error));
  g_assert_error (error, TB_RULES_ERROR, TB_RULE_FIELD_REGISTER_NO);
}

static void
test_tin (void)
{
  static const TextCase cases[] = {
    { "5317878", "5317878" },
    { "30101065006", "30101065006" },
    { "123456789012", "123456789012" },
    { "1234567890123", "1234567890123" },
    { "12345678901234", "12345678901234" },
    { "УБ99112233", NULL },       /* a citizen's register number is not a TIN */
    { "12345678", NULL },
    { "123456789012345", NULL },
    { "5317878x", NULL },
  };

  check_cases (tb_rules_tin, TB_RULE_FIELD_TIN, cases, G_N_ELEMENTS (cases));
  check_blank (tb_rules_tin, TB_RULE_FIELD_TIN);
}

/* The defect: a customer saved with a 12-digit TIN, then refused when the company receipt
 * was issued. What the customer rule keeps, the receipt rule takes. */
static void
test_saved_tin_is_issued (void)
{
  const char *tins[] = { "5317878", "30101065006", "123456789012", "1234567890123",
                         "12345678901234" };

  for (gsize i = 0; i < G_N_ELEMENTS (tins); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *saved = NULL;
      g_autofree char *receiver = NULL;

      g_assert_true (tb_rules_register_no (tins[i], FALSE, &saved, NULL, &error));
      g_assert_true (tb_rules_ebarimt_receiver ("COMPANY", saved, &receiver, &error));
      g_assert_no_error (error);
      g_assert_cmpstr (receiver, ==, tins[i]);
    }
}

static void
test_phone (void)
{
  static const TextCase cases[] = {
    { "99112233", "99112233" },
    { "9911 2233", "99112233" },
    { "9911-2233", "99112233" },
    { " (99) 11.22.33 ", "99112233" },
    { "+976 9911 2233", "99112233" },         /* country code dropped */
    { "97699112233", "99112233" },
    { "+97688614450", "88614450" },
    { "8861445", NULL },                      /* 7 digits */
    { "991122334", NULL },                    /* 9 digits */
    { "+1 555 0100 22", NULL },               /* not Mongolian */
    { "99112233 ext", NULL },
    { "99+112233", NULL },                    /* '+' only in front */
    { "9 9 1 1 2 2 3 3 - - - - -", NULL },    /* longer than 20 bytes as typed */
    { "٩٩١١٢٢٣٣", NULL },                     /* non-ASCII digits */
  };

  check_cases (tb_rules_phone, TB_RULE_FIELD_PHONE, cases, G_N_ELEMENTS (cases));
  check_blank (tb_rules_phone, TB_RULE_FIELD_PHONE);
}

static void
test_district (void)
{
  static const TextCase cases[] = {
    { "3505", "3505" },
    { "0101", "0101" },                       /* leading zero kept */
    { " 3420 ", "3420" },
    { "34", NULL },                           /* the pre-3.0 two digits */
    { "35050", NULL },
    { "35a5", NULL },
    { "35 05", NULL },
  };

  check_cases (tb_rules_district_code, TB_RULE_FIELD_DISTRICT, cases, G_N_ELEMENTS (cases));
  check_blank (tb_rules_district_code, TB_RULE_FIELD_DISTRICT);
}

static void
test_classification (void)
{
  static const TextCase cases[] = {
    { "6743000", "6743000" },
    { "0111100", "0111100" },
    { "0000010\n", "0000010" },
    { "5221", NULL },                         /* a БТҮК tax product code, not a classification */
    { "67430001", NULL },
    { "674300O", NULL },
  };

  check_cases (tb_rules_classification_code, TB_RULE_FIELD_CLASSIFICATION,
               cases, G_N_ELEMENTS (cases));
  check_blank (tb_rules_classification_code, TB_RULE_FIELD_CLASSIFICATION);
}

static void
test_ebarimt_receiver (void)
{
  struct { const char *type; const char *receiver; const char *out; int field; } cases[] = {
    { "CITIZEN", NULL, NULL, -1 },            /* a citizen needs no phone */
    { NULL, "8861 4450", "88614450", -1 },    /* no type: citizen */
    { "citizen", "88614450", "88614450", -1 },
    { "COMPANY", "30101065006", "30101065006", -1 },
    { "company", "123456789012", "123456789012", -1 },
    { "COMPANY", NULL, NULL, TB_RULE_FIELD_TIN },
    { "COMPANY", " ", NULL, TB_RULE_FIELD_TIN },
    { "COMPANY", "УБ99112233", NULL, TB_RULE_FIELD_TIN },
    { "COMPANY", "123456", NULL, TB_RULE_FIELD_TIN },
    { "CITIZEN", "8861445", NULL, TB_RULE_FIELD_PHONE },
    { "BUSINESS", "30101065006", NULL, TB_RULE_FIELD_RECEIVER_TYPE },
    { "83", "30101065006", NULL, TB_RULE_FIELD_RECEIVER_TYPE },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *out = NULL;
      gboolean ok = tb_rules_ebarimt_receiver (cases[i].type, cases[i].receiver, &out, &error);

      g_test_message ("case %" G_GSIZE_FORMAT, i);
      if (cases[i].field < 0)
        {
          g_assert_no_error (error);
          g_assert_true (ok);
          g_assert_cmpstr (out, ==, cases[i].out);
        }
      else
        {
          g_assert_false (ok);
          g_assert_null (out);
          g_assert_error (error, TB_RULES_ERROR, cases[i].field);
          if (cases[i].receiver != NULL && cases[i].receiver[0] != ' ')
            g_assert_null (strstr (error->message, cases[i].receiver));
        }
    }
}

static void
test_line (void)
{
  g_autofree char *long_text = g_strnfill (256, 'a');
  g_autofree char *cyrillic = NULL;
  g_autoptr(GString) letters = g_string_new (NULL);
  struct { const char *desc; gint64 qty; gint64 price; int field; } bad[] = {
    { NULL, 1000, 100, TB_RULE_FIELD_DESCRIPTION },
    { "  ", 1000, 100, TB_RULE_FIELD_DESCRIPTION },
    { "\xc3\x28", 1000, 100, TB_RULE_FIELD_DESCRIPTION },       /* not UTF-8 */
    { long_text, 1000, 100, TB_RULE_FIELD_DESCRIPTION },
    { "Үзлэг", 0, 100, TB_RULE_FIELD_QUANTITY },
    { "Үзлэг", -1000, 100, TB_RULE_FIELD_QUANTITY },
    { "Үзлэг", 333, 100, TB_RULE_FIELD_QUANTITY },              /* three decimals */
    { "Үзлэг", 1001, 100, TB_RULE_FIELD_QUANTITY },
    { "Үзлэг", 1000, -1, TB_RULE_FIELD_PRICE },
    { "Үзлэг", 1000, TB_MONEY_MAX + 1, TB_RULE_FIELD_PRICE },
    { "Үзлэг", 2000, TB_MONEY_MAX, TB_RULE_FIELD_PRICE },       /* the amount overflows */
    { "Үзлэг", G_MAXINT64 - 7, 100, TB_RULE_FIELD_PRICE },      /* so does this one */
  };
  g_autoptr(GError) error = NULL;
  g_autofree char *description = NULL;
  TbLineTax tax;

  /* 127 Cyrillic letters are 254 bytes: the limit is bytes, as QPay counts them. */
  for (int i = 0; i < 127; i++)
    g_string_append (letters, "ж");
  cyrillic = g_strdup (letters->str);

  g_assert_true (tb_rules_line ("  Үзлэг  ", 2500, 1000, TRUE, FALSE, &description, &tax, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (description, ==, "Үзлэг");
  g_assert_cmpint (tax.amount, ==, 2500);
  g_assert_cmpint (tax.vat_e4, ==, 22727);
  g_clear_pointer (&description, g_free);

  g_assert_true (tb_rules_line ("Gift", 10, 0, TRUE, TRUE, NULL, NULL, &error));     /* free, 0.01 */
  g_assert_true (tb_rules_line (cyrillic, 1000, 100, FALSE, FALSE, NULL, NULL, &error));
  g_string_append (letters, "ж");
  g_assert_false (tb_rules_line (letters->str, 1000, 100, FALSE, FALSE, NULL, NULL, &error));
  g_assert_error (error, TB_RULES_ERROR, TB_RULE_FIELD_DESCRIPTION);
  g_clear_error (&error);

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_test_message ("bad line %" G_GSIZE_FORMAT, i);
      g_assert_false (tb_rules_line (bad[i].desc, bad[i].qty, bad[i].price, TRUE, FALSE,
                                     &description, NULL, &error));
      g_assert_null (description);
      g_assert_error (error, TB_RULES_ERROR, bad[i].field);
      g_clear_error (&error);
    }
}

static void
test_field_names (void)
{
  g_assert_cmpstr (tb_rule_field_to_string (TB_RULE_FIELD_TIN), ==, "tin");
  g_assert_cmpstr (tb_rule_field_to_string (TB_RULE_FIELD_DISTRICT), ==, "district_code");
  g_assert_cmpstr (tb_rule_field_to_string (TB_RULE_FIELD_PRICE), ==, "price");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/tulbur/rules/register-no", test_register_no);
  g_test_add_func ("/tulbur/rules/tin", test_tin);
  g_test_add_func ("/tulbur/rules/saved-tin-is-issued", test_saved_tin_is_issued);
  g_test_add_func ("/tulbur/rules/phone", test_phone);
  g_test_add_func ("/tulbur/rules/district", test_district);
  g_test_add_func ("/tulbur/rules/classification", test_classification);
  g_test_add_func ("/tulbur/rules/ebarimt-receiver", test_ebarimt_receiver);
  g_test_add_func ("/tulbur/rules/line", test_line);
  g_test_add_func ("/tulbur/rules/field-names", test_field_names);

  return g_test_run ();
}
