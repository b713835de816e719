/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "xa-json.h"
#include "xa-mcp-provider.h"

/* What an MCP Test answers as a tool provider: the endpoint is the
 * JSON-RPC client and sends requests (initialize, tools/list, ping, …);
 * this side answers each as a provider with no tools does. What comes
 * from the endpoint is hostile until read here. */

/* The provider this Test is: a name, MCP 2024-11-05, tools and none. */
static void
fill_initialize (JsonBuilder *b)
{
  json_builder_set_member_name (b, "result");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "protocolVersion");
  json_builder_add_string_value (b, "2024-11-05");
  json_builder_set_member_name (b, "capabilities");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "tools");
  json_builder_begin_object (b);
  json_builder_end_object (b);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "serverInfo");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, "xiaozhi-activator-test");
  json_builder_set_member_name (b, "version");
  json_builder_add_string_value (b, PACKAGE_VERSION);
  json_builder_end_object (b);
  json_builder_end_object (b);
}

static void
fill_tools (JsonBuilder *b)
{
  json_builder_set_member_name (b, "result");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "tools");
  json_builder_begin_array (b);
  json_builder_end_array (b);
  json_builder_end_object (b);
}

static void
fill_empty (JsonBuilder *b)
{
  json_builder_set_member_name (b, "result");
  json_builder_begin_object (b);
  json_builder_end_object (b);
}

static void
fill_unknown_method (JsonBuilder *b)
{
  json_builder_set_member_name (b, "error");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "code");
  json_builder_add_int_value (b, -32601);
  json_builder_set_member_name (b, "message");
  json_builder_add_string_value (b, "Method not found");
  json_builder_end_object (b);
}

/* The answer to @method, or NULL when there is none to give. */
static char *
answer_for (const char *method,
            JsonNode   *id)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "jsonrpc");
  json_builder_add_string_value (b, "2.0");
  json_builder_set_member_name (b, "id");
  json_builder_add_value (b, json_node_copy (id));
  if (g_str_equal (method, "initialize"))
    fill_initialize (b);
  else if (g_str_equal (method, "tools/list"))
    fill_tools (b);
  else if (g_str_equal (method, "ping"))
    fill_empty (b);
  else
    fill_unknown_method (b);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  return json_to_string (root, FALSE);
}

/* Reads one text frame of the endpoint (@text NULL: a binary one): says
 * in @read what it is, gives a request's method in @method and returns
 * the answer to send, or NULL for a notification or an answer (nothing
 * to send back) and for what is not JSON-RPC 2.0. */
char *
xa_mcp_provider_answer (const char  *text,
                        XaMcpRead   *read,
                        char       **method)
{
  g_autoptr(JsonNode) root = text ? xa_json_parse (text, -1, NULL) : NULL;
  JsonObject *o = root && JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  const char *name = xa_json_get_string (o, "method");
  JsonNode *id = o && json_object_has_member (o, "id") ? json_object_get_member (o, "id") : NULL;

  *method = NULL;
  if (o == NULL || g_strcmp0 (xa_json_get_string (o, "jsonrpc"), "2.0") != 0)
    {
      *read = XA_MCP_READ_NOT_JSON_RPC;
      return NULL;
    }
  /* A request's id is a string or a number (JSON-RPC 2.0, 4): anything
   * else makes it no request this side answers. */
  if (name == NULL || id == NULL || !JSON_NODE_HOLDS_VALUE (id) ||
      (json_node_get_value_type (id) != G_TYPE_STRING && json_node_get_value_type (id) != G_TYPE_INT64 &&
       json_node_get_value_type (id) != G_TYPE_DOUBLE))
    {
      *read = XA_MCP_READ_NOTHING_TO_ANSWER;
      return NULL;
    }
  *read = XA_MCP_READ_REQUEST;
  *method = g_strdup (name);
  return answer_for (name, id);
}
