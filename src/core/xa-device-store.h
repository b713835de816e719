/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "xa-types.h"

G_BEGIN_DECLS

#define XA_DEVICE_STORE_ERROR (xa_device_store_error_quark ())
#define XA_DEVICE_STORE_FORMAT 1

typedef enum
{
  XA_DEVICE_STORE_ERROR_CORRUPT,
  XA_DEVICE_STORE_ERROR_NEWER_VERSION,
  XA_DEVICE_STORE_ERROR_IO,
  XA_DEVICE_STORE_ERROR_NOT_FOUND,
  XA_DEVICE_STORE_ERROR_NAME_TAKEN,
} XaDeviceStoreError;

#define XA_TYPE_DEVICE_STORE (xa_device_store_get_type ())

G_DECLARE_FINAL_TYPE (XaDeviceStore, xa_device_store, XA, DEVICE_STORE, GObject)

GQuark         xa_device_store_error_quark (void);

XaDeviceStore *xa_device_store_new         (const char          *path);
const char    *xa_device_store_get_path    (XaDeviceStore       *self);
XaDevice      *xa_device_store_find        (XaDeviceStore       *self,
                                            const char          *name);
XaDevice      *xa_device_store_find_uuid   (XaDeviceStore       *self,
                                            const char          *uuid);

void           xa_device_store_load_async  (XaDeviceStore       *self,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
void           xa_device_store_add_async   (XaDeviceStore       *self,
                                            XaDevice            *device,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
void           xa_device_store_save_async  (XaDeviceStore       *self,
                                            XaDevice            *device,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
void           xa_device_store_remove_async (XaDeviceStore      *self,
                                            XaDevice            *device,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
gboolean       xa_device_store_finish      (XaDeviceStore       *self,
                                            GAsyncResult        *result,
                                            GError             **error);

G_END_DECLS
