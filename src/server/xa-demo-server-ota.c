/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "xa-demo-server-private.h"

/* The OTA check and the /activate poll, as the official cloud, the
 * manager-api and the single-module server answer them (PROTOCOL.md). */

JsonObject *
_xa_demo_parse_object (SoupServerMessage *msg,
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
  *publish = self->mqtt_host ? g_strdup_printf ("device-server/%s/%s", xa_demo_mode_to_nick (mode), topic_client)
                             : g_strdup ("device-server");
  *subscribe = self->mqtt_host && mode != XA_DEMO_MODE_MQTT_NULL_TOPIC
                 ? g_strdup_printf ("devices/p2p/%s", topic_client) : g_strdup ("null");
}

/* The "mqtt" section a server with a gateway sends @client. */
static void
add_mqtt_section (JsonBuilder  *b,
                  XaDemoServer *self,
                  XaDemoMode    mode,
                  const char   *client)
{
  g_autofree char *endpoint = NULL;
  g_autofree char *publish = NULL;
  g_autofree char *subscribe = NULL;
  const char *members[] = { "endpoint", "client_id", "username", "password", "publish_topic", "subscribe_topic" };
  const char *values[G_N_ELEMENTS (members)];

  mqtt_details (self, mode, client, &endpoint, &publish, &subscribe);
  values[0] = endpoint, values[1] = client, values[2] = "demo-user", values[3] = "demo-mqtt-password";
  values[4] = publish, values[5] = subscribe;
  json_builder_set_member_name (b, "mqtt");
  json_builder_begin_object (b);
  for (guint i = 0; i < G_N_ELEMENTS (members); i++)
    {
      json_builder_set_member_name (b, members[i]);
      json_builder_add_string_value (b, values[i]);
    }
  json_builder_end_object (b);
}

/* What each server says to a browser, word for word: the manager-api's
 * OTAController.getOTA() (its first empty parameter, or how many WebSocket
 * servers it has), ota_handler.py's handle_get(). */
static void
respond_greeting (XaDemoServer      *self,
                  XaDemoMode         mode,
                  SoupServerMessage *msg)
{
  g_autofree char *text = NULL;

  _xa_demo_record_request (self, "ota-get", msg);
  if (_xa_demo_is_manager (mode) && self->manager_unset != NULL)
    {
      const char *what = g_str_equal (self->manager_unset, "server.mqtt_gateway") ? "mqtt_gateway地址"
                         : g_str_equal (self->manager_unset, "server.ota")        ? "ota地址"
                                                                                  : "websocket地址";

      text = g_strdup_printf ("OTA接口不正常，缺少%s，请登录智控台，在参数管理找到【%s】配置", what, self->manager_unset);
    }
  else if (_xa_demo_is_manager (mode))
    text = g_strdup ("OTA接口运行正常，websocket集群数量：1");
  else if (_xa_demo_is_single_module (mode))
    {
      g_autofree char *ws = _xa_demo_url_for (self, mode, "ws", "/xiaozhi/v1/");

      text = g_strdup_printf ("OTA接口运行正常，向设备发送的websocket地址是：%s", ws);
    }
  else
    text = g_strdup ("OTA interface is running. Devices POST to this address.");
  _xa_demo_respond_text (msg, SOUP_STATUS_OK, "text/plain", text);
}

void
_xa_demo_handle_ota (XaDemoServer      *self,
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
      respond_greeting (self, mode, msg);
      return;
    }

  _xa_demo_record_request (self, "ota", msg);
  if (_xa_demo_answer_fault (self, mode, msg))
    return;

  device = lookup_device (self, msg, TRUE);
  if (device == NULL)
    {
      _xa_demo_respond_error_json (msg, SOUP_STATUS_OK, "error", "Invalid device ID");
      return;
    }

  request = _xa_demo_parse_object (msg, parser);
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
      g_autoptr(JsonBuilder) answer = json_builder_new ();

      g_strdelimit (client, ":", '_');
      json_builder_begin_object (answer);
      json_builder_set_member_name (answer, "server_time");
      json_builder_begin_object (answer);
      json_builder_set_member_name (answer, "timestamp");
      json_builder_add_int_value (answer, g_get_real_time () / 1000);
      json_builder_set_member_name (answer, "timezone_offset");
      json_builder_add_int_value (answer, 480);
      json_builder_end_object (answer);
      json_builder_set_member_name (answer, "firmware");
      json_builder_begin_object (answer);
      json_builder_set_member_name (answer, "version");
      json_builder_add_string_value (answer, "1.6.0");
      json_builder_set_member_name (answer, "url");
      json_builder_add_string_value (answer, "");
      json_builder_end_object (answer);
      add_mqtt_section (answer, self, mode, client);
      json_builder_end_object (answer);
      _xa_demo_respond_json (msg, SOUP_STATUS_OK, answer);
      return;
    }

  /* A single-module server has no activation: every device may talk. */
  if ((mode == XA_DEMO_MODE_SELF_HOSTED || mode == XA_DEMO_MODE_DATED_TOKENS || _xa_demo_is_single_module (mode)) &&
      !device->bound)
    _xa_demo_bind_device (self, device);
  /* xiaozhi-esp32-server issues a fresh dated token at every check. */
  else if (mode == XA_DEMO_MODE_DATED_TOKENS)
    {
      g_free (device->token);
      device->token = _xa_demo_new_token (self, device);
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
  if (!_xa_demo_is_manager (mode) || !device->bound)
    {
      const char *version = app && json_object_has_member (app, "version")
                              ? json_object_get_string_member_with_default (app, "version", "") : "";

      g_autofree char *offer = NULL;

      /* Or a file of its data/bin, at its download address. */
      if (_xa_demo_is_single_module (mode) && self->firmware != NULL)
        offer = g_strdup_printf ("http://127.0.0.1:%u/xiaozhi/ota/download/demo_%s.bin", self->port, self->firmware);
      json_builder_set_member_name (b, "firmware");
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "version");
      json_builder_add_string_value (b, offer ? self->firmware
                                              : _xa_demo_is_single_module (mode) || _xa_demo_is_manager (mode) ? version : "1.0.0");
      json_builder_set_member_name (b, "url");
      json_builder_add_string_value (b, offer ? offer : _xa_demo_is_manager (mode) ? MANAGER_NO_FIRMWARE_URL : "");
      json_builder_end_object (b);
    }

  if (!device->bound)
    {
      if (device->code == NULL || g_get_monotonic_time () >= device->code_expires_us)
        {
          char *code = _xa_demo_new_code (self);

          g_free (device->code);
          device->code = code;
          g_free (device->challenge);
          device->challenge = _xa_demo_is_manager (mode) ? g_strdup (device->device_id) : g_uuid_string_random ();
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
           : _xa_demo_url_for (self, mode, self->certificate || mode == XA_DEMO_MODE_MISCONFIGURED ? "wss" : "ws",
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

      g_strdelimit (mqtt_client, ":", '_');
      add_mqtt_section (b, self, mode, mqtt_client);
    }

  json_builder_end_object (b);
  _xa_demo_respond_json (msg, SOUP_STATUS_OK, b);
}

void
_xa_demo_handle_activate (XaDemoServer      *self,
                          XaDemoMode         mode,
                          SoupServerMessage *msg)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *expected = NULL;
  JsonObject *request, *payload;
  DemoDevice *device;
  const char *challenge, *hmac;

  _xa_demo_record_request (self, "activate", msg);
  if (_xa_demo_answer_fault (self, mode, msg))
    return;

  if (mode == XA_DEMO_MODE_ACTIVATE_404)
    {
      /* Seen from the official cloud: a 404 that says why. */
      _xa_demo_respond_text (msg, SOUP_STATUS_NOT_FOUND, "application/json",
                    "{\"success\":false,\"error\":\"License not found or already activated\"}");
      return;
    }

  device = lookup_device (self, msg, FALSE);
  request = _xa_demo_parse_object (msg, parser);
  if (device == NULL || request == NULL)
    {
      _xa_demo_respond_error_json (msg, SOUP_STATUS_BAD_REQUEST, "error", "Invalid request");
      return;
    }

  /* py-xiaozhi wraps the fields in "Payload"; the firmware does not. */
  payload = json_object_has_member (request, "Payload")
              ? json_object_get_object_member (request, "Payload") : request;
  challenge = json_object_get_string_member_with_default (payload, "challenge", "");
  hmac = json_object_get_string_member_with_default (payload, "hmac", "");

  if (device->bound)
    {
      _xa_demo_respond_text (msg, SOUP_STATUS_OK, "application/json", "{\"success\":true}");
      return;
    }

  if (device->hmac_key != NULL)
    expected = g_compute_hmac_for_string (G_CHECKSUM_SHA256, (const guchar *) device->hmac_key,
                                          strlen (device->hmac_key), challenge, -1);
  if (g_strcmp0 (challenge, device->challenge) != 0 || expected == NULL ||
      g_strcmp0 (hmac, expected) != 0)
    {
      _xa_demo_respond_error_json (msg, SOUP_STATUS_UNAUTHORIZED, "error", "HMAC verification failed");
      return;
    }

  _xa_demo_respond_text (msg, SOUP_STATUS_ACCEPTED, "application/json", "{\"message\":\"waiting for the user\"}");
}
