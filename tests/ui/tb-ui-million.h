/* tb-ui-million.h: a ledger with a million bills, for the list performance test and bench
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* What was generated, so that tests can check counts exactly. */
typedef struct
{
  guint  n_bills;
  guint  n_customers;
  guint  n_open;          /* OPEN + PARTIAL: the window's default filter */
  guint  n_paid;
  guint  n_with_batbold;  /* bills whose customer's name starts with "Батболд" */
  guint  n_with_phone;    /* bills of the customer with phone TB_MILLION_PHONE */
  double seconds;
} TbMillionStats;

/* The one customer with this phone number. */
#define TB_MILLION_PHONE "99118800"

/* Creates the ledger at @path (migrations through tb_ledger_open), adds @n_customers customers
 * through the ledger API (so names, phones and TINs are keyed and sealed as in real use), then
 * inserts @n_bills bills straight through SQLite: one prepared INSERT in one transaction.
 * Bill ids are 1…n, newest last; the newest 300 were created today. */
gboolean tb_million_generate (const char      *path,
                              guint            n_bills,
                              guint            n_customers,
                              TbMillionStats  *stats,
                              GError         **error);

G_END_DECLS
