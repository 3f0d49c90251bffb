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

/* Reads the key at @key_path, or creates it when there is none (tests; the ledger decides
 * itself, tb-ledger-key.c). */
TbSeal   *tb_seal_open     (const char    *key_path,
                            GError       **error);
/* Reads an existing key: TB_LEDGER_ERROR_KEY_MISSING when there is no file, OPEN when it is
 * damaged (not exactly 64 bytes, not a regular file) or readable by group or others. */
TbSeal   *tb_seal_load     (const char    *key_path,
                            GError       **error);
/* A new random key written atomically (0600); when another process wrote one first, that one. */
TbSeal   *tb_seal_create   (const char    *key_path,
                            GError       **error);
/* Writes this key to @key_path atomically (0600) only when no file is there (else STATE). */
gboolean  tb_seal_save     (TbSeal        *self,
                            const char    *key_path,
                            GError       **error);
gboolean  tb_seal_equal    (TbSeal        *a,
                            TbSeal        *b);
/* Hex HMAC-SHA-256 of a fixed label under the key: safe to store beside the data. */
char     *tb_seal_fingerprint (TbSeal     *self);
/* The printable recovery key (base32 with a checksum, groups of four) and back; a typo is
 * TB_LEDGER_ERROR_INVALID. */
char     *tb_seal_to_recovery   (TbSeal     *self);
TbSeal   *tb_seal_from_recovery (const char *text,
                                 GError    **error);
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
