/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "xa-types.h"

G_BEGIN_DECLS

/* An MCP endpoint ("MCP接入点"): the WebSocket address tool providers
 * connect to, its token in the query (wss://api.xiaozhi.me/mcp/?token=…,
 * ws://HOST:8004/mcp_endpoint/mcp/?token=…). */

#define XA_MCP_ENDPOINT_ERROR (xa_mcp_endpoint_error_quark ())

typedef enum
{
  XA_MCP_ENDPOINT_ERROR_INVALID_URL,
  XA_MCP_ENDPOINT_ERROR_NO_TOKEN,
  XA_MCP_ENDPOINT_ERROR_BAD_TOKEN,
} XaMcpEndpointError;

typedef enum
{
  XA_MCP_SERVER_OFFICIAL,      /* xiaozhi.me's: the token is a JWT */
  XA_MCP_SERVER_SELF_HOSTED,   /* xinnan-tech's mcp-endpoint-server: an AES token only it reads */
  XA_MCP_SERVER_OTHER,
} XaMcpServerKind;

/* What an official endpoint's token says of itself: read, not checked
 * (its ES256 signature is the server's to check). */
struct _XaMcpClaims
{
  char   *user_id;
  char   *agent_id;
  char   *endpoint_id;
  char   *purpose;       /* "mcp-endpoint" */
  gint64  issued_at;     /* unix seconds, 0 when it does not say */
  gint64  expires_at;    /* unix seconds, 0 when it does not say */
};

GQuark           xa_mcp_endpoint_error_quark (void);
gboolean         xa_mcp_endpoint_split       (const char    *url,
                                              char         **address,
                                              char         **token,
                                              GError       **error);
char            *xa_mcp_endpoint_join        (const char    *address,
                                              const char    *token);
gboolean         xa_mcp_endpoint_same        (const char    *url_a,
                                              const char    *url_b);
XaMcpServerKind  xa_mcp_endpoint_server_kind (const char    *address);
const char      *xa_mcp_endpoint_describe_server (const char *address);

XaMcpClaims     *xa_mcp_token_read_claims    (const char    *token);
gboolean         xa_mcp_claims_expired       (const XaMcpClaims *claims,
                                              gint64         now);
void             xa_mcp_claims_free          (XaMcpClaims   *claims);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (XaMcpClaims, xa_mcp_claims_free)

/* A saved endpoint: its name and its address without the token (the
 * token is in the keyring, xa_token_store_*_mcp_*), and its last Test. */
#define XA_TYPE_MCP_ENDPOINT (xa_mcp_endpoint_get_type ())

G_DECLARE_FINAL_TYPE (XaMcpEndpoint, xa_mcp_endpoint, XA, MCP_ENDPOINT, GObject)

XaMcpEndpoint   *xa_mcp_endpoint_new              (const char    *name,
                                                   const char    *address);
const char      *xa_mcp_endpoint_get_uuid         (XaMcpEndpoint *self);
const char      *xa_mcp_endpoint_get_name         (XaMcpEndpoint *self);
void             xa_mcp_endpoint_set_name         (XaMcpEndpoint *self,
                                                   const char    *name);
const char      *xa_mcp_endpoint_get_address      (XaMcpEndpoint *self);
/* (transfer full) (nullable) */
XaReport        *xa_mcp_endpoint_dup_last_report  (XaMcpEndpoint *self);
gint64           xa_mcp_endpoint_get_last_tested  (XaMcpEndpoint *self);
void             xa_mcp_endpoint_set_last_report  (XaMcpEndpoint *self,
                                                   const XaReport *report,
                                                   gint64         when);

/* How a store (xa-store.h) keeps endpoints, in mcp-endpoints.json. */
extern const XaStoreKind xa_mcp_endpoint_kind;

G_END_DECLS
