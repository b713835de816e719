/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "xa-diagnosis.h"
#include "xa-ota-answer.h"
#include "xa-test-util.h"

/* The diagnosis against the demo server: which findings each kind of
 * server and device gives, most likely first, and what they say. */

typedef XaTestFixture Fixture;

static XaDiagnosis *
diagnose_full (Fixture    *f,
               const char *ota,
               const char *token,
               gboolean    ask_cloud)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  XaDiagnosis *diagnosis;

  xa_diagnose_async (ota, f->identity, token, ask_cloud, 3000, NULL, xa_test_capture_cb, &result);
  diagnosis = xa_diagnose_finish (xa_test_wait (&result), &error);
  g_assert_no_error (error);
  return diagnosis;
}

static XaDiagnosis *
diagnose_url (Fixture    *f,
              const char *ota)
{
  return diagnose_full (f, ota, NULL, FALSE);
}

/* The device diagnosed at the demo server in @mode. */
static XaDiagnosis *
diagnose (Fixture    *f,
          XaDemoMode  mode,
          const char *token,
          gboolean    ask_cloud)
{
  g_autofree char *ota = xa_demo_server_get_url (f->server, mode, "ota");

  return diagnose_full (f, ota, token, ask_cloud);
}

/* The ids of the findings, in order, space-separated. */
static char *
ids_of (const XaDiagnosis *diagnosis)
{
  GString *ids = g_string_new (NULL);

  for (guint i = 0; i < diagnosis->findings->len; i++)
    {
      const XaFinding *finding = g_ptr_array_index (diagnosis->findings, i);
      g_string_append_printf (ids, i ? " %s" : "%s", finding->id);
    }
  return g_string_free (ids, FALSE);
}

static const XaFinding *
finding (const XaDiagnosis *diagnosis,
         const char        *id)
{
  for (guint i = 0; i < diagnosis->findings->len; i++)
    {
      const XaFinding *f = g_ptr_array_index (diagnosis->findings, i);
      if (g_str_equal (f->id, id))
        return f;
    }
  return NULL;
}

/* A device the official cloud still asks for a code: the code first. */
static void
test_code_pending (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(XaDiagnosis) diagnosis = diagnose (f, XA_DEMO_MODE_OFFICIAL, NULL, FALSE);
  g_autofree char *ids = ids_of (diagnosis);

  g_assert_true (g_str_has_prefix (ids, "code-pending"));
  g_assert_nonnull (diagnosis->answer);
  g_assert_true (diagnosis->answer->has_activation);
}

/* A healthy single-module server: its hello works, and that is said. */
static void
test_hello_works (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(XaDiagnosis) diagnosis = diagnose (f, XA_DEMO_MODE_SINGLE_MODULE, NULL, FALSE);
  g_autofree char *ids = ids_of (diagnosis);
  const XaFinding *works = finding (diagnosis, "hello-works");
  g_autofree char *title = NULL;

  g_assert_null (strstr (ids, "hello "));
  g_assert_nonnull (works);
  g_assert_cmpstr (works->severity, ==, "info");
  title = xa_text_render (works->title);
  g_assert_true (g_str_has_prefix (title, "The hello was answered in "));
  g_assert_nonnull (diagnosis->hello);
  g_assert_cmpint (diagnosis->hello->verdict, ==, XA_VERDICT_VALID);
}

/* A token the self-hosted server never issued: the hello is rejected,
 * and that finding names what the server said. */
static void
test_hello_rejected (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(XaDiagnosis) diagnosis = diagnose (f, XA_DEMO_MODE_SELF_HOSTED, "not-the-token", FALSE);
  const XaFinding *hello = finding (diagnosis, "hello");
  g_autofree char *title = NULL;

  g_assert_nonnull (hello);
  g_assert_cmpstr (hello->severity, ==, "bad");
  title = xa_text_render (hello->title);
  g_assert_cmpstr (title, ==, "The hello says: Token rejected");
  g_assert_null (finding (diagnosis, "hello-works"));
}

/* Firmware: an older version at an address is no offer; a newer one is. */
static void
test_firmware (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(XaDiagnosis) older = NULL;
  g_autoptr(XaDiagnosis) newer = NULL;

  xa_demo_server_set_firmware (f->server, "0.0.0");
  older = diagnose (f, XA_DEMO_MODE_SINGLE_MODULE, NULL, FALSE);
  g_assert_null (finding (older, "firmware"));
  xa_demo_server_set_firmware (f->server, "3.0.0");
  newer = diagnose (f, XA_DEMO_MODE_SINGLE_MODULE, NULL, FALSE);
  g_assert_nonnull (finding (newer, "firmware"));
}

/* The official cloud, asked and not reachable, says so. */
static void
test_cloud_unreachable (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(XaDiagnosis) diagnosis = NULL;

  g_setenv ("XIAOZHI_OFFICIAL_OTA_URL", "http://127.0.0.1:1/xiaozhi/ota/", TRUE);
  diagnosis = diagnose (f, XA_DEMO_MODE_SELF_HOSTED, NULL, TRUE);
  g_unsetenv ("XIAOZHI_OFFICIAL_OTA_URL");
  g_assert_nonnull (finding (diagnosis, "cloud-unreachable"));
  g_assert_null (diagnosis->cloud_answer);
}

/* An OTA address that does not answer is tried as its variants on the
 * same host: the final slash, then the usual ports (here the demo
 * server's); the one that answers is offered. */
static void
test_ota_elsewhere (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *ota = xa_demo_server_get_url (f->server, XA_DEMO_MODE_SLASH_ONLY, "ota");
  g_autofree char *slashless = g_strndup (ota, strlen (ota) - 1);
  g_autofree char *port = g_strdup_printf ("%u", xa_demo_server_get_port (f->server));
  g_autofree char *expected = g_strdup_printf ("http://127.0.0.1:%s/xiaozhi/ota/", port);
  g_autofree char *nowhere = g_strdup_printf ("http://127.0.0.1:%d/xiaozhi/ota/", xa_test_free_port ());
  g_autoptr(XaDiagnosis) without_slash = NULL;
  g_autoptr(XaDiagnosis) other_port = NULL;
  g_autoptr(XaDiagnosis) healthy = NULL;
  const XaFinding *found;
  g_autofree char *title = NULL;

  without_slash = diagnose_url (f, slashless);
  found = finding (without_slash, "ota-elsewhere");
  g_assert_nonnull (found);
  g_assert_cmpstr (found->ota_url, ==, ota);
  title = xa_text_render (found->title);
  g_assert_true (g_str_has_prefix (title, "An OTA service answers at "));
  g_assert_true (g_str_has_suffix (title, ota));

  g_setenv ("XIAOZHI_DIAGNOSE_OTA_PORTS", port, TRUE);
  other_port = diagnose_url (f, nowhere);
  g_unsetenv ("XIAOZHI_DIAGNOSE_OTA_PORTS");
  found = finding (other_port, "ota-elsewhere");
  g_assert_nonnull (found);
  g_assert_cmpstr (found->ota_url, ==, expected);

  /* The other way round: a server that answers only without the slash. */
  {
    g_autofree char *with_slash = xa_demo_server_get_url (f->server, XA_DEMO_MODE_NO_SLASH, "ota");
    g_autofree char *without = g_strndup (with_slash, strlen (with_slash) - 1);
    g_autoptr(XaDiagnosis) only_without = diagnose_url (f, with_slash);

    found = finding (only_without, "ota-elsewhere");
    g_assert_nonnull (found);
    g_assert_cmpstr (found->ota_url, ==, without);
  }

  /* An address that answers tries nothing else. */
  healthy = diagnose_url (f, ota);
  g_assert_null (finding (healthy, "ota-failed"));
  g_assert_null (finding (healthy, "ota-elsewhere"));
}

/* What a self-hosted server says of itself to a GET, in its own words:
 * the manager-api's empty parameter is named with where to set it; where
 * the device's own request failed, the greeting says a service is there. */
static void
test_server_says (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(XaDiagnosis) unset = NULL;
  g_autoptr(XaDiagnosis) set = NULL;
  g_autoptr(XaDiagnosis) failing = NULL;
  g_autofree char *title = NULL;
  g_autofree char *advice = NULL;
  g_autofree char *greeting = NULL;
  const XaFinding *found;

  xa_demo_server_set_manager_unset (f->server, "server.websocket");
  unset = diagnose (f, XA_DEMO_MODE_MANAGER, NULL, FALSE);
  /* The other end: one GET, beside the device's POST. */
  g_assert_cmpuint (xa_demo_server_get_request_count (f->server, "ota-get"), ==, 1);
  found = g_ptr_array_index (unset->findings, 0);
  g_assert_cmpstr (found->id, ==, "server-unset");
  title = xa_text_render (found->title);
  advice = xa_text_render (found->advice);
  g_assert_cmpstr (title, ==, "The server says its setting server.websocket is empty");
  g_assert_nonnull (strstr (advice, "the server answered “OTA接口不正常，缺少websocket地址，请登录智控台，"
                                    "在参数管理找到【server.websocket】配置”"));
  g_assert_nonnull (strstr (advice, "set server.websocket under its parameters (参数管理)"));

  xa_demo_server_set_manager_unset (f->server, NULL);
  set = diagnose (f, XA_DEMO_MODE_MANAGER, NULL, FALSE);
  g_assert_null (finding (set, "server-unset"));
  g_assert_null (finding (set, "server-greeting"));

  failing = diagnose (f, XA_DEMO_MODE_HTTP_500, NULL, FALSE);
  g_assert_nonnull (finding (failing, "ota-failed"));
  found = finding (failing, "server-greeting");
  g_assert_nonnull (found);
  greeting = xa_text_render (found->advice);
  g_assert_nonnull (strstr (greeting, "the server answered “OTA interface is running. Devices POST to this address.”, "
                                      "but not the device’s own request: either another program listens there, or"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, func) g_test_add ("/xa/diagnosis/" path, Fixture, NULL, xa_test_setup, func, xa_test_teardown)
  ADD ("code-pending", test_code_pending);
  ADD ("hello-works", test_hello_works);
  ADD ("hello-rejected", test_hello_rejected);
  ADD ("firmware", test_firmware);
  ADD ("cloud-unreachable", test_cloud_unreachable);
  ADD ("ota-elsewhere", test_ota_elsewhere);
  ADD ("server-says", test_server_says);
  return g_test_run ();
}
