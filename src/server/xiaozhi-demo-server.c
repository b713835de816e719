/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>
#include <glib-unix.h>
#include <locale.h>

#include "xa-demo-server.h"

static gboolean
quit_cb (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_REMOVE;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(XaDemoServer) server = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *mode_nick = NULL;
  g_autofree char *tls_cert = NULL;
  g_autofree char *tls_key = NULL;
  g_autofree char *ota = NULL;
  g_autofree char *mcp = NULL;
  g_autofree char *mcp_token = NULL;
  g_autofree char *ws = NULL;
  g_autofree char *panel = NULL;
  g_autoptr(GString) modes = g_string_new (NULL);
  int port = 0;
  int code_lifetime = 300;
  g_autofree char *mqtt_broker = NULL;
  g_autofree char *mqtt_user = NULL;
  g_autofree char *mqtt_password = NULL;
  XaDemoMode mode = XA_DEMO_MODE_OFFICIAL;
  GOptionEntry entries[] = {
    { "port", 'p', 0, G_OPTION_ARG_INT, &port, N_("Port to listen on (0 picks a free one)"), N_("PORT") },
    { "mode", 'm', 0, G_OPTION_ARG_STRING, &mode_nick, N_("How the server behaves (see below)"), N_("MODE") },
    { "tls-cert", 0, 0, G_OPTION_ARG_FILENAME, &tls_cert, N_("Serve HTTPS with this PEM certificate"), N_("FILE") },
    { "tls-key", 0, 0, G_OPTION_ARG_FILENAME, &tls_key, N_("Private key of the certificate"), N_("FILE") },
    { "code-lifetime", 0, 0, G_OPTION_ARG_INT, &code_lifetime, N_("Seconds an activation code stays valid"), N_("SECONDS") },
    { "mqtt-broker", 0, 0, G_OPTION_ARG_STRING, &mqtt_broker, N_("Be the MQTT gateway on this broker (mqtt-* modes)"), N_("HOST:PORT") },
    { "mqtt-user", 0, 0, G_OPTION_ARG_STRING, &mqtt_user, N_("The gateway’s user name on the broker"), N_("USER") },
    { "mqtt-password", 0, 0, G_OPTION_ARG_STRING, &mqtt_password, N_("The gateway’s password on the broker"), N_("PASSWORD") },
    { NULL }
  };

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  for (guint i = 0; i < XA_DEMO_N_MODES; i++)
    g_string_append_printf (modes, "%s%s", i ? ", " : "", xa_demo_mode_to_nick (i));

  context = g_option_context_new (NULL);
  g_option_context_set_summary (context,
                                _("A xiaozhi-compatible server on 127.0.0.1 for trying out and testing activation."));
  {
    g_autofree char *desc = g_strdup_printf (_("Modes: %s.\nAny request can pick another mode with a /mode/MODE/ path prefix."),
                                             modes->str);
    g_option_context_set_description (context, desc);
  }
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }

  if (mode_nick != NULL && !xa_demo_mode_from_nick (mode_nick, &mode))
    {
      g_printerr (_("Unknown mode “%s”. Modes: %s.\n"), mode_nick, modes->str);
      return 2;
    }
  if (port < 0 || port > 65535 || code_lifetime <= 0)
    {
      g_printerr (_("The port must be 0–65535 and the code lifetime positive.\n"));
      return 2;
    }

  server = xa_demo_server_new (mode);
  xa_demo_server_set_code_lifetime (server, code_lifetime * 1000);
  if (tls_cert != NULL)
    {
      g_autoptr(GTlsCertificate) cert = g_tls_certificate_new_from_files (tls_cert, tls_key ? tls_key : tls_cert, &error);
      if (cert == NULL)
        {
          g_printerr (_("Could not load the certificate: %s\n"), error->message);
          return 1;
        }
      xa_demo_server_set_tls_certificate (server, cert);
    }

  if (!xa_demo_server_listen (server, port, &error))
    {
      g_printerr (_("Could not listen on port %d: %s\n"), port, error->message);
      return 1;
    }

  if (mqtt_broker != NULL)
    {
      const char *colon = strrchr (mqtt_broker, ':');
      gint64 mqtt_port = 0;
      g_autofree char *host = colon ? g_strndup (mqtt_broker, colon - mqtt_broker) : NULL;

      if (host == NULL || !g_ascii_string_to_signed (colon + 1, 10, 1, 65535, &mqtt_port, NULL))
        {
          g_printerr (_("The MQTT broker is given as HOST:PORT, such as 127.0.0.1:1883.\n"));
          return 2;
        }
      if (!xa_demo_server_set_mqtt_broker (server, host, (int) mqtt_port, mqtt_user, mqtt_password, &error))
        {
          g_printerr (_("Could not connect to the MQTT broker: %s\n"), error->message);
          return 1;
        }
    }

  ota = xa_demo_server_get_url (server, mode, "ota");
  ws = xa_demo_server_get_url (server, mode, "ws");
  panel = xa_demo_server_get_url (server, mode, "panel");
  g_print (_("Xiaozhi demo server (%s mode)\n"), xa_demo_mode_to_nick (mode));
  g_print (_("  OTA address:    %s\n"), ota);
  g_print (_("  WebSocket:      %s\n"), ws);
  g_print (_("  Control panel:  %s\n"), panel);
  /* An MCP endpoint to try xiaozhictl mcp and the MCP Endpoints window
   * against: a token of this run, and a caller that asks for the tools a
   * second after a provider connects. */
  mcp_token = g_uuid_string_random ();
  xa_demo_server_add_mcp_token (server, mcp_token, "demo-agent");
  xa_demo_server_set_mcp_caller (server, 1000);
  mcp = xa_demo_server_get_mcp_address (server, FALSE);
  g_print (_("  MCP endpoint:   %s?token=%s\n"), mcp, mcp_token);
  g_print (_("Press Ctrl+C to stop.\n"));

  loop = g_main_loop_new (NULL, FALSE);
  g_unix_signal_add (SIGINT, quit_cb, loop);
  g_unix_signal_add (SIGTERM, quit_cb, loop);
  g_main_loop_run (loop);

  return 0;
}
