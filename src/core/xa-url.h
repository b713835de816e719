/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "xa-types.h"

G_BEGIN_DECLS

/* Bounds for what a server may hand us to keep and pass on. */
#define XA_MAX_URL_LENGTH 2048

/* Who can reach a host, by its address alone. */
typedef enum
{
  XA_HOST_REACH_NETWORK,    /* a name or an address others can reach */
  XA_HOST_REACH_LOOPBACK,   /* this machine only */
  XA_HOST_REACH_LINK_LOCAL, /* 169.254/16, fe80::/10: the same link only, and it changes */
  XA_HOST_REACH_BRIDGE,     /* 172.16/12: a Docker bridge (its machine only) or a private LAN (that LAN) */
} XaHostReach;

char        *xa_ota_activate_url         (const char        *ota_url);
gboolean     xa_host_is_local            (const char        *host);
XaHostReach  xa_host_get_reach           (const char        *host);
XaText      *xa_host_reach_text          (const char        *address,
                                          XaHostReach        reach);
char        *xa_url_dup_host             (const char        *url);
gboolean     xa_url_is_placeholder       (const char        *url);
char        *xa_ota_guess_control_panel  (const char        *ota_url);
char        *xa_ota_url_warnings         (const char        *url);
gboolean     xa_ota_url_validate         (const char        *url,
                                          GError           **error);
gboolean     xa_websocket_url_is_safe    (const char        *url);
char        *xa_websocket_url_to_http    (const char        *websocket_url);
gboolean     xa_host_is_official         (const char        *host);
char       **xa_ota_url_variants         (const char        *url,
                                          const int         *ports,
                                          guint              n_ports);

G_END_DECLS
