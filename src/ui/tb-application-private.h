/* tb-application-private.h: what tb-application.c shares with tb-application-actions.c
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tb-application.h"

G_BEGIN_DECLS

void _tb_application_add_actions (TbApplication *self);

G_END_DECLS
