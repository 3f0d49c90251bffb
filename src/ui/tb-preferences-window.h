/* tb-preferences-window.h: business details and defaults, kept in GSettings
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "tb-qpay-setup.h"

G_BEGIN_DECLS

#define TB_TYPE_PREFERENCES_WINDOW (tb_preferences_window_get_type ())

G_DECLARE_FINAL_TYPE (TbPreferencesWindow, tb_preferences_window, TB, PREFERENCES_WINDOW, AdwPreferencesWindow)

/* @settings may be NULL (schema not installed): the rows are then shown but disabled. */
GtkWidget *tb_preferences_window_new      (GtkWindow   *parent,
                                           GSettings   *settings);
/* With @qpay (nullable) the window also has the QPay page (named "qpay"), after "General". */
GtkWidget *tb_preferences_window_new_full (GtkWindow   *parent,
                                           GSettings   *settings,
                                           TbQpaySetup *qpay);

/* Later features (QPay, Ebarimt) add their own page: write a function of this type in
 * their own file and add it to page_builders[] in tb-preferences-window.c. */
typedef AdwPreferencesPage *(*TbPreferencesPageBuilder) (GSettings *settings);

G_END_DECLS
