/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "xa-demo-server-private.h"

/* XaDemoServer: a xiaozhi-compatible server on loopback for the tests and
 * for trying the app: the object, its modes, the routing of requests, the
 * control panel, and what every answer needs (records of what it saw,
 * JSON answers, codes and signed tokens). */

G_DEFINE_FINAL_TYPE (XaDemoServer, xa_demo_server, G_TYPE_OBJECT)

/* Each mode: its name in URLs and on the command line, and which server
 * its answers take after (the OTA faults, xa-demo-server-faults.c, and the
 * hello answers, xa-demo-server-websocket.c, are tables of their own). */
typedef enum
{
  DEMO_SERVER_OTHER,          /* the official cloud's ways, or its own */
  DEMO_SERVER_MANAGER,        /* xiaozhi-esp32-server with its manager-api */
  DEMO_SERVER_SINGLE_MODULE,  /* xiaozhi-esp32-server alone */
} DemoServerKind;

static const struct
{
  const char     *nick;
  DemoServerKind  kind;
} modes[XA_DEMO_N_MODES] = {
  [XA_DEMO_MODE_OFFICIAL] = { "official", DEMO_SERVER_OTHER },
  [XA_DEMO_MODE_SELF_HOSTED] = { "self-hosted", DEMO_SERVER_OTHER },
  [XA_DEMO_MODE_MANAGER] = { "manager", DEMO_SERVER_MANAGER },
  [XA_DEMO_MODE_V1] = { "v1", DEMO_SERVER_OTHER },
  [XA_DEMO_MODE_HTTP_500] = { "http-500", DEMO_SERVER_OTHER },
  [XA_DEMO_MODE_ERROR_FIELD] = { "error-field", DEMO_SERVER_OTHER },
  [XA_DEMO_MODE_SUCCESS_FALSE] = { "success-false", DEMO_SERVER_OTHER },
  [XA_DEMO_MODE_CODE_500] = { "code-500", DEMO_SERVER_OTHER },
  [XA_DEMO_MODE_NOT_JSON] = { "not-json", DEMO_SERVER_OTHER },
  [XA_DEMO_MODE_TRUNCATED] = { "truncated", DEMO_SERVER_OTHER },
  [XA_DEMO_MODE_HUGE] = { "huge", DEMO_SERVER_OTHER },
  [XA_DEMO_MODE_HANG] = { "hang", DEMO_SERVER_OTHER },
  [XA_DEMO_MODE_DROP] = { "drop", DEMO_SERVER_OTHER },
  [XA_DEMO_MODE_REDIRECT] = { "redirect", DEMO_SERVER_OTHER },
  [XA_DEMO_MODE_INCOMPLETE] = { "incomplete", DEMO_SERVER_OTHER },
  [XA_DEMO_MODE_HELLO_WRONG_TRANSPORT] = { "hello-wrong-transport", DEMO_SERVER_OTHER },
  [XA_DEMO_MODE_HELLO_NO_SESSION] = { "hello-no-session", DEMO_SERVER_OTHER },
  [XA_DEMO_MODE_HELLO_HANG] = { "hello-hang", DEMO_SERVER_OTHER },
  [XA_DEMO_MODE_UPGRADE_401] = { "upgrade-401", DEMO_SERVER_OTHER },
  [XA_DEMO_MODE_UPGRADE_404] = { "upgrade-404", DEMO_SERVER_OTHER },
  [XA_DEMO_MODE_TOKEN_NEWLINE] = { "token-newline", DEMO_SERVER_OTHER },
  [XA_DEMO_MODE_NESTED_JSON] = { "nested-json", DEMO_SERVER_OTHER },
  [XA_DEMO_MODE_FRAME_FLOOD] = { "frame-flood", DEMO_SERVER_OTHER },
  [XA_DEMO_MODE_OVERSIZE_FRAME] = { "oversize-frame", DEMO_SERVER_OTHER },
  [XA_DEMO_MODE_BINARY_GARBAGE] = { "binary-garbage", DEMO_SERVER_OTHER },
  [XA_DEMO_MODE_HUGE_NUMBERS] = { "huge-numbers", DEMO_SERVER_OTHER },
  [XA_DEMO_MODE_ANSI_ESCAPES] = { "ansi-escapes", DEMO_SERVER_OTHER },
  [XA_DEMO_MODE_RESET_AFTER_UPGRADE] = { "reset-after-upgrade", DEMO_SERVER_OTHER },
  [XA_DEMO_MODE_UNKNOWN_DEVICE] = { "unknown-device", DEMO_SERVER_OTHER },
  [XA_DEMO_MODE_MQTT_ONLY] = { "mqtt-only", DEMO_SERVER_OTHER },
  [XA_DEMO_MODE_MANAGER_PLACEHOLDER] = { "manager-placeholder", DEMO_SERVER_MANAGER },
  [XA_DEMO_MODE_ACTIVATE_404] = { "activate-404", DEMO_SERVER_OTHER },
  [XA_DEMO_MODE_OTA_400] = { "ota-400", DEMO_SERVER_OTHER },
  [XA_DEMO_MODE_DATED_TOKENS] = { "dated-tokens", DEMO_SERVER_OTHER },
  [XA_DEMO_MODE_MQTT_NO_UDP] = { "mqtt-no-udp", DEMO_SERVER_OTHER },
  [XA_DEMO_MODE_MQTT_NULL_TOPIC] = { "mqtt-null-topic", DEMO_SERVER_OTHER },
  /* A server whose clock is two hours off and that sends devices to a
   * wss:// address while its OTA is plain http (the diagnosis's
   * clock-skew and scheme-mix findings). */
  [XA_DEMO_MODE_MISCONFIGURED] = { "misconfigured", DEMO_SERVER_OTHER },
  /* xiaozhi-esp32-server alone (ota_handler.py, websocket_server.py): any
   * Device-Id gets a signed token at once, the firmware section echoes
   * the device's version, the WebSocket is on a port of its own, and MCP
   * initialize follows the hello. */
  [XA_DEMO_MODE_SINGLE_MODULE] = { "single-module", DEMO_SERVER_SINGLE_MODULE },
  /* The same with the Device-Id in server.auth.allowed_devices: no
   * token given, none checked. */
  [XA_DEMO_MODE_WHITELIST] = { "whitelist", DEMO_SERVER_SINGLE_MODULE },
  /* A manager with server.auth.enabled off: codes as a manager, then an
   * empty token and a hello for any token. */
  [XA_DEMO_MODE_AUTH_OFF] = { "auth-off", DEMO_SERVER_MANAGER },
  /* A manager that answers the server too late: the hello is dropped after
   * a second and the unknown-device text comes instead (connection.py). */
  [XA_DEMO_MODE_SLOW_MANAGER] = { "slow-manager", DEMO_SERVER_MANAGER },
  /* A single-module server whose OTA gave an empty token (authentication
   * was off then) and whose WebSocket now wants one: “认证失败”. */
  [XA_DEMO_MODE_NO_AUTH_HEADER] = { "no-auth-header", DEMO_SERVER_SINGLE_MODULE },
  /* The official cloud's behaviour, with MCP initialize before the hello. */
  [XA_DEMO_MODE_MCP_BEFORE_HELLO] = { "mcp-before-hello", DEMO_SERVER_OTHER },
  /* The official cloud's behaviour, its OTA only at /xiaozhi/ota/ with the
   * final slash (404 without), as a route that names it exactly does. */
  [XA_DEMO_MODE_SLASH_ONLY] = { "slash-only", DEMO_SERVER_OTHER },
  /* The other way round: only /xiaozhi/ota, without the slash (a proxy
   * rule or a route written that way). */
  [XA_DEMO_MODE_NO_SLASH] = { "no-slash", DEMO_SERVER_OTHER },
};


gboolean
_xa_demo_is_single_module (XaDemoMode mode)
{
  return mode < XA_DEMO_N_MODES && modes[mode].kind == DEMO_SERVER_SINGLE_MODULE;
}

gboolean
_xa_demo_is_manager (XaDemoMode mode)
{
  return mode < XA_DEMO_N_MODES && modes[mode].kind == DEMO_SERVER_MANAGER;
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
  return modes[mode].nick;
}

gboolean
xa_demo_mode_from_nick (const char *nick,
                        XaDemoMode *mode)
{
  for (guint i = 0; i < XA_DEMO_N_MODES; i++)
    {
      if (g_strcmp0 (nick, modes[i].nick) == 0)
        {
          *mode = i;
          return TRUE;
        }
    }
  return FALSE;
}

/* Counts one more request (or MQTT message) of @kind. */
void
_xa_demo_count_request (XaDemoServer *self,
                        const char   *kind)
{
  g_hash_table_replace (self->counts, g_strdup (kind),
                        GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (self->counts, kind)) + 1));
}

void
_xa_demo_record_request (XaDemoServer      *self,
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
  _xa_demo_count_request (self, kind);
}

void
_xa_demo_respond_json (SoupServerMessage *msg,
                       guint              status,
                       JsonBuilder       *builder)
{
  g_autoptr(JsonNode) root = json_builder_get_root (builder);
  char *text = json_to_string (root, FALSE);

  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE, text, strlen (text));
}

void
_xa_demo_respond_text (SoupServerMessage *msg,
                       guint              status,
                       const char        *content_type,
                       const char        *text)
{
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, content_type, SOUP_MEMORY_COPY, text, strlen (text));
}

void
_xa_demo_respond_error_json (SoupServerMessage *msg,
                             guint              status,
                             const char        *member,
                             const char        *text)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, member);
  json_builder_add_string_value (b, text);
  json_builder_end_object (b);
  _xa_demo_respond_json (msg, status, b);
}

char *
_xa_demo_new_code (XaDemoServer *self)
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
char *
_xa_demo_sign_token (XaDemoServer *self,
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

char *
_xa_demo_new_token (XaDemoServer *self,
                    DemoDevice   *device)
{
  /* A later second for each new issue, so that two in a row differ. */
  g_autofree char *ts = g_strdup_printf ("%" G_GINT64_FORMAT,
                                         g_get_real_time () / G_USEC_PER_SEC - self->token_age_s + self->issued++);

  return _xa_demo_sign_token (self, device->client_id, device->device_id, ts);
}

void
_xa_demo_bind_device (XaDemoServer *self,
                      DemoDevice   *device)
{
  device->bound = TRUE;
  g_clear_pointer (&device->code, g_free);
  g_free (device->token);
  device->token = _xa_demo_new_token (self, device);
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
const char *
_xa_demo_split_mode (XaDemoServer *self,
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

char *
_xa_demo_url_for (XaDemoServer *self,
                  XaDemoMode    mode,
                  const char   *scheme,
                  const char   *path)
{
  /* The Python server gives its WebSocket port (8000), not its HTTP one. */
  guint port = _xa_demo_is_single_module (mode) && g_str_has_prefix (scheme, "ws") ? self->ws_port : self->port;

  if (mode == self->mode)
    return g_strdup_printf ("%s://127.0.0.1:%u%s", scheme, port, path);
  return g_strdup_printf ("%s://127.0.0.1:%u/mode/%s%s", scheme, port, modes[mode].nick, path);
}

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
  _xa_demo_respond_text (msg, SOUP_STATUS_OK, "text/html; charset=utf-8", page);
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
  JsonObject *request = _xa_demo_parse_object (msg, parser);

  if (request != NULL)
    device_id = xa_demo_server_bind_code (self, json_object_get_string_member_with_default (request, "code", ""));
  if (device_id == NULL)
    {
      _xa_demo_respond_error_json (msg, SOUP_STATUS_NOT_FOUND, "error", "No device is waiting for this code");
      return;
    }

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "device_id");
  json_builder_add_string_value (b, device_id);
  json_builder_end_object (b);
  _xa_demo_respond_json (msg, SOUP_STATUS_OK, b);
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
  const char *path = _xa_demo_split_mode (self, full_path, &mode);

  if ((g_str_equal (path, "/xiaozhi/ota/") && mode != XA_DEMO_MODE_NO_SLASH) ||
      (g_str_equal (path, "/xiaozhi/ota") && mode != XA_DEMO_MODE_SLASH_ONLY))
    _xa_demo_handle_ota (self, mode, msg);
  else if (g_str_equal (path, "/xiaozhi/ota/activate"))
    _xa_demo_handle_activate (self, mode, msg);
  else if (g_str_has_prefix (path, "/xiaozhi/v1"))
    {
      if (!soup_websocket_server_check_handshake (msg, NULL, NULL, NULL, NULL))
        _xa_demo_respond_text (msg, SOUP_STATUS_BAD_REQUEST, "text/plain", "WebSocket only");
      else if (mode == XA_DEMO_MODE_UPGRADE_401)
        _xa_demo_respond_text (msg, SOUP_STATUS_UNAUTHORIZED, "text/plain", "Unauthorized");
      else if (mode == XA_DEMO_MODE_UPGRADE_404)
        _xa_demo_respond_text (msg, SOUP_STATUS_NOT_FOUND, "text/plain", "Not Found");
      /* else: no status, so the WebSocket handler takes the upgrade */
    }
  else if (_xa_demo_is_mcp_path (full_path))
    {
      g_autofree char *token = _xa_demo_mcp_token_of (msg);

      if (!soup_websocket_server_check_handshake (msg, NULL, NULL, NULL, NULL))
        _xa_demo_respond_text (msg, SOUP_STATUS_BAD_REQUEST, "text/plain", "WebSocket only");
      /* The official-like endpoint refuses an unknown token at once. */
      else if (g_str_has_prefix (full_path, "/mcp/") &&
               (token == NULL || g_hash_table_lookup (self->mcp_tokens, token) == NULL))
        _xa_demo_respond_text (msg, self->mcp_refusal, "text/plain",
                               soup_status_get_phrase (self->mcp_refusal));
      /* else: the WebSocket handler takes it (xa-demo-server-mcp.c) */
    }
  else if (g_str_equal (path, "/control/bind") && method == SOUP_METHOD_POST)
    handle_control_bind (self, msg);
  else if (g_str_equal (path, "/bind") && method == SOUP_METHOD_POST)
    handle_bind_form (self, msg);
  else if (g_str_equal (path, "/"))
    respond_page (msg, NULL);
  else
    _xa_demo_respond_text (msg, SOUP_STATUS_NOT_FOUND, "text/plain", "Not Found");
}

static void
close_stream (gpointer data)
{
  g_io_stream_close (data, NULL, NULL);
  g_object_unref (data);
}

static void
xa_demo_server_dispose (GObject *object)
{
  XaDemoServer *self = XA_DEMO_SERVER (object);

  if (self->server != NULL)
    soup_server_disconnect (self->server);
  g_clear_pointer (&self->sockets, g_ptr_array_unref);
  g_clear_pointer (&self->mcp_tokens, g_hash_table_unref);
  g_clear_pointer (&self->mcp_providers, g_hash_table_unref);
  g_clear_pointer (&self->mcp_speaks, g_free);
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
  g_free (self->manager_unset);
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
  self->sockets = g_ptr_array_new_with_free_func (_xa_demo_close_socket);
  self->mcp_tokens = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->mcp_providers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->mcp_caller_delay_ms = -1;
  self->mcp_refusal = SOUP_STATUS_UNAUTHORIZED;
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

/* An MCP endpoint token it knows, for @agent_id ("": a token that decrypts
 * to no agent: "无对应agentId"). */
void
xa_demo_server_add_mcp_token (XaDemoServer *self,
                              const char   *token,
                              const char   *agent_id)
{
  g_hash_table_insert (self->mcp_tokens, g_strdup (token), g_strdup (agent_id));
}

/* A caller initializes each tool connection @delay_ms after it opens, then
 * lists its tools; -1: no caller (the endpoint stays silent). */
void
xa_demo_server_set_mcp_caller (XaDemoServer *self,
                               int           delay_ms)
{
  self->mcp_caller_delay_ms = delay_ms;
}

/* The HTTP status the official-like endpoint (/mcp/) refuses an unknown
 * token with: 401 as the cloud, 403 as a gateway in front of it may. */
void
xa_demo_server_set_mcp_refusal (XaDemoServer *self,
                                guint         status)
{
  self->mcp_refusal = status;
}

/* @text: what the endpoint sends as it takes a connection, as a WebSocket
 * server of another kind would; NULL: it is an MCP endpoint again. */
void
xa_demo_server_set_mcp_speaks (XaDemoServer *self,
                               const char   *text)
{
  g_free (self->mcp_speaks);
  self->mcp_speaks = g_strdup (text);
}

/* The MCP endpoint address, without a token: the self-hosted one
 * (/mcp_endpoint/mcp/), or with @official the one that behaves as the
 * cloud's (/mcp/). */
char *
xa_demo_server_get_mcp_address (XaDemoServer *self,
                                gboolean      official)
{
  return g_strdup_printf ("%s://127.0.0.1:%u%s", self->certificate ? "wss" : "ws", self->port,
                          official ? "/mcp/" : "/mcp_endpoint/mcp/");
}

/* What the caller saw: providers that answered initialize, and tools/list
 * answers that held a list. */
guint
xa_demo_server_get_mcp_initialized (XaDemoServer *self)
{
  return self->mcp_initialized;
}

guint
xa_demo_server_get_mcp_tools_listed (XaDemoServer *self)
{
  return self->mcp_tools_listed;
}

/* A manager-api whose parameter @setting ("server.websocket", "server.ota"
 * or "server.mqtt_gateway") is empty, as its OTA address says to a GET;
 * NULL: all set. */
void
xa_demo_server_set_manager_unset (XaDemoServer *self,
                                  const char   *setting)
{
  g_free (self->manager_unset);
  self->manager_unset = g_strdup (setting);
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
  soup_server_add_websocket_handler (self->server, NULL, NULL, NULL, _xa_demo_websocket_cb, self, NULL);

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
    return _xa_demo_url_for (self, mode, tls ? "wss" : "ws", "/xiaozhi/v1/");
  if (g_strcmp0 (what, "panel") == 0)
    return _xa_demo_url_for (self, mode, tls ? "https" : "http", "/");
  return _xa_demo_url_for (self, mode, tls ? "https" : "http", "/xiaozhi/ota/");
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
  _xa_demo_bind_device (self, device);
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

/* The client hellos the WebSocket has seen. */
guint
xa_demo_server_get_hello_count (XaDemoServer *self)
{
  return self->hellos;
}

/* The code the last WebSocket connection closed with, as the server saw
 * it (0 while none has closed): the other end of what a client reports. */
gushort
xa_demo_server_get_last_close_code (XaDemoServer *self)
{
  return self->last_close_code;
}
