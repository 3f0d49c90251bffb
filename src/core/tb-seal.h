/* tb-seal.h: sealing personal data (phone, TIN, Ebarimt receiver) at rest
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A 64-byte key (32 for AES-256-GCM, 32 for HMAC-SHA-256) kept in a 0600 file beside the
 * database, never inside it: a copied or leaked ledger file alone reveals no phone numbers or
 * register numbers. Sealed blobs are: version byte 1 | 12-byte nonce | ciphertext | 16-byte tag.
 * The keyed hash lets the ledger find a customer by exact phone without storing it. */

typedef struct _TbSeal TbSeal;

TbSeal   *tb_seal_open     (const char    *key_path,
                            GError       **error);
void      tb_seal_free     (TbSeal        *self);
GBytes   *tb_seal_encrypt  (TbSeal        *self,
                            const char    *plaintext);
/* NULL + error when the blob was not sealed with this key or was tampered with. */
char     *tb_seal_decrypt  (TbSeal        *self,
                            const guint8  *data,
                            gsize          len,
                            GError       **error);
/* Lower-case hex HMAC-SHA-256 of @text under the hash key. */
char     *tb_seal_hash     (TbSeal        *self,
                            const char    *text);

/* Normalizations used before hashing: digits only for phones ("9911-2233" → "99112233"),
 * upper-case without white space for register numbers. NULL when nothing is left. */
char     *tb_seal_normalize_phone    (const char *phone);
char     *tb_seal_normalize_register (const char *register_no);
/* "99****33": for every place but the bill page. */
char     *tb_seal_mask     (const char    *text);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TbSeal, tb_seal_free)

G_END_DECLS
