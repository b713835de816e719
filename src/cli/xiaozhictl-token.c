/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "xiaozhictl.h"

/* xiaozhictl token and refresh: a saved device's token printed alone
 * (the only command that prints it), and fetched again from its server. */

int
cli_cmd_token (Cli   *cli,
               int    argc,
               char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (_("NAME"));
  g_autoptr(XaDeviceSession) session = NULL;
  XaDevice *device;
  int status;

  g_option_context_set_summary (context, _("Print the device’s token alone, for pipes: "
                                           "xiaozhictl token NAME | some-client --token -"));
  if ((device = cli_parse_for_device (cli, context, "token", &argc, &argv, 0, &status)) == NULL)
    return status;
  if ((session = cli_open_session (cli, device, TRUE, &status)) == NULL || cli_require_token (session, argv[1], &status) == NULL)
    return status;

  g_print ("%s\n", xa_device_session_get_token (session));
  return EXIT_OK;
}

int
cli_cmd_refresh (Cli   *cli,
                 int    argc,
                 char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (_("NAME"));
  g_autoptr(GError) error = NULL;
  g_autoptr(XaDeviceSession) session = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  XaRefreshChanges changes = XA_REFRESH_CHANGED_NOTHING;
  XaDevice *device;
  int status;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &cli->json, N_("Print the result as JSON"), NULL },
    { NULL }
  };

  g_option_context_set_summary (context, _("Ask the server for the device’s current token and save it."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if ((device = cli_parse_for_device (cli, context, "refresh", &argc, &argv, 0, &status)) == NULL)
    return status;
  if ((session = cli_open_session (cli, device, FALSE, &status)) == NULL)
    return status;

  xa_device_session_refresh_async (session, cli->cancellable, cli_capture_cb, &result);
  if (!xa_device_session_refresh_finish (session, cli_wait_for (cli, &result), &changes, &error))
    {
      if (g_error_matches (error, XA_DEVICE_SESSION_ERROR, XA_DEVICE_SESSION_ERROR_NOT_ACTIVATED))
        {
          if (cli->json)
            {
              g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), json_object_new ());
              json_object_set_string_member (json_node_get_object (node), "verdict", "not-activated");
              json_object_set_string_member (json_node_get_object (node), "message", error->message);
              cli_print_json (node);
            }
          else
            g_printerr ("%s\n", error->message);
          return xa_verdict_get_exit_status (XA_VERDICT_NOT_ACTIVATED);
        }
      return cli_fail (cli, error);
    }

  status = cli_check_token_kept (cli, session);
  if (status != EXIT_OK)
    return status;

  if (cli->json)
    {
      g_autoptr(JsonNode) node = cli_device_json (device);
      json_object_set_string_member (json_node_get_object (node), "verdict", "activated");
      json_object_set_boolean_member (json_node_get_object (node), "token_changed",
                                      (changes & XA_REFRESH_CHANGED_TOKEN) != 0);
      json_object_set_boolean_member (json_node_get_object (node), "websocket_url_changed",
                                      (changes & XA_REFRESH_CHANGED_WEBSOCKET_URL) != 0);
      json_object_set_boolean_member (json_node_get_object (node), "mqtt_changed",
                                      (changes & XA_REFRESH_CHANGED_MQTT) != 0);
      cli_add_token_dates (json_node_get_object (node), xa_device_session_get_token (session));
      cli_print_json (node);
    }
  else
    {
      g_autofree char *said = xa_refresh_changes_describe (changes);

      /* Translators: %s is the device's name; the line after it says what changed */
      g_print (_("Refreshed “%s”.\n"), argv[1]);
      g_print ("%s\n", said);
      if (changes != XA_REFRESH_CHANGED_NOTHING)
        /* Translators: %s is the device's name */
        g_print (_("Saved in the keyring. Its last Test was of the old credentials: run “xiaozhictl test %s --transport all”.\n"),
                 argv[1]);
    }
  return EXIT_OK;
}
