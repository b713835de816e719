/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "xa-mqtt-probe.h"
#include "xa-net.h"
#include "xa-test-util.h"
#include "xa-text.h"

/* The MQTT Test against a real broker (Debian's mosquitto, one per test)
 * and the demo server as the MQTT gateway. */

#define CLIENT "GID_default@@@02_55_44_33_22_11@@@c"

typedef struct
{
  XaTestBroker *broker;
  XaDemoServer *server;
  char         *endpoint;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->broker = xa_test_broker_start ();
  f->server = xa_test_server_new (XA_DEMO_MODE_MQTT_ONLY, FALSE);
  g_assert_true (xa_demo_server_set_mqtt_broker (f->server, "127.0.0.1", f->broker->port,
                                                 "gateway", "gateway-password", &error));
  g_assert_no_error (error);
  f->endpoint = g_strdup_printf ("mqtt://127.0.0.1:%d", f->broker->port);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_assert_finalize_object (f->server);
  xa_test_broker_stop (f->broker);
  g_free (f->endpoint);
  xa_net_set_ca_file (NULL, NULL);
}

/* A device's MQTT details as the demo server hands them out in @mode. */
static XaReport *
probe (Fixture      *f,
       const char   *endpoint,
       const char   *mode,
       const char   *username,
       const char   *password,
       guint         timeout_ms,
       GCancellable *cancellable)
{
  g_autofree char *publish = g_strdup_printf ("device-server/%s/%s", mode, CLIENT);
  g_autofree char *subscribe = g_strdup_printf ("devices/p2p/%s", CLIENT);
  XaMqttTarget target = {
    .endpoint = endpoint ? endpoint : f->endpoint,
    .client_id = CLIENT,
    .username = username ? username : "demo-user",
    .password = password ? password : "demo-mqtt-password",
    .publish_topic = publish,
    .subscribe_topic = g_str_equal (mode, "mqtt-null-topic") ? "null" : subscribe,
  };
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  XaReport *report;

  xa_mqtt_probe_async (&target, timeout_ms, cancellable, xa_test_capture_cb, &result);
  report = xa_mqtt_probe_finish (xa_test_wait (&result), &error);
  g_assert_no_error (error);
  g_test_message ("%s: %s", xa_verdict_to_id (report->verdict), report->advice);
  return report;
}

static void
test_valid (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(XaReport) r = probe (f, NULL, "mqtt-only", NULL, NULL, 5000, NULL);
  g_autofree char *details = NULL;

  g_assert_cmpint (r->verdict, ==, XA_VERDICT_VALID);
  g_assert_cmpstr (r->udp_endpoint, ==, "127.0.0.1:8884");
  g_assert_nonnull (r->session_id);
  g_assert_cmpint (r->latency_ms, >=, 0);
  g_assert_cmpstr (r->mqtt_endpoint, ==, f->endpoint);
  details = xa_report_format_details (r);
  g_assert_nonnull (strstr (details, "UDP audio server: 127.0.0.1:8884"));
  g_assert_cmpuint (xa_demo_server_get_request_count (f->server, "mqtt-hello"), ==, 1);
  /* It says goodbye for the session, as a board does. */
  XA_TEST_WAIT_UNTIL (xa_demo_server_get_request_count (f->server, "mqtt-goodbye") == 1);
}

static void
test_wrong_password (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(XaReport) r = probe (f, NULL, "mqtt-only", NULL, "not-the-password", 5000, NULL);

  g_assert_cmpint (r->verdict, ==, XA_VERDICT_REJECTED);
  g_assert_true (strstr (r->advice, "bad user name or password") || strstr (r->advice, "not authorised"));
  g_assert_cmpuint (xa_demo_server_get_request_count (f->server, "mqtt-hello"), ==, 0);
}

/* A client the ACL does not let read its answer topic: mosquitto grants
 * the subscription (MQTT 3.1.1, as boards speak it) and drops what the
 * gateway sends, so the hello goes unanswered; the advice names the
 * access rules and the topic. */
static void
test_acl_denied (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(XaReport) r = probe (f, NULL, "mqtt-only", "blocked", "blocked-password", 1000, NULL);

  g_assert_cmpint (r->verdict, ==, XA_VERDICT_TIMEOUT);
  g_assert_nonnull (strstr (r->advice, "access rules let this client read “devices/p2p/" CLIENT "”"));
  g_assert_cmpuint (xa_demo_server_get_request_count (f->server, "mqtt-hello"), ==, 1);
}

static void
test_port_closed (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *closed = g_strdup_printf ("mqtt://127.0.0.1:%d", xa_test_free_port ());
  g_autoptr(XaReport) r = probe (f, closed, "mqtt-only", NULL, NULL, 5000, NULL);

  g_assert_cmpint (r->verdict, ==, XA_VERDICT_UNREACHABLE);
  g_assert_nonnull (strstr (r->advice, "Could not connect to the MQTT broker"));
}

/* The TLS listener's certificate is the demo's own: refused until its CA
 * file is trusted, then verified. Refused, it is described as for the
 * WebSocket, read over a connection of the app's own (libmosquitto does
 * not hand it over). */
static void
test_tls (Fixture       *f,
          gconstpointer  data)
{
  g_autofree char *tls = g_strdup_printf ("mqtts://127.0.0.1:%d", f->broker->tls_port);
  g_autofree char *ca = xa_test_data_path ("demo-cert.pem");
  g_autoptr(XaReport) untrusted = probe (f, tls, "mqtt-only", NULL, NULL, 5000, NULL);
  g_autoptr(XaReport) trusted = NULL;

  g_assert_cmpint (untrusted->verdict, ==, XA_VERDICT_TLS_ERROR);
  g_assert_nonnull (strstr (untrusted->advice, "CA file"));
  g_assert_true (g_str_has_prefix (untrusted->advice, "The TLS connection to the MQTT broker "));
  g_assert_nonnull (strstr (untrusted->advice, "The server presented a certificate for localhost, 127.0.0.1, issued by CN=127.0.0.1"));
  g_assert_nonnull (strstr (untrusted->advice, "(SHA-256 "));
  g_assert_nonnull (strstr (untrusted->advice, "It is signed by itself"));

  g_assert_true (xa_net_set_ca_file (ca, NULL));
  trusted = probe (f, tls, "mqtt-only", NULL, NULL, 5000, NULL);
  g_assert_cmpint (trusted->verdict, ==, XA_VERDICT_VALID);
  g_assert_true (trusted->mqtt_tls);
}

/* A bare "host:port" as servers send it: TLS on 8883 only, as the
 * firmware does (esp_mqtt.cc), so a broker on another port is spoken to
 * in clear, and the details say so. */
static void
test_firmware_tls_rule (Fixture       *f,
                        gconstpointer  data)
{
  g_autofree char *plain = g_strdup_printf ("127.0.0.1:%d", f->broker->port);
  g_autoptr(XaReport) r = NULL;
  g_autofree char *details = NULL;

  g_assert_cmpint (f->broker->port, !=, 1883);
  g_assert_cmpint (f->broker->port, !=, 8883);
  r = probe (f, plain, "mqtt-only", NULL, NULL, 5000, NULL);
  g_assert_cmpint (r->verdict, ==, XA_VERDICT_VALID);
  g_assert_false (r->mqtt_tls);
  details = xa_report_format_details (r);
  g_assert_nonnull (strstr (details, "MQTT connection: plain TCP (boards use TLS on port 8883 only)"));
}

/* A host name, looked up in the probe's connecting thread (libmosquitto
 * resolves blocking: never on the caller's main loop). */
static void
test_host_name (Fixture       *f,
                                 gconstpointer  data)
{
  g_autofree char *named = g_strdup_printf ("localhost:%d", f->broker->port);
  g_autoptr(XaReport) r = probe (f, named, "mqtt-only", NULL, NULL, 5000, NULL);

  g_assert_cmpint (r->verdict, ==, XA_VERDICT_VALID);
}

static void
test_no_gateway (Fixture       *f,
                 gconstpointer  data)
{
  /* Nobody answers on this topic: the broker is up, the gateway is not. */
  gint64 start = g_get_monotonic_time ();
  g_autoptr(XaReport) r = probe (f, NULL, "no-such-gateway", NULL, NULL, 1000, NULL);

  g_assert_cmpint (r->verdict, ==, XA_VERDICT_TIMEOUT);
  g_assert_nonnull (strstr (r->advice, "did not answer the hello within 1 seconds"));
  g_assert_cmpint (g_get_monotonic_time () - start, <, 3 * G_USEC_PER_SEC);
}

static void
test_no_udp (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(XaReport) r = probe (f, NULL, "mqtt-no-udp", NULL, NULL, 5000, NULL);

  g_assert_cmpint (r->verdict, ==, XA_VERDICT_PROTOCOL_ERROR);
  g_assert_nonnull (strstr (r->advice, "no “udp” section"));
}

/* subscribe_topic "null": nothing to subscribe to, so a plain broker
 * never delivers the answer; it says so. */
static void
test_null_topic (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(XaReport) r = probe (f, NULL, "mqtt-null-topic", NULL, NULL, 1000, NULL);

  g_assert_cmpint (r->verdict, ==, XA_VERDICT_TIMEOUT);
  g_assert_nonnull (strstr (r->advice, "(“null”)"));
  g_assert_cmpuint (xa_demo_server_get_request_count (f->server, "mqtt-hello"), ==, 1);
}

static void
test_cancel (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(XaReport) r = NULL;

  g_cancellable_cancel (cancellable);
  r = probe (f, NULL, "mqtt-only", NULL, NULL, 5000, cancellable);
  g_assert_cmpint (r->verdict, ==, XA_VERDICT_CANCELLED);
}

static gboolean
set_flag (gpointer flag)
{
  *(gboolean *) flag = TRUE;
  return G_SOURCE_REMOVE;
}

/* A connected gateway waits on its socket: the main loop sleeps (a link
 * that told GLib its socket again at every turn once woke it for ever,
 * at 100 % CPU). */
static void
test_idle (Fixture       *f,
           gconstpointer  data)
{
  gboolean done = FALSE;
  guint turns = 0;

  g_timeout_add (1000, set_flag, &done);
  while (!done)
    {
      g_main_context_iteration (NULL, TRUE);
      turns++;
    }
  g_assert_cmpuint (turns, <, 20);
}

static void
test_endpoints (void)
{
  const struct { const char *in; const char *host; int port; gboolean tls; } cases[] = {
    { "mqtt.xiaozhi.me", "mqtt.xiaozhi.me", 8883, TRUE },
    { "192.0.2.1:1883", "192.0.2.1", 1883, FALSE },
    { "broker.example:8883", "broker.example", 8883, TRUE },
    { "mqtt://broker.example", "broker.example", 1883, FALSE },
    { "mqtt://127.0.0.1:4000", "127.0.0.1", 4000, FALSE },
    { "mqtts://broker.example:4000", "broker.example", 4000, TRUE },
    /* the firmware's rule: TLS on 8883 only */
    { "broker.example:1884", "broker.example", 1884, FALSE },
    { "broker.example:8884", "broker.example", 8884, FALSE },
  };
  const char *bad[] = { "", ":1883", "host:0", "host:99999", "host:x", "bad host:1883" };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *host = NULL;
      int port;
      gboolean tls;

      g_assert_true (xa_mqtt_parse_endpoint (cases[i].in, &host, &port, &tls));
      g_assert_cmpstr (host, ==, cases[i].host);
      g_assert_cmpint (port, ==, cases[i].port);
      g_assert_cmpint (tls, ==, cases[i].tls);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *host = NULL;
      int port;
      gboolean tls;

      g_assert_false (xa_mqtt_parse_endpoint (bad[i], &host, &port, &tls));
    }
}

#define ADD(path, func) g_test_add ("/xa/mqtt/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)

/* Where a gateway tells boards to send audio, when boards that reach its
 * broker may not reach that: said, by kind. Parsed only (192.0.2.0/24 is
 * a documentation range, never contacted). */
static void
test_udp_reach (void)
{
  g_autoptr(XaText) bridge = xa_mqtt_udp_reach_text ("192.0.2.10:1883", "172.17.0.3");
  g_autoptr(XaText) loopback = xa_mqtt_udp_reach_text ("192.0.2.10:1883", "127.0.0.1");
  g_autofree char *bridge_said = xa_text_render (bridge);
  g_autofree char *loopback_said = xa_text_render (loopback);

  g_assert_cmpstr (bridge_said, ==, "The gateway tells boards to send their audio to 172.17.0.3. 172.17.0.3 is in "
                                    "172.16.0.0/12: either a Docker bridge, which only that machine reaches, or a "
                                    "private network in that range, whose devices reach it. Set the gateway’s UDP "
                                    "address to one the boards can reach.");
  g_assert_nonnull (strstr (loopback_said, "127.0.0.1 is a loopback address"));
  /* A broker on loopback: its UDP server there is right for this machine. */
  g_assert_null (xa_mqtt_udp_reach_text ("127.0.0.1:1883", "127.0.0.1"));
  g_assert_null (xa_mqtt_udp_reach_text ("192.0.2.10:1883", "192.0.2.10"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/xa/mqtt/udp-reach", test_udp_reach);
  g_test_add_func ("/xa/mqtt/endpoints", test_endpoints);
  ADD ("valid", test_valid);
  ADD ("wrong-password", test_wrong_password);
  ADD ("acl-denied", test_acl_denied);
  ADD ("port-closed", test_port_closed);
  ADD ("tls", test_tls);
  ADD ("firmware-tls-rule", test_firmware_tls_rule);
  ADD ("host-name", test_host_name);
  ADD ("no-gateway", test_no_gateway);
  ADD ("no-udp", test_no_udp);
  ADD ("null-topic", test_null_topic);
  ADD ("cancel", test_cancel);
  ADD ("idle", test_idle);
  return g_test_run ();
}
