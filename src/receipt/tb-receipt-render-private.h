/* tb-receipt-render-private.h: what the renderer decided, for tests
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tb-receipt-render.h"

G_BEGIN_DECLS

/* Size of one QR module on @paper in points (0 when there is no QR), and the font size. */
double _tb_receipt_render_get_qr_module_pt (const TbReceiptDoc *doc,
                                            TbPaper             paper,
                                            double              width_pt);
double _tb_receipt_render_get_font_pt      (const TbReceiptDoc *doc,
                                            TbPaper             paper,
                                            double              width_pt);

G_END_DECLS
