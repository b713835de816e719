/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib-unix.h>
#include <locale.h>
#include <stdio.h>
#include <unistd.h>

#include "xa-batch-test.h"
#include "xa-net.h"
#include "xiaozhictl.h"

/* xiaozhictl: the forms that need no saved device (activate --ota-url,
 * test --url), the shared helpers, and main(). Saved devices are in
 * xiaozhictl-devices.c. */

static gboolean
interrupted_cb (gpointer user_data)
{
  Cli *cli = user_data;

  g_cancellable_cancel (cli->cancellable);
  return G_SOURCE_CONTINUE;
}

/* @text, from devices.json or a server, fit for a terminal: no escape
 * sequence or line break of someone else's reaches it. Lives as long as
 * the command. */
const char *
cli_safe (Cli        *cli,
          const char *text)
{
  if (text == NULL)
    return "";
  if (cli->safe_texts == NULL)
    cli->safe_texts = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (cli->safe_texts, xa_server_text_sanitize (text, -1, FALSE));
  return g_ptr_array_index (cli->safe_texts, cli->safe_texts->len - 1);
}

int
cli_usage_error (const char *command,
                 const char *message)
{
  g_printerr ("%s\n", message);
  g_printerr (_("Run “xiaozhictl %s --help” to see the options.\n"), command);
  return EXIT_USAGE;
}

static const char *
cli_verdict_for_error (const GError *error,
                       int          *exit_status)
{
  XaVerdict verdict;

  if (!xa_verdict_from_error (error, &verdict))
    {
      *exit_status = EXIT_FAILURE_OTHER;
      return "failed";
    }
  *exit_status = xa_verdict_get_exit_status (verdict);
  return xa_verdict_to_id (verdict);
}

/* Reports an error that is not a verdict, in the chosen output. */
int
cli_fail (Cli          *cli,
          const GError *error)
{
  int status = EXIT_FAILURE_OTHER;
  const char *verdict = cli_verdict_for_error (error, &status);

  if (cli->json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "verdict");
      json_builder_add_string_value (b, verdict);
      json_builder_set_member_name (b, "message");
      json_builder_add_string_value (b, error->message);
      json_builder_end_object (b);
      root = json_builder_get_root (b);
      cli_print_json (root);
    }
  else
    g_printerr ("%s\n", error->message);

  return status;
}

void
cli_print_json (JsonNode *node)
{
  g_autofree char *text = json_to_string (node, TRUE);

  g_print ("%s\n", text);
}

void
cli_capture_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

/* Runs the main loop until an async call delivers its result. */
void
cli_wait (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
}

/* ---- activation -------------------------------------------------------- */

static void
clear_status_line (Cli *cli)
{
  if (cli->tty)
    g_printerr ("\r\033[K");
}

static gboolean
ticker_cb (gpointer user_data)
{
  Cli *cli = user_data;
  gint64 ago = (g_get_monotonic_time () - cli->last_check_us) / G_USEC_PER_SEC;
  gint64 left = xa_activation_get_seconds_left (cli->activation);

  if (xa_activation_get_state (cli->activation) != XA_ACTIVATION_STATE_WAITING_FOR_USER)
    return G_SOURCE_CONTINUE;

  clear_status_line (cli);
  /* A countdown only when the server said how long its code lives. */
  if (xa_activation_get_current (cli->activation)->timeout_ms > 0)
    /* Translators: a live status line; the first %d is seconds, then minutes:seconds */
    g_printerr (_("Waiting for the code to be entered — checked %d s ago, code valid for %d:%02d"),
                (int) ago, (int) (left / 60), (int) (left % 60));
  else
    /* Translators: a live status line; %d is seconds */
    g_printerr (_("Waiting for the code to be entered — checked %d s ago"), (int) ago);
  return G_SOURCE_CONTINUE;
}

static void
code_issued_cb (XaActivation      *activation,
                const XaOtaAnswer *answer,
                gboolean           replaces,
                Cli               *cli)
{
  g_autoptr(XaIdentity) identity = NULL;

  g_object_get (activation, "identity", &identity, NULL);

  clear_status_line (cli);
  if (replaces)
    g_printerr (_("The previous code expired. Here is a new one.\n"));
  g_printerr ("\n");
  g_printerr (_("Activation code: %s\n"), answer->code);
  g_printerr ("\n");
  if (xa_activation_get_panel_url (activation) != NULL)
    g_printerr (_("1. Open %s and log in.\n"), cli_safe (cli, xa_activation_get_panel_url (activation)));
  else
    /* Translators: %s is the placeholder console address the server sent */
    g_printerr (_("1. Open your server’s web console and log in. The server did not say where it is (it sent the "
                  "placeholder %s): keep its address with “xiaozhictl device set NAME --panel-url URL”.\n"),
                cli_safe (cli, xa_activation_get_placeholder_panel_url (activation)));
  g_printerr (_("2. Add a device and type the code %s.\n"), answer->code);
  g_printerr (_("3. Leave this running: it notices when the device is bound.\n"));
  g_printerr ("\n");
  g_printerr (_("Device-Id: %s\n"), cli_safe (cli, identity->device_id));
  if (answer->message != NULL && *answer->message != '\0')
    {
      g_autofree char *oneline = g_strdup (answer->message);
      g_strdelimit (oneline, "\n", ' ');
      g_printerr (_("Server message: %s\n"), oneline);
    }
  if (answer->timeout_ms > 0)
    {
      guint minutes = (guint) ((answer->timeout_ms + 59999) / 60000);
      g_printerr (g_dngettext (GETTEXT_PACKAGE,
                               "The code is valid for %u minute.\n",
                               "The code is valid for %u minutes.\n", minutes),
                  minutes);
    }
  else
    g_printerr (_("The code stays valid while this runs.\n"));
  {
    g_autofree char *ota = NULL;
    g_auto(GStrv) warnings = NULL;

    g_object_get (activation, "ota-url", &ota, NULL);
    warnings = xa_ota_answer_setup_warnings (answer, ota);
    for (guint i = 0; warnings[i] != NULL; i++)
      g_printerr (_("Server setup: %s\n"), warnings[i]);
  }
  g_printerr ("\n");
  cli->last_check_us = g_get_monotonic_time ();
}

static void
progress_cb (XaActivation *activation,
             guint         attempt,
             guint         next_poll_ms,
             const char   *last_error,
             Cli          *cli)
{
  cli->last_check_us = g_get_monotonic_time ();
  if (last_error != NULL)
    {
      clear_status_line (cli);
      g_printerr (_("Check failed, trying again in %u s: %s\n"), (next_poll_ms + 999) / 1000, last_error);
    }
  if (cli->tty)
    ticker_cb (cli);
}

/* Shows @activation's codes and live status while it runs, within
 * @timeout_s, polling every @poll_ms. */
void
cli_watch_activation (Cli          *cli,
                      XaActivation *activation,
                      const char   *panel_url,
                      int           timeout_s,
                      int           poll_ms)
{
  /* A typed address, else the one the session gave (or the guess). */
  if (panel_url != NULL)
    xa_activation_set_panel_url (activation, panel_url);
  cli->activation = g_object_ref (activation);
  g_object_set (activation,
                "deadline-ms", (guint) timeout_s * 1000,
                "poll-interval-ms", (guint) poll_ms,
                "error-backoff-ms", (guint) MAX (poll_ms, 3000),
                NULL);
  g_signal_connect (activation, "code-issued", G_CALLBACK (code_issued_cb), cli);
  g_signal_connect (activation, "progress", G_CALLBACK (progress_cb), cli);
  if (cli->tty)
    cli->ticker_id = g_timeout_add_seconds (1, ticker_cb, cli);
}

void
cli_unwatch_activation (Cli *cli)
{
  g_clear_handle_id (&cli->ticker_id, g_source_remove);
  clear_status_line (cli);
  g_signal_handlers_disconnect_by_data (cli->activation, cli);
  g_clear_object (&cli->activation);
}

/* Runs one activation of an identity that is not saved; NULL with
 * cli->error set on failure. */
static XaOtaAnswer *
run_activation (Cli                 *cli,
                const char          *ota_url,
                const char          *panel_url,
                const XaIdentity    *identity,
                int                  timeout_s,
                int                  poll_ms,
                XaActivationOutcome *outcome)
{
  g_autoptr(XaActivation) activation = xa_activation_new (ota_url, identity);
  g_autoptr(GAsyncResult) result = NULL;
  XaOtaAnswer *answer;

  cli_watch_activation (cli, activation, panel_url, timeout_s, poll_ms);
  xa_activation_run_async (activation, cli->cancellable, cli_capture_cb, &result);
  cli_wait (&result);
  answer = xa_activation_run_finish (activation, result, &cli->error);
  if (answer != NULL)
    *outcome = xa_activation_get_outcome (activation, answer);
  cli_unwatch_activation (cli);
  return answer;
}

/* Reports cli->error, the reason an activation ended without a token. */
int
cli_activation_failed (Cli *cli)
{
  int status = EXIT_FAILURE_OTHER;

  if (cli->json)
    return cli_fail (cli, cli->error);

  cli_verdict_for_error (cli->error, &status);
  g_printerr (_("Activation failed: %s\n"), cli->error->message);
  return status;
}

static int
print_stateless_activation (Cli                 *cli,
                            const XaIdentity    *identity,
                            const XaOtaAnswer   *answer,
                            XaActivationOutcome  outcome)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *described = NULL;

  if (answer == NULL)
    return cli_activation_failed (cli);

  described = xa_activation_outcome_describe (outcome, answer->mqtt_endpoint);
  if (!cli->json)
    {
      g_print ("%s\n%s\n", xa_activation_outcome_get_title (outcome), described);
      g_print (_("Device-Id:      %s\n"), identity->device_id);
      g_print (_("Client-Id:      %s\n"), identity->client_id);
      g_print (_("Serial number:  %s\n"), identity->serial_number);
      if (answer->has_websocket)
        {
          g_print (_("WebSocket URL:  %s\n"), answer->websocket_url);
          g_print (_("Token:          %s\n"), answer->token ? answer->token : "");
        }
      if (answer->has_mqtt)
        {
          g_print (_("MQTT endpoint:  %s\n"), cli_safe (cli, answer->mqtt_endpoint));
          g_print (_("MQTT user:      %s\n"), cli_safe (cli, answer->mqtt_username));
        }
      return EXIT_OK;
    }

  json_builder_begin_object (b);
  /* "activated" only when a code was entered: no code issued is no
   * activation, and this command runs no Test to give a verdict. */
  json_builder_set_member_name (b, "verdict");
  if (outcome == XA_ACTIVATION_OUTCOME_ACTIVATED)
    json_builder_add_string_value (b, "activated");
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "outcome");
  json_builder_add_string_value (b, xa_activation_outcome_to_id (outcome));
  json_builder_set_member_name (b, "transport");
  json_builder_add_string_value (b, answer->has_websocket ? "websocket" : "mqtt");
  json_builder_set_member_name (b, "message");
  json_builder_add_string_value (b, described);
  json_builder_set_member_name (b, "device_id");
  json_builder_add_string_value (b, identity->device_id);
  json_builder_set_member_name (b, "client_id");
  json_builder_add_string_value (b, identity->client_id);
  json_builder_set_member_name (b, "serial_number");
  json_builder_add_string_value (b, identity->serial_number);
  if (answer->has_websocket)
    {
      json_builder_set_member_name (b, "websocket_url");
      json_builder_add_string_value (b, answer->websocket_url);
      json_builder_set_member_name (b, "token");
      json_builder_add_string_value (b, answer->token ? answer->token : "");
    }
  if (answer->has_mqtt)
    {
      json_builder_set_member_name (b, "mqtt_endpoint");
      json_builder_add_string_value (b, answer->mqtt_endpoint);
      json_builder_set_member_name (b, "mqtt_username");
      json_builder_add_string_value (b, answer->mqtt_username);
    }
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  cli_print_json (root);

  return EXIT_OK;
}

static int
cmd_activate (Cli   *cli,
              int    argc,
              char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (_("[NAME]"));
  g_autoptr(XaIdentity) identity = NULL;
  g_autoptr(XaOtaAnswer) answer = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *ota_url = NULL;
  g_autofree char *device_id = NULL;
  g_autofree char *client_id = NULL;
  g_autofree char *panel_url = NULL;
  XaActivationOutcome outcome = XA_ACTIVATION_OUTCOME_ACTIVATED;
  int timeout_s = 600;
  int poll_ms = 3000;
  GOptionEntry entries[] = {
    { "ota-url", 0, 0, G_OPTION_ARG_STRING, &ota_url, N_("OTA address (default: the official server)"), N_("URL") },
    { "device-id", 0, 0, G_OPTION_ARG_STRING, &device_id, N_("Device-Id, a MAC address (default: a new random one)"), N_("MAC") },
    { "client-id", 0, 0, G_OPTION_ARG_STRING, &client_id, N_("Client-Id, a UUID (default: a new one)"), N_("UUID") },
    { "panel-url", 0, 0, G_OPTION_ARG_STRING, &panel_url, N_("Where to enter the code (default: guessed from the OTA address)"), N_("URL") },
    { "timeout", 0, 0, G_OPTION_ARG_INT, &timeout_s, N_("Give up after this many seconds (default: 600)"), N_("SECONDS") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &cli->json, N_("Print the result as JSON"), NULL },
    { "poll-interval", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_INT, &poll_ms, NULL, NULL },
    { NULL }
  };

  g_option_context_set_summary (context, _("Get an activation code, wait until it is entered in the control panel, "
                                           "then print the WebSocket URL and token.\n\n"
                                           "With NAME, activate that saved device and keep its token in the keyring."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return cli_usage_error ("activate", error->message);
  if (argc > 2)
    return cli_usage_error ("activate", _("Unexpected argument."));
  if (timeout_s <= 0 || timeout_s > CLI_MAX_TIMEOUT_S || poll_ms < 10)
    return cli_usage_error ("activate", _("The timeout must be a number of seconds between 1 and 86400."));

  if (argc == 2)
    {
      if (ota_url || device_id || client_id)
        return cli_usage_error ("activate", _("A saved device has its own addresses and ids: "
                                              "give either NAME or --ota-url/--device-id/--client-id."));
      return cli_cmd_activate_saved (cli, timeout_s, poll_ms, argv[1]);
    }

  if (ota_url == NULL)
    ota_url = g_strdup (XA_OTA_DEFAULT_URL);
  if (!xa_ota_url_validate (ota_url, &error))
    return cli_usage_error ("activate", error->message);

  identity = xa_identity_new (device_id, client_id, NULL, &error);
  if (identity == NULL)
    return cli_usage_error ("activate", error->message);

  answer = run_activation (cli, ota_url, panel_url, identity, timeout_s, poll_ms, &outcome);
  return print_stateless_activation (cli, identity, answer, outcome);
}

/* ---- test --------------------------------------------------------------- */

static char *
read_token_from_stdin (void)
{
  char buffer[8192];

  if (fgets (buffer, sizeof buffer, stdin) == NULL)
    return g_strdup ("");
  return g_strstrip (g_strdup (buffer));
}

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

void
cli_print_report (Cli            *cli,
                  const XaReport *report)
{
  g_autofree char *details = NULL;
  g_auto(GStrv) lines = NULL;

  if (cli->json)
    {
      g_autoptr(JsonNode) node = xa_report_to_json (report);
      cli_print_json (node);
      return;
    }

  details = xa_report_format_details (report);
  lines = g_strsplit (details, "\n", -1);
  g_print ("%s %s\n", report->verdict == XA_VERDICT_VALID ? "✔" : "✘",
           xa_report_get_title (report));
  g_print ("%s\n", report->advice);
  if (*details != '\0')
    {
      g_print ("\n");
      g_print (_("Details:\n"));
      for (guint i = 0; lines[i] != NULL; i++)
        g_print ("  %s\n", lines[i]);
    }
}

static int
cmd_test (Cli   *cli,
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
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return cli_usage_error ("test", error->message);
  if (argc > 2)
    return cli_usage_error ("test", _("Unexpected argument."));
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
      token = read_token_from_stdin ();
    }
  else if (token == NULL)
    token = g_strdup (g_getenv ("XIAOZHI_TOKEN"));

  report = run_test (cli, ota_url, ws_url, token, identity, timeout_s);
  cli_print_report (cli, report);
  return xa_verdict_get_exit_status (report->verdict);
}

/* ---- main ---------------------------------------------------------------- */

static const struct
{
  const char *name;
  int (*run) (Cli *cli, int argc, char **argv);
  const char *summary;
} commands[] = {
  { "activate", cmd_activate, N_("Activate a device and get its token") },
  { "test", cmd_test, N_("Test a token against the server") },
  { "diagnose", cli_cmd_diagnose, N_("Find out why a device gets no code or is rejected") },
  { "device", cli_cmd_device, N_("Add, list, show, rename and remove saved devices") },
  { "token", cli_cmd_token, N_("Print a saved device’s token") },
  { "refresh", cli_cmd_refresh, N_("Fetch a saved device’s current token from the server") },
  { "export", cli_cmd_export, N_("Write a device into py-xiaozhi’s config, an env file or JSON") },
  { "import", cli_cmd_import, N_("Save a device from py-xiaozhi’s config") },
};

static void
print_main_help (FILE *out)
{
  fprintf (out, "%s\n\n", _("Usage: xiaozhictl COMMAND [OPTION…]"));
  fprintf (out, "%s\n\n", _("Activate xiaozhi devices and test their tokens."));
  fprintf (out, "%s\n", _("Commands:"));
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    fprintf (out, "  %-10s %s\n", commands[i].name, _(commands[i].summary));
  fprintf (out, "\n%s\n", _("Run “xiaozhictl COMMAND --help” for the options of a command."));
}

int
main (int   argc,
      char *argv[])
{
  Cli cli = { 0 };
  int status = -1;

  /* Standard output carries results (and --json): logs go to stderr. */
  g_log_writer_default_set_use_stderr (TRUE);

  setlocale (LC_ALL, "");
  /* TEXTDOMAINDIR, as gettext's shell tools know it: translations from a
   * build tree or a relocated install. */
  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("TEXTDOMAINDIR") ? g_getenv ("TEXTDOMAINDIR") : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  if (argc < 2 || g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h") ||
      g_str_equal (argv[1], "help"))
    {
      print_main_help (argc < 2 ? stderr : stdout);
      return argc < 2 ? EXIT_USAGE : EXIT_OK;
    }
  if (g_str_equal (argv[1], "--version"))
    {
      g_print ("xiaozhictl %s\n", PACKAGE_VERSION);
      return EXIT_OK;
    }

  cli.loop = g_main_loop_new (NULL, FALSE);
  cli.cancellable = g_cancellable_new ();
  cli.tty = isatty (STDERR_FILENO);
  g_unix_signal_add (SIGINT, interrupted_cb, &cli);
  g_unix_signal_add (SIGTERM, interrupted_cb, &cli);

  if (g_getenv ("XIAOZHI_CA_FILE") != NULL)
    {
      g_autoptr(GError) error = NULL;
      if (!xa_net_set_ca_file (g_getenv ("XIAOZHI_CA_FILE"), &error))
        {
          g_printerr ("%s\n", error->message);
          return EXIT_USAGE;
        }
    }

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      if (g_str_equal (argv[1], commands[i].name))
        {
          g_autofree char *prgname = g_strdup_printf ("xiaozhictl %s", commands[i].name);
          g_set_prgname (prgname);
          status = commands[i].run (&cli, argc - 1, argv + 1);
          break;
        }
    }

  if (status < 0)
    {
      g_printerr (_("Unknown command “%s”.\n\n"), argv[1]);
      print_main_help (stderr);
      status = EXIT_USAGE;
    }

  g_clear_object (&cli.store);
  g_clear_pointer (&cli.safe_texts, g_ptr_array_unref);
  g_clear_error (&cli.error);
  g_main_loop_unref (cli.loop);
  g_object_unref (cli.cancellable);
  return status;
}
