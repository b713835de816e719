/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "xa-identity.h"
#include "xa-mcp-endpoint.h"
#include "xa-mcp-probe.h"
#include "xa-token-store.h"
#include "xiaozhictl.h"
#include "xiaozhictl-table.h"

/* xiaozhictl mcp test | show: an MCP endpoint tested as a tool provider
 * meets it, or shown as it says of itself. Its address holds a token, so
 * it never comes through argv: from $MCP_ENDPOINT (as mcp_pipe.py reads
 * it), else from standard input. */

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

static int
mcp_test (Cli   *cli,
          int    argc,
          char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
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

  g_option_context_set_summary (context, _("Test an MCP endpoint as a tool provider would use it. Its address, "
                                           "with its token, is read from MCP_ENDPOINT, or else from standard "
                                           "input: never from the command line.\n\n"
                                           "A self-hosted endpoint drops the provider that is connected while the "
                                           "Test is (providers such as mcp_pipe.py connect again by themselves)."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!cli_parse_options (context, "mcp test", &argc, &argv, 0, 0, &status))
    return status;
  if (stay_s < 1 || stay_s > 60)
    return cli_usage_error ("mcp test", _("Stay between 1 and 60 seconds."));

  if (!read_endpoint ("mcp test", &address, &token, &status))
    return status;
  xa_mcp_probe_async (address, token, (guint) stay_s * 1000, cli->cancellable, cli_capture_cb, &result);
  report = xa_mcp_probe_finish (cli_wait_for (cli, &result), &error);
  if (report == NULL)
    return cli_fail (cli, error);
  cli_print_report (cli, report);
  return xa_verdict_get_exit_status (report->verdict);
}

/* What an endpoint address says of itself, without connecting: the
 * address, which server, and what its token says (masked; an official
 * token's claims, read and not checked). */
static int
mcp_show (Cli   *cli,
          int    argc,
          char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(CliTable) fields = cli_table_new (2);
  g_autoptr(XaMcpClaims) claims = NULL;
  g_autofree char *address = NULL;
  g_autofree char *masked = NULL;
  g_autofree char *issued = NULL;
  g_autofree char *expires = NULL;
  g_auto(XaSecret) token = NULL;
  const char *server;
  int status;

  g_option_context_set_summary (context, _("Show what an MCP endpoint address says of itself, without connecting: "
                                           "its server and what its token says (read from the token, not checked "
                                           "by the server). The address is read as for “mcp test”."));
  if (!cli_parse_options (context, "mcp show", &argc, &argv, 0, 0, &status))
    return status;
  if (!read_endpoint ("mcp show", &address, &token, &status))
    return status;

  masked = xa_token_mask (token);
  switch (xa_mcp_endpoint_server_kind (address))
    {
    case XA_MCP_SERVER_OFFICIAL:
      server = _("the official cloud (xiaozhi.me)");
      break;
    case XA_MCP_SERVER_SELF_HOSTED:
      server = _("self-hosted (mcp-endpoint-server)");
      break;
    case XA_MCP_SERVER_OTHER:
    default:
      server = _("another server");
      break;
    }
  cli_table_add_row (fields, _("Address:"), cli_safe (cli, address), NULL);
  cli_table_add_row (fields, _("Server:"), server, NULL);
  cli_table_add_row (fields, _("Token:"), masked, NULL);
  claims = xa_mcp_token_read_claims (token);
  if (claims == NULL)
    cli_table_add_row (fields, "", _("Not a JWT: only its server can read it (a self-hosted token is encrypted)."),
                       NULL);
  else
    {
      issued = cli_format_time (claims->issued_at, _("not said"));
      expires = cli_format_time (claims->expires_at, _("not said (older tokens do not)"));
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
  return EXIT_OK;
}

int
cli_cmd_mcp (Cli   *cli,
             int    argc,
             char **argv)
{
  if (argc >= 2 && g_str_equal (argv[1], "test"))
    {
      g_set_prgname ("xiaozhictl mcp test");
      return mcp_test (cli, argc - 1, argv + 1);
    }
  if (argc >= 2 && g_str_equal (argv[1], "show"))
    {
      g_set_prgname ("xiaozhictl mcp show");
      return mcp_show (cli, argc - 1, argv + 1);
    }
  return cli_usage_error ("mcp", _("Give a subcommand: test or show."));
}
