/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "xa-device-session.h"

G_BEGIN_DECLS

#define XA_TYPE_ADD_DEVICE_DIALOG (xa_add_device_dialog_get_type ())

G_DECLARE_FINAL_TYPE (XaAddDeviceDialog, xa_add_device_dialog, XA, ADD_DEVICE_DIALOG, AdwWindow)

XaAddDeviceDialog *xa_add_device_dialog_new        (GtkWindow           *parent,
                                                    XaStore       *store);
void               xa_add_device_dialog_run_async  (XaAddDeviceDialog   *self,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
XaDeviceSession   *xa_add_device_dialog_run_finish (XaAddDeviceDialog   *self,
                                                    GAsyncResult        *result,
                                                    gboolean            *has_token,
                                                    GError             **error);

G_END_DECLS
