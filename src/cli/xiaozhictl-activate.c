/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <unistd.h>

#include "xa-device-state.h"
#include "xa-device.h"
#include "xa-identity.h"
#include "xa-url.h"
#include "xiaozhictl.h"
#include "xiaozhictl-table.h"

/* xiaozhictl activate: a new identity (--ota-url…) or a saved device
 * (NAME), the code shown with its countdown until it is entered. */

/* An activation being shown: its codes, and on a terminal a live line. */
typedef struct
{
  Cli          *cli;
  XaActivation *activation;
  gboolean      tty;
  guint         ticker_id;
  gint64        last_check_us;
} Watch;

static void
clear_status_line (Watch *watch)
{
  if (watch->tty)
    g_printerr ("\r\033[K");
}

static gboolean
ticker_cb (gpointer user_data)
{
  Watch *watch = user_data;
  gint64 ago = (g_get_monotonic_time () - watch->last_check_us) / G_USEC_PER_SEC;
  gint64 left = xa_activation_get_seconds_left (watch->activation);

  if (xa_activation_get_state (watch->activation) != XA_ACTIVATION_STATE_WAITING_FOR_USER)
    return G_SOURCE_CONTINUE;

  clear_status_line (watch);
  /* A countdown only when the server said how long its code lives. */
  if (xa_activation_get_current (watch->activation)->timeout_ms > 0)
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
                Watch             *watch)
{
  Cli *cli = watch->cli;
  g_autoptr(XaIdentity) identity = NULL;

  g_object_get (activation, "identity", &identity, NULL);

  clear_status_line (watch);
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
  watch->last_check_us = g_get_monotonic_time ();
}

static void
progress_cb (XaActivation *activation,
             guint         attempt,
             guint         next_poll_ms,
             const char   *last_error,
             Watch        *watch)
{
  watch->last_check_us = g_get_monotonic_time ();
  if (last_error != NULL)
    {
      clear_status_line (watch);
      g_printerr (_("Check failed, trying again in %u s: %s\n"), (next_poll_ms + 999) / 1000, last_error);
    }
  if (watch->tty)
    ticker_cb (watch);
}

/* Shows @activation's codes and live status while it runs, within
 * @timeout_s, polling every @poll_ms, until unwatch(). */
static Watch *
watch_activation (Cli          *cli,
                  XaActivation *activation,
                  const char   *panel_url,
                  int           timeout_s,
                  int           poll_ms)
{
  Watch *watch = g_new0 (Watch, 1);

  watch->cli = cli;
  watch->activation = g_object_ref (activation);
  watch->tty = isatty (STDERR_FILENO);
  /* A typed address, else the one the session gave (or the guess). */
  if (panel_url != NULL)
    xa_activation_set_panel_url (activation, panel_url);
  g_object_set (activation,
                "deadline-ms", (guint) timeout_s * 1000,
                "poll-interval-ms", (guint) poll_ms,
                "error-backoff-ms", (guint) MAX (poll_ms, 3000),
                NULL);
  g_signal_connect (activation, "code-issued", G_CALLBACK (code_issued_cb), watch);
  g_signal_connect (activation, "progress", G_CALLBACK (progress_cb), watch);
  if (watch->tty)
    watch->ticker_id = g_timeout_add_seconds (1, ticker_cb, watch);
  return watch;
}

static void
unwatch (Watch *watch)
{
  g_clear_handle_id (&watch->ticker_id, g_source_remove);
  clear_status_line (watch);
  g_signal_handlers_disconnect_by_data (watch->activation, watch);
  g_object_unref (watch->activation);
  g_free (watch);
}

/* Runs one activation of an identity that is not saved; NULL with @error
 * set on failure. */
static XaOtaAnswer *
run_activation (Cli                 *cli,
                const char          *ota_url,
                const char          *panel_url,
                const XaIdentity    *identity,
                int                  timeout_s,
                int                  poll_ms,
                XaActivationOutcome *outcome,
                GError             **error)
{
  g_autoptr(XaActivation) activation = xa_activation_new (ota_url, identity);
  g_autoptr(GAsyncResult) result = NULL;
  Watch *watch = watch_activation (cli, activation, panel_url, timeout_s, poll_ms);
  XaOtaAnswer *answer;

  xa_activation_run_async (activation, cli->cancellable, cli_capture_cb, &result);
  cli_wait (&result);
  answer = xa_activation_run_finish (activation, result, error);
  if (answer != NULL)
    *outcome = xa_activation_get_outcome (activation, answer);
  unwatch (watch);
  return answer;
}

/* Reports @error, the reason an activation ended without a token. */
static int
activation_failed (Cli          *cli,
                   const GError *error)
{
  int status = EXIT_FAILURE_OTHER;

  if (cli->json)
    return cli_fail (cli, error);

  cli_verdict_for_error (error, &status);
  g_printerr (_("Activation failed: %s\n"), error->message);
  return status;
}

static int
print_stateless_activation (Cli                 *cli,
                            const GError        *error,
                            const XaIdentity    *identity,
                            const XaOtaAnswer   *answer,
                            XaActivationOutcome  outcome)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *described = NULL;

  if (answer == NULL)
    return activation_failed (cli, error);

  described = xa_activation_outcome_describe (outcome, answer->mqtt_endpoint);
  if (!cli->json)
    {
      g_autoptr(CliTable) fields = cli_table_new (2);

      g_print ("%s\n%s\n", xa_activation_outcome_get_title (outcome), described);
      cli_table_add_row (fields, _("Device-Id:"), identity->device_id, NULL);
      cli_table_add_row (fields, _("Client-Id:"), identity->client_id, NULL);
      cli_table_add_row (fields, _("Serial number:"), identity->serial_number, NULL);
      if (answer->has_websocket)
        {
          cli_table_add_row (fields, _("WebSocket URL:"), answer->websocket_url, NULL);
          cli_table_add_row (fields, _("Token:"), answer->token ? answer->token : "", NULL);
        }
      if (answer->has_mqtt)
        {
          cli_table_add_row (fields, _("MQTT endpoint:"), cli_safe (cli, answer->mqtt_endpoint), NULL);
          cli_table_add_row (fields, _("MQTT user:"), cli_safe (cli, answer->mqtt_username), NULL);
        }
      cli_table_print (fields);
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
cli_cmd_activate_saved (Cli        *cli,
                        int         timeout_s,
                        int         poll_ms,
                        const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XaDeviceSession) session = NULL;
  g_autoptr(XaActivation) activation = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GAsyncResult) tested = NULL;
  g_autoptr(GPtrArray) reports = NULL;
  XaReport *report;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *described = NULL;
  XaActivationOutcome outcome = XA_ACTIVATION_OUTCOME_ACTIVATED;
  XaDevice *device;
  Watch *watch;
  gboolean ok;
  int status;

  if ((device = cli_find_device (cli, name, &error)) == NULL)
    return cli_fail (cli, error);
  if ((session = cli_open_session (cli, device, FALSE, &status)) == NULL)
    return status;

  activation = xa_device_session_new_activation (session);
  watch = watch_activation (cli, activation, NULL, timeout_s, poll_ms);
  xa_device_session_activate_async (session, activation, cli->cancellable, cli_capture_cb, &result);
  ok = xa_device_session_activate_finish (session, cli_wait_for (cli, &result), &outcome, &error);
  unwatch (watch);
  if (!ok)
    return activation_failed (cli, error);

  status = cli_check_token_kept (cli, session);
  if (status != EXIT_OK)
    return status;

  /* What the window does too: the device is tested on every road at once. */
  xa_device_session_test_all_async (session, (guint) MIN (timeout_s, 10) * 1000, cli->cancellable,
                                    cli_capture_cb, &tested);
  reports = xa_device_session_test_all_finish (session, cli_wait_for (cli, &tested), &error);
  if (reports == NULL)
    {
      /* The token is kept: an error that is no verdict is the Test's own. */
      if ((report = xa_device_session_report_for_error (error)) == NULL)
        return cli_fail (cli, error);
      reports = g_ptr_array_new_with_free_func ((GDestroyNotify) xa_report_free);
      g_ptr_array_add (reports, report);
    }
  report = g_ptr_array_index (reports, 0);
  for (guint i = 0; i < reports->len; i++)
    status = MAX (status, xa_verdict_get_exit_status (((XaReport *) g_ptr_array_index (reports, i))->verdict));

  described = xa_activation_outcome_describe (outcome, xa_device_get_mqtt_endpoint (device));
  if (cli->json)
    {
      node = cli_device_json (device);
      json_object_set_string_member (json_node_get_object (node), "outcome", xa_activation_outcome_to_id (outcome));
      json_object_set_string_member (json_node_get_object (node), "transport", xa_device_get_transport (device));
      /* The verdict of the Test that followed, on the device's own road;
       * every road's report in "tests". */
      json_object_set_string_member (json_node_get_object (node), "verdict", xa_verdict_to_id (report->verdict));
      {
        JsonArray *tests = json_array_new ();

        for (guint i = 0; i < reports->len; i++)
          json_array_add_element (tests, xa_report_to_json (g_ptr_array_index (reports, i)));
        json_object_set_array_member (json_node_get_object (node), "tests", tests);
      }
      json_object_set_string_member (json_node_get_object (node), "message", described);
      cli_add_token_dates (json_node_get_object (node), xa_device_session_get_token (session));
      cli_print_json (node);
      return status;
    }

  g_print ("%s\n%s\n", xa_activation_outcome_get_title (outcome), described);
  for (guint i = 0; i < reports->len; i++)
    {
      g_print ("\n");
      cli_print_report (cli, g_ptr_array_index (reports, i));
    }
  if (outcome == XA_ACTIVATION_OUTCOME_ACTIVATED)
    g_print (_("Activated “%s”. Its token is in the keyring: “xiaozhictl token %s” prints it.\n"),
             name, name);
  return status;
}

int
cli_cmd_activate (Cli   *cli,
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
  int status;
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
  if (!cli_parse_options (context, "activate", &argc, &argv, 0, 1, &status))
    return status;
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

  answer = run_activation (cli, ota_url, panel_url, identity, timeout_s, poll_ms, &outcome, &error);
  return print_stateless_activation (cli, error, identity, answer, outcome);
}
