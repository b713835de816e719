/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <glib-unix.h>
#include <locale.h>
#include <stdio.h>
#include <unistd.h>

#include "xa-activation.h"
#include "xa-net.h"
#include "xa-token-test.h"

/* Exit statuses, documented in the README and --help. */
enum {
  EXIT_OK = 0,
  EXIT_FAILURE_OTHER = 1,
  EXIT_USAGE = 2,
};

typedef struct
{
  GMainLoop    *loop;
  GCancellable *cancellable;
  gboolean      json;
  gboolean      tty;
  int           status;
  guint         ticker_id;
  gint64        last_check_us;
  XaActivation *activation;
  char         *panel_url;
  XaOtaAnswer  *result;
  GError       *error;
  XaReport     *report;
} Cli;

static gboolean
interrupted_cb (gpointer user_data)
{
  Cli *cli = user_data;

  g_cancellable_cancel (cli->cancellable);
  return G_SOURCE_CONTINUE;
}

static int
usage_error (GOptionContext *context,
             const char     *command,
             const char     *message)
{
  g_printerr ("%s\n", message);
  g_printerr (_("Run “xiaozhictl %s --help” to see the options.\n"), command);
  return EXIT_USAGE;
}

static void
print_json (JsonNode *node)
{
  g_autofree char *text = json_to_string (node, TRUE);

  g_print ("%s\n", text);
}

static const char *
verdict_id_for_error (const GError *error,
                      int          *exit_status)
{
  XaVerdict verdict = XA_VERDICT_PROTOCOL_ERROR;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    verdict = XA_VERDICT_CANCELLED;
  else if (g_error_matches (error, XA_OTA_ERROR, XA_OTA_ERROR_UNREACHABLE))
    verdict = XA_VERDICT_UNREACHABLE;
  else if (g_error_matches (error, XA_OTA_ERROR, XA_OTA_ERROR_TLS))
    verdict = XA_VERDICT_TLS_ERROR;
  else if (g_error_matches (error, XA_OTA_ERROR, XA_OTA_ERROR_TIMEOUT) ||
           g_error_matches (error, XA_ACTIVATION_ERROR, XA_ACTIVATION_ERROR_TIMED_OUT))
    verdict = XA_VERDICT_TIMEOUT;
  else if (error->domain != XA_OTA_ERROR)
    {
      *exit_status = EXIT_FAILURE_OTHER;
      return "failed";
    }

  *exit_status = xa_verdict_get_exit_status (verdict);
  return xa_verdict_to_id (verdict);
}

/* ---- activate ---------------------------------------------------------- */

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
  /* Translators: a live status line; the first %d is seconds, then minutes:seconds */
  g_printerr (_("Waiting for the code to be entered — checked %d s ago, code valid for %d:%02d"),
              (int) ago, (int) (left / 60), (int) (left % 60));
  return G_SOURCE_CONTINUE;
}

static void
code_issued_cb (XaActivation      *activation,
                const XaOtaAnswer *answer,
                gboolean           replaces,
                Cli               *cli)
{
  const XaIdentity *identity = NULL;
  g_autoptr(XaIdentity) owned = NULL;

  g_object_get (activation, "identity", &owned, NULL);
  identity = owned;

  clear_status_line (cli);
  if (replaces)
    g_printerr (_("The previous code expired. Here is a new one.\n"));

  g_printerr ("\n");
  g_printerr (_("Activation code: %s\n"), answer->code);
  g_printerr ("\n");
  g_printerr (_("1. Open %s and log in.\n"), cli->panel_url);
  g_printerr (_("2. Add a device and type the code %s.\n"), answer->code);
  g_printerr (_("3. Leave this running: it notices when the device is bound.\n"));
  g_printerr ("\n");
  g_printerr (_("Device-Id: %s\n"), identity->device_id);
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

static void
activation_done_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  Cli *cli = user_data;

  cli->result = xa_activation_run_finish (XA_ACTIVATION (object), result, &cli->error);
  g_main_loop_quit (cli->loop);
}

static int
print_activation_result (Cli              *cli,
                         const XaIdentity *identity)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  const char *verdict = "activated";
  int status = EXIT_OK;

  clear_status_line (cli);
  if (cli->error != NULL)
    verdict = verdict_id_for_error (cli->error, &status);

  if (!cli->json)
    {
      if (cli->error != NULL)
        {
          g_printerr (_("Activation failed: %s\n"), cli->error->message);
          return status;
        }
      g_print (_("Activated.\n"));
      g_print (_("Device-Id:      %s\n"), identity->device_id);
      g_print (_("Client-Id:      %s\n"), identity->client_id);
      g_print (_("Serial number:  %s\n"), identity->serial_number);
      g_print (_("WebSocket URL:  %s\n"), cli->result->websocket_url ? cli->result->websocket_url : "");
      g_print (_("Token:          %s\n"), cli->result->token ? cli->result->token : "");
      return status;
    }

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "verdict");
  json_builder_add_string_value (b, verdict);
  json_builder_set_member_name (b, "message");
  json_builder_add_string_value (b, cli->error ? cli->error->message : _("Activated."));
  json_builder_set_member_name (b, "device_id");
  json_builder_add_string_value (b, identity->device_id);
  json_builder_set_member_name (b, "client_id");
  json_builder_add_string_value (b, identity->client_id);
  json_builder_set_member_name (b, "serial_number");
  json_builder_add_string_value (b, identity->serial_number);
  if (cli->result != NULL)
    {
      json_builder_set_member_name (b, "websocket_url");
      json_builder_add_string_value (b, cli->result->websocket_url);
      json_builder_set_member_name (b, "token");
      json_builder_add_string_value (b, cli->result->token);
    }
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  print_json (root);

  return status;
}

static int
cmd_activate (Cli   *cli,
              int    argc,
              char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(XaIdentity) identity = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *ota_url = NULL;
  g_autofree char *device_id = NULL;
  g_autofree char *client_id = NULL;
  g_autofree char *panel_url = NULL;
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
                                           "then print the WebSocket URL and token."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return usage_error (context, "activate", error->message);
  if (argc > 1)
    return usage_error (context, "activate", _("Unexpected argument."));
  if (timeout_s <= 0 || poll_ms < 10)
    return usage_error (context, "activate", _("The timeout must be a positive number of seconds."));
  if (ota_url == NULL)
    ota_url = g_strdup (XA_OTA_DEFAULT_URL);
  if (!xa_ota_url_validate (ota_url, &error))
    return usage_error (context, "activate", error->message);

  identity = xa_identity_new (device_id, client_id, NULL, &error);
  if (identity == NULL)
    return usage_error (context, "activate", error->message);

  cli->panel_url = panel_url ? g_strdup (panel_url) : xa_ota_guess_control_panel (ota_url);
  cli->activation = xa_activation_new (ota_url, identity);
  g_object_set (cli->activation,
                "deadline-ms", (guint) timeout_s * 1000,
                "poll-interval-ms", (guint) poll_ms,
                "error-backoff-ms", (guint) MAX (poll_ms, 3000),
                NULL);
  g_signal_connect (cli->activation, "code-issued", G_CALLBACK (code_issued_cb), cli);
  g_signal_connect (cli->activation, "progress", G_CALLBACK (progress_cb), cli);
  if (cli->tty)
    cli->ticker_id = g_timeout_add_seconds (1, ticker_cb, cli);

  xa_activation_run_async (cli->activation, cli->cancellable, activation_done_cb, cli);
  g_main_loop_run (cli->loop);

  g_clear_handle_id (&cli->ticker_id, g_source_remove);
  status = print_activation_result (cli, identity);

  g_clear_object (&cli->activation);
  g_clear_pointer (&cli->result, xa_ota_answer_free);
  g_clear_error (&cli->error);
  g_clear_pointer (&cli->panel_url, g_free);
  return status;
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

static void
test_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Cli *cli = user_data;

  cli->report = xa_token_test_finish (result, NULL);
  g_main_loop_quit (cli->loop);
}

static void
print_report (const XaReport *report)
{
  g_autofree char *details = xa_report_format_details (report);
  g_auto(GStrv) lines = g_strsplit (details, "\n", -1);

  g_print ("%s %s\n", report->verdict == XA_VERDICT_VALID ? "✔" : "✘",
           xa_verdict_get_title (report->verdict));
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
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(XaIdentity) identity = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *ota_url = NULL;
  g_autofree char *ws_url = NULL;
  g_autofree char *token = NULL;
  g_autofree char *device_id = NULL;
  g_autofree char *client_id = NULL;
  int timeout_s = 10;
  int status;
  GOptionEntry entries[] = {
    { "url", 0, 0, G_OPTION_ARG_STRING, &ws_url, N_("WebSocket URL"), N_("URL") },
    { "token", 0, 0, G_OPTION_ARG_STRING, &token, N_("Access token; “-” reads it from standard input (default: $XIAOZHI_TOKEN)"), N_("TOKEN") },
    { "device-id", 0, 0, G_OPTION_ARG_STRING, &device_id, N_("Device-Id, a MAC address"), N_("MAC") },
    { "client-id", 0, 0, G_OPTION_ARG_STRING, &client_id, N_("Client-Id, a UUID"), N_("UUID") },
    { "ota-url", 0, 0, G_OPTION_ARG_STRING, &ota_url, N_("Also run the OTA check against this address"), N_("URL") },
    { "timeout", 0, 0, G_OPTION_ARG_INT, &timeout_s, N_("Seconds to wait for each answer (default: 10)"), N_("SECONDS") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &cli->json, N_("Print the result as JSON"), NULL },
    { NULL }
  };

  g_option_context_set_summary (context, _("Test a token: the OTA check (with --ota-url), then the WebSocket hello.\n\n"
                                           "Exit status: 0 valid, 1 other failure, 2 usage error, 3 rejected, "
                                           "4 not activated, 5 unreachable, 6 TLS error, 7 timeout, 8 protocol error."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return usage_error (context, "test", error->message);
  if (argc > 1)
    return usage_error (context, "test", _("Unexpected argument."));
  if (ws_url == NULL && ota_url == NULL)
    return usage_error (context, "test", _("Give the WebSocket URL with --url."));
  if (device_id == NULL || client_id == NULL)
    return usage_error (context, "test", _("Give the device’s --device-id and --client-id."));
  if (timeout_s <= 0)
    return usage_error (context, "test", _("The timeout must be a positive number of seconds."));
  if (ota_url != NULL && !xa_ota_url_validate (ota_url, &error))
    return usage_error (context, "test", error->message);

  identity = xa_identity_new (device_id, client_id, NULL, &error);
  if (identity == NULL)
    return usage_error (context, "test", error->message);

  if (g_strcmp0 (token, "-") == 0)
    {
      g_free (token);
      token = read_token_from_stdin ();
    }
  else if (token == NULL)
    token = g_strdup (g_getenv ("XIAOZHI_TOKEN"));

  xa_token_test_async (ota_url, ws_url, token, identity, (guint) timeout_s * 1000,
                       cli->cancellable, test_done_cb, cli);
  g_main_loop_run (cli->loop);

  if (cli->json)
    {
      g_autoptr(JsonNode) node = xa_report_to_json (cli->report);
      print_json (node);
    }
  else
    print_report (cli->report);

  status = xa_verdict_get_exit_status (cli->report->verdict);
  g_clear_pointer (&cli->report, xa_report_free);
  return status;
}

/* ---- main ---------------------------------------------------------------- */

static const struct
{
  const char *name;
  int (*run) (Cli *cli, int argc, char **argv);
  const char *summary;
} commands[] = {
  { "activate", cmd_activate, N_("Activate a new device identity and print its token") },
  { "test", cmd_test, N_("Test a token against the server") },
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

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
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

  g_main_loop_unref (cli.loop);
  g_object_unref (cli.cancellable);
  return status;
}
