/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "xa-activation.h"
#include "xa-report.h"
#include "xa-text.h"

/* XaReport and the verdicts: what a Test's result says, in the words and
 * the exit statuses the window, the CLI and devices.json use. */

static const XaVerdict all_verdicts[] = {
  XA_VERDICT_VALID, XA_VERDICT_REJECTED, XA_VERDICT_NOT_ACTIVATED, XA_VERDICT_UNREACHABLE, XA_VERDICT_TLS_ERROR,
  XA_VERDICT_TIMEOUT, XA_VERDICT_PROTOCOL_ERROR, XA_VERDICT_CANCELLED, XA_VERDICT_NOT_TESTABLE, XA_VERDICT_REFUSED,
};

/* Each verdict has an id that reads back, a title, a severity and an icon;
 * the exit statuses the CLI documents are its own. */
static void
test_verdicts (void)
{
  const struct { XaVerdict verdict; int status; } documented[] = {
    { XA_VERDICT_VALID, 0 }, { XA_VERDICT_REJECTED, 3 }, { XA_VERDICT_NOT_ACTIVATED, 4 },
    { XA_VERDICT_UNREACHABLE, 5 }, { XA_VERDICT_TLS_ERROR, 6 }, { XA_VERDICT_TIMEOUT, 7 },
    { XA_VERDICT_PROTOCOL_ERROR, 8 },
  };
  XaVerdict back;

  for (guint i = 0; i < G_N_ELEMENTS (all_verdicts); i++)
    {
      const char *id = xa_verdict_to_id (all_verdicts[i]);
      const char *severity = xa_verdict_get_severity (all_verdicts[i]);

      g_assert_nonnull (id);
      g_assert_true (xa_verdict_from_id (id, &back));
      g_assert_cmpint (back, ==, all_verdicts[i]);
      g_assert_nonnull (xa_verdict_get_title (all_verdicts[i]));
      g_assert_nonnull (xa_verdict_get_icon_name (all_verdicts[i]));
      g_assert_true (g_strv_contains ((const char *[]) { "valid", "warn", "bad", NULL }, severity));
    }
  for (guint i = 0; i < G_N_ELEMENTS (documented); i++)
    g_assert_cmpint (xa_verdict_get_exit_status (documented[i].verdict), ==, documented[i].status);
  g_assert_false (xa_verdict_from_id ("nonsense", &back));
  g_assert_false (xa_verdict_from_id (NULL, &back));
}

/* An error that stopped a Test is the verdict it stands for, and one that
 * stands for none is said to be none. */
static void
test_from_error (void)
{
  const struct { GQuark domain; int code; XaVerdict verdict; } cases[] = {
    { G_IO_ERROR, G_IO_ERROR_CANCELLED, XA_VERDICT_CANCELLED },
    { XA_OTA_ERROR, XA_OTA_ERROR_UNREACHABLE, XA_VERDICT_UNREACHABLE },
    { XA_OTA_ERROR, XA_OTA_ERROR_TLS, XA_VERDICT_TLS_ERROR },
    { XA_OTA_ERROR, XA_OTA_ERROR_TIMEOUT, XA_VERDICT_TIMEOUT },
    { XA_ACTIVATION_ERROR, XA_ACTIVATION_ERROR_TIMED_OUT, XA_VERDICT_TIMEOUT },
    { XA_OTA_ERROR, XA_OTA_ERROR_SERVER_REFUSED, XA_VERDICT_REFUSED },
    { XA_OTA_ERROR, XA_OTA_ERROR_NOT_JSON, XA_VERDICT_PROTOCOL_ERROR },
  };
  g_autoptr(GError) other = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED, "no");
  XaVerdict verdict;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = g_error_new_literal (cases[i].domain, cases[i].code, "x");

      g_assert_true (xa_verdict_from_error (error, &verdict));
      g_assert_cmpint (verdict, ==, cases[i].verdict);
    }
  g_assert_false (xa_verdict_from_error (other, &verdict));
}

static XaReport *
full_report (void)
{
  XaReport *report = xa_report_new ();

  xa_report_set_verdict (report, XA_VERDICT_REJECTED, xa_text_new_literal ("Refresh the token."));
  report->hello_attempted = TRUE;
  report->token_sent = TRUE;
  report->websocket_url = g_strdup ("ws://127.0.0.1:8000/xiaozhi/v1/");
  report->latency_ms = 42;
  report->close_code = 1005;
  report->server_text = g_strdup ("认证失败");
  report->ota_checked = TRUE;
  report->has_clock_skew = TRUE;
  report->clock_skew_ms = -3000;
  report->setup_warnings = g_ptr_array_new_with_free_func ((GDestroyNotify) xa_text_free);
  g_ptr_array_add (report->setup_warnings, xa_text_new_literal ("The WebSocket address is on loopback."));
  return report;
}

/* What devices.json keeps of a report reads back as the same report. */
static void
test_record_round_trip (void)
{
  g_autoptr(XaReport) report = full_report ();
  g_autoptr(JsonNode) record = xa_report_to_record (report);
  g_autoptr(XaReport) back = xa_report_new_from_record (record);
  g_autoptr(XaReport) copy = xa_report_copy (report);

  g_assert_nonnull (back);
  for (XaReport *r = back; r != NULL; r = r == back ? copy : NULL)
    {
      g_assert_cmpint (r->verdict, ==, XA_VERDICT_REJECTED);
      g_assert_cmpstr (r->advice, ==, "Refresh the token.");
      g_assert_cmpstr (r->websocket_url, ==, "ws://127.0.0.1:8000/xiaozhi/v1/");
      g_assert_cmpint (r->latency_ms, ==, 42);
      g_assert_cmpuint (r->close_code, ==, 1005);
      g_assert_true (r->token_sent);
      g_assert_cmpint (r->clock_skew_ms, ==, -3000);
      g_assert_nonnull (r->setup_warnings);
      g_assert_cmpuint (r->setup_warnings->len, ==, 1);
    }
}

/* The details a person reads say what was seen, in their words: the
 * close code with its meaning, whether a token went, what the server said. */
static void
test_details (void)
{
  g_autoptr(XaReport) report = full_report ();
  g_autofree char *details = xa_report_format_details (report);
  g_autoptr(JsonNode) json = xa_report_to_json (report);
  JsonObject *o = json_node_get_object (json);

  g_assert_nonnull (strstr (details, "Close code: 1005 (closed without a status code)"));
  g_assert_nonnull (strstr (details, "Token sent: yes (Authorization header)"));
  g_assert_nonnull (strstr (details, "认证失败"));
  g_assert_nonnull (strstr (details, "Server setup: The WebSocket address is on loopback."));
  g_assert_cmpstr (json_object_get_string_member (o, "verdict"), ==, "rejected");
  g_assert_cmpstr (json_object_get_string_member (o, "transport"), ==, "websocket");
  g_assert_cmpint (json_object_get_int_member (o, "latency_ms"), ==, 42);
  g_assert_cmpint (json_object_get_int_member (o, "close_code"), ==, 1005);
}

/* A refresh's answer changes the token only when it is another one that
 * is not simply newer from the same server. */
static void
test_changes_token (void)
{
  const char *json = "{\"websocket\":{\"url\":\"ws://127.0.0.1:8000/xiaozhi/v1/\",\"token\":\"sig.1795607600\"}}";
  g_autoptr(XaOtaAnswer) answer = xa_ota_answer_parse (json, strlen (json), NULL);

  g_assert_nonnull (answer);
  g_assert_false (xa_ota_answer_changes_token (answer, "sig.1795607600"));
  /* a newer dated token of the same server: not a change worth telling */
  g_assert_false (xa_ota_answer_changes_token (answer, "old.1795607500"));
  /* an older one than ours, or another kind: a change */
  g_assert_true (xa_ota_answer_changes_token (answer, "old.1795607700"));
  g_assert_true (xa_ota_answer_changes_token (answer, "test-token"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/xa/report/verdicts", test_verdicts);
  g_test_add_func ("/xa/report/from-error", test_from_error);
  g_test_add_func ("/xa/report/record-round-trip", test_record_round_trip);
  g_test_add_func ("/xa/report/details", test_details);
  g_test_add_func ("/xa/report/changes-token", test_changes_token);
  return g_test_run ();
}
