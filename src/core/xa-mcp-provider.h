/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  XA_MCP_READ_NOT_JSON_RPC,
  XA_MCP_READ_REQUEST,            /* answered */
  XA_MCP_READ_NOTHING_TO_ANSWER,  /* a notification, an answer, or a request with an id of no kind */
} XaMcpRead;

char *xa_mcp_provider_answer (const char  *text,
                              XaMcpRead   *read,
                              char       **method);

G_END_DECLS
