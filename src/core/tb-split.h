/* tb-split.h: one payment split across methods (cash, card, a QR): what each part records
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "core/tb-bill.h"

G_BEGIN_DECLS

/* What is wrong with one part, so the form can say it next to that part's field. */
typedef enum
{
  TB_SPLIT_OK,
  TB_SPLIT_NOT_POSITIVE,  /* zero or less */
  TB_SPLIT_TOO_LARGE,     /* more than TB_MONEY_MAX */
  TB_SPLIT_OVER_DUE,      /* a part that gives no change (card, QR) is more than is due */
  TB_SPLIT_COVERED,       /* a change-giving part (cash) after the others already cover it all */
} TbSplitProblem;

typedef struct
{
  /* in */
  TbPaymentMethod method;
  gboolean        gives_change;   /* more than due may be handed over (cash) */
  gboolean        settles_itself; /* a QR: counts against what is due, never recorded here */
  gint64          typed;          /* what was typed; for cash, what was handed over */

  /* out */
  TbSplitProblem  problem;
  gint64          record;         /* what goes into the ledger (0 for a QR or a bad part) */
  gint64          change;         /* change to give back (change-giving parts only) */
} TbSplitPart;

typedef struct
{
  gint64   recorded;      /* sum of every part's record */
  gint64   qr;            /* sum of the QR parts */
  gint64   change;        /* sum of the change to give back */
  gint64   left;          /* still due after the recorded parts and the QRs (≥ 0) */
  guint    n_recordable;  /* parts that would be written now (not QRs, no problem) */
  gboolean over;          /* the parts that give no change are together more than is due */
} TbSplitResult;

/* Splits one payment of a bill that still owes @due (≥ 0). Parts that give no change are
 * taken first; what they and the QRs leave is what the change-giving parts record, the rest
 * of what was handed over being change. Fills each part's problem, record and change, and
 * @out. Returns TRUE when every part is usable and together they are not over what is due.
 * Pure arithmetic: no I/O, no locale, no allocation. */
gboolean  tb_split_compute  (gint64          due,
                             TbSplitPart    *parts,
                             guint           n_parts,
                             TbSplitResult  *out);

G_END_DECLS
