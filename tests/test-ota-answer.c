/* SPDX-License-Identifier: GPL-3.0-or-later */
/* xa-ota-answer: an OTA answer parsed (what could do harm refused where
 * it arrives), and what it says of the server and its firmware. */
#include "config.h"

#include <json-glib/json-glib.h>

#include "xa-ota.h"
#include "xa-test-util.h"
#include "xa-text.h"
#include "xa-token.h"
#include "xa-url.h"

static void
test_parse_official_unbound (void)
{
  const char *text =
    "{\"server_time\":{\"timestamp\":1700000000000,\"timezone_offset\":480},"
    "\"firmware\":{\"version\":\"1.6.0\",\"url\":\"\"},"
    "\"activation\":{\"code\":\"548712\",\"message\":\"xiaozhi.me\\n548712\","
    "\"challenge\":\"5e1a7ad2-8c1e-4c55-9a53-9d1c2b6d5f11\",\"timeout_ms\":30000},"
    "\"mqtt\":{\"endpoint\":\"mqtt.xiaozhi.me\",\"client_id\":\"GID_test@@@02_11@@@x\","
    "\"username\":\"u\",\"password\":\"p\",\"publish_topic\":\"device-server\",\"subscribe_topic\":\"null\"},"
    "\"websocket\":{\"url\":\"wss://api.tenclass.net/xiaozhi/v1/\",\"token\":\"test-token\",\"version\":3}}";
  g_autoptr(GError) error = NULL;
  g_autoptr(XaOtaAnswer) a = xa_ota_answer_parse (text, strlen (text), &error);
  gint64 skew;

  g_assert_no_error (error);
  g_assert_true (a->has_activation);
  g_assert_cmpstr (a->code, ==, "548712");
  g_assert_cmpstr (a->message, ==, "xiaozhi.me\n548712");
  g_assert_cmpstr (a->challenge, ==, "5e1a7ad2-8c1e-4c55-9a53-9d1c2b6d5f11");
  g_assert_cmpint (a->timeout_ms, ==, 30000);
  g_assert_true (a->has_websocket);
  g_assert_cmpstr (a->websocket_url, ==, "wss://api.tenclass.net/xiaozhi/v1/");
  g_assert_cmpstr (a->token, ==, "test-token");
  g_assert_cmpint (a->websocket_version, ==, 3);
  g_assert_true (a->has_mqtt);
  g_assert_true (xa_ota_answer_has_test_mqtt (a));
  g_assert_null (a->mqtt_subscribe_topic);
  g_assert_true (a->has_server_time);
  g_assert_cmpint (a->timezone_offset_min, ==, 480);
  g_assert_true (xa_ota_answer_get_clock_skew (a, &skew));
  g_assert_cmpint (skew, >, 0);
  g_assert_cmpstr (a->firmware_version, ==, "1.6.0");
}

static void
test_parse_bound_self_hosted (void)
{
  const char *text = "{\"websocket\":{\"url\":\"ws://192.168.1.5:8000/xiaozhi/v1/\",\"token\":\"\"}}";
  g_autoptr(GError) error = NULL;
  g_autoptr(XaOtaAnswer) a = xa_ota_answer_parse (text, strlen (text), &error);

  g_assert_no_error (error);
  g_assert_false (a->has_activation);
  g_assert_true (a->has_websocket);
  g_assert_cmpstr (a->token, ==, "");
  g_assert_cmpint (a->timeout_ms, ==, -1);
  g_assert_false (a->has_server_time);
}

static void
test_parse_errors (void)
{
  const struct { const char *text; int code; const char *in_message; } cases[] = {
    { "{\"error\":\"Invalid device ID\"}", XA_OTA_ERROR_SERVER_REFUSED, "Invalid device ID" },
    { "{\"success\":false,\"message\":\"request error.\"}", XA_OTA_ERROR_SERVER_REFUSED, "“request error”. " },
    { "{\"code\":500,\"msg\":\"内部错误\"}", XA_OTA_ERROR_SERVER_REFUSED, "内部错误" },
    { "OTA interface is running", XA_OTA_ERROR_NOT_JSON, "/xiaozhi/ota/" },
    { "[1,2,3]", XA_OTA_ERROR_NOT_JSON, "not a JSON object" },
    { "{\"activation\":{\"code\":\"12", XA_OTA_ERROR_NOT_JSON, "not a JSON object" },
    { "{\"firmware\":{\"version\":\"1\"}}", XA_OTA_ERROR_INCOMPLETE, "neither an activation code" },
    { "{\"activation\":{\"message\":\"x\"}}", XA_OTA_ERROR_INCOMPLETE, "no activation code" },
    /* What a hostile server would like to see in an env file or a header. */
    { "{\"websocket\":{\"url\":\"ws://a/\",\"token\":\"t\\nLD_PRELOAD=/tmp/x.so\"}}", XA_OTA_ERROR_UNSAFE_VALUE, "token" },
    { "{\"websocket\":{\"url\":\"ws://a/\",\"token\":\"t $(id)\"}}", XA_OTA_ERROR_UNSAFE_VALUE, "token" },
    { "{\"websocket\":{\"url\":\"ws://a/\",\"token\":\"t'x\"}}", XA_OTA_ERROR_UNSAFE_VALUE, "token" },
    { "{\"websocket\":{\"url\":\"ws://a/\",\"token\":\"\u4ee4\u724c\"}}", XA_OTA_ERROR_UNSAFE_VALUE, "token" },
    { "{\"websocket\":{\"url\":\"ws://a/\\nPATH=/tmp\",\"token\":\"t\"}}", XA_OTA_ERROR_UNSAFE_VALUE, "WebSocket address" },
    { "{\"websocket\":{\"url\":\"javascript:alert(1)\",\"token\":\"t\"}}", XA_OTA_ERROR_UNSAFE_VALUE, "WebSocket address" },
    { "{\"websocket\":{\"url\":\"http://a/xiaozhi/v1/\",\"token\":\"t\"}}", XA_OTA_ERROR_UNSAFE_VALUE, "WebSocket address" },
    { "{\"websocket\":{\"url\":\"ws://[::1\",\"token\":\"t\"}}", XA_OTA_ERROR_UNSAFE_VALUE, "WebSocket address" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(XaOtaAnswer) a = xa_ota_answer_parse (cases[i].text, strlen (cases[i].text), &error);

      g_assert_null (a);
      g_assert_error (error, XA_OTA_ERROR, cases[i].code);
      g_assert_nonnull (strstr (error->message, cases[i].in_message));
    }
}

/* What an answer's own shape says of the server behind it, and what it
 * says of firmware; a server on another machine with a loopback
 * WebSocket address is a mistake, named with where its setting lives.
 * Parsed only: 192.0.2.0/24 is a documentation range, never contacted. */
/* The firmware's own rule for "newer": numbers one by one, the first
 * that differs decides, a longer version is newer than its start. */
static void
test_firmware_versions (void)
{
  const struct { const char *current; const char *offered; gboolean newer; } cases[] = {
    { "2.1.1", "2.1.2", TRUE },
    { "2.1.1", "2.2", TRUE },
    { "2.1.1", "10.0.0", TRUE },
    { "1.9.0", "1.10.0", TRUE },
    { "1.6", "1.6.1", TRUE },
    { "2.1.1", "2.1.1", FALSE },
    { "2.1.1", "0.0.0", FALSE },
    { "1.10.0", "1.9.0", FALSE },
    { "1.6.1", "1.6", FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_test_message ("%s → %s", cases[i].current, cases[i].offered);
      g_assert_cmpint (xa_firmware_version_is_newer (cases[i].current, cases[i].offered), ==, cases[i].newer);
    }
}

static void
test_server_kinds (void)
{
  const struct { const char *json; const char *ota; XaServerKind kind; gboolean offer; } cases[] = {
    /* ota_handler.py: the device's version echoed, no address */
    { "{\"firmware\":{\"version\":\"2.1.1\",\"url\":\"\"},\"websocket\":{\"url\":\"ws://127.0.0.1:8000/xiaozhi/v1/\",\"token\":\"\"}}",
      "http://192.0.2.10:8003/xiaozhi/ota/", XA_SERVER_KIND_SINGLE_MODULE, FALSE },
    /* … or a newer file from its data/bin */
    { "{\"firmware\":{\"version\":\"2.2.0\",\"url\":\"http://192.0.2.10:8003/xiaozhi/ota/download/b_2.2.0.bin\"},\"websocket\":{\"url\":\"ws://192.0.2.10:8000/xiaozhi/v1/\",\"token\":\"\"}}",
      "http://192.0.2.10:8003/xiaozhi/ota/", XA_SERVER_KIND_SINGLE_MODULE, TRUE },
    /* the manager's placeholder address is no offer */
    { "{\"firmware\":{\"version\":\"2.1.1\",\"url\":\"http://xiaozhi.server.com:8002/xiaozhi/otaMag/download/NOT_ACTIVATED_FIRMWARE_THIS_IS_A_INVALID_URL\"},"
      "\"activation\":{\"code\":\"123456\",\"message\":\"http://192.0.2.10:8001\\n123456\",\"challenge\":\"02:11:22:33:44:55\"},"
      "\"websocket\":{\"url\":\"ws://xiaozhi.server.com:8000/xiaozhi/v1/\",\"token\":\"\"}}",
      "http://192.0.2.10:8002/xiaozhi/ota/", XA_SERVER_KIND_MANAGER, FALSE },
    /* another version, but no address to fetch it from */
    { "{\"firmware\":{\"version\":\"1.6.0\",\"url\":\"\"},\"websocket\":{\"url\":\"wss://api.tenclass.net/xiaozhi/v1/\",\"token\":\"test-token\"}}",
      "https://api.tenclass.net/xiaozhi/ota/", XA_SERVER_KIND_OFFICIAL, FALSE },
    /* an older version at an address: a board keeps its own (#20: "0.0.0" is no downgrade) */
    { "{\"firmware\":{\"version\":\"0.0.0\",\"url\":\"http://192.0.2.10:8003/xiaozhi/ota/download/b_0.0.0.bin\"},\"websocket\":{\"url\":\"ws://192.0.2.10:8000/xiaozhi/v1/\",\"token\":\"\"}}",
      "http://192.0.2.10:8003/xiaozhi/ota/", XA_SERVER_KIND_SINGLE_MODULE, FALSE },
    /* … unless the server forces it */
    { "{\"firmware\":{\"version\":\"2.0.0\",\"url\":\"http://192.0.2.10:8003/xiaozhi/ota/download/b_2.0.0.bin\",\"force\":1},\"websocket\":{\"url\":\"ws://192.0.2.10:8000/xiaozhi/v1/\",\"token\":\"\"}}",
      "http://192.0.2.10:8003/xiaozhi/ota/", XA_SERVER_KIND_SINGLE_MODULE, TRUE },
    /* nothing that tells: no guess from the port */
    { "{\"websocket\":{\"url\":\"ws://192.0.2.10:8000/xiaozhi/v1/\",\"token\":\"x.1795607593\"}}",
      "http://192.0.2.10:8003/xiaozhi/ota/", XA_SERVER_KIND_UNKNOWN, FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(XaOtaAnswer) a = xa_ota_answer_parse (cases[i].json, strlen (cases[i].json), &error);

      g_assert_no_error (error);
      a->sent_version = g_strdup ("2.1.1");
      g_assert_cmpint (xa_ota_answer_get_server_kind (a, cases[i].ota), ==, cases[i].kind);
      g_assert_cmpint (xa_ota_answer_offers_firmware (a), ==, cases[i].offer);
    }

  {
    const char *json = cases[0].json;
    g_autoptr(XaOtaAnswer) a = xa_ota_answer_parse (json, strlen (json), NULL);
    g_auto(GStrv) warnings = NULL;

    a->sent_version = g_strdup ("2.1.1");
    warnings = xa_ota_answer_setup_warnings (a, cases[0].ota);
    g_assert_cmpuint (g_strv_length (warnings), ==, 1);
    g_assert_cmpstr (warnings[0], ==, "The server tells devices to connect to ws://127.0.0.1:8000/xiaozhi/v1/, which "
                                      "only its own machine can reach: set server.websocket to this server’s network "
                                      "address. On a single-module server, these settings are in its "
                                      "data/.config.yaml.");
    g_assert_null (xa_ota_answer_local_reach_text (a, cases[0].ota));
  }
  {
    const char *json = cases[2].json;
    g_autoptr(XaOtaAnswer) a = xa_ota_answer_parse (json, strlen (json), NULL);
    g_auto(GStrv) warnings = xa_ota_answer_setup_warnings (a, cases[2].ota);

    g_assert_cmpuint (g_strv_length (warnings), ==, 1);
    g_assert_nonnull (strstr (warnings[0], "the placeholder ws://xiaozhi.server.com:8000/xiaozhi/v1/"));
    g_assert_nonnull (strstr (warnings[0], "Parameters (参数管理)"));
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/xa/ota-answer/official-unbound", test_parse_official_unbound);
  g_test_add_func ("/xa/ota-answer/bound-self-hosted", test_parse_bound_self_hosted);
  g_test_add_func ("/xa/ota-answer/errors", test_parse_errors);
  g_test_add_func ("/xa/ota-answer/server-kinds", test_server_kinds);
  g_test_add_func ("/xa/ota-answer/firmware-versions", test_firmware_versions);

  return g_test_run ();
}
