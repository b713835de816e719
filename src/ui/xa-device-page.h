/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "xa-device-session.h"

G_BEGIN_DECLS

#define XA_TYPE_DEVICE_PAGE (xa_device_page_get_type ())

G_DECLARE_FINAL_TYPE (XaDevicePage, xa_device_page, XA, DEVICE_PAGE, GtkWidget)

void             xa_device_page_set_session (XaDevicePage    *self,
                                             XaDeviceSession *session);
XaDeviceSession *xa_device_page_get_session (XaDevicePage    *self);
XaDevice        *xa_device_page_get_device  (XaDevicePage    *self);

G_END_DECLS
