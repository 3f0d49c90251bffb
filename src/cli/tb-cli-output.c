/* tb-cli-output.c: text and JSON output shared by the tulbur-cli commands
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdio.h>

#include <glib/gi18n.h>

#include "core/tb-money.h"
#include "core/tb-tax.h"

#include "tb-cli.h"

void
tb_cli_print_json (JsonNode *root)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autofree char *data = NULL;

  json_generator_set_pretty (generator, TRUE);
  json_generator_set_indent (generator, 2);
  json_generator_set_root (generator, root);
  data = json_generator_to_data (generator, NULL);

  /* Bytes as they are: JSON is UTF-8 whatever the terminal's locale says. */
  fputs (data, stdout);
  fputc ('\n', stdout);
}

char *
tb_cli_format_utc (gint64 us)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (us / G_USEC_PER_SEC);

  if (dt == NULL)
    return g_strdup ("");
  return g_date_time_format (dt, "%Y-%m-%dT%H:%M:%SZ");
}

char *
tb_cli_format_local (gint64 us)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_local (us / G_USEC_PER_SEC);

  if (dt == NULL)
    return g_strdup ("");
  return g_date_time_format (dt, "%Y-%m-%d %H:%M");
}

char *
tb_cli_pad (const char *text,
            guint       width,
            gboolean    right)
{
  glong len = g_utf8_strlen (text, -1);
  GString *out;

  if (len >= (glong) width)
    return g_strdup (text);

  out = g_string_new (NULL);
  if (!right)
    g_string_append (out, text);
  for (glong i = len; i < (glong) width; i++)
    g_string_append_c (out, ' ');
  if (right)
    g_string_append (out, text);
  return g_string_free (out, FALSE);
}

/* @rows with every cell escaped (tb_cli_escape): a line break in a name stays on its row. */
static GPtrArray *
escape_rows (GPtrArray *rows,
             guint      n_columns)
{
  GPtrArray *safe = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);

  for (guint r = 0; r < rows->len; r++)
    {
      char **row = g_ptr_array_index (rows, r);
      char **copy = g_new0 (char *, n_columns + 1);

      for (guint c = 0; c < n_columns; c++)
        copy[c] = tb_cli_escape (row[c]);
      g_ptr_array_add (safe, copy);
    }
  return safe;
}

void
tb_cli_print_table (GPtrArray      *raw_rows,
                    const gboolean *right,
                    guint           n_columns)
{
  g_autofree guint *width = g_new0 (guint, n_columns);
  g_autoptr(GPtrArray) rows = escape_rows (raw_rows, n_columns);

  for (guint r = 0; r < rows->len; r++)
    {
      char **row = g_ptr_array_index (rows, r);

      for (guint c = 0; c < n_columns; c++)
        width[c] = MAX (width[c], (guint) g_utf8_strlen (row[c], -1));
    }

  for (guint r = 0; r < rows->len; r++)
    {
      char **row = g_ptr_array_index (rows, r);
      g_autoptr(GString) out = g_string_new (NULL);

      for (guint c = 0; c < n_columns; c++)
        {
          g_autofree char *cell = NULL;

          /* No padding after the last column: no trailing blanks. */
          cell = c + 1 < n_columns ? tb_cli_pad (row[c], width[c], right[c]) : g_strdup (row[c]);
          if (c > 0)
            g_string_append (out, "  ");
          g_string_append (out, cell);
        }
      g_print ("%s\n", out->str);
    }
}

void
tb_cli_json_add_string (JsonBuilder *builder,
                        const char  *member,
                        const char  *value)
{
  json_builder_set_member_name (builder, member);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

void
tb_cli_json_add_int (JsonBuilder *builder,
                     const char  *member,
                     gint64       value)
{
  json_builder_set_member_name (builder, member);
  json_builder_add_int_value (builder, value);
}

void
tb_cli_json_add_time (JsonBuilder *builder,
                      const char  *member,
                      gint64       us)
{
  g_autofree char *text = us != 0 ? tb_cli_format_utc (us) : NULL;

  tb_cli_json_add_string (builder, member, text);
}

static void
build_line (JsonBuilder      *builder,
            const TbBillLine *line)
{
  json_builder_begin_object (builder);
  tb_cli_json_add_int (builder, "id", line->id);
  tb_cli_json_add_int (builder, "position", line->position);
  json_builder_set_member_name (builder, "description");
  json_builder_add_string_value (builder, line->description);
  tb_cli_json_add_int (builder, "quantity_milli", line->quantity_milli);
  tb_cli_json_add_int (builder, "unit_price", line->unit_price);
  tb_cli_json_add_int (builder, "amount", line->amount);
  json_builder_set_member_name (builder, "vat");
  json_builder_add_boolean_value (builder, line->vat);
  json_builder_set_member_name (builder, "city_tax");
  json_builder_add_boolean_value (builder, line->city_tax);
  tb_cli_json_add_int (builder, "vat_e4", line->vat_e4);
  tb_cli_json_add_int (builder, "city_tax_e4", line->city_tax_e4);
  tb_cli_json_add_string (builder, "classification_code", line->classification_code);
  json_builder_end_object (builder);
}

static void
build_payment (JsonBuilder     *builder,
               const TbPayment *payment)
{
  json_builder_begin_object (builder);
  tb_cli_json_add_int (builder, "id", payment->id);
  json_builder_set_member_name (builder, "method");
  json_builder_add_string_value (builder, tb_payment_method_to_string (payment->method));
  tb_cli_json_add_int (builder, "amount", payment->amount);
  tb_cli_json_add_string (builder, "reference", payment->reference);
  json_builder_set_member_name (builder, "refund_of");
  if (payment->refund_of != 0)
    json_builder_add_int_value (builder, payment->refund_of);
  else
    json_builder_add_null_value (builder);
  tb_cli_json_add_time (builder, "created", payment->created_us);
  json_builder_end_object (builder);
}

void
tb_cli_build_bill (JsonBuilder  *builder,
                   const TbBill *bill)
{
  json_builder_begin_object (builder);
  tb_cli_json_add_int (builder, "id", bill->id);
  json_builder_set_member_name (builder, "number");
  json_builder_add_string_value (builder, bill->number);
  json_builder_set_member_name (builder, "status");
  json_builder_add_string_value (builder, tb_bill_status_to_string (bill->status));
  json_builder_set_member_name (builder, "currency");
  json_builder_add_string_value (builder, bill->currency);
  tb_cli_json_add_int (builder, "total", bill->total);
  tb_cli_json_add_int (builder, "paid", bill->paid);
  tb_cli_json_add_int (builder, "due", tb_bill_get_due (bill));
  tb_cli_json_add_int (builder, "vat_e4", bill->vat_e4);
  tb_cli_json_add_int (builder, "city_tax_e4", bill->city_tax_e4);
  json_builder_set_member_name (builder, "overpaid");
  json_builder_add_boolean_value (builder, bill->overpaid);

  /* The name only: phone numbers and TINs never leave the ledger through the CLI. */
  json_builder_set_member_name (builder, "customer");
  if (bill->customer_id != 0)
    {
      json_builder_begin_object (builder);
      tb_cli_json_add_int (builder, "id", bill->customer_id);
      tb_cli_json_add_string (builder, "name", bill->customer_name);
      json_builder_end_object (builder);
    }
  else
    json_builder_add_null_value (builder);

  tb_cli_json_add_string (builder, "note", bill->note);
  tb_cli_json_add_string (builder, "void_reason", bill->void_reason);
  tb_cli_json_add_time (builder, "created", bill->created_us);
  tb_cli_json_add_time (builder, "updated", bill->updated_us);

  if (bill->lines != NULL)
    {
      json_builder_set_member_name (builder, "lines");
      json_builder_begin_array (builder);
      for (guint i = 0; i < bill->lines->len; i++)
        build_line (builder, g_ptr_array_index (bill->lines, i));
      json_builder_end_array (builder);
    }

  if (bill->payments != NULL)
    {
      json_builder_set_member_name (builder, "payments");
      json_builder_begin_array (builder);
      for (guint i = 0; i < bill->payments->len; i++)
        build_payment (builder, g_ptr_array_index (bill->payments, i));
      json_builder_end_array (builder);
    }

  json_builder_end_object (builder);
}

static void
print_line (const TbBillLine *line,
            const char       *currency)
{
  g_autofree char *quantity = tb_quantity_format (line->quantity_milli);
  g_autofree char *price = tb_money_format (line->unit_price, currency);
  g_autofree char *amount = tb_money_format (line->amount, currency);
  g_autofree char *description = tb_cli_escape (line->description);
  g_autoptr(GString) flags = g_string_new (NULL);

  if (!line->vat)
    g_string_append (flags, _("no VAT"));
  if (line->city_tax)
    {
      if (flags->len > 0)
        g_string_append (flags, ", ");
      g_string_append (flags, _("city tax"));
    }
  if (line->classification_code != NULL)
    {
      if (flags->len > 0)
        g_string_append (flags, ", ");
      /* TRANSLATORS: %s is a 7-digit product classification code */
      g_string_append_printf (flags, _("code %s"), line->classification_code);
    }

  g_print ("  %d. %s: %s × %s = %s", line->position, description, quantity, price, amount);
  if (flags->len > 0)
    g_print (" (%s)", flags->str);
  g_print ("\n");
}

static void
print_payment (const TbPayment *payment,
               const char      *currency)
{
  g_autofree char *when = tb_cli_format_local (payment->created_us);
  g_autofree char *amount = tb_money_format (payment->amount, currency);
  g_autofree char *reference = tb_cli_escape (payment->reference);

  g_print ("  %s  %s  %s", when, tb_payment_method_to_label (payment->method), amount);
  if (payment->reference != NULL)
    /* TRANSLATORS: short for "reference", before a card slip number */
    g_print ("  %s %s", _("ref."), reference);
  g_print ("\n");
}

void
tb_cli_print_bill (const TbBill *bill)
{
  g_autofree char *created = tb_cli_format_local (bill->created_us);
  g_autofree char *total = tb_money_format (bill->total, bill->currency);
  g_autofree char *vat = tb_money_format (tb_tax_e4_to_minor (bill->vat_e4), bill->currency);
  g_autofree char *city_tax = tb_money_format (tb_tax_e4_to_minor (bill->city_tax_e4),
                                               bill->currency);
  g_autofree char *paid = tb_money_format (bill->paid, bill->currency);
  g_autofree char *due = tb_money_format (tb_bill_get_due (bill), bill->currency);
  /* Ledger text: no terminal escapes, and no line break that could fake a line. */
  g_autofree char *number = tb_cli_escape (bill->number);
  g_autofree char *customer = tb_cli_escape (bill->customer_name);
  g_autofree char *note = tb_cli_escape (bill->note);
  g_autofree char *void_reason = tb_cli_escape (bill->void_reason);

  /* TRANSLATORS: "Bill 1042: Partly paid" */
  g_print (_("Bill %s: %s"), number, tb_bill_status_to_label (bill->status));
  g_print ("\n");
  if (customer != NULL)
    g_print ("%s %s\n", _("Customer:"), customer);
  g_print ("%s %s\n", _("Created:"), created);
  if (note != NULL && note[0] != '\0')
    g_print ("%s %s\n", _("Note:"), note);
  if (void_reason != NULL && void_reason[0] != '\0')
    g_print ("%s %s\n", _("Void reason:"), void_reason);

  if (bill->lines != NULL && bill->lines->len > 0)
    {
      g_print ("%s\n", _("Lines:"));
      for (guint i = 0; i < bill->lines->len; i++)
        print_line (g_ptr_array_index (bill->lines, i), bill->currency);
    }
  else
    g_print ("%s\n", _("No lines yet."));

  g_print ("%s %s\n", _("Total:"), total);
  if (bill->vat_e4 != 0)
    g_print ("  %s %s\n", _("incl. VAT:"), vat);
  if (bill->city_tax_e4 != 0)
    g_print ("  %s %s\n", _("incl. city tax:"), city_tax);
  g_print ("%s %s\n", _("Paid:"), paid);
  g_print ("%s %s\n", _("Due:"), due);
  if (bill->overpaid)
    {
      g_autofree char *over = tb_money_format (MAX (bill->paid - bill->total, 0),
                                               bill->currency);

      g_print (_("Overpaid by %s"), over);
      g_print ("\n");
    }

  if (bill->payments != NULL && bill->payments->len > 0)
    {
      g_print ("%s\n", _("Payments:"));
      for (guint i = 0; i < bill->payments->len; i++)
        print_payment (g_ptr_array_index (bill->payments, i), bill->currency);
    }
}
