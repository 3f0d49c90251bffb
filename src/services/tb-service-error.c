/* tb-service-error.c
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "tb-service-error.h"

G_DEFINE_QUARK (tb-service-error-quark, tb_service_error)
