/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "xa-types.h"

G_BEGIN_DECLS

#define XA_KEYRING_ERROR (xa_keyring_error_quark ())

typedef enum
{
  XA_KEYRING_ERROR_UNAVAILABLE,
  XA_KEYRING_ERROR_LOCKED,
  XA_KEYRING_ERROR_FAILED,
} XaKeyringError;

/* What a device keeps in the keyring. */
typedef enum
{
  XA_SECRET_TOKEN,
  XA_SECRET_HMAC_KEY,
  XA_SECRET_MQTT_PASSWORD,
  XA_SECRET_MCP_TOKEN,          /* an MCP endpoint's (xa_token_store_*_mcp_async) */
} XaSecretKind;

GQuark  xa_keyring_error_quark     (void);
const char *xa_keyring_error_get_details (const GError *error);

void    xa_token_store_save_async  (XaDevice            *device,
                                    XaSecretKind         kind,
                                    const char          *secret,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data);
gboolean xa_token_store_save_finish (GAsyncResult       *result,
                                    GError             **error);

void    xa_token_store_lookup_async (XaDevice           *device,
                                    XaSecretKind         kind,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data);
/* A copy of the secret (free it with xa_secret_free()), or NULL without
 * an error when there is none. */
char   *xa_token_store_lookup_finish (GAsyncResult      *result,
                                    GError             **error);

void    xa_token_store_delete_async (XaDevice           *device,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data);
gboolean xa_token_store_delete_finish (GAsyncResult     *result,
                                    GError             **error);

void    xa_token_store_save_mcp_async   (XaMcpEndpoint       *endpoint,
                                         const char          *token,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
void    xa_token_store_lookup_mcp_async (XaMcpEndpoint       *endpoint,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
void    xa_token_store_delete_mcp_async (XaMcpEndpoint       *endpoint,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);

char   *xa_token_mask              (const char          *token);

G_END_DECLS
