/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "xa-demo-server-private.h"

/* The MQTT gateway: on a broker the tests start, the server answers a
 * board's hello as xiaozhi-mqtt-gateway does. */

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
        _xa_demo_count_request (self, "mqtt-goodbye");
      return;
    }
  if (!g_str_equal (type, "hello"))
    return;
  _xa_demo_count_request (self, "mqtt-hello");

  /* A session id that needs escaping, as any server's may. */
  uuid = g_uuid_string_random ();
  session = g_strdup_printf ("demo\"%s\\", uuid);
  g_hash_table_replace (self->gateway_sessions, g_strdup (parts[2]), g_strdup (session));
  json_builder_begin_object (b);
  _xa_demo_add_hello_members (b, "udp", TRUE, NULL, session);
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
