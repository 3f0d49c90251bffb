/* tb-receipt-doc.c: the receipt model
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "core/tb-money.h"
#include "core/tb-rules.h"
#include "core/tb-seal.h"
#include "tb-qr.h"
#include "tb-receipt-doc.h"

G_DEFINE_QUARK (tb-receipt-doc-error-quark, tb_receipt_doc_error)
G_DEFINE_BOXED_TYPE (TbReceiptDoc, tb_receipt_doc, tb_receipt_doc_copy, tb_receipt_doc_free)

/* Longest text we accept in one field. Far above anything real; it only keeps a corrupted
 * value from producing a receipt metres long. */
#define MAX_FIELD_BYTES 1024
#define MAX_LOTTERY_BYTES 32

static gboolean
is_digits (const char *text,
           gsize       min_len,
           gsize       max_len)
{
  gsize len = strlen (text);

  if (len < min_len || len > max_len)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    {
      if (!g_ascii_isdigit (text[i]))
        return FALSE;
    }
  return TRUE;
}

/* Overwrites personal data (a buyer's TIN) before it is freed. */
static void
free_secret (char *text)
{
  if (text != NULL)
    memset (text, 0, strlen (text));
  g_free (text);
}

/* NULL and "" both mean "not there", for the layout too. */
static gboolean
is_empty (const char *text)
{
  return text == NULL || *text == '\0';
}

static gboolean
is_blank (const char *text)
{
  for (const char *p = text; p != NULL && *p != '\0'; p++)
    {
      if (!g_ascii_isspace (*p))
        return FALSE;
    }
  return TRUE;
}

static gboolean
check_text (const char  *text,
            const char  *field_label,
            GError     **error)
{
  if (text == NULL)
    return TRUE;

  if (!g_utf8_validate (text, -1, NULL) || strlen (text) > MAX_FIELD_BYTES)
    {
      /* Translators: %s names a receipt field, such as "merchant name". */
      g_set_error (error, TB_RECEIPT_DOC_ERROR, TB_RECEIPT_DOC_ERROR_INVALID,
                   _("The receipt field “%s” is not valid text or is too long."), field_label);
      return FALSE;
    }
  return TRUE;
}

/* The one TIN rule (tb-rules.h), reported as a receipt error that names the field. */
static gboolean
check_tin (const char  *tin,
           gboolean     required,
           const char  *field_label,
           GError     **error)
{
  g_autoptr(GError) rule_error = NULL;
  g_autofree char *normalized = NULL;

  if (tb_rules_tin (tin, required, &normalized, &rule_error))
    {
      if (normalized != NULL)
        memset (normalized, 0, strlen (normalized));
      return TRUE;
    }

  /* Translators: %s names a receipt field, such as "buyer TIN"; then why it is wrong. */
  g_set_error (error, TB_RECEIPT_DOC_ERROR, TB_RECEIPT_DOC_ERROR_INVALID,
               _("The receipt field “%s” is wrong: %s"), field_label, rule_error->message);
  return FALSE;
}

static gboolean
check_money (gint64       value,
             const char  *field_label,
             GError     **error)
{
  if (value > TB_MONEY_MAX || value < -TB_MONEY_MAX)
    {
      /* Translators: %s names a receipt field, such as "total". */
      g_set_error (error, TB_RECEIPT_DOC_ERROR, TB_RECEIPT_DOC_ERROR_INVALID,
                   _("The receipt field “%s” is out of range."), field_label);
      return FALSE;
    }
  return TRUE;
}

void
tb_receipt_doc_line_free (TbReceiptDocLine *line)
{
  if (line == NULL)
    return;
  g_free (line->description);
  g_free (line);
}

TbReceiptDoc *
tb_receipt_doc_new (void)
{
  TbReceiptDoc *doc = g_new0 (TbReceiptDoc, 1);

  doc->lines = g_ptr_array_new_with_free_func ((GDestroyNotify) tb_receipt_doc_line_free);
  doc->receiver_type = TB_RECEIVER_CITIZEN;
  return doc;
}

TbReceiptDoc *
tb_receipt_doc_copy (const TbReceiptDoc *doc)
{
  TbReceiptDoc *copy;

  g_return_val_if_fail (doc != NULL, NULL);

  copy = tb_receipt_doc_new ();
  copy->merchant_name = g_strdup (doc->merchant_name);
  copy->merchant_tin = g_strdup (doc->merchant_tin);
  copy->merchant_address = g_strdup (doc->merchant_address);
  copy->bill_number = g_strdup (doc->bill_number);
  copy->date_us = doc->date_us;
  copy->currency = g_strdup (doc->currency);
  copy->total = doc->total;
  copy->vat_e4 = doc->vat_e4;
  copy->city_tax_e4 = doc->city_tax_e4;
  copy->paid_by = g_strdup (doc->paid_by);
  copy->receipt_id = g_strdup (doc->receipt_id);
  copy->lottery = g_strdup (doc->lottery);
  copy->receiver_type = doc->receiver_type;
  copy->buyer_tin = g_strdup (doc->buyer_tin);
  copy->buyer_name = g_strdup (doc->buyer_name);
  copy->qr_data = g_strdup (doc->qr_data);
  copy->copy_number = doc->copy_number;

  for (guint i = 0; doc->lines != NULL && i < doc->lines->len; i++)
    {
      const TbReceiptDocLine *line = g_ptr_array_index (doc->lines, i);

      tb_receipt_doc_add_line (copy, line->description, line->quantity_milli,
                               line->unit_price, line->amount);
    }

  return copy;
}

void
tb_receipt_doc_free (TbReceiptDoc *doc)
{
  if (doc == NULL)
    return;

  g_free (doc->merchant_name);
  g_free (doc->merchant_tin);
  g_free (doc->merchant_address);
  g_free (doc->bill_number);
  g_free (doc->currency);
  g_clear_pointer (&doc->lines, g_ptr_array_unref);
  g_free (doc->paid_by);
  g_free (doc->receipt_id);
  g_free (doc->lottery);
  free_secret (doc->buyer_tin);
  g_free (doc->buyer_name);
  /* The QR data is the receipt's proof: do not leave it in freed memory (docs/qpay.md, "Ebarimt 3.0 receipts"). */
  if (doc->qr_data != NULL)
    {
      memset (doc->qr_data, 0, strlen (doc->qr_data));
      g_free (doc->qr_data);
    }
  g_free (doc);
}

void
tb_receipt_doc_add_line (TbReceiptDoc *doc,
                         const char   *description,
                         gint64        quantity_milli,
                         gint64        unit_price,
                         gint64        amount)
{
  TbReceiptDocLine *line;

  g_return_if_fail (doc != NULL);

  if (doc->lines == NULL)
    doc->lines = g_ptr_array_new_with_free_func ((GDestroyNotify) tb_receipt_doc_line_free);

  line = g_new0 (TbReceiptDocLine, 1);
  line->description = g_strdup (description);
  line->quantity_milli = quantity_milli;
  line->unit_price = unit_price;
  line->amount = amount;
  g_ptr_array_add (doc->lines, line);
}

TbReceiptDoc *
tb_receipt_doc_new_from_bill (const TbBill *bill)
{
  g_autoptr(TbReceiptDoc) doc = NULL;
  g_autoptr(GString) paid_by = NULL;
  gint64 last_payment_us = 0;
  guint methods_seen = 0;

  g_return_val_if_fail (bill != NULL, NULL);

  doc = tb_receipt_doc_new ();
  doc->bill_number = g_strdup (bill->number);
  doc->currency = g_strdup (bill->currency);
  doc->total = bill->total;
  doc->vat_e4 = bill->vat_e4;
  doc->city_tax_e4 = bill->city_tax_e4;
  doc->buyer_name = g_strdup (bill->customer_name);

  for (guint i = 0; bill->lines != NULL && i < bill->lines->len; i++)
    {
      const TbBillLine *line = g_ptr_array_index (bill->lines, i);

      tb_receipt_doc_add_line (doc, line->description, line->quantity_milli,
                               line->unit_price, line->amount);
    }

  /* "Paid by" lists each method that brought money in, once, in the order used. */
  paid_by = g_string_new (NULL);
  for (guint i = 0; bill->payments != NULL && i < bill->payments->len; i++)
    {
      const TbPayment *payment = g_ptr_array_index (bill->payments, i);

      if (payment->amount <= 0)
        continue;
      last_payment_us = MAX (last_payment_us, payment->created_us);
      if ((methods_seen & (1u << payment->method)) != 0)
        continue;
      methods_seen |= 1u << payment->method;
      if (paid_by->len > 0)
        g_string_append (paid_by, ", ");
      g_string_append (paid_by, tb_payment_method_to_label (payment->method));
    }
  if (paid_by->len > 0)
    doc->paid_by = g_string_free (g_steal_pointer (&paid_by), FALSE);

  doc->date_us = last_payment_us != 0 ? last_payment_us : bill->updated_us;

  return g_steal_pointer (&doc);
}

void
tb_receipt_doc_apply_ebarimt (TbReceiptDoc    *doc,
                              const TbReceipt *receipt)
{
  TbReceiverType type;

  g_return_if_fail (doc != NULL);
  g_return_if_fail (receipt != NULL);

  g_free (doc->receipt_id);
  doc->receipt_id = g_strdup (receipt->receipt_id);
  g_free (doc->lottery);
  doc->lottery = g_strdup (receipt->lottery);
  g_free (doc->qr_data);
  doc->qr_data = g_strdup (receipt->qr_data);

  /* The TIN the tax authority registered the sale under is the one to print. */
  if (receipt->merchant_tin != NULL && *receipt->merchant_tin != '\0')
    {
      g_free (doc->merchant_tin);
      doc->merchant_tin = g_strdup (receipt->merchant_tin);
    }

  if (tb_receiver_type_from_string (receipt->receiver_type, &type))
    doc->receiver_type = type;
  if (doc->receiver_type == TB_RECEIVER_COMPANY && receipt->receiver != NULL)
    {
      g_free (doc->buyer_tin);
      doc->buyer_tin = g_strdup (receipt->receiver);
    }

  /* A receipt covers one payment, which may be part of the bill: print what was registered. */
  if (receipt->amount > 0)
    {
      doc->total = receipt->amount;
      doc->vat_e4 = receipt->vat_e4;
      doc->city_tax_e4 = receipt->city_tax_e4;
    }
  if (receipt->registered_us != 0)
    doc->date_us = receipt->registered_us;

  g_free (doc->paid_by);
  doc->paid_by = g_strdup ("QPay");
}

static void
mask_buyer_tin (TbReceiptDoc *doc)
{
  char *masked;

  if (doc->buyer_tin == NULL)
    return;
  masked = tb_seal_mask (doc->buyer_tin);
  free_secret (doc->buyer_tin);
  doc->buyer_tin = masked;
}

static gboolean
apply_registration (TbReceiptDoc     *doc,
                    TbLedger         *ledger,
                    const TbReceipt  *receipt,
                    GError          **error)
{
  g_autoptr(TbReceipt) full = NULL;

  if (g_strcmp0 (receipt->receiver_type, "COMPANY") != 0)
    {
      tb_receipt_doc_apply_ebarimt (doc, receipt);
      return TRUE;
    }

  /* The buyer's TIN is read only for a company receipt, where it is printed. */
  full = tb_ledger_get_receipt (ledger, receipt->id, TRUE, error);
  if (full == NULL)
    return FALSE;
  tb_receipt_doc_apply_ebarimt (doc, full);
  g_clear_pointer (&full->receiver, free_secret);
  return TRUE;
}

TbReceiptDoc *
tb_receipt_doc_build (TbLedger                *ledger,
                      gint64                   receipt_id,
                      const TbReceiptMerchant *merchant,
                      gboolean                 mask_buyer,
                      GError                 **error)
{
  g_autoptr(TbReceipt) receipt = NULL;
  g_autoptr(TbBill) bill = NULL;
  g_autoptr(TbReceiptDoc) doc = NULL;

  g_return_val_if_fail (TB_IS_LEDGER (ledger), NULL);
  g_return_val_if_fail (merchant != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!(receipt = tb_ledger_get_receipt (ledger, receipt_id, FALSE, error)))
    return NULL;
  if (receipt->state != TB_RECEIPT_REGISTERED)
    {
      g_set_error_literal (error, TB_RECEIPT_DOC_ERROR, TB_RECEIPT_DOC_ERROR_INVALID,
                           _("This e-receipt is not registered with the tax office, so there is nothing to print yet."));
      return NULL;
    }
  if (!(bill = tb_ledger_get_bill (ledger, receipt->bill_id, error)))
    return NULL;

  doc = tb_receipt_doc_new_from_bill (bill);
  doc->merchant_name = g_strdup (merchant->name);
  doc->merchant_address = g_strdup (merchant->address);
  /* Before the registration: the TIN the tax office registered the sale under wins. */
  doc->merchant_tin = g_strdup (merchant->tin);

  if (!apply_registration (doc, ledger, receipt, error))
    return NULL;
  if (mask_buyer)
    mask_buyer_tin (doc);
  doc->copy_number = 0;

  return g_steal_pointer (&doc);
}

guint
tb_receipt_copy_number (int print_number)
{
  return print_number > 1 ? (guint) print_number : 0;
}

gboolean
tb_receipt_doc_validate (const TbReceiptDoc *doc,
                         GError            **error)
{
  g_return_val_if_fail (doc != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (is_blank (doc->merchant_name))
    {
      g_set_error_literal (error, TB_RECEIPT_DOC_ERROR, TB_RECEIPT_DOC_ERROR_INVALID,
                           _("The merchant name is not set. Enter it in Preferences."));
      return FALSE;
    }

  if (!check_text (doc->merchant_name, C_("receipt field", "merchant name"), error) ||
      !check_text (doc->merchant_address, C_("receipt field", "merchant address"), error) ||
      !check_text (doc->bill_number, C_("receipt field", "bill number"), error) ||
      !check_text (doc->currency, C_("receipt field", "currency"), error) ||
      !check_text (doc->paid_by, C_("receipt field", "payment method"), error) ||
      !check_text (doc->buyer_name, C_("receipt field", "buyer name"), error))
    return FALSE;

  if (!check_tin (doc->merchant_tin, FALSE, C_("receipt field", "merchant TIN"), error))
    return FALSE;

  if (!is_empty (doc->receipt_id) &&
      !is_digits (doc->receipt_id, TB_RECEIPT_ID_LENGTH, TB_RECEIPT_ID_LENGTH))
    {
      g_set_error (error, TB_RECEIPT_DOC_ERROR, TB_RECEIPT_DOC_ERROR_INVALID,
                   _("The receipt ID (ДДТД) must be exactly %d digits."), TB_RECEIPT_ID_LENGTH);
      return FALSE;
    }

  if (!check_text (doc->lottery, C_("receipt field", "lottery number"), error))
    return FALSE;
  if (doc->lottery != NULL && strlen (doc->lottery) > MAX_LOTTERY_BYTES)
    {
      g_set_error_literal (error, TB_RECEIPT_DOC_ERROR, TB_RECEIPT_DOC_ERROR_INVALID,
                           _("The lottery number is too long."));
      return FALSE;
    }

  if (doc->receiver_type != TB_RECEIVER_CITIZEN && doc->receiver_type != TB_RECEIVER_COMPANY)
    {
      g_set_error_literal (error, TB_RECEIPT_DOC_ERROR, TB_RECEIPT_DOC_ERROR_INVALID,
                           _("The receipt’s receiver type is unknown."));
      return FALSE;
    }

  if (doc->receiver_type == TB_RECEIVER_COMPANY &&
      !check_tin (doc->buyer_tin, TRUE, C_("receipt field", "buyer TIN"), error))
    return FALSE;

  if (doc->copy_number > TB_RECEIPT_MAX_COPY)
    {
      g_set_error (error, TB_RECEIPT_DOC_ERROR, TB_RECEIPT_DOC_ERROR_INVALID,
                   _("A receipt can be reprinted at most %d times."), TB_RECEIPT_MAX_COPY);
      return FALSE;
    }

  if (!check_money (doc->total, C_("receipt field", "total"), error) ||
      !check_money (doc->vat_e4 / 100, C_("receipt field", "VAT"), error) ||
      !check_money (doc->city_tax_e4 / 100, C_("receipt field", "city tax"), error))
    return FALSE;

  for (guint i = 0; doc->lines != NULL && i < doc->lines->len; i++)
    {
      const TbReceiptDocLine *line = g_ptr_array_index (doc->lines, i);

      if (!check_text (line->description, C_("receipt field", "line description"), error) ||
          !check_money (line->unit_price, C_("receipt field", "unit price"), error) ||
          !check_money (line->amount, C_("receipt field", "line amount"), error) ||
          !check_money (line->quantity_milli, C_("receipt field", "quantity"), error))
        return FALSE;
    }

  if (!is_empty (doc->qr_data))
    {
      g_autoptr(TbQrMatrix) matrix = NULL;
      g_autoptr(GError) local_error = NULL;

      if (!g_utf8_validate (doc->qr_data, -1, NULL))
        {
          g_set_error_literal (error, TB_RECEIPT_DOC_ERROR, TB_RECEIPT_DOC_ERROR_QR,
                               _("The receipt’s QR data is not valid text."));
          return FALSE;
        }

      matrix = tb_qr_encode (doc->qr_data, &local_error);
      if (matrix == NULL)
        {
          /* Translators: %s says why the QR code could not be made. */
          g_set_error (error, TB_RECEIPT_DOC_ERROR, TB_RECEIPT_DOC_ERROR_QR,
                       _("The receipt’s QR code cannot be made: %s"), local_error->message);
          return FALSE;
        }
    }

  return TRUE;
}

const char *
tb_receiver_type_to_string (TbReceiverType type)
{
  switch (type)
    {
    case TB_RECEIVER_CITIZEN:
      return "CITIZEN";
    case TB_RECEIVER_COMPANY:
      return "COMPANY";
    default:
      g_return_val_if_reached (NULL);
    }
}

gboolean
tb_receiver_type_from_string (const char     *text,
                              TbReceiverType *out)
{
  if (text == NULL)
    return FALSE;
  if (g_ascii_strcasecmp (text, "CITIZEN") == 0)
    {
      *out = TB_RECEIVER_CITIZEN;
      return TRUE;
    }
  if (g_ascii_strcasecmp (text, "COMPANY") == 0)
    {
      *out = TB_RECEIVER_COMPANY;
      return TRUE;
    }
  return FALSE;
}
