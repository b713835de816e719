/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib-unix.h>
#include <locale.h>
#include <stdio.h>
#include <unistd.h>

#include "xa-net.h"
#include "xiaozhictl.h"

/* xiaozhictl: the command table, the options every command has, the
 * signals, and main(). Each command is in xiaozhictl-COMMAND.c, what they
 * share in xiaozhictl-util.c. */

static gboolean
interrupted_cb (gpointer user_data)
{
  Cli *cli = user_data;

  g_cancellable_cancel (cli->cancellable);
  return G_SOURCE_CONTINUE;
}

static const struct
{
  const char *name;
  int (*run) (Cli *cli, int argc, char **argv);
  const char *summary;
} commands[] = {
  { "activate", cli_cmd_activate, N_("Activate a device and get its token") },
  { "test", cli_cmd_test, N_("Test a token against the server") },
  { "diagnose", cli_cmd_diagnose, N_("Find out why a device gets no code or is rejected") },
  { "device", cli_cmd_device, N_("Add, list, show, rename and remove saved devices") },
  { "token", cli_cmd_token, N_("Print a saved device’s token") },
  { "refresh", cli_cmd_refresh, N_("Fetch a saved device’s current token from the server") },
  { "export", cli_cmd_export, N_("Write a device into py-xiaozhi’s config, an env file or JSON") },
  { "import", cli_cmd_import, N_("Save devices from py-xiaozhi’s config or a CSV file") },
  { "mcp", cli_cmd_mcp, N_("Keep, test and export MCP endpoints (their addresses never on the command line)") },
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

  /* Standard output carries results (and --json): logs go to stderr. */
  g_log_writer_default_set_use_stderr (TRUE);

  setlocale (LC_ALL, "");
  /* TEXTDOMAINDIR, as gettext's shell tools know it: translations from a
   * build tree or a relocated install. */
  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("TEXTDOMAINDIR") ? g_getenv ("TEXTDOMAINDIR") : LOCALEDIR);
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

  cli.cancellable = g_cancellable_new ();
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

  g_clear_object (&cli.store);
  g_clear_object (&cli.mcp_store);
  g_clear_pointer (&cli.safe_texts, g_ptr_array_unref);
  g_object_unref (cli.cancellable);
  return status;
}
