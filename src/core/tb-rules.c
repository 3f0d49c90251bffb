/* tb-rules.c: the one home of each input rule
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "tb-money.h"
#include "tb-rules.h"
#include "tb-seal.h"

G_DEFINE_QUARK (tb-rules-error-quark, tb_rules_error)

/* Country code of Mongolia, accepted in front of a phone number and dropped. */
#define MN_COUNTRY_CODE "976"
#define MN_PHONE_DIGITS 8

const char *
tb_rule_field_to_string (TbRuleField field)
{
  static const char * const names[] = {
    [TB_RULE_FIELD_REGISTER_NO] = "register_no",
    [TB_RULE_FIELD_TIN] = "tin",
    [TB_RULE_FIELD_PHONE] = "phone",
    [TB_RULE_FIELD_DISTRICT] = "district_code",
    [TB_RULE_FIELD_CLASSIFICATION] = "classification_code",
    [TB_RULE_FIELD_RECEIVER_TYPE] = "receiver_type",
    [TB_RULE_FIELD_DESCRIPTION] = "description",
    [TB_RULE_FIELD_QUANTITY] = "quantity",
    [TB_RULE_FIELD_PRICE] = "price",
  };

  g_return_val_if_fail ((guint) field < G_N_ELEMENTS (names), NULL);
  return names[field];
}

static gboolean
fail (GError      **error,
      TbRuleField   field,
      const char   *message)
{
  g_set_error_literal (error, TB_RULES_ERROR, field, message);
  return FALSE;
}

/* Overwrites personal data before it is freed. */
static void
free_secret (char *text)
{
  if (text != NULL)
    memset (text, 0, strlen (text));
  g_free (text);
}

static gboolean
is_blank (const char *text)
{
  if (text == NULL)
    return TRUE;
  for (const char *p = text; *p != '\0'; p++)
    if (!g_ascii_isspace (*p))
      return FALSE;
  return TRUE;
}

static gboolean
all_digits (const char *text,
            gsize       min_len,
            gsize       max_len)
{
  gsize len = strlen (text);

  if (len < min_len || len > max_len)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isdigit (text[i]))
      return FALSE;
  return TRUE;
}

/* Blank input is "not given": fine, unless the field is @required. */
static gboolean
blank (gboolean      required,
       TbRuleField   field,
       const char   *missing,
       GError      **error)
{
  return required ? fail (error, field, missing) : TRUE;
}

/* A fixed-length digit code with outer white space trimmed. */
static gboolean
digit_code (const char   *text,
            gsize         length,
            gboolean      required,
            TbRuleField   field,
            const char   *missing,
            const char   *wrong,
            char        **out,
            GError      **error)
{
  g_autofree char *clean = NULL;

  *out = NULL;
  if (is_blank (text))
    return blank (required, field, missing, error);

  clean = g_strstrip (g_strdup (text));
  if (!all_digits (clean, length, length))
    return fail (error, field, wrong);

  *out = g_steal_pointer (&clean);
  return TRUE;
}

static gboolean
is_cyrillic_letter (gunichar c)
{
  return g_unichar_isalpha (c) && g_unichar_get_script (c) == G_UNICODE_SCRIPT_CYRILLIC;
}

/* Two Cyrillic letters and eight digits: "УБ99112233". */
static gboolean
is_citizen_register (const char *norm)
{
  const char *second;

  if (g_utf8_strlen (norm, -1) != 10)
    return FALSE;
  second = g_utf8_next_char (norm);
  return is_cyrillic_letter (g_utf8_get_char (norm)) &&
         is_cyrillic_letter (g_utf8_get_char (second)) &&
         all_digits (g_utf8_next_char (second), 8, 8);
}

static gboolean
register_kind (const char     *norm,
               TbRegisterKind *out_kind)
{
  if (all_digits (norm, 7, 7))
    *out_kind = TB_REGISTER_COMPANY;
  else if (all_digits (norm, 11, 14))
    *out_kind = TB_REGISTER_TIN;
  else if (is_citizen_register (norm))
    *out_kind = TB_REGISTER_CITIZEN;
  else
    return FALSE;
  return TRUE;
}

gboolean
tb_rules_register_no (const char      *text,
                      gboolean         required,
                      char           **out,
                      TbRegisterKind  *out_kind,
                      GError         **error)
{
  char *norm;
  TbRegisterKind kind;

  g_return_val_if_fail (out != NULL, FALSE);

  *out = NULL;
  if (is_blank (text))
    return blank (required, TB_RULE_FIELD_REGISTER_NO, _("Enter the register number or TIN."), error);

  /* The same normal form the ledger hashes for look-ups (upper case, no white space). */
  norm = g_utf8_validate (text, -1, NULL) ? tb_seal_normalize_register (text) : NULL;
  if (norm == NULL || !register_kind (norm, &kind))
    {
      free_secret (norm);
      return fail (error, TB_RULE_FIELD_REGISTER_NO,
                   _("A register number has 7 digits for a company, 11 to 14 digits for a TIN, or two Cyrillic letters and 8 digits for a citizen."));
    }

  if (out_kind != NULL)
    *out_kind = kind;
  *out = norm;
  return TRUE;
}

gboolean
tb_rules_tin (const char  *text,
              gboolean     required,
              char       **out,
              GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  TbRegisterKind kind = TB_REGISTER_TIN;

  g_return_val_if_fail (out != NULL, FALSE);

  *out = NULL;
  if (is_blank (text))
    return blank (required, TB_RULE_FIELD_TIN,
                  _("Enter the TIN: 7 digits for a company register, or 11 to 14 digits."), error);

  if (!tb_rules_register_no (text, FALSE, out, &kind, &local_error) ||
      kind == TB_REGISTER_CITIZEN)
    {
      g_clear_pointer (out, free_secret);
      return fail (error, TB_RULE_FIELD_TIN,
                   kind == TB_REGISTER_CITIZEN
                   ? _("A citizen’s register number is not a TIN. Use the company’s 7-digit register or its 11- to 14-digit TIN.")
                   : _("A TIN has 7 digits (a company register) or 11 to 14 digits."));
    }
  return TRUE;
}

/* The digits of a phone as typed, or NULL when it holds anything but digits and the usual
 * separators (a '+' only in front). */
static char *
phone_digits (const char *text)
{
  g_autoptr(GString) digits = g_string_new (NULL);
  const char *p = text;

  while (g_ascii_isspace (*p))
    p++;
  if (*p == '+')
    p++;
  for (; *p != '\0'; p++)
    {
      if (g_ascii_isdigit (*p))
        g_string_append_c (digits, *p);
      else if (strchr (" -.()", *p) == NULL)
        {
          memset (digits->str, 0, digits->len);
          return NULL;
        }
    }
  return g_string_free (g_steal_pointer (&digits), FALSE);
}

gboolean
tb_rules_phone (const char  *text,
                gboolean     required,
                char       **out,
                GError     **error)
{
  char *digits;
  gsize len;

  g_return_val_if_fail (out != NULL, FALSE);

  *out = NULL;
  if (is_blank (text))
    return blank (required, TB_RULE_FIELD_PHONE, _("Enter the phone number, for example 99112233."), error);

  if (strlen (text) > TB_RULES_MAX_PHONE_BYTES || (digits = phone_digits (text)) == NULL)
    return fail (error, TB_RULE_FIELD_PHONE,
                 _("A phone number has only digits, for example 99112233."));

  len = strlen (digits);
  if (len == strlen (MN_COUNTRY_CODE) + MN_PHONE_DIGITS && g_str_has_prefix (digits, MN_COUNTRY_CODE))
    memmove (digits, digits + strlen (MN_COUNTRY_CODE), MN_PHONE_DIGITS + 1);
  if (strlen (digits) != MN_PHONE_DIGITS)
    {
      free_secret (digits);
      return fail (error, TB_RULE_FIELD_PHONE, _("A phone number has 8 digits, for example 99112233."));
    }

  *out = digits;
  return TRUE;
}

gboolean
tb_rules_district_code (const char  *text,
                        gboolean     required,
                        char       **out,
                        GError     **error)
{
  g_return_val_if_fail (out != NULL, FALSE);

  return digit_code (text, 4, required, TB_RULE_FIELD_DISTRICT,
                     _("Ebarimt needs a 4-digit district code. Set it in Preferences."),
                     _("A district code has 4 digits, for example 3505."),
                     out, error);
}

gboolean
tb_rules_classification_code (const char  *text,
                              gboolean     required,
                              char       **out,
                              GError     **error)
{
  g_return_val_if_fail (out != NULL, FALSE);

  return digit_code (text, 7, required, TB_RULE_FIELD_CLASSIFICATION,
                     _("Ebarimt needs a 7-digit classification code, for example 6743000."),
                     _("A classification code has 7 digits, for example 6743000."),
                     out, error);
}

gboolean
tb_rules_ebarimt_receiver (const char  *receiver_type,
                           const char  *receiver,
                           char       **out_receiver,
                           GError     **error)
{
  g_return_val_if_fail (out_receiver != NULL, FALSE);

  *out_receiver = NULL;
  if (receiver_type == NULL || g_ascii_strcasecmp (receiver_type, "CITIZEN") == 0)
    return tb_rules_phone (receiver, FALSE, out_receiver, error);

  if (g_ascii_strcasecmp (receiver_type, "COMPANY") != 0)
    return fail (error, TB_RULE_FIELD_RECEIVER_TYPE, _("The receipt is for a citizen or a company."));

  if (is_blank (receiver))
    return fail (error, TB_RULE_FIELD_TIN,
                 _("A company receipt needs the customer’s TIN. Add it to the customer, or issue a citizen receipt."));
  return tb_rules_tin (receiver, TRUE, out_receiver, error);
}

gboolean
tb_rules_line_description (const char  *text,
                           char       **out,
                           GError     **error)
{
  g_autofree char *clean = NULL;

  g_return_val_if_fail (out != NULL, FALSE);

  *out = NULL;
  if (text == NULL || !g_utf8_validate (text, -1, NULL))
    return fail (error, TB_RULE_FIELD_DESCRIPTION, _("Describe what is being sold."));

  clean = g_strstrip (g_strdup (text));
  if (*clean == '\0')
    return fail (error, TB_RULE_FIELD_DESCRIPTION, _("Describe what is being sold."));
  if (strlen (clean) > TB_RULES_MAX_DESCRIPTION_BYTES)
    return fail (error, TB_RULE_FIELD_DESCRIPTION,
                 _("The description is too long: use at most 255 bytes (about 120 Cyrillic letters)."));

  *out = g_steal_pointer (&clean);
  return TRUE;
}

gboolean
tb_rules_line_quantity (gint64   quantity_milli,
                        GError **error)
{
  if (quantity_milli <= 0)
    return fail (error, TB_RULE_FIELD_QUANTITY, _("The quantity must be more than zero."));
  if (quantity_milli % 10 != 0)
    return fail (error, TB_RULE_FIELD_QUANTITY,
                 _("A quantity has at most two decimals, for example 2.25."));
  return TRUE;
}

gboolean
tb_rules_line_price (gint64   unit_price,
                     GError **error)
{
  if (unit_price < 0)
    return fail (error, TB_RULE_FIELD_PRICE, _("The price must be zero or more."));
  if (unit_price > TB_MONEY_MAX)
    return fail (error, TB_RULE_FIELD_PRICE, _("The line amount is too large."));
  return TRUE;
}

gboolean
tb_rules_line (const char  *description,
               gint64       quantity_milli,
               gint64       unit_price,
               gboolean     vat,
               gboolean     city_tax,
               char       **out_description,
               TbLineTax   *out_tax,
               GError     **error)
{
  g_autofree char *clean = NULL;
  TbLineTax tax;

  if (!tb_rules_line_description (description, &clean, error) ||
      !tb_rules_line_quantity (quantity_milli, error) ||
      !tb_rules_line_price (unit_price, error))
    return FALSE;

  if (!tb_tax_line (quantity_milli, unit_price, vat, city_tax, &tax))
    return fail (error, TB_RULE_FIELD_PRICE, _("The line amount is too large."));

  if (out_description != NULL)
    *out_description = g_steal_pointer (&clean);
  if (out_tax != NULL)
    *out_tax = tax;
  return TRUE;
}
