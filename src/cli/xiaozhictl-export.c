/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "xa-csv-transfer.h"
#include "xa-export.h"
#include "xiaozhictl.h"

/* xiaozhictl export and import: a device into py-xiaozhi's config, an
 * env file, xiaozhi-webui or JSON; devices in and out as CSV; a device
 * from py-xiaozhi's config. */

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

/* Every saved device into @path; with their secrets from the keyring when
 * asked (a device the keyring cannot answer for fails the export). */
static int
export_csv (Cli        *cli,
            const char *path,
            gboolean    with_secrets)
{
  g_autoptr(GFile) file = g_file_new_for_commandline_arg (path);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) sessions = cli_sessions_of_all (cli, &error);

  if (sessions == NULL)
    return cli_fail (cli, error);
  xa_csv_export_async (sessions, file, with_secrets, cli->cancellable, cli_capture_cb, &result);
  if (!xa_csv_export_finish (cli_wait_for (cli, &result), &error))
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

  if (!cli_open_store (cli, &error))
    return cli_fail (cli, error);
  xa_csv_import_async (cli->store, file, cli->cancellable, cli_capture_cb, &result);
  added = xa_csv_import_finish (cli_wait_for (cli, &result), &error);
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
  if (!cli_parse_options (context, "export", &argc, &argv, 0, 1, &status))
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
  if ((device = cli_find_device (cli, argv[1], &error)) == NULL)
    return cli_fail (cli, error);

  if (as_json && !with_token)
    {
      g_autoptr(JsonNode) node = xa_device_export_json (device, NULL);
      cli_print_json (node);
      return EXIT_OK;
    }

  if ((session = cli_open_session (cli, device, TRUE, &status)) == NULL)
    return status;
  /* py-xiaozhi takes a device sent to MQTT without a token: the session
   * decides; JSON with the token and env files need one. */
  if ((as_json || env_file != NULL || webui != NULL) && cli_require_token (session, argv[1], &status) == NULL)
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
  if (!xa_device_session_export_finish (session, cli_wait_for (cli, &result), &error))
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
  if (!cli_parse_options (context, "import", &argc, &argv, 0, 0, &status))
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
  if (device == NULL || !cli_open_store (cli, &error))
    return cli_fail (cli, error);

  session = xa_device_session_new (cli->store, device);
  xa_device_session_add_async (session, imported->token, imported->hmac_key, cli->cancellable,
                               cli_capture_cb, &result);
  if (!xa_device_session_add_finish (session, cli_wait_for (cli, &result), &error))
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
