/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "xa-hello-probe.h"
#include "xa-net.h"
#include "xa-ota.h"
#include "xa-test-proxy.h"
#include "xa-test-util.h"

#define DEVICE "02:11:22:33:44:66"
#define CLIENT "7c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f"

typedef struct
{
  XaDemoServer *server;
  XaIdentity   *identity;
  char         *token;    /* a real token, once bound */
} Fixture;

/* A device the official-mode server has bound, with its real token. */
static void
bind_device (Fixture *f)
{
  g_autofree char *url = xa_demo_server_get_url (f->server, XA_DEMO_MODE_OFFICIAL, "ota");
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(XaOtaAnswer) answer = NULL;
  g_autofree char *bound = NULL;

  xa_ota_check_async (url, f->identity, 0, NULL, xa_test_capture_cb, &result);
  answer = xa_ota_check_finish (xa_test_wait (&result), NULL);
  bound = xa_demo_server_bind_code (f->server, answer->code);
  g_assert_cmpstr (bound, ==, DEVICE);
  f->token = g_strdup (xa_demo_server_get_token (f->server, DEVICE));
}

static void
setup (Fixture  *f,
       gboolean  tls)
{
  f->server = xa_test_server_new (XA_DEMO_MODE_OFFICIAL, tls);
  f->identity = xa_identity_new (DEVICE, CLIENT, NULL, NULL);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  setup (f, FALSE);
}

static void
fixture_setup_tls (Fixture       *f,
                   gconstpointer  data)
{
  setup (f, TRUE);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  xa_net_set_ca_file (NULL, NULL);
  g_assert_finalize_object (f->server);
  xa_identity_free (f->identity);
  g_free (f->token);
}

static XaReport *
probe_full (Fixture      *f,
            const char   *url,
            const char   *token,
            guint         timeout_ms,
            GCancellable *cancellable)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  XaReport *report;

  xa_hello_probe_async (url, token, f->identity, 1, timeout_ms, cancellable, xa_test_capture_cb, &result);
  report = xa_hello_probe_finish (xa_test_wait (&result), &error);
  g_assert_no_error (error);
  g_assert_nonnull (report);
  g_test_message ("%s: %s", xa_verdict_to_id (report->verdict), report->advice);
  return report;
}

static XaReport *
probe (Fixture    *f,
       XaDemoMode  mode,
       const char *token)
{
  g_autofree char *url = xa_demo_server_get_url (f->server, mode, "ws");

  return probe_full (f, url, token, 2000, NULL);
}

static void
test_valid (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(XaReport) r = NULL;
  SoupMessageHeaders *h;
  g_autofree char *expected_auth = NULL;

  bind_device (f);
  r = probe (f, XA_DEMO_MODE_OFFICIAL, f->token);

  g_assert_cmpint (r->verdict, ==, XA_VERDICT_VALID);
  g_assert_true (g_uuid_string_is_valid (r->session_id));
  g_assert_cmpint (r->latency_ms, >=, 0);
  g_assert_nonnull (strstr (r->audio_params, "\"sample_rate\":24000"));
  g_assert_cmpstr (xa_report_get_title (r), ==, "Token is valid");
  g_assert_true (r->token_sent);
  /* The hello alone: the token was taken, or none is checked. */
  g_assert_nonnull (strstr (r->advice, "It took the token, or it checks none for this device"));

  h = xa_demo_server_get_last_headers (f->server, "ws");
  expected_auth = g_strconcat ("Bearer ", f->token, NULL);
  g_assert_cmpstr (soup_message_headers_get_one (h, "Authorization"), ==, expected_auth);
  g_assert_cmpstr (soup_message_headers_get_one (h, "Protocol-Version"), ==, "1");
  g_assert_cmpstr (soup_message_headers_get_one (h, "Device-Id"), ==, DEVICE);
  g_assert_cmpstr (soup_message_headers_get_one (h, "Client-Id"), ==, CLIENT);
  /* The other end: the server saw one hello, and the probe's goodbye
   * close with 1000 once it had its answer. */
  g_assert_cmpuint (xa_demo_server_get_hello_count (f->server), ==, 1);
  XA_TEST_WAIT_UNTIL (xa_demo_server_get_last_close_code (f->server) != 0);
  g_assert_cmpuint (xa_demo_server_get_last_close_code (f->server), ==, SOUP_WEBSOCKET_CLOSE_NORMAL);
}

static void
test_official_rejects (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(XaReport) r = NULL;

  bind_device (f);
  r = probe (f, XA_DEMO_MODE_OFFICIAL, "wrong-token");

  /* A close frame without a status, before any hello: Node says 1005. */
  g_assert_cmpint (r->verdict, ==, XA_VERDICT_REJECTED);
  g_assert_cmpuint (r->close_code, ==, SOUP_WEBSOCKET_CLOSE_NO_STATUS);
  g_assert_null (r->session_id);
  g_assert_nonnull (strstr (r->advice, "closed the connection without answering the hello"));
  /* The other end: it heard the hello, with the token as given. */
  g_assert_cmpuint (xa_demo_server_get_hello_count (f->server), ==, 1);
  g_assert_cmpstr (soup_message_headers_get_one (xa_demo_server_get_last_headers (f->server, "ws"), "Authorization"),
                   ==, "Bearer wrong-token");
}

static void
test_official_unbound_test_token (Fixture       *f,
                                  gconstpointer  data)
{
  g_autoptr(XaReport) r = probe (f, XA_DEMO_MODE_OFFICIAL, "test-token");

  g_assert_cmpint (r->verdict, ==, XA_VERDICT_REJECTED);
}

static void
test_self_hosted_auth_failure (Fixture       *f,
                               gconstpointer  data)
{
  g_autoptr(XaReport) r = probe (f, XA_DEMO_MODE_SELF_HOSTED, "bad.1700000000");

  g_assert_cmpint (r->verdict, ==, XA_VERDICT_REJECTED);
  g_assert_cmpstr (r->server_text, ==, "认证失败");
  g_assert_cmpuint (r->close_code, ==, SOUP_WEBSOCKET_CLOSE_NORMAL);
  g_assert_nonnull (strstr (r->advice, "“认证失败”"));
  /* The other end heard the hello and the token, and the client's
   * answer to its close. */
  g_assert_cmpuint (xa_demo_server_get_hello_count (f->server), ==, 1);
  g_assert_cmpstr (soup_message_headers_get_one (xa_demo_server_get_last_headers (f->server, "ws"), "Authorization"),
                   ==, "Bearer bad.1700000000");
  XA_TEST_WAIT_UNTIL (xa_demo_server_get_last_close_code (f->server) != 0);
  g_assert_cmpuint (xa_demo_server_get_last_close_code (f->server), ==, SOUP_WEBSOCKET_CLOSE_NORMAL);
}

static void
test_manager_unbound (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *ota = xa_demo_server_get_url (f->server, XA_DEMO_MODE_MANAGER, "ota");
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(XaOtaAnswer) answer = NULL;
  g_autoptr(XaReport) r = NULL;

  /* The device asked for a code but nobody entered it yet. */
  xa_ota_check_async (ota, f->identity, 0, NULL, xa_test_capture_cb, &result);
  answer = xa_ota_check_finish (xa_test_wait (&result), NULL);
  g_assert_cmpstr (answer->challenge, ==, DEVICE);

  r = probe (f, XA_DEMO_MODE_MANAGER, "");
  g_assert_cmpint (r->verdict, ==, XA_VERDICT_NOT_ACTIVATED);
  g_assert_nonnull (strstr (r->server_text, answer->code));
  g_assert_nonnull (strstr (r->advice, "bind this device"));
  /* The code in the prompt is the code to enter, shown as such. */
  g_assert_cmpstr (r->activation_code, ==, answer->code);
  g_assert_nonnull (strstr (r->advice, "Enter the code"));
  /* An empty token sends no Authorization header at all. */
  g_assert_null (soup_message_headers_get_one (xa_demo_server_get_last_headers (f->server, "ws"),
                                               "Authorization"));
}

static void
test_wrong_transport (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(XaReport) r = probe (f, XA_DEMO_MODE_HELLO_WRONG_TRANSPORT, "t");

  g_assert_cmpint (r->verdict, ==, XA_VERDICT_PROTOCOL_ERROR);
  g_assert_nonnull (strstr (r->advice, "“udp”"));
}

static void
test_no_session (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(XaReport) r = probe (f, XA_DEMO_MODE_HELLO_NO_SESSION, "t");

  /* The protocol says a hello "may include" a session id: valid, noted. */
  g_assert_cmpint (r->verdict, ==, XA_VERDICT_VALID);
  g_assert_null (r->session_id);
  g_assert_nonnull (strstr (r->advice, "no session id, which the protocol allows"));
}

static void
test_unknown_device (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(XaReport) r = probe (f, XA_DEMO_MODE_UNKNOWN_DEVICE, "t");

  /* It answered the hello, then said it does not know the device. */
  g_assert_cmpint (r->verdict, ==, XA_VERDICT_NOT_ACTIVATED);
  g_assert_nonnull (strstr (r->advice, "没有找到该设备的版本信息"));
  g_assert_nonnull (strstr (r->advice, "Set the device’s OTA address"));
}

/* The OTA check a device makes on @mode, for its WebSocket URL and token. */
static XaOtaAnswer *
check_in (Fixture    *f,
          XaDemoMode  mode)
{
  g_autofree char *ota = xa_demo_server_get_url (f->server, mode, "ota");
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  XaOtaAnswer *answer;

  xa_ota_check_async (ota, f->identity, 0, NULL, xa_test_capture_cb, &result);
  answer = xa_ota_check_finish (xa_test_wait (&result), &error);
  g_assert_no_error (error);
  return answer;
}

/* The single-module server: OTA on one port, WebSocket on another, a
 * signed token for anyone, our own audio repeated, MCP after the hello. */
static void
test_single_module (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(XaOtaAnswer) answer = check_in (f, XA_DEMO_MODE_SINGLE_MODULE);
  g_autofree char *expected = g_strdup_printf ("ws://127.0.0.1:%u/", xa_demo_server_get_websocket_port (f->server));
  g_autoptr(XaReport) r = NULL;
  g_autofree char *details = NULL;

  g_assert_true (g_str_has_prefix (answer->websocket_url, expected));
  g_assert_cmpuint (xa_demo_server_get_websocket_port (f->server), !=, xa_demo_server_get_port (f->server));
  r = probe_full (f, answer->websocket_url, answer->token, 5000, NULL);
  g_assert_cmpint (r->verdict, ==, XA_VERDICT_VALID);
  details = xa_report_format_details (r);
  g_assert_nonnull (strstr (details, "Audio in the server’s hello: the Test’s own parameters, repeated back"));
  g_assert_null (strstr (details, "sample_rate"));
}

/* MCP initialize before the hello is no hello and no failure. */
static void
test_mcp_before_hello (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(XaReport) r = NULL;

  bind_device (f);
  r = probe (f, XA_DEMO_MODE_MCP_BEFORE_HELLO, f->token);
  g_assert_cmpint (r->verdict, ==, XA_VERDICT_VALID);
  g_assert_nonnull (r->session_id);
}

/* No token to send: the server's refusal is not blamed on a token. */
static void
test_no_token_sent (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(XaOtaAnswer) answer = check_in (f, XA_DEMO_MODE_NO_AUTH_HEADER);
  g_autoptr(XaReport) r = NULL;

  g_assert_cmpstr (answer->token, ==, "");
  r = probe_full (f, answer->websocket_url, answer->token, 5000, NULL);
  g_assert_cmpint (r->verdict, ==, XA_VERDICT_REJECTED);
  g_assert_false (r->token_sent);
  g_assert_null (soup_message_headers_get_one (xa_demo_server_get_last_headers (f->server, "ws"), "Authorization"));
  g_assert_cmpstr (r->server_text, ==, "认证失败");
  g_assert_true (g_str_has_prefix (r->advice, "This Test sent no token (the device’s token is empty), and the server "
                                              "said “认证失败” and closed the connection: it wants a token"));
  g_assert_nonnull (strstr (r->advice, "server.auth.allowed_devices"));
  g_assert_null (strstr (r->advice, "wrong or has expired"));
}

/* A Device-Id on the allowed list: no token, and none checked. */
static void
test_whitelist (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(XaOtaAnswer) answer = check_in (f, XA_DEMO_MODE_WHITELIST);
  g_autoptr(XaReport) r = probe_full (f, answer->websocket_url, answer->token, 5000, NULL);

  g_assert_cmpint (r->verdict, ==, XA_VERDICT_VALID);
  g_assert_cmpstr (xa_report_get_title (r), ==, "Works without a token");
  g_assert_nonnull (strstr (r->advice, "without a token: it checks no token for this device"));
}

/* A token older than the server's lifetime is refused, and its age and
 * the setting are named. */
static void
test_token_lifetime (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(XaOtaAnswer) answer = NULL;
  g_autoptr(XaReport) r = NULL;

  xa_demo_server_set_token_dates (f->server, 2 * 24 * 3600, 3 * 24 * 3600);
  answer = check_in (f, XA_DEMO_MODE_SINGLE_MODULE);
  r = probe_full (f, answer->websocket_url, answer->token, 5000, NULL);
  g_assert_cmpint (r->verdict, ==, XA_VERDICT_REJECTED);
  g_assert_nonnull (strstr (r->advice, "The token was issued 3 days ago; a self-hosted server refuses tokens older "
                                       "than its server.auth.expire_seconds"));
}

/* The unknown-device text at once: the manager does not know the
 * device. A second later: the server gave up waiting for its manager,
 * which fits a slow manager as well; both causes are named. */
static void
test_unknown_device_timing (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(XaReport) fast = probe (f, XA_DEMO_MODE_AUTH_OFF, "");
  g_autoptr(XaReport) slow = probe (f, XA_DEMO_MODE_SLOW_MANAGER, "t");

  g_assert_cmpint (fast->verdict, ==, XA_VERDICT_NOT_ACTIVATED);
  g_assert_nonnull (strstr (fast->advice, "The server says it has no record of this device"));
  g_assert_nonnull (strstr (fast->advice, "a manager keeps codes 24 hours"));

  g_assert_cmpint (slow->verdict, ==, XA_VERDICT_TIMEOUT);
  g_assert_nonnull (strstr (slow->advice, "ms after the hello the server said “没有找到该设备的版本信息"));
  g_assert_nonnull (strstr (slow->advice, "two causes: its manager is slow or failing"));
  g_assert_nonnull (strstr (slow->advice, "or the manager does not know this device"));
}

static void
test_upgrade_401 (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(XaReport) r = probe (f, XA_DEMO_MODE_UPGRADE_401, "t");

  g_assert_cmpint (r->verdict, ==, XA_VERDICT_REJECTED);
  g_assert_cmpuint (r->http_status, ==, 401);
  g_assert_nonnull (strstr (r->advice, "HTTP 401"));
}

static void
test_upgrade_404 (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(XaReport) r = probe (f, XA_DEMO_MODE_UPGRADE_404, "t");

  g_assert_cmpint (r->verdict, ==, XA_VERDICT_PROTOCOL_ERROR);
  g_assert_cmpuint (r->http_status, ==, 404);
  g_assert_nonnull (strstr (r->advice, "/xiaozhi/v1/"));
}

static void
test_not_websocket (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *ota = xa_demo_server_get_url (f->server, XA_DEMO_MODE_OFFICIAL, "ota");
  g_autoptr(XaReport) r = NULL;

  /* Someone pasted the OTA address where the WebSocket URL goes. */
  g_strlcpy (ota, "ws", 3);
  memmove (ota + 2, ota + 4, strlen (ota + 4) + 1);
  r = probe_full (f, ota, "t", 2000, NULL);
  g_assert_cmpint (r->verdict, ==, XA_VERDICT_PROTOCOL_ERROR);
  g_assert_cmpuint (r->http_status, ==, 200);
}

static void
test_timeout (Fixture       *f,
              gconstpointer  data)
{
  g_autofree char *url = xa_demo_server_get_url (f->server, XA_DEMO_MODE_HELLO_HANG, "ws");
  gint64 start = g_get_monotonic_time ();
  g_autoptr(XaReport) r = probe_full (f, url, "t", 300, NULL);

  g_assert_cmpint (r->verdict, ==, XA_VERDICT_TIMEOUT);
  g_assert_nonnull (strstr (r->advice, "within 1 second"));
  g_assert_cmpint (g_get_monotonic_time () - start, <, 2 * G_USEC_PER_SEC);
}

/* Hostile servers: each ends with a verdict, within its time, and no
 * crash. */
static void
test_hostile_frames (Fixture       *f,
                     gconstpointer  data)
{
  const struct { XaDemoMode mode; XaVerdict verdict; const char *in_advice; } cases[] = {
    /* 100 KB of "[": never handed to the recursive parser. */
    { XA_DEMO_MODE_NESTED_JSON, XA_VERDICT_PROTOCOL_ERROR, "not the xiaozhi protocol" },
    /* Endless small frames: bounded, and the deadline wins. */
    { XA_DEMO_MODE_FRAME_FLOOD, XA_VERDICT_PROTOCOL_ERROR, "flood of messages" },
    /* A frame larger than any hello: a protocol error, not a rejected token. */
    { XA_DEMO_MODE_OVERSIZE_FRAME, XA_VERDICT_PROTOCOL_ERROR, "WebSocket protocol does not allow" },
    /* Binary noise, then bytes that are no frame: a protocol error too. */
    { XA_DEMO_MODE_BINARY_GARBAGE, XA_VERDICT_PROTOCOL_ERROR, "WebSocket protocol does not allow" },
    /* The connection drops after the upgrade: unreachable, not rejected. */
    { XA_DEMO_MODE_RESET_AFTER_UPGRADE, XA_VERDICT_UNREACHABLE, "connection dropped" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *url = xa_demo_server_get_url (f->server, cases[i].mode, "ws");
      gint64 start = g_get_monotonic_time ();
      g_autoptr(XaReport) r = probe_full (f, url, "t", 1000, NULL);

      g_test_message ("%s", xa_demo_mode_to_nick (cases[i].mode));
      g_assert_cmpint (r->verdict, ==, cases[i].verdict);
      g_assert_nonnull (strstr (r->advice, cases[i].in_advice));
      g_assert_cmpint (g_get_monotonic_time () - start, <, 3 * G_USEC_PER_SEC);
    }
}

static void
test_unreachable (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(XaReport) r = probe_full (f, "ws://127.0.0.1:1/xiaozhi/v1/", "t", 2000, NULL);

  g_assert_cmpint (r->verdict, ==, XA_VERDICT_UNREACHABLE);
  g_assert_nonnull (r->network_error);
}

static void
test_bad_url (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(XaReport) r = probe_full (f, "api.tenclass.net/xiaozhi/v1/", "t", 2000, NULL);

  g_assert_cmpint (r->verdict, ==, XA_VERDICT_PROTOCOL_ERROR);
  g_assert_nonnull (strstr (r->advice, "is not a WebSocket address"));
}

static void
test_tls (Fixture       *f,
          gconstpointer  data)
{
  g_autoptr(XaReport) untrusted = probe (f, XA_DEMO_MODE_HELLO_NO_SESSION, "t");
  g_autofree char *ca = xa_test_data_path ("demo-cert.pem");
  g_autoptr(XaReport) trusted = NULL;

  g_assert_true (g_str_has_prefix (untrusted->websocket_url, "wss://"));
  g_assert_cmpint (untrusted->verdict, ==, XA_VERDICT_TLS_ERROR);
  g_assert_nonnull (strstr (untrusted->advice, "CA file"));
  /* The WebSocket's certificate is named as the OTA's is. */
  g_assert_nonnull (strstr (untrusted->advice, "The server presented a certificate for localhost, 127.0.0.1, issued "
                                               "by CN=127.0.0.1"));
  g_assert_nonnull (strstr (untrusted->advice, "It is signed by itself"));

  g_assert_true (xa_net_set_ca_file (ca, NULL));
  trusted = probe (f, XA_DEMO_MODE_HELLO_WRONG_TRANSPORT, "t");
  /* Past TLS now: the server's own fault shows. */
  g_assert_cmpint (trusted->verdict, ==, XA_VERDICT_PROTOCOL_ERROR);
}

static void
test_cancel_waiting_for_hello (Fixture       *f,
                               gconstpointer  data)
{
  g_autofree char *url = xa_demo_server_get_url (f->server, XA_DEMO_MODE_HELLO_HANG, "ws");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(XaReport) r = NULL;

  xa_hello_probe_async (url, "t", f->identity, 1, 10000, cancellable, xa_test_capture_cb, &result);
  /* Wait until the server has the socket, then cancel. */
  XA_TEST_WAIT_UNTIL (xa_demo_server_get_request_count (f->server, "ws") > 0);
  g_cancellable_cancel (cancellable);
  r = xa_hello_probe_finish (xa_test_wait (&result), NULL);
  g_assert_cmpint (r->verdict, ==, XA_VERDICT_CANCELLED);
}

static void
test_cancel_handshake (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *url = xa_demo_server_get_url (f->server, XA_DEMO_MODE_OFFICIAL, "ws");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(XaReport) r = NULL;

  xa_hello_probe_async (url, "t", f->identity, 1, 10000, cancellable, xa_test_capture_cb, &result);
  g_cancellable_cancel (cancellable);
  r = xa_hello_probe_finish (xa_test_wait (&result), NULL);
  g_assert_cmpint (r->verdict, ==, XA_VERDICT_CANCELLED);
}

static void
test_authorization_rules (void)
{
  g_autofree char *plain = xa_hello_authorization ("abc.123");
  g_autofree char *schemed = xa_hello_authorization ("Bearer abc");
  g_autofree char *empty = xa_hello_authorization ("");

  g_assert_cmpstr (plain, ==, "Bearer abc.123");
  g_assert_cmpstr (schemed, ==, "Bearer abc");
  g_assert_null (empty);
  g_assert_null (xa_hello_authorization (NULL));
}

/* The bound device's hello with this computer's proxy being @proxy (a
 * resolver naming it, as GNOME's settings would). */
static XaReport *
probe_via (Fixture     *f,
           XaTestProxy *proxy)
{
  g_autofree char *uri = xa_test_proxy_get_uri (proxy);
  g_autoptr(GProxyResolver) resolver = g_simple_proxy_resolver_new (uri, NULL);
  XaReport *r;

  xa_net_set_proxy_resolver (resolver);
  r = probe (f, XA_DEMO_MODE_OFFICIAL, f->token);
  xa_net_set_proxy_resolver (NULL);
  return r;
}

/* Through this computer's proxy (a real one on loopback, named by a
 * resolver as GNOME's settings would): the details name it, the proxy saw
 * the tunnel, and a success on a local server says what it does not show. */
static void
test_through_proxy (Fixture       *f,
                    gconstpointer  data)
{
  XaTestProxy *proxy = xa_test_proxy_start (FALSE);
  g_autofree char *uri = xa_test_proxy_get_uri (proxy);
  g_autofree char *target = g_strdup_printf ("127.0.0.1:%u", xa_demo_server_get_port (f->server));
  g_autofree char *line = g_strdup_printf ("Proxy: %s", uri);
  g_autoptr(XaReport) r = NULL;
  g_autofree char *details = NULL;

  bind_device (f);
  r = probe_via (f, proxy);

  g_assert_cmpint (r->verdict, ==, XA_VERDICT_VALID);
  g_assert_cmpstr (r->proxy, ==, uri);
  g_assert_cmpuint (xa_test_proxy_get_requests (proxy), >=, 1);
  g_assert_cmpstr (xa_test_proxy_get_last_target (proxy), ==, target);
  g_assert_nonnull (strstr (r->advice, "through the proxy"));
  g_assert_nonnull (strstr (r->advice, "boards do not use this computer’s proxy"));
  details = xa_report_format_details (r);
  g_assert_nonnull (strstr (details, line));
  xa_test_proxy_free (proxy);
}

/* A proxy that cannot reach the server: the verdict says what came back,
 * and the advice that it came through the proxy, with both causes. */
static void
test_proxy_refuses (Fixture       *f,
                    gconstpointer  data)
{
  XaTestProxy *proxy = xa_test_proxy_start (TRUE);
  g_autoptr(XaReport) r = NULL;

  bind_device (f);
  r = probe_via (f, proxy);

  g_assert_cmpint (r->verdict, ==, XA_VERDICT_UNREACHABLE);
  g_assert_cmpuint (r->http_status, ==, 502);
  g_assert_cmpuint (xa_test_proxy_get_requests (proxy), >=, 1);
  g_assert_cmpuint (xa_demo_server_get_hello_count (f->server), ==, 0);
  g_assert_true (g_str_has_prefix (r->advice, "The answer was HTTP 502, through the proxy "));
  g_assert_nonnull (strstr (r->advice, "either the proxy could not reach the server"));
  g_assert_nonnull (strstr (r->advice, "turn on Connect Directly for this device"));
  xa_test_proxy_free (proxy);
}

/* A device set to connect directly ignores the proxy. */
static void
test_direct_despite_proxy (Fixture       *f,
                           gconstpointer  data)
{
  XaTestProxy *proxy = xa_test_proxy_start (TRUE);
  g_autoptr(XaReport) r = NULL;
  g_autofree char *details = NULL;

  bind_device (f);
  f->identity->no_proxy = TRUE;
  r = probe_via (f, proxy);

  g_assert_cmpint (r->verdict, ==, XA_VERDICT_VALID);
  g_assert_cmpstr (r->proxy, ==, "");
  g_assert_cmpuint (xa_test_proxy_get_requests (proxy), ==, 0);
  g_assert_null (strstr (r->advice, "proxy"));
  details = xa_report_format_details (r);
  g_assert_nonnull (strstr (details, "Proxy: none, connected directly"));
  xa_test_proxy_free (proxy);
}

#define ADD(path, func) g_test_add ("/xa/hello/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/xa/hello/authorization-rules", test_authorization_rules);
  ADD ("hostile-frames", test_hostile_frames);
  ADD ("through-proxy", test_through_proxy);
  ADD ("proxy-refuses", test_proxy_refuses);
  ADD ("direct-despite-proxy", test_direct_despite_proxy);
  ADD ("unknown-device", test_unknown_device);
  ADD ("unknown-device-timing", test_unknown_device_timing);
  ADD ("single-module", test_single_module);
  ADD ("mcp-before-hello", test_mcp_before_hello);
  ADD ("no-token-sent", test_no_token_sent);
  ADD ("whitelist", test_whitelist);
  ADD ("token-lifetime", test_token_lifetime);
  ADD ("valid", test_valid);
  ADD ("official-rejects", test_official_rejects);
  ADD ("official-unbound-test-token", test_official_unbound_test_token);
  ADD ("self-hosted-auth-failure", test_self_hosted_auth_failure);
  ADD ("manager-unbound", test_manager_unbound);
  ADD ("wrong-transport", test_wrong_transport);
  ADD ("no-session", test_no_session);
  ADD ("upgrade-401", test_upgrade_401);
  ADD ("upgrade-404", test_upgrade_404);
  ADD ("not-websocket", test_not_websocket);
  ADD ("timeout", test_timeout);
  ADD ("unreachable", test_unreachable);
  ADD ("bad-url", test_bad_url);
  ADD ("cancel-waiting-for-hello", test_cancel_waiting_for_hello);
  ADD ("cancel-handshake", test_cancel_handshake);
  g_test_add ("/xa/hello/tls", Fixture, NULL, fixture_setup_tls, test_tls, fixture_teardown);

  return g_test_run ();
}
