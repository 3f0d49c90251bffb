/* tb-error-advice.h: what staff should do next after an error, for every domain
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* One translated sentence saying what to do next, chosen from the error's real cause:
 * TB_LEDGER_ERROR and TB_MONEY_ERROR (the ledger), TB_QPAY_ERROR (by QPay's key first, then
 * by code), TB_SERVICE_ERROR, G_IO_ERROR, G_RESOLVER_ERROR, G_TLS_ERROR and
 * SOUP_SESSION_ERROR. An offline cancel therefore never says "the bill changed", and a QPay
 * refusal never says "check the disk". Errors of other domains (and NULL) get a general
 * sentence. GTK-free: the app's dialogs and tulbur-cli both use it. */
const char *tb_error_advice     (const GError *error);
/* Whether tb_error_advice() knows @error's domain (FALSE: only the general sentence). */
gboolean    tb_error_has_advice (const GError *error);

G_END_DECLS
