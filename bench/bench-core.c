/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <stdio.h>
#include <unistd.h>

#include "xa-batch-test.h"
#include "xa-device-session.h"
#include "xa-device.h"
#include "xa-store.h"
#include "xa-export.h"
#include "xa-json-edit.h"
#include "xa-token-test.h"
#include "xa-mqtt-probe.h"
#include "xa-test-util.h"

/* How fast the core does what users wait for. Not a test: it prints
 * numbers to compare before and after a change (README, "Benchmarks").
 * Everything runs on loopback against the demo server. */

static double
seconds_since (gint64 start)
{
  return (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
}

static void
bench_parse (void)
{
  const char *text =
    "{\"server_time\":{\"timestamp\":1700000000000,\"timezone_offset\":480},"
    "\"firmware\":{\"version\":\"1.6.0\",\"url\":\"\"},"
    "\"activation\":{\"code\":\"548712\",\"message\":\"xiaozhi.me\\n548712\","
    "\"challenge\":\"5e1a7ad2-8c1e-4c55-9a53-9d1c2b6d5f11\",\"timeout_ms\":30000},"
    "\"websocket\":{\"url\":\"wss://api.tenclass.net/xiaozhi/v1/\",\"token\":\"test-token\"}}";
  const guint n = 20000;
  gint64 start = g_get_monotonic_time ();

  for (guint i = 0; i < n; i++)
    xa_ota_answer_free (xa_ota_answer_parse (text, strlen (text), NULL));
  g_print ("ota-answer-parse     %8.0f answers/s\n", n / seconds_since (start));
}

static void
bench_json_edit (void)
{
  const char *path = XA_CONFIG_FIXTURE;
  g_autofree char *text = NULL;
  const guint n = 20000;
  gint64 start;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    g_error ("no fixture at %s", path);
  start = g_get_monotonic_time ();
  for (guint i = 0; i < n; i++)
    g_free (xa_json_edit_set (text, "SYSTEM_OPTIONS.NETWORK.WEBSOCKET_ACCESS_TOKEN", "\"abc.123\""));
  g_print ("config-json-edit     %8.0f edits/s\n", n / seconds_since (start));
}

static void
bench_token_test (void)
{
  g_autoptr(XaDemoServer) server = xa_test_server_new (XA_DEMO_MODE_OFFICIAL, FALSE);
  g_autofree char *ota = xa_demo_server_get_url (server, XA_DEMO_MODE_OFFICIAL, "ota");
  g_autofree char *ws = xa_demo_server_get_url (server, XA_DEMO_MODE_OFFICIAL, "ws");
  g_autoptr(XaIdentity) id = xa_identity_new ("02:00:00:00:be:01", NULL, NULL, NULL);
  g_autoptr(GAsyncResult) first = NULL;
  g_autoptr(XaOtaAnswer) answer = NULL;
  const guint n = 200;
  double worst = 0;
  gint64 start;
  const char *token;

  xa_ota_check_async (ota, id, 0, NULL, xa_test_capture_cb, &first);
  answer = xa_ota_check_finish (xa_test_wait (&first), NULL);
  g_free (xa_demo_server_bind_code (server, answer->code));
  token = xa_demo_server_get_token (server, id->device_id);

  start = g_get_monotonic_time ();
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(XaReport) report = NULL;
      gint64 one = g_get_monotonic_time ();

      xa_token_test_async (ota, ws, token, id, 2000, NULL, xa_test_capture_cb, &result);
      report = xa_token_test_finish (xa_test_wait (&result), NULL);
      if (report->verdict != XA_VERDICT_VALID)
        g_error ("the Test said %s", xa_verdict_to_id (report->verdict));
      worst = MAX (worst, seconds_since (one));
    }
  g_print ("token-test (OTA+hello) %6.2f ms mean, %.2f ms worst, over %u runs\n",
           seconds_since (start) * 1000 / n, worst * 1000, n);
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

/* The Test over each road, median of 20: the WebSocket (OTA check, hello,
 * and the 400 ms wait for an unknown-device message) and MQTT (connect,
 * subscribe, hello, goodbye) against a local mosquitto with the demo
 * server as gateway. */
static void
bench_transports (void)
{
  XaTestBroker *broker = xa_test_broker_start ();
  g_autoptr(XaDemoServer) server = xa_test_server_new (XA_DEMO_MODE_OFFICIAL, FALSE);
  g_autofree char *ota = xa_demo_server_get_url (server, XA_DEMO_MODE_OFFICIAL, "ota");
  g_autofree char *ws = xa_demo_server_get_url (server, XA_DEMO_MODE_OFFICIAL, "ws");
  g_autoptr(XaIdentity) id = xa_identity_new ("02:00:00:00:be:02", NULL, NULL, NULL);
  g_autoptr(GAsyncResult) first = NULL;
  g_autoptr(GAsyncResult) second = NULL;
  g_autoptr(XaOtaAnswer) answer = NULL;
  g_autoptr(XaOtaAnswer) bound = NULL;
  double ws_ms[20], mqtt_ms[20];

  g_assert_true (xa_demo_server_set_mqtt_broker (server, "127.0.0.1", broker->port, "gateway", "gateway-password", NULL));
  xa_ota_check_async (ota, id, 0, NULL, xa_test_capture_cb, &first);
  answer = xa_ota_check_finish (xa_test_wait (&first), NULL);
  g_free (xa_demo_server_bind_code (server, answer->code));
  xa_ota_check_async (ota, id, 0, NULL, xa_test_capture_cb, &second);
  bound = xa_ota_check_finish (xa_test_wait (&second), NULL);

  for (guint i = 0; i < G_N_ELEMENTS (ws_ms); i++)
    {
      g_autoptr(GAsyncResult) ws_result = NULL;
      g_autoptr(GAsyncResult) mqtt_result = NULL;
      g_autoptr(XaReport) ws_report = NULL;
      g_autoptr(XaReport) mqtt_report = NULL;
      XaMqttTarget target = {
        .endpoint = bound->mqtt_endpoint, .client_id = bound->mqtt_client_id, .username = bound->mqtt_username,
        .password = bound->mqtt_password, .publish_topic = bound->mqtt_publish_topic,
        .subscribe_topic = bound->mqtt_subscribe_topic,
      };
      gint64 start = g_get_monotonic_time ();

      xa_token_test_async (ota, ws, bound->token, id, 2000, NULL, xa_test_capture_cb, &ws_result);
      ws_report = xa_token_test_finish (xa_test_wait (&ws_result), NULL);
      ws_ms[i] = seconds_since (start) * 1000;
      start = g_get_monotonic_time ();
      xa_mqtt_probe_async (&target, 2000, NULL, xa_test_capture_cb, &mqtt_result);
      mqtt_report = xa_mqtt_probe_finish (xa_test_wait (&mqtt_result), NULL);
      mqtt_ms[i] = seconds_since (start) * 1000;
      if (ws_report->verdict != XA_VERDICT_VALID || mqtt_report->verdict != XA_VERDICT_VALID)
        g_error ("the Tests said %s and %s", xa_verdict_to_id (ws_report->verdict),
                 xa_verdict_to_id (mqtt_report->verdict));
    }
  qsort (ws_ms, G_N_ELEMENTS (ws_ms), sizeof (double), compare_doubles);
  qsort (mqtt_ms, G_N_ELEMENTS (mqtt_ms), sizeof (double), compare_doubles);
  g_print ("test-websocket         %6.2f ms median of 20\n", (ws_ms[9] + ws_ms[10]) / 2);
  g_print ("test-mqtt              %6.2f ms median of 20\n", (mqtt_ms[9] + mqtt_ms[10]) / 2);
  g_clear_object (&server);
  xa_test_broker_stop (broker);
}

/* Adding a device to a list of 10,000 (a classroom's worth of boards, many
 * times over): the goal is under 50 ms. */
static void
bench_store_add (void)
{
  g_autofree char *dir = g_dir_make_tmp ("xa-bench-store-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "devices.json", NULL);
  g_autoptr(JsonArray) records = json_array_new ();
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;
  g_autoptr(XaStore) store = xa_store_new (&xa_device_kind, path);
  g_autoptr(GAsyncResult) loaded = NULL;
  const guint n = 10000, adds = 10;
  double worst = 0;
  gint64 start;

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *name = g_strdup_printf ("board %u", i);
      g_autofree char *mac = g_strdup_printf ("02:00:00:%02x:%02x:%02x", (i >> 16) & 0xff, (i >> 8) & 0xff, i & 0xff);
      g_autoptr(XaDevice) d = xa_test_device_new (name, mac);
      json_array_add_element (records, xa_device_to_json (d));
    }
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "version");
  json_builder_add_int_value (b, 1);
  json_builder_set_member_name (b, "devices");
  json_builder_add_value (b, json_node_init_array (json_node_alloc (), records));
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  text = json_to_string (root, TRUE);
  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  xa_store_load_async (store, NULL, xa_test_capture_cb, &loaded);
  g_assert_true (xa_store_finish (store, xa_test_wait (&loaded), NULL));

  start = g_get_monotonic_time ();
  for (guint i = 0; i < adds; i++)
    {
      g_autofree char *name = g_strdup_printf ("new %u", i);
      g_autoptr(XaDevice) d = xa_test_device_new (name, "02:ff:00:00:00:01");
      g_autoptr(GAsyncResult) added = NULL;
      gint64 one = g_get_monotonic_time ();

      xa_store_add_async (store, d, NULL, xa_test_capture_cb, &added);
      g_assert_true (xa_store_finish (store, xa_test_wait (&added), NULL));
      worst = MAX (worst, seconds_since (one));
    }
  g_print ("store-add (10,000)     %6.1f ms mean, %.1f ms worst\n",
           seconds_since (start) * 1000 / adds, worst * 1000);
  g_unlink (path);
  {
    g_autofree char *lock = g_strconcat (path, ".lock", NULL);
    g_unlink (lock);
  }
  g_rmdir (dir);
}

/* Resident memory, in MiB. */
static double
rss_mib (void)
{
  g_autofree char *statm = NULL;
  unsigned long pages = 0, resident = 0;

  if (g_file_get_contents ("/proc/self/statm", &statm, NULL, NULL))
    sscanf (statm, "%lu %lu", &pages, &resident);
  return resident * (double) sysconf (_SC_PAGESIZE) / (1024 * 1024);
}

static double
time_batch (XaStore *store,
            guint          n,
            guint          jobs)
{
  g_autoptr(GPtrArray) sessions = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GAsyncResult) done = NULL;
  gint64 start;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(XaDevice) device = g_list_model_get_item (G_LIST_MODEL (store), i);
      g_ptr_array_add (sessions, xa_device_session_new (store, device));
    }
  start = g_get_monotonic_time ();
  xa_batch_test_async (sessions, jobs, 5000, NULL, NULL, NULL, xa_test_capture_cb, &done);
  g_assert_true (xa_batch_test_finish (xa_test_wait (&done), NULL));
  for (guint i = 0; i < n; i++)
    if (g_strcmp0 (xa_device_get_last_verdict (xa_device_session_get_device (g_ptr_array_index (sessions, i))),
                   "valid") != 0)
      g_error ("device %u was not valid", i);
  return seconds_since (start) * 1000;
}

/* Many devices tested at once (xiaozhictl test --all, Test All Devices):
 * 1, 10 and 100 bound devices, each session reading its token from the
 * keyring first. Needs a keyring: run it under tests/with-keyring.sh. */
static void
bench_test_all (void)
{
  g_autoptr(XaDemoServer) server = xa_test_server_new (XA_DEMO_MODE_OFFICIAL, FALSE);
  g_autofree char *ota = xa_demo_server_get_url (server, XA_DEMO_MODE_OFFICIAL, "ota");
  g_autofree char *ws = xa_demo_server_get_url (server, XA_DEMO_MODE_OFFICIAL, "ws");
  g_autofree char *dir = g_dir_make_tmp ("xa-bench-all-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "devices.json", NULL);
  g_autoptr(XaStore) store = xa_store_new (&xa_device_kind, path);
  g_autoptr(GAsyncResult) loaded = NULL;
  double one, ten, hundred, hundred_wide, before;

  xa_store_load_async (store, NULL, xa_test_capture_cb, &loaded);
  xa_store_finish (store, xa_test_wait (&loaded), NULL);
  for (guint i = 0; i < 100; i++)
    {
      g_autofree char *name = g_strdup_printf ("board %u", i);
      g_autofree char *mac = g_strdup_printf ("02:00:00:01:00:%02x", i);
      g_autoptr(XaIdentity) id = xa_identity_new (mac, NULL, NULL, NULL);
      g_autoptr(XaDevice) device = xa_device_new (name, ota, id);
      g_autoptr(XaDeviceSession) session = NULL;
      g_autoptr(GAsyncResult) checked = NULL;
      g_autoptr(GAsyncResult) added = NULL;
      g_autoptr(XaOtaAnswer) answer = NULL;

      xa_ota_check_async (ota, id, 0, NULL, xa_test_capture_cb, &checked);
      answer = xa_ota_check_finish (xa_test_wait (&checked), NULL);
      g_free (xa_demo_server_bind_code (server, answer->code));
      g_object_set (device, "websocket-url", ws, NULL);
      session = xa_device_session_new (store, device);
      xa_device_session_add_async (session, xa_demo_server_get_token (server, mac), id->hmac_key, NULL,
                                   xa_test_capture_cb, &added);
      if (!xa_device_session_add_finish (session, xa_test_wait (&added), NULL) ||
          xa_device_session_get_keyring_error (session) != NULL)
        g_error ("no keyring: run this under tests/with-keyring.sh");
    }

  one = time_batch (store, 1, 0);
  ten = time_batch (store, 10, 0);
  before = rss_mib ();
  hundred = time_batch (store, 100, 0);
  g_print ("test-all (8 at a time) %6.0f ms for 1, %.0f ms for 10, %.0f ms for 100 (%.1f× one); "
           "memory +%.1f MiB for 100\n", one, ten, hundred, hundred / one, rss_mib () - before);
  hundred_wide = time_batch (store, 100, 64);
  g_print ("test-all (64 at a time) %5.0f ms for 100 (%.1f× one)\n", hundred_wide, hundred_wide / one);
  xa_test_remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  const struct { const char *name; void (*run) (void); } benches[] = {
    { "ota-answer-parse", bench_parse },
    { "config-json-edit", bench_json_edit },
    { "token-test", bench_token_test },
    { "store-add", bench_store_add },
    { "transports", bench_transports },
    { "test-all", bench_test_all },
  };

  /* The test data (the demo certificate the broker serves). */
  if (g_getenv ("G_TEST_SRCDIR") == NULL)
    g_setenv ("G_TEST_SRCDIR", XA_TESTS_SRCDIR, TRUE);

  g_test_init (&argc, &argv, NULL);
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);

  /* All of them, or the ones named: bench-core store-add */
  for (guint i = 0; i < G_N_ELEMENTS (benches); i++)
    if (argc < 2 || g_strv_contains ((const char * const *) argv + 1, benches[i].name))
      benches[i].run ();
  return 0;
}
