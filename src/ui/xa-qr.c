/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <qrencode.h>

#include "xa-qr.h"

/* A QR code of @text as a black-on-white texture with a quiet zone, so
 * that a phone can open the control panel. NULL if it cannot be encoded. */
GdkTexture *
xa_qr_texture_new (const char *text,
                   int         module_px)
{
  const int quiet = 4;
  g_autoptr(GBytes) bytes = NULL;
  QRcode *qr;
  guint8 *pixels;
  int size, stride;

  qr = QRcode_encodeString (text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
  if (qr == NULL)
    return NULL;

  size = (qr->width + 2 * quiet) * module_px;
  stride = size * 3;
  pixels = g_malloc (stride * size);
  memset (pixels, 0xff, stride * size);

  for (int y = 0; y < qr->width; y++)
    for (int x = 0; x < qr->width; x++)
      {
        if (!(qr->data[y * qr->width + x] & 1))
          continue;
        for (int dy = 0; dy < module_px; dy++)
          memset (pixels + ((y + quiet) * module_px + dy) * stride + (x + quiet) * module_px * 3,
                  0, module_px * 3);
      }

  QRcode_free (qr);
  bytes = g_bytes_new_take (pixels, stride * size);
  return gdk_memory_texture_new (size, size, GDK_MEMORY_R8G8B8, bytes, stride);
}
