/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "xa-types.h"

G_BEGIN_DECLS

/* How long a Test stays connected: long enough for an endpoint that has a
 * caller to ask for the tools, short enough not to keep a self-hosted
 * endpoint's real provider away for long. */
#define XA_MCP_DEFAULT_STAY_MS 5000

void      xa_mcp_probe_async  (const char          *address,
                               const char          *token,
                               guint                stay_ms,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data);
XaReport *xa_mcp_probe_finish (GAsyncResult        *result,
                               GError             **error);

const char *xa_mcp_probe_get_do_no_harm (void);

G_END_DECLS
