/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

void xa_open_uri (GtkWidget  *widget,
                  const char *uri);

G_END_DECLS
