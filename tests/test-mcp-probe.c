/* SPDX-License-Identifier: GPL-3.0-or-later */
/* xa-mcp-probe: an MCP endpoint tested as a tool provider meets it, against
 * the demo server's endpoints (self-hosted-like and official-like). */
#include "config.h"

#include <libsoup/soup.h>
#include <string.h>

#include "xa-mcp-endpoint.h"
#include "xa-mcp-probe.h"
#include "xa-report.h"
#include "xa-test-util.h"

typedef XaTestFixture Fixture;

static XaReport *
probe_at (const char   *address,
          const char   *token,
          guint         stay_ms,
          GCancellable *cancellable)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  XaReport *report;

  xa_mcp_probe_async (address, token, stay_ms, cancellable, xa_test_capture_cb, &result);
  report = xa_mcp_probe_finish (xa_test_wait (&result), &error);
  g_assert_no_error (error);
  g_assert_nonnull (report);
  g_test_message ("%s: %s", xa_verdict_to_id (report->verdict), report->advice);
  /* The address it reports is the one shown: no token in it. */
  g_assert_null (strstr (report->websocket_url, "token="));
  return report;
}

static XaReport *
probe (Fixture    *f,
       gboolean    official,
       const char *token,
       guint       stay_ms)
{
  g_autofree char *address = xa_demo_server_get_mcp_address (f->server, official);

  return probe_at (address, token, stay_ms, NULL);
}

/* A tool connection of another provider (mcp_pipe.py, say), held open. */
static SoupWebsocketConnection *
connect_provider (Fixture    *f,
                  const char *token)
{
  g_autofree char *address = xa_demo_server_get_mcp_address (f->server, FALSE);
  g_autofree char *url = xa_mcp_endpoint_join (address, token);
  g_autofree char *http = g_strconcat ("http://", url + strlen ("ws://"), NULL);
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(SoupMessage) msg = soup_message_new (SOUP_METHOD_GET, http);
  g_autoptr(GAsyncResult) result = NULL;
  SoupWebsocketConnection *conn;

  soup_session_websocket_connect_async (session, msg, NULL, NULL, G_PRIORITY_DEFAULT, NULL, xa_test_capture_cb,
                                        &result);
  conn = soup_session_websocket_connect_finish (session, xa_test_wait (&result), NULL);
  g_assert_nonnull (conn);
  return conn;
}

/* Connected and left alone: accepted, and nothing asked for tools — its
 * own sentence, not a failure. */
static void
test_accepted_no_caller (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(XaReport) r = NULL;

  xa_demo_server_add_mcp_token (f->server, "tok-A", "agent-1");
  r = probe (f, FALSE, "tok-A", 300);
  g_assert_cmpint (r->verdict, ==, XA_VERDICT_VALID);
  g_assert_nonnull (strstr (r->advice, "kept the connection open for 1 s. No caller asked for the tools"));
  g_assert_cmpuint (xa_demo_server_get_mcp_initialized (f->server), ==, 0);
}

/* A caller initializes the provider: answered as a provider with no tools
 * answers, which the caller saw (both ends). */
static void
test_accepted_with_caller (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(XaReport) r = NULL;

  xa_demo_server_add_mcp_token (f->server, "tok-A", "agent-1");
  xa_demo_server_set_mcp_caller (f->server, 100);
  r = probe (f, FALSE, "tok-A", 800);
  g_autoptr(XaReport) other = NULL;
  g_autoptr(XaReport) quiet = NULL;
  g_autofree char *after = NULL;

  g_assert_cmpint (r->verdict, ==, XA_VERDICT_VALID);
  /* The caller's 100 ms start at the server's end of the upgrade, a little
   * before this side's: 98 ms was seen under ASan. */
  g_assert_cmpint (r->latency_ms, >=, 50);
  g_assert_cmpint (r->latency_ms, <, 800);
  after = g_strdup_printf ("open for 1 s. %d ms after the connection opened it initialized this Test and asked for "
                           "the tools (this Test has none): a caller, a device’s conversation or the console’s "
                           "refresh, is using the endpoint.", (int) r->latency_ms);
  g_assert_cmpstr (strstr (r->advice, "open for 1 s."), ==, after);
  g_assert_cmpuint (xa_demo_server_get_mcp_initialized (f->server), ==, 1);
  g_assert_cmpuint (xa_demo_server_get_mcp_tools_listed (f->server), ==, 1);

  /* Not mcp-endpoint-server: asking may be its server's way with every
   * provider, or a caller; both said. Not asking is said as unknown. */
  other = probe (f, TRUE, "tok-A", 800);
  g_assert_nonnull (strstr (other->advice, "its server asks a provider as it connects, or a caller (a device’s "
                                           "conversation, the console) is using the endpoint."));
  xa_demo_server_set_mcp_caller (f->server, -1);
  quiet = probe (f, TRUE, "tok-A", 300);
  g_assert_nonnull (strstr (quiet->advice, "It did not ask for the tools in that time: it may ask only when a "
                                           "caller (a device’s conversation, the console) comes, so this alone is "
                                           "no failure."));
}

/* mcp-endpoint-server's 1008 reasons, quoted and explained. */
static void
test_rejected_reasons (Fixture       *f,
                       gconstpointer  data)
{
  const struct { const char *token; const char *reason; const char *explained; } cases[] = {
    { "", "缺少token参数", "the address has no token" },
    { "not-ours", "token解密失败", "the token could not be decrypted" },
    { "tok-none", "无对应agentId", "the token names no agent" },
  };

  xa_demo_server_add_mcp_token (f->server, "tok-none", "");
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(XaReport) r = probe (f, FALSE, cases[i].token, 2000);
      g_autofree char *quoted = g_strdup_printf ("(1008 “%s”): %s", cases[i].reason, cases[i].explained);

      g_assert_cmpint (r->verdict, ==, XA_VERDICT_REJECTED);
      g_assert_cmpuint (r->close_code, ==, 1008);
      g_assert_cmpstr (r->close_reason, ==, cases[i].reason);
      g_assert_nonnull (strstr (r->advice, quoted));
    }
}

/* The official-like endpoint refuses an unknown token at the upgrade,
 * with 401 or 403. */
static void
test_rejected_official (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(XaReport) r = probe (f, TRUE, "someone-else", 2000);

  g_autoptr(XaReport) forbidden = NULL;

  g_assert_cmpint (r->verdict, ==, XA_VERDICT_REJECTED);
  g_assert_cmpuint (r->http_status, ==, 401);
  g_assert_true (g_str_has_prefix (r->advice, "The endpoint refused the connection (HTTP 401)"));

  /* 403, as a gateway in front of it may answer: the same verdict. */
  xa_demo_server_set_mcp_refusal (f->server, SOUP_STATUS_FORBIDDEN);
  forbidden = probe (f, TRUE, "someone-else", 2000);
  g_assert_cmpint (forbidden->verdict, ==, XA_VERDICT_REJECTED);
  g_assert_cmpuint (forbidden->http_status, ==, 403);
  g_assert_true (g_str_has_prefix (forbidden->advice, "The endpoint refused the connection (HTTP 403)"));
}

/* The official-like endpoint closes a token whose endpoint is gone with
 * 4004 and no reason: said as such, not as an empty quote. */
static void
test_rejected_4004 (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(XaReport) r = NULL;

  xa_demo_server_add_mcp_token (f->server, "tok-gone", "");
  r = probe (f, TRUE, "tok-gone", 2000);
  g_assert_cmpint (r->verdict, ==, XA_VERDICT_REJECTED);
  g_assert_cmpuint (r->close_code, ==, 4004);
  g_assert_true (g_str_has_prefix (r->advice, "The endpoint took the connection, then closed it (code 4004, no "
                                              "reason given): it did not accept the token."));
}

/* A WebSocket server of another kind at the address: not JSON-RPC, and
 * what it sent is shown. */
static void
test_not_json_rpc (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(XaReport) r = NULL;

  xa_demo_server_add_mcp_token (f->server, "tok-A", "agent-1");
  xa_demo_server_set_mcp_speaks (f->server, "{\"type\":\"hello\",\"transport\":\"websocket\"}");
  r = probe (f, FALSE, "tok-A", 2000);
  g_assert_cmpint (r->verdict, ==, XA_VERDICT_PROTOCOL_ERROR);
  g_assert_true (g_str_has_prefix (r->advice, "The endpoint sent something that is not JSON-RPC 2.0 "
                                              "(“{\"type\":\"hello\",\"transport\":\"websocket\"}”)"));
  g_assert_cmpstr (r->server_text, ==, "{\"type\":\"hello\",\"transport\":\"websocket\"}");
}

static gboolean
hold_connection (GPtrArray         *held,
                 GSocketConnection *connection)
{
  g_ptr_array_add (held, g_object_ref (connection));
  return TRUE;
}

/* An endpoint over TLS with a certificate this system does not trust, and
 * one that takes the TCP connection and never answers. */
static void
test_tls_and_timeout (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(XaDemoServer) tls = xa_test_server_new (XA_DEMO_MODE_OFFICIAL, TRUE);
  g_autofree char *secure = xa_demo_server_get_mcp_address (tls, FALSE);
  /* A listener that takes the connection and never says a word. */
  g_autoptr(GSocketService) silent_service = g_socket_service_new ();
  g_autoptr(GPtrArray) held = g_ptr_array_new_with_free_func (g_object_unref);
  guint16 port = g_socket_listener_add_any_inet_port (G_SOCKET_LISTENER (silent_service), NULL, NULL);
  g_autofree char *hang = g_strdup_printf ("ws://127.0.0.1:%u/mcp/", port);
  g_autoptr(XaReport) untrusted = NULL;
  g_autoptr(XaReport) silent = NULL;

  xa_demo_server_add_mcp_token (tls, "tok-A", "agent-1");
  g_assert_true (g_str_has_prefix (secure, "wss://"));
  untrusted = probe_at (secure, "tok-A", 1000, NULL);
  g_assert_cmpint (untrusted->verdict, ==, XA_VERDICT_TLS_ERROR);
  g_signal_connect_swapped (silent_service, "incoming", G_CALLBACK (hold_connection), held);
  silent = probe_at (hang, "tok-A", 1000, NULL);
  g_assert_cmpint (silent->verdict, ==, XA_VERDICT_TIMEOUT);
  g_assert_true (g_str_has_prefix (silent->advice, "The endpoint did not take the connection within 10 seconds."));
}

/* One tool connection an agent: the Test takes the place of a running
 * provider (which is told so), and is itself replaced by a new one. */
static void
test_replacement (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(SoupWebsocketConnection) running = NULL;
  g_autoptr(SoupWebsocketConnection) newcomer = NULL;
  g_autoptr(XaReport) first = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(XaReport) replaced = NULL;
  g_autofree char *address = xa_demo_server_get_mcp_address (f->server, FALSE);

  xa_demo_server_add_mcp_token (f->server, "tok-A", "agent-1");
  running = connect_provider (f, "tok-A");
  first = probe (f, FALSE, "tok-A", 300);
  g_assert_cmpint (first->verdict, ==, XA_VERDICT_VALID);
  XA_TEST_WAIT_UNTIL (soup_websocket_connection_get_state (running) == SOUP_WEBSOCKET_STATE_CLOSED);
  g_assert_cmpuint (soup_websocket_connection_get_close_code (running), ==, SOUP_WEBSOCKET_CLOSE_NORMAL);
  g_assert_cmpstr (soup_websocket_connection_get_close_data (running), ==, "新连接替换");

  xa_mcp_probe_async (address, "tok-A", 5000, NULL, xa_test_capture_cb, &result);
  XA_TEST_WAIT_UNTIL (xa_demo_server_get_request_count (f->server, "mcp") == 3);
  newcomer = connect_provider (f, "tok-A");
  replaced = xa_mcp_probe_finish (xa_test_wait (&result), NULL);
  g_assert_cmpint (replaced->verdict, ==, XA_VERDICT_VALID);
  g_assert_nonnull (strstr (replaced->advice, "another tool connection for the same agent took its place"));
  soup_websocket_connection_close (newcomer, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
  XA_TEST_WAIT_UNTIL (soup_websocket_connection_get_state (newcomer) == SOUP_WEBSOCKET_STATE_CLOSED);
}

/* A JWT whose exp is past: said before anything else, and the Test still
 * runs (here the endpoint still takes it). */
static void
test_expired (Fixture       *f,
              gconstpointer  data)
{
  const char *token = "eyJhbGciOiJFUzI1NiJ9.eyJhZ2VudElkIjoxLCJleHAiOjE3MDAwMDAwMDB9.c2ln";
  g_autoptr(XaReport) r = NULL;

  xa_demo_server_add_mcp_token (f->server, token, "agent-1");
  r = probe (f, TRUE, token, 300);
  g_assert_cmpint (r->verdict, ==, XA_VERDICT_VALID);
  g_assert_nonnull (strstr (r->advice, "The token says it expired on 2023-11-1"));
  g_assert_nonnull (strstr (r->advice, "read from the token, not checked by the server"));
}

/* Nothing listens; not an endpoint at all; cancelled. */
static void
test_failures (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *nowhere = g_strdup_printf ("ws://127.0.0.1:%d/mcp/", xa_test_free_port ());
  g_autofree char *elsewhere = g_strdup_printf ("ws://127.0.0.1:%u/nothing/", xa_demo_server_get_port (f->server));
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(XaReport) unreachable = probe_at (nowhere, "t", 300, NULL);
  g_autoptr(XaReport) not_mcp = probe_at (elsewhere, "t", 300, NULL);
  g_autoptr(XaReport) cancelled = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autofree char *address = xa_demo_server_get_mcp_address (f->server, FALSE);

  g_assert_cmpint (unreachable->verdict, ==, XA_VERDICT_UNREACHABLE);
  g_assert_cmpint (not_mcp->verdict, ==, XA_VERDICT_PROTOCOL_ERROR);
  g_assert_true (g_str_has_prefix (not_mcp->advice, "This is not an MCP endpoint: the server answered HTTP 404"));

  xa_demo_server_add_mcp_token (f->server, "tok-A", "agent-1");
  xa_mcp_probe_async (address, "tok-A", 5000, cancellable, xa_test_capture_cb, &result);
  XA_TEST_WAIT_UNTIL (xa_demo_server_get_request_count (f->server, "mcp") == 1);
  g_cancellable_cancel (cancellable);
  cancelled = xa_mcp_probe_finish (xa_test_wait (&result), NULL);
  g_assert_cmpint (cancelled->verdict, ==, XA_VERDICT_CANCELLED);
}

#define ADD(path, func) g_test_add ("/xa/mcp-probe/" path, Fixture, NULL, xa_test_setup, func, xa_test_teardown)

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  ADD ("accepted-no-caller", test_accepted_no_caller);
  ADD ("accepted-with-caller", test_accepted_with_caller);
  ADD ("rejected-reasons", test_rejected_reasons);
  ADD ("rejected-official", test_rejected_official);
  ADD ("rejected-4004", test_rejected_4004);
  ADD ("not-json-rpc", test_not_json_rpc);
  ADD ("tls-and-timeout", test_tls_and_timeout);
  ADD ("replacement", test_replacement);
  ADD ("expired", test_expired);
  ADD ("failures", test_failures);

  return g_test_run ();
}
