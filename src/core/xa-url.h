/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Bounds for what a server may hand us to keep and pass on. */
#define XA_MAX_URL_LENGTH 2048

char        *xa_ota_activate_url         (const char        *ota_url);
gboolean     xa_host_is_local            (const char        *host);
char        *xa_url_dup_host             (const char        *url);
gboolean     xa_url_is_placeholder       (const char        *url);
char        *xa_ota_guess_control_panel  (const char        *ota_url);
char        *xa_ota_url_warnings         (const char        *url);
gboolean     xa_ota_url_validate         (const char        *url,
                                          GError           **error);
gboolean     xa_websocket_url_is_safe    (const char        *url);
gboolean     xa_host_is_official         (const char        *host);
char       **xa_ota_url_variants         (const char        *url,
                                          const int         *ports,
                                          guint              n_ports);

G_END_DECLS
