/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "xa-demo-server.h"
#include "xa-device.h"

G_BEGIN_DECLS

/* A demo server on 127.0.0.1, port 0, torn down with the fixture. */
XaDemoServer *xa_test_server_new      (XaDemoMode     mode,
                                       gboolean       tls);
char         *xa_test_data_path       (const char    *name);
XaDevice     *xa_test_device_new      (const char    *name,
                                       const char    *mac);

/* Collects the GAsyncResult of one async call. */
void          xa_test_capture_cb      (GObject       *source,
                                       GAsyncResult  *result,
                                       gpointer       user_data);
GAsyncResult *xa_test_wait            (GAsyncResult **slot);
void          xa_test_wait_until      (gboolean      *flag);
void          xa_test_sleep           (guint          ms);

G_END_DECLS
