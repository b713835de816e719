/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <json-glib/json-glib.h>

#include "xa-net.h"
#include "xa-ota.h"
#include "xa-test-util.h"
#include "xa-text.h"
#include "xa-token.h"
#include "xa-url.h"

typedef XaTestFixture Fixture;

static XaOtaAnswer *
check (Fixture     *f,
       XaDemoMode   mode,
       guint        timeout_ms,
       GError     **error)
{
  g_autofree char *url = xa_demo_server_get_url (f->server, mode, "ota");
  g_autoptr(GAsyncResult) result = NULL;

  xa_ota_check_async (url, f->identity, timeout_ms, NULL, xa_test_capture_cb, &result);
  return xa_ota_check_finish (xa_test_wait (&result), error);
}

/* ---- parsing ------------------------------------------------------------- */

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

/* Server text in our sentences: one full stop, the quote's own dropped. */
static void
test_quote (void)
{
  const struct { const char *text; const char *quoted; } cases[] = {
    { "request error.", "request error" },
    { "请先绑定设备。", "请先绑定设备" },
    { "Bound?  ", "Bound" },
    { "Wait...", "Wait..." },
    { "Invalid MAC address", "Invalid MAC address" },
    { "a\x1b[2Jb.", "a [2Jb" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *quoted = xa_server_text_quote (cases[i].text);
      g_assert_cmpstr (quoted, ==, cases[i].quoted);
    }
  g_assert_null (xa_server_text_quote (NULL));
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

static void
test_huge_numbers (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XaOtaAnswer) a = check (f, XA_DEMO_MODE_HUGE_NUMBERS, 0, &error);
  gint64 skew;

  /* A lifetime of 1e19 ms is counted as a day; a server time of
   * INT64_MIN is no clock at all. */
  g_assert_no_error (error);
  g_assert_cmpint (a->timeout_ms, ==, (gint64) 24 * 3600 * 1000);
  g_assert_false (a->has_server_time);
  g_assert_false (xa_ota_answer_get_clock_skew (a, &skew));
}

/* The manager's answer says where its console is, and the setup mistakes
 * devices trip on are named with the setting to change. */
static void
test_setup_warnings (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *ota = xa_demo_server_get_url (f->server, XA_DEMO_MODE_MANAGER_PLACEHOLDER, "ota");
  g_autofree char *official_ota = xa_demo_server_get_url (f->server, XA_DEMO_MODE_OFFICIAL, "ota");
  g_autoptr(XaOtaAnswer) a = check (f, XA_DEMO_MODE_MANAGER_PLACEHOLDER, 0, NULL);
  g_autoptr(XaOtaAnswer) official = check (f, XA_DEMO_MODE_OFFICIAL, 0, NULL);
  g_auto(GStrv) warnings = xa_ota_answer_setup_warnings (a, ota);
  g_autoptr(GPtrArray) none = xa_ota_answer_setup_warning_texts (official, official_ota);

  g_assert_cmpstr (xa_ota_answer_get_panel_url (a), ==, "http://xiaozhi.server.com");
  g_assert_cmpint (a->timeout_ms, ==, -1);
  g_assert_cmpuint (g_strv_length (warnings), ==, 2);
  g_assert_nonnull (strstr (warnings[0], "placeholder http://xiaozhi.server.com"));
  g_assert_nonnull (strstr (warnings[1], "clients on this computer can reach it"));
  g_assert_nonnull (strstr (warnings[0], "server.fronted_url"));
  /* Its loopback WebSocket address, from a server reached on loopback:
   * right for this computer, wrong for boards, and said so. */
  {
    g_autoptr(XaText) reach = xa_ota_answer_local_reach_text (a, ota);
    g_autofree char *said = xa_text_render (reach);

    g_assert_cmpint (xa_ota_answer_get_server_kind (a, ota), ==, XA_SERVER_KIND_MANAGER);
    g_assert_cmpstr (said, ==, "The server sends devices to ws://127.0.0.1:8000/xiaozhi/v1/: clients on this "
                               "computer can reach it, boards on your network cannot. For boards, set "
                               "server.websocket to this computer’s network address. On a manager, these settings "
                               "are in its web console, under Parameters (参数管理).");
  }

  /* The official message's first line is no address; nothing to say. */
  g_assert_null (xa_ota_answer_get_panel_url (official));
  g_assert_cmpuint (none->len, ==, 0);
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

/* Who can reach an address the server gives, by what the address is:
 * loopback never for boards, link-local only on the same link, 172.16/12
 * either Docker's bridge or a LAN — both are said. Parsed only. */
static void
test_reach (void)
{
  const struct { const char *ws; const char *ota; const char *said; } cases[] = {
    { "ws://172.17.0.2:8000/xiaozhi/v1/", "http://192.0.2.10:8002/xiaozhi/ota/",
      "ws://172.17.0.2:8000/xiaozhi/v1/ is in 172.16.0.0/12: either a Docker bridge, which only that machine "
      "reaches, or a private network in that range, whose devices reach it." },
    { "ws://169.254.10.1:8000/xiaozhi/v1/", "http://192.0.2.10:8002/xiaozhi/ota/",
      "ws://169.254.10.1:8000/xiaozhi/v1/ is a link-local address: only machines on the same network link reach "
      "it, and it may change when the machine restarts." },
    { "ws://127.0.0.1:8000/xiaozhi/v1/", "http://192.0.2.10:8002/xiaozhi/ota/", "which only its own machine can reach" },
  };

  g_assert_cmpint (xa_host_get_reach ("127.0.0.1"), ==, XA_HOST_REACH_LOOPBACK);
  g_assert_cmpint (xa_host_get_reach ("fe80::1"), ==, XA_HOST_REACH_LINK_LOCAL);
  g_assert_cmpint (xa_host_get_reach ("172.31.255.1"), ==, XA_HOST_REACH_BRIDGE);
  g_assert_cmpint (xa_host_get_reach ("172.32.0.1"), ==, XA_HOST_REACH_NETWORK);
  g_assert_cmpint (xa_host_get_reach ("192.0.2.10"), ==, XA_HOST_REACH_NETWORK);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *json = g_strdup_printf ("{\"websocket\":{\"url\":\"%s\",\"token\":\"x.1795607593\"}}",
                                               cases[i].ws);
      g_autoptr(XaOtaAnswer) a = xa_ota_answer_parse (json, strlen (json), NULL);
      g_auto(GStrv) warnings = xa_ota_answer_setup_warnings (a, cases[i].ota);

      g_assert_cmpuint (g_strv_length (warnings), ==, 1);
      if (strstr (warnings[0], cases[i].said) == NULL)
        g_error ("“%s” does not say “%s”", warnings[0], cases[i].said);
    }
  /* A server on this computer sending a bridge address: right for here
   * when it is Docker's, and both are said. */
  {
    const char *json = "{\"websocket\":{\"url\":\"ws://172.17.0.2:8000/xiaozhi/v1/\",\"token\":\"x.1795607593\"}}";
    g_autoptr(XaOtaAnswer) a = xa_ota_answer_parse (json, strlen (json), NULL);
    g_autoptr(XaText) reach = xa_ota_answer_local_reach_text (a, "http://127.0.0.1:8003/xiaozhi/ota/");
    g_autofree char *said = xa_text_render (reach);

    g_assert_nonnull (strstr (said, "either a Docker bridge"));
    g_assert_nonnull (strstr (said, "For boards on another network"));
  }
}

static void
test_token_dates (void)
{
  gint64 issued = 0, expires = 0;

  g_assert_true (xa_token_get_dates ("f0bFO2qncZ8_Sh_o0qbfmpI8wXjFWldLbK6IiblrqVQ.1795607593", &issued, &expires));
  g_assert_cmpint (issued, ==, 1795607593);
  g_assert_cmpint (expires, ==, 1795607593 + 30 * 24 * 3600);
  g_assert_false (xa_token_get_dates ("test-token", &issued, &expires));
  g_assert_false (xa_token_get_dates ("abc.123", &issued, &expires));
  g_assert_false (xa_token_get_dates (".1795607593", &issued, &expires));
}

static void
test_activate_url (void)
{
  g_autofree char *a = xa_ota_activate_url ("https://api.tenclass.net/xiaozhi/ota/");
  g_autofree char *b = xa_ota_activate_url ("http://h:8002/xiaozhi/ota");

  g_assert_cmpstr (a, ==, "https://api.tenclass.net/xiaozhi/ota/activate");
  g_assert_cmpstr (b, ==, "http://h:8002/xiaozhi/ota/activate");
}

static void
test_control_panel_guess (void)
{
  g_autofree char *official = xa_ota_guess_control_panel ("https://api.tenclass.net/xiaozhi/ota/");
  g_autofree char *own = xa_ota_guess_control_panel ("http://192.168.1.5:8002/xiaozhi/ota/");

  g_assert_cmpstr (official, ==, "https://xiaozhi.me/");
  g_assert_cmpstr (own, ==, "http://192.168.1.5:8002/");
}

static void
test_url_warnings (void)
{
  const struct { const char *url; const char *in_warning; } cases[] = {
    { "http://192.168.1.5:8002/xiaozhi/ota", "end with a slash" },
    { "http://127.0.0.1:8002/xiaozhi/ota/", "only works on this computer" },
    { "http://172.18.0.2:8002/xiaozhi/ota/", "inside Docker" },
    { "http://api.tenclass.net/xiaozhi/ota/", "needs https" },
    { "https://192.168.1.5:8002/xiaozhi/ota/", "plain http://" },
  };
  g_autofree char *fine = xa_ota_url_warnings ("http://192.168.1.5:8002/xiaozhi/ota/");
  g_autofree char *official = xa_ota_url_warnings (XA_OTA_DEFAULT_URL);

  g_assert_null (fine);
  g_assert_null (official);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *w = xa_ota_url_warnings (cases[i].url);
      g_assert_nonnull (w);
      g_assert_nonnull (strstr (w, cases[i].in_warning));
    }
  /* Two mistakes, two lines: the add dialog shows each with its icon. */
  {
    g_autofree char *two = xa_ota_url_warnings ("http://127.0.0.1:8002/xiaozhi/ota");
    g_auto(GStrv) lines = g_strsplit (two, "\n", -1);

    g_assert_cmpuint (g_strv_length (lines), ==, 2);
    g_assert_nonnull (strstr (lines[0], "end with a slash"));
    g_assert_nonnull (strstr (lines[1], "only works on this computer"));
  }
}

/* ---- against the demo server -------------------------------------------- */

static void
test_request_shape (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XaOtaAnswer) a = check (f, XA_DEMO_MODE_OFFICIAL, 0, &error);
  SoupMessageHeaders *h = xa_demo_server_get_last_headers (f->server, "ota");
  g_autoptr(JsonNode) body = json_from_string (xa_demo_server_get_last_body (f->server, "ota"), NULL);
  JsonObject *o = json_node_get_object (body);

  g_assert_no_error (error);
  g_assert_cmpstr (soup_message_headers_get_one (h, "Device-Id"), ==, XA_TEST_DEVICE);
  g_assert_cmpstr (soup_message_headers_get_one (h, "Client-Id"), ==, XA_TEST_CLIENT);
  g_assert_cmpstr (soup_message_headers_get_one (h, "Activation-Version"), ==, "2");
  g_assert_cmpstr (soup_message_headers_get_one (h, "Accept-Language"), ==, "en-US");
  /* The device's board and version (py-xiaozhi's when it has none). */
  g_assert_cmpstr (soup_message_headers_get_one (h, "User-Agent"), ==, "bread-compact-wifi/xiaozhi-2.1.1");
  g_assert_cmpstr (soup_message_headers_get_one (h, "Serial-Number"), ==, f->identity->serial_number);
  g_assert_cmpstr (soup_message_headers_get_content_type (h, NULL), ==, "application/json");

  g_assert_cmpstr (json_object_get_string_member (o, "mac_address"), ==, XA_TEST_DEVICE);
  g_assert_cmpstr (json_object_get_string_member (o, "uuid"), ==, f->identity->client_id);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (o, "application"), "elf_sha256"),
                   ==, f->identity->hmac_key);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (o, "board"), "type"),
                   ==, "bread-compact-wifi");
  g_assert_cmpstr (json_object_get_string_member (o, "language"), ==, "en-US");

  /* The official cloud's answer for a device nobody has bound yet. */
  g_assert_true (a->has_activation);
  g_assert_cmpuint (strlen (a->code), ==, 6);
  g_assert_true (g_str_has_prefix (a->message, "xiaozhi.me\n"));
  g_assert_true (g_uuid_string_is_valid (a->challenge));
  g_assert_cmpint (a->timeout_ms, ==, 300000);
  g_assert_cmpstr (a->token, ==, "test-token");
}

static void
test_activate_statuses (Fixture       *f,
                        gconstpointer  data)
{
  g_autofree char *url = xa_demo_server_get_url (f->server, XA_DEMO_MODE_OFFICIAL, "ota");
  g_autoptr(XaOtaAnswer) a = check (f, XA_DEMO_MODE_OFFICIAL, 0, NULL);
  g_autoptr(XaIdentity) wrong = xa_identity_copy (f->identity);
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) r1 = NULL;
  g_autoptr(GAsyncResult) r2 = NULL;
  g_autoptr(GAsyncResult) r3 = NULL;
  g_autoptr(JsonNode) body = NULL;
  g_autofree char *bound = NULL;
  JsonObject *payload;

  xa_ota_activate_async (url, f->identity, a->challenge, 0, NULL, xa_test_capture_cb, &r1);
  g_assert_cmpuint (xa_ota_activate_finish (xa_test_wait (&r1), NULL, &error), ==, 202);
  g_assert_no_error (error);

  body = json_from_string (xa_demo_server_get_last_body (f->server, "activate"), NULL);
  payload = json_object_get_object_member (json_node_get_object (body), "Payload");
  g_assert_cmpstr (json_object_get_string_member (payload, "algorithm"), ==, "hmac-sha256");
  g_assert_cmpstr (json_object_get_string_member (payload, "serial_number"), ==, f->identity->serial_number);
  g_assert_cmpstr (json_object_get_string_member (payload, "challenge"), ==, a->challenge);
  g_assert_cmpuint (strlen (json_object_get_string_member (payload, "hmac")), ==, 64);
  g_assert_cmpstr (soup_message_headers_get_one (xa_demo_server_get_last_headers (f->server, "activate"),
                                                 "Activation-Version"), ==, "2");

  /* A wrong key fails the server's HMAC check. */
  g_free (wrong->hmac_key);
  wrong->hmac_key = g_strdup ("not-the-key");
  xa_ota_activate_async (url, wrong, a->challenge, 0, NULL, xa_test_capture_cb, &r2);
  g_assert_cmpuint (xa_ota_activate_finish (xa_test_wait (&r2), NULL, &error), ==, 401);

  bound = xa_demo_server_bind_code (f->server, a->code);
  g_assert_cmpstr (bound, ==, XA_TEST_DEVICE);
  xa_ota_activate_async (url, f->identity, a->challenge, 0, NULL, xa_test_capture_cb, &r3);
  g_assert_cmpuint (xa_ota_activate_finish (xa_test_wait (&r3), NULL, &error), ==, 200);
}

static void
test_bound_answer (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(XaOtaAnswer) first = check (f, XA_DEMO_MODE_OFFICIAL, 0, NULL);
  g_autofree char *bound = xa_demo_server_bind_code (f->server, first->code);
  g_autoptr(GError) error = NULL;
  g_autoptr(XaOtaAnswer) a = check (f, XA_DEMO_MODE_OFFICIAL, 0, &error);

  g_assert_no_error (error);
  g_assert_false (a->has_activation);
  g_assert_cmpstr (a->token, ==, xa_demo_server_get_token (f->server, XA_TEST_DEVICE));
  g_assert_cmpstr (a->token, !=, "test-token");
}

typedef struct
{
  XaDemoMode  mode;
  int         code;
  const char *in_message;
} FaultCase;

static const FaultCase faults[] = {
  { XA_DEMO_MODE_HTTP_500, XA_OTA_ERROR_HTTP_STATUS, "HTTP 500" },
  { XA_DEMO_MODE_ERROR_FIELD, XA_OTA_ERROR_SERVER_REFUSED, "“Invalid device ID”" },
  /* Its full stop is not doubled after our quote. */
  { XA_DEMO_MODE_SUCCESS_FALSE, XA_OTA_ERROR_SERVER_REFUSED, "“request error”. " },
  { XA_DEMO_MODE_CODE_500, XA_OTA_ERROR_SERVER_REFUSED, "服务器内部错误" },
  { XA_DEMO_MODE_NOT_JSON, XA_OTA_ERROR_NOT_JSON, "not a JSON object" },
  { XA_DEMO_MODE_TRUNCATED, XA_OTA_ERROR_TRUNCATED, "cut off" },
  { XA_DEMO_MODE_HUGE, XA_OTA_ERROR_TOO_LARGE, "larger than 1 MiB" },
  { XA_DEMO_MODE_DROP, XA_OTA_ERROR_UNREACHABLE, "Could not reach" },
  { XA_DEMO_MODE_REDIRECT, XA_OTA_ERROR_REDIRECTED, "https://api.tenclass.net/xiaozhi/ota/" },
  { XA_DEMO_MODE_INCOMPLETE, XA_OTA_ERROR_INCOMPLETE, "neither an activation code" },
  { XA_DEMO_MODE_HANG, XA_OTA_ERROR_TIMEOUT, "did not answer in time" },
  { XA_DEMO_MODE_TOKEN_NEWLINE, XA_OTA_ERROR_UNSAFE_VALUE, "Nothing was saved" },
  { XA_DEMO_MODE_NESTED_JSON, XA_OTA_ERROR_NOT_JSON, "nested more than 64 levels" },
  /* Escape sequences and a line break of the server's are not passed on. */
  { XA_DEMO_MODE_ANSI_ESCAPES, XA_OTA_ERROR_SERVER_REFUSED, "“ [2J ]0;pwned bad ✔ Token is valid”" },
};

static void
test_fault (Fixture       *f,
            gconstpointer  data)
{
  const FaultCase *c = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(XaOtaAnswer) a = NULL;
  gint64 start = g_get_monotonic_time ();

  a = check (f, c->mode, 500, &error);
  g_assert_null (a);
  g_assert_error (error, XA_OTA_ERROR, c->code);
  g_test_message ("%s: %s", xa_demo_mode_to_nick (c->mode), error->message);
  g_assert_nonnull (strstr (error->message, c->in_message));
  /* Every fault ends within its timeout. */
  g_assert_cmpint (g_get_monotonic_time () - start, <, 3 * G_USEC_PER_SEC);
}

static void
test_invalid_url (void)
{
  g_autoptr(XaIdentity) id = xa_identity_new (NULL, NULL, NULL, NULL);
  const char *urls[] = { "", "api.tenclass.net/xiaozhi/ota/", "ftp://x/ota/", "http:///ota" };

  for (guint i = 0; i < G_N_ELEMENTS (urls); i++)
    {
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(GError) error = NULL;

      xa_ota_check_async (urls[i], id, 0, NULL, xa_test_capture_cb, &result);
      g_assert_null (xa_ota_check_finish (xa_test_wait (&result), &error));
      g_assert_error (error, XA_OTA_ERROR, XA_OTA_ERROR_INVALID_URL);
    }
}

static void
test_unreachable (void)
{
  g_autoptr(XaIdentity) id = xa_identity_new (NULL, NULL, NULL, NULL);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  /* Port 1 on loopback: nothing listens there. */
  xa_ota_check_async ("http://127.0.0.1:1/xiaozhi/ota/", id, 0, NULL, xa_test_capture_cb, &result);
  g_assert_null (xa_ota_check_finish (xa_test_wait (&result), &error));
  g_assert_error (error, XA_OTA_ERROR, XA_OTA_ERROR_UNREACHABLE);
  g_assert_nonnull (strstr (error->message, "either the server is not running, or the address or port is wrong"));
}

static void
test_tls_self_signed (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XaOtaAnswer) a = check (f, XA_DEMO_MODE_OFFICIAL, 0, &error);
  g_autofree char *ca = xa_test_data_path ("demo-cert.pem");
  g_autoptr(XaOtaAnswer) trusted = NULL;

  g_assert_null (a);
  g_assert_error (error, XA_OTA_ERROR, XA_OTA_ERROR_TLS);
  /* What was presented is named: its names, its issuer, its dates, its
   * fingerprint, and why it was refused (signed by itself). */
  g_assert_nonnull (strstr (error->message, "The server presented a certificate for localhost, 127.0.0.1, issued by "
                                            "CN=127.0.0.1, valid from 2026-11-25 to 2126-11-01 (SHA-256 "
                                            "68:C4:96:82:C1:E2:2A:ED:E9:22:8C:F3:64:98:97:A6:5F:F8:D1:26:82:F0:48:AD:"
                                            "5E:48:6A:D8:BB:A0:6E:48)."));
  g_assert_nonnull (strstr (error->message, "It is signed by itself"));
  g_assert_nonnull (strstr (error->message, "CA file"));
  g_assert_null (strstr (error->message, "It is not for"));
  g_clear_error (&error);

  /* With the server's certificate as an extra anchor, it verifies. */
  g_assert_true (xa_net_set_ca_file (ca, &error));
  trusted = check (f, XA_DEMO_MODE_OFFICIAL, 0, &error);
  g_assert_no_error (error);
  g_assert_true (trusted->has_activation);
}

/* A certificate for another name is refused, trusted or not, and the
 * names are said; an expired one says when it expired. */
static void
test_tls_wrong_certificates (void)
{
  g_autoptr(XaDemoServer) other = xa_test_server_new_with_certificate (XA_DEMO_MODE_OFFICIAL, "other-name");
  g_autoptr(XaDemoServer) expired = xa_test_server_new_with_certificate (XA_DEMO_MODE_OFFICIAL, "expired");
  g_autoptr(XaIdentity) identity = xa_identity_new (XA_TEST_DEVICE, XA_TEST_CLIENT, NULL, NULL);
  g_autofree char *other_ca = xa_test_data_path ("other-name-cert.pem");
  struct { XaDemoServer *server; const char *ca; const char *said; } cases[] = {
    { other, NULL, "The server presented a certificate for other.example, issued by CN=other.example" },
    { other, NULL, "It is not for 127.0.0.1, the name in the address: either the address is not this server’s, or "
                   "the server presents the certificate of another of its names." },
    /* Its own certificate as the CA file: still not for this name. */
    { other, other_ca, "It is not for 127.0.0.1" },
    { expired, NULL, "valid from 2020-01-01 to 2020-02-01" },
    { expired, NULL, "It expired on 2020-02-01: the server must renew it, or this computer’s clock is wrong." },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *url = xa_demo_server_get_url (cases[i].server, XA_DEMO_MODE_OFFICIAL, "ota");
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(XaOtaAnswer) answer = NULL;

      g_test_message ("case %u", i);
      g_assert_true (xa_net_set_ca_file (cases[i].ca, NULL) || cases[i].ca == NULL);
      xa_ota_check_async (url, identity, 0, NULL, xa_test_capture_cb, &result);
      answer = xa_ota_check_finish (xa_test_wait (&result), &error);
      g_assert_null (answer);
      g_assert_error (error, XA_OTA_ERROR, XA_OTA_ERROR_TLS);
      if (strstr (error->message, cases[i].said) == NULL)
        g_error ("“%s” does not say “%s”", error->message, cases[i].said);
      xa_net_set_ca_file (NULL, NULL);
    }
  g_assert_finalize_object (g_steal_pointer (&other));
  g_assert_finalize_object (g_steal_pointer (&expired));
}

/* The app reads the CA file in a thread; the last change wins even when
 * an earlier read ends after it. */
static void
test_tls_ca_file_async (Fixture       *f,
                        gconstpointer  data)
{
  g_autofree char *ca = xa_test_data_path ("demo-cert.pem");
  g_autoptr(GAsyncResult) first = NULL;
  g_autoptr(GAsyncResult) second = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(XaOtaAnswer) a = NULL;

  xa_net_set_ca_file_async (ca, NULL, xa_test_capture_cb, &first);
  g_assert_true (xa_net_set_ca_file_finish (xa_test_wait (&first), &error));
  a = check (f, XA_DEMO_MODE_OFFICIAL, 0, &error);
  g_assert_no_error (error);
  g_clear_pointer (&a, xa_ota_answer_free);

  /* Changed twice: the file, then nothing; the file's read ends last. */
  g_clear_object (&first);
  xa_net_set_ca_file_async (ca, NULL, xa_test_capture_cb, &first);
  xa_net_set_ca_file_async ("", NULL, xa_test_capture_cb, &second);
  g_assert_true (xa_net_set_ca_file_finish (xa_test_wait (&second), NULL));
  g_assert_true (xa_net_set_ca_file_finish (xa_test_wait (&first), NULL));
  a = check (f, XA_DEMO_MODE_OFFICIAL, 0, &error);
  g_assert_null (a);
  g_assert_error (error, XA_OTA_ERROR, XA_OTA_ERROR_TLS);
  g_clear_error (&error);

  /* Not a PEM file: said, and only the system's anchors are trusted. */
  {
    g_autofree char *not_pem = g_test_build_filename (G_TEST_DIST, "test-ota.c", NULL);

    g_clear_object (&first);
    xa_net_set_ca_file_async (not_pem, NULL, xa_test_capture_cb, &first);
    g_assert_false (xa_net_set_ca_file_finish (xa_test_wait (&first), &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
    g_assert_nonnull (strstr (error->message, "could not be read as PEM"));
  }
}

static void
test_bad_ca_file (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *not_pem = g_test_build_filename (G_TEST_DIST, "test-ota.c", NULL);

  g_assert_false (xa_net_set_ca_file (not_pem, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
}

static void
test_cancel (Fixture       *f,
             gconstpointer  data)
{
  g_autofree char *url = xa_demo_server_get_url (f->server, XA_DEMO_MODE_HANG, "ota");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  xa_ota_check_async (url, f->identity, 0, cancellable, xa_test_capture_cb, &result);
  /* Cancelled while the server holds the request. */
  XA_TEST_WAIT_UNTIL (xa_demo_server_get_request_count (f->server, "ota") > 0);
  g_cancellable_cancel (cancellable);
  g_assert_null (xa_ota_check_finish (xa_test_wait (&result), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/xa/ota/parse/official-unbound", test_parse_official_unbound);
  g_test_add_func ("/xa/ota/parse/bound-self-hosted", test_parse_bound_self_hosted);
  g_test_add_func ("/xa/ota/parse/errors", test_parse_errors);
  g_test_add_func ("/xa/ota/parse/quote", test_quote);
  g_test_add_func ("/xa/ota/activate-url", test_activate_url);
  g_test_add_func ("/xa/ota/control-panel-guess", test_control_panel_guess);
  g_test_add_func ("/xa/ota/url-warnings", test_url_warnings);
  g_test_add_func ("/xa/ota/invalid-url", test_invalid_url);
  g_test_add_func ("/xa/ota/unreachable", test_unreachable);
  g_test_add_func ("/xa/ota/bad-ca-file", test_bad_ca_file);
  g_test_add ("/xa/ota/request-shape", Fixture, NULL, xa_test_setup, test_request_shape, xa_test_teardown);
  g_test_add ("/xa/ota/activate-statuses", Fixture, NULL, xa_test_setup, test_activate_statuses, xa_test_teardown);
  g_test_add ("/xa/ota/bound-answer", Fixture, NULL, xa_test_setup, test_bound_answer, xa_test_teardown);
  g_test_add ("/xa/ota/tls-self-signed", Fixture, NULL, xa_test_setup_tls, test_tls_self_signed, xa_test_teardown);
  g_test_add_func ("/xa/ota/tls-wrong-certificates", test_tls_wrong_certificates);
  g_test_add ("/xa/ota/tls-ca-file-async", Fixture, NULL, xa_test_setup_tls, test_tls_ca_file_async, xa_test_teardown);
  g_test_add ("/xa/ota/cancel", Fixture, NULL, xa_test_setup, test_cancel, xa_test_teardown);
  g_test_add ("/xa/ota/huge-numbers", Fixture, NULL, xa_test_setup, test_huge_numbers, xa_test_teardown);
  g_test_add ("/xa/ota/setup-warnings", Fixture, NULL, xa_test_setup, test_setup_warnings, xa_test_teardown);
  g_test_add_func ("/xa/ota/token-dates", test_token_dates);
  g_test_add_func ("/xa/ota/reach", test_reach);
  g_test_add_func ("/xa/ota/server-kinds", test_server_kinds);
  g_test_add_func ("/xa/ota/firmware-versions", test_firmware_versions);

  for (guint i = 0; i < G_N_ELEMENTS (faults); i++)
    {
      g_autofree char *path = g_strdup_printf ("/xa/ota/fault/%s", xa_demo_mode_to_nick (faults[i].mode));
      g_test_add (path, Fixture, &faults[i], xa_test_setup, test_fault, xa_test_teardown);
    }

  return g_test_run ();
}
