/* tb-ui-demo-ledger.c: a small, realistic ledger for screenshots and manual tries
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Usage: tb-ui-demo-ledger PATH   (PATH must not exist yet)
 * Prints the number of the bill worth showing (partly paid, several lines).
 */

#include "config.h"

#include <stdio.h>

#include "core/tb-ledger.h"
#include "core/tb-money.h"

typedef struct
{
  const char *description;
  const char *quantity;
  const char *price;
  gboolean    city_tax;
} Line;

static gint64
make_bill (TbLedger   *ledger,
           gint64      customer,
           const Line *lines,
           char      **out_number)
{
  g_autoptr(GError) error = NULL;
  gint64 bill_id = 0;

  if (!tb_ledger_create_bill (ledger, customer, NULL, &bill_id, out_number, &error))
    g_error ("%s", error->message);

  for (const Line *l = lines; l->description != NULL; l++)
    {
      TbLineInput input = { .description = l->description, .vat = TRUE, .city_tax = l->city_tax };

      if (!tb_quantity_parse (l->quantity, &input.quantity_milli, &error) ||
          !tb_money_parse (l->price, &input.unit_price, &error) ||
          !tb_ledger_add_line (ledger, bill_id, &input, NULL, &error))
        g_error ("%s", error->message);
    }

  return bill_id;
}

static void
pay (TbLedger        *ledger,
     gint64           bill_id,
     TbPaymentMethod  method,
     const char      *amount,
     const char      *tendered)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *key = g_uuid_string_random ();
  TbSettleRequest request = { .bill_id = bill_id, .method = method, .provider_txn_id = key };
  TbSettleResult result;

  if (!tb_money_parse (amount, &request.amount, &error) ||
      (tendered != NULL && !tb_money_parse (tendered, &request.tendered, &error)) ||
      !tb_ledger_settle (ledger, &request, &result, &error))
    g_error ("%s", error->message);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(TbLedger) ledger = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *show = NULL;
  gint64 bat = 0, sarnai = 0, anna = 0, company = 0, dorj = 0, john = 0;
  gint64 id;
  static const Line consult[] = {
    { "Анхан үзлэг", "1", "25000", FALSE },
    { NULL }
  };
  static const Line xray[] = {
    { "Рентген зураг", "1", "45000", FALSE },
    { "Эмчийн зөвлөгөө", "1", "15000", FALSE },
    { NULL }
  };
  static const Line checkup[] = {
    { "Dental check-up", "1", "30000", FALSE },
    { "Teeth cleaning", "1", "60000", FALSE },
    { NULL }
  };
  static const Line lab[] = {
    { "Цусны ерөнхий шинжилгээ", "1", "18000", FALSE },
    { "Шээсний шинжилгээ", "1", "9000", FALSE },
    { "Боолт", "3", "1500", TRUE },
    { "Эмчийн зөвлөгөө", "1", "15000", FALSE },
    { NULL }
  };
  static const Line company_lines[] = {
    { "Урьдчилан сэргийлэх үзлэг (ажилтан)", "12", "35000", FALSE },
    { NULL }
  };
  static const Line pharmacy[] = {
    { "Парацетамол 500 мг", "2", "3500", TRUE },
    { "Витамин C", "1", "12000", TRUE },
    { NULL }
  };
  static const Line followup[] = {
    { "Follow-up visit", "1", "20000", FALSE },
    { NULL }
  };

  if (argc != 2)
    {
      g_printerr ("Usage: %s PATH\n", argv[0]);
      return 2;
    }

  ledger = tb_ledger_open (argv[1], &error);
  if (ledger == NULL)
    g_error ("%s", error->message);

  if (!tb_ledger_add_customer (ledger, "Батболд Ганбаатар", "99112233", NULL, &bat, &error) ||
      !tb_ledger_add_customer (ledger, "Сарнай Дорж", "88123456", NULL, &sarnai, &error) ||
      !tb_ledger_add_customer (ledger, "Anna Smith", "95001122", NULL, &anna, &error) ||
      !tb_ledger_add_customer (ledger, "Наран Трейд ХХК", NULL, "5317878", &company, &error) ||
      !tb_ledger_add_customer (ledger, "Дорж Пүрэв", "99887766", NULL, &dorj, &error) ||
      !tb_ledger_add_customer (ledger, "John Miller", NULL, NULL, &john, &error))
    g_error ("%s", error->message);

  id = make_bill (ledger, bat, consult, NULL);
  pay (ledger, id, TB_METHOD_CASH, "25000", "30000");
  id = make_bill (ledger, anna, checkup, NULL);
  pay (ledger, id, TB_METHOD_CARD, "90000", NULL);
  id = make_bill (ledger, company, company_lines, NULL);
  id = make_bill (ledger, 0, pharmacy, NULL);
  pay (ledger, id, TB_METHOD_CASH, "19000", "20000");
  id = make_bill (ledger, dorj, xray, NULL);
  id = make_bill (ledger, john, followup, NULL);
  id = make_bill (ledger, sarnai, lab, &show);
  pay (ledger, id, TB_METHOD_CARD, "20000", NULL);
  make_bill (ledger, 0, consult, NULL);

  printf ("%s\n", show);

  return 0;
}
