/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "xa-types.h"

G_BEGIN_DECLS

/* Bounds for what a server may hand us to keep and pass on. */
#define XA_MAX_TOKEN_LENGTH 4096

/* A self-hosted server's token is valid this long after its date, unless
 * the server sets another server.auth.expire_seconds: a default, never a
 * fact about one server (core/auth.py). */
#define XA_TOKEN_LIFETIME_S (30 * 24 * 3600)

gboolean     xa_token_get_dates          (const char        *token,
                                          gint64            *issued,
                                          gint64            *expires);
gboolean     xa_token_is_safe            (const char        *token);

G_END_DECLS
