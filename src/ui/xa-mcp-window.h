/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "xa-types.h"

G_BEGIN_DECLS

#define XA_TYPE_MCP_WINDOW (xa_mcp_window_get_type ())

G_DECLARE_FINAL_TYPE (XaMcpWindow, xa_mcp_window, XA, MCP_WINDOW, AdwPreferencesWindow)

/* The kept MCP endpoints: listed, added by pasting an address, each
 * opened as an XaMcpPage. @store: of xa_mcp_endpoint_kind, loaded */
GtkWidget *xa_mcp_window_new (GtkWindow *parent,
                              XaStore   *store);

G_END_DECLS
