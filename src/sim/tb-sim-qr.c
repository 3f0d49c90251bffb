/* tb-sim-qr.c: the simulator's qr_text (EMV-style) and qr_image (a real PNG of it)
 *
 * Copyright 2026 The Tulbur authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <qrencode.h>

#include "tb-sim-server-private.h"

#define QR_SCALE 4
#define QR_BORDER 4

/* EMV merchant-presented QR (what QPay's qr_text looks like): ID, two-digit length, value;
 * CRC-16/CCITT-FALSE over everything up to and including "6304". */
static void
append_tlv (GString    *out,
            const char *id,
            const char *value)
{
  gsize len = MIN (strlen (value), 99);

  g_string_append_printf (out, "%s%02u%.*s", id, (guint) len, (int) len, value);
}

static guint16
crc16_ccitt (const char *data,
             gsize       len)
{
  guint16 crc = 0xFFFF;

  for (gsize i = 0; i < len; i++)
    {
      crc ^= (guint16) ((guchar) data[i] << 8);
      for (int bit = 0; bit < 8; bit++)
        crc = (crc & 0x8000) ? (guint16) ((crc << 1) ^ 0x1021) : (guint16) (crc << 1);
    }

  return crc;
}

char *
_tb_sim_emv_qr_text (const char *invoice_id,
                     const char *sender_invoice_no,
                     gint64      amount)
{
  GString *out = g_string_new (NULL);
  g_autoptr(GString) account = g_string_new (NULL);
  g_autoptr(GString) extra = g_string_new (NULL);
  g_autofree char *compact_id = g_strdup (invoice_id);
  g_autofree char *amount_text = NULL;
  char *dash;

  while ((dash = strchr (compact_id, '-')) != NULL)
    memmove (dash, dash + 1, strlen (dash));

  /* Whole tögrög without decimals, as QPay's own QR texts show them. */
  amount_text = amount % 100 == 0 ? _tb_sim_format_decimal (amount / 100, 0)
                                  : _tb_sim_format_decimal (amount, 2);

  append_tlv (account, "00", "mn.qpay.sim");
  append_tlv (account, "01", compact_id);
  append_tlv (extra, "01", sender_invoice_no);
  append_tlv (extra, "05", "TULBURSIM");

  append_tlv (out, "00", "01");
  append_tlv (out, "01", "12");
  append_tlv (out, "26", account->str);
  append_tlv (out, "52", "5734");
  append_tlv (out, "53", "496");
  append_tlv (out, "54", amount_text);
  append_tlv (out, "58", "MN");
  append_tlv (out, "59", "TULBUR DEMO");
  append_tlv (out, "60", "Ulaanbaatar");
  append_tlv (out, "62", extra->str);
  g_string_append (out, "6304");
  g_string_append_printf (out, "%04X", crc16_ccitt (out->str, out->len));

  return g_string_free (out, FALSE);
}

/* A minimal PNG writer: 1-bit grey, one IDAT of stored (uncompressed) deflate blocks. */

static guint32
crc32_update (guint32       crc,
              const guint8 *data,
              gsize         len)
{
  static guint32 table[256];
  static gsize initialized = 0;

  if (g_once_init_enter (&initialized))
    {
      for (guint32 n = 0; n < 256; n++)
        {
          guint32 c = n;

          for (int k = 0; k < 8; k++)
            c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
          table[n] = c;
        }
      g_once_init_leave (&initialized, 1);
    }

  crc ^= 0xFFFFFFFFu;
  for (gsize i = 0; i < len; i++)
    crc = table[(crc ^ data[i]) & 0xFF] ^ (crc >> 8);
  return crc ^ 0xFFFFFFFFu;
}

static void
append_be32 (GByteArray *out,
             guint32     value)
{
  guint8 bytes[4] = { value >> 24, (value >> 16) & 0xFF, (value >> 8) & 0xFF, value & 0xFF };

  g_byte_array_append (out, bytes, 4);
}

static void
append_chunk (GByteArray   *out,
              const char   *type,
              const guint8 *data,
              gsize         len)
{
  guint32 crc;

  append_be32 (out, (guint32) len);
  g_byte_array_append (out, (const guint8 *) type, 4);
  if (len > 0)
    g_byte_array_append (out, data, (guint) len);
  crc = crc32_update (0, (const guint8 *) type, 4);
  crc = crc32_update (crc, data, len);
  append_be32 (out, crc);
}

static GByteArray *
zlib_stored (const guint8 *data,
             gsize         len)
{
  GByteArray *out = g_byte_array_new ();
  static const guint8 header[2] = { 0x78, 0x01 };
  guint32 a = 1, b = 0;
  gsize offset = 0;

  g_byte_array_append (out, header, 2);
  do
    {
      gsize block = MIN (len - offset, 65535);
      guint8 block_header[5];

      block_header[0] = offset + block == len ? 1 : 0;
      block_header[1] = block & 0xFF;
      block_header[2] = (block >> 8) & 0xFF;
      block_header[3] = ~block & 0xFF;
      block_header[4] = (~block >> 8) & 0xFF;
      g_byte_array_append (out, block_header, 5);
      g_byte_array_append (out, data + offset, (guint) block);
      offset += block;
    }
  while (offset < len);

  for (gsize i = 0; i < len; i++)
    {
      a = (a + data[i]) % 65521;
      b = (b + a) % 65521;
    }
  append_be32 (out, (b << 16) | a);

  return out;
}

char *
_tb_sim_qr_png_base64 (const char *text)
{
  static const guint8 signature[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n' };
  g_autoptr(GByteArray) png = NULL;
  g_autoptr(GByteArray) raw = NULL;
  g_autoptr(GByteArray) idat = NULL;
  QRcode *qr;
  guint8 ihdr[13];
  guint size;
  guint row_bytes;

  qr = QRcode_encodeString (text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
  if (qr == NULL)
    return NULL;

  size = (guint) (qr->width + 2 * QR_BORDER) * QR_SCALE;
  row_bytes = (size + 7) / 8;
  raw = g_byte_array_sized_new ((row_bytes + 1) * size);

  for (guint y = 0; y < size; y++)
    {
      int qy = (int) (y / QR_SCALE) - QR_BORDER;
      guint8 filter = 0;

      g_byte_array_append (raw, &filter, 1);
      for (guint byte = 0; byte < row_bytes; byte++)
        {
          guint8 bits = 0;

          for (guint bit = 0; bit < 8; bit++)
            {
              guint x = byte * 8 + bit;
              int qx = (int) (x / QR_SCALE) - QR_BORDER;
              gboolean dark = x < size && qx >= 0 && qy >= 0 && qx < qr->width && qy < qr->width
                              && (qr->data[qy * qr->width + qx] & 1);

              /* 1-bit grey: 1 is white. */
              if (!dark)
                bits |= (guint8) (0x80 >> bit);
            }
          g_byte_array_append (raw, &bits, 1);
        }
    }
  QRcode_free (qr);

  ihdr[0] = size >> 24; ihdr[1] = (size >> 16) & 0xFF; ihdr[2] = (size >> 8) & 0xFF; ihdr[3] = size & 0xFF;
  memcpy (ihdr + 4, ihdr, 4);
  ihdr[8] = 1;    /* bit depth */
  ihdr[9] = 0;    /* grey */
  ihdr[10] = 0;   /* deflate */
  ihdr[11] = 0;   /* adaptive filtering */
  ihdr[12] = 0;   /* no interlace */

  idat = zlib_stored (raw->data, raw->len);
  png = g_byte_array_new ();
  g_byte_array_append (png, signature, 8);
  append_chunk (png, "IHDR", ihdr, sizeof ihdr);
  append_chunk (png, "IDAT", idat->data, idat->len);
  append_chunk (png, "IEND", NULL, 0);

  return g_base64_encode (png->data, png->len);
}
