/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdio.h>

#include <string.h>

#include "xa-device-state.h"
#include "xa-store.h"
#include "xa-device.h"
#include "xa-export.h"
#include "xa-text.h"
#include "xa-token-store.h"
#include "xa-token.h"
#include "xiaozhictl.h"
#include "xiaozhictl-table.h"

/* What every xiaozhictl command shares: errors and usage errors said the
 * same way, output made safe for a terminal, JSON out, waiting for an
 * async call, the store and a device’s session opened, one option parser. */

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

const char *
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

/* The store of @kind in @slot, read once (devices in cli->store, MCP
 * endpoints in cli->mcp_store). */
gboolean
cli_open_store_of (Cli               *cli,
                   XaStore          **slot,
                   const XaStoreKind *kind,
                   GError           **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  if (*slot != NULL)
    return TRUE;
  *slot = xa_store_new (kind, NULL);
  xa_store_load_async (*slot, cli->cancellable, cli_capture_cb, &result);
  cli_wait (&result);
  return xa_store_finish (*slot, result, error);
}

gboolean
cli_open_store (Cli     *cli,
                GError **error)
{
  return cli_open_store_of (cli, &cli->store, &xa_device_kind, error);
}

XaDevice *
cli_find_device (Cli         *cli,
                 const char  *name,
                 GError     **error)
{
  XaDevice *device;

  if (!cli_open_store (cli, error))
    return NULL;
  device = xa_store_find (cli->store, name);
  if (device == NULL)
    g_set_error (error, XA_STORE_ERROR, XA_STORE_ERROR_NOT_FOUND,
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
XaDeviceSession *
cli_new_session (Cli      *cli,
                 XaDevice *device)
{
  XaDeviceSession *session = xa_device_session_new (cli->store, device);

  g_signal_connect (session, "store-error", G_CALLBACK (store_error_cb), cli);
  return session;
}

XaDeviceSession *
cli_open_session (Cli       *cli,
                  XaDevice  *device,
                  gboolean   need_keyring,
                  int       *status)
{
  g_autoptr(XaDeviceSession) session = cli_new_session (cli, device);
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
const char *
cli_require_token (XaDeviceSession *session,
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
GAsyncResult *
cli_wait_for (Cli            *cli,
              GAsyncResult  **slot)
{
  cli_wait (slot);
  return *slot;
}

gboolean
cli_parse_options (GOptionContext  *context,
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

/* For a command on one saved device (NAME, then @n_more arguments): its
 * options parsed, the device found. NULL, with @status set, when either
 * failed (said as a usage error or as a failure). */
XaDevice *
cli_parse_for_device (Cli             *cli,
                      GOptionContext  *context,
                      const char      *command,
                      int             *argc,
                      char          ***argv,
                      int              n_more,
                      int             *status)
{
  g_autoptr(GError) error = NULL;
  XaDevice *device;

  if (!cli_parse_options (context, command, argc, argv, 1 + n_more, 1 + n_more, status))
    return NULL;
  if ((device = cli_find_device (cli, (*argv)[1], &error)) == NULL)
    *status = cli_fail (cli, error);
  return device;
}

/* One line of standard input, stripped ("" at its end): how a secret comes
 * in when it must not be in argv. */
char *
cli_read_line (void)
{
  char buffer[8192];

  if (fgets (buffer, sizeof buffer, stdin) == NULL)
    return g_strdup ("");
  return g_strstrip (g_strdup (buffer));
}


JsonNode *
cli_device_json (XaDevice *device)
{
  return xa_device_export_json (device, NULL);
}

/* "token_issued"/"token_expires" (ISO 8601) for a dated token. */
void
cli_add_token_dates (JsonObject *o,
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
int
cli_check_token_kept (Cli             *cli,
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
      g_autoptr(JsonNode) node = cli_device_json (xa_device_session_get_device (session));
      json_object_set_string_member (json_node_get_object (node), "verdict", "token-not-saved");
      json_object_set_string_member (json_node_get_object (node), "message", keyring_error->message);
      json_object_set_string_member (json_node_get_object (node), "token", xa_device_session_get_token (session));
      cli_print_json (node);
    }
  else
    g_print ("%s\n", xa_device_session_get_token (session));
  return EXIT_FAILURE_OTHER;
}

/* A session for each saved device, in the list's order, or NULL (having
 * set @error) when the devices cannot be read. */
GPtrArray *
cli_sessions_of_all (Cli     *cli,
                     GError **error)
{
  GPtrArray *sessions;
  GListModel *model;

  if (!cli_open_store (cli, error))
    return NULL;
  model = G_LIST_MODEL (cli->store);
  sessions = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(XaDevice) device = g_list_model_get_item (model, i);

      g_ptr_array_add (sessions, cli_new_session (cli, device));
    }
  return sessions;
}

/* A list command's JSON: one object per item of @model. */
int
cli_print_json_list (GListModel *model,
                     JsonNode  *(*to_json) (gpointer item))
{
  g_autoptr(JsonArray) array = json_array_new ();
  g_autoptr(JsonNode) node = NULL;

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (model, i);
      json_array_add_element (array, to_json (item));
    }
  node = json_node_init_array (json_node_alloc (), array);
  cli_print_json (node);
  return EXIT_OK;
}

/* Runs the subcommand argv[1] names. With --help, lists them (standard
 * output); with none or another, says how to get that list. */
int
cli_run_subcommand (Cli                 *cli,
                    const char          *command,
                    const CliSubcommand *subcommands,
                    guint                n_subcommands,
                    int                  argc,
                    char               **argv)
{
  gboolean asked = argc > 1 && (g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h"));
  g_autoptr(CliTable) table = cli_table_new (2);

  for (guint i = 0; argc > 1 && i < n_subcommands; i++)
    if (g_str_equal (argv[1], subcommands[i].name))
      {
        g_autofree char *prgname = g_strdup_printf ("xiaozhictl %s %s", command, subcommands[i].name);
        g_set_prgname (prgname);
        return subcommands[i].run (cli, argc - 1, argv + 1);
      }

  if (!asked)
    {
      /* Translators: %s is a command, such as mcp */
      g_printerr (_("Usage: xiaozhictl %s COMMAND …\n"), command);
      /* Translators: %s is a command, such as mcp */
      g_printerr (_("Run “xiaozhictl %s --help” to see its commands.\n"), command);
      return EXIT_USAGE;
    }
  for (guint i = 0; i < n_subcommands; i++)
    {
      g_autofree char *usage = subcommands[i].args
                                 ? g_strdup_printf ("  %s %s", subcommands[i].name, _(subcommands[i].args))
                                 : g_strdup_printf ("  %s", subcommands[i].name);
      cli_table_add_row (table, usage, _(subcommands[i].summary), NULL);
    }
  g_print (_("Usage: xiaozhictl %s COMMAND …\n"), command);
  g_print ("\n");
  cli_table_print (table);
  g_print ("\n");
  /* Translators: %s is a command, such as mcp */
  g_print (_("Run “xiaozhictl %s COMMAND --help” for its options.\n"), command);
  return EXIT_OK;
}
