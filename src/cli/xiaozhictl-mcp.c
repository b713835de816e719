/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "xa-identity.h"
#include "xa-mcp-endpoint.h"
#include "xa-mcp-probe.h"
#include "xiaozhictl.h"

/* xiaozhictl mcp test: an MCP endpoint tested as a tool provider meets
 * it. Its address holds a token, so it never comes through argv: from
 * $MCP_ENDPOINT (as mcp_pipe.py reads it), else from standard input. */

static char *
read_endpoint (void)
{
  char buffer[8192];

  if (g_getenv ("MCP_ENDPOINT") != NULL)
    return g_strdup (g_getenv ("MCP_ENDPOINT"));
  if (fgets (buffer, sizeof buffer, stdin) == NULL)
    return g_strdup ("");
  return g_strstrip (g_strdup (buffer));
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
  g_auto(XaSecret) url = NULL;
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

  url = read_endpoint ();
  if (!xa_mcp_endpoint_split (url, &address, &token, &error))
    return cli_usage_error ("mcp test", error->message);
  xa_mcp_probe_async (address, token, (guint) stay_s * 1000, cli->cancellable, cli_capture_cb, &result);
  report = xa_mcp_probe_finish (cli_wait_for (cli, &result), &error);
  if (report == NULL)
    return cli_fail (cli, error);
  cli_print_report (cli, report);
  return xa_verdict_get_exit_status (report->verdict);
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
  return cli_usage_error ("mcp", _("Give a subcommand: test."));
}
