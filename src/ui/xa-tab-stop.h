/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define XA_TYPE_TAB_STOP (xa_tab_stop_get_type ())

G_DECLARE_FINAL_TYPE (XaTabStop, xa_tab_stop, XA, TAB_STOP, GtkWidget)

GtkWidget *xa_tab_stop_get_child (XaTabStop *self);
void       xa_tab_stop_set_child (XaTabStop *self,
                                  GtkWidget *child);

G_END_DECLS
