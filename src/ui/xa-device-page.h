/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "xa-device-store.h"

G_BEGIN_DECLS

#define XA_TYPE_DEVICE_PAGE (xa_device_page_get_type ())

G_DECLARE_FINAL_TYPE (XaDevicePage, xa_device_page, XA, DEVICE_PAGE, GtkWidget)

void      xa_device_page_set_store   (XaDevicePage  *self,
                                      XaDeviceStore *store);
void      xa_device_page_set_device  (XaDevicePage  *self,
                                      XaDevice      *device);
XaDevice *xa_device_page_get_device  (XaDevicePage  *self);
void      xa_device_page_set_token   (XaDevicePage  *self,
                                      const char    *token);

G_END_DECLS
