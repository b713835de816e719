/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "xa-device.h"

G_BEGIN_DECLS

#define XA_TYPE_DEVICE_ROW (xa_device_row_get_type ())

G_DECLARE_FINAL_TYPE (XaDeviceRow, xa_device_row, XA, DEVICE_ROW, AdwActionRow)

GtkWidget *xa_device_row_new        (XaDevice    *device);
XaDevice  *xa_device_row_get_device (XaDeviceRow *self);

G_END_DECLS
