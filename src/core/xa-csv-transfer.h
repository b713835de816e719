/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "xa-device-session.h"
#include "xa-types.h"

G_BEGIN_DECLS

void       xa_csv_import_async  (XaStore        *store,
                                 GFile                *file,
                                 GCancellable         *cancellable,
                                 GAsyncReadyCallback   callback,
                                 gpointer              user_data);
GPtrArray *xa_csv_import_finish (GAsyncResult         *result,
                                 GError              **error);

void       xa_csv_export_async  (GPtrArray            *sessions,
                                 GFile                *file,
                                 gboolean              with_secrets,
                                 GCancellable         *cancellable,
                                 GAsyncReadyCallback   callback,
                                 gpointer              user_data);
gboolean   xa_csv_export_finish (GAsyncResult         *result,
                                 GError              **error);

G_END_DECLS
