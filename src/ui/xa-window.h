/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "xa-store.h"
#include "xa-fleet.h"

G_BEGIN_DECLS

#define XA_TYPE_WINDOW (xa_window_get_type ())

G_DECLARE_FINAL_TYPE (XaWindow, xa_window, XA, WINDOW, AdwApplicationWindow)

XaWindow  *xa_window_new             (AdwApplication *application,
                                      XaStore  *store);
void       xa_window_select_device   (XaWindow       *self,
                                      XaDevice       *device);
GtkWidget *xa_window_get_device_page (XaWindow       *self);
XaStore *xa_window_get_store   (XaWindow       *self);
void       xa_window_show_store_error (XaWindow      *self,
                                      const GError   *error);
gboolean   xa_window_show_device     (XaWindow       *self,
                                      const char     *uuid);
XaFleet   *xa_window_get_fleet       (XaWindow       *self);

G_END_DECLS
