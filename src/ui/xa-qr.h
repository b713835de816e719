/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

GdkTexture *xa_qr_texture_new (const char *text,
                               int         module_px);

G_END_DECLS
