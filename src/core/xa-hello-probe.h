/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "xa-types.h"

G_BEGIN_DECLS

#define XA_HELLO_DEFAULT_TIMEOUT_MS 10000

void      xa_hello_probe_async   (const char          *websocket_url,
                                  const char          *token,
                                  const XaIdentity    *identity,
                                  guint                protocol_version,
                                  guint                timeout_ms,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data);
XaReport *xa_hello_probe_finish  (GAsyncResult        *result,
                                  GError             **error);

char     *xa_hello_authorization (const char          *token);

G_END_DECLS
