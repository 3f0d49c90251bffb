/* tb-window.h: the main window: bill list on the left, the selected bill on the right
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "core/tb-ledger.h"
#include "tb-qpay-setup.h"

G_BEGIN_DECLS

#define TB_TYPE_WINDOW (tb_window_get_type ())

G_DECLARE_FINAL_TYPE (TbWindow, tb_window, TB, WINDOW, AdwApplicationWindow)

/* @ledger may be NULL: the window then shows why with tb_window_show_ledger_error().
 * @settings (schema io.github.tulbur.Tulbur) may be NULL: nothing is remembered. */
TbWindow   *tb_window_new                (GtkApplication *application,
                                          TbLedger       *ledger,
                                          GSettings      *settings);
TbLedger   *tb_window_get_ledger         (TbWindow       *self);
/* Shows the ledger could not be opened: a status page and an AdwMessageDialog. */
void        tb_window_show_ledger_error  (TbWindow       *self,
                                          const GError   *error);
/* Opens a bill on the right (and selects it in the list when it is there). */
gboolean    tb_window_open_bill          (TbWindow       *self,
                                          gint64          bill_id);
/* Reads the list again (after a write from elsewhere: CLI, another desk). */
void        tb_window_reload             (TbWindow       *self);
void        tb_window_add_toast          (TbWindow       *self,
                                          const char     *text);
/* "open", "paid", "all" or "today". */
const char *tb_window_get_filter         (TbWindow       *self);
void        tb_window_set_filter         (TbWindow       *self,
                                          const char     *filter);
/* The bill list's model (a GtkSingleSelection over a TbBillListModel). */
GtkSelectionModel *tb_window_get_selection (TbWindow     *self);
/* QPay: the demo strip, Generate QR, pending QRs, and reacting to settlements (list, bill,
 * toast "Paid by QPay: 12 500 ₮"). A window made for a TbApplication takes the app's setup
 * itself; others (tests) may set one. NULL: QPay shows as not configured. */
void        tb_window_set_qpay_setup     (TbWindow       *self,
                                          TbQpaySetup    *setup);
TbQpaySetup *tb_window_get_qpay_setup    (TbWindow       *self);
/* The bill page, or NULL before the first bill was opened. */
GtkWidget  *tb_window_get_bill_page      (TbWindow       *self);

G_END_DECLS
