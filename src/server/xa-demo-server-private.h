/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "xa-demo-server.h"
#include "xa-mqtt-link.h"

G_BEGIN_DECLS

/* The demo server's parts (xa-demo-server.c: the object, the routing and
 * what every answer needs; -ota.c, -websocket.c, -gateway.c, -faults.c)
 * share its state and these helpers. */

#define NESTED_SIZE (100 * 1024)
#define HUGE_ANSWER_SIZE (2 * 1024 * 1024)

/* One device as the server remembers it. */
typedef struct
{
  char    *device_id;
  char    *client_id;
  char    *hmac_key;
  char    *code;
  char    *challenge;
  gint64   code_expires_us;
  gboolean bound;
  char    *token;
} DemoDevice;

struct _XaDemoServer
{
  GObject          parent_instance;

  SoupServer      *server;
  XaDemoMode       mode;
  guint            issued;
  GTlsCertificate *certificate;
  guint            code_lifetime_ms;
  char            *firmware;       /* the version a single-module server offers, or NULL */
  char            *manager_unset;  /* the manager-api parameter left empty, or NULL */
  guint            port;
  guint            ws_port;        /* the single-module server's WebSocket port */
  char            *secret;
  gint64           token_lifetime_s;
  gint64           token_age_s;

  GHashTable      *devices;        /* device id → DemoDevice */
  GHashTable      *last_headers;   /* kind → SoupMessageHeaders */
  GHashTable      *last_bodies;    /* kind → char* */
  GHashTable      *counts;         /* kind → count */
  GHashTable      *gateway_sessions; /* MQTT client → the session id it was given */
  GPtrArray       *held_streams;   /* connections we never answer */
  GPtrArray       *sockets;        /* open WebSocket connections */
  guint            hellos;         /* client hellos seen on the WebSocket */

  /* MCP endpoints (xa-demo-server-mcp.c). */
  GHashTable      *mcp_tokens;     /* token → agent id ("": a token without one) */
  GHashTable      *mcp_providers;  /* agent id → its tool connection (not owned) */
  guint            mcp_refusal;      /* /mcp/'s HTTP status for an unknown token */
  char            *mcp_speaks;       /* set: the endpoint sends this and is no MCP endpoint */
  int              mcp_caller_delay_ms; /* when a caller initializes a provider; -1: never */
  guint            mcp_initialized; /* providers that answered initialize */
  guint            mcp_tools_listed; /* tools/list answers with a list */
  gushort          last_close_code; /* what the last WebSocket closed with, as this end saw it */

  /* The MQTT gateway's side, once a broker is set. */
  struct mosquitto *gateway;
  XaMqttLink       *gateway_link;
  char             *mqtt_host;
  int               mqtt_port;
};

/* The manager-api's firmware address for a device it has not bound
 * (Constant.INVALID_FIRMWARE_URL). */
#define MANAGER_NO_FIRMWARE_URL "http://xiaozhi.server.com:8002/xiaozhi/otaMag/download/NOT_ACTIVATED_FIRMWARE_THIS_IS_A_INVALID_URL"
#define UNKNOWN_DEVICE_TEXT "没有找到该设备的版本信息，请正确配置 OTA地址，然后重新编译固件。"

gboolean _xa_demo_is_single_module (XaDemoMode mode);
gboolean _xa_demo_is_manager (XaDemoMode mode);
void _xa_demo_count_request (XaDemoServer *self, const char *kind);
void _xa_demo_record_request (XaDemoServer *self, const char *kind, SoupServerMessage *msg);
void _xa_demo_respond_json (SoupServerMessage *msg, guint status, JsonBuilder *builder);
void _xa_demo_respond_text (SoupServerMessage *msg, guint status, const char *content_type, const char *text);
void _xa_demo_respond_error_json (SoupServerMessage *msg, guint status, const char *member, const char *text);
char * _xa_demo_new_code (XaDemoServer *self);
char * _xa_demo_sign_token (XaDemoServer *self, const char *client_id, const char *device_id, const char *ts);
char * _xa_demo_new_token (XaDemoServer *self, DemoDevice *device);
void _xa_demo_bind_device (XaDemoServer *self, DemoDevice *device);
const char * _xa_demo_split_mode (XaDemoServer *self, const char *path, XaDemoMode *mode);
char * _xa_demo_url_for (XaDemoServer *self, XaDemoMode mode, const char *scheme, const char *path);
gboolean _xa_demo_answer_fault (XaDemoServer *self, XaDemoMode mode, SoupServerMessage *msg);
JsonObject * _xa_demo_parse_object (SoupServerMessage *msg, JsonParser *parser);
void _xa_demo_handle_ota (XaDemoServer *self, XaDemoMode mode, SoupServerMessage *msg);
void _xa_demo_handle_activate (XaDemoServer *self, XaDemoMode mode, SoupServerMessage *msg);
void _xa_demo_add_hello_members (JsonBuilder *b, const char *transport, gboolean with_session, JsonNode *audio, const char *session_id);
void _xa_demo_websocket_cb (SoupServer *server, SoupServerMessage *msg, const char *full_path, SoupWebsocketConnection *conn, gpointer user_data);
void _xa_demo_close_socket (gpointer data);
gboolean _xa_demo_is_mcp_path (const char *path);
char * _xa_demo_mcp_token_of (SoupServerMessage *msg);
void _xa_demo_mcp_websocket_cb (XaDemoServer *self, SoupServerMessage *msg, SoupWebsocketConnection *conn);

G_END_DECLS
