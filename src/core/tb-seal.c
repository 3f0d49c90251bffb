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
#include <sys/stat.h>
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

/* A key file is exactly KEY_BYTES long, a regular file, and readable by its owner only. It is
 * never read whole: a huge or short file is "damaged" before a byte of it is read. */
static gboolean
read_key (const char  *path,
          guint8      *key,
          GError     **error)
{
  struct stat st;
  gsize got = 0;
  int fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);

  if (fd < 0)
    {
      int saved = errno;

      if (saved == ENOENT)
        g_set_error (error, TB_LEDGER_ERROR, TB_LEDGER_ERROR_KEY_MISSING,
                     _("The ledger key file “%s” is missing."), path);
      else
        g_set_error (error, TB_LEDGER_ERROR, TB_LEDGER_ERROR_OPEN,
                     _("Could not read the ledger key file “%s”: %s"), path, g_strerror (saved));
      return FALSE;
    }

  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode) || st.st_size != KEY_BYTES)
    {
      close (fd);
      g_set_error (error, TB_LEDGER_ERROR, TB_LEDGER_ERROR_OPEN,
                   _("The ledger key file “%s” is damaged. Restore it from your backup, or move it away and run “tulbur-cli key import” with the ledger’s recovery key."),
                   path);
      return FALSE;
    }

  /* Refused rather than quietly repaired: a key others could read may already be copied. */
  if ((st.st_mode & 077) != 0)
    {
      close (fd);
      g_set_error (error, TB_LEDGER_ERROR, TB_LEDGER_ERROR_OPEN,
                   _("The ledger key file “%s” can be read by other users. Make it private (chmod 600 “%s”) and try again."),
                   path, path);
      return FALSE;
    }

  while (got < KEY_BYTES)
    {
      gssize n = read (fd, key + got, KEY_BYTES - got);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        break;
      got += (gsize) n;
    }
  close (fd);

  if (got != KEY_BYTES)
    {
      OPENSSL_cleanse (key, KEY_BYTES);
      g_set_error (error, TB_LEDGER_ERROR, TB_LEDGER_ERROR_OPEN,
                   _("Could not read the ledger key file “%s”."), path);
      return FALSE;
    }
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

/* Writes @key in full under a temporary name, then links it into place: neither a crash nor a
 * second process starting at the same moment can ever see a half-written key, and link()
 * never replaces a key that is already there. Returns 0 or an errno (EEXIST: a key file was
 * there first). */
static int
write_key_file (const char   *path,
                const guint8 *key)
{
  g_autofree char *tmp = g_strconcat (path, ".new-XXXXXX", NULL);
  int saved = 0;
  int fd;

  fd = g_mkstemp_full (tmp, O_WRONLY | O_CLOEXEC, 0600);
  if (fd < 0)
    return errno;
  if (!write_all (fd, key, KEY_BYTES))
    saved = errno != 0 ? errno : EIO;
  if (close (fd) != 0 && saved == 0)
    saved = errno;
  if (saved == 0 && link (tmp, path) != 0)
    saved = errno;
  g_unlink (tmp);
  return saved;
}

TbSeal *
tb_seal_load (const char  *key_path,
              GError     **error)
{
  g_autofree TbSeal *self = g_new0 (TbSeal, 1);

  g_return_val_if_fail (key_path != NULL, NULL);

  if (!read_key (key_path, self->key, error))
    return NULL;
  return g_steal_pointer (&self);
}

TbSeal *
tb_seal_create (const char  *key_path,
                GError     **error)
{
  g_autofree TbSeal *self = g_new0 (TbSeal, 1);
  int saved;

  g_return_val_if_fail (key_path != NULL, NULL);

  if (RAND_bytes (self->key, KEY_BYTES) != 1)
    {
      g_set_error_literal (error, TB_LEDGER_ERROR, TB_LEDGER_ERROR_OPEN,
                           _("Could not create a key for the ledger."));
      return NULL;
    }

  saved = write_key_file (key_path, self->key);
  /* Another process put its key there first: then that key is the one. */
  if (saved == EEXIST)
    {
      OPENSSL_cleanse (self->key, KEY_BYTES);
      return tb_seal_load (key_path, error);
    }
  if (saved != 0)
    {
      OPENSSL_cleanse (self->key, KEY_BYTES);
      g_set_error (error, TB_LEDGER_ERROR, TB_LEDGER_ERROR_OPEN,
                   _("Could not write the ledger key file “%s”: %s"), key_path, g_strerror (saved));
      return NULL;
    }
  return g_steal_pointer (&self);
}

TbSeal *
tb_seal_open (const char  *key_path,
              GError     **error)
{
  g_return_val_if_fail (key_path != NULL, NULL);

  if (g_file_test (key_path, G_FILE_TEST_EXISTS))
    return tb_seal_load (key_path, error);
  return tb_seal_create (key_path, error);
}

gboolean
tb_seal_save (TbSeal      *self,
              const char  *key_path,
              GError     **error)
{
  int saved = write_key_file (key_path, self->key);

  if (saved == EEXIST)
    {
      g_set_error (error, TB_LEDGER_ERROR, TB_LEDGER_ERROR_STATE,
                   _("A key file “%s” is already there. Tulbur never replaces a key file: move it away first if it is the wrong one."),
                   key_path);
      return FALSE;
    }
  if (saved != 0)
    {
      g_set_error (error, TB_LEDGER_ERROR, TB_LEDGER_ERROR_FAILED,
                   _("Could not write the ledger key file “%s”: %s"), key_path, g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}

gboolean
tb_seal_equal (TbSeal *a,
               TbSeal *b)
{
  return CRYPTO_memcmp (a->key, b->key, KEY_BYTES) == 0;
}

static char *
hex (const guint8 *data,
     gsize         len)
{
  GString *out = g_string_sized_new (len * 2);

  for (gsize i = 0; i < len; i++)
    g_string_append_printf (out, "%02x", data[i]);
  return g_string_free (out, FALSE);
}

char *
tb_seal_fingerprint (TbSeal *self)
{
  static const char label[] = "Tulbur ledger key check 1";
  guint8 mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;

  g_return_val_if_fail (self != NULL, NULL);

  /* A keyed hash of a fixed label under the whole key: it tells keys apart and says nothing
   * about the key itself. */
  if (HMAC (EVP_sha256 (), self->key, KEY_BYTES, (const guint8 *) label, sizeof label - 1,
            mac, &mac_len) == NULL)
    return NULL;
  return hex (mac, mac_len);
}

/* The recovery key: the 64 key bytes and a 6-byte SHA-256 checksum, in base32 (RFC 4648,
 * 112 letters), in groups of four, seven groups a line. */
#define CHECK_BYTES    6
#define RECOVERY_BYTES (KEY_BYTES + CHECK_BYTES)
#define RECOVERY_CHARS (RECOVERY_BYTES * 8 / 5)

static const char base32[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

static void
checksum (const guint8 *key,
          guint8       *out)
{
  guint8 digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;

  EVP_Digest (key, KEY_BYTES, digest, &len, EVP_sha256 (), NULL);
  memcpy (out, digest, CHECK_BYTES);
}

char *
tb_seal_to_recovery (TbSeal *self)
{
  guint8 raw[RECOVERY_BYTES];
  GString *out = g_string_sized_new (RECOVERY_CHARS * 2);
  guint bits = 0;
  guint32 acc = 0;
  guint n = 0;

  memcpy (raw, self->key, KEY_BYTES);
  checksum (self->key, raw + KEY_BYTES);

  for (guint i = 0; i < RECOVERY_BYTES; i++)
    {
      acc = (acc << 8) | raw[i];
      bits += 8;
      while (bits >= 5)
        {
          if (n > 0 && n % 28 == 0)
            g_string_append_c (out, '\n');
          else if (n > 0 && n % 4 == 0)
            g_string_append_c (out, '-');
          g_string_append_c (out, base32[(acc >> (bits - 5)) & 31]);
          bits -= 5;
          n++;
        }
    }
  OPENSSL_cleanse (raw, sizeof raw);
  return g_string_free (out, FALSE);
}

/* Spaces, dashes and line breaks are ignored, letters may be lower-case, and 0/1/8 are read
 * as the letters O/I/B they are mistaken for. */
static int
base32_value (char c)
{
  const char *p;

  c = g_ascii_toupper (c);
  if (c == '0')
    c = 'O';
  else if (c == '1')
    c = 'I';
  else if (c == '8')
    c = 'B';
  p = strchr (base32, c);
  return c != '\0' && p != NULL ? (int) (p - base32) : -1;
}

TbSeal *
tb_seal_from_recovery (const char  *text,
                       GError     **error)
{
  g_autofree TbSeal *self = g_new0 (TbSeal, 1);
  guint8 raw[RECOVERY_BYTES] = { 0 };
  guint8 check[CHECK_BYTES];
  guint32 acc = 0;
  guint bits = 0;
  gsize got = 0;
  guint chars = 0;
  gboolean ok = TRUE;

  for (const char *p = text; *p != '\0' && ok; p++)
    {
      int v;

      if (g_ascii_isspace (*p) || *p == '-')
        continue;
      v = base32_value (*p);
      if (v < 0 || chars >= RECOVERY_CHARS)
        {
          ok = FALSE;
          break;
        }
      chars++;
      acc = (acc << 5) | (guint32) v;
      bits += 5;
      if (bits >= 8)
        {
          raw[got++] = (acc >> (bits - 8)) & 0xff;
          bits -= 8;
        }
    }

  if (ok && chars == RECOVERY_CHARS && got == RECOVERY_BYTES)
    {
      checksum (raw, check);
      ok = CRYPTO_memcmp (check, raw + KEY_BYTES, CHECK_BYTES) == 0;
    }
  else
    ok = FALSE;

  if (!ok)
    {
      OPENSSL_cleanse (raw, sizeof raw);
      g_set_error_literal (error, TB_LEDGER_ERROR, TB_LEDGER_ERROR_INVALID,
                           _("This is not a valid recovery key: a letter is wrong or missing. Check it against the printed key."));
      return NULL;
    }

  memcpy (self->key, raw, KEY_BYTES);
  OPENSSL_cleanse (raw, sizeof raw);
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
