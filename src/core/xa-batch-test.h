/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "xa-device-session.h"
#include "xa-types.h"

G_BEGIN_DECLS

/* How many Tests run at once by default. */
#define XA_BATCH_TEST_DEFAULT_JOBS 8

/* Called as each device's Test ends: its report, or the error that kept it
 * from running (no token yet, a locked keyring…). */
typedef void (*XaBatchTestFunc) (XaDeviceSession *session,
                                 const XaReport  *report,
                                 const GError    *error,
                                 gpointer         user_data);

void     xa_batch_test_async  (GPtrArray            *sessions,
                               guint                 jobs,
                               guint                 timeout_ms,
                               GCancellable         *cancellable,
                               XaBatchTestFunc       each,
                               gpointer              each_data,
                               GAsyncReadyCallback   callback,
                               gpointer              user_data);
gboolean xa_batch_test_finish (GAsyncResult         *result,
                               GError              **error);

G_END_DECLS
