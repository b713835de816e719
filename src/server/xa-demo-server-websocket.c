/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "xa-demo-server-private.h"

/* The WebSocket: the hello and its answer as each server sends it, the
 * token check, and the faults of a connection (floods, garbage, resets). */

/* The members of a server hello, into an object @b has begun; @audio:
 * the client's audio_params to repeat, as xiaozhi-esp32-server does
 * (helloHandle.py), or NULL for the server's own. */
void
_xa_demo_add_hello_members (JsonBuilder *b,
                            const char  *transport,
                            gboolean     with_session,
                            JsonNode    *audio,
                            const char  *session_id)
{
  g_autofree char *session = session_id ? g_strdup (session_id) : g_uuid_string_random ();

  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, "hello");
  json_builder_set_member_name (b, "transport");
  json_builder_add_string_value (b, transport);
  if (with_session)
    {
      json_builder_set_member_name (b, "session_id");
      json_builder_add_string_value (b, session);
    }
  json_builder_set_member_name (b, "audio_params");
  if (audio != NULL)
    {
      json_builder_add_value (b, json_node_copy (audio));
      return;
    }
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "format");
  json_builder_add_string_value (b, "opus");
  json_builder_set_member_name (b, "sample_rate");
  json_builder_add_int_value (b, 24000);
  json_builder_set_member_name (b, "channels");
  json_builder_add_int_value (b, 1);
  json_builder_set_member_name (b, "frame_duration");
  json_builder_add_int_value (b, 60);
  json_builder_end_object (b);
}

/* Sends what @b has built, as one text frame. */
static void
send_built (SoupWebsocketConnection *conn,
            JsonBuilder             *b)
{
  g_autoptr(JsonNode) root = json_builder_get_root (b);
  g_autofree char *text = json_to_string (root, FALSE);

  soup_websocket_connection_send_text (conn, text);
}

static void
send_hello_with (SoupWebsocketConnection *conn,
                 const char              *transport,
                 gboolean                 with_session,
                 JsonNode                *audio)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  _xa_demo_add_hello_members (b, transport, with_session, audio, NULL);
  json_builder_end_object (b);
  send_built (conn, b);
}

static void
send_hello (SoupWebsocketConnection *conn,
            const char              *transport,
            gboolean                 with_session)
{
  send_hello_with (conn, transport, with_session, NULL);
}

/* What a WebSocket connection said when it opened: its mode and the
 * headers its checks need. */
typedef struct
{
  XaDemoMode  mode;
  char       *device_id;
  char       *client_id;
  char       *authorization;
} Peer;

static void
peer_free (Peer *peer)
{
  g_free (peer->device_id);
  g_free (peer->client_id);
  g_free (peer->authorization);
  g_free (peer);
}

static Peer *
peer_of (SoupWebsocketConnection *conn)
{
  return g_object_get_data (G_OBJECT (conn), "xa-demo-peer");
}

static gboolean
token_accepted (XaDemoServer            *self,
                SoupWebsocketConnection *conn)
{
  const char *device_id = peer_of (conn)->device_id;
  const char *client_id = peer_of (conn)->client_id;
  const char *auth = peer_of (conn)->authorization;
  DemoDevice *device = device_id ? g_hash_table_lookup (self->devices, device_id) : NULL;
  const char *dot = auth ? strrchr (auth, '.') : NULL;
  g_autofree char *expected = NULL;

  if (device == NULL || !device->bound || dot == NULL || !g_str_has_prefix (auth, "Bearer "))
    return FALSE;
  /* As a self-hosted server checks it (core/auth.py): no older than its
   * lifetime, and the signature over the exact Client-Id and Device-Id
   * this connection sent (any issue of it). */
  if (g_get_real_time () / G_USEC_PER_SEC - g_ascii_strtoll (dot + 1, NULL, 10) > self->token_lifetime_s)
    return FALSE;
  expected = _xa_demo_sign_token (self, client_id, device_id, dot + 1);
  return g_str_equal (auth + strlen ("Bearer "), expected);
}

/* What both real servers send once a client's hello says it speaks MCP
 * (helloHandle.py: send_mcp_initialize_message). */
static void
send_mcp_initialize (SoupWebsocketConnection *conn)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, "mcp");
  json_builder_set_member_name (b, "payload");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "jsonrpc");
  json_builder_add_string_value (b, "2.0");
  json_builder_set_member_name (b, "id");
  json_builder_add_int_value (b, 1);
  json_builder_set_member_name (b, "method");
  json_builder_add_string_value (b, "initialize");
  json_builder_set_member_name (b, "params");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "protocolVersion");
  json_builder_add_string_value (b, "2024-11-05");
  json_builder_end_object (b);
  json_builder_end_object (b);
  json_builder_end_object (b);
  send_built (conn, b);
}

/* The text a xiaozhi-esp32-server speaks in place of its hello. */
static void
send_stt (SoupWebsocketConnection *conn,
          const char              *text)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, "stt");
  json_builder_set_member_name (b, "text");
  json_builder_add_string_value (b, text);
  json_builder_end_object (b);
  send_built (conn, b);
}

static gboolean
manager_gave_up_cb (gpointer user_data)
{
  SoupWebsocketConnection *conn = user_data;

  if (soup_websocket_connection_get_state (conn) == SOUP_WEBSOCKET_STATE_OPEN)
    send_stt (conn, UNKNOWN_DEVICE_TEXT);
  return G_SOURCE_REMOVE;
}

static void
refuse (SoupWebsocketConnection *conn)
{
  soup_websocket_connection_send_text (conn, "认证失败");
  soup_websocket_connection_close (conn, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
}

static gboolean
flood_cb (gpointer user_data)
{
  SoupWebsocketConnection *conn = user_data;

  if (soup_websocket_connection_get_state (conn) != SOUP_WEBSOCKET_STATE_OPEN)
    return G_SOURCE_REMOVE;
  for (int i = 0; i < 50 && soup_websocket_connection_get_state (conn) == SOUP_WEBSOCKET_STATE_OPEN; i++)
    soup_websocket_connection_send_text (conn, "{\"type\":\"tts\",\"state\":\"sentence_start\"}");
  return G_SOURCE_CONTINUE;
}

/* Bytes that are no WebSocket frame at all (every reserved bit set, an
 * opcode that does not exist), written under libsoup's framing. */
static gboolean
garbage_cb (gpointer user_data)
{
  SoupWebsocketConnection *conn = user_data;
  GOutputStream *out = g_io_stream_get_output_stream (soup_websocket_connection_get_io_stream (conn));
  guint8 garbage[64];

  if (soup_websocket_connection_get_state (conn) != SOUP_WEBSOCKET_STATE_OPEN)
    return G_SOURCE_REMOVE;
  for (guint i = 0; i < sizeof garbage; i++)
    garbage[i] = 0xf0 | (guint8) g_random_int_range (0, 16);
  g_output_stream_write_all (out, garbage, sizeof garbage, NULL, NULL, NULL);
  g_output_stream_flush (out, NULL, NULL);
  return G_SOURCE_REMOVE;
}

static void
hello_wrong_transport (XaDemoServer            *self,
                       SoupWebsocketConnection *conn,
                       DemoDevice              *device,
                       JsonNode                *audio)
{
  send_hello (conn, "udp", TRUE);
}

static void
hello_no_session (XaDemoServer            *self,
                  SoupWebsocketConnection *conn,
                  DemoDevice              *device,
                  JsonNode                *audio)
{
  send_hello (conn, "websocket", FALSE);
}

static void
hello_hang (XaDemoServer            *self,
            SoupWebsocketConnection *conn,
            DemoDevice              *device,
            JsonNode                *audio)
{
  /* No answer: the hello waits for ever. */
}

static void
hello_nested_json (XaDemoServer            *self,
                   SoupWebsocketConnection *conn,
                   DemoDevice              *device,
                   JsonNode                *audio)
{
  g_autofree char *nested = g_malloc0 (NESTED_SIZE + 1);
  memset (nested, '[', NESTED_SIZE);
  soup_websocket_connection_send_text (conn, nested);
}

static void
hello_frame_flood (XaDemoServer            *self,
                   SoupWebsocketConnection *conn,
                   DemoDevice              *device,
                   JsonNode                *audio)
{
  /* Small frames, as fast as they go, until the client leaves. */
  g_idle_add_full (G_PRIORITY_DEFAULT, flood_cb, g_object_ref (conn), g_object_unref);
}

static void
hello_oversize_frame (XaDemoServer            *self,
                      SoupWebsocketConnection *conn,
                      DemoDevice              *device,
                      JsonNode                *audio)
{
  g_autofree char *big = g_malloc0 (200 * 1024 + 1);
  memset (big, 'x', 200 * 1024);
  soup_websocket_connection_send_text (conn, big);
}

static void
hello_binary_garbage (XaDemoServer            *self,
                      SoupWebsocketConnection *conn,
                      DemoDevice              *device,
                      JsonNode                *audio)
{
  /* A binary frame of noise where the hello belongs (ignored, as
   * audio would be), then bytes that are not a frame. */
  guint8 noise[512];

  for (guint i = 0; i < sizeof noise; i++)
    noise[i] = (guint8) g_random_int_range (0, 256);
  soup_websocket_connection_send_binary (conn, noise, sizeof noise);
  g_timeout_add_full (G_PRIORITY_DEFAULT, 50, garbage_cb, g_object_ref (conn), g_object_unref);
}

static void
hello_unknown_device (XaDemoServer            *self,
                      SoupWebsocketConnection *conn,
                      DemoDevice              *device,
                      JsonNode                *audio)
{
  /* What xiaozhi-esp32-server says to a device that never made an
   * OTA check on it (the official cloud, after its hello). */
  send_hello (conn, "websocket", TRUE);
  soup_websocket_connection_send_text (conn, "{\"type\":\"tts\",\"state\":\"sentence_start\","
                                       "\"text\":\"没有找到该设备的版本信息，请正确配置 OTA地址，然后重新编译固件。\"}");
}

static void
hello_reset_after_upgrade (XaDemoServer            *self,
                           SoupWebsocketConnection *conn,
                           DemoDevice              *device,
                           JsonNode                *audio)
{
  /* No close frame: the connection just drops. */
  g_io_stream_close (soup_websocket_connection_get_io_stream (conn), NULL, NULL);
}

static void
hello_self_hosted (XaDemoServer            *self,
                   SoupWebsocketConnection *conn,
                   DemoDevice              *device,
                   JsonNode                *audio)
{
  if (token_accepted (self, conn))
    send_hello (conn, "websocket", TRUE);
  else
    refuse (conn);
}

static void
hello_single_module (XaDemoServer            *self,
                     SoupWebsocketConnection *conn,
                     DemoDevice              *device,
                     JsonNode                *audio)
{
  if (token_accepted (self, conn))
    {
      send_hello_with (conn, "websocket", TRUE, audio);
      send_mcp_initialize (conn);
    }
  else
    refuse (conn);
}

static void
hello_whitelist (XaDemoServer            *self,
                 SoupWebsocketConnection *conn,
                 DemoDevice              *device,
                 JsonNode                *audio)
{
  send_hello_with (conn, "websocket", TRUE, audio);
  send_mcp_initialize (conn);
}

static void
hello_auth_off (XaDemoServer            *self,
                SoupWebsocketConnection *conn,
                DemoDevice              *device,
                JsonNode                *audio)
{
  if (device != NULL && device->bound)
    {
      send_hello (conn, "websocket", TRUE);
      send_mcp_initialize (conn);
    }
  else if (device != NULL && device->code != NULL)
    {
      g_autofree char *prompt = g_strdup_printf ("请登录控制面板，输入%s，绑定设备", device->code);
      send_stt (conn, prompt);
    }
  else
    send_stt (conn, UNKNOWN_DEVICE_TEXT);
}

static void
hello_slow_manager (XaDemoServer            *self,
                    SoupWebsocketConnection *conn,
                    DemoDevice              *device,
                    JsonNode                *audio)
{
  /* The server's one-second wait for its manager, then its words. */
  g_timeout_add_full (G_PRIORITY_DEFAULT, 1000, manager_gave_up_cb, g_object_ref (conn), g_object_unref);
}

static void
hello_mcp_before_hello (XaDemoServer            *self,
                        SoupWebsocketConnection *conn,
                        DemoDevice              *device,
                        JsonNode                *audio)
{
  if (token_accepted (self, conn))
    {
      send_mcp_initialize (conn);
      send_hello (conn, "websocket", TRUE);
    }
  else
    soup_websocket_connection_close (conn, SOUP_WEBSOCKET_CLOSE_NO_STATUS, NULL);
}

static void
hello_manager (XaDemoServer            *self,
               SoupWebsocketConnection *conn,
               DemoDevice              *device,
               JsonNode                *audio)
{
  if (token_accepted (self, conn))
    send_hello (conn, "websocket", TRUE);
  else if (device != NULL && !device->bound && device->code != NULL)
    {
      g_autofree char *prompt = g_strdup_printf ("请登录控制面板，输入%s，绑定设备", device->code);
      send_stt (conn, prompt);
    }
  else
    refuse (conn);
}

static void
hello_official (XaDemoServer            *self,
                SoupWebsocketConnection *conn,
                DemoDevice              *device,
                JsonNode                *audio)
{
  if (token_accepted (self, conn))
    send_hello (conn, "websocket", TRUE);
  else
    /* What the cloud does: a close frame with no status (Node: 1005). */
    soup_websocket_connection_close (conn, SOUP_WEBSOCKET_CLOSE_NO_STATUS, NULL);
}

typedef void (*DemoHello) (XaDemoServer *self, SoupWebsocketConnection *conn, DemoDevice *device, JsonNode *audio);

/* How each mode answers a hello; the others answer as the official cloud
 * does (the OTA faults among them). */
static const DemoHello hellos[XA_DEMO_N_MODES] = {
  [XA_DEMO_MODE_HELLO_WRONG_TRANSPORT] = hello_wrong_transport,
  [XA_DEMO_MODE_HELLO_NO_SESSION] = hello_no_session,
  [XA_DEMO_MODE_HELLO_HANG] = hello_hang,
  [XA_DEMO_MODE_NESTED_JSON] = hello_nested_json,
  [XA_DEMO_MODE_FRAME_FLOOD] = hello_frame_flood,
  [XA_DEMO_MODE_OVERSIZE_FRAME] = hello_oversize_frame,
  [XA_DEMO_MODE_BINARY_GARBAGE] = hello_binary_garbage,
  [XA_DEMO_MODE_UNKNOWN_DEVICE] = hello_unknown_device,
  [XA_DEMO_MODE_RESET_AFTER_UPGRADE] = hello_reset_after_upgrade,
  [XA_DEMO_MODE_DATED_TOKENS] = hello_self_hosted,
  [XA_DEMO_MODE_SELF_HOSTED] = hello_self_hosted,
  [XA_DEMO_MODE_SINGLE_MODULE] = hello_single_module,
  [XA_DEMO_MODE_NO_AUTH_HEADER] = hello_single_module,
  [XA_DEMO_MODE_WHITELIST] = hello_whitelist,
  [XA_DEMO_MODE_AUTH_OFF] = hello_auth_off,
  [XA_DEMO_MODE_SLOW_MANAGER] = hello_slow_manager,
  [XA_DEMO_MODE_MCP_BEFORE_HELLO] = hello_mcp_before_hello,
  [XA_DEMO_MODE_MANAGER] = hello_manager,
};

static void
ws_message_cb (SoupWebsocketConnection *conn,
               gint                     type,
               GBytes                  *message,
               gpointer                 user_data)
{
  XaDemoServer *self = user_data;
  XaDemoMode mode = peer_of (conn)->mode;
  const char *device_id = peer_of (conn)->device_id;
  DemoDevice *device = device_id ? g_hash_table_lookup (self->devices, device_id) : NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  gsize len;
  const char *data = g_bytes_get_data (message, &len);
  JsonNode *root, *audio;

  if (type != SOUP_WEBSOCKET_DATA_TEXT ||
      soup_websocket_connection_get_state (conn) != SOUP_WEBSOCKET_STATE_OPEN ||
      !json_parser_load_from_data (parser, data, len, NULL) ||
      (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root) ||
      g_strcmp0 (json_object_get_string_member_with_default (json_node_get_object (root), "type", ""), "hello") != 0)
    return;
  self->hellos++;
  audio = json_object_get_member (json_node_get_object (root), "audio_params");

  (mode < XA_DEMO_N_MODES && hellos[mode] != NULL ? hellos[mode] : hello_official) (self, conn, device, audio);
}

static void
ws_closed_cb (SoupWebsocketConnection *conn,
              gpointer                 user_data)
{
  XaDemoServer *self = user_data;

  /* This end's view of the close, for tests that check both ends. */
  self->last_close_code = soup_websocket_connection_get_close_code (conn);
  g_signal_handlers_disconnect_by_data (conn, self);
  g_ptr_array_remove (self->sockets, conn);
}

void
_xa_demo_websocket_cb (SoupServer              *server,
                       SoupServerMessage       *msg,
                       const char              *full_path,
                       SoupWebsocketConnection *conn,
                       gpointer                 user_data)
{
  XaDemoServer *self = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  XaDemoMode mode;

  if (_xa_demo_is_mcp_path (full_path))
    {
      _xa_demo_mcp_websocket_cb (self, msg, conn);
      return;
    }
  _xa_demo_split_mode (self, full_path, &mode);
  _xa_demo_record_request (self, "ws", msg);

  {
    Peer *peer = g_new0 (Peer, 1);

    peer->mode = mode;
    peer->device_id = g_strdup (soup_message_headers_get_one (headers, "Device-Id"));
    peer->client_id = g_strdup (soup_message_headers_get_one (headers, "Client-Id"));
    peer->authorization = g_strdup (soup_message_headers_get_one (headers, "Authorization"));
    g_object_set_data_full (G_OBJECT (conn), "xa-demo-peer", peer, (GDestroyNotify) peer_free);
  }

  g_ptr_array_add (self->sockets, g_object_ref (conn));
  g_signal_connect (conn, "message", G_CALLBACK (ws_message_cb), self);
  g_signal_connect (conn, "closed", G_CALLBACK (ws_closed_cb), self);
}

void
_xa_demo_close_socket (gpointer data)
{
  SoupWebsocketConnection *conn = data;

  g_signal_handlers_disconnect_matched (conn, G_SIGNAL_MATCH_FUNC, 0, 0, NULL, ws_closed_cb, NULL);
  g_signal_handlers_disconnect_matched (conn, G_SIGNAL_MATCH_FUNC, 0, 0, NULL, ws_message_cb, NULL);
  g_object_unref (conn);
}
