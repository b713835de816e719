/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <libsoup/soup.h>

#include "xa-types.h"

G_BEGIN_DECLS

/* How a network failure looks to a person. */
typedef enum
{
  XA_NET_FAILURE_NONE,
  XA_NET_FAILURE_UNREACHABLE,
  XA_NET_FAILURE_TLS,
  XA_NET_FAILURE_TIMEOUT,
} XaNetFailure;


SoupSession  *xa_net_get_session        (void);
SoupSession  *xa_net_get_session_for    (gboolean       direct);
void          xa_net_set_proxy_resolver (GProxyResolver *resolver);
char         *xa_net_dup_route          (SoupMessage   *msg);
void          xa_net_append_route       (XaText        *text,
                                         SoupMessage   *msg);
XaText       *xa_net_describe_proxy_status (SoupMessage *msg,
                                         guint          status);
gboolean      xa_net_set_ca_file        (const char    *path,
                                         GError       **error);
void          xa_net_set_ca_file_async  (const char    *path,
                                         GCancellable  *cancellable,
                                         GAsyncReadyCallback callback,
                                         gpointer       user_data);
gboolean      xa_net_set_ca_file_finish (GAsyncResult  *result,
                                         GError       **error);
const char   *xa_net_get_ca_file        (void);
const char   *xa_net_get_language       (void);
void          xa_net_prepare_message    (SoupMessage   *msg);
XaNetFailure  xa_net_classify_error     (const GError  *error);
XaText       *xa_net_describe_refused_certificate (SoupMessage *msg);
void          xa_net_fetch_certificate_async  (const char  *host,
                                               int          port,
                                               guint        timeout_ms,
                                               GCancellable *cancellable,
                                               GAsyncReadyCallback callback,
                                               gpointer     user_data);
XaText       *xa_net_fetch_certificate_finish (GAsyncResult *result,
                                               GError      **error);
XaText       *xa_net_describe_error     (const GError  *error,
                                         const char    *url,
                                         SoupMessage   *msg);

XaDeadline   *xa_deadline_new           (GCancellable  *parent,
                                         guint          timeout_ms);
GCancellable *xa_deadline_get_cancellable (XaDeadline  *self);
gboolean      xa_deadline_expired       (XaDeadline    *self);
void          xa_deadline_free          (XaDeadline    *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (XaDeadline, xa_deadline_free)

G_END_DECLS
