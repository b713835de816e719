/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "xa-types.h"

G_BEGIN_DECLS

#define XA_TYPE_MCP_PAGE (xa_mcp_page_get_type ())

G_DECLARE_FINAL_TYPE (XaMcpPage, xa_mcp_page, XA, MCP_PAGE, GtkBox)

/* One kept MCP endpoint: what it says of itself, its Test, its exports
 * and its removal. Its token is looked up from the keyring when shown. */
GtkWidget *xa_mcp_page_new (XaStore       *store,
                            XaMcpEndpoint *endpoint);

G_END_DECLS
