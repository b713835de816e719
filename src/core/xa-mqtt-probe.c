/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <glib/gi18n-lib.h>

#include "xa-json-edit.h"
#include "xa-json.h"
#include "xa-mqtt-link.h"
#include "xa-mqtt-probe.h"
#include "xa-net.h"
#include "xa-ota.h"
#include "xa-report.h"
#include "xa-text.h"
#include "xa-url.h"

/* The MQTT Test, as a board does it (PROTOCOL.md §7): connect to the
 * broker with the OTA answer's credentials, subscribe to the device's
 * topic when there is one, publish the hello, and wait for the server's
 * hello with its UDP section; then say goodbye and disconnect. One
 * verdict, from the same table as the WebSocket Test.
 *
 * libmosquitto calls back from inside mosquitto_loop_read(): nothing is
 * freed there. The verdict is kept and the task returns from an idle. */

#define KEEPALIVE_S 240
#define MAX_MESSAGES_BEFORE_HELLO 64

typedef enum
{
  STAGE_CONNECTING,
  STAGE_SUBSCRIBING,
  STAGE_WAITING_HELLO,
  STAGE_READING_CERTIFICATE,   /* TLS failed: what the broker presented is read */
  STAGE_DONE,
} Stage;

typedef struct
{
  struct mosquitto *mosq;
  XaMqttLink       *link;
  XaReport         *report;
  Stage             stage;
  char             *publish_topic;
  char             *subscribe_topic;
  guint             timeout_ms;
  gint64            hello_sent_us;
  guint             messages;
  guint             timeout_id;
  guint             return_id;
  GSource          *cancel_source;
  gboolean          connecting;    /* a thread is in mosquitto_connect_async() */
  char             *host;          /* the broker's, as the endpoint names it */
  int               port;
} Probe;

/* What the connecting thread needs: @mosq stays the probe's, untouched by
 * the main thread until the thread is done. */
typedef struct
{
  struct mosquitto *mosq;
  char             *host;
  int               port;
  int               saved_errno;
} ConnectData;

static void
probe_free (Probe *probe)
{
  g_clear_handle_id (&probe->timeout_id, g_source_remove);
  g_clear_handle_id (&probe->return_id, g_source_remove);
  if (probe->cancel_source != NULL)
    g_source_destroy (probe->cancel_source);
  g_clear_pointer (&probe->cancel_source, g_source_unref);
  g_clear_pointer (&probe->link, xa_mqtt_link_free);
  if (probe->mosq != NULL)
    mosquitto_destroy (probe->mosq);
  g_clear_pointer (&probe->report, xa_report_free);
  g_free (probe->publish_topic);
  g_free (probe->subscribe_topic);
  g_free (probe->host);
  g_free (probe);
}

static gboolean
return_cb (gpointer user_data)
{
  GTask *task = user_data;
  Probe *probe = g_task_get_task_data (task);

  probe->return_id = 0;
  /* What is queued (a goodbye, the DISCONNECT) leaves before the end. */
  if (probe->mosq != NULL && !probe->connecting)
    mosquitto_loop_write (probe->mosq, 1);
  g_task_return_pointer (task, g_steal_pointer (&probe->report), (GDestroyNotify) xa_report_free);
  g_object_unref (task);
  return G_SOURCE_REMOVE;
}

/* The first verdict wins; the task returns from an idle, outside
 * libmosquitto's calls, and that idle drops the probe's own reference. */
static void
finish (GTask     *task,
        XaVerdict  verdict,
        XaText    *advice)
{
  Probe *probe = g_task_get_task_data (task);

  if (probe->stage == STAGE_DONE)
    {
      xa_text_free (advice);
      return;
    }
  probe->stage = STAGE_DONE;
  xa_report_set_verdict (probe->report, verdict, advice);
  g_clear_handle_id (&probe->timeout_id, g_source_remove);
  if (probe->mosq != NULL && !probe->connecting)
    mosquitto_disconnect (probe->mosq);
  /* At default priority: a spinner's redraws must not starve it. */
  probe->return_id = g_idle_add_full (G_PRIORITY_DEFAULT, return_cb, task, NULL);
}

/* A board's hello over MQTT (PROTOCOL.md §7), or its goodbye for
 * @session_id (which the firmware honours only as a string equal to its
 * session's: mqtt_protocol.cc). Built with json-glib: the id is the
 * server's. */
static char *
build_message (const char *type,
               const char *session_id)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, type);
  if (g_str_equal (type, "hello"))
    {
      g_autoptr(JsonNode) audio = json_from_string (xa_report_get_hello_audio (), NULL);

      json_builder_set_member_name (b, "version");
      json_builder_add_int_value (b, 3);
      json_builder_set_member_name (b, "transport");
      json_builder_add_string_value (b, "udp");
      json_builder_set_member_name (b, "features");
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "mcp");
      json_builder_add_boolean_value (b, TRUE);
      json_builder_end_object (b);
      json_builder_set_member_name (b, "audio_params");
      json_builder_add_value (b, g_steal_pointer (&audio));
    }
  if (session_id != NULL)
    {
      json_builder_set_member_name (b, "session_id");
      json_builder_add_string_value (b, session_id);
    }
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  return json_to_string (root, FALSE);
}

static void
publish_hello (GTask *task)
{
  Probe *probe = g_task_get_task_data (task);
  g_autofree char *hello = build_message ("hello", NULL);
  int rc;

  probe->stage = STAGE_WAITING_HELLO;
  probe->hello_sent_us = g_get_monotonic_time ();
  rc = mosquitto_publish (probe->mosq, NULL, probe->publish_topic, (int) strlen (hello), hello, 0, FALSE);
  if (rc != MOSQ_ERR_SUCCESS)
    {
      XaText *advice = xa_text_new_printf (N_("The hello could not be sent to “%s”: %s."),
                                                    probe->publish_topic, mosquitto_strerror (rc));
      finish (task, XA_VERDICT_PROTOCOL_ERROR, advice);
    }
}

static void
connect_cb (struct mosquitto *mosq,
            void             *user_data,
            int               rc)
{
  GTask *task = user_data;
  Probe *probe = g_task_get_task_data (task);
  XaText *advice = NULL;

  if (probe->stage != STAGE_CONNECTING)
    return;
  /* The broker answered: libmosquitto goes straight to it, never through
   * this computer's proxy. */
  g_free (probe->report->proxy);
  probe->report->proxy = g_strdup ("");
  switch (rc)
    {
    case 0:
      break;
    case 4:
      finish (task, XA_VERDICT_REJECTED,
              xa_text_new_printf (N_("The MQTT broker refused the user name or password (“bad user name or password”). "
                                     "Check the device on the server, or run an OTA check for fresh credentials.")));
      return;
    case 5:
      finish (task, XA_VERDICT_REJECTED,
              xa_text_new_printf (N_("The MQTT broker does not allow this client (“not authorised”). "
                                     "The server may not know this device: run an OTA check for fresh credentials.")));
      return;
    default:
      advice = xa_text_new_printf (N_("The MQTT broker refused the connection: %s."), mosquitto_connack_string (rc));
      finish (task, XA_VERDICT_REJECTED, advice);
      return;
    }

  if (probe->subscribe_topic != NULL)
    {
      probe->stage = STAGE_SUBSCRIBING;
      rc = mosquitto_subscribe (probe->mosq, NULL, probe->subscribe_topic, 0);
      if (rc != MOSQ_ERR_SUCCESS)
        {
          advice = xa_text_new_printf (N_("Could not subscribe to “%s”: %s."), probe->subscribe_topic, mosquitto_strerror (rc));
          finish (task, XA_VERDICT_PROTOCOL_ERROR, advice);
        }
      return;
    }
  publish_hello (task);
}

static void
subscribe_cb (struct mosquitto *mosq,
              void             *user_data,
              int               mid,
              int               qos_count,
              const int        *granted_qos)
{
  GTask *task = user_data;
  Probe *probe = g_task_get_task_data (task);

  if (probe->stage != STAGE_SUBSCRIBING)
    return;
  /* 0x80: the broker's ACL does not let this client read its topic. */
  if (qos_count < 1 || granted_qos[0] == 0x80)
    {
      XaText *advice = xa_text_new_printf (N_("The MQTT broker does not let this client read “%s”, "
                                                       "where the server answers. Check the broker’s access rules."),
                                                    probe->subscribe_topic);
      finish (task, XA_VERDICT_REJECTED, advice);
      return;
    }
  publish_hello (task);
}

static gboolean
is_hex32 (const char *text)
{
  if (text == NULL || strlen (text) != 32)
    return FALSE;
  for (const char *p = text; *p; p++)
    if (!g_ascii_isxdigit (*p))
      return FALSE;
  return TRUE;
}

/* A hello is usable when it says where the audio goes and how it is
 * encrypted: udp.server, udp.port, and a 32-hex key and nonce. */
static XaText *
udp_problem (JsonObject *udp)
{
  const char *server = udp ? xa_json_get_string (udp, "server") : NULL;
  gint64 port = udp ? xa_json_get_int (udp, "port", 0) : 0;

  if (udp == NULL)
    return xa_text_new_printf (N_("The server’s hello has no “udp” section, so a board would not know where to send its audio."));
  if (server == NULL || *server == '\0' || port < 1 || port > 65535)
    return xa_text_new_printf (N_("The server’s hello names no usable UDP server and port."));
  if (!is_hex32 (xa_json_get_string (udp, "key")) || !is_hex32 (xa_json_get_string (udp, "nonce")))
    return xa_text_new_printf (N_("The server’s hello has no usable encryption key and nonce (32 hexadecimal digits each)."));
  return NULL;
}

static void
message_cb (struct mosquitto                *mosq,
            void                            *user_data,
            const struct mosquitto_message  *message)
{
  GTask *task = user_data;
  Probe *probe = g_task_get_task_data (task);
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;
  JsonObject *hello, *udp;
  XaText *problem;

  if (probe->stage != STAGE_WAITING_HELLO)
    return;
  if (++probe->messages > MAX_MESSAGES_BEFORE_HELLO)
    {
      finish (task, XA_VERDICT_PROTOCOL_ERROR,
              xa_text_new_printf (N_("The server sent a flood of messages instead of answering the hello. Check the MQTT settings.")));
      return;
    }

  text = g_utf8_make_valid (message->payload ? message->payload : "", message->payloadlen);
  root = xa_json_parse (text, -1, NULL);
  hello = root && JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  /* Our own hello comes back when the device's topics are one. */
  if (hello == NULL || g_strcmp0 (xa_json_get_string (hello, "type"), "hello") != 0 ||
      json_object_has_member (hello, "features"))
    {
      if (hello == NULL)
        {
          g_free (probe->report->server_text);
          probe->report->server_text = xa_server_text_sanitize (text, -1, FALSE);
          finish (task, XA_VERDICT_PROTOCOL_ERROR,
                  xa_text_new_printf (N_("The server answered with something that is not the xiaozhi protocol (not JSON).")));
        }
      return;
    }

  probe->report->latency_ms = (g_get_monotonic_time () - probe->hello_sent_us) / 1000;
  if (xa_json_get_string (hello, "session_id") != NULL)
    probe->report->session_id = xa_server_text_sanitize (xa_json_get_string (hello, "session_id"), -1, FALSE);
  if (json_object_has_member (hello, "audio_params"))
    probe->report->audio_params = json_to_string (json_object_get_member (hello, "audio_params"), FALSE);

  udp = json_object_has_member (hello, "udp") && JSON_NODE_HOLDS_OBJECT (json_object_get_member (hello, "udp"))
          ? json_object_get_object_member (hello, "udp") : NULL;
  problem = udp_problem (udp);
  if (problem != NULL)
    {
      finish (task, XA_VERDICT_PROTOCOL_ERROR, problem);
      return;
    }
  {
    g_autofree char *server = xa_server_text_sanitize (xa_json_get_string (udp, "server"), -1, FALSE);
    g_autofree char *goodbye = NULL;

    XaText *reach = NULL;

    probe->report->udp_endpoint = g_strdup_printf ("%s:%d", server, (int) xa_json_get_int (udp, "port", 0));
    /* Where boards are told to send their audio, when boards may not reach it. */
    if ((reach = xa_mqtt_udp_reach_text (probe->report->mqtt_endpoint, server)) != NULL)
      {
        if (probe->report->setup_warnings == NULL)
          probe->report->setup_warnings = g_ptr_array_new_with_free_func ((GDestroyNotify) xa_text_free);
        g_ptr_array_add (probe->report->setup_warnings, reach);
      }
    /* Goodbye for the session, as a board ends one. */
    goodbye = build_message ("goodbye", probe->report->session_id);
    mosquitto_publish (probe->mosq, NULL, probe->publish_topic, (int) strlen (goodbye), goodbye, 0, FALSE);
  }
  finish (task, XA_VERDICT_VALID,
          xa_text_new_printf (N_("The MQTT credentials work: the server answered the hello with its UDP audio server.")));
}

/* The UDP audio server a gateway names, when boards that reach its broker
 * @broker (an address others can reach) may not reach @udp_host (a
 * loopback, link-local or 172.16/12 one): who reaches it, as a sentence;
 * else NULL. A broker on loopback answers clients of that machine only,
 * and its UDP server there is right for them. */
XaText *
xa_mqtt_udp_reach_text (const char *broker,
                        const char *udp_host)
{
  g_autofree char *broker_host = NULL;
  XaHostReach reach;
  XaText *text;
  int port;
  gboolean tls;

  if (udp_host == NULL || !xa_mqtt_parse_endpoint (broker, &broker_host, &port, &tls) ||
      xa_host_get_reach (broker_host) != XA_HOST_REACH_NETWORK ||
      (reach = xa_host_get_reach (udp_host)) == XA_HOST_REACH_NETWORK)
    return NULL;
  text = xa_text_new_printf (N_("The gateway tells boards to send their audio to %s."), udp_host);
  {
    g_autoptr(XaText) who = xa_host_reach_text (udp_host, reach);
    xa_text_append_text (text, who);
  }
  xa_text_append (text, N_("Set the gateway’s UDP address to one the boards can reach."));
  return text;
}

/* What a TLS failure says when the broker's certificate could not be read. */
static XaText *
tls_failed_text (Probe *probe)
{
  return xa_text_new_printf (N_("The TLS connection to the MQTT broker %s failed: its certificate is not "
                                "trusted or not for this name. A server with its own certificate authority "
                                "needs its CA file (Preferences, or XIAOZHI_CA_FILE)."),
                             probe->report->mqtt_endpoint);
}

/* libmosquitto says only that TLS failed: what the broker presented is
 * read over a connection of our own, and said as for the WebSocket. */
static void
certificate_read_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Probe *probe = g_task_get_task_data (task);
  g_autoptr(XaText) presented = xa_net_fetch_certificate_finish (result, NULL);
  XaText *advice;

  if (probe->stage != STAGE_READING_CERTIFICATE)
    return;
  if (presented != NULL)
    {
      advice = xa_text_new_printf (N_("The TLS connection to the MQTT broker %s failed."), probe->report->mqtt_endpoint);
      xa_text_append_text (advice, presented);
    }
  else
    advice = tls_failed_text (probe);
  finish (task, XA_VERDICT_TLS_ERROR, advice);
}

static void
link_error_cb (int      rc,
               int      saved_errno,
               gpointer user_data)
{
  GTask *task = user_data;
  Probe *probe = g_task_get_task_data (task);
  const char *reason = rc == MOSQ_ERR_ERRNO && saved_errno != 0 ? g_strerror (saved_errno) : mosquitto_strerror (rc);
  XaText *advice = NULL;

  if (probe->stage == STAGE_DONE || probe->stage == STAGE_READING_CERTIFICATE)
    return;
  g_free (probe->report->network_error);
  probe->report->network_error = g_strdup (reason);
  if (rc == MOSQ_ERR_TLS)
    {
      probe->stage = STAGE_READING_CERTIFICATE;
      xa_net_fetch_certificate_async (probe->host, probe->port, MIN (probe->timeout_ms, 3000), NULL,
                                      certificate_read_cb, g_object_ref (task));
      return;
    }
  advice = probe->stage == STAGE_CONNECTING
             ? xa_text_new_printf (N_("Could not connect to the MQTT broker %s (%s). Check the address and that the "
                                      "broker runs."), probe->report->mqtt_endpoint, reason)
             : xa_text_new_printf (N_("The MQTT broker %s dropped the connection (%s)."),
                                   probe->report->mqtt_endpoint, reason);
  finish (task, XA_VERDICT_UNREACHABLE, advice);
}

static gboolean
timeout_cb (gpointer user_data)
{
  GTask *task = user_data;
  Probe *probe = g_task_get_task_data (task);
  guint seconds = (probe->timeout_ms + 999) / 1000;
  XaText *advice = NULL;

  probe->timeout_id = 0;
  if (probe->stage == STAGE_READING_CERTIFICATE)
    advice = tls_failed_text (probe);
  else if (probe->stage == STAGE_WAITING_HELLO)
    advice = probe->subscribe_topic == NULL
               ? xa_text_new_printf (N_("The server did not answer the hello within %u seconds. The device has no topic "
                                        "to subscribe to (“null”), so only a broker that delivers to it directly can "
                                        "answer: check the MQTT gateway."), seconds)
               : xa_text_new_printf (N_("The server did not answer the hello within %u seconds. Check that its "
                                        "MQTT gateway runs, and that the broker’s access rules let this client "
                                        "read “%s”."), seconds, probe->subscribe_topic);
  else
    advice = xa_text_new_printf (N_("The MQTT broker %s did not answer within %u seconds."),
                                 probe->report->mqtt_endpoint, seconds);
  finish (task, probe->stage == STAGE_READING_CERTIFICATE ? XA_VERDICT_TLS_ERROR : XA_VERDICT_TIMEOUT, advice);
  return G_SOURCE_REMOVE;
}

static gboolean
cancelled_cb (GCancellable *cancellable,
              gpointer      user_data)
{
  finish (user_data, XA_VERDICT_CANCELLED, xa_text_new_printf (N_("The test was cancelled.")));
  return G_SOURCE_REMOVE;
}

/* Splits "host", "host:port", "mqtt://host:port" or "mqtts://host:port".
 * Without a scheme, the firmware's rule (esp-ml307's esp_mqtt.cc): TLS
 * on port 8883, the default, and plain TCP on any other port; a scheme
 * says it outright. */
gboolean
xa_mqtt_parse_endpoint (const char  *endpoint,
                        char       **host,
                        int         *port,
                        gboolean    *tls)
{
  const char *rest = endpoint;
  const char *colon;
  gboolean scheme_plain, scheme_tls;
  gint64 number = 8883;

  if (endpoint == NULL)
    return FALSE;
  scheme_plain = g_str_has_prefix (rest, "mqtt://") || g_str_has_prefix (rest, "tcp://");
  scheme_tls = g_str_has_prefix (rest, "mqtts://") || g_str_has_prefix (rest, "ssl://");
  if (scheme_plain || scheme_tls)
    rest = strstr (rest, "//") + 2;
  colon = strrchr (rest, ':');
  if (colon != NULL && !g_ascii_string_to_signed (colon + 1, 10, 1, 65535, &number, NULL))
    return FALSE;
  if (colon == NULL && scheme_plain)
    number = 1883;
  *host = colon ? g_strndup (rest, colon - rest) : g_strdup (rest);
  g_strdelimit (*host, "/", '\0');
  if (**host == '\0' || strpbrk (*host, " \t\r\n") != NULL)
    {
      g_clear_pointer (host, g_free);
      return FALSE;
    }
  *port = (int) number;
  *tls = scheme_tls || (!scheme_plain && number == 8883);
  return TRUE;
}

static void
connect_data_free (ConnectData *cd)
{
  g_free (cd->host);
  g_free (cd);
}

/* libmosquitto resolves the host name before it connects, blocking: in a
 * thread, so that a slow DNS never freezes the caller's main loop. */
static void
connect_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  ConnectData *cd = task_data;
  int rc;

  errno = 0;
  rc = mosquitto_connect_async (cd->mosq, cd->host, cd->port, KEEPALIVE_S);
  cd->saved_errno = errno;
  g_task_return_int (task, rc);
}

static void
connected_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Probe *probe = g_task_get_task_data (task);
  ConnectData *cd = g_task_get_task_data (G_TASK (result));
  int rc = (int) g_task_propagate_int (G_TASK (result), NULL);

  probe->connecting = FALSE;
  /* Timed out or cancelled meanwhile: the verdict is given already. */
  if (probe->stage == STAGE_DONE)
    return;
  if (rc != MOSQ_ERR_SUCCESS)
    {
      link_error_cb (rc == MOSQ_ERR_EAI ? MOSQ_ERR_NO_CONN : rc, cd->saved_errno, task);
      return;
    }
  probe->link = xa_mqtt_link_new (probe->mosq, link_error_cb, task);
}

void
xa_mqtt_probe_async (const XaMqttTarget  *target,
                     guint                timeout_ms,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  /* Its one reference is the probe's, dropped when it returns. */
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  Probe *probe = g_new0 (Probe, 1);
  g_autofree char *host = NULL;
  int port = 0;
  gboolean tls = FALSE;

  g_task_set_source_tag (task, xa_mqtt_probe_async);
  /* A cancelled Test is a verdict, as for the WebSocket. */
  g_task_set_check_cancellable (task, FALSE);
  g_task_set_task_data (task, probe, (GDestroyNotify) probe_free);
  probe->report = xa_report_new ();
  probe->report->hello_attempted = TRUE;
  probe->report->mqtt_endpoint = xa_server_text_sanitize (target->endpoint ? target->endpoint : "", -1, FALSE);
  probe->timeout_ms = timeout_ms ? timeout_ms : 10000;
  probe->publish_topic = g_strdup (target->publish_topic);
  if (target->subscribe_topic != NULL && *target->subscribe_topic != '\0' &&
      g_strcmp0 (target->subscribe_topic, "null") != 0)
    probe->subscribe_topic = g_strdup (target->subscribe_topic);

  mosquitto_lib_init ();
  if (!xa_mqtt_parse_endpoint (target->endpoint, &host, &port, &tls) ||
      target->client_id == NULL || target->publish_topic == NULL || *target->publish_topic == '\0')
    {
      finish (task, XA_VERDICT_PROTOCOL_ERROR,
              xa_text_new_printf (N_("The server’s MQTT details are incomplete (endpoint, client id or topic): run an OTA check again.")));
      return;
    }

  probe->report->mqtt_tls = tls;
  probe->host = g_strdup (host);
  probe->port = port;
  probe->mosq = mosquitto_new (target->client_id, TRUE, task);
  mosquitto_int_option (probe->mosq, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V311);
  if (target->username != NULL)
    mosquitto_username_pw_set (probe->mosq, target->username, target->password);
  if (tls)
    {
      /* Verified always: the system's CAs, and the user's CA file. */
      mosquitto_int_option (probe->mosq, MOSQ_OPT_TLS_USE_OS_CERTS, 1);
      if (xa_net_get_ca_file () != NULL)
        mosquitto_tls_set (probe->mosq, xa_net_get_ca_file (), NULL, NULL, NULL, NULL);
      mosquitto_tls_opts_set (probe->mosq, 1, NULL, NULL);
    }
  mosquitto_connect_callback_set (probe->mosq, connect_cb);
  mosquitto_subscribe_callback_set (probe->mosq, subscribe_cb);
  mosquitto_message_callback_set (probe->mosq, message_cb);

  probe->timeout_id = g_timeout_add (probe->timeout_ms, timeout_cb, task);
  if (cancellable != NULL)
    {
      probe->cancel_source = g_cancellable_source_new (cancellable);
      g_source_set_callback (probe->cancel_source, G_SOURCE_FUNC (cancelled_cb), task, NULL);
      g_source_attach (probe->cancel_source, NULL);
    }
  {
    /* The thread's task holds the probe's task (and so @mosq) until the
     * thread is done, whatever the verdict is by then. */
    g_autoptr(GTask) connect = g_task_new (NULL, NULL, connected_cb, g_object_ref (task));
    ConnectData *cd = g_new0 (ConnectData, 1);

    cd->mosq = probe->mosq;
    cd->host = g_steal_pointer (&host);
    cd->port = port;
    g_task_set_task_data (connect, cd, (GDestroyNotify) connect_data_free);
    probe->connecting = TRUE;
    g_task_run_in_thread (connect, connect_thread);
  }
}

XaReport *
xa_mqtt_probe_finish (GAsyncResult  *result,
                      GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
