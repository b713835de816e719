/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <json-glib/json-glib.h>

#include "fuzz.h"
#include "xa-mcp-provider.h"

/* Frames an MCP endpoint sends a provider: every request gets one JSON-RPC
 * 2.0 answer with the request's own id, and nothing else gets one. */
int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *text = fuzz_text (data, size);
  g_autofree char *method = NULL;
  g_autofree char *answer = xa_mcp_provider_answer (text, &(XaMcpRead) { 0 }, &method);
  XaMcpRead read;
  g_autofree char *again_method = NULL;
  g_autofree char *again = xa_mcp_provider_answer (text, &read, &again_method);

  g_assert_cmpstr (answer, ==, again);
  g_assert_true ((read == XA_MCP_READ_REQUEST) == (answer != NULL));
  g_assert_true ((read == XA_MCP_READ_REQUEST) == (method != NULL));
  if (answer != NULL)
    {
      g_autoptr(JsonNode) sent = json_from_string (text, NULL);
      g_autoptr(JsonNode) root = json_from_string (answer, NULL);
      JsonObject *o;

      g_assert_nonnull (sent);
      g_assert_nonnull (root);
      g_assert_true (JSON_NODE_HOLDS_OBJECT (root));
      o = json_node_get_object (root);
      g_assert_cmpstr (json_object_get_string_member (o, "jsonrpc"), ==, "2.0");
      g_assert_true (json_object_has_member (o, "result") != json_object_has_member (o, "error"));
      g_assert_true (json_node_equal (json_object_get_member (o, "id"),
                                      json_object_get_member (json_node_get_object (sent), "id")));
    }
  return 0;
}
