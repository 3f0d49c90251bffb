/* tb-seal.c: AES-256-GCM sealing and keyed hashes for personal data
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <string.h>
#include <unistd.h>

#include "tb-ledger.h"
#include "tb-seal.h"

#define KEY_BYTES   64
#define NONCE_BYTES 12
#define TAG_BYTES   16

struct _TbSeal
{
  guint8 key[KEY_BYTES];
};

static gboolean
read_key (const char  *path,
          guint8      *key,
          GError     **error)
{
  g_autofree char *contents = NULL;
  gsize len = 0;

  if (!g_file_get_contents (path, &contents, &len, error))
    return FALSE;

  if (len != KEY_BYTES)
    {
      OPENSSL_cleanse (contents, len);
      g_set_error (error, TB_LEDGER_ERROR, TB_LEDGER_ERROR_OPEN,
                   _("The ledger key file “%s” is damaged."), path);
      return FALSE;
    }

  memcpy (key, contents, KEY_BYTES);
  OPENSSL_cleanse (contents, len);
  return TRUE;
}

static gboolean
write_all (int           fd,
           const guint8 *data,
           gsize         len)
{
  gsize written = 0;

  while (written < len)
    {
      gssize n = write (fd, data + written, len - written);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return FALSE;
      written += (gsize) n;
    }
  return fsync (fd) == 0;
}

static gboolean
create_key (const char  *path,
            guint8      *key,
            GError     **error)
{
  g_autofree char *tmp = g_strconcat (path, ".new-XXXXXX", NULL);
  int saved = 0;
  int fd;

  if (RAND_bytes (key, KEY_BYTES) != 1)
    {
      g_set_error_literal (error, TB_LEDGER_ERROR, TB_LEDGER_ERROR_OPEN,
                           _("Could not create a key for the ledger."));
      return FALSE;
    }

  /* Written in full under a temporary name, then linked into place: neither a crash nor a second
   * process starting at the same moment can ever see a half-written key. link() refuses to
   * replace a key another process put there first (EEXIST): then that key is the one. */
  fd = g_mkstemp_full (tmp, O_WRONLY | O_CLOEXEC, 0600);
  if (fd < 0)
    saved = errno;
  else if (!write_all (fd, key, KEY_BYTES))
    saved = errno != 0 ? errno : EIO;
  if (fd >= 0 && close (fd) != 0 && saved == 0)
    saved = errno;
  if (saved == 0 && link (tmp, path) != 0)
    saved = errno;
  if (fd >= 0)
    g_unlink (tmp);

  if (saved == EEXIST)
    return read_key (path, key, error);
  if (saved != 0)
    {
      g_set_error (error, TB_LEDGER_ERROR, TB_LEDGER_ERROR_OPEN,
                   _("Could not write the ledger key file “%s”: %s"), path, g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}

TbSeal *
tb_seal_open (const char  *key_path,
              GError     **error)
{
  g_autofree TbSeal *self = g_new0 (TbSeal, 1);

  g_return_val_if_fail (key_path != NULL, NULL);

  if (g_file_test (key_path, G_FILE_TEST_EXISTS))
    {
      if (!read_key (key_path, self->key, error))
        return NULL;
    }
  else if (!create_key (key_path, self->key, error))
    return NULL;

  return g_steal_pointer (&self);
}

void
tb_seal_free (TbSeal *self)
{
  if (self == NULL)
    return;
  OPENSSL_cleanse (self->key, sizeof self->key);
  g_free (self);
}

GBytes *
tb_seal_encrypt (TbSeal     *self,
                 const char *plaintext)
{
  gsize len = strlen (plaintext);
  g_autofree guint8 *out = g_malloc (1 + NONCE_BYTES + len + TAG_BYTES);
  EVP_CIPHER_CTX *ctx;
  int n = 0;
  int ok;

  g_return_val_if_fail (self != NULL, NULL);

  out[0] = 1;
  if (RAND_bytes (out + 1, NONCE_BYTES) != 1)
    return NULL;

  ctx = EVP_CIPHER_CTX_new ();
  ok = ctx != NULL
       && EVP_EncryptInit_ex (ctx, EVP_aes_256_gcm (), NULL, self->key, out + 1) == 1
       && EVP_EncryptUpdate (ctx, out + 1 + NONCE_BYTES, &n, (const guint8 *) plaintext, (int) len) == 1
       && EVP_EncryptFinal_ex (ctx, out + 1 + NONCE_BYTES + n, &n) == 1
       && EVP_CIPHER_CTX_ctrl (ctx, EVP_CTRL_GCM_GET_TAG, TAG_BYTES, out + 1 + NONCE_BYTES + len) == 1;
  EVP_CIPHER_CTX_free (ctx);

  if (!ok)
    return NULL;

  return g_bytes_new_take (g_steal_pointer (&out), 1 + NONCE_BYTES + len + TAG_BYTES);
}

char *
tb_seal_decrypt (TbSeal        *self,
                 const guint8  *data,
                 gsize          len,
                 GError       **error)
{
  g_autofree char *out = NULL;
  gsize text_len;
  EVP_CIPHER_CTX *ctx;
  int n = 0;
  int ok;

  g_return_val_if_fail (self != NULL, NULL);

  if (data == NULL || len < 1 + NONCE_BYTES + TAG_BYTES || data[0] != 1)
    {
      g_set_error_literal (error, TB_LEDGER_ERROR, TB_LEDGER_ERROR_FAILED,
                           _("Stored personal data cannot be read with this ledger key."));
      return NULL;
    }

  text_len = len - 1 - NONCE_BYTES - TAG_BYTES;
  out = g_malloc0 (text_len + 1);

  ctx = EVP_CIPHER_CTX_new ();
  ok = ctx != NULL
       && EVP_DecryptInit_ex (ctx, EVP_aes_256_gcm (), NULL, self->key, data + 1) == 1
       && EVP_DecryptUpdate (ctx, (guint8 *) out, &n, data + 1 + NONCE_BYTES, (int) text_len) == 1
       && EVP_CIPHER_CTX_ctrl (ctx, EVP_CTRL_GCM_SET_TAG, TAG_BYTES,
                               (void *) (data + 1 + NONCE_BYTES + text_len)) == 1
       && EVP_DecryptFinal_ex (ctx, (guint8 *) out + n, &n) == 1;
  EVP_CIPHER_CTX_free (ctx);

  if (!ok || !g_utf8_validate (out, text_len, NULL))
    {
      g_set_error_literal (error, TB_LEDGER_ERROR, TB_LEDGER_ERROR_FAILED,
                           _("Stored personal data cannot be read with this ledger key."));
      return NULL;
    }

  return g_steal_pointer (&out);
}

char *
tb_seal_hash (TbSeal     *self,
              const char *text)
{
  guint8 mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  GString *hex;

  g_return_val_if_fail (self != NULL, NULL);

  if (HMAC (EVP_sha256 (), self->key + 32, 32, (const guint8 *) text, strlen (text), mac, &mac_len) == NULL)
    return NULL;

  hex = g_string_sized_new (mac_len * 2);
  for (unsigned int i = 0; i < mac_len; i++)
    g_string_append_printf (hex, "%02x", mac[i]);
  return g_string_free (hex, FALSE);
}

char *
tb_seal_normalize_phone (const char *phone)
{
  GString *out;

  if (phone == NULL)
    return NULL;

  out = g_string_new (NULL);
  for (const char *p = phone; *p != '\0'; p++)
    if (g_ascii_isdigit (*p))
      g_string_append_c (out, *p);

  if (out->len == 0)
    {
      g_string_free (out, TRUE);
      return NULL;
    }
  return g_string_free (out, FALSE);
}

char *
tb_seal_normalize_register (const char *register_no)
{
  GString *out;

  if (register_no == NULL)
    return NULL;

  out = g_string_new (NULL);
  for (const char *p = register_no; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (!g_unichar_isspace (c))
        g_string_append_unichar (out, g_unichar_toupper (c));
    }

  if (out->len == 0)
    {
      g_string_free (out, TRUE);
      return NULL;
    }
  return g_string_free (out, FALSE);
}

char *
tb_seal_mask (const char *text)
{
  glong len;
  GString *out;
  const char *p;
  glong i = 0;

  if (text == NULL)
    return NULL;

  len = g_utf8_strlen (text, -1);
  out = g_string_new (NULL);
  for (p = text; *p != '\0'; p = g_utf8_next_char (p), i++)
    {
      /* Keep the first two and last two characters of anything long enough to recognise. */
      if (len > 5 && (i < 2 || i >= len - 2))
        g_string_append_unichar (out, g_utf8_get_char (p));
      else
        g_string_append_c (out, '*');
    }
  return g_string_free (out, FALSE);
}
