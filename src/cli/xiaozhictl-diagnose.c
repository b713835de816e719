/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "xa-device.h"
#include "xa-diagnosis.h"
#include "xa-identity.h"
#include "xa-url.h"
#include "xiaozhictl.h"

/* xiaozhictl diagnose: why a device gets no code, or is rejected. */

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
  if (!cli_parse_options (context, "diagnose", &argc, &argv, 0, 1, &status))
    return status;
  if (timeout_s <= 0 || timeout_s > CLI_MAX_TIMEOUT_S)
    return cli_usage_error ("diagnose", _("The timeout must be a number of seconds between 1 and 86400."));

  if (argc == 2)
    {
      XaDevice *device;

      if (ota_url != NULL || device_id != NULL || client_id != NULL)
        return cli_usage_error ("diagnose", _("A saved device (NAME) has its own OTA address and identity."));
      if ((device = cli_find_device (cli, argv[1], &error)) == NULL)
        return cli_fail (cli, error);
      if ((session = cli_open_session (cli, device, FALSE, &status)) == NULL)
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
  diagnosis = xa_diagnose_finish (cli_wait_for (cli, &result), &error);
  if (diagnosis == NULL)
    return cli_fail (cli, error);
  print_diagnosis (cli, who, ota_url, diagnosis);
  return EXIT_OK;
}
