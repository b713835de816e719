/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "xa-demo-server-private.h"

/* MCP endpoints, as xinnan-tech's mcp-endpoint-server keeps them
 * (src/server.py, core/connection_manager.py) at /mcp_endpoint/mcp/: any
 * upgrade is taken, then a missing, unknown or agent-less token is closed
 * with 1008 and the server's own reason; a new tool connection for an
 * agent closes the one it replaces (1000 "新连接替换"). At /mcp/, as the
 * official cloud: an unknown token is refused at the upgrade (401). A
 * caller, when set, initializes the provider after a delay and lists its
 * tools, with request ids as the server forwards them ("<uuid>_n_1"). */

typedef struct
{
  XaDemoServer *server;
  char         *agent_id;
  char         *caller;        /* the forwarding prefix of this connection's caller */
  guint         caller_id;
} McpPeer;

static void
mcp_peer_free (McpPeer *peer)
{
  g_clear_handle_id (&peer->caller_id, g_source_remove);
  g_free (peer->agent_id);
  g_free (peer->caller);
  g_free (peer);
}

static McpPeer *
peer_of (SoupWebsocketConnection *conn)
{
  return g_object_get_data (G_OBJECT (conn), "xa-demo-mcp-peer");
}

/* The endpoints' paths: the self-hosted one and the cloud-like one. */
gboolean
_xa_demo_is_mcp_path (const char *path)
{
  return g_str_has_prefix (path, "/mcp_endpoint/mcp") || g_str_has_prefix (path, "/mcp/");
}

/* The token of the upgrade's query (unescaped), or NULL. */
char *
_xa_demo_mcp_token_of (SoupServerMessage *msg)
{
  const char *query = g_uri_get_query (soup_server_message_get_uri (msg));
  g_autoptr(GHashTable) form = query ? g_uri_parse_params (query, -1, "&", G_URI_PARAMS_NONE, NULL) : NULL;

  return form ? g_strdup (g_hash_table_lookup (form, "token")) : NULL;
}

static void
send_request (SoupWebsocketConnection *conn,
              const char              *id,
              const char              *method)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "jsonrpc");
  json_builder_add_string_value (b, "2.0");
  if (id != NULL)
    {
      json_builder_set_member_name (b, "id");
      json_builder_add_string_value (b, id);
    }
  json_builder_set_member_name (b, "method");
  json_builder_add_string_value (b, method);
  if (g_str_equal (method, "initialize"))
    {
      json_builder_set_member_name (b, "params");
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "protocolVersion");
      json_builder_add_string_value (b, "2024-11-05");
      json_builder_set_member_name (b, "capabilities");
      json_builder_begin_object (b);
      json_builder_end_object (b);
      json_builder_set_member_name (b, "clientInfo");
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "name");
      json_builder_add_string_value (b, "xiaozhi-demo-caller");
      json_builder_set_member_name (b, "version");
      json_builder_add_string_value (b, PACKAGE_VERSION);
      json_builder_end_object (b);
      json_builder_end_object (b);
    }
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  text = json_to_string (root, FALSE);
  soup_websocket_connection_send_text (conn, text);
}

static gboolean
caller_cb (gpointer user_data)
{
  SoupWebsocketConnection *conn = user_data;
  McpPeer *peer = peer_of (conn);
  g_autofree char *id = g_strdup_printf ("%s_n_1", peer->caller);

  peer->caller_id = 0;
  if (soup_websocket_connection_get_state (conn) == SOUP_WEBSOCKET_STATE_OPEN)
    send_request (conn, id, "initialize");
  return G_SOURCE_REMOVE;
}

/* The provider's answers: to initialize, the caller goes on as servers
 * do (initialized, then tools/list); the tools it lists are counted. */
static void
mcp_message_cb (SoupWebsocketConnection *conn,
                gint                     type,
                GBytes                  *message,
                gpointer                 user_data)
{
  McpPeer *peer = peer_of (conn);
  gsize len;
  const char *data = g_bytes_get_data (message, &len);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *initialize_id = g_strdup_printf ("%s_n_1", peer->caller ? peer->caller : "");
  g_autofree char *list_id = g_strdup_printf ("%s_n_2", peer->caller ? peer->caller : "");
  JsonObject *o, *result;
  const char *id;

  if (type != SOUP_WEBSOCKET_DATA_TEXT || !json_parser_load_from_data (parser, data, len, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return;
  o = json_node_get_object (json_parser_get_root (parser));
  id = json_object_get_string_member_with_default (o, "id", "");
  result = json_object_has_member (o, "result") && JSON_NODE_HOLDS_OBJECT (json_object_get_member (o, "result"))
             ? json_object_get_object_member (o, "result") : NULL;
  if (result == NULL)
    return;
  if (g_str_equal (id, initialize_id))
    {
      peer->server->mcp_initialized++;
      send_request (conn, NULL, "notifications/initialized");
      send_request (conn, list_id, "tools/list");
    }
  else if (g_str_equal (id, list_id) && json_object_has_member (result, "tools") &&
           JSON_NODE_HOLDS_ARRAY (json_object_get_member (result, "tools")))
    peer->server->mcp_tools_listed++;
}

static void
mcp_closed_cb (SoupWebsocketConnection *conn,
               gpointer                 user_data)
{
  XaDemoServer *self = user_data;
  McpPeer *peer = peer_of (conn);

  if (peer->agent_id != NULL && g_hash_table_lookup (self->mcp_providers, peer->agent_id) == conn)
    g_hash_table_remove (self->mcp_providers, peer->agent_id);
  g_signal_handlers_disconnect_by_data (conn, self);
  g_ptr_array_remove (self->sockets, conn);
}

void
_xa_demo_mcp_websocket_cb (XaDemoServer            *self,
                           SoupServerMessage       *msg,
                           SoupWebsocketConnection *conn)
{
  g_autofree char *token = _xa_demo_mcp_token_of (msg);
  const char *agent = token ? g_hash_table_lookup (self->mcp_tokens, token) : NULL;
  McpPeer *peer = g_new0 (McpPeer, 1);
  SoupWebsocketConnection *replaced;

  _xa_demo_record_request (self, "mcp", msg);
  peer->server = self;
  g_object_set_data_full (G_OBJECT (conn), "xa-demo-mcp-peer", peer, (GDestroyNotify) mcp_peer_free);
  g_ptr_array_add (self->sockets, g_object_ref (conn));
  g_signal_connect (conn, "message", G_CALLBACK (mcp_message_cb), self);
  g_signal_connect (conn, "closed", G_CALLBACK (mcp_closed_cb), self);

  /* Taken, then judged: the server's own reasons. */
  if (token == NULL || *token == '\0')
    {
      soup_websocket_connection_close (conn, SOUP_WEBSOCKET_CLOSE_POLICY_VIOLATION, "缺少token参数");
      return;
    }
  if (agent == NULL)
    {
      soup_websocket_connection_close (conn, SOUP_WEBSOCKET_CLOSE_POLICY_VIOLATION, "token解密失败");
      return;
    }
  /* A token that names no agent: the self-hosted server's reason; the
   * official-like endpoint closes with 4004 and says nothing. */
  if (*agent == '\0' && g_str_has_prefix (g_uri_get_path (soup_server_message_get_uri (msg)), "/mcp/"))
    {
      soup_websocket_connection_close (conn, 4004, NULL);
      return;
    }
  if (*agent == '\0')
    {
      soup_websocket_connection_close (conn, SOUP_WEBSOCKET_CLOSE_POLICY_VIOLATION, "无对应agentId");
      return;
    }
  /* Another kind of WebSocket server, at the address of an endpoint. */
  if (self->mcp_speaks != NULL)
    {
      soup_websocket_connection_send_text (conn, self->mcp_speaks);
      return;
    }

  peer->agent_id = g_strdup (agent);
  if ((replaced = g_hash_table_lookup (self->mcp_providers, agent)) != NULL)
    soup_websocket_connection_close (replaced, SOUP_WEBSOCKET_CLOSE_NORMAL, "新连接替换");
  g_hash_table_insert (self->mcp_providers, g_strdup (agent), conn);
  if (self->mcp_caller_delay_ms >= 0)
    {
      g_autofree char *uuid = g_uuid_string_random ();

      peer->caller = g_strdup (uuid);
      peer->caller_id = g_timeout_add_full (G_PRIORITY_DEFAULT, (guint) self->mcp_caller_delay_ms, caller_cb,
                                            g_object_ref (conn), g_object_unref);
    }
}
