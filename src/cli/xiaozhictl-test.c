/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "xa-batch-test.h"
#include "xa-device-state.h"
#include "xa-device.h"
#include "xa-identity.h"
#include "xa-text.h"
#include "xa-url.h"
#include "xiaozhictl.h"
#include "xiaozhictl-table.h"

/* xiaozhictl test: a token given on the command line (--url, --token), a
 * saved device (NAME) over one road or all, or every device (--all). */

/* A report that says why a Test gave no verdict (Ctrl+C…). */
static XaReport *
cli_report_for_error (const GError *error)
{
  XaReport *report = xa_report_new ();
  XaVerdict verdict = XA_VERDICT_PROTOCOL_ERROR;

  xa_verdict_from_error (error, &verdict);
  xa_report_set_verdict (report, verdict, xa_ota_error_dup_text (error));
  return report;
}

static XaReport *
run_test (Cli              *cli,
          const char       *ota_url,
          const char       *websocket_url,
          const char       *token,
          const XaIdentity *identity,
          int               timeout_s)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  XaReport *report;

  xa_token_test_async (ota_url, websocket_url, token, identity, (guint) timeout_s * 1000,
                       cli->cancellable, cli_capture_cb, &result);
  cli_wait (&result);
  report = xa_token_test_finish (result, &error);
  return report ? report : cli_report_for_error (error);
}

/* @transport: NULL for the road the server sends the device, "websocket",
 * "mqtt", or "all" it offers (each verdict printed, JSON as an array;
 * the exit status is the largest). */
static int
cli_cmd_test_saved (Cli        *cli,
                    int         timeout_s,
                    const char *name,
                    const char *transport)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XaDeviceSession) session = NULL;
  g_autoptr(JsonArray) all = json_array_new ();
  g_autoptr(GPtrArray) reports = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  int status, worst = 0;
  XaDevice *device;

  if ((device = cli_find_device (cli, name, &error)) == NULL)
    return cli_fail (cli, error);
  if ((session = cli_open_session (cli, device, TRUE, &status)) == NULL)
    return status;
  /* One road, or every one the server offers (xa_device_session_dup_roads()). */
  if (g_strcmp0 (transport, "all") == 0)
    {
      xa_device_session_test_all_async (session, (guint) timeout_s * 1000, cli->cancellable, cli_capture_cb, &result);
      reports = xa_device_session_test_all_finish (session, cli_wait_for (cli, &result), &error);
    }
  else
    {
      XaReport *report;

      xa_device_session_test_over_async (session, transport, (guint) timeout_s * 1000, cli->cancellable,
                                         cli_capture_cb, &result);
      if ((report = xa_device_session_test_finish (session, cli_wait_for (cli, &result), &error)) != NULL)
        {
          reports = g_ptr_array_new_with_free_func ((GDestroyNotify) xa_report_free);
          g_ptr_array_add (reports, report);
        }
    }
  if (reports == NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return cli_fail (cli, error);
  if (reports == NULL)
    {
      reports = g_ptr_array_new_with_free_func ((GDestroyNotify) xa_report_free);
      g_ptr_array_add (reports, xa_device_session_report_for_error (error));
    }

  for (guint i = 0; i < reports->len; i++)
    {
      const XaReport *report = g_ptr_array_index (reports, i);

      if (g_strcmp0 (transport, "all") == 0 && cli->json)
        json_array_add_element (all, xa_report_to_json (report));
      else
        {
          if (i > 0)
            g_print ("\n");
          cli_print_report (cli, report);
        }
      worst = MAX (worst, xa_verdict_get_exit_status (report->verdict));
    }
  if (g_strcmp0 (transport, "all") == 0 && cli->json)
    {
      g_autoptr(JsonNode) node = json_node_init_array (json_node_alloc (), all);
      cli_print_json (node);
    }
  return worst;
}

typedef struct
{
  Cli      *cli;
  int       worst;
  CliTable *table;
} AllTests;

/* One device's line, as its Test ends: a table row, or a JSON line. A
 * device that has no token yet is “not activated”. */
static void
print_one_verdict (XaDeviceSession *session,
                   const XaReport  *report,
                   const GError    *error,
                   gpointer         user_data)
{
  AllTests *all = user_data;
  XaDevice *device = xa_device_session_get_device (session);
  const char *verdict, *title;
  int status;

  /* xa_batch_test_async() gives a report for every error that is a
   * verdict (no token: not activated); the others failed. */
  if (report != NULL)
    {
      verdict = xa_verdict_to_id (report->verdict);
      status = xa_verdict_get_exit_status (report->verdict);
      title = xa_report_get_title (report);
    }
  else
    {
      verdict = "failed";
      status = EXIT_FAILURE_OTHER;
      title = error->message;
    }
  all->worst = MAX (all->worst, status);

  if (all->cli->json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autoptr(JsonNode) node = NULL;
      g_autofree char *line = NULL;

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "name");
      json_builder_add_string_value (b, xa_device_get_name (device));
      json_builder_set_member_name (b, "device_id");
      json_builder_add_string_value (b, xa_device_get_device_id (device));
      json_builder_set_member_name (b, "verdict");
      json_builder_add_string_value (b, verdict);
      json_builder_set_member_name (b, "transport");
      json_builder_add_string_value (b, report && report->mqtt_endpoint ? "mqtt" : "websocket");
      json_builder_set_member_name (b, "latency_ms");
      if (report != NULL && report->latency_ms >= 0)
        json_builder_add_int_value (b, report->latency_ms);
      else
        json_builder_add_null_value (b);
      json_builder_set_member_name (b, "message");
      json_builder_add_string_value (b, report ? report->advice : error->message);
      json_builder_end_object (b);
      node = json_builder_get_root (b);
      line = json_to_string (node, FALSE);
      g_print ("%s\n", line);
      return;
    }

  {
    g_autofree char *latency = report && report->latency_ms >= 0
                                 ? g_strdup_printf (_("%d ms"), (int) report->latency_ms) : g_strdup ("—");

    g_autofree char *verdict_text = g_strdup_printf ("%s %s", status == EXIT_OK ? "✔" : "✘",
                                                     cli_safe (all->cli, title));

    cli_table_print_row (all->table, cli_safe (all->cli, xa_device_get_name (device)),
                         cli_safe (all->cli, xa_device_get_device_id (device)), latency, verdict_text, NULL);
  }
}

/* Tests every saved device, @jobs at a time; the exit status is the worst
 * verdict's. */
static int
cli_cmd_test_all (Cli *cli,
                  int  timeout_s,
                  int  jobs)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) sessions = cli_sessions_of_all (cli, &error);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(CliTable) table = cli_table_new (4);
  AllTests all = { cli, EXIT_OK, table };

  if (sessions == NULL)
    return cli_fail (cli, error);
  if (sessions->len == 0)
    {
      g_printerr (_("There are no saved devices to test.\n"));
      return EXIT_OK;
    }
  if (!cli->json)
    {
      g_autofree char *longest_latency = g_strdup_printf (_("%d ms"), 99999);

      /* Translators: the column headings of “xiaozhictl test --all” */
      cli_table_fit (table, 0, _("NAME"));
      cli_table_fit (table, 1, _("DEVICE-ID"));
      cli_table_fit (table, 2, _("LATENCY"));
      cli_table_fit (table, 2, longest_latency);
      for (guint i = 0; i < sessions->len; i++)
        {
          XaDevice *device = xa_device_session_get_device (g_ptr_array_index (sessions, i));

          cli_table_fit (table, 0, cli_safe (cli, xa_device_get_name (device)));
          cli_table_fit (table, 1, cli_safe (cli, xa_device_get_device_id (device)));
        }
      cli_table_print_row (table, _("NAME"), _("DEVICE-ID"), _("LATENCY"), _("VERDICT"), NULL);
    }
  xa_batch_test_async (sessions, (guint) jobs, (guint) timeout_s * 1000, cli->cancellable,
                       print_one_verdict, &all, cli_capture_cb, &result);
  cli_wait (&result);
  xa_batch_test_finish (result, NULL);
  return all.worst;
}

int
cli_cmd_test (Cli   *cli,
              int    argc,
              char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (_("[NAME]"));
  g_autoptr(XaIdentity) identity = NULL;
  g_autoptr(XaReport) report = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *ota_url = NULL;
  g_autofree char *ws_url = NULL;
  g_autofree char *token = NULL;
  g_autofree char *device_id = NULL;
  g_autofree char *client_id = NULL;
  g_autofree char *transport = NULL;
  gboolean all = FALSE;
  int jobs = XA_BATCH_TEST_DEFAULT_JOBS;
  int timeout_s = 10;
  int status;
  GOptionEntry entries[] = {
    { "url", 0, 0, G_OPTION_ARG_STRING, &ws_url, N_("WebSocket URL"), N_("URL") },
    { "transport", 0, 0, G_OPTION_ARG_STRING, &transport,
      N_("With NAME: websocket, mqtt, or all the server offers (default: the one it sends the device to)"),
      N_("TRANSPORT") },
    { "token", 0, 0, G_OPTION_ARG_STRING, &token, N_("Access token; “-” reads it from standard input (default: $XIAOZHI_TOKEN)"), N_("TOKEN") },
    { "device-id", 0, 0, G_OPTION_ARG_STRING, &device_id, N_("Device-Id, a MAC address"), N_("MAC") },
    { "client-id", 0, 0, G_OPTION_ARG_STRING, &client_id, N_("Client-Id, a UUID"), N_("UUID") },
    { "ota-url", 0, 0, G_OPTION_ARG_STRING, &ota_url, N_("Also run the OTA check against this address"), N_("URL") },
    { "timeout", 0, 0, G_OPTION_ARG_INT, &timeout_s, N_("Seconds to wait for each answer (default: 10)"), N_("SECONDS") },
    { "all", 0, 0, G_OPTION_ARG_NONE, &all, N_("Test every saved device, several at a time"), NULL },
    { "jobs", 0, 0, G_OPTION_ARG_INT, &jobs, N_("With --all: how many Tests run at once (default: 8)"), N_("N") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &cli->json, N_("Print the result as JSON (with --all: one line per device)"), NULL },
    { NULL }
  };

  g_option_context_set_summary (context, _("Test a token: the OTA check (with --ota-url), then the WebSocket hello.\n"
                                           "With NAME, test that saved device with its stored token and record the verdict.\n\n"
                                           "Exit status: 0 valid, 1 other failure, 2 usage error, 3 rejected, "
                                           "4 not activated, 5 unreachable, 6 TLS error, 7 timeout, 8 protocol error."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!cli_parse_options (context, "test", &argc, &argv, 0, 1, &status))
    return status;
  if (timeout_s <= 0 || timeout_s > CLI_MAX_TIMEOUT_S)
    return cli_usage_error ("test", _("The timeout must be a number of seconds between 1 and 86400."));
  if (transport != NULL && !g_strv_contains ((const char * const[]) { "websocket", "mqtt", "all", NULL }, transport))
    return cli_usage_error ("test", _("The transport is websocket, mqtt or all."));
  if (all && (argc == 2 || transport != NULL || ws_url != NULL || ota_url != NULL))
    return cli_usage_error ("test", _("--all tests the saved devices, each as its server sends it: "
                                      "give no NAME, --transport or addresses with it."));
  if (jobs < 1 || jobs > 64)
    return cli_usage_error ("test", _("--jobs is a number from 1 to 64."));
  if (all)
    return cli_cmd_test_all (cli, timeout_s, jobs);
  if (argc == 2)
    return cli_cmd_test_saved (cli, timeout_s, argv[1], transport);
  if (transport != NULL && !g_str_equal (transport, "websocket"))
    return cli_usage_error ("test", _("Only a saved device (NAME) can be tested over MQTT."));

  if (ws_url == NULL && ota_url == NULL)
    return cli_usage_error ("test", _("Give the WebSocket URL with --url."));
  if (ws_url != NULL && !xa_websocket_url_is_safe (ws_url))
    return cli_usage_error ("test", _("The WebSocket URL starts with ws:// or wss:// and names a server, "
                                      "for example wss://api.tenclass.net/xiaozhi/v1/."));
  if (device_id == NULL || client_id == NULL)
    return cli_usage_error ("test", _("Give the device’s --device-id and --client-id."));
  if (ota_url != NULL && !xa_ota_url_validate (ota_url, &error))
    return cli_usage_error ("test", error->message);

  /* The identity the token was issued to, exactly as given. */
  identity = xa_identity_new_exact (device_id, client_id, NULL, &error);
  if (identity == NULL)
    return cli_usage_error ("test", error->message);
  {
    g_autofree char *warnings = xa_identity_warnings (identity);
    if (warnings != NULL)
      g_printerr (_("Note: %s\n"), warnings);
  }

  if (g_strcmp0 (token, "-") == 0)
    {
      g_free (token);
      token = cli_read_line ();
    }
  else if (token == NULL)
    token = g_strdup (g_getenv ("XIAOZHI_TOKEN"));

  report = run_test (cli, ota_url, ws_url, token, identity, timeout_s);
  cli_print_report (cli, report);
  return xa_verdict_get_exit_status (report->verdict);
}
