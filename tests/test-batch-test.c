/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "xa-batch-test.h"
#include "xa-token-store.h"
#include "xa-test-util.h"

/* Many devices' Tests, a few at a time, against the demo server and a real
 * gnome-keyring (tests/with-keyring.sh): each device is heard once per
 * road, the batch ends when all have, and a cancel stops what is left. */

typedef struct
{
  XaDemoServer  *server;
  XaStore *store;
  char          *dir;
  GPtrArray     *sessions;
  GHashTable    *heard;     /* device name → verdict id, or "error" */
} Fixture;

static void
setup (Fixture       *f,
       gconstpointer  data)
{
  f->server = xa_test_server_new (XA_DEMO_MODE_OFFICIAL, FALSE);
  f->store = xa_test_store_new ("xa-batch", &f->dir);
  f->sessions = g_ptr_array_new_with_free_func (g_object_unref);
  f->heard = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

static void
teardown (Fixture       *f,
          gconstpointer  data)
{
  g_ptr_array_unref (f->sessions);
  g_hash_table_unref (f->heard);
  xa_test_store_free (f->store, f->dir);
  g_assert_finalize_object (f->server);
}

/* A saved device on the demo server in @mode, with @token (or none). */
static void
add (Fixture    *f,
     const char *name,
     const char *mac,
     XaDemoMode  mode,
     const char *token)
{
  g_autofree char *ota = xa_demo_server_get_url (f->server, mode, "ota");
  g_autofree char *ws = xa_demo_server_get_url (f->server, mode, "ws");
  g_autoptr(XaIdentity) identity = xa_identity_new (mac, NULL, NULL, NULL);
  g_autoptr(XaDevice) device = xa_device_new (name, ota, identity);
  XaDeviceSession *session;
  g_autoptr(GAsyncResult) added = NULL;

  g_object_set (device, "websocket-url", ws, NULL);
  session = xa_device_session_new (f->store, device);
  xa_device_session_add_async (session, token, NULL, NULL, xa_test_capture_cb, &added);
  g_assert_true (xa_device_session_add_finish (session, xa_test_wait (&added), NULL));
  g_ptr_array_add (f->sessions, session);
}

static void
each_cb (XaDeviceSession *session,
         const XaReport  *report,
         const GError    *error,
         gpointer         user_data)
{
  Fixture *f = user_data;
  const char *name = xa_device_get_name (xa_device_session_get_device (session));

  /* Heard once: a second word for the same device is a bug. */
  g_assert_false (g_hash_table_contains (f->heard, name));
  g_hash_table_insert (f->heard, g_strdup (name),
                       g_strdup (report ? xa_verdict_to_id (report->verdict) : "error"));
}

static gboolean
run (Fixture       *f,
     guint          jobs,
     GCancellable  *cancellable,
     GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  xa_batch_test_async (f->sessions, jobs, 3000, cancellable, each_cb, f, xa_test_capture_cb, &result);
  return xa_batch_test_finish (xa_test_wait (&result), error);
}

/* One at a time or all at once, every device is heard with its own
 * verdict: a rejected token, a device not activated, one without a token. */
static void
test_every_device_heard (Fixture       *f,
                         gconstpointer  data)
{
  add (f, "Rejected", "02:b0:00:00:00:01", XA_DEMO_MODE_SELF_HOSTED, "not-the-token");
  add (f, "Not activated", "02:b0:00:00:00:02", XA_DEMO_MODE_OFFICIAL, "test-token");
  add (f, "No token", "02:b0:00:00:00:03", XA_DEMO_MODE_OFFICIAL, NULL);

  for (guint jobs = 1; jobs <= 8; jobs += 7)
    {
      g_hash_table_remove_all (f->heard);
      g_assert_true (run (f, jobs, NULL, NULL));
      g_assert_cmpuint (g_hash_table_size (f->heard), ==, 3);
      g_assert_cmpstr (g_hash_table_lookup (f->heard, "Rejected"), ==, "rejected");
      g_assert_cmpstr (g_hash_table_lookup (f->heard, "Not activated"), ==, "not-activated");
      g_assert_nonnull (g_hash_table_lookup (f->heard, "No token"));
    }
}

/* Cancelled before it starts, nothing is tested, and it ends saying so. */
static void
test_cancelled (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;

  add (f, "Rejected", "02:b0:00:00:00:01", XA_DEMO_MODE_SELF_HOSTED, "not-the-token");
  g_cancellable_cancel (cancellable);
  g_assert_false (run (f, 1, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (g_hash_table_size (f->heard), ==, 0);
  g_assert_cmpuint (xa_demo_server_get_request_count (f->server, "ota"), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/xa/batch-test/every-device-heard", Fixture, NULL, setup, test_every_device_heard, teardown);
  g_test_add ("/xa/batch-test/cancelled", Fixture, NULL, setup, test_cancelled, teardown);
  return g_test_run ();
}
