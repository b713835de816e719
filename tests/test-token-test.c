/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "xa-ota.h"
#include "xa-test-util.h"
#include "xa-text.h"
#include "xa-token-test.h"

#define DEVICE XA_TEST_DEVICE

typedef XaTestFixture Fixture;

static XaReport *
run_test (Fixture    *f,
          XaDemoMode  ota_mode,
          XaDemoMode  ws_mode,
          const char *token)
{
  g_autofree char *ota = xa_demo_server_get_url (f->server, ota_mode, "ota");
  g_autofree char *ws = xa_demo_server_get_url (f->server, ws_mode, "ws");
  g_autoptr(GAsyncResult) result = NULL;
  XaReport *report;

  xa_token_test_async (ota, ws, token, f->identity, 2000, NULL, xa_test_capture_cb, &result);
  report = xa_token_test_finish (xa_test_wait (&result), NULL);
  g_test_message ("%s: %s", xa_verdict_to_id (report->verdict), report->advice);
  return report;
}

static char *
activate (Fixture *f)
{
  g_autofree char *ota = xa_demo_server_get_url (f->server, XA_DEMO_MODE_OFFICIAL, "ota");
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(XaOtaAnswer) answer = NULL;
  g_autofree char *bound = NULL;

  xa_ota_check_async (ota, f->identity, 0, NULL, xa_test_capture_cb, &result);
  answer = xa_ota_check_finish (xa_test_wait (&result), NULL);
  bound = xa_demo_server_bind_code (f->server, answer->code);
  return g_strdup (xa_demo_server_get_token (f->server, DEVICE));
}

static void
test_valid (Fixture       *f,
            gconstpointer  data)
{
  g_autofree char *token = activate (f);
  g_autoptr(XaReport) r = run_test (f, XA_DEMO_MODE_OFFICIAL, XA_DEMO_MODE_OFFICIAL, token);
  g_autofree char *details = xa_report_format_details (r);

  g_assert_cmpint (r->verdict, ==, XA_VERDICT_VALID);
  g_assert_true (r->ota_checked);
  g_assert_false (r->activation_pending);
  g_assert_false (r->token_changed);
  g_assert_true (r->has_clock_skew);
  g_assert_cmpint (ABS (r->clock_skew_ms), <, 5000);
  g_assert_nonnull (strstr (details, "OTA check: no activation code asked for"));
  g_assert_nonnull (strstr (details, "Token sent: yes"));
  g_assert_nonnull (strstr (details, "Session id: "));
}

static void
test_not_activated (Fixture       *f,
                    gconstpointer  data)
{
  /* The official cloud hands out test-token before binding. */
  g_autoptr(XaReport) r = run_test (f, XA_DEMO_MODE_OFFICIAL, XA_DEMO_MODE_OFFICIAL, "test-token");

  g_assert_cmpint (r->verdict, ==, XA_VERDICT_NOT_ACTIVATED);
  g_assert_true (r->activation_pending);
  g_assert_cmpuint (strlen (r->activation_code), ==, 6);
  g_assert_nonnull (strstr (r->advice, r->activation_code));
  /* The hello's own observation stays in the details. */
  g_assert_cmpuint (r->close_code, ==, SOUP_WEBSOCKET_CLOSE_NO_STATUS);
}

static void
test_token_changed (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *token = activate (f);
  g_autoptr(XaReport) r = NULL;

  /* The client holds a token the server no longer issues. */
  r = run_test (f, XA_DEMO_MODE_SELF_HOSTED, XA_DEMO_MODE_OFFICIAL, "stale-token");
  g_assert_true (r->token_changed);
  g_assert_cmpint (r->verdict, ==, XA_VERDICT_REJECTED);
}

static void
test_ota_fault_keeps_hello (Fixture       *f,
                            gconstpointer  data)
{
  g_autofree char *token = activate (f);
  g_autoptr(XaReport) r = run_test (f, XA_DEMO_MODE_NOT_JSON, XA_DEMO_MODE_OFFICIAL, token);
  g_autofree char *ota_error = xa_text_render (r->ota_error);

  g_assert_cmpint (r->verdict, ==, XA_VERDICT_PROTOCOL_ERROR);
  g_assert_nonnull (strstr (ota_error, "not a JSON object"));
  g_assert_nonnull (r->session_id);
}

static void
test_ota_unreachable (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(XaReport) r = NULL;
  g_autofree char *ws = xa_demo_server_get_url (f->server, XA_DEMO_MODE_OFFICIAL, "ws");

  xa_token_test_async ("http://127.0.0.1:1/xiaozhi/ota/", ws, "x", f->identity, 2000, NULL,
                       xa_test_capture_cb, &result);
  r = xa_token_test_finish (xa_test_wait (&result), NULL);
  g_assert_cmpint (r->verdict, ==, XA_VERDICT_UNREACHABLE);
}

static void
test_ws_url_from_ota (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *token = activate (f);
  g_autofree char *ota = xa_demo_server_get_url (f->server, XA_DEMO_MODE_OFFICIAL, "ota");
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(XaReport) r = NULL;

  xa_token_test_async (ota, NULL, token, f->identity, 2000, NULL, xa_test_capture_cb, &result);
  r = xa_token_test_finish (xa_test_wait (&result), NULL);
  g_assert_cmpint (r->verdict, ==, XA_VERDICT_VALID);
  g_assert_true (g_str_has_suffix (r->websocket_url, "/xiaozhi/v1/"));
}

static void
test_json (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(XaReport) r = run_test (f, XA_DEMO_MODE_OFFICIAL, XA_DEMO_MODE_OFFICIAL, "test-token");
  g_autoptr(JsonNode) node = xa_report_to_json (r);
  JsonObject *o = json_node_get_object (node);

  g_assert_cmpstr (json_object_get_string_member (o, "verdict"), ==, "not-activated");
  g_assert_cmpstr (json_object_get_string_member (o, "message"), ==, r->advice);
  g_assert_cmpint (json_object_get_int_member (o, "close_code"), ==, 1005);
  g_assert_true (json_object_get_boolean_member (o, "activation_pending"));
}

/* A server's audio_params that do not read back (1e999 is written as
 * "inf.0") are kept as text, and cut nothing after them short. */
static void
test_json_unwritable_audio (void)
{
  g_autoptr(XaReport) r = xa_report_new ();
  g_autoptr(JsonNode) node = NULL;
  JsonObject *o;

  xa_report_set_verdict (r, XA_VERDICT_VALID, xa_text_new_literal ("ok"));
  r->latency_ms = 12;
  r->audio_params = g_strdup ("{\"sample_rate\":inf.0}");
  node = xa_report_to_json (r);
  o = json_node_get_object (node);
  g_assert_cmpstr (json_object_get_string_member (o, "audio_params"), ==, "{\"sample_rate\":inf.0}");
  g_assert_cmpint (json_object_get_int_member (o, "latency_ms"), ==, 12);
}

/* Self-hosted servers issue a newer dated token at every check: no
 * "the token changed" then; the Test says when it expires. */
static void
test_dated_tokens (void)
{
  g_autoptr(XaReport) r = xa_report_new ();
  g_autoptr(XaOtaAnswer) newer = g_new0 (XaOtaAnswer, 1);
  g_autoptr(XaOtaAnswer) other = g_new0 (XaOtaAnswer, 1);
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *details = NULL;
  JsonObject *o;

  newer->has_websocket = other->has_websocket = TRUE;
  newer->websocket_url = g_strdup ("ws://127.0.0.1:1/xiaozhi/v1/");
  other->websocket_url = g_strdup ("ws://127.0.0.1:1/xiaozhi/v1/");
  newer->token = g_strdup ("bbbb.1795700000");
  other->token = g_strdup ("a-different-token");
  g_assert_false (xa_ota_answer_changes_token (newer, "aaaa.1795607593"));
  g_assert_true (xa_ota_answer_changes_token (other, "aaaa.1795607593"));

  xa_report_set_verdict (r, XA_VERDICT_VALID, xa_text_new_literal ("ok"));
  xa_report_apply_ota (r, "http://127.0.0.1:1/xiaozhi/ota/", newer, NULL, "aaaa.1795607593");
  g_assert_false (r->token_changed);
  node = xa_report_to_json (r);
  o = json_node_get_object (node);
  g_assert_cmpstr (json_object_get_string_member (o, "token_issued"), ==, "2026-11-25T11:53:13Z");
  g_assert_cmpstr (json_object_get_string_member (o, "token_expires"), ==, "2026-12-25T11:53:13Z");
  details = xa_report_format_details (r);
  g_assert_nonnull (strstr (details, "Token: issued 2026-11-25; expires about 2026-12-25 if the server keeps the "
                                     "default lifetime (server.auth.expire_seconds, 30 days)"));
}

/* What a passed Test says of the token is what the OTA check and the
 * hello showed: signed tokens are checked; an empty one from the OTA
 * check means none is; without an OTA check, either. */
static void
test_what_a_pass_says (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *ota = xa_demo_server_get_url (f->server, XA_DEMO_MODE_SINGLE_MODULE, "ota");
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(XaOtaAnswer) answer = NULL;
  g_autoptr(XaReport) signed_ = NULL, off = NULL, whitelisted = NULL;

  /* A manager with authentication off: its answer has an empty token,
   * so the one the device still holds was never checked. */
  off = run_test (f, XA_DEMO_MODE_AUTH_OFF, XA_DEMO_MODE_AUTH_OFF, "old.1795607593");
  g_assert_cmpint (off->verdict, ==, XA_VERDICT_NOT_ACTIVATED);
  {
    g_autofree char *bound = xa_demo_server_bind_code (f->server, xa_demo_server_get_code (f->server, DEVICE));
    g_assert_nonnull (bound);
  }
  g_clear_pointer (&off, xa_report_free);
  off = run_test (f, XA_DEMO_MODE_AUTH_OFF, XA_DEMO_MODE_AUTH_OFF, "old.1795607593");
  g_assert_cmpint (off->verdict, ==, XA_VERDICT_VALID);
  g_assert_nonnull (strstr (off->advice, "Its OTA check gives this device no token, so it checks none for it"));

  xa_ota_check_async (ota, f->identity, 0, NULL, xa_test_capture_cb, &result);
  answer = xa_ota_check_finish (xa_test_wait (&result), NULL);
  signed_ = run_test (f, XA_DEMO_MODE_SINGLE_MODULE, XA_DEMO_MODE_SINGLE_MODULE, answer->token);
  g_assert_cmpint (signed_->verdict, ==, XA_VERDICT_VALID);
  g_assert_nonnull (strstr (signed_->advice, "and took the token: it issues this device signed tokens, so it checks them"));

  whitelisted = run_test (f, XA_DEMO_MODE_WHITELIST, XA_DEMO_MODE_WHITELIST, "");
  g_assert_cmpint (whitelisted->verdict, ==, XA_VERDICT_VALID);
  g_assert_cmpstr (xa_report_get_title (whitelisted), ==, "Works without a token");
}

#define ADD(path, func) g_test_add ("/xa/token-test/" path, Fixture, NULL, xa_test_setup, func, xa_test_teardown)

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  ADD ("valid", test_valid);
  ADD ("not-activated", test_not_activated);
  ADD ("token-changed", test_token_changed);
  ADD ("ota-fault-keeps-hello", test_ota_fault_keeps_hello);
  ADD ("ota-unreachable", test_ota_unreachable);
  ADD ("ws-url-from-ota", test_ws_url_from_ota);
  ADD ("json", test_json);
  g_test_add_func ("/xa/token-test/json-unwritable-audio", test_json_unwritable_audio);
  g_test_add_func ("/xa/token-test/dated-tokens", test_dated_tokens);
  ADD ("what-a-pass-says", test_what_a_pass_says);

  return g_test_run ();
}
