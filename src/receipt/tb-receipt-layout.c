/* tb-receipt-layout.c: a receipt as fixed-width text lines (32 / 48 columns)
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "core/tb-money.h"
#include "core/tb-tax.h"
#include "tb-receipt-layout-private.h"

/* Statutory labels. The tax authority reads a receipt by these Mongolian names, so they are
 * printed as they are in every language, like a form's printed field names; the label in the
 * staff's language follows them when it is different ("НӨАТ / VAT"). They are deliberately
 * not marked for translation: translating them would remove what the law asks to see. */
#define MN_TIN        "ТТД"             /* Татвар төлөгчийн дугаар: taxpayer number */
#define MN_TOTAL      "Нийт дүн"
#define MN_VAT        "НӨАТ"            /* Нэмэгдсэн өртгийн албан татвар */
#define MN_CITY_TAX   "НХАТ"            /* Нийслэл хотын албан татвар */
#define MN_RECEIPT_ID "ДДТД"            /* the receipt's 33-digit state id */
#define MN_LOTTERY    "Сугалаа"
#define MN_BUYER      "Худалдан авагч"
#define MN_NAME       "Нэр"
#define MN_COPY       "ХУУЛБАР"

#define MULTIPLY_SIGN "\xc3\x97"        /* U+00D7 × */

static guint
char_columns (gunichar c)
{
  if (g_unichar_iszerowidth (c))
    return 0;
  if (g_unichar_iswide (c))
    return 2;
  return 1;
}

/* Valid UTF-8 with no control or format characters: those would move the print head, or,
 * like bidi overrides, make the printed text differ from what it says. White space becomes a
 * plain space; with @keep_newlines, '\n' stays as a line break. */
static char *
clean_text (const char *text,
            gboolean    keep_newlines)
{
  g_autofree char *valid = g_utf8_make_valid (text != NULL ? text : "", -1);
  GString *out = g_string_sized_new (strlen (valid));

  for (const char *p = valid; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c == '\n' && keep_newlines)
        g_string_append_c (out, '\n');
      else if (c == 0x00A0 || c == 0x202F)
        g_string_append_unichar (out, c);   /* keeps "12 500 ₮" together */
      else if (g_unichar_isspace (c) || g_unichar_iscntrl (c))
        g_string_append_c (out, ' ');
      else if (g_unichar_type (c) == G_UNICODE_FORMAT ||
               g_unichar_type (c) == G_UNICODE_UNASSIGNED ||
               g_unichar_type (c) == G_UNICODE_SURROGATE)
        continue;
      else
        g_string_append_unichar (out, c);
    }

  return g_string_free (out, FALSE);
}

static char *
spaces (guint n)
{
  return g_strnfill (n, ' ');
}

static char *
repeat_char (char  c,
             guint n)
{
  return g_strnfill (n, c);
}

/* Breaks @word (no spaces) into pieces of at most @width columns, never between a character
 * and the combining marks that follow it. */
static void
break_word (const char *word,
            guint       width,
            GPtrArray  *out)
{
  GString *piece = g_string_new (NULL);
  guint piece_cols = 0;
  const char *p = word;

  while (*p != '\0')
    {
      const char *cluster_end = g_utf8_next_char (p);
      guint cols = char_columns (g_utf8_get_char (p));

      while (*cluster_end != '\0' && char_columns (g_utf8_get_char (cluster_end)) == 0)
        cluster_end = g_utf8_next_char (cluster_end);

      if (piece_cols + cols > width && piece->len > 0)
        {
          g_ptr_array_add (out, g_string_free (piece, FALSE));
          piece = g_string_new (NULL);
          piece_cols = 0;
        }
      g_string_append_len (piece, p, cluster_end - p);
      piece_cols += cols;
      p = cluster_end;
    }

  if (piece->len > 0)
    g_ptr_array_add (out, g_string_free (piece, FALSE));
  else
    g_string_free (piece, TRUE);
}

/* Greedy word wrap of @text (already clean) into lines of at most @width columns. An empty
 * paragraph gives no line. */
static GPtrArray *
wrap (const char *text,
      guint       width)
{
  GPtrArray *lines = g_ptr_array_new_with_free_func (g_free);
  g_auto(GStrv) paragraphs = g_strsplit (text, "\n", -1);

  for (guint i = 0; paragraphs[i] != NULL; i++)
    {
      g_auto(GStrv) words = g_strsplit (paragraphs[i], " ", -1);
      g_autoptr(GString) line = g_string_new (NULL);
      guint line_cols = 0;

      for (guint j = 0; words[j] != NULL; j++)
        {
          guint word_cols = tb_receipt_text_columns (words[j]);

          if (*words[j] == '\0')
            continue;

          if (line->len > 0 && line_cols + 1 + word_cols <= width)
            {
              g_string_append_c (line, ' ');
              g_string_append (line, words[j]);
              line_cols += 1 + word_cols;
              continue;
            }

          if (line->len > 0)
            {
              g_ptr_array_add (lines, g_strdup (line->str));
              g_string_truncate (line, 0);
              line_cols = 0;
            }

          if (word_cols <= width)
            {
              g_string_append (line, words[j]);
              line_cols = word_cols;
            }
          else
            {
              g_autoptr(GPtrArray) pieces = g_ptr_array_new_with_free_func (g_free);

              break_word (words[j], width, pieces);
              for (guint k = 0; k + 1 < pieces->len; k++)
                g_ptr_array_add (lines, g_strdup (g_ptr_array_index (pieces, k)));
              g_string_assign (line, g_ptr_array_index (pieces, pieces->len - 1));
              line_cols = tb_receipt_text_columns (line->str);
            }
        }

      if (line->len > 0)
        g_ptr_array_add (lines, g_strdup (line->str));
    }

  return lines;
}

/* A long number (the 33-digit ДДТД on 32 columns) split into equal pieces, 17 + 16 rather
 * than 32 + 1, so that it is easy to read out. */
static GPtrArray *
wrap_even (const char *text,
           guint       width)
{
  guint n_chars = (guint) g_utf8_strlen (text, -1);
  guint cols = tb_receipt_text_columns (text);
  guint n_pieces;
  guint per_piece;
  GPtrArray *lines;
  const char *p = text;

  if (cols <= width || strchr (text, ' ') != NULL || cols != n_chars)
    return wrap (text, width);

  n_pieces = (cols + width - 1) / width;
  per_piece = (n_chars + n_pieces - 1) / n_pieces;
  lines = g_ptr_array_new_with_free_func (g_free);
  while (*p != '\0')
    {
      const char *end = g_utf8_offset_to_pointer (p, MIN (per_piece, (guint) g_utf8_strlen (p, -1)));

      g_ptr_array_add (lines, g_strndup (p, end - p));
      p = end;
    }
  return lines;
}

static void
add_row (GPtrArray       *rows,
         TbLayoutRowKind  kind,
         char            *text)
{
  TbLayoutRow *row = g_new0 (TbLayoutRow, 1);

  /* Trailing spaces are invisible on paper and noise in golden files. */
  g_strchomp (text);
  row->kind = kind;
  row->text = text;
  g_ptr_array_add (rows, row);
}

/* Rows from @first to the last one added stay on one page (an item's description with its
 * amount, a label with its value). */
static void
keep_together (GPtrArray *rows,
               guint      first)
{
  for (guint i = first; i + 1 < rows->len; i++)
    {
      TbLayoutRow *row = g_ptr_array_index (rows, i);

      row->keep_with_next = TRUE;
    }
}

static void
add_blank (GPtrArray *rows)
{
  add_row (rows, TB_LAYOUT_ROW_TEXT, g_strdup (""));
}

static void
add_separator (GPtrArray *rows,
               char       c,
               guint      width)
{
  add_row (rows, TB_LAYOUT_ROW_TEXT, repeat_char (c, width));
}

static void
add_centred (GPtrArray       *rows,
             TbLayoutRowKind  kind,
             const char      *text,
             guint            width)
{
  g_autofree char *clean = clean_text (text, TRUE);
  g_autoptr(GPtrArray) lines = wrap (clean, width);

  for (guint i = 0; i < lines->len; i++)
    {
      const char *line = g_ptr_array_index (lines, i);
      g_autofree char *pad = spaces ((width - tb_receipt_text_columns (line)) / 2);

      add_row (rows, kind, g_strconcat (pad, line, NULL));
    }
}

static void
add_left (GPtrArray       *rows,
          TbLayoutRowKind  kind,
          const char      *text,
          guint            width)
{
  g_autofree char *clean = clean_text (text, TRUE);
  g_autoptr(GPtrArray) lines = wrap (clean, width);

  for (guint i = 0; i < lines->len; i++)
    add_row (rows, kind, g_strdup (g_ptr_array_index (lines, i)));
}

/* "label        value" on one line when both fit with a space between; otherwise the label
 * wrapped on its own lines and the value right-aligned below it. */
static void
add_pair (GPtrArray       *rows,
          TbLayoutRowKind  kind,
          const char      *label,
          const char      *value,
          guint            width)
{
  g_autofree char *clean_label = clean_text (label, FALSE);
  g_autofree char *clean_value = clean_text (value, FALSE);
  g_autoptr(GPtrArray) value_lines = NULL;
  guint label_cols;
  guint value_cols;
  guint first = rows->len;

  g_strstrip (clean_label);
  g_strstrip (clean_value);
  label_cols = tb_receipt_text_columns (clean_label);
  value_cols = tb_receipt_text_columns (clean_value);

  if (*clean_value == '\0')
    {
      add_left (rows, kind, clean_label, width);
      return;
    }

  if (label_cols + 1 + value_cols <= width)
    {
      g_autofree char *pad = spaces (width - label_cols - value_cols);

      add_row (rows, kind, g_strconcat (clean_label, pad, clean_value, NULL));
      return;
    }

  add_left (rows, kind, clean_label, width);
  value_lines = wrap_even (clean_value, width);
  for (guint i = 0; i < value_lines->len; i++)
    {
      const char *line = g_ptr_array_index (value_lines, i);
      g_autofree char *pad = spaces (width - tb_receipt_text_columns (line));

      add_row (rows, kind, g_strconcat (pad, line, NULL));
    }
  keep_together (rows, first);
}

/* "НӨАТ / VAT:" — or "НӨАТ:" when the translation is the Mongolian label itself. */
static char *
statutory_label (const char *mongolian,
                 const char *translated)
{
  if (g_strcmp0 (mongolian, translated) == 0)
    return g_strconcat (mongolian, ":", NULL);
  return g_strconcat (mongolian, " / ", translated, ":", NULL);
}

static char *
format_date (gint64 date_us)
{
  g_autoptr(GDateTime) local = g_date_time_new_from_unix_local (date_us / G_USEC_PER_SEC);

  if (local == NULL)
    return NULL;
  /* The format of Ebarimt's own receipt dates (docs/qpay.md, "Ebarimt 3.0 receipts"): not a language matter. */
  return g_date_time_format (local, "%Y-%m-%d %H:%M:%S");
}

static void
add_copy_banner (GPtrArray          *rows,
                 const TbReceiptDoc *doc,
                 guint               width)
{
  /* Translators: printed on reprinted receipts after the statutory Mongolian
   * "ХУУЛБАР"; in Mongolian translate it as exactly "ХУУЛБАР" so that it is printed once. */
  const char *copy = C_("receipt", "COPY");
  g_autofree char *label = NULL;
  g_autofree char *banner = NULL;

  if (g_strcmp0 (copy, MN_COPY) == 0)
    label = g_strdup_printf ("%s %u", MN_COPY, doc->copy_number);
  else
    label = g_strdup_printf ("%s / %s %u", MN_COPY, copy, doc->copy_number);

  banner = g_strconcat ("*** ", label, " ***", NULL);
  if (tb_receipt_text_columns (banner) <= width)
    add_centred (rows, TB_LAYOUT_ROW_BOLD, banner, width);
  else
    add_centred (rows, TB_LAYOUT_ROW_BOLD, label, width);
}

static void
add_line_block (GPtrArray              *rows,
                const TbReceiptDocLine *line,
                const char             *currency,
                guint                   width)
{
  g_autofree char *quantity = tb_quantity_format (line->quantity_milli);
  g_autofree char *price = tb_money_format (line->unit_price, currency);
  g_autofree char *amount = tb_money_format (line->amount, currency);
  g_autofree char *detail = g_strdup_printf ("  %s " MULTIPLY_SIGN " %s", quantity, price);
  guint detail_cols = tb_receipt_text_columns (detail);
  guint amount_cols = tb_receipt_text_columns (amount);
  guint first = rows->len;

  add_left (rows, TB_LAYOUT_ROW_TEXT, line->description, width);

  /* The indent of the detail line is kept, so add_pair (which strips) is not used. */
  if (detail_cols + 1 + amount_cols <= width)
    {
      g_autofree char *pad = spaces (width - detail_cols - amount_cols);

      add_row (rows, TB_LAYOUT_ROW_TEXT, g_strconcat (detail, pad, amount, NULL));
    }
  else if (detail_cols <= width && amount_cols <= width)
    {
      g_autofree char *pad = spaces (width - amount_cols);

      add_row (rows, TB_LAYOUT_ROW_TEXT, g_strdup (detail));
      add_row (rows, TB_LAYOUT_ROW_TEXT, g_strconcat (pad, amount, NULL));
    }
  else
    {
      add_pair (rows, TB_LAYOUT_ROW_TEXT, detail, amount, width);
    }
  keep_together (rows, first);
}

void
_tb_layout_row_free (TbLayoutRow *row)
{
  if (row == NULL)
    return;
  g_free (row->text);
  g_free (row);
}

GPtrArray *
_tb_receipt_layout_rows (const TbReceiptDoc *doc,
                         guint               width)
{
  g_autoptr(GPtrArray) rows = NULL;
  const char *currency;
  g_autofree char *label = NULL;
  g_autofree char *money = NULL;

  g_return_val_if_fail (doc != NULL, NULL);
  g_return_val_if_fail (width >= TB_RECEIPT_COLUMNS_MIN && width <= TB_RECEIPT_COLUMNS_MAX, NULL);

  rows = g_ptr_array_new_with_free_func ((GDestroyNotify) _tb_layout_row_free);
  currency = doc->currency != NULL && *doc->currency != '\0' ? doc->currency : "MNT";

  if (doc->copy_number > 0)
    {
      add_copy_banner (rows, doc, width);
      add_blank (rows);
    }

  /* Merchant */
  add_centred (rows, TB_LAYOUT_ROW_BOLD, doc->merchant_name, width);
  if (doc->merchant_tin != NULL && *doc->merchant_tin != '\0')
    {
      /* Translators: "taxpayer identification number", printed after the statutory
       * Mongolian "ТТД"; in Mongolian translate it as exactly "ТТД". */
      g_autofree char *tin_label = statutory_label (MN_TIN, C_("receipt", "TIN"));
      g_autofree char *tin = g_strconcat (tin_label, " ", doc->merchant_tin, NULL);

      add_centred (rows, TB_LAYOUT_ROW_TEXT, tin, width);
    }
  if (doc->merchant_address != NULL)
    add_centred (rows, TB_LAYOUT_ROW_TEXT, doc->merchant_address, width);
  add_separator (rows, '=', width);

  /* Bill */
  if (doc->bill_number != NULL && *doc->bill_number != '\0')
    {
      g_autofree char *bill_label = g_strconcat (C_("receipt", "Bill no."), ":", NULL);

      add_pair (rows, TB_LAYOUT_ROW_TEXT, bill_label, doc->bill_number, width);
    }
  if (doc->date_us != 0)
    {
      g_autofree char *date_label = g_strconcat (C_("receipt", "Date"), ":", NULL);
      g_autofree char *date = format_date (doc->date_us);

      add_pair (rows, TB_LAYOUT_ROW_TEXT, date_label, date, width);
    }
  add_separator (rows, '-', width);

  /* Lines */
  for (guint i = 0; doc->lines != NULL && i < doc->lines->len; i++)
    add_line_block (rows, g_ptr_array_index (doc->lines, i), currency, width);
  add_separator (rows, '-', width);

  /* Totals */
  /* Translators: printed after the statutory Mongolian "Нийт дүн"; in Mongolian translate
   * it as exactly "Нийт дүн". */
  label = statutory_label (MN_TOTAL, C_("receipt", "Total"));
  money = tb_money_format (doc->total, currency);
  add_pair (rows, TB_LAYOUT_ROW_BOLD, label, money, width);
  g_clear_pointer (&label, g_free);
  g_clear_pointer (&money, g_free);

  /* Translators: value-added tax, printed after the statutory Mongolian "НӨАТ"; in
   * Mongolian translate it as exactly "НӨАТ". */
  label = statutory_label (MN_VAT, C_("receipt", "VAT"));
  money = tb_money_format (tb_tax_e4_to_minor (doc->vat_e4), currency);
  add_pair (rows, TB_LAYOUT_ROW_TEXT, label, money, width);
  g_clear_pointer (&label, g_free);
  g_clear_pointer (&money, g_free);

  /* Translators: the capital city tax, printed after the statutory Mongolian "НХАТ"; in
   * Mongolian translate it as exactly "НХАТ". */
  label = statutory_label (MN_CITY_TAX, C_("receipt", "City tax"));
  money = tb_money_format (tb_tax_e4_to_minor (doc->city_tax_e4), currency);
  add_pair (rows, TB_LAYOUT_ROW_TEXT, label, money, width);
  g_clear_pointer (&label, g_free);
  g_clear_pointer (&money, g_free);

  if (doc->paid_by != NULL && *doc->paid_by != '\0')
    {
      g_autofree char *paid_label = g_strconcat (C_("receipt", "Paid by"), ":", NULL);

      add_pair (rows, TB_LAYOUT_ROW_TEXT, paid_label, doc->paid_by, width);
    }

  /* Buyer (B2B receipts) */
  if (doc->receiver_type == TB_RECEIVER_COMPANY)
    {
      /* Translators: printed after the statutory Mongolian "Худалдан авагч"; in Mongolian
       * translate it as exactly "Худалдан авагч". */
      g_autofree char *buyer = statutory_label (MN_BUYER, C_("receipt", "Buyer"));
      g_autofree char *tin_label = statutory_label (MN_TIN, C_("receipt", "TIN"));

      add_separator (rows, '-', width);
      add_left (rows, TB_LAYOUT_ROW_TEXT, buyer, width);
      add_pair (rows, TB_LAYOUT_ROW_TEXT, tin_label, doc->buyer_tin, width);
      if (doc->buyer_name != NULL && *doc->buyer_name != '\0')
        {
          /* Translators: the buyer's name, printed after the statutory Mongolian "Нэр"; in
           * Mongolian translate it as exactly "Нэр". */
          g_autofree char *name_label = statutory_label (MN_NAME, C_("receipt", "Name"));

          add_pair (rows, TB_LAYOUT_ROW_TEXT, name_label, doc->buyer_name, width);
        }
    }

  /* Ebarimt */
  if ((doc->receipt_id != NULL && *doc->receipt_id != '\0') ||
      (doc->lottery != NULL && *doc->lottery != '\0'))
    add_separator (rows, '-', width);
  if (doc->receipt_id != NULL && *doc->receipt_id != '\0')
    {
      /* Translators: the Ebarimt receipt's state id, printed after the statutory Mongolian
       * "ДДТД"; in Mongolian translate it as exactly "ДДТД". */
      g_autofree char *id_label = statutory_label (MN_RECEIPT_ID, C_("receipt", "Receipt ID"));

      add_pair (rows, TB_LAYOUT_ROW_TEXT, id_label, doc->receipt_id, width);
    }
  if (doc->lottery != NULL && *doc->lottery != '\0')
    {
      /* Translators: the Ebarimt lottery number, printed after the statutory Mongolian
       * "Сугалаа"; in Mongolian translate it as exactly "Сугалаа". */
      g_autofree char *lottery_label = statutory_label (MN_LOTTERY, C_("receipt", "Lottery"));

      add_pair (rows, TB_LAYOUT_ROW_BOLD, lottery_label, doc->lottery, width);
    }

  add_blank (rows);
  if (doc->qr_data != NULL && *doc->qr_data != '\0')
    {
      g_autofree char *pad = spaces ((width - (guint) strlen (TB_RECEIPT_QR_PLACEHOLDER)) / 2);

      add_row (rows, TB_LAYOUT_ROW_QR, g_strconcat (pad, TB_RECEIPT_QR_PLACEHOLDER, NULL));
      add_blank (rows);
    }

  add_centred (rows, TB_LAYOUT_ROW_TEXT, C_("receipt", "Thank you!"), width);

  /* A copy says so at both ends, so a torn-off half cannot pass for the original. */
  if (doc->copy_number > 0)
    {
      add_blank (rows);
      add_copy_banner (rows, doc, width);
    }

  return g_steal_pointer (&rows);
}

GPtrArray *
tb_receipt_layout_lines (const TbReceiptDoc *doc,
                         guint               width)
{
  g_autoptr(GPtrArray) rows = NULL;
  GPtrArray *lines;

  g_return_val_if_fail (doc != NULL, NULL);
  g_return_val_if_fail (width >= TB_RECEIPT_COLUMNS_MIN && width <= TB_RECEIPT_COLUMNS_MAX, NULL);

  rows = _tb_receipt_layout_rows (doc, width);
  lines = g_ptr_array_new_full (rows->len, g_free);
  for (guint i = 0; i < rows->len; i++)
    {
      TbLayoutRow *row = g_ptr_array_index (rows, i);

      g_ptr_array_add (lines, g_steal_pointer (&row->text));
    }
  return lines;
}

char *
tb_receipt_layout_text (const TbReceiptDoc *doc,
                        guint               width)
{
  g_autoptr(GPtrArray) lines = NULL;
  GString *out;

  g_return_val_if_fail (doc != NULL, NULL);
  g_return_val_if_fail (width >= TB_RECEIPT_COLUMNS_MIN && width <= TB_RECEIPT_COLUMNS_MAX, NULL);

  lines = tb_receipt_layout_lines (doc, width);
  out = g_string_new (NULL);
  for (guint i = 0; i < lines->len; i++)
    {
      g_string_append (out, g_ptr_array_index (lines, i));
      g_string_append_c (out, '\n');
    }
  return g_string_free (out, FALSE);
}

guint
tb_receipt_text_columns (const char *text)
{
  guint cols = 0;

  g_return_val_if_fail (text != NULL, 0);

  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    cols += char_columns (g_utf8_get_char (p));
  return cols;
}
