/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "xa-export.h"
#include "xa-identity.h"
#include "xa-mcp-endpoint.h"
#include "xa-mcp-probe.h"
#include "xa-store.h"
#include "xa-text.h"
#include "xa-token-store.h"
#include "xiaozhictl.h"
#include "xiaozhictl-table.h"

/* xiaozhictl mcp add | list | show | test | export | remove: MCP endpoints
 * kept (the address in mcp-endpoints.json, the token in the keyring),
 * tested as a tool provider meets them, and exported. An address holds a
 * token, so it never comes through argv: from $MCP_ENDPOINT (as
 * mcp_pipe.py reads it), else from standard input. */

/* The endpoint address, split: from MCP_ENDPOINT, else standard input.
 * FALSE, @status set, when it is no endpoint address. */
static gboolean
read_endpoint (const char  *command,
               char       **address,
               char       **token,
               int         *status)
{
  g_auto(XaSecret) url = g_getenv ("MCP_ENDPOINT") ? g_strdup (g_getenv ("MCP_ENDPOINT")) : cli_read_line ();
  g_autoptr(GError) error = NULL;

  if (xa_mcp_endpoint_split (url, address, token, &error))
    return TRUE;
  *status = cli_usage_error (command, error->message);
  return FALSE;
}

static gboolean
open_mcp_store (Cli     *cli,
                GError **error)
{
  return cli_open_store_of (cli, &cli->mcp_store, &xa_mcp_endpoint_kind, error);
}

static gboolean
run_store_change (Cli  *cli,
                  void (*change) (XaStore *, gpointer, GCancellable *, GAsyncReadyCallback, gpointer),
                  XaMcpEndpoint *endpoint,
                  GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  change (cli->mcp_store, endpoint, cli->cancellable, cli_capture_cb, &result);
  return xa_store_finish (cli->mcp_store, cli_wait_for (cli, &result), error);
}

/* The saved endpoint @name and its token (NULL when the keyring has
 * none); FALSE, @status set, when either cannot be had. */
static gboolean
open_endpoint (Cli            *cli,
               const char     *name,
               XaMcpEndpoint **endpoint,
               char          **token,
               int            *status)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  if (!open_mcp_store (cli, &error))
    {
      *status = cli_fail (cli, error);
      return FALSE;
    }
  *endpoint = xa_store_find (cli->mcp_store, name);
  if (*endpoint == NULL)
    {
      g_set_error (&error, XA_STORE_ERROR, XA_STORE_ERROR_NOT_FOUND,
                   _("There is no MCP endpoint named “%s”. Run “xiaozhictl mcp list” to see them."), name);
      *status = cli_fail (cli, error);
      return FALSE;
    }
  g_object_ref (*endpoint);
  xa_token_store_lookup_mcp_async (*endpoint, cli->cancellable, cli_capture_cb, &result);
  *token = xa_token_store_lookup_finish (cli_wait_for (cli, &result), &error);
  if (error != NULL)
    {
      g_clear_object (endpoint);
      *status = cli_fail (cli, error);
      return FALSE;
    }
  if (*token == NULL)
    {
      g_set_error (&error, XA_KEYRING_ERROR, XA_KEYRING_ERROR_FAILED,
                   _("The keyring holds no token for “%s”. Remove it and add its address again."), name);
      g_clear_object (endpoint);
      *status = cli_fail (cli, error);
      return FALSE;
    }
  return TRUE;
}

/* What an endpoint says of itself: its address, server and token
 * (masked; an official token's claims, read and not checked). */
static void
print_endpoint (Cli        *cli,
                const char *name,
                const char *address,
                const char *token)
{
  g_autoptr(CliTable) fields = cli_table_new (2);
  g_autoptr(XaMcpClaims) claims = xa_mcp_token_read_claims (token);
  g_autofree char *masked = xa_token_mask (token);
  g_autofree char *issued = NULL;
  g_autofree char *expires = NULL;

  if (name != NULL)
    cli_table_add_row (fields, _("Name:"), cli_safe (cli, name), NULL);
  cli_table_add_row (fields, _("Address:"), cli_safe (cli, address), NULL);
  cli_table_add_row (fields, _("Server:"), xa_mcp_endpoint_describe_server (address), NULL);
  cli_table_add_row (fields, _("Token:"), masked, NULL);
  if (claims == NULL)
    cli_table_add_row (fields, "", _("Not a JWT: only its server can read it (a self-hosted token is encrypted)."),
                       NULL);
  else
    {
      issued = xa_text_format_time (claims->issued_at, _("not said"));
      expires = xa_text_format_time (claims->expires_at, _("not said (older tokens do not)"));
      cli_table_add_row (fields, "", _("What it says, read from the token and not checked by the server:"), NULL);
      cli_table_add_row (fields, _("Agent:"), claims->agent_id ? cli_safe (cli, claims->agent_id) : _("not said"), NULL);
      cli_table_add_row (fields, _("Endpoint:"), claims->endpoint_id ? cli_safe (cli, claims->endpoint_id) : _("not said"),
                         NULL);
      cli_table_add_row (fields, _("Issued:"), issued, NULL);
      cli_table_add_row (fields, _("Expires:"), expires, NULL);
      if (xa_mcp_claims_expired (claims, g_get_real_time () / G_USEC_PER_SEC))
        cli_table_add_row (fields, "", _("Expired: get a new endpoint address from the console."), NULL);
    }
  cli_table_print (fields);
}

static int
mcp_add (Cli   *cli,
         int    argc,
         char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (_("NAME"));
  g_autoptr(XaMcpEndpoint) endpoint = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *address = NULL;
  g_auto(XaSecret) token = NULL;
  int status;

  g_option_context_set_summary (context, _("Keep an MCP endpoint under NAME: its address is read from MCP_ENDPOINT, "
                                           "or else from standard input. The token goes into the keyring, the "
                                           "address without it into the endpoints file."));
  if (!cli_parse_options (context, "mcp add", &argc, &argv, 1, 1, &status))
    return status;
  if (*argv[1] == '\0')
    return cli_usage_error ("mcp add", _("Give the endpoint a name."));
  if (!read_endpoint ("mcp add", &address, &token, &status))
    return status;
  if (!open_mcp_store (cli, &error))
    return cli_fail (cli, error);

  endpoint = xa_mcp_endpoint_new (argv[1], address);
  if (!run_store_change (cli, xa_store_add_async, endpoint, &error))
    return cli_fail (cli, error);
  xa_token_store_save_mcp_async (endpoint, token, cli->cancellable, cli_capture_cb, &result);
  if (!xa_token_store_save_finish (cli_wait_for (cli, &result), &error))
    {
      /* Without its token it would be a name that cannot be tested. */
      g_autoptr(GError) ignored = NULL;
      run_store_change (cli, xa_store_remove_async, endpoint, &ignored);
      return cli_fail (cli, error);
    }
  g_print (_("Added “%s”; its token is in the keyring.\n"), cli_safe (cli, argv[1]));
  print_endpoint (cli, NULL, address, token);
  return EXIT_OK;
}

static JsonNode *
endpoint_json (gpointer item)
{
  XaMcpEndpoint *endpoint = item;
  g_autoptr(XaReport) last = xa_mcp_endpoint_dup_last_report (endpoint);
  JsonObject *o = json_object_new ();
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  json_object_set_string_member (o, "name", xa_mcp_endpoint_get_name (endpoint));
  json_object_set_string_member (o, "address", xa_mcp_endpoint_get_address (endpoint));
  if (last != NULL)
    {
      json_object_set_string_member (o, "last_verdict", xa_verdict_to_id (last->verdict));
      json_object_set_int_member (o, "last_tested", xa_mcp_endpoint_get_last_tested (endpoint));
    }
  json_node_take_object (node, o);
  return node;
}

static int
mcp_list (Cli   *cli,
          int    argc,
          char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(CliTable) table = cli_table_new (3);
  g_autoptr(GError) error = NULL;
  GListModel *model;
  int status;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &cli->json, N_("Print the result as JSON"), NULL },
    { NULL }
  };

  g_option_context_set_summary (context, _("List the kept MCP endpoints and how their last Test went."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!cli_parse_options (context, "mcp list", &argc, &argv, 0, 0, &status))
    return status;
  if (!open_mcp_store (cli, &error))
    return cli_fail (cli, error);

  model = G_LIST_MODEL (cli->mcp_store);
  if (cli->json)
    return cli_print_json_list (model, endpoint_json);
  if (g_list_model_get_n_items (model) == 0)
    {
      g_print (_("No MCP endpoints yet. Add one with “xiaozhictl mcp add NAME”.\n"));
      return EXIT_OK;
    }
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(XaMcpEndpoint) e = g_list_model_get_item (model, i);
      g_autoptr(XaReport) last = xa_mcp_endpoint_dup_last_report (e);

      cli_table_add_row (table, cli_safe (cli, xa_mcp_endpoint_get_name (e)),
                         cli_safe (cli, xa_mcp_endpoint_get_address (e)),
                         last ? xa_report_get_title (last) : _("Not tested yet"), NULL);
    }
  cli_table_print (table);
  return EXIT_OK;
}

static int
mcp_show (Cli   *cli,
          int    argc,
          char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (_("[NAME]"));
  g_autoptr(XaMcpEndpoint) endpoint = NULL;
  g_autofree char *address = NULL;
  g_auto(XaSecret) token = NULL;
  int status;

  g_option_context_set_summary (context, _("Show what an MCP endpoint says of itself, without connecting: its "
                                           "server and what its token says (read from the token, not checked "
                                           "by the server). Without NAME, the address is read as for "
                                           "“mcp add”."));
  if (!cli_parse_options (context, "mcp show", &argc, &argv, 0, 1, &status))
    return status;
  if (argc == 2)
    {
      if (!open_endpoint (cli, argv[1], &endpoint, &token, &status))
        return status;
      print_endpoint (cli, argv[1], xa_mcp_endpoint_get_address (endpoint), token);
      return EXIT_OK;
    }
  if (!read_endpoint ("mcp show", &address, &token, &status))
    return status;
  print_endpoint (cli, NULL, address, token);
  return EXIT_OK;
}

static int
mcp_test (Cli   *cli,
          int    argc,
          char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (_("[NAME]"));
  g_autoptr(XaMcpEndpoint) endpoint = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(XaReport) report = NULL;
  g_autofree char *address = NULL;
  g_auto(XaSecret) token = NULL;
  int stay_s = XA_MCP_DEFAULT_STAY_MS / 1000;
  int status;
  GOptionEntry entries[] = {
    { "stay", 0, 0, G_OPTION_ARG_INT, &stay_s, N_("Stay connected this many seconds (default: 5)"), N_("SECONDS") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &cli->json, N_("Print the result as JSON"), NULL },
    { NULL }
  };
  g_autofree char *summary = g_strconcat (_("Test an MCP endpoint as a tool provider would use it: the one kept "
                                            "as NAME, or else the address read from MCP_ENDPOINT or standard "
                                            "input (never from the command line)."),
                                          "\n\n", xa_mcp_probe_get_do_no_harm (), NULL);

  g_option_context_set_summary (context, summary);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!cli_parse_options (context, "mcp test", &argc, &argv, 0, 1, &status))
    return status;
  if (stay_s < 1 || stay_s > 60)
    return cli_usage_error ("mcp test", _("Stay between 1 and 60 seconds."));

  if (argc == 2)
    {
      if (!open_endpoint (cli, argv[1], &endpoint, &token, &status))
        return status;
      address = g_strdup (xa_mcp_endpoint_get_address (endpoint));
      if (xa_mcp_endpoint_get_last_tested (endpoint) == 0 && !cli->json)
        g_printerr ("%s\n", xa_mcp_probe_get_do_no_harm ());
    }
  else if (!read_endpoint ("mcp test", &address, &token, &status))
    return status;

  xa_mcp_probe_async (address, token, (guint) stay_s * 1000, cli->cancellable, cli_capture_cb, &result);
  report = xa_mcp_probe_finish (cli_wait_for (cli, &result), &error);
  if (report == NULL)
    return cli_fail (cli, error);
  if (endpoint != NULL && report->verdict != XA_VERDICT_CANCELLED)
    {
      g_autoptr(GError) store_error = NULL;

      xa_mcp_endpoint_set_last_report (endpoint, report, g_get_real_time () / G_USEC_PER_SEC);
      if (!run_store_change (cli, xa_store_save_async, endpoint, &store_error))
        g_printerr (_("Warning: the endpoints file was not updated: %s\n"), store_error->message);
    }
  cli_print_report (cli, report);
  return xa_verdict_get_exit_status (report->verdict);
}

static int
mcp_export (Cli   *cli,
            int    argc,
            char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (_("NAME"));
  g_autoptr(XaMcpEndpoint) endpoint = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *env_file = NULL;
  g_autofree char *client = NULL;
  g_autofree char *written = NULL;
  g_auto(XaSecret) token = NULL;
  g_auto(XaSecret) url = NULL;
  gboolean print = FALSE;
  gboolean done;
  int status;
  GOptionEntry entries[] = {
    { "env", 0, 0, G_OPTION_ARG_FILENAME, &env_file, N_("Set MCP_ENDPOINT in this env file (as mcp_pipe.py reads it)"),
      N_("FILE") },
    { "xiaozhi-client", 0, 0, G_OPTION_ARG_FILENAME, &client,
      N_("Set mcpEndpoint in xiaozhi-client's xiaozhi.config.json (the file or its folder)"), N_("PATH") },
    { "print", 0, 0, G_OPTION_ARG_NONE, &print, N_("Print the address with its token to standard output"), NULL },
    { NULL }
  };

  g_option_context_set_summary (context, _("Export a kept MCP endpoint's address, with its token, where a tool "
                                           "provider reads it. Every other line or member of the file is kept; "
                                           "the old file stays beside it as FILE.bak."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!cli_parse_options (context, "mcp export", &argc, &argv, 1, 1, &status))
    return status;
  if ((env_file != NULL) + (client != NULL) + print != 1)
    return cli_usage_error ("mcp export", _("Give one of --env, --xiaozhi-client or --print."));
  if (!open_endpoint (cli, argv[1], &endpoint, &token, &status))
    return status;

  url = xa_mcp_endpoint_join (xa_mcp_endpoint_get_address (endpoint), token);
  if (print)
    {
      g_print ("%s\n", url);
      return EXIT_OK;
    }
  done = env_file ? xa_mcp_env_export (env_file, url, &error) : xa_xiaozhi_client_export (client, url, &error);
  if (!done)
    return cli_fail (cli, error);
  written = env_file ? g_strdup (env_file) : xa_xiaozhi_client_config_file (client);
  g_print (_("Wrote “%s”.\n"), written);
  return EXIT_OK;
}

static int
mcp_remove (Cli   *cli,
            int    argc,
            char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (_("NAME"));
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(XaMcpEndpoint) endpoint = NULL;
  int status;

  g_option_context_set_summary (context, _("Forget a kept MCP endpoint and remove its token from the keyring."));
  if (!cli_parse_options (context, "mcp remove", &argc, &argv, 1, 1, &status))
    return status;
  if (!open_mcp_store (cli, &error))
    return cli_fail (cli, error);
  endpoint = xa_store_find (cli->mcp_store, argv[1]);
  if (endpoint == NULL)
    {
      g_set_error (&error, XA_STORE_ERROR, XA_STORE_ERROR_NOT_FOUND,
                   _("There is no MCP endpoint named “%s”. Run “xiaozhictl mcp list” to see them."), argv[1]);
      return cli_fail (cli, error);
    }
  g_object_ref (endpoint);
  /* The token first: a name left without one can be removed again, a
   * token left without its name could not be found. */
  xa_token_store_delete_mcp_async (endpoint, cli->cancellable, cli_capture_cb, &result);
  if (!xa_token_store_delete_finish (cli_wait_for (cli, &result), &error))
    {
      g_autoptr(GError) kept = g_error_new (error->domain, error->code,
                                            /* Translators: %s says what is wrong with the keyring and what to do */
                                            _("The endpoint was not removed, so that its token is not left behind: %s"),
                                            error->message);
      return cli_fail (cli, kept);
    }
  if (!run_store_change (cli, xa_store_remove_async, endpoint, &error))
    return cli_fail (cli, error);
  g_print (_("Removed “%s”.\n"), cli_safe (cli, argv[1]));
  return EXIT_OK;
}

int
cli_cmd_mcp (Cli   *cli,
             int    argc,
             char **argv)
{
  static const CliSubcommand subcommands[] = {
    { "add", N_("NAME"), N_("Keep an endpoint (its address from MCP_ENDPOINT or standard input)"), mcp_add },
    { "list", NULL, N_("List the kept endpoints and their last Test"), mcp_list },
    { "show", N_("[NAME]"), N_("What an endpoint says of itself, without connecting"), mcp_show },
    { "test", N_("[NAME]"), N_("Test an endpoint as a tool provider would use it"), mcp_test },
    { "export", N_("NAME"), N_("Put its address, with its token, where a provider reads it"), mcp_export },
    { "remove", N_("NAME"), N_("Forget an endpoint and remove its token from the keyring"), mcp_remove },
  };

  return cli_run_subcommand (cli, "mcp", subcommands, G_N_ELEMENTS (subcommands), argc, argv);
}
