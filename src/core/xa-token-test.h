/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "xa-report.h"
#include "xa-types.h"

G_BEGIN_DECLS

void      xa_token_test_async  (const char          *ota_url,
                                const char          *websocket_url,
                                const char          *token,
                                const XaIdentity    *identity,
                                guint                timeout_ms,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data);
XaReport *xa_token_test_finish (GAsyncResult        *result,
                                GError             **error);

G_END_DECLS
