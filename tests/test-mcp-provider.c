/* SPDX-License-Identifier: GPL-3.0-or-later */
/* xa-mcp-provider: what an MCP Test answers as a tool provider, frame by
 * frame, as the endpoint side (mcp-endpoint-server, the cloud) sends them. */
#include "config.h"

#include <json-glib/json-glib.h>

#include "xa-mcp-provider.h"

static JsonObject *
answer_of (const char  *frame,
           const char  *method,
           JsonNode   **root)
{
  g_autofree char *got_method = NULL;
  g_autofree char *answer = NULL;
  XaMcpRead read;

  answer = xa_mcp_provider_answer (frame, &read, &got_method);
  g_assert_cmpint (read, ==, XA_MCP_READ_REQUEST);
  g_assert_cmpstr (got_method, ==, method);
  g_assert_nonnull (answer);
  *root = json_from_string (answer, NULL);
  g_assert_nonnull (*root);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (*root), "jsonrpc"), ==, "2.0");
  return json_node_get_object (*root);
}

/* initialize as the endpoint forwards it ("<uuid>_n_1"), tools/list with
 * a cursor, ping, and a method a provider without tools does not have. */
static void
test_requests (void)
{
  g_autoptr(JsonNode) init = NULL, list = NULL, ping = NULL, call = NULL;
  JsonObject *o;

  o = answer_of ("{\"jsonrpc\":\"2.0\",\"id\":\"9f1c_n_1\",\"method\":\"initialize\",\"params\":"
                 "{\"protocolVersion\":\"2024-11-05\",\"capabilities\":{}}}", "initialize", &init);
  g_assert_cmpstr (json_object_get_string_member (o, "id"), ==, "9f1c_n_1");
  o = json_object_get_object_member (o, "result");
  g_assert_cmpstr (json_object_get_string_member (o, "protocolVersion"), ==, "2024-11-05");
  g_assert_true (json_object_has_member (json_object_get_object_member (o, "capabilities"), "tools"));
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (o, "serverInfo"), "name"), ==,
                   "xiaozhi-activator-test");

  o = answer_of ("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\",\"params\":{\"cursor\":\"x\"}}",
                 "tools/list", &list);
  g_assert_cmpint (json_object_get_int_member (o, "id"), ==, 2);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (json_object_get_object_member (o, "result"),
                                                                          "tools")), ==, 0);

  o = answer_of ("{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"ping\"}", "ping", &ping);
  g_assert_cmpuint (json_object_get_size (json_object_get_object_member (o, "result")), ==, 0);

  o = answer_of ("{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"tools/call\",\"params\":{\"name\":\"calculator\"}}",
                 "tools/call", &call);
  g_assert_false (json_object_has_member (o, "result"));
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (o, "error"), "code"), ==, -32601);
}

/* Notifications, answers and ids of no kind get nothing back; what is not
 * JSON-RPC 2.0 is said to be so. */
static void
test_nothing_to_answer (void)
{
  const struct { const char *frame; XaMcpRead read; } cases[] = {
    { "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}", XA_MCP_READ_NOTHING_TO_ANSWER },
    { "{\"jsonrpc\":\"2.0\",\"id\":5,\"result\":{}}", XA_MCP_READ_NOTHING_TO_ANSWER },
    { "{\"jsonrpc\":\"2.0\",\"id\":null,\"method\":\"ping\"}", XA_MCP_READ_NOTHING_TO_ANSWER },
    { "{\"jsonrpc\":\"2.0\",\"id\":{\"a\":1},\"method\":\"ping\"}", XA_MCP_READ_NOTHING_TO_ANSWER },
    { "{\"jsonrpc\":\"2.0\",\"id\":true,\"method\":\"ping\"}", XA_MCP_READ_NOTHING_TO_ANSWER },
    { "{\"type\":\"hello\",\"transport\":\"websocket\"}", XA_MCP_READ_NOT_JSON_RPC },
    { "{\"jsonrpc\":\"1.0\",\"id\":1,\"method\":\"ping\"}", XA_MCP_READ_NOT_JSON_RPC },
    { "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}]", XA_MCP_READ_NOT_JSON_RPC },
    { "认证失败", XA_MCP_READ_NOT_JSON_RPC },
    { NULL, XA_MCP_READ_NOT_JSON_RPC },   /* a binary frame */
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *method = NULL;
      g_autofree char *answer = NULL;
      XaMcpRead read;

      answer = xa_mcp_provider_answer (cases[i].frame, &read, &method);
      g_assert_cmpint (read, ==, cases[i].read);
      g_assert_null (answer);
      g_assert_null (method);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/xa/mcp-provider/requests", test_requests);
  g_test_add_func ("/xa/mcp-provider/nothing-to-answer", test_nothing_to_answer);

  return g_test_run ();
}
