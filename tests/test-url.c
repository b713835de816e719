/* SPDX-License-Identifier: GPL-3.0-or-later */
/* xa-url: addresses checked before anything is sent, what they say of
 * the server behind them, and who can reach them. */
#include "config.h"

#include <json-glib/json-glib.h>

#include "xa-ota.h"
#include "xa-test-util.h"
#include "xa-text.h"
#include "xa-token.h"
#include "xa-url.h"

static void
test_activate_url (void)
{
  g_autofree char *a = xa_ota_activate_url ("https://api.tenclass.net/xiaozhi/ota/");
  g_autofree char *b = xa_ota_activate_url ("http://h:8002/xiaozhi/ota");

  g_assert_cmpstr (a, ==, "https://api.tenclass.net/xiaozhi/ota/activate");
  g_assert_cmpstr (b, ==, "http://h:8002/xiaozhi/ota/activate");
}

static void
test_control_panel_guess (void)
{
  g_autofree char *official = xa_ota_guess_control_panel ("https://api.tenclass.net/xiaozhi/ota/");
  g_autofree char *own = xa_ota_guess_control_panel ("http://192.168.1.5:8002/xiaozhi/ota/");

  g_assert_cmpstr (official, ==, "https://xiaozhi.me/");
  g_assert_cmpstr (own, ==, "http://192.168.1.5:8002/");
}

static void
test_url_warnings (void)
{
  const struct { const char *url; const char *in_warning; } cases[] = {
    { "http://192.168.1.5:8002/xiaozhi/ota", "end with a slash" },
    { "http://127.0.0.1:8002/xiaozhi/ota/", "only works on this computer" },
    { "http://172.18.0.2:8002/xiaozhi/ota/", "inside Docker" },
    { "http://api.tenclass.net/xiaozhi/ota/", "needs https" },
    { "https://192.168.1.5:8002/xiaozhi/ota/", "plain http://" },
  };
  g_autofree char *fine = xa_ota_url_warnings ("http://192.168.1.5:8002/xiaozhi/ota/");
  g_autofree char *official = xa_ota_url_warnings (XA_OTA_DEFAULT_URL);

  g_assert_null (fine);
  g_assert_null (official);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *w = xa_ota_url_warnings (cases[i].url);
      g_assert_nonnull (w);
      g_assert_nonnull (strstr (w, cases[i].in_warning));
    }
  /* Two mistakes, two lines: the add dialog shows each with its icon. */
  {
    g_autofree char *two = xa_ota_url_warnings ("http://127.0.0.1:8002/xiaozhi/ota");
    g_auto(GStrv) lines = g_strsplit (two, "\n", -1);

    g_assert_cmpuint (g_strv_length (lines), ==, 2);
    g_assert_nonnull (strstr (lines[0], "end with a slash"));
    g_assert_nonnull (strstr (lines[1], "only works on this computer"));
  }
}

static void
test_invalid_url (void)
{
  g_autoptr(XaIdentity) id = xa_identity_new (NULL, NULL, NULL, NULL);
  const char *urls[] = { "", "api.tenclass.net/xiaozhi/ota/", "ftp://x/ota/", "http:///ota" };

  for (guint i = 0; i < G_N_ELEMENTS (urls); i++)
    {
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(GError) error = NULL;

      xa_ota_check_async (urls[i], id, 0, NULL, xa_test_capture_cb, &result);
      g_assert_null (xa_ota_check_finish (xa_test_wait (&result), &error));
      g_assert_error (error, XA_OTA_ERROR, XA_OTA_ERROR_INVALID_URL);
    }
}

/* Who can reach an address the server gives, by what the address is:
 * loopback never for boards, link-local only on the same link, 172.16/12
 * either Docker's bridge or a LAN — both are said. Parsed only. */
static void
test_reach (void)
{
  const struct { const char *ws; const char *ota; const char *said; } cases[] = {
    { "ws://172.17.0.2:8000/xiaozhi/v1/", "http://192.0.2.10:8002/xiaozhi/ota/",
      "ws://172.17.0.2:8000/xiaozhi/v1/ is in 172.16.0.0/12: either a Docker bridge, which only that machine "
      "reaches, or a private network in that range, whose devices reach it." },
    { "ws://169.254.10.1:8000/xiaozhi/v1/", "http://192.0.2.10:8002/xiaozhi/ota/",
      "ws://169.254.10.1:8000/xiaozhi/v1/ is a link-local address: only machines on the same network link reach "
      "it, and it may change when the machine restarts." },
    { "ws://127.0.0.1:8000/xiaozhi/v1/", "http://192.0.2.10:8002/xiaozhi/ota/", "which only its own machine can reach" },
  };

  g_assert_cmpint (xa_host_get_reach ("127.0.0.1"), ==, XA_HOST_REACH_LOOPBACK);
  g_assert_cmpint (xa_host_get_reach ("fe80::1"), ==, XA_HOST_REACH_LINK_LOCAL);
  g_assert_cmpint (xa_host_get_reach ("172.31.255.1"), ==, XA_HOST_REACH_BRIDGE);
  g_assert_cmpint (xa_host_get_reach ("172.32.0.1"), ==, XA_HOST_REACH_NETWORK);
  g_assert_cmpint (xa_host_get_reach ("192.0.2.10"), ==, XA_HOST_REACH_NETWORK);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *json = g_strdup_printf ("{\"websocket\":{\"url\":\"%s\",\"token\":\"x.1795607593\"}}",
                                               cases[i].ws);
      g_autoptr(XaOtaAnswer) a = xa_ota_answer_parse (json, strlen (json), NULL);
      g_auto(GStrv) warnings = xa_ota_answer_setup_warnings (a, cases[i].ota);

      g_assert_cmpuint (g_strv_length (warnings), ==, 1);
      if (strstr (warnings[0], cases[i].said) == NULL)
        g_error ("“%s” does not say “%s”", warnings[0], cases[i].said);
    }
  /* A server on this computer sending a bridge address: right for here
   * when it is Docker's, and both are said. */
  {
    const char *json = "{\"websocket\":{\"url\":\"ws://172.17.0.2:8000/xiaozhi/v1/\",\"token\":\"x.1795607593\"}}";
    g_autoptr(XaOtaAnswer) a = xa_ota_answer_parse (json, strlen (json), NULL);
    g_autoptr(XaText) reach = xa_ota_answer_local_reach_text (a, "http://127.0.0.1:8003/xiaozhi/ota/");
    g_autofree char *said = xa_text_render (reach);

    g_assert_nonnull (strstr (said, "either a Docker bridge"));
    g_assert_nonnull (strstr (said, "For boards on another network"));
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/xa/url/activate-url", test_activate_url);
  g_test_add_func ("/xa/url/control-panel-guess", test_control_panel_guess);
  g_test_add_func ("/xa/url/url-warnings", test_url_warnings);
  g_test_add_func ("/xa/url/invalid-url", test_invalid_url);
  g_test_add_func ("/xa/url/reach", test_reach);

  return g_test_run ();
}
