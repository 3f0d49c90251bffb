/* tb-money.c: parsing and formatting money in integer minor units
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "tb-money.h"

G_DEFINE_QUARK (tb-money-error-quark, tb_money_error)

#define NBSP "\xc2\xa0"        /* U+00A0 NO-BREAK SPACE */
#define NNBSP "\xe2\x80\xaf"   /* U+202F NARROW NO-BREAK SPACE */
#define TUGRIK "\xe2\x82\xae"  /* U+20AE ₮ */

/* Grouping separators a receptionist may type or paste: ASCII space, comma, and the two
 * no-break spaces our own formatter and other programs emit. Returns the byte length of the
 * separator at @p, 0 if none. */
static gsize
separator_len (const char *p)
{
  if (*p == ' ' || *p == ',')
    return 1;
  if (strncmp (p, NBSP, 2) == 0)
    return 2;
  if (strncmp (p, NNBSP, 3) == 0)
    return 3;
  return 0;
}

static gboolean
is_space_at (const char *p,
             gsize      *len)
{
  if (g_ascii_isspace (*p))
    {
      *len = 1;
      return TRUE;
    }
  if (strncmp (p, NBSP, 2) == 0)
    {
      *len = 2;
      return TRUE;
    }
  if (strncmp (p, NNBSP, 3) == 0)
    {
      *len = 3;
      return TRUE;
    }
  return FALSE;
}

/* Copies @text without leading/trailing white space (ASCII and no-break spaces) and without a
 * trailing currency sign ("12 500 ₮" pasted from our own labels). */
static char *
strip_input (const char *text)
{
  const char *start = text;
  const char *end = text + strlen (text);
  gsize len;

  while (*start != '\0' && is_space_at (start, &len))
    start += len;

  for (;;)
    {
      if (end > start && g_ascii_isspace (end[-1]))
        end--;
      else if (end - start >= 2 && strncmp (end - 2, NBSP, 2) == 0)
        end -= 2;
      else if (end - start >= 3 && strncmp (end - 3, NNBSP, 3) == 0)
        end -= 3;
      else if (end - start >= 3 && strncmp (end - 3, TUGRIK, 3) == 0)
        end -= 3;
      else
        break;
    }

  return g_strndup (start, end - start);
}

static gboolean
set_invalid (GError     **error,
             const char  *text)
{
  g_set_error (error, TB_MONEY_ERROR, TB_MONEY_ERROR_INVALID,
               _("“%s” is not an amount. Type digits, for example 12 500 or 12 500.50."), text);
  return FALSE;
}

/* The receptionist grammar: an integer part, either plain digits or groups of three separated
 * by one kind of separator, then optionally '.' and one or two digits. */
static gboolean
parse_receptionist (const char  *text,
                    gint64      *out_minor,
                    GError     **error)
{
  g_autofree char *s = strip_input (text);
  const char *p = s;
  char sep[4] = { 0 };
  gsize sep_bytes = 0;
  int group_digits = 0;
  int groups = 0;
  gint64 whole = 0;
  gint64 frac = 0;
  int frac_digits = 0;

  if (*p == '\0')
    {
      g_set_error_literal (error, TB_MONEY_ERROR, TB_MONEY_ERROR_EMPTY, _("Enter an amount."));
      return FALSE;
    }

  if (*p == '-' || strncmp (p, "\xe2\x88\x92", 3) == 0)
    {
      g_set_error_literal (error, TB_MONEY_ERROR, TB_MONEY_ERROR_NEGATIVE,
                           _("The amount cannot be negative."));
      return FALSE;
    }

  if (!g_ascii_isdigit (*p))
    return set_invalid (error, s);

  while (*p != '\0' && *p != '.')
    {
      gsize len;

      if (g_ascii_isdigit (*p))
        {
          if (whole > (TB_MONEY_MAX / 100) / 10 + 1)
            {
              g_set_error_literal (error, TB_MONEY_ERROR, TB_MONEY_ERROR_OVERFLOW,
                                   _("The amount is too large."));
              return FALSE;
            }
          whole = whole * 10 + (*p - '0');
          group_digits++;
          p++;
          continue;
        }

      len = separator_len (p);
      if (len == 0)
        return set_invalid (error, s);

      /* A separator: the group before it must be 1–3 digits (first) or exactly 3. */
      if (sep_bytes == 0)
        {
          memcpy (sep, p, len);
          sep_bytes = len;
        }
      else if (len != sep_bytes || memcmp (sep, p, len) != 0)
        return set_invalid (error, s);

      if (group_digits == 0 || group_digits > 3 || (groups > 0 && group_digits != 3))
        return set_invalid (error, s);

      groups++;
      group_digits = 0;
      p += len;
    }

  if (groups > 0 && group_digits != 3)
    return set_invalid (error, s);

  if (*p == '.')
    {
      p++;
      while (g_ascii_isdigit (*p))
        {
          frac_digits++;
          if (frac_digits <= 2)
            frac = frac * 10 + (*p - '0');
          p++;
        }
      if (*p != '\0' || frac_digits == 0)
        return set_invalid (error, s);
      if (frac_digits > 2)
        {
          g_set_error_literal (error, TB_MONEY_ERROR, TB_MONEY_ERROR_PRECISION,
                               _("Use at most two decimals, for example 12 500.50."));
          return FALSE;
        }
      if (frac_digits == 1)
        frac *= 10;
    }

  if (whole > TB_MONEY_MAX / 100 || whole * 100 + frac > TB_MONEY_MAX)
    {
      g_set_error_literal (error, TB_MONEY_ERROR, TB_MONEY_ERROR_OVERFLOW,
                           _("The amount is too large."));
      return FALSE;
    }

  *out_minor = whole * 100 + frac;
  return TRUE;
}

gboolean
tb_money_parse (const char  *text,
                gint64      *out_minor,
                GError     **error)
{
  gint64 value = 0;

  g_return_val_if_fail (out_minor != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (text == NULL)
    text = "";

  if (!parse_receptionist (text, &value, error))
    return FALSE;

  *out_minor = value;
  return TRUE;
}

gboolean
tb_money_parse_positive (const char  *text,
                         gint64      *out_minor,
                         GError     **error)
{
  gint64 value = 0;

  if (!tb_money_parse (text, &value, error))
    return FALSE;

  if (value == 0)
    {
      g_set_error_literal (error, TB_MONEY_ERROR, TB_MONEY_ERROR_ZERO,
                           _("The amount must be more than zero."));
      return FALSE;
    }

  *out_minor = value;
  return TRUE;
}

gboolean
tb_money_parse_decimal (const char  *text,
                        gint64      *out_minor,
                        GError     **error)
{
  const char *p = text;
  gboolean negative = FALSE;
  gint64 whole = 0;
  gint64 frac = 0;
  int int_digits = 0;
  int frac_digits = 0;

  g_return_val_if_fail (out_minor != NULL, FALSE);

  if (p == NULL || *p == '\0')
    {
      g_set_error_literal (error, TB_MONEY_ERROR, TB_MONEY_ERROR_EMPTY, _("Enter an amount."));
      return FALSE;
    }

  if (*p == '-')
    {
      negative = TRUE;
      p++;
    }

  while (g_ascii_isdigit (*p))
    {
      if (whole > TB_MONEY_MAX / 100)
        {
          g_set_error_literal (error, TB_MONEY_ERROR, TB_MONEY_ERROR_OVERFLOW,
                               _("The amount is too large."));
          return FALSE;
        }
      whole = whole * 10 + (*p - '0');
      int_digits++;
      p++;
    }

  if (*p == '.')
    {
      p++;
      while (g_ascii_isdigit (*p))
        {
          /* Servers send "100.00"; trailing zeros past the cent are harmless, a real third
           * decimal is not. */
          if (frac_digits >= 2 && *p != '0')
            {
              g_set_error_literal (error, TB_MONEY_ERROR, TB_MONEY_ERROR_PRECISION,
                                   _("Use at most two decimals, for example 12 500.50."));
              return FALSE;
            }
          if (frac_digits < 2)
            frac = frac * 10 + (*p - '0');
          frac_digits++;
          p++;
        }
      if (frac_digits == 0)
        int_digits = 0;
    }

  if (int_digits == 0 || *p != '\0')
    return set_invalid (error, text);

  if (frac_digits == 1)
    frac *= 10;

  if (whole > TB_MONEY_MAX / 100 || whole * 100 + frac > TB_MONEY_MAX)
    {
      g_set_error_literal (error, TB_MONEY_ERROR, TB_MONEY_ERROR_OVERFLOW,
                           _("The amount is too large."));
      return FALSE;
    }

  *out_minor = (whole * 100 + frac) * (negative ? -1 : 1);
  return TRUE;
}

const char *
tb_money_currency_symbol (const char *currency)
{
  if (currency == NULL || g_strcmp0 (currency, "MNT") == 0)
    return TUGRIK;
  if (g_strcmp0 (currency, "USD") == 0)
    return "$";
  if (g_strcmp0 (currency, "KHR") == 0)
    return "\xe1\x9f\x9b"; /* ៛ */
  return currency;
}

static void
append_grouped (GString *out,
                guint64  whole)
{
  char digits[32];
  int n = g_snprintf (digits, sizeof digits, "%" G_GUINT64_FORMAT, whole);

  for (int i = 0; i < n; i++)
    {
      if (i > 0 && (n - i) % 3 == 0)
        g_string_append (out, NBSP);
      g_string_append_c (out, digits[i]);
    }
}

char *
tb_money_format (gint64      minor,
                 const char *currency)
{
  GString *out = g_string_new (NULL);
  guint64 abs_minor = minor < 0 ? (guint64) 0 - (guint64) minor : (guint64) minor;

  if (minor < 0)
    g_string_append_c (out, '-');

  append_grouped (out, abs_minor / 100);
  if (abs_minor % 100 != 0)
    g_string_append_printf (out, ".%02u", (guint) (abs_minor % 100));

  g_string_append (out, NBSP);
  g_string_append (out, tb_money_currency_symbol (currency));

  return g_string_free (out, FALSE);
}

char *
tb_money_format_plain (gint64 minor)
{
  guint64 abs_minor = minor < 0 ? (guint64) 0 - (guint64) minor : (guint64) minor;

  if (abs_minor % 100 == 0)
    return g_strdup_printf ("%s%" G_GUINT64_FORMAT, minor < 0 ? "-" : "", abs_minor / 100);

  return g_strdup_printf ("%s%" G_GUINT64_FORMAT ".%02u", minor < 0 ? "-" : "",
                          abs_minor / 100, (guint) (abs_minor % 100));
}

char *
tb_money_format_decimal (gint64 minor)
{
  guint64 abs_minor = minor < 0 ? (guint64) 0 - (guint64) minor : (guint64) minor;

  return g_strdup_printf ("%s%" G_GUINT64_FORMAT ".%02u", minor < 0 ? "-" : "",
                          abs_minor / 100, (guint) (abs_minor % 100));
}

gboolean
tb_money_to_whole (gint64  minor,
                   gint64 *out_whole)
{
  if (minor % 100 != 0)
    return FALSE;
  *out_whole = minor / 100;
  return TRUE;
}

#define TB_QUANTITY_MAX G_GINT64_CONSTANT (1000000000000) /* 10^9 units, in thousandths */

static gboolean
quantity_invalid (GError     **error,
                  const char  *text)
{
  g_set_error (error, TB_MONEY_ERROR, TB_MONEY_ERROR_INVALID,
               _("“%s” is not a quantity. Type a number such as 1, 2 or 0.5."), text);
  return FALSE;
}

gboolean
tb_quantity_parse (const char  *text,
                   gint64      *out_milli,
                   GError     **error)
{
  g_autofree char *s = NULL;
  const char *p;
  gint64 whole = 0;
  gint64 frac = 0;
  int frac_digits = 0;

  g_return_val_if_fail (out_milli != NULL, FALSE);

  s = g_strstrip (g_strdup (text != NULL ? text : ""));
  p = s;

  if (*p == '\0')
    {
      g_set_error_literal (error, TB_MONEY_ERROR, TB_MONEY_ERROR_EMPTY, _("Enter a quantity."));
      return FALSE;
    }
  if (*p == '-')
    {
      g_set_error_literal (error, TB_MONEY_ERROR, TB_MONEY_ERROR_NEGATIVE,
                           _("The quantity cannot be negative."));
      return FALSE;
    }

  if (!g_ascii_isdigit (*p))
    return quantity_invalid (error, s);

  while (g_ascii_isdigit (*p))
    {
      whole = whole * 10 + (*p - '0');
      if (whole * 1000 > TB_QUANTITY_MAX)
        {
          g_set_error_literal (error, TB_MONEY_ERROR, TB_MONEY_ERROR_OVERFLOW,
                               _("The quantity is too large."));
          return FALSE;
        }
      p++;
    }

  if (*p == '.' || *p == ',')
    {
      p++;
      while (g_ascii_isdigit (*p))
        {
          frac_digits++;
          if (frac_digits <= 3)
            frac = frac * 10 + (*p - '0');
          p++;
        }
      if (frac_digits == 0)
        return quantity_invalid (error, s);
      if (frac_digits > 3)
        {
          g_set_error_literal (error, TB_MONEY_ERROR, TB_MONEY_ERROR_PRECISION,
                               _("Use at most three decimals in a quantity."));
          return FALSE;
        }
      while (frac_digits++ < 3)
        frac *= 10;
    }

  if (*p != '\0')
    return quantity_invalid (error, s);

  if (whole * 1000 + frac == 0)
    {
      g_set_error_literal (error, TB_MONEY_ERROR, TB_MONEY_ERROR_ZERO,
                           _("The quantity must be more than zero."));
      return FALSE;
    }

  *out_milli = whole * 1000 + frac;
  return TRUE;
}

char *
tb_quantity_format (gint64 milli)
{
  g_autofree char *s = g_strdup_printf ("%" G_GINT64_FORMAT ".%03d", milli / 1000,
                                        (int) (ABS (milli) % 1000));
  char *end = s + strlen (s) - 1;

  while (*end == '0')
    *end-- = '\0';
  if (*end == '.')
    *end = '\0';

  return g_steal_pointer (&s);
}

gboolean
tb_quantity_format_decimal2 (gint64   milli,
                             char   **out)
{
  if (milli % 10 != 0)
    return FALSE;
  *out = g_strdup_printf ("%" G_GINT64_FORMAT ".%02d", milli / 1000, (int) ((milli % 1000) / 10));
  return TRUE;
}
