/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* A small HTTP proxy on 127.0.0.1, as a LAN's or a company's: CONNECT
 * tunnels (https, wss) and absolute-URI requests (http, ws) forwarded to
 * their host. With @refuse it answers every request 502, as a proxy that
 * cannot reach a server on the user's own network. */
typedef struct _XaTestProxy XaTestProxy;

XaTestProxy *xa_test_proxy_start        (gboolean     refuse);
void         xa_test_proxy_free         (XaTestProxy *proxy);
char        *xa_test_proxy_get_uri      (XaTestProxy *proxy);
guint        xa_test_proxy_get_requests (XaTestProxy *proxy);
const char  *xa_test_proxy_get_last_target (XaTestProxy *proxy);

G_END_DECLS
