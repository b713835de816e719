/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <libsecret/secret.h>

#include "xa-test-util.h"

/* A test that waits longer than this has hung: fail it instead. */
#define HANG_LIMIT_US (60 * G_USEC_PER_SEC)

char *
xa_test_data_path (const char *name)
{
  return g_test_build_filename (G_TEST_DIST, "data", name, NULL);
}

/* A device of the official server with a fresh identity. */
XaDevice *
xa_test_device_new (const char *name,
                    const char *mac)
{
  g_autoptr(XaIdentity) id = xa_identity_new (mac, NULL, NULL, NULL);

  return xa_device_new (name, "https://api.tenclass.net/xiaozhi/ota/", id);
}

XaDemoServer *
xa_test_server_new (XaDemoMode mode,
                    gboolean   tls)
{
  g_autoptr(XaDemoServer) server = xa_demo_server_new (mode);
  g_autoptr(GError) error = NULL;

  if (tls)
    {
      g_autofree char *cert_path = xa_test_data_path ("demo-cert.pem");
      g_autofree char *key_path = xa_test_data_path ("demo-key.pem");
      g_autoptr(GTlsCertificate) cert = g_tls_certificate_new_from_files (cert_path, key_path, &error);

      g_assert_no_error (error);
      xa_demo_server_set_tls_certificate (server, cert);
    }

  xa_demo_server_listen (server, 0, &error);
  g_assert_no_error (error);

  return g_steal_pointer (&server);
}

void
xa_test_capture_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  GAsyncResult **slot = user_data;

  g_assert_null (*slot);
  *slot = g_object_ref (result);
}

static gboolean
tick_cb (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

void
xa_test_wait_until (gboolean *flag)
{
  gint64 limit = g_get_monotonic_time () + HANG_LIMIT_US;
  /* Wakes the loop now and then so the hang limit is checked. */
  guint tick = g_timeout_add (250, tick_cb, NULL);

  while (!*flag)
    {
      if (g_get_monotonic_time () > limit)
        g_error ("a test waited more than a minute: something hangs");
      g_main_context_iteration (NULL, TRUE);
    }
  g_source_remove (tick);
}

static gboolean
result_arrived (GAsyncResult **slot)
{
  return *slot != NULL;
}

GAsyncResult *
xa_test_wait (GAsyncResult **slot)
{
  gint64 limit = g_get_monotonic_time () + HANG_LIMIT_US;
  guint tick = g_timeout_add (250, tick_cb, NULL);

  while (!result_arrived (slot))
    {
      if (g_get_monotonic_time () > limit)
        g_error ("an async call never completed");
      g_main_context_iteration (NULL, TRUE);
    }
  g_source_remove (tick);

  return *slot;
}

static gboolean
set_flag_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

void
xa_test_sleep (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add (ms, set_flag_cb, &done);
  xa_test_wait_until (&done);
}

/* Locks the login keyring of the test's gnome-keyring. The test bus has
 * no prompter (tests/session-bus.conf): nothing unlocks it again, so a
 * test that calls this runs last. (Locking every collection makes
 * gnome-keyring 42 quit after items were deleted.) */
void
xa_test_lock_keyring (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SecretService) service = secret_service_get_sync (SECRET_SERVICE_NONE, NULL, &error);
  g_autoptr(SecretCollection) login = NULL;
  GList one = { NULL, NULL, NULL };

  g_assert_no_error (error);
  login = secret_collection_for_alias_sync (service, SECRET_COLLECTION_DEFAULT, SECRET_COLLECTION_NONE, NULL, &error);
  g_assert_no_error (error);
  one.data = login;
  g_assert_cmpint (secret_service_lock_sync (service, &one, NULL, NULL, &error), ==, 1);
  g_assert_no_error (error);
}
