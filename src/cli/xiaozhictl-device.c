/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "xa-device-state.h"
#include "xa-device.h"
#include "xa-identity.h"
#include "xa-text.h"
#include "xa-token-store.h"
#include "xa-token.h"
#include "xa-url.h"
#include "xiaozhictl.h"
#include "xiaozhictl-table.h"

/* xiaozhictl device: add, list, show, rename, set, remove. Records go to
 * devices.json, secrets to the keyring. */

static int
device_add (Cli   *cli,
            int    argc,
            char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (_("NAME"));
  g_autoptr(XaIdentity) identity = NULL;
  g_autoptr(XaDevice) device = NULL;
  g_autoptr(XaDeviceSession) session = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *ota_url = NULL;
  g_autofree char *device_id = NULL;
  g_autofree char *client_id = NULL;
  g_autofree char *interface = NULL;
  g_autofree char *board_type = NULL;
  g_autofree char *app_version = NULL;
  gboolean random_id = FALSE;
  int status;
  GOptionEntry entries[] = {
    { "ota-url", 0, 0, G_OPTION_ARG_STRING, &ota_url, N_("OTA address (default: the official server)"), N_("URL") },
    { "device-id", 0, 0, G_OPTION_ARG_STRING, &device_id, N_("Device-Id, a MAC address"), N_("MAC") },
    { "random-device-id", 0, 0, G_OPTION_ARG_NONE, &random_id, N_("Use a new random Device-Id (the default)"), NULL },
    { "interface", 0, 0, G_OPTION_ARG_STRING, &interface, N_("Use the MAC address of this network interface"), N_("IFACE") },
    { "client-id", 0, 0, G_OPTION_ARG_STRING, &client_id, N_("Client-Id, a UUID (default: a new one)"), N_("UUID") },
    { "board-type", 0, 0, G_OPTION_ARG_STRING, &board_type, N_("Board type it reports (default: bread-compact-wifi)"), N_("TYPE") },
    { "app-version", 0, 0, G_OPTION_ARG_STRING, &app_version, N_("Application version it reports (default: 2.1.1)"), N_("VERSION") },
    { NULL }
  };

  g_option_context_set_summary (context, _("Save a new device identity under NAME."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!cli_parse_options (context, "device add", &argc, &argv, 1, 1, &status))
    return status;
  if ((device_id != NULL) + random_id + (interface != NULL) > 1)
    return cli_usage_error ("device add", _("Choose one of --device-id, --random-device-id and --interface."));
  if (ota_url == NULL)
    ota_url = g_strdup (XA_OTA_DEFAULT_URL);
  if (!xa_ota_url_validate (ota_url, &error))
    return cli_usage_error ("device add", error->message);
  if ((board_type && (!*board_type || strlen (board_type) > 64 || !xa_token_is_safe (board_type))) ||
      (app_version && (!*app_version || strlen (app_version) > 64 || !xa_token_is_safe (app_version))))
    return cli_usage_error ("device add", _("A board type or version is short text without spaces, such as "
                                            "bread-compact-wifi or 1.6.2: nothing was changed."));

  if (interface != NULL)
    {
      g_autoptr(GPtrArray) ifaces = xa_mac_list_host (NULL);
      for (guint i = 0; i < ifaces->len && device_id == NULL; i++)
        {
          XaHostInterface *iface = g_ptr_array_index (ifaces, i);
          if (g_str_equal (iface->interface, interface))
            device_id = g_strdup (iface->mac);
        }
      if (device_id == NULL)
        {
          g_autofree char *msg = g_strdup_printf (_("This computer has no network interface “%s” with a MAC address."),
                                                  interface);
          return cli_usage_error ("device add", msg);
        }
    }

  /* A Device-Id or Client-Id typed here is an existing device's: kept as
   * typed (and warned about); only the ones we make are normalised. */
  {
    g_autofree char *mac = device_id ? g_strdup (device_id) : xa_mac_new_random ();
    g_autofree char *client = client_id ? g_strdup (client_id) : xa_client_id_new ();

    identity = xa_identity_new_exact (mac, client, NULL, &error);
  }
  if (identity == NULL)
    return cli_usage_error ("device add", error->message);
  {
    g_autofree char *warnings = xa_identity_warnings (identity);
    if (warnings != NULL)
      g_printerr (_("Note: %s\n"), warnings);
  }

  device = xa_device_new (argv[1], ota_url, identity);
  g_object_set (device, "board-type", board_type, "app-version", app_version, NULL);
  if (!cli_open_store (cli, &error))
    return cli_fail (cli, error);
  session = xa_device_session_new (cli->store, device);
  xa_device_session_add_async (session, NULL, identity->hmac_key, cli->cancellable, cli_capture_cb, &result);
  if (!xa_device_session_add_finish (session, cli_wait_for (cli, &result), &error))
    return cli_fail (cli, error);
  if (xa_device_session_get_keyring_error (session) != NULL)
    g_printerr (_("Warning: %s A new HMAC key will be made when you activate the device.\n"),
                xa_device_session_get_keyring_error (session)->message);

  g_print (_("Added “%s” (Device-Id %s).\n"), argv[1], identity->device_id);
  return EXIT_OK;
}

static JsonNode *
device_json (gpointer item)
{
  return cli_device_json (item);
}

static int
device_list (Cli   *cli,
             int    argc,
             char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  GListModel *model;
  int status;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &cli->json, N_("Print the result as JSON"), NULL },
    { NULL }
  };

  g_option_context_set_summary (context, _("List the saved devices."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!cli_parse_options (context, "device list", &argc, &argv, 0, 0, &status))
    return status;
  if (!cli_open_store (cli, &error))
    return cli_fail (cli, error);

  model = G_LIST_MODEL (cli->store);
  if (cli->json)
    return cli_print_json_list (model, device_json);

  if (g_list_model_get_n_items (model) == 0)
    {
      g_print (_("No devices yet. Add one with “xiaozhictl device add NAME”.\n"));
      return EXIT_OK;
    }
  {
    g_autoptr(CliTable) table = cli_table_new (3);

    for (guint i = 0; i < g_list_model_get_n_items (model); i++)
      {
        g_autoptr(XaDevice) d = g_list_model_get_item (model, i);

        cli_table_fit (table, 0, cli_safe (cli, xa_device_get_name (d)));
        cli_table_fit (table, 1, cli_safe (cli, xa_device_get_device_id (d)));
      }
    for (guint i = 0; i < g_list_model_get_n_items (model); i++)
      {
        g_autoptr(XaDevice) d = g_list_model_get_item (model, i);

        cli_table_print_row (table, cli_safe (cli, xa_device_get_name (d)),
                             cli_safe (cli, xa_device_get_device_id (d)),
                             xa_device_get_status (d), NULL);
      }
  }
  return EXIT_OK;
}

static int
device_show (Cli   *cli,
             int    argc,
             char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (_("NAME"));
  g_autoptr(XaDeviceSession) session = NULL;
  const GError *keyring_error;
  const char *token;
  g_autofree char *activated = NULL;
  g_autofree char *tested = NULL;
  g_autoptr(XaDeviceState) state = NULL;
  g_autoptr(CliTable) fields = cli_table_new (2);
  g_autofree char *token_text = NULL;
  XaDevice *d;
  int status;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &cli->json, N_("Print the result as JSON"), NULL },
    { NULL }
  };

  g_option_context_set_summary (context, _("Show a saved device. Its token stays hidden: use “xiaozhictl token NAME”."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if ((d = cli_parse_for_device (cli, context, "device show", &argc, &argv, 0, &status)) == NULL)
    return status;

  if (cli->json)
    {
      g_autoptr(JsonNode) node = cli_device_json (d);
      cli_print_json (node);
      return EXIT_OK;
    }

  if ((session = cli_open_session (cli, d, FALSE, &status)) == NULL)
    return status;
  token = xa_device_session_get_token (session);
  keyring_error = xa_device_session_get_keyring_error (session);
  activated = xa_text_format_time (xa_device_get_activated_at (d), _("never"));
  tested = xa_text_format_time (xa_device_get_last_test_at (d), _("never"));
  state = xa_device_state_new (d, g_get_real_time () / G_USEC_PER_SEC);

  cli_table_add_row (fields, _("Name:"), cli_safe (cli, xa_device_get_name (d)), NULL);
  cli_table_add_row (fields, _("Device-Id:"), cli_safe (cli, xa_device_get_device_id (d)), NULL);
  cli_table_add_row (fields, _("Client-Id:"), cli_safe (cli, xa_device_get_client_id (d)), NULL);
  cli_table_add_row (fields, _("Serial number:"), cli_safe (cli, xa_device_get_serial_number (d)), NULL);
  cli_table_add_row (fields, _("OTA address:"), cli_safe (cli, xa_device_get_ota_url (d)), NULL);
  cli_table_add_row (fields, _("Control panel:"), cli_safe (cli, xa_device_get_panel_url (d)), NULL);
  cli_table_add_row (fields, _("WebSocket URL:"), cli_safe (cli, xa_device_get_websocket_url (d)), NULL);
  cli_table_add_row (fields, _("Status:"), cli_safe (cli, state->title), NULL);
  if (state->advice != NULL)
    cli_table_add_row (fields, _("What it means:"), cli_safe (cli, state->advice), NULL);
  if (state->other_road != NULL)
    cli_table_add_row (fields, "", state->other_road, NULL);
  if (xa_device_get_connects_directly (d))
    cli_table_add_row (fields, _("Proxy:"), _("none: this device connects directly"), NULL);
  cli_table_add_row (fields, _("Activated:"), activated, NULL);
  if (xa_device_get_last_verdict (d) != NULL)
    cli_table_add_row (fields, _("Last test:"), tested, NULL);
  if (keyring_error != NULL)
    token_text = g_strdup_printf (_("unknown (%s)"), keyring_error->message);
  else if (token == NULL && xa_device_get_token_unsaved (d))
    token_text = g_strdup_printf (_("not saved: run “xiaozhictl refresh %s” to fetch it again"),
                                  cli_safe (cli, xa_device_get_name (d)));
  else if (token != NULL)
    {
      g_autofree char *masked = xa_token_mask (token);
      token_text = g_strdup_printf (_("%s (in the keyring)"), masked);
    }
  else
    token_text = g_strdup (_("none yet"));
  cli_table_add_row (fields, _("Token:"), token_text, NULL);
  cli_table_print (fields);
  {
    g_autoptr(GArray) history = xa_device_dup_history (d);

    if (history->len > 0)
      g_print (_("History (newest first):\n"));
    for (guint i = history->len; i > 0; i--)
      {
        const XaHistoryEntry *entry = &g_array_index (history, XaHistoryEntry, i - 1);
        g_autofree char *when = xa_history_entry_format (entry);

        g_print ("  %s  %s\n", when, xa_history_entry_get_title (entry));
      }
  }
  return EXIT_OK;
}

static int
device_rename (Cli   *cli,
               int    argc,
               char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (_("OLD NEW"));
  g_autoptr(XaDeviceSession) session = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  XaDevice *d;
  int status;

  g_option_context_set_summary (context, _("Rename a saved device."));
  if ((d = cli_parse_for_device (cli, context, "device rename", &argc, &argv, 1, &status)) == NULL)
    return status;

  session = xa_device_session_new (cli->store, d);
  xa_device_session_edit_async (session, "name", argv[2], cli->cancellable, cli_capture_cb, &result);
  if (!xa_device_session_edit_finish (session, cli_wait_for (cli, &result), &error))
    return cli_fail (cli, error);
  g_print (_("Renamed “%s” to “%s”.\n"), argv[1], argv[2]);
  return EXIT_OK;
}

static int
device_set (Cli   *cli,
            int    argc,
            char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (_("NAME"));
  g_autoptr(XaDeviceSession) session = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *board_type = NULL;
  g_autofree char *app_version = NULL;
  g_autofree char *panel_url = NULL;
  g_autofree char *ota_url = NULL;
  gboolean no_proxy = FALSE;
  gboolean use_proxy = FALSE;
  const char *properties[] = { "board-type", "app-version", "panel-url", "ota-url", "connection" };
  const char *values[G_N_ELEMENTS (properties)];
  XaDevice *d;
  int status;
  GOptionEntry entries[] = {
    { "board-type", 0, 0, G_OPTION_ARG_STRING, &board_type, N_("Board type it reports (default: bread-compact-wifi)"), N_("TYPE") },
    { "app-version", 0, 0, G_OPTION_ARG_STRING, &app_version, N_("Application version it reports (default: 2.1.1)"), N_("VERSION") },
    { "panel-url", 0, 0, G_OPTION_ARG_STRING, &panel_url, N_("Where to enter the code (default: guessed from the OTA address)"), N_("URL") },
    { "ota-url", 0, 0, G_OPTION_ARG_STRING, &ota_url, N_("Its OTA address (the one a diagnosis found, say)"), N_("URL") },
    { "no-proxy", 0, 0, G_OPTION_ARG_NONE, &no_proxy, N_("Reach its server directly, without this computer’s proxy"), NULL },
    { "use-proxy", 0, 0, G_OPTION_ARG_NONE, &use_proxy, N_("Reach its server through this computer’s proxy, if one is set (the default)"), NULL },
    { NULL }
  };

  g_option_context_set_summary (context, _("Change what a saved device reports in its OTA checks, where its code is typed, "
                                           "or how its server is reached."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if ((d = cli_parse_for_device (cli, context, "device set", &argc, &argv, 0, &status)) == NULL)
    return status;

  if (no_proxy && use_proxy)
    return cli_usage_error ("device set", _("Give --no-proxy or --use-proxy, not both."));
  values[0] = board_type, values[1] = app_version, values[2] = panel_url, values[3] = ota_url;
  values[4] = no_proxy ? "direct" : use_proxy ? "" : NULL;
  session = xa_device_session_new (cli->store, d);
  for (guint i = 0; i < G_N_ELEMENTS (properties); i++)
    {
      g_autoptr(GAsyncResult) result = NULL;

      if (values[i] == NULL)
        continue;
      xa_device_session_edit_async (session, properties[i], values[i], cli->cancellable, cli_capture_cb, &result);
      if (!xa_device_session_edit_finish (session, cli_wait_for (cli, &result), &error))
        return cli_fail (cli, error);
    }
  g_print (_("Saved “%s”.\n"), argv[1]);
  return EXIT_OK;
}

static int
device_remove (Cli   *cli,
               int    argc,
               char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (_("NAME"));
  g_autoptr(GError) error = NULL;
  g_autoptr(XaDeviceSession) session = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  XaDevice *d;
  int status;

  g_option_context_set_summary (context, _("Remove a saved device and its secrets from the keyring."));
  if ((d = cli_parse_for_device (cli, context, "device remove", &argc, &argv, 0, &status)) == NULL)
    return status;

  session = xa_device_session_new (cli->store, d);
  xa_device_session_remove_async (session, cli->cancellable, cli_capture_cb, &result);
  if (!xa_device_session_remove_finish (session, cli_wait_for (cli, &result), &error))
    return cli_fail (cli, error);
  g_print (_("Removed “%s”.\n"), argv[1]);
  return EXIT_OK;
}

int
cli_cmd_device (Cli   *cli,
                int    argc,
                char **argv)
{
  static const CliSubcommand subcommands[] = {
    { "add", N_("NAME"), N_("Save a new device identity"), device_add },
    { "list", NULL, N_("List the saved devices"), device_list },
    { "show", N_("NAME"), N_("Show a saved device (its token stays hidden)"), device_show },
    { "rename", N_("OLD NEW"), N_("Rename a saved device"), device_rename },
    { "set", N_("NAME"), N_("Change what it reports, where its code is typed, how its server is reached"),
      device_set },
    { "remove", N_("NAME"), N_("Remove a saved device and its secrets"), device_remove },
  };

  return cli_run_subcommand (cli, "device", subcommands, G_N_ELEMENTS (subcommands), argc, argv);
}
