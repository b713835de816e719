/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "xa-batch-test.h"
#include "xa-csv-transfer.h"
#include "xa-device-state.h"
#include "xa-diagnosis.h"
#include "xa-export.h"
#include "xa-token-store.h"
#include "xiaozhictl.h"

/* xiaozhictl over saved devices: device, activate NAME, test NAME, token,
 * refresh, export, import. Records go to devices.json, secrets to the
 * keyring; a token is printed only by "token" (and by a failed keyring
 * save, so that it is not lost). */

/* ---- helpers ------------------------------------------------------------- */

static gboolean
open_store (Cli     *cli,
            GError **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  if (cli->store != NULL)
    return TRUE;
  cli->store = xa_device_store_new (NULL);
  xa_device_store_load_async (cli->store, cli->cancellable, cli_capture_cb, &result);
  cli_wait (&result);
  return xa_device_store_finish (cli->store, result, error);
}

static XaDevice *
find_device (Cli         *cli,
             const char  *name,
             GError     **error)
{
  XaDevice *device;

  if (!open_store (cli, error))
    return NULL;
  device = xa_device_store_find (cli->store, name);
  if (device == NULL)
    g_set_error (error, XA_DEVICE_STORE_ERROR, XA_DEVICE_STORE_ERROR_NOT_FOUND,
                 _("There is no device named “%s”. Run “xiaozhictl device list” to see your devices."), name);
  return device;
}

static void
store_error_cb (XaDeviceSession *session,
                const GError    *error,
                Cli             *cli)
{
  g_printerr (_("Warning: the devices file was not updated: %s\n"), error->message);
}

/* A session over @device with its secrets loaded. With @need_keyring,
 * a keyring that did not answer fails the command (exit status in
 * @status): a locked keyring is not "no token". */
static XaDeviceSession *
new_session (Cli      *cli,
             XaDevice *device)
{
  XaDeviceSession *session = xa_device_session_new (cli->store, device);

  g_signal_connect (session, "store-error", G_CALLBACK (store_error_cb), cli);
  return session;
}

static XaDeviceSession *
open_session (Cli       *cli,
              XaDevice  *device,
              gboolean   need_keyring,
              int       *status)
{
  g_autoptr(XaDeviceSession) session = new_session (cli, device);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  xa_device_session_load_async (session, cli->cancellable, cli_capture_cb, &result);
  cli_wait (&result);
  if (!xa_device_session_load_finish (session, result, &error))
    {
      *status = cli_fail (cli, error);
      return NULL;
    }
  if (need_keyring && xa_device_session_get_keyring_error (session) != NULL)
    {
      *status = cli_fail (cli, xa_device_session_get_keyring_error (session));
      return NULL;
    }
  return g_steal_pointer (&session);
}

/* Its token, or NULL (having said so, @status set) when it has none. */
static const char *
require_token (XaDeviceSession *session,
               const char      *name,
               int             *status)
{
  const char *token = xa_device_session_get_token (session);

  if (token == NULL)
    {
      g_printerr (_("“%s” has no token yet: activate it first with “xiaozhictl activate %s”.\n"), name, name);
      *status = EXIT_FAILURE_OTHER;
    }
  return token;
}

/* Waits for a session operation started with cli_capture_cb. */
static GAsyncResult *
wait_for (Cli            *cli,
          GAsyncResult  **slot)
{
  cli_wait (slot);
  return *slot;
}

static char *
format_time (gint64 unix_time)
{
  g_autoptr(GDateTime) dt = NULL;

  if (unix_time <= 0)
    return g_strdup (_("never"));
  dt = g_date_time_new_from_unix_local (unix_time);
  /* Translators: a date and time, see g_date_time_format() */
  return g_date_time_format (dt, _("%Y-%m-%d %H:%M"));
}

static gboolean
parse_options (GOptionContext  *context,
               const char      *command,
               int             *argc,
               char          ***argv,
               int              min_args,
               int              max_args,
               int             *status)
{
  g_autoptr(GError) error = NULL;

  if (!g_option_context_parse (context, argc, argv, &error))
    {
      *status = cli_usage_error (command, error->message);
      return FALSE;
    }
  if (*argc - 1 < min_args || *argc - 1 > max_args)
    {
      *status = cli_usage_error (command, *argc - 1 < min_args ? _("Missing argument.") : _("Unexpected argument."));
      return FALSE;
    }
  return TRUE;
}

/* ---- device ---------------------------------------------------------------- */

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
  if (!parse_options (context, "device add", &argc, &argv, 1, 1, &status))
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
  if (!open_store (cli, &error))
    return cli_fail (cli, error);
  session = xa_device_session_new (cli->store, device);
  xa_device_session_add_async (session, NULL, identity->hmac_key, cli->cancellable, cli_capture_cb, &result);
  if (!xa_device_session_add_finish (session, wait_for (cli, &result), &error))
    return cli_fail (cli, error);
  if (xa_device_session_get_keyring_error (session) != NULL)
    g_printerr (_("Warning: %s A new HMAC key will be made when you activate the device.\n"),
                xa_device_session_get_keyring_error (session)->message);

  g_print (_("Added “%s” (Device-Id %s).\n"), argv[1], identity->device_id);
  return EXIT_OK;
}

static JsonNode *
device_json (XaDevice *device)
{
  return xa_device_export_json (device, NULL);
}

/* @text and spaces to @width terminal columns (a Chinese character takes
 * two), and the gap to the next column. */
static void
print_column (const char *text,
              guint       width)
{
  guint length = xa_text_display_width (text);

  g_print ("%s%*s  ", text, (int) (width - MIN (width, length)), "");
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
  if (!parse_options (context, "device list", &argc, &argv, 0, 0, &status))
    return status;
  if (!open_store (cli, &error))
    return cli_fail (cli, error);

  model = G_LIST_MODEL (cli->store);
  if (cli->json)
    {
      g_autoptr(JsonArray) array = json_array_new ();
      g_autoptr(JsonNode) node = NULL;

      for (guint i = 0; i < g_list_model_get_n_items (model); i++)
        {
          g_autoptr(XaDevice) d = g_list_model_get_item (model, i);
          json_array_add_element (array, device_json (d));
        }
      node = json_node_init_array (json_node_alloc (), array);
      cli_print_json (node);
      return EXIT_OK;
    }

  if (g_list_model_get_n_items (model) == 0)
    {
      g_print (_("No devices yet. Add one with “xiaozhictl device add NAME”.\n"));
      return EXIT_OK;
    }
  {
    guint name_width = 0;

    for (guint i = 0; i < g_list_model_get_n_items (model); i++)
      {
        g_autoptr(XaDevice) d = g_list_model_get_item (model, i);
        name_width = MAX (name_width, xa_text_display_width (cli_safe (cli, xa_device_get_name (d))));
      }
    for (guint i = 0; i < g_list_model_get_n_items (model); i++)
      {
        g_autoptr(XaDevice) d = g_list_model_get_item (model, i);

        print_column (cli_safe (cli, xa_device_get_name (d)), name_width);
        print_column (cli_safe (cli, xa_device_get_device_id (d)), 17);
        g_print ("%s\n", xa_device_get_status (d));
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
  g_autoptr(GError) error = NULL;
  g_autoptr(XaDeviceSession) session = NULL;
  const GError *keyring_error;
  const char *token;
  g_autofree char *activated = NULL;
  g_autofree char *tested = NULL;
  g_autoptr(XaDeviceState) state = NULL;
  XaDevice *d;
  int status;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &cli->json, N_("Print the result as JSON"), NULL },
    { NULL }
  };

  g_option_context_set_summary (context, _("Show a saved device. Its token stays hidden: use “xiaozhictl token NAME”."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!parse_options (context, "device show", &argc, &argv, 1, 1, &status))
    return status;
  if ((d = find_device (cli, argv[1], &error)) == NULL)
    return cli_fail (cli, error);

  if (cli->json)
    {
      g_autoptr(JsonNode) node = device_json (d);
      cli_print_json (node);
      return EXIT_OK;
    }

  if ((session = open_session (cli, d, FALSE, &status)) == NULL)
    return status;
  token = xa_device_session_get_token (session);
  keyring_error = xa_device_session_get_keyring_error (session);
  activated = format_time (xa_device_get_activated_at (d));
  tested = format_time (xa_device_get_last_test_at (d));
  state = xa_device_state_new (d, g_get_real_time () / G_USEC_PER_SEC);

  g_print (_("Name:           %s\n"), cli_safe (cli, xa_device_get_name (d)));
  g_print (_("Device-Id:      %s\n"), cli_safe (cli, xa_device_get_device_id (d)));
  g_print (_("Client-Id:      %s\n"), cli_safe (cli, xa_device_get_client_id (d)));
  g_print (_("Serial number:  %s\n"), cli_safe (cli, xa_device_get_serial_number (d)));
  g_print (_("OTA address:    %s\n"), cli_safe (cli, xa_device_get_ota_url (d)));
  g_print (_("Control panel:  %s\n"), cli_safe (cli, xa_device_get_panel_url (d)));
  g_print (_("WebSocket URL:  %s\n"), cli_safe (cli, xa_device_get_websocket_url (d)));
  g_print (_("Status:         %s\n"), cli_safe (cli, state->title));
  if (state->advice != NULL)
    g_print (_("What it means:  %s\n"), cli_safe (cli, state->advice));
  if (state->other_road != NULL)
    g_print ("                %s\n", state->other_road);
  g_print (_("Activated:      %s\n"), activated);
  if (xa_device_get_last_verdict (d) != NULL)
    g_print (_("Last test:      %s\n"), tested);
  if (keyring_error != NULL)
    g_print (_("Token:          unknown (%s)\n"), keyring_error->message);
  else if (token == NULL && xa_device_get_token_unsaved (d))
    g_print (_("Token:          not saved: run “xiaozhictl refresh %s” to fetch it again\n"),
             xa_device_get_name (d));
  else if (token != NULL)
    {
      g_autofree char *masked = xa_token_mask (token);
      g_print (_("Token:          %s (in the keyring)\n"), masked);
    }
  else
    g_print (_("Token:          none yet\n"));
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
  if (!parse_options (context, "device rename", &argc, &argv, 2, 2, &status))
    return status;
  if ((d = find_device (cli, argv[1], &error)) == NULL)
    return cli_fail (cli, error);

  session = xa_device_session_new (cli->store, d);
  xa_device_session_edit_async (session, "name", argv[2], cli->cancellable, cli_capture_cb, &result);
  if (!xa_device_session_edit_finish (session, wait_for (cli, &result), &error))
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
  const char *properties[] = { "board-type", "app-version", "panel-url" };
  const char *values[G_N_ELEMENTS (properties)];
  XaDevice *d;
  int status;
  GOptionEntry entries[] = {
    { "board-type", 0, 0, G_OPTION_ARG_STRING, &board_type, N_("Board type it reports (default: bread-compact-wifi)"), N_("TYPE") },
    { "app-version", 0, 0, G_OPTION_ARG_STRING, &app_version, N_("Application version it reports (default: 2.1.1)"), N_("VERSION") },
    { "panel-url", 0, 0, G_OPTION_ARG_STRING, &panel_url, N_("Where to enter the code (default: guessed from the OTA address)"), N_("URL") },
    { NULL }
  };

  g_option_context_set_summary (context, _("Change what a saved device reports in its OTA checks, or where its code is typed."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!parse_options (context, "device set", &argc, &argv, 1, 1, &status))
    return status;
  if ((d = find_device (cli, argv[1], &error)) == NULL)
    return cli_fail (cli, error);

  values[0] = board_type, values[1] = app_version, values[2] = panel_url;
  session = xa_device_session_new (cli->store, d);
  for (guint i = 0; i < G_N_ELEMENTS (properties); i++)
    {
      g_autoptr(GAsyncResult) result = NULL;

      if (values[i] == NULL)
        continue;
      xa_device_session_edit_async (session, properties[i], values[i], cli->cancellable, cli_capture_cb, &result);
      if (!xa_device_session_edit_finish (session, wait_for (cli, &result), &error))
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
  if (!parse_options (context, "device remove", &argc, &argv, 1, 1, &status))
    return status;
  if ((d = find_device (cli, argv[1], &error)) == NULL)
    return cli_fail (cli, error);

  session = xa_device_session_new (cli->store, d);
  xa_device_session_remove_async (session, cli->cancellable, cli_capture_cb, &result);
  if (!xa_device_session_remove_finish (session, wait_for (cli, &result), &error))
    return cli_fail (cli, error);
  g_print (_("Removed “%s”.\n"), argv[1]);
  return EXIT_OK;
}

int
cli_cmd_device (Cli   *cli,
                int    argc,
                char **argv)
{
  static const struct
  {
    const char *name;
    int (*run) (Cli *cli, int argc, char **argv);
  } subcommands[] = {
    { "add", device_add },
    { "list", device_list },
    { "show", device_show },
    { "rename", device_rename },
    { "set", device_set },
    { "remove", device_remove },
  };

  for (guint i = 0; argc > 1 && i < G_N_ELEMENTS (subcommands); i++)
    {
      if (g_str_equal (argv[1], subcommands[i].name))
        {
          g_autofree char *prgname = g_strdup_printf ("xiaozhictl device %s", subcommands[i].name);
          g_set_prgname (prgname);
          return subcommands[i].run (cli, argc - 1, argv + 1);
        }
    }

  g_printerr ("%s\n", _("Usage: xiaozhictl device add|list|show|rename|set|remove …"));
  return argc > 1 && (g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h")) ? EXIT_OK : EXIT_USAGE;
}

/* ---- activate NAME, test NAME, token, refresh ------------------------------ */

/* "token_issued"/"token_expires" (ISO 8601) for a dated token. */
static void
add_token_dates (JsonObject *o,
                 const char *token)
{
  gint64 issued, expires;

  if (xa_token_get_dates (token, &issued, &expires))
    {
      g_autoptr(GDateTime) a = g_date_time_new_from_unix_utc (issued);
      g_autoptr(GDateTime) b = g_date_time_new_from_unix_utc (expires);
      g_autofree char *sa = g_date_time_format_iso8601 (a);
      g_autofree char *sb = g_date_time_format_iso8601 (b);

      json_object_set_string_member (o, "token_issued", sa);
      json_object_set_string_member (o, "token_expires", sb);
    }
}

/* After an activation or a refresh: a token the keyring refused is
 * printed, so that it is not lost. */
static int
check_token_kept (Cli             *cli,
                  XaDeviceSession *session)
{
  const GError *keyring_error = xa_device_session_get_keyring_error (session);

  if (keyring_error == NULL)
    return EXIT_OK;
  g_printerr (_("The token could not be saved in the keyring: %s\n"
                "Here it is so that it is not lost; keep it safe. Once the keyring works, "
                "run “xiaozhictl refresh %s” to save it.\n"),
              keyring_error->message, xa_device_get_name (xa_device_session_get_device (session)));
  if (cli->json)
    {
      g_autoptr(JsonNode) node = device_json (xa_device_session_get_device (session));
      json_object_set_string_member (json_node_get_object (node), "verdict", "token-not-saved");
      json_object_set_string_member (json_node_get_object (node), "message", keyring_error->message);
      json_object_set_string_member (json_node_get_object (node), "token", xa_device_session_get_token (session));
      cli_print_json (node);
    }
  else
    g_print ("%s\n", xa_device_session_get_token (session));
  return EXIT_FAILURE_OTHER;
}

int
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
  gboolean ok;
  int status;

  if ((device = find_device (cli, name, &error)) == NULL)
    return cli_fail (cli, error);
  if ((session = open_session (cli, device, FALSE, &status)) == NULL)
    return status;

  activation = xa_device_session_new_activation (session);
  cli_watch_activation (cli, activation, NULL, timeout_s, poll_ms);
  xa_device_session_activate_async (session, activation, cli->cancellable, cli_capture_cb, &result);
  ok = xa_device_session_activate_finish (session, wait_for (cli, &result), &outcome, &cli->error);
  cli_unwatch_activation (cli);
  if (!ok)
    return cli_activation_failed (cli);

  status = check_token_kept (cli, session);
  if (status != EXIT_OK)
    return status;

  /* What the window does too: the device is tested on every road at once. */
  xa_device_session_test_all_async (session, (guint) MIN (timeout_s, 10) * 1000, cli->cancellable,
                                    cli_capture_cb, &tested);
  reports = xa_device_session_test_all_finish (session, wait_for (cli, &tested), &error);
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
      node = device_json (device);
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
      add_token_dates (json_node_get_object (node), xa_device_session_get_token (session));
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

/* @transport: NULL for the road the server sends the device, "websocket",
 * "mqtt", or "all" it offers (each verdict printed, JSON as an array;
 * the exit status is the largest). */
int
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

  if ((device = find_device (cli, name, &error)) == NULL)
    return cli_fail (cli, error);
  if ((session = open_session (cli, device, TRUE, &status)) == NULL)
    return status;
  /* One road, or every one the server offers (xa_device_session_dup_roads()). */
  if (g_strcmp0 (transport, "all") == 0)
    {
      xa_device_session_test_all_async (session, (guint) timeout_s * 1000, cli->cancellable, cli_capture_cb, &result);
      reports = xa_device_session_test_all_finish (session, wait_for (cli, &result), &error);
    }
  else
    {
      XaReport *report;

      xa_device_session_test_over_async (session, transport, (guint) timeout_s * 1000, cli->cancellable,
                                         cli_capture_cb, &result);
      if ((report = xa_device_session_test_finish (session, wait_for (cli, &result), &error)) != NULL)
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

/* ---- test --all ------------------------------------------------------------ */

typedef struct
{
  Cli  *cli;
  int   worst;
  guint name_width;
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

    print_column (cli_safe (all->cli, xa_device_get_name (device)), all->name_width);
    print_column (cli_safe (all->cli, xa_device_get_device_id (device)), 17);
    print_column (latency, 8);
    g_print ("%s %s\n", status == EXIT_OK ? "✔" : "✘", cli_safe (all->cli, title));
  }
}

/* Tests every saved device, @jobs at a time; the exit status is the worst
 * verdict's. */
int
cli_cmd_test_all (Cli *cli,
                  int  timeout_s,
                  int  jobs)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) sessions = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GAsyncResult) result = NULL;
  AllTests all = { cli, EXIT_OK, 0 };
  GListModel *model;

  if (!open_store (cli, &error))
    return cli_fail (cli, error);
  model = G_LIST_MODEL (cli->store);
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(XaDevice) device = g_list_model_get_item (model, i);

      g_ptr_array_add (sessions, new_session (cli, device));
      all.name_width = MAX (all.name_width, xa_text_display_width (cli_safe (cli, xa_device_get_name (device))));
    }
  if (sessions->len == 0)
    {
      g_printerr (_("There are no saved devices to test.\n"));
      return EXIT_OK;
    }
  if (!cli->json)
    {
      /* Translators: the column headings of “xiaozhictl test --all” */
      all.name_width = MAX (all.name_width, xa_text_display_width (_("NAME")));
      print_column (_("NAME"), all.name_width);
      print_column (_("DEVICE-ID"), 17);
      print_column (_("LATENCY"), 8);
      g_print ("%s\n", _("VERDICT"));
    }
  xa_batch_test_async (sessions, (guint) jobs, (guint) timeout_s * 1000, cli->cancellable,
                       print_one_verdict, &all, cli_capture_cb, &result);
  cli_wait (&result);
  xa_batch_test_finish (result, NULL);
  return all.worst;
}

/* ---- diagnose ---------------------------------------------------------------- */

static void
print_diagnosis (Cli               *cli,
                 const char        *who,
                 const char        *ota_url,
                 const XaDiagnosis *diagnosis)
{
  if (cli->json)
    {
      g_autoptr(JsonNode) node = xa_diagnosis_to_json (diagnosis);
      cli_print_json (node);
      return;
    }
  /* Translators: the first %s is a device's name or Device-Id, the second its OTA address */
  g_print (_("Diagnosis of %s at %s:\n"), cli_safe (cli, who), cli_safe (cli, ota_url));
  for (guint i = 0; i < diagnosis->findings->len; i++)
    {
      const XaFinding *finding = g_ptr_array_index (diagnosis->findings, i);
      g_autofree char *title = xa_text_render (finding->title);
      g_autofree char *advice = xa_text_render (finding->advice);
      const char *mark = g_str_equal (finding->severity, "bad") ? "✘" : g_str_equal (finding->severity, "warn") ? "!" : "·";

      g_print ("%u. %s %s\n   %s\n", i + 1, mark, cli_safe (cli, title), cli_safe (cli, advice));
    }
}

/* Why no code, why rejected: read-only checks of the device's server (and,
 * with --ask-cloud, of the official cloud); a saved device, or one given
 * by its OTA address and Device-Id. */
int
cli_cmd_diagnose (Cli   *cli,
                  int    argc,
                  char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (_("[NAME]"));
  g_autoptr(GError) error = NULL;
  g_autoptr(XaIdentity) identity = NULL;
  g_autoptr(XaDeviceSession) session = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(XaDiagnosis) diagnosis = NULL;
  g_autofree char *ota_url = NULL;
  g_autofree char *device_id = NULL;
  g_autofree char *client_id = NULL;
  const char *token = NULL;
  const char *who;
  gboolean ask_cloud = FALSE;
  int timeout_s = 10;
  int status;
  GOptionEntry entries[] = {
    { "ota-url", 0, 0, G_OPTION_ARG_STRING, &ota_url, N_("Without NAME: the OTA address to diagnose"), N_("URL") },
    { "device-id", 0, 0, G_OPTION_ARG_STRING, &device_id, N_("Without NAME: the Device-Id, a MAC address"), N_("MAC") },
    { "client-id", 0, 0, G_OPTION_ARG_STRING, &client_id, N_("Without NAME: the Client-Id (default: a new one)"),
      N_("UUID") },
    { "ask-cloud", 0, 0, G_OPTION_ARG_NONE, &ask_cloud,
      N_("Also ask the official cloud about this Device-Id (it is told the MAC address)"), NULL },
    { "timeout", 0, 0, G_OPTION_ARG_INT, &timeout_s, N_("Seconds to wait for each answer (default: 10)"), N_("SECONDS") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &cli->json, N_("Print the result as JSON"), NULL },
    { NULL }
  };

  g_option_context_set_summary (context, _("Find out why a device gets no code, or why its token is rejected. "
                                           "Only asks what the device itself asks; changes nothing on any server."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!parse_options (context, "diagnose", &argc, &argv, 0, 1, &status))
    return status;
  if (timeout_s <= 0 || timeout_s > CLI_MAX_TIMEOUT_S)
    return cli_usage_error ("diagnose", _("The timeout must be a number of seconds between 1 and 86400."));

  if (argc == 2)
    {
      XaDevice *device;

      if (ota_url != NULL || device_id != NULL || client_id != NULL)
        return cli_usage_error ("diagnose", _("A saved device (NAME) has its own OTA address and identity."));
      if ((device = find_device (cli, argv[1], &error)) == NULL)
        return cli_fail (cli, error);
      if ((session = open_session (cli, device, FALSE, &status)) == NULL)
        return status;
      identity = xa_device_dup_identity (device, xa_device_session_get_hmac_key (session));
      token = xa_device_session_get_token (session);
      ota_url = g_strdup (xa_device_get_ota_url (device));
      who = xa_device_get_name (device);
    }
  else
    {
      g_autofree char *new_client_id = client_id ? NULL : g_uuid_string_random ();

      if (ota_url == NULL || device_id == NULL)
        return cli_usage_error ("diagnose", _("Give a saved device’s NAME, or --ota-url and --device-id."));
      if (!xa_ota_url_validate (ota_url, &error))
        return cli_usage_error ("diagnose", error->message);
      identity = xa_identity_new_exact (device_id, client_id ? client_id : new_client_id, NULL, &error);
      if (identity == NULL)
        return cli_usage_error ("diagnose", error->message);
      who = device_id;
    }

  xa_diagnose_async (ota_url, identity, token, ask_cloud, (guint) timeout_s * 1000, cli->cancellable,
                     cli_capture_cb, &result);
  diagnosis = xa_diagnose_finish (wait_for (cli, &result), &error);
  if (diagnosis == NULL)
    return cli_fail (cli, error);
  print_diagnosis (cli, who, ota_url, diagnosis);
  return EXIT_OK;
}

int
cli_cmd_token (Cli   *cli,
               int    argc,
               char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (_("NAME"));
  g_autoptr(GError) error = NULL;
  g_autoptr(XaDeviceSession) session = NULL;
  XaDevice *device;
  int status;

  g_option_context_set_summary (context, _("Print the device’s token alone, for pipes: "
                                           "xiaozhictl token NAME | some-client --token -"));
  if (!parse_options (context, "token", &argc, &argv, 1, 1, &status))
    return status;
  if ((device = find_device (cli, argv[1], &error)) == NULL)
    return cli_fail (cli, error);
  if ((session = open_session (cli, device, TRUE, &status)) == NULL || require_token (session, argv[1], &status) == NULL)
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
  if (!parse_options (context, "refresh", &argc, &argv, 1, 1, &status))
    return status;
  if ((device = find_device (cli, argv[1], &error)) == NULL)
    return cli_fail (cli, error);
  if ((session = open_session (cli, device, FALSE, &status)) == NULL)
    return status;

  xa_device_session_refresh_async (session, cli->cancellable, cli_capture_cb, &result);
  if (!xa_device_session_refresh_finish (session, wait_for (cli, &result), &changes, &error))
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

  status = check_token_kept (cli, session);
  if (status != EXIT_OK)
    return status;

  if (cli->json)
    {
      g_autoptr(JsonNode) node = device_json (device);
      json_object_set_string_member (json_node_get_object (node), "verdict", "activated");
      json_object_set_boolean_member (json_node_get_object (node), "token_changed",
                                      (changes & XA_REFRESH_CHANGED_TOKEN) != 0);
      json_object_set_boolean_member (json_node_get_object (node), "websocket_url_changed",
                                      (changes & XA_REFRESH_CHANGED_WEBSOCKET_URL) != 0);
      json_object_set_boolean_member (json_node_get_object (node), "mqtt_changed",
                                      (changes & XA_REFRESH_CHANGED_MQTT) != 0);
      add_token_dates (json_node_get_object (node), xa_device_session_get_token (session));
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

/* ---- export, import ---------------------------------------------------------- */

static char *py_xiaozhi_dir;
static gboolean py_xiaozhi_given;

static gboolean
py_xiaozhi_option_cb (const char  *option,
                      const char  *value,
                      gpointer     data,
                      GError     **error)
{
  py_xiaozhi_given = TRUE;
  g_free (py_xiaozhi_dir);
  py_xiaozhi_dir = g_strdup (value);
  return TRUE;
}

static char *
resolve_py_xiaozhi_dir (GError **error)
{
  char *dir = py_xiaozhi_dir && *py_xiaozhi_dir ? g_strdup (py_xiaozhi_dir) : xa_py_xiaozhi_find_config_dir ();

  if (dir == NULL)
    g_set_error (error, XA_EXPORT_ERROR, XA_EXPORT_ERROR_NOT_FOUND,
                 _("No py-xiaozhi configuration was found in the usual places. "
                   "Give its config folder: --py-xiaozhi=DIR."));
  return dir;
}

/* ---- CSV ------------------------------------------------------------------- */

/* Every saved device into @path; with their secrets from the keyring when
 * asked (a device the keyring cannot answer for fails the export). */
static int
export_csv (Cli        *cli,
            const char *path,
            gboolean    with_secrets)
{
  g_autoptr(GPtrArray) sessions = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GFile) file = g_file_new_for_commandline_arg (path);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GListModel *model;

  if (!open_store (cli, &error))
    return cli_fail (cli, error);
  model = G_LIST_MODEL (cli->store);
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(XaDevice) device = g_list_model_get_item (model, i);

      g_ptr_array_add (sessions, new_session (cli, device));
    }
  xa_csv_export_async (sessions, file, with_secrets, cli->cancellable, cli_capture_cb, &result);
  if (!xa_csv_export_finish (wait_for (cli, &result), &error))
    return cli_fail (cli, error);
  g_print (g_dngettext (GETTEXT_PACKAGE, "Wrote %u device into %s.\n", "Wrote %u devices into %s.\n", sessions->len),
           sessions->len, path);
  if (with_secrets)
    g_printerr (_("The file holds tokens and HMAC keys: only you can read it. Keep it private and delete it "
                  "once it has done its job.\n"));
  return EXIT_OK;
}

/* The devices of a CSV file, all or none (xa_csv_import_async()). */
static int
import_csv (Cli        *cli,
            const char *path)
{
  g_autoptr(GFile) file = g_file_new_for_commandline_arg (path);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) added = NULL;
  g_autoptr(GError) error = NULL;

  if (!open_store (cli, &error))
    return cli_fail (cli, error);
  xa_csv_import_async (cli->store, file, cli->cancellable, cli_capture_cb, &result);
  added = xa_csv_import_finish (wait_for (cli, &result), &error);
  if (added == NULL)
    return cli_fail (cli, error);
  g_print (g_dngettext (GETTEXT_PACKAGE, "Imported %u device from %s.\n", "Imported %u devices from %s.\n",
                        added->len),
           added->len, path);
  return EXIT_OK;
}

int
cli_cmd_export (Cli   *cli,
                int    argc,
                char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (_("NAME"));
  g_autoptr(GError) error = NULL;
  g_autofree char *env_file = NULL;
  g_autofree char *csv_file = NULL;
  g_autofree char *webui = NULL;
  g_autofree char *preset = NULL;
  g_auto(GStrv) renames = NULL;
  g_autoptr(XaEnvKeys) env_keys = NULL;
  g_autoptr(XaDeviceSession) session = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autofree char *dir = NULL;
  gboolean as_json = FALSE;
  gboolean with_token = FALSE;
  gboolean with_secrets = FALSE;
  gboolean efuse = FALSE;
  XaDevice *device;
  int status;
  GOptionEntry entries[] = {
    { "py-xiaozhi", 0, G_OPTION_FLAG_OPTIONAL_ARG, G_OPTION_ARG_CALLBACK, py_xiaozhi_option_cb,
      N_("Write into py-xiaozhi’s config.json (found in the usual places, or in DIR)"), N_("DIR") },
    /* efuse.json is always written now; the option stays for old scripts. */
    { "efuse", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_NONE, &efuse, NULL, NULL },
    { "env", 0, 0, G_OPTION_ARG_FILENAME, &env_file, N_("Set the XIAOZHI_* variables in this env file"), N_("FILE") },
    { "preset", 0, 0, G_OPTION_ARG_STRING, &preset,
      N_("With --env, the key names a program reads: xiaozhi (XIAOZHI_*, the default), web-proxy "
         "(BACKEND_WS_URL) or web-client (WS_URL, DEVICE_TOKEN)"), N_("PRESET") },
    { "key", 0, 0, G_OPTION_ARG_STRING_ARRAY, &renames,
      N_("With --env, write FIELD under the key NAME (ota_url, websocket_url, token, device_id, client_id; "
         "FIELD= leaves it out); may be repeated"), N_("FIELD=NAME") },
    { "webui", 0, 0, G_OPTION_ARG_FILENAME, &webui,
      N_("Set WS_URL, DEVICE_TOKEN and TOKEN_ENABLE in xiaozhi-webui’s backend/config/config.json "
         "(the file, or the xiaozhi-webui folder)"), N_("PATH") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &as_json, N_("Print the device as JSON"), NULL },
    { "with-token", 0, 0, G_OPTION_ARG_NONE, &with_token, N_("With --json, include the token"), NULL },
    { "csv", 0, 0, G_OPTION_ARG_FILENAME, &csv_file, N_("Write every saved device’s identity into this CSV file"),
      N_("FILE") },
    { "with-secrets", 0, 0, G_OPTION_ARG_NONE, &with_secrets,
      N_("With --csv, add the tokens and HMAC keys (the file is then readable only by you)"), NULL },
    { NULL }
  };

  g_option_context_set_summary (context, _("Export a saved device and its token where a client reads them. "
                                           "Existing files keep everything else; config.json is backed up as config.json.bak.\n"
                                           "With --csv FILE (and no NAME), write the identities of every saved device."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!parse_options (context, "export", &argc, &argv, 0, 1, &status))
    return status;
  if (csv_file != NULL)
    return argc > 1 || py_xiaozhi_given || env_file != NULL || webui != NULL || as_json || with_token
             ? cli_usage_error ("export", _("--csv writes every device: give it alone (with --with-secrets at most)."))
             : export_csv (cli, csv_file, with_secrets);
  if (argc < 2)
    return cli_usage_error ("export", _("Missing argument."));
  if (with_secrets)
    return cli_usage_error ("export", _("--with-secrets goes with --csv."));
  if (py_xiaozhi_given + (env_file != NULL) + as_json + (webui != NULL) != 1)
    return cli_usage_error ("export", _("Choose one of --py-xiaozhi, --env, --webui and --json."));
  if ((preset != NULL || renames != NULL) && env_file == NULL)
    return cli_usage_error ("export", _("--preset and --key go with --env."));
  if (env_file != NULL)
    {
      if ((env_keys = xa_env_keys_new (preset, &error)) == NULL)
        return cli_usage_error ("export", error->message);
      for (guint i = 0; renames != NULL && renames[i] != NULL; i++)
        if (!xa_env_keys_set (env_keys, renames[i], &error))
          return cli_usage_error ("export", error->message);
    }
  if ((device = find_device (cli, argv[1], &error)) == NULL)
    return cli_fail (cli, error);

  if (as_json && !with_token)
    {
      g_autoptr(JsonNode) node = xa_device_export_json (device, NULL);
      cli_print_json (node);
      return EXIT_OK;
    }

  if ((session = open_session (cli, device, TRUE, &status)) == NULL)
    return status;
  /* py-xiaozhi takes a device sent to MQTT without a token: the session
   * decides; JSON with the token and env files need one. */
  if ((as_json || env_file != NULL || webui != NULL) && require_token (session, argv[1], &status) == NULL)
    return status;

  if (as_json)
    {
      g_autoptr(JsonNode) node = xa_device_export_json (device, xa_device_session_get_token (session));
      cli_print_json (node);
      return EXIT_OK;
    }

  if (env_file != NULL)
    xa_device_session_export_env_async (session, env_file, FALSE, env_keys, cli->cancellable, cli_capture_cb, &result);
  else if (webui != NULL)
    xa_device_session_export_async (session, XA_EXPORT_WEBUI, webui, cli->cancellable, cli_capture_cb, &result);
  else if ((dir = resolve_py_xiaozhi_dir (&error)) == NULL)
    return cli_fail (cli, error);
  else
    xa_device_session_export_async (session, XA_EXPORT_PY_XIAOZHI_EFUSE, dir, cli->cancellable, cli_capture_cb,
                                    &result);
  if (!xa_device_session_export_finish (session, wait_for (cli, &result), &error))
    return cli_fail (cli, error);

  if (env_file != NULL)
    g_print (_("Wrote “%s” into %s; only you can read it.\n"), argv[1], env_file);
  else if (webui != NULL)
    g_print (_("Wrote “%s” into xiaozhi-webui’s configuration at %s (the previous one is kept as .bak); "
               "restart xiaozhi-webui to use it.\n"), argv[1], webui);
  else
    {
      g_print (_("Wrote “%s” into the py-xiaozhi configuration in %s (the previous one is config.json.bak); "
                 "only you can read them.\n"),
               argv[1], dir);
      g_print (_("py-xiaozhi asks its OTA server for the WebSocket URL and token again at every start; "
                 "its identity (config.json, efuse.json) is what matters.\n"));
    }
  return EXIT_OK;
}

int
cli_cmd_import (Cli   *cli,
                int    argc,
                char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(XaImported) imported = NULL;
  g_autoptr(XaDeviceSession) session = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(XaDevice) device = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *name = NULL;
  g_autofree char *csv_file = NULL;
  int status;
  GOptionEntry entries[] = {
    { "py-xiaozhi", 0, G_OPTION_FLAG_OPTIONAL_ARG, G_OPTION_ARG_CALLBACK, py_xiaozhi_option_cb,
      N_("Read py-xiaozhi’s config.json and efuse.json (found in the usual places, or in DIR)"), N_("DIR") },
    { "csv", 0, 0, G_OPTION_ARG_FILENAME, &csv_file,
      N_("Save every device of this CSV file (columns name, device_id and optionally client_id, ota_url, "
         "board_type, app_version, token, hmac_key), all or none"), N_("FILE") },
    { "name", 0, 0, G_OPTION_ARG_STRING, &name, N_("Name of the new device (default: py-xiaozhi)"), N_("NAME") },
    { NULL }
  };

  g_option_context_set_summary (context, _("Save the device of another client, with its token, as a new device."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!parse_options (context, "import", &argc, &argv, 0, 0, &status))
    return status;
  if (csv_file != NULL && (py_xiaozhi_given || name != NULL))
    return cli_usage_error ("import", _("--csv names its devices itself: give it alone."));
  if (csv_file != NULL)
    return import_csv (cli, csv_file);
  if (!py_xiaozhi_given)
    return cli_usage_error ("import", _("Say what to import from: --py-xiaozhi[=DIR] or --csv FILE."));

  if ((dir = resolve_py_xiaozhi_dir (&error)) == NULL ||
      (imported = xa_py_xiaozhi_import (dir, &error)) == NULL)
    return cli_fail (cli, error);

  device = xa_imported_to_device (imported, name ? name : "py-xiaozhi", &error);
  if (device == NULL || !open_store (cli, &error))
    return cli_fail (cli, error);

  session = xa_device_session_new (cli->store, device);
  xa_device_session_add_async (session, imported->token, imported->hmac_key, cli->cancellable,
                               cli_capture_cb, &result);
  if (!xa_device_session_add_finish (session, wait_for (cli, &result), &error))
    return cli_fail (cli, error);
  if (xa_device_session_get_keyring_error (session) != NULL)
    {
      g_printerr (_("Imported “%s”, but its secrets could not be saved in the keyring: %s "
                    "They are still in %s; import again once the keyring works.\n"),
                  xa_device_get_name (device), xa_device_session_get_keyring_error (session)->message, dir);
      return EXIT_FAILURE_OTHER;
    }

  g_print (_("Imported “%s” (Device-Id %s) from %s.\n"), xa_device_get_name (device),
           xa_device_get_device_id (device), dir);
  return EXIT_OK;
}
