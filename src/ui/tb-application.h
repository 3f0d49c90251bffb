/* tb-application.h: the app: opens the ledger, holds settings, makes windows
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "core/tb-ledger.h"

G_BEGIN_DECLS

#define TB_TYPE_APPLICATION (tb_application_get_type ())

G_DECLARE_FINAL_TYPE (TbApplication, tb_application, TB, APPLICATION, AdwApplication)

TbApplication *tb_application_new                (void);
/* The ledger opened at startup (tb_ledger_default_path(), so TULBUR_DB is honoured), or
 * NULL when it could not be opened: then tb_application_get_ledger_error() says why. */
TbLedger      *tb_application_get_ledger         (TbApplication *self);
const GError  *tb_application_get_ledger_error   (TbApplication *self);
/* NULL when the settings schema is not installed. */
GSettings     *tb_application_get_settings       (TbApplication *self);

G_END_DECLS
