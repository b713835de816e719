/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "xa-demo-server.h"
#include "xa-mqtt-link.h"

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

  /* The MQTT gateway's side, once a broker is set. */
  struct mosquitto *gateway;
  XaMqttLink       *gateway_link;
  char             *mqtt_host;
  int               mqtt_port;
};

G_DEFINE_FINAL_TYPE (XaDemoServer, xa_demo_server, G_TYPE_OBJECT)

static const char * const mode_nicks[XA_DEMO_N_MODES] = {
  [XA_DEMO_MODE_OFFICIAL] = "official",
  [XA_DEMO_MODE_SELF_HOSTED] = "self-hosted",
  [XA_DEMO_MODE_MANAGER] = "manager",
  [XA_DEMO_MODE_V1] = "v1",
  [XA_DEMO_MODE_HTTP_500] = "http-500",
  [XA_DEMO_MODE_ERROR_FIELD] = "error-field",
  [XA_DEMO_MODE_SUCCESS_FALSE] = "success-false",
  [XA_DEMO_MODE_CODE_500] = "code-500",
  [XA_DEMO_MODE_NOT_JSON] = "not-json",
  [XA_DEMO_MODE_TRUNCATED] = "truncated",
  [XA_DEMO_MODE_HUGE] = "huge",
  [XA_DEMO_MODE_HANG] = "hang",
  [XA_DEMO_MODE_DROP] = "drop",
  [XA_DEMO_MODE_REDIRECT] = "redirect",
  [XA_DEMO_MODE_INCOMPLETE] = "incomplete",
  [XA_DEMO_MODE_HELLO_WRONG_TRANSPORT] = "hello-wrong-transport",
  [XA_DEMO_MODE_HELLO_NO_SESSION] = "hello-no-session",
  [XA_DEMO_MODE_HELLO_HANG] = "hello-hang",
  [XA_DEMO_MODE_UPGRADE_401] = "upgrade-401",
  [XA_DEMO_MODE_UPGRADE_404] = "upgrade-404",
  [XA_DEMO_MODE_TOKEN_NEWLINE] = "token-newline",
  [XA_DEMO_MODE_NESTED_JSON] = "nested-json",
  [XA_DEMO_MODE_FRAME_FLOOD] = "frame-flood",
  [XA_DEMO_MODE_OVERSIZE_FRAME] = "oversize-frame",
  [XA_DEMO_MODE_BINARY_GARBAGE] = "binary-garbage",
  [XA_DEMO_MODE_HUGE_NUMBERS] = "huge-numbers",
  [XA_DEMO_MODE_ANSI_ESCAPES] = "ansi-escapes",
  [XA_DEMO_MODE_RESET_AFTER_UPGRADE] = "reset-after-upgrade",
  [XA_DEMO_MODE_UNKNOWN_DEVICE] = "unknown-device",
  [XA_DEMO_MODE_MQTT_ONLY] = "mqtt-only",
  [XA_DEMO_MODE_MANAGER_PLACEHOLDER] = "manager-placeholder",
  [XA_DEMO_MODE_ACTIVATE_404] = "activate-404",
  [XA_DEMO_MODE_OTA_400] = "ota-400",
  [XA_DEMO_MODE_DATED_TOKENS] = "dated-tokens",
  [XA_DEMO_MODE_MQTT_NO_UDP] = "mqtt-no-udp",
  [XA_DEMO_MODE_MQTT_NULL_TOPIC] = "mqtt-null-topic",
  /* A server whose clock is two hours off and that sends devices to a
   * wss:// address while its OTA is plain http (the diagnosis's
   * clock-skew and scheme-mix findings). */
  [XA_DEMO_MODE_MISCONFIGURED] = "misconfigured",
  /* xiaozhi-esp32-server alone (ota_handler.py, websocket_server.py): any
   * Device-Id gets a signed token at once, the firmware section echoes
   * the device's version, the WebSocket is on a port of its own, and MCP
   * initialize follows the hello. */
  [XA_DEMO_MODE_SINGLE_MODULE] = "single-module",
  /* The same with the Device-Id in server.auth.allowed_devices: no
   * token given, none checked. */
  [XA_DEMO_MODE_WHITELIST] = "whitelist",
  /* A manager with server.auth.enabled off: codes as a manager, then an
   * empty token and a hello for any token. */
  [XA_DEMO_MODE_AUTH_OFF] = "auth-off",
  /* A manager that answers the server too late: the hello is dropped after
   * a second and the unknown-device text comes instead (connection.py). */
  [XA_DEMO_MODE_SLOW_MANAGER] = "slow-manager",
  /* A single-module server whose OTA gave an empty token (authentication
   * was off then) and whose WebSocket now wants one: “认证失败”. */
  [XA_DEMO_MODE_NO_AUTH_HEADER] = "no-auth-header",
  /* The official cloud's behaviour, with MCP initialize before the hello. */
  [XA_DEMO_MODE_MCP_BEFORE_HELLO] = "mcp-before-hello",
};

/* The manager-api's firmware address for a device it has not bound
 * (Constant.INVALID_FIRMWARE_URL). */
#define MANAGER_NO_FIRMWARE_URL "http://xiaozhi.server.com:8002/xiaozhi/otaMag/download/NOT_ACTIVATED_FIRMWARE_THIS_IS_A_INVALID_URL"
#define UNKNOWN_DEVICE_TEXT "没有找到该设备的版本信息，请正确配置 OTA地址，然后重新编译固件。"

static gboolean
is_single_module (XaDemoMode mode)
{
  return mode == XA_DEMO_MODE_SINGLE_MODULE || mode == XA_DEMO_MODE_WHITELIST || mode == XA_DEMO_MODE_NO_AUTH_HEADER;
}

static gboolean
is_manager (XaDemoMode mode)
{
  return mode == XA_DEMO_MODE_MANAGER || mode == XA_DEMO_MODE_MANAGER_PLACEHOLDER ||
         mode == XA_DEMO_MODE_AUTH_OFF || mode == XA_DEMO_MODE_SLOW_MANAGER;
}

static void
demo_device_free (DemoDevice *device)
{
  g_free (device->device_id);
  g_free (device->client_id);
  g_free (device->hmac_key);
  g_free (device->code);
  g_free (device->challenge);
  g_free (device->token);
  g_free (device);
}

const char *
xa_demo_mode_to_nick (XaDemoMode mode)
{
  g_return_val_if_fail (mode < XA_DEMO_N_MODES, NULL);
  return mode_nicks[mode];
}

gboolean
xa_demo_mode_from_nick (const char *nick,
                        XaDemoMode *mode)
{
  for (guint i = 0; i < XA_DEMO_N_MODES; i++)
    {
      if (g_strcmp0 (nick, mode_nicks[i]) == 0)
        {
          *mode = i;
          return TRUE;
        }
    }
  return FALSE;
}

/* ---- helpers ------------------------------------------------------------ */

/* Counts one more request (or MQTT message) of @kind. */
static void
count_request (XaDemoServer *self,
               const char   *kind)
{
  g_hash_table_replace (self->counts, g_strdup (kind),
                        GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (self->counts, kind)) + 1));
}

static void
record_request (XaDemoServer      *self,
                const char        *kind,
                SoupServerMessage *msg)
{
  SoupMessageHeaders *copy = soup_message_headers_new (SOUP_MESSAGE_HEADERS_REQUEST);
  SoupMessageHeadersIter iter;
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  const char *name, *value;

  soup_message_headers_iter_init (&iter, soup_server_message_get_request_headers (msg));
  while (soup_message_headers_iter_next (&iter, &name, &value))
    soup_message_headers_append (copy, name, value);

  g_hash_table_replace (self->last_headers, g_strdup (kind), copy);
  g_hash_table_replace (self->last_bodies, g_strdup (kind),
                        g_strndup (body->data ? body->data : "", body->length));
  count_request (self, kind);
}

static void
respond_json (SoupServerMessage *msg,
              guint              status,
              JsonBuilder       *builder)
{
  g_autoptr(JsonNode) root = json_builder_get_root (builder);
  char *text = json_to_string (root, FALSE);

  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE, text, strlen (text));
}

static void
respond_text (SoupServerMessage *msg,
              guint              status,
              const char        *content_type,
              const char        *text)
{
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, content_type, SOUP_MEMORY_COPY, text, strlen (text));
}

static void
respond_error_json (SoupServerMessage *msg,
                    guint              status,
                    const char        *member,
                    const char        *text)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, member);
  json_builder_add_string_value (b, text);
  json_builder_end_object (b);
  respond_json (msg, status, b);
}

static char *
new_code (XaDemoServer *self)
{
  for (;;)
    {
      g_autofree char *code = g_strdup_printf ("%06u", g_random_int_range (0, 1000000));
      GHashTableIter iter;
      DemoDevice *device;
      gboolean taken = FALSE;

      g_hash_table_iter_init (&iter, self->devices);
      while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &device))
        taken |= g_strcmp0 (device->code, code) == 0;
      if (!taken)
        return g_steal_pointer (&code);
    }
}

/* Like the self-hosted server: base64url(HMAC(client|device|ts)).ts */
/* Self-hosted tokens: "<base64url HMAC of client_id|device_id|ts>.<ts>",
 * signed over the exact header strings. */
static char *
sign_token (XaDemoServer *self,
            const char   *client_id,
            const char   *device_id,
            const char   *ts)
{
  g_autofree char *msg = g_strdup_printf ("%s|%s|%s", client_id ? client_id : "", device_id, ts);
  g_autoptr(GHmac) hmac = g_hmac_new (G_CHECKSUM_SHA256, (const guchar *) self->secret, strlen (self->secret));
  guint8 digest[32];
  gsize len = sizeof digest;
  g_autofree char *b64 = NULL;

  g_hmac_update (hmac, (const guchar *) msg, -1);
  g_hmac_get_digest (hmac, digest, &len);
  b64 = g_base64_encode (digest, len);
  g_strdelimit (b64, "+", '-');
  g_strdelimit (b64, "/", '_');
  g_strdelimit (b64, "=", '\0');

  return g_strdup_printf ("%s.%s", b64, ts);
}

static char *
new_token (XaDemoServer *self,
           DemoDevice   *device)
{
  /* A later second for each new issue, so that two in a row differ. */
  g_autofree char *ts = g_strdup_printf ("%" G_GINT64_FORMAT,
                                         g_get_real_time () / G_USEC_PER_SEC - self->token_age_s + self->issued++);

  return sign_token (self, device->client_id, device->device_id, ts);
}

static void
bind_device (XaDemoServer *self,
             DemoDevice   *device)
{
  device->bound = TRUE;
  g_clear_pointer (&device->code, g_free);
  g_free (device->token);
  device->token = new_token (self, device);
}

static DemoDevice *
find_by_code (XaDemoServer *self,
              const char   *code)
{
  GHashTableIter iter;
  DemoDevice *device;

  g_hash_table_iter_init (&iter, self->devices);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &device))
    {
      if (device->code != NULL && g_strcmp0 (device->code, code) == 0 &&
          g_get_monotonic_time () < device->code_expires_us)
        return device;
    }
  return NULL;
}

/* "/mode/<nick>/rest" selects a mode for one request. */
static const char *
split_mode (XaDemoServer *self,
            const char   *path,
            XaDemoMode   *mode)
{
  const char *rest;
  g_autofree char *nick = NULL;

  *mode = self->mode;
  if (!g_str_has_prefix (path, "/mode/"))
    return path;

  rest = strchr (path + strlen ("/mode/"), '/');
  nick = rest ? g_strndup (path + 6, rest - (path + 6)) : g_strdup (path + 6);
  if (!xa_demo_mode_from_nick (nick, mode))
    *mode = self->mode;
  return rest ? rest : "/";
}

static char *
url_for (XaDemoServer *self,
         XaDemoMode    mode,
         const char   *scheme,
         const char   *path)
{
  /* The Python server gives its WebSocket port (8000), not its HTTP one. */
  guint port = is_single_module (mode) && g_str_has_prefix (scheme, "ws") ? self->ws_port : self->port;

  if (mode == self->mode)
    return g_strdup_printf ("%s://127.0.0.1:%u%s", scheme, port, path);
  return g_strdup_printf ("%s://127.0.0.1:%u/mode/%s%s", scheme, port, mode_nicks[mode], path);
}

/* ---- faults that need the raw connection ------------------------------ */

static void
write_and_close (GIOStream  *stream,
                 const char *raw)
{
  GOutputStream *out = g_io_stream_get_output_stream (stream);

  /* Loopback and a few bytes: this never blocks for long. */
  g_output_stream_write_all (out, raw, strlen (raw), NULL, NULL, NULL);
  g_io_stream_close (stream, NULL, NULL);
  g_object_unref (stream);
}

static gboolean
answer_fault (XaDemoServer      *self,
              XaDemoMode         mode,
              SoupServerMessage *msg)
{
  switch (mode)
    {
    case XA_DEMO_MODE_HTTP_500:
      respond_text (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "text/plain", "Internal Server Error");
      return TRUE;
    case XA_DEMO_MODE_ERROR_FIELD:
      respond_error_json (msg, SOUP_STATUS_OK, "error", "Invalid device ID");
      return TRUE;
    case XA_DEMO_MODE_SUCCESS_FALSE:
      {
        g_autoptr(JsonBuilder) b = json_builder_new ();
        json_builder_begin_object (b);
        json_builder_set_member_name (b, "success");
        json_builder_add_boolean_value (b, FALSE);
        json_builder_set_member_name (b, "message");
        json_builder_add_string_value (b, "request error.");
        json_builder_end_object (b);
        respond_json (msg, SOUP_STATUS_OK, b);
        return TRUE;
      }
    case XA_DEMO_MODE_CODE_500:
      {
        g_autoptr(JsonBuilder) b = json_builder_new ();
        json_builder_begin_object (b);
        json_builder_set_member_name (b, "code");
        json_builder_add_int_value (b, 500);
        json_builder_set_member_name (b, "msg");
        json_builder_add_string_value (b, "服务器内部错误");
        json_builder_end_object (b);
        respond_json (msg, SOUP_STATUS_OK, b);
        return TRUE;
      }
    case XA_DEMO_MODE_NOT_JSON:
      respond_text (msg, SOUP_STATUS_OK, "text/html",
                    "<!DOCTYPE html><html><body><h1>Welcome to nginx!</h1></body></html>");
      return TRUE;
    case XA_DEMO_MODE_INCOMPLETE:
      respond_text (msg, SOUP_STATUS_OK, "application/json",
                    "{\"firmware\":{\"version\":\"1.0.0\",\"url\":\"\"}}");
      return TRUE;
    case XA_DEMO_MODE_REDIRECT:
      soup_server_message_set_redirect (msg, SOUP_STATUS_MOVED_PERMANENTLY,
                                        "https://api.tenclass.net/xiaozhi/ota/");
      return TRUE;
    case XA_DEMO_MODE_HUGE:
      {
        char *body = g_malloc (HUGE_ANSWER_SIZE);
        /* Valid JSON, just far too big: {"pad":"xxxx…"} */
        memset (body, 'x', HUGE_ANSWER_SIZE);
        memcpy (body, "{\"pad\":\"", 8);
        memcpy (body + HUGE_ANSWER_SIZE - 2, "\"}", 2);
        soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
        soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE, body, HUGE_ANSWER_SIZE);
        return TRUE;
      }
    case XA_DEMO_MODE_TRUNCATED:
      write_and_close (soup_server_message_steal_connection (msg),
                       "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                       "Content-Length: 400\r\nConnection: close\r\n\r\n"
                       "{\"activation\":{\"code\":\"12");
      return TRUE;
    case XA_DEMO_MODE_DROP:
      write_and_close (soup_server_message_steal_connection (msg), "");
      return TRUE;
    case XA_DEMO_MODE_HANG:
      g_ptr_array_add (self->held_streams, soup_server_message_steal_connection (msg));
      return TRUE;
    case XA_DEMO_MODE_OTA_400:
      /* The official cloud's answer to a request it will not serve. */
      respond_text (msg, SOUP_STATUS_BAD_REQUEST, "text/plain", "Invalid MAC address");
      return TRUE;
    case XA_DEMO_MODE_NESTED_JSON:
      {
        /* 100 KB of "[": a recursive parser overflows its stack. */
        char *body = g_malloc (NESTED_SIZE);
        memset (body, '[', NESTED_SIZE);
        soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
        soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE, body, NESTED_SIZE);
        return TRUE;
      }
    case XA_DEMO_MODE_HUGE_NUMBERS:
      respond_text (msg, SOUP_STATUS_OK, "application/json",
                    "{\"server_time\":{\"timestamp\":-9223372036854775808,\"timezone_offset\":1e19},"
                    "\"activation\":{\"code\":\"246810\",\"message\":\"246810\",\"challenge\":\"c\","
                    "\"timeout_ms\":1e19}}");
      return TRUE;
    case XA_DEMO_MODE_ANSI_ESCAPES:
      /* An error text that would clear the screen, retitle the terminal
       * and print a line of ours. */
      respond_text (msg, SOUP_STATUS_OK, "application/json",
                    "{\"error\":\"\\u001b[2J\\u001b]0;pwned\\u0007bad\\n\\u2714 Token is valid\"}");
      return TRUE;
    case XA_DEMO_MODE_OFFICIAL:
    case XA_DEMO_MODE_SELF_HOSTED:
    case XA_DEMO_MODE_MANAGER:
    case XA_DEMO_MODE_V1:
    case XA_DEMO_MODE_HELLO_WRONG_TRANSPORT:
    case XA_DEMO_MODE_HELLO_NO_SESSION:
    case XA_DEMO_MODE_HELLO_HANG:
    case XA_DEMO_MODE_UPGRADE_401:
    case XA_DEMO_MODE_UPGRADE_404:
    case XA_DEMO_MODE_TOKEN_NEWLINE:
    case XA_DEMO_MODE_FRAME_FLOOD:
    case XA_DEMO_MODE_OVERSIZE_FRAME:
    case XA_DEMO_MODE_BINARY_GARBAGE:
    case XA_DEMO_MODE_RESET_AFTER_UPGRADE:
    case XA_DEMO_MODE_UNKNOWN_DEVICE:
    case XA_DEMO_MODE_MQTT_ONLY:
    case XA_DEMO_MODE_MANAGER_PLACEHOLDER:
    case XA_DEMO_MODE_ACTIVATE_404:
    case XA_DEMO_MODE_DATED_TOKENS:
    case XA_DEMO_MODE_MQTT_NO_UDP:
    case XA_DEMO_MODE_MQTT_NULL_TOPIC:
    case XA_DEMO_MODE_MISCONFIGURED:
    case XA_DEMO_MODE_SINGLE_MODULE:
    case XA_DEMO_MODE_WHITELIST:
    case XA_DEMO_MODE_AUTH_OFF:
    case XA_DEMO_MODE_SLOW_MANAGER:
    case XA_DEMO_MODE_NO_AUTH_HEADER:
    case XA_DEMO_MODE_MCP_BEFORE_HELLO:
    case XA_DEMO_N_MODES:
    default:
      return FALSE;
    }
}

/* ---- OTA ----------------------------------------------------------------- */

static JsonObject *
parse_object (SoupServerMessage *msg,
              JsonParser        *parser)
{
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  JsonNode *root;

  if (body->length == 0 || !json_parser_load_from_data (parser, body->data, body->length, NULL))
    return NULL;
  root = json_parser_get_root (parser);
  return JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
}

static DemoDevice *
lookup_device (XaDemoServer      *self,
               SoupServerMessage *msg,
               gboolean           create)
{
  const char *device_id = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                        "Device-Id");
  DemoDevice *device;

  if (device_id == NULL || strlen (device_id) != 17)
    return NULL;

  device = g_hash_table_lookup (self->devices, device_id);
  if (device == NULL && create)
    {
      device = g_new0 (DemoDevice, 1);
      device->device_id = g_strdup (device_id);
      g_hash_table_insert (self->devices, device->device_id, device);
    }
  return device;
}

/* Where a device of @mode talks MQTT: the broker and topics of this
 * server's gateway once it has one (the mode rides in the publish topic,
 * the answer comes on the device's own), else a placeholder. */
static void
mqtt_details (XaDemoServer  *self,
              XaDemoMode     mode,
              const char    *client,
              char         **endpoint,
              char         **publish,
              char         **subscribe)
{
  g_autofree char *topic_client = g_strdelimit (g_strdup (client), "/#+", '_');

  /* "host:port", as real servers send it (server.mqtt_gateway): a
   * board uses TLS on 8883 only, and the tests' broker is on neither
   * 1883 nor 8883. */
  *endpoint = self->mqtt_host ? g_strdup_printf ("%s:%d", self->mqtt_host, self->mqtt_port)
                              : g_strdup ("127.0.0.1:1883");
  *publish = self->mqtt_host ? g_strdup_printf ("device-server/%s/%s", mode_nicks[mode], topic_client)
                             : g_strdup ("device-server");
  *subscribe = self->mqtt_host && mode != XA_DEMO_MODE_MQTT_NULL_TOPIC
                 ? g_strdup_printf ("devices/p2p/%s", topic_client) : g_strdup ("null");
}

static void
handle_ota (XaDemoServer      *self,
            XaDemoMode         mode,
            SoupServerMessage *msg)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autofree char *ws_url = NULL;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *client_id = soup_message_headers_get_one (headers, "Client-Id");
  JsonObject *request, *app;
  DemoDevice *device;

  if (soup_server_message_get_method (msg) != SOUP_METHOD_POST)
    {
      /* What self-hosted servers say to a browser. */
      respond_text (msg, SOUP_STATUS_OK, "text/plain",
                    "OTA interface is running. Devices POST to this address.");
      return;
    }

  record_request (self, "ota", msg);
  if (answer_fault (self, mode, msg))
    return;

  device = lookup_device (self, msg, TRUE);
  if (device == NULL)
    {
      respond_error_json (msg, SOUP_STATUS_OK, "error", "Invalid device ID");
      return;
    }

  request = parse_object (msg, parser);
  app = request && json_object_has_member (request, "application")
          ? json_object_get_object_member (request, "application") : NULL;
  if (app != NULL && json_object_has_member (app, "elf_sha256"))
    {
      g_free (device->hmac_key);
      device->hmac_key = g_strdup (json_object_get_string_member (app, "elf_sha256"));
    }
  if (client_id != NULL)
    {
      g_free (device->client_id);
      device->client_id = g_strdup (client_id);
    }

  /* A manager with an MQTT gateway: server time, firmware and MQTT,
   * never a code, never a WebSocket (core/api/ota_handler.py). */
  if (mode == XA_DEMO_MODE_MQTT_ONLY || mode == XA_DEMO_MODE_MQTT_NO_UDP || mode == XA_DEMO_MODE_MQTT_NULL_TOPIC)
    {
      g_autofree char *client = g_strdup_printf ("GID_default@@@%s@@@%s", device->device_id,
                                                 client_id ? client_id : "");
      g_autofree char *endpoint = NULL;
      g_autofree char *publish = NULL;
      g_autofree char *subscribe = NULL;
      g_autofree char *text = NULL;

      g_strdelimit (client, ":", '_');
      mqtt_details (self, mode, client, &endpoint, &publish, &subscribe);
      text = g_strdup_printf ("{\"server_time\":{\"timestamp\":%" G_GINT64_FORMAT ",\"timezone_offset\":480},"
                              "\"firmware\":{\"version\":\"1.6.0\",\"url\":\"\"},"
                              "\"mqtt\":{\"endpoint\":\"%s\",\"client_id\":\"%s\","
                              "\"username\":\"demo-user\",\"password\":\"demo-mqtt-password\","
                              "\"publish_topic\":\"%s\",\"subscribe_topic\":\"%s\"}}",
                              g_get_real_time () / 1000, endpoint, client, publish, subscribe);
      respond_text (msg, SOUP_STATUS_OK, "application/json", text);
      return;
    }

  /* A single-module server has no activation: every device may talk. */
  if ((mode == XA_DEMO_MODE_SELF_HOSTED || mode == XA_DEMO_MODE_DATED_TOKENS || is_single_module (mode)) &&
      !device->bound)
    bind_device (self, device);
  /* xiaozhi-esp32-server issues a fresh dated token at every check. */
  else if (mode == XA_DEMO_MODE_DATED_TOKENS)
    {
      g_free (device->token);
      device->token = new_token (self, device);
    }

  json_builder_begin_object (b);

  json_builder_set_member_name (b, "server_time");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "timestamp");
  json_builder_add_int_value (b, g_get_real_time () / 1000 +
                                   (mode == XA_DEMO_MODE_MISCONFIGURED ? 2 * 3600 * 1000 : 0));
  json_builder_set_member_name (b, "timezone_offset");
  json_builder_add_int_value (b, 480);
  json_builder_end_object (b);

  /* The single-module server echoes the device's version with no
   * address; a manager sends its placeholder address to a device it has
   * not bound, and nothing to a bound one (auto update off). */
  if (!is_manager (mode) || !device->bound)
    {
      const char *version = app && json_object_has_member (app, "version")
                              ? json_object_get_string_member_with_default (app, "version", "") : "";

      g_autofree char *offer = NULL;

      /* Or a file of its data/bin, at its download address. */
      if (is_single_module (mode) && self->firmware != NULL)
        offer = g_strdup_printf ("http://127.0.0.1:%u/xiaozhi/ota/download/demo_%s.bin", self->port, self->firmware);
      json_builder_set_member_name (b, "firmware");
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "version");
      json_builder_add_string_value (b, offer ? self->firmware
                                              : is_single_module (mode) || is_manager (mode) ? version : "1.0.0");
      json_builder_set_member_name (b, "url");
      json_builder_add_string_value (b, offer ? offer : is_manager (mode) ? MANAGER_NO_FIRMWARE_URL : "");
      json_builder_end_object (b);
    }

  if (!device->bound)
    {
      if (device->code == NULL || g_get_monotonic_time () >= device->code_expires_us)
        {
          char *code = new_code (self);

          g_free (device->code);
          device->code = code;
          g_free (device->challenge);
          device->challenge = is_manager (mode) ? g_strdup (device->device_id) : g_uuid_string_random ();
          device->code_expires_us = g_get_monotonic_time () + (gint64) self->code_lifetime_ms * 1000;
        }

      json_builder_set_member_name (b, "activation");
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "code");
      json_builder_add_string_value (b, device->code);
      json_builder_set_member_name (b, "message");
      if (mode == XA_DEMO_MODE_OFFICIAL)
        {
          g_autofree char *text = g_strdup_printf ("xiaozhi.me\n%s", device->code);
          json_builder_add_string_value (b, text);
        }
      else if (mode == XA_DEMO_MODE_MANAGER_PLACEHOLDER)
        {
          /* The manager's "<server.fronted_url>\n<code>", left at its default. */
          g_autofree char *text = g_strdup_printf ("http://xiaozhi.server.com\n%s", device->code);
          json_builder_add_string_value (b, text);
        }
      else
        json_builder_add_string_value (b, device->code);
      if (mode != XA_DEMO_MODE_V1)
        {
          json_builder_set_member_name (b, "challenge");
          json_builder_add_string_value (b, device->challenge);
        }
      if (mode == XA_DEMO_MODE_OFFICIAL)
        {
          json_builder_set_member_name (b, "timeout_ms");
          json_builder_add_int_value (b, self->code_lifetime_ms);
        }
      json_builder_end_object (b);
    }

  /* The manager's default server.websocket: loopback, port 8000. */
  ws_url = mode == XA_DEMO_MODE_MANAGER_PLACEHOLDER ? g_strdup ("ws://127.0.0.1:8000/xiaozhi/v1/")
           : url_for (self, mode, self->certificate || mode == XA_DEMO_MODE_MISCONFIGURED ? "wss" : "ws",
                      "/xiaozhi/v1/");
  json_builder_set_member_name (b, "websocket");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "url");
  json_builder_add_string_value (b, ws_url);
  json_builder_set_member_name (b, "token");
  if (mode == XA_DEMO_MODE_TOKEN_NEWLINE)
    /* What an attacker on the path would like to see in an env file. */
    json_builder_add_string_value (b, "x\nLD_PRELOAD=/tmp/evil.so\n$(touch PWNED)");
  else if (mode == XA_DEMO_MODE_WHITELIST || mode == XA_DEMO_MODE_NO_AUTH_HEADER ||
           (mode == XA_DEMO_MODE_AUTH_OFF && device->bound))
    /* No token: authentication off, or the Device-Id on the allowed list. */
    json_builder_add_string_value (b, "");
  else
    json_builder_add_string_value (b, device->bound ? device->token : "test-token");
  json_builder_end_object (b);

  /* As the official cloud, MQTT besides the WebSocket: once there is a gateway. */
  if (mode == XA_DEMO_MODE_OFFICIAL && self->mqtt_host != NULL)
    {
      g_autofree char *mqtt_client = g_strdup_printf ("GID_test@@@%s@@@%s",
                                                      device->device_id,
                                                      device->client_id ? device->client_id : "");
      g_autofree char *endpoint = NULL, *publish = NULL, *subscribe = NULL;

      g_strdelimit (mqtt_client, ":", '_');
      mqtt_details (self, mode, mqtt_client, &endpoint, &publish, &subscribe);
      json_builder_set_member_name (b, "mqtt");
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "endpoint");
      json_builder_add_string_value (b, endpoint);
      json_builder_set_member_name (b, "client_id");
      json_builder_add_string_value (b, mqtt_client);
      json_builder_set_member_name (b, "username");
      json_builder_add_string_value (b, "demo-user");
      json_builder_set_member_name (b, "password");
      json_builder_add_string_value (b, "demo-mqtt-password");
      json_builder_set_member_name (b, "publish_topic");
      json_builder_add_string_value (b, publish);
      json_builder_set_member_name (b, "subscribe_topic");
      json_builder_add_string_value (b, subscribe);
      json_builder_end_object (b);
    }

  json_builder_end_object (b);
  respond_json (msg, SOUP_STATUS_OK, b);
}

static void
handle_activate (XaDemoServer      *self,
                 XaDemoMode         mode,
                 SoupServerMessage *msg)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *expected = NULL;
  JsonObject *request, *payload;
  DemoDevice *device;
  const char *challenge, *hmac;

  record_request (self, "activate", msg);
  if (answer_fault (self, mode, msg))
    return;

  if (mode == XA_DEMO_MODE_ACTIVATE_404)
    {
      /* Seen from the official cloud: a 404 that says why. */
      respond_text (msg, SOUP_STATUS_NOT_FOUND, "application/json",
                    "{\"success\":false,\"error\":\"License not found or already activated\"}");
      return;
    }

  device = lookup_device (self, msg, FALSE);
  request = parse_object (msg, parser);
  if (device == NULL || request == NULL)
    {
      respond_error_json (msg, SOUP_STATUS_BAD_REQUEST, "error", "Invalid request");
      return;
    }

  /* py-xiaozhi wraps the fields in "Payload"; the firmware does not. */
  payload = json_object_has_member (request, "Payload")
              ? json_object_get_object_member (request, "Payload") : request;
  challenge = json_object_get_string_member_with_default (payload, "challenge", "");
  hmac = json_object_get_string_member_with_default (payload, "hmac", "");

  if (device->bound)
    {
      respond_text (msg, SOUP_STATUS_OK, "application/json", "{\"success\":true}");
      return;
    }

  if (device->hmac_key != NULL)
    expected = g_compute_hmac_for_string (G_CHECKSUM_SHA256, (const guchar *) device->hmac_key,
                                          strlen (device->hmac_key), challenge, -1);
  if (g_strcmp0 (challenge, device->challenge) != 0 || expected == NULL ||
      g_strcmp0 (hmac, expected) != 0)
    {
      respond_error_json (msg, SOUP_STATUS_UNAUTHORIZED, "error", "HMAC verification failed");
      return;
    }

  respond_text (msg, SOUP_STATUS_ACCEPTED, "application/json", "{\"message\":\"waiting for the user\"}");
}

/* ---- control panel ----------------------------------------------------- */

static void
respond_page (SoupServerMessage *msg,
              const char        *notice)
{
  g_autofree char *escaped = notice ? g_markup_escape_text (notice, -1) : NULL;
  g_autofree char *page = NULL;

  page = g_strdup_printf ("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
                          "<title>%s</title></head><body>"
                          "<h1>%s</h1><p>%s</p>%s%s%s"
                          "<form method=\"post\" action=\"/bind\">"
                          "<label>%s <input name=\"code\" inputmode=\"numeric\" maxlength=\"6\" autofocus></label>"
                          " <button type=\"submit\">%s</button></form></body></html>\n",
                          _("Xiaozhi demo control panel"),
                          _("Add a device"),
                          _("Type the 6-digit activation code your device shows."),
                          escaped ? "<p><strong>" : "", escaped ? escaped : "", escaped ? "</strong></p>" : "",
                          _("Activation code"),
                          _("Bind device"));
  respond_text (msg, SOUP_STATUS_OK, "text/html; charset=utf-8", page);
}

static void
handle_bind_form (XaDemoServer      *self,
                  SoupServerMessage *msg)
{
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  g_autofree char *text = g_strndup (body->data ? body->data : "", body->length);
  g_autoptr(GHashTable) form = soup_form_decode (text);
  g_autofree char *device_id = xa_demo_server_bind_code (self, g_hash_table_lookup (form, "code"));
  g_autofree char *notice = NULL;

  if (device_id != NULL)
    notice = g_strdup_printf (_("Device %s is now bound to your account."), device_id);
  else
    notice = g_strdup (_("No device is waiting for this code. Check the code, or ask the device for a new one."));
  respond_page (msg, notice);
}

static void
handle_control_bind (XaDemoServer      *self,
                     SoupServerMessage *msg)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autofree char *device_id = NULL;
  JsonObject *request = parse_object (msg, parser);

  if (request != NULL)
    device_id = xa_demo_server_bind_code (self, json_object_get_string_member_with_default (request, "code", ""));
  if (device_id == NULL)
    {
      respond_error_json (msg, SOUP_STATUS_NOT_FOUND, "error", "No device is waiting for this code");
      return;
    }

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "device_id");
  json_builder_add_string_value (b, device_id);
  json_builder_end_object (b);
  respond_json (msg, SOUP_STATUS_OK, b);
}

static void
http_cb (SoupServer        *server,
         SoupServerMessage *msg,
         const char        *full_path,
         GHashTable        *query,
         gpointer           user_data)
{
  XaDemoServer *self = user_data;
  const char *method = soup_server_message_get_method (msg);
  XaDemoMode mode;
  const char *path = split_mode (self, full_path, &mode);

  if (g_str_equal (path, "/xiaozhi/ota/") || g_str_equal (path, "/xiaozhi/ota"))
    handle_ota (self, mode, msg);
  else if (g_str_equal (path, "/xiaozhi/ota/activate"))
    handle_activate (self, mode, msg);
  else if (g_str_has_prefix (path, "/xiaozhi/v1"))
    {
      if (!soup_websocket_server_check_handshake (msg, NULL, NULL, NULL, NULL))
        respond_text (msg, SOUP_STATUS_BAD_REQUEST, "text/plain", "WebSocket only");
      else if (mode == XA_DEMO_MODE_UPGRADE_401)
        respond_text (msg, SOUP_STATUS_UNAUTHORIZED, "text/plain", "Unauthorized");
      else if (mode == XA_DEMO_MODE_UPGRADE_404)
        respond_text (msg, SOUP_STATUS_NOT_FOUND, "text/plain", "Not Found");
      /* else: no status, so the WebSocket handler takes the upgrade */
    }
  else if (g_str_equal (path, "/control/bind") && method == SOUP_METHOD_POST)
    handle_control_bind (self, msg);
  else if (g_str_equal (path, "/bind") && method == SOUP_METHOD_POST)
    handle_bind_form (self, msg);
  else if (g_str_equal (path, "/"))
    respond_page (msg, NULL);
  else
    respond_text (msg, SOUP_STATUS_NOT_FOUND, "text/plain", "Not Found");
}

/* ---- WebSocket ------------------------------------------------------------ */

/* The members of a server hello, into an object @b has begun; @audio:
 * the client's audio_params to repeat, as xiaozhi-esp32-server does
 * (helloHandle.py), or NULL for the server's own. */
static void
add_hello_members (JsonBuilder *b,
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
  add_hello_members (b, transport, with_session, audio, NULL);
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

static gboolean
token_accepted (XaDemoServer            *self,
                SoupWebsocketConnection *conn)
{
  const char *device_id = g_object_get_data (G_OBJECT (conn), "device-id");
  const char *client_id = g_object_get_data (G_OBJECT (conn), "client-id");
  const char *auth = g_object_get_data (G_OBJECT (conn), "authorization");
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
  expected = sign_token (self, client_id, device_id, dot + 1);
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
ws_message_cb (SoupWebsocketConnection *conn,
               gint                     type,
               GBytes                  *message,
               gpointer                 user_data)
{
  XaDemoServer *self = user_data;
  XaDemoMode mode = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (conn), "mode"));
  const char *device_id = g_object_get_data (G_OBJECT (conn), "device-id");
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
  audio = json_object_get_member (json_node_get_object (root), "audio_params");

  switch (mode)
    {
    case XA_DEMO_MODE_HELLO_WRONG_TRANSPORT:
      send_hello (conn, "udp", TRUE);
      break;
    case XA_DEMO_MODE_HELLO_NO_SESSION:
      send_hello (conn, "websocket", FALSE);
      break;
    case XA_DEMO_MODE_HELLO_HANG:
      break;
    case XA_DEMO_MODE_NESTED_JSON:
      {
        g_autofree char *nested = g_malloc0 (NESTED_SIZE + 1);
        memset (nested, '[', NESTED_SIZE);
        soup_websocket_connection_send_text (conn, nested);
      }
      break;
    case XA_DEMO_MODE_FRAME_FLOOD:
      /* Small frames, as fast as they go, until the client leaves. */
      g_idle_add_full (G_PRIORITY_DEFAULT, flood_cb, g_object_ref (conn), g_object_unref);
      break;
    case XA_DEMO_MODE_OVERSIZE_FRAME:
      {
        g_autofree char *big = g_malloc0 (200 * 1024 + 1);
        memset (big, 'x', 200 * 1024);
        soup_websocket_connection_send_text (conn, big);
      }
      break;
    case XA_DEMO_MODE_BINARY_GARBAGE:
      {
        /* A binary frame of noise where the hello belongs (ignored, as
         * audio would be), then bytes that are not a frame. */
        guint8 noise[512];

        for (guint i = 0; i < sizeof noise; i++)
          noise[i] = (guint8) g_random_int_range (0, 256);
        soup_websocket_connection_send_binary (conn, noise, sizeof noise);
        g_timeout_add_full (G_PRIORITY_DEFAULT, 50, garbage_cb, g_object_ref (conn), g_object_unref);
      }
      break;
    case XA_DEMO_MODE_UNKNOWN_DEVICE:
      /* What xiaozhi-esp32-server says to a device that never made an
       * OTA check on it (the official cloud, after its hello). */
      send_hello (conn, "websocket", TRUE);
      soup_websocket_connection_send_text (conn, "{\"type\":\"tts\",\"state\":\"sentence_start\","
                                           "\"text\":\"没有找到该设备的版本信息，请正确配置 OTA地址，然后重新编译固件。\"}");
      break;
    case XA_DEMO_MODE_RESET_AFTER_UPGRADE:
      /* No close frame: the connection just drops. */
      g_io_stream_close (soup_websocket_connection_get_io_stream (conn), NULL, NULL);
      break;
    case XA_DEMO_MODE_DATED_TOKENS:
    case XA_DEMO_MODE_SELF_HOSTED:
      if (token_accepted (self, conn))
        send_hello (conn, "websocket", TRUE);
      else
        refuse (conn);
      break;
    case XA_DEMO_MODE_SINGLE_MODULE:
    case XA_DEMO_MODE_NO_AUTH_HEADER:
      if (token_accepted (self, conn))
        {
          send_hello_with (conn, "websocket", TRUE, audio);
          send_mcp_initialize (conn);
        }
      else
        refuse (conn);
      break;
    case XA_DEMO_MODE_WHITELIST:
      send_hello_with (conn, "websocket", TRUE, audio);
      send_mcp_initialize (conn);
      break;
    case XA_DEMO_MODE_AUTH_OFF:
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
      break;
    case XA_DEMO_MODE_SLOW_MANAGER:
      /* The server's one-second wait for its manager, then its words. */
      g_timeout_add_full (G_PRIORITY_DEFAULT, 1000, manager_gave_up_cb, g_object_ref (conn), g_object_unref);
      break;
    case XA_DEMO_MODE_MCP_BEFORE_HELLO:
      if (token_accepted (self, conn))
        {
          send_mcp_initialize (conn);
          send_hello (conn, "websocket", TRUE);
        }
      else
        soup_websocket_connection_close (conn, SOUP_WEBSOCKET_CLOSE_NO_STATUS, NULL);
      break;
    case XA_DEMO_MODE_MANAGER:
      if (token_accepted (self, conn))
        send_hello (conn, "websocket", TRUE);
      else if (device != NULL && !device->bound && device->code != NULL)
        {
          g_autofree char *prompt = g_strdup_printf ("请登录控制面板，输入%s，绑定设备", device->code);
          send_stt (conn, prompt);
        }
      else
        refuse (conn);
      break;
    /* The OTA faults answer the hello as the official cloud does. */
    case XA_DEMO_MODE_OFFICIAL:
    case XA_DEMO_MODE_V1:
    case XA_DEMO_MODE_HTTP_500:
    case XA_DEMO_MODE_ERROR_FIELD:
    case XA_DEMO_MODE_SUCCESS_FALSE:
    case XA_DEMO_MODE_CODE_500:
    case XA_DEMO_MODE_NOT_JSON:
    case XA_DEMO_MODE_TRUNCATED:
    case XA_DEMO_MODE_HUGE:
    case XA_DEMO_MODE_HANG:
    case XA_DEMO_MODE_DROP:
    case XA_DEMO_MODE_REDIRECT:
    case XA_DEMO_MODE_INCOMPLETE:
    case XA_DEMO_MODE_UPGRADE_401:
    case XA_DEMO_MODE_UPGRADE_404:
    case XA_DEMO_MODE_TOKEN_NEWLINE:
    case XA_DEMO_MODE_HUGE_NUMBERS:
    case XA_DEMO_MODE_ANSI_ESCAPES:
    case XA_DEMO_MODE_MQTT_ONLY:
    case XA_DEMO_MODE_MQTT_NO_UDP:
    case XA_DEMO_MODE_MQTT_NULL_TOPIC:
    case XA_DEMO_MODE_MANAGER_PLACEHOLDER:
    case XA_DEMO_MODE_ACTIVATE_404:
    case XA_DEMO_MODE_OTA_400:
    case XA_DEMO_MODE_MISCONFIGURED:
    case XA_DEMO_N_MODES:
    default:
      if (token_accepted (self, conn))
        send_hello (conn, "websocket", TRUE);
      else
        /* What the cloud does: a close frame with no status (Node: 1005). */
        soup_websocket_connection_close (conn, SOUP_WEBSOCKET_CLOSE_NO_STATUS, NULL);
      break;
    }
}

static void
ws_closed_cb (SoupWebsocketConnection *conn,
              gpointer                 user_data)
{
  XaDemoServer *self = user_data;

  g_signal_handlers_disconnect_by_data (conn, self);
  g_ptr_array_remove (self->sockets, conn);
}

static void
websocket_cb (SoupServer              *server,
              SoupServerMessage       *msg,
              const char              *full_path,
              SoupWebsocketConnection *conn,
              gpointer                 user_data)
{
  XaDemoServer *self = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  XaDemoMode mode;

  split_mode (self, full_path, &mode);
  record_request (self, "ws", msg);

  g_object_set_data (G_OBJECT (conn), "mode", GUINT_TO_POINTER (mode));
  g_object_set_data_full (G_OBJECT (conn), "device-id",
                          g_strdup (soup_message_headers_get_one (headers, "Device-Id")), g_free);
  g_object_set_data_full (G_OBJECT (conn), "authorization",
                          g_strdup (soup_message_headers_get_one (headers, "Authorization")), g_free);
  g_object_set_data_full (G_OBJECT (conn), "client-id",
                          g_strdup (soup_message_headers_get_one (headers, "Client-Id")), g_free);

  g_ptr_array_add (self->sockets, g_object_ref (conn));
  g_signal_connect (conn, "message", G_CALLBACK (ws_message_cb), self);
  g_signal_connect (conn, "closed", G_CALLBACK (ws_closed_cb), self);
}

/* ---- object ----------------------------------------------------------------- */

static void
close_socket (gpointer data)
{
  SoupWebsocketConnection *conn = data;

  g_signal_handlers_disconnect_matched (conn, G_SIGNAL_MATCH_FUNC, 0, 0, NULL, ws_closed_cb, NULL);
  g_signal_handlers_disconnect_matched (conn, G_SIGNAL_MATCH_FUNC, 0, 0, NULL, ws_message_cb, NULL);
  g_object_unref (conn);
}

static void
close_stream (gpointer data)
{
  g_io_stream_close (data, NULL, NULL);
  g_object_unref (data);
}

/* ---- the MQTT gateway ------------------------------------------------------- */

static char *
random_hex32 (void)
{
  GString *hex = g_string_new (NULL);

  for (int i = 0; i < 16; i++)
    g_string_append_printf (hex, "%02x", g_random_int_range (0, 256));
  return g_string_free (hex, FALSE);
}

/* A device's hello arrives on device-server/MODE/CLIENT; the answer goes
 * to devices/p2p/CLIENT, as xiaozhi-mqtt-gateway answers a board. */
static void
gateway_message_cb (struct mosquitto               *mosq,
                    void                           *user_data,
                    const struct mosquitto_message *message)
{
  XaDemoServer *self = user_data;
  g_auto(GStrv) parts = g_strsplit (message->topic, "/", 3);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) hello = NULL;
  g_autofree char *text = NULL;
  g_autofree char *reply_topic = NULL;
  g_autofree char *session = NULL;
  g_autofree char *uuid = NULL;
  const char *type;
  XaDemoMode mode;
  JsonNode *root;

  if (g_strv_length (parts) != 3 || !xa_demo_mode_from_nick (parts[1], &mode) ||
      !json_parser_load_from_data (parser, message->payload, message->payloadlen, NULL) ||
      (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return;
  type = json_object_get_string_member_with_default (json_node_get_object (root), "type", "");
  /* Counted only for the session it was given, as a board honours one. */
  if (g_str_equal (type, "goodbye"))
    {
      if (g_strcmp0 (json_object_get_string_member_with_default (json_node_get_object (root), "session_id", ""),
                     g_hash_table_lookup (self->gateway_sessions, parts[2])) == 0)
        count_request (self, "mqtt-goodbye");
      return;
    }
  if (!g_str_equal (type, "hello"))
    return;
  count_request (self, "mqtt-hello");

  /* A session id that needs escaping, as any server's may. */
  uuid = g_uuid_string_random ();
  session = g_strdup_printf ("demo\"%s\\", uuid);
  g_hash_table_replace (self->gateway_sessions, g_strdup (parts[2]), g_strdup (session));
  json_builder_begin_object (b);
  add_hello_members (b, "udp", TRUE, NULL, session);
  if (mode != XA_DEMO_MODE_MQTT_NO_UDP)
    {
      g_autofree char *key = random_hex32 ();
      g_autofree char *nonce = random_hex32 ();

      json_builder_set_member_name (b, "udp");
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "server");
      json_builder_add_string_value (b, "127.0.0.1");
      json_builder_set_member_name (b, "port");
      json_builder_add_int_value (b, 8884);
      json_builder_set_member_name (b, "key");
      json_builder_add_string_value (b, key);
      json_builder_set_member_name (b, "nonce");
      json_builder_add_string_value (b, nonce);
      json_builder_end_object (b);
    }
  json_builder_end_object (b);
  hello = json_builder_get_root (b);
  text = json_to_string (hello, FALSE);
  reply_topic = g_strdup_printf ("devices/p2p/%s", parts[2]);
  mosquitto_publish (mosq, NULL, reply_topic, (int) strlen (text), text, 0, FALSE);
}

static void
gateway_error_cb (int      rc,
                  int      saved_errno,
                  gpointer user_data)
{
  g_message ("demo MQTT gateway: %s", mosquitto_strerror (rc));
}

/* Makes the server an MQTT gateway too: the mqtt-* modes hand out this
 * broker, and hellos on it are answered. Connects as @username (who may
 * read device-server/# and write devices/p2p/#). */
gboolean
xa_demo_server_set_mqtt_broker (XaDemoServer *self,
                                const char   *host,
                                int           port,
                                const char   *username,
                                const char   *password,
                                GError      **error)
{
  int rc;

  g_return_val_if_fail (self->gateway == NULL, FALSE);
  mosquitto_lib_init ();
  self->gateway = mosquitto_new ("xiaozhi-demo-gateway", TRUE, self);
  mosquitto_username_pw_set (self->gateway, username, password);
  mosquitto_message_callback_set (self->gateway, gateway_message_cb);
  /* Subscribing before the CONNACK is fine: it is queued behind CONNECT. */
  rc = mosquitto_connect (self->gateway, host, port, 60);
  if (rc == MOSQ_ERR_SUCCESS)
    rc = mosquitto_subscribe (self->gateway, NULL, "device-server/#", 0);
  if (rc != MOSQ_ERR_SUCCESS)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "MQTT broker %s:%d: %s", host, port,
                   mosquitto_strerror (rc));
      g_clear_pointer (&self->gateway, mosquitto_destroy);
      return FALSE;
    }
  self->gateway_link = xa_mqtt_link_new (self->gateway, gateway_error_cb, self);
  self->mqtt_host = g_strdup (host);
  self->mqtt_port = port;
  return TRUE;
}

static void
xa_demo_server_dispose (GObject *object)
{
  XaDemoServer *self = XA_DEMO_SERVER (object);

  if (self->server != NULL)
    soup_server_disconnect (self->server);
  g_clear_pointer (&self->sockets, g_ptr_array_unref);
  g_clear_pointer (&self->held_streams, g_ptr_array_unref);
  g_clear_object (&self->server);
  g_clear_object (&self->certificate);

  G_OBJECT_CLASS (xa_demo_server_parent_class)->dispose (object);
}

static void
xa_demo_server_finalize (GObject *object)
{
  XaDemoServer *self = XA_DEMO_SERVER (object);

  g_clear_pointer (&self->gateway_link, xa_mqtt_link_free);
  if (self->gateway != NULL)
    {
      mosquitto_disconnect (self->gateway);
      mosquitto_destroy (self->gateway);
    }
  g_free (self->mqtt_host);
  g_free (self->firmware);
  g_hash_table_unref (self->devices);
  g_hash_table_unref (self->last_headers);
  g_hash_table_unref (self->last_bodies);
  g_hash_table_unref (self->counts);
  g_hash_table_unref (self->gateway_sessions);
  g_free (self->secret);

  G_OBJECT_CLASS (xa_demo_server_parent_class)->finalize (object);
}

static void
xa_demo_server_class_init (XaDemoServerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = xa_demo_server_dispose;
  object_class->finalize = xa_demo_server_finalize;
}

static void
xa_demo_server_init (XaDemoServer *self)
{
  self->code_lifetime_ms = 300000;
  self->token_lifetime_s = 30 * 24 * 3600;
  self->secret = g_uuid_string_random ();
  self->devices = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) demo_device_free);
  self->last_headers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                              (GDestroyNotify) soup_message_headers_unref);
  self->last_bodies = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->gateway_sessions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->held_streams = g_ptr_array_new_with_free_func (close_stream);
  self->sockets = g_ptr_array_new_with_free_func (close_socket);
}

XaDemoServer *
xa_demo_server_new (XaDemoMode mode)
{
  XaDemoServer *self = g_object_new (XA_TYPE_DEMO_SERVER, NULL);

  self->mode = mode;
  return self;
}

void
xa_demo_server_set_tls_certificate (XaDemoServer    *self,
                                    GTlsCertificate *certificate)
{
  g_set_object (&self->certificate, certificate);
}

void
xa_demo_server_set_code_lifetime (XaDemoServer *self,
                                  guint         lifetime_ms)
{
  self->code_lifetime_ms = lifetime_ms;
}

/* The firmware version a single-module server offers from now on, with
 * an address to download it from (NULL: none, the device's own version
 * echoed). What the board makes of it is the client's to say. */
void
xa_demo_server_set_firmware (XaDemoServer *self,
                             const char   *version)
{
  g_free (self->firmware);
  self->firmware = g_strdup (version);
}

/* Tokens issued from now on are dated @age_s seconds in the past, and any
 * is accepted until @lifetime_s seconds after its date (the server's
 * server.auth.expire_seconds; 30 days unless set). */
void
xa_demo_server_set_token_dates (XaDemoServer *self,
                                gint64        lifetime_s,
                                gint64        age_s)
{
  self->token_lifetime_s = lifetime_s;
  self->token_age_s = age_s;
}

static guint
listen_once (XaDemoServer  *self,
             guint          port,
             guint          other,
             GError       **error)
{
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, port);
  guint found = 0;
  GSList *uris;

  /* Loopback only: this server exists for tests and demos. */
  if (!soup_server_listen (self->server, address,
                           self->certificate ? SOUP_SERVER_LISTEN_HTTPS : 0, error))
    return 0;
  uris = soup_server_get_uris (self->server);
  for (GSList *l = uris; l != NULL; l = l->next)
    if ((guint) g_uri_get_port (l->data) != other)
      found = g_uri_get_port (l->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  return found;
}

gboolean
xa_demo_server_listen (XaDemoServer  *self,
                       guint          port,
                       GError       **error)
{
  self->server = soup_server_new ("server-header", "xiaozhi-demo-server", NULL);
  if (self->certificate != NULL)
    soup_server_set_tls_certificate (self->server, self->certificate);

  soup_server_add_handler (self->server, NULL, http_cb, self, NULL);
  soup_server_add_websocket_handler (self->server, NULL, NULL, NULL, websocket_cb, self, NULL);

  /* A second port, where the single-module modes put their WebSocket
   * (the Python server's "port" beside its "http_port"). */
  self->port = listen_once (self, port, 0, error);
  if (self->port == 0)
    return FALSE;
  self->ws_port = listen_once (self, 0, self->port, error);
  return self->ws_port != 0;
}

guint
xa_demo_server_get_port (XaDemoServer *self)
{
  return self->port;
}

guint
xa_demo_server_get_websocket_port (XaDemoServer *self)
{
  return self->ws_port;
}

/* @what: "ota", "ws" or "panel". */
char *
xa_demo_server_get_url (XaDemoServer *self,
                        XaDemoMode    mode,
                        const char   *what)
{
  gboolean tls = self->certificate != NULL;

  if (g_strcmp0 (what, "ws") == 0)
    return url_for (self, mode, tls ? "wss" : "ws", "/xiaozhi/v1/");
  if (g_strcmp0 (what, "panel") == 0)
    return url_for (self, mode, tls ? "https" : "http", "/");
  return url_for (self, mode, tls ? "https" : "http", "/xiaozhi/ota/");
}

/* What a person does on the control panel. Returns the bound Device-Id. */
char *
xa_demo_server_bind_code (XaDemoServer *self,
                          const char   *code)
{
  g_autofree char *trimmed = g_strstrip (g_strdup (code ? code : ""));
  DemoDevice *device = find_by_code (self, trimmed);

  if (device == NULL)
    return NULL;
  bind_device (self, device);
  return g_strdup (device->device_id);
}

const char *
xa_demo_server_get_token (XaDemoServer *self,
                          const char   *device_id)
{
  DemoDevice *device = g_hash_table_lookup (self->devices, device_id);

  return device && device->bound ? device->token : NULL;
}

/* The code a device was last given, while it waits for it. */
const char *
xa_demo_server_get_code (XaDemoServer *self,
                         const char   *device_id)
{
  DemoDevice *device = g_hash_table_lookup (self->devices, device_id);

  return device && !device->bound ? device->code : NULL;
}

SoupMessageHeaders *
xa_demo_server_get_last_headers (XaDemoServer *self,
                                 const char   *kind)
{
  return g_hash_table_lookup (self->last_headers, kind);
}

const char *
xa_demo_server_get_last_body (XaDemoServer *self,
                              const char   *kind)
{
  return g_hash_table_lookup (self->last_bodies, kind);
}

guint
xa_demo_server_get_request_count (XaDemoServer *self,
                                  const char   *kind)
{
  return GPOINTER_TO_UINT (g_hash_table_lookup (self->counts, kind));
}
