/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "xa-device-session.h"
#include "xa-device.h"
#include "xa-token-store.h"
#include "xa-token-test.h"
#include "xa-test-util.h"

/* XaDeviceSession against the demo server and a real gnome-keyring
 * (tests/with-keyring.sh): what it records must be true. */

#define DEVICE "02:66:55:44:33:22"
#define STORED_KEY "a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90"

typedef struct
{
  XaDemoServer  *server;
  XaStore *store;
  char          *dir;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  f->server = xa_test_server_new (XA_DEMO_MODE_OFFICIAL, FALSE);
  f->store = xa_test_store_new ("xa-session", &f->dir);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  xa_test_store_free (f->store, f->dir);
  g_assert_finalize_object (f->server);
}

static void
save (XaDevice     *device,
      XaSecretKind  kind,
      const char   *secret)
{
  g_autoptr(GAsyncResult) result = NULL;

  xa_token_store_save_async (device, kind, secret, NULL, xa_test_capture_cb, &result);
  g_assert_true (xa_token_store_save_finish (xa_test_wait (&result), NULL));
}

/* A saved device on the demo server in @mode, with its secrets. */
static XaDevice *
add_device (Fixture    *f,
            const char *name,
            XaDemoMode  mode,
            const char *token,
            const char *hmac_key)
{
  g_autofree char *ota = xa_demo_server_get_url (f->server, mode, "ota");
  g_autofree char *ws = xa_demo_server_get_url (f->server, mode, "ws");
  g_autoptr(XaIdentity) identity = xa_identity_new (DEVICE, NULL, NULL, NULL);
  g_autoptr(XaDevice) device = xa_device_new (name, ota, identity);
  g_autoptr(GAsyncResult) added = NULL;
  XaDevice *stored;

  g_object_set (device, "websocket-url", ws, NULL);
  xa_store_add_async (f->store, device, NULL, xa_test_capture_cb, &added);
  g_assert_true (xa_store_finish (f->store, xa_test_wait (&added), NULL));
  stored = xa_store_find (f->store, name);
  if (token != NULL)
    save (stored, XA_SECRET_TOKEN, token);
  if (hmac_key != NULL)
    save (stored, XA_SECRET_HMAC_KEY, hmac_key);
  return stored;
}

static XaDeviceSession *
loaded_session (Fixture  *f,
                XaDevice *device)
{
  XaDeviceSession *session = xa_device_session_new (f->store, device);
  g_autoptr(GAsyncResult) result = NULL;

  xa_device_session_load_async (session, NULL, xa_test_capture_cb, &result);
  g_assert_true (xa_device_session_load_finish (session, xa_test_wait (&result), NULL));
  g_assert_true (xa_device_session_get_ready (session));
  return session;
}

static void
code_issued_cb (XaActivation      *activation,
                const XaOtaAnswer *answer,
                gboolean           replaces,
                XaDemoServer      *server)
{
  /* The person types the code in the control panel. */
  g_free (xa_demo_server_bind_code (server, answer->code));
}

static gboolean
activate (Fixture          *f,
          XaDeviceSession  *session,
          GError          **error)
{
  g_autoptr(XaActivation) activation = xa_device_session_new_activation (session);
  g_autoptr(GAsyncResult) result = NULL;

  g_object_set (activation, "poll-interval-ms", 50, NULL);
  g_signal_connect (activation, "code-issued", G_CALLBACK (code_issued_cb), f->server);
  xa_device_session_activate_async (session, activation, NULL, xa_test_capture_cb, &result);
  return xa_device_session_activate_finish (session, xa_test_wait (&result), NULL, error);
}

static gboolean
refresh (XaDeviceSession  *session,
         XaRefreshChanges *changed,
         GError          **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  xa_device_session_refresh_async (session, NULL, xa_test_capture_cb, &result);
  return xa_device_session_refresh_finish (session, xa_test_wait (&result), changed, error);
}

static XaReport *
run_test (XaDeviceSession  *session,
          guint             timeout_ms,
          GError          **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  xa_device_session_test_async (session, timeout_ms, NULL, xa_test_capture_cb, &result);
  return xa_device_session_test_finish (session, xa_test_wait (&result), error);
}

/* What another reader of devices.json sees. */
static XaDevice *
reread (Fixture    *f,
        const char *name)
{
  g_autoptr(XaStore) fresh = xa_store_new (&xa_device_kind, xa_store_get_path (f->store));
  g_autoptr(GAsyncResult) loaded = NULL;
  XaDevice *device;

  xa_store_load_async (fresh, NULL, xa_test_capture_cb, &loaded);
  g_assert_true (xa_store_finish (fresh, xa_test_wait (&loaded), NULL));
  device = xa_store_find (fresh, name);
  return device ? g_object_ref (device) : NULL;
}

/* ---- the HMAC key ----------------------------------------------------------------- */

static void
test_key_never_replaced (Fixture       *f,
                         gconstpointer  data)
{
  XaDevice *device = add_device (f, "Imported", XA_DEMO_MODE_OFFICIAL, NULL, STORED_KEY);
  g_autoptr(XaDeviceSession) session = xa_device_session_new (f->store, device);
  g_autoptr(GAsyncResult) loaded = NULL;
  g_autoptr(GAsyncResult) early_activate = NULL;
  g_autoptr(GAsyncResult) early_refresh = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(XaReport) report = NULL;
  g_auto(XaSecret) key = NULL;
  XaRefreshChanges changed = XA_REFRESH_CHANGED_NOTHING;

  /* Activate and Refresh the moment the device is chosen, before the
   * keyring answered: refused, and no key is made up. */
  xa_device_session_load_async (session, NULL, xa_test_capture_cb, &loaded);
  xa_device_session_activate_async (session, NULL, NULL, xa_test_capture_cb, &early_activate);
  xa_device_session_refresh_async (session, NULL, xa_test_capture_cb, &early_refresh);
  g_assert_false (xa_device_session_activate_finish (session, xa_test_wait (&early_activate), NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_BUSY);
  g_clear_error (&error);
  g_assert_false (xa_device_session_refresh_finish (session, xa_test_wait (&early_refresh), NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_BUSY);
  g_clear_error (&error);
  g_assert_true (xa_device_session_load_finish (session, xa_test_wait (&loaded), NULL));
  g_assert_cmpstr (xa_device_session_get_hmac_key (session), ==, STORED_KEY);

  /* Activate, refresh and test: the stored key is the one used, and stays. */
  g_assert_true (activate (f, session, &error));
  g_assert_no_error (error);
  g_assert_nonnull (strstr (xa_demo_server_get_last_body (f->server, "ota"), STORED_KEY));
  g_assert_true (refresh (session, &changed, &error));
  g_assert_cmpint (changed, ==, XA_REFRESH_CHANGED_NOTHING);
  report = run_test (session, 5000, &error);
  g_assert_no_error (error);
  g_assert_cmpint (report->verdict, ==, XA_VERDICT_VALID);

  key = xa_test_lookup_secret (device, XA_SECRET_HMAC_KEY);
  g_assert_cmpstr (key, ==, STORED_KEY);
  /* Results hold their session: let go of them first. */
  g_clear_object (&loaded);
  g_clear_object (&early_activate);
  g_clear_object (&early_refresh);
  g_assert_finalize_object (g_steal_pointer (&session));
}

static void
test_key_made_once (Fixture       *f,
                    gconstpointer  data)
{
  XaDevice *device = add_device (f, "New", XA_DEMO_MODE_OFFICIAL, NULL, NULL);
  g_autoptr(XaDeviceSession) first = loaded_session (f, device);
  g_autoptr(XaDeviceSession) second = NULL;
  g_auto(XaSecret) stored = xa_test_lookup_secret (device, XA_SECRET_HMAC_KEY);

  /* None in the keyring: one is made and kept, and used from then on. */
  g_assert_cmpuint (strlen (xa_device_session_get_hmac_key (first)), ==, 64);
  g_assert_cmpstr (stored, ==, xa_device_session_get_hmac_key (first));
  second = loaded_session (f, device);
  g_assert_cmpstr (xa_device_session_get_hmac_key (second), ==, stored);
  g_assert_finalize_object (g_steal_pointer (&first));
  g_assert_finalize_object (g_steal_pointer (&second));
}

/* ---- the keyring refuses, restarts --------------------------------------------------- */

static gboolean
secrets_owned (void)
{
  g_autoptr(GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  g_autoptr(GVariant) reply = g_dbus_connection_call_sync (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                                           "org.freedesktop.DBus", "NameHasOwner",
                                                           g_variant_new ("(s)", "org.freedesktop.secrets"),
                                                           G_VARIANT_TYPE ("(b)"), G_DBUS_CALL_FLAGS_NONE,
                                                           -1, NULL, NULL);
  gboolean owned = FALSE;

  g_variant_get (reply, "(b)", &owned);
  return owned;
}

static GPid
start_keyring (void)
{
  const char *argv[] = { "gnome-keyring-daemon", "--foreground", "--unlock", "--components=secrets", NULL };
  g_autoptr(GError) error = NULL;
  GPid pid;
  int in;

  g_spawn_async_with_pipes (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL |
                            G_SPAWN_STDERR_TO_DEV_NULL | G_SPAWN_DO_NOT_REAP_CHILD,
                            NULL, NULL, &pid, &in, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (write (in, "test-password", 13), ==, 13);
  close (in);
  XA_TEST_WAIT_UNTIL (secrets_owned ());
  return pid;
}

static void
stop_keyring (GPid pid)
{
  kill (pid, SIGTERM);
  XA_TEST_WAIT_UNTIL (!secrets_owned ());
}

static void
name_acquired_cb (GDBusConnection *bus,
                  const char      *name,
                  gpointer         user_data)
{
  *(gboolean *) user_data = TRUE;
}

/* The Secret Service answers with an error, then restarts: the token is
 * never said to be saved before it is, and Try Again saves it. */
static void
test_keyring_refuses_then_restarts (Fixture       *f,
                                    gconstpointer  data)
{
  XaDevice *device = add_device (f, "Desk", XA_DEMO_MODE_OFFICIAL, "old-token", STORED_KEY);
  g_autoptr(XaDeviceSession) session = NULL;
  g_autoptr(XaDevice) after_restart = NULL;
  g_autoptr(XaDevice) after_retry = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(XaSecret) kept = NULL;
  g_autofree char *token = NULL;
  const char *pid_text = g_getenv ("XA_KEYRING_PID");
  gboolean acquired = FALSE;
  XaRefreshChanges changed = XA_REFRESH_CHANGED_NOTHING;
  guint owner;
  GPid keyring;

  g_assert_nonnull (pid_text);
  session = loaded_session (f, device);
  /* Bind it on the server, so that a refresh brings a real token. */
  g_assert_true (activate (f, session, &error));
  token = g_strdup (xa_demo_server_get_token (f->server, DEVICE));

  /* Something that answers every call with an error takes the keyring's
   * place (no D-Bus activation of a locked one, no prompt). */
  stop_keyring (atoi (pid_text));
  owner = g_bus_own_name (G_BUS_TYPE_SESSION, "org.freedesktop.secrets", G_BUS_NAME_OWNER_FLAGS_NONE,
                          NULL, name_acquired_cb, NULL, &acquired, NULL);
  XA_TEST_WAIT_UNTIL (acquired);

  /* The server issues the token again; the keyring refuses it. */
  g_assert_true (refresh (session, &changed, &error));
  g_assert_no_error (error);
  g_assert_nonnull (xa_device_session_get_keyring_error (session));
  g_assert_error (xa_device_session_get_keyring_error (session), XA_KEYRING_ERROR, XA_KEYRING_ERROR_UNAVAILABLE);
  /* Our words, with what to do; the D-Bus text only as details. */
  g_assert_true (g_str_has_prefix (xa_device_session_get_keyring_error (session)->message, "No keyring is available."));
  g_assert_nonnull (xa_keyring_error_get_details (xa_device_session_get_keyring_error (session)));
  g_assert_cmpstr (xa_device_session_get_token (session), ==, token);
  g_assert_true (xa_device_get_token_unsaved (device));
  g_assert_cmpstr (xa_device_get_status (device), ==, "Token not saved");

  /* An app started now reads the same truth from devices.json. */
  after_restart = reread (f, "Desk");
  g_assert_true (xa_device_get_token_unsaved (after_restart));
  g_assert_cmpstr (xa_device_get_status (after_restart), ==, "Token not saved");

  /* The real Secret Service comes back: Try Again saves the token. */
  g_bus_unown_name (owner);
  XA_TEST_WAIT_UNTIL (!secrets_owned ());
  keyring = start_keyring ();
  {
    g_autoptr(GAsyncResult) retried = NULL;

    xa_device_session_load_async (session, NULL, xa_test_capture_cb, &retried);
    g_assert_true (xa_device_session_load_finish (session, xa_test_wait (&retried), NULL));
  }
  g_assert_null (xa_device_session_get_keyring_error (session));
  g_assert_false (xa_device_get_token_unsaved (device));
  kept = xa_test_lookup_secret (device, XA_SECRET_TOKEN);
  g_assert_cmpstr (kept, ==, token);
  after_retry = reread (f, "Desk");
  g_assert_false (xa_device_get_token_unsaved (after_retry));

  g_assert_finalize_object (g_steal_pointer (&session));
  stop_keyring (keyring);
  g_spawn_close_pid (keyring);
  /* with-keyring.sh's own daemon is gone: a new one takes its place, for
   * the tests after this one (and this one, run again). */
  {
    g_autofree char *pid = g_strdup_printf ("%d", start_keyring ());

    g_setenv ("XA_KEYRING_PID", pid, TRUE);
  }
}

/* ---- a token pasted and the process killed ---------------------------------------- */

/* This program, to run one of its tests in a child of its own. */
static const char *test_program;

static void
items_changed_cb (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  gpointer    user_data)
{
  /* The device is in devices.json now: die without any chance to tidy. */
  if (added > 0)
    raise (SIGKILL);
}

static void
test_killed_after_add_subprocess (Fixture       *f,
                                  gconstpointer  data)
{
  g_autofree char *ota = xa_demo_server_get_url (f->server, XA_DEMO_MODE_OFFICIAL, "ota");
  g_autoptr(XaIdentity) identity = xa_identity_new (DEVICE, NULL, NULL, NULL);
  g_autoptr(XaDevice) device = xa_device_new ("Pasted", ota, identity);
  g_autoptr(XaDeviceSession) session = NULL;
  g_autoptr(XaStore) store = xa_store_new (&xa_device_kind, g_getenv ("XA_KILL_STORE"));
  g_autoptr(GAsyncResult) added = NULL;

  g_signal_connect (store, "items-changed", G_CALLBACK (items_changed_cb), NULL);
  session = xa_device_session_new (store, device);
  xa_device_session_add_async (session, "pasted-token.1795607593", NULL, NULL, xa_test_capture_cb, &added);
  xa_test_wait (&added);
  g_error ("the process was meant to be killed as the device was added");
}

static void
test_killed_after_add (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(XaDevice) device = NULL;
  g_auto(XaSecret) token = NULL;
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
  g_autoptr(GSubprocess) child = NULL;
  g_autoptr(GError) error = NULL;

  /* Spawned by hand, not with g_test_trap_subprocess(): the child must be
   * seen to die of the SIGKILL, not merely to fail (its g_error() would
   * satisfy a "failed"). */
  g_subprocess_launcher_setenv (launcher, "XA_KILL_STORE", xa_store_get_path (f->store), TRUE);
  child = g_subprocess_launcher_spawn (launcher, &error, test_program, "-p", "/xa/session/killed-after-add/subprocess",
                                       "--GTestSubprocess", NULL);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_wait (child, NULL, &error));
  g_assert_true (g_subprocess_get_if_signaled (child));
  g_assert_cmpint (g_subprocess_get_term_sig (child), ==, SIGKILL);

  /* The device made it to the file: then its token is in the keyring. */
  device = reread (f, "Pasted");
  g_assert_nonnull (device);
  token = xa_test_lookup_secret (device, XA_SECRET_TOKEN);
  g_assert_cmpstr (token, ==, "pasted-token.1795607593");
  g_assert_false (xa_device_get_token_unsaved (device));
}

/* ---- cancelled is not a verdict ------------------------------------------------------ */

static void
test_cancel_records_nothing (Fixture       *f,
                             gconstpointer  data)
{
  XaDevice *device = add_device (f, "Hanging", XA_DEMO_MODE_HELLO_HANG, "t", STORED_KEY);
  g_autoptr(XaDeviceSession) session = loaded_session (f, device);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) tested = NULL;
  g_autoptr(GAsyncResult) second = NULL;
  g_autoptr(GAsyncResult) activated = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(XaDevice) on_disk = NULL;
  XaReport *report;

  /* A Test that hangs in the hello, cancelled by its caller. */
  xa_device_session_test_async (session, 30000, cancellable, xa_test_capture_cb, &tested);
  g_assert_true (xa_device_session_get_busy (session));
  /* One operation at a time. */
  xa_device_session_test_async (session, 30000, NULL, xa_test_capture_cb, &second);
  g_assert_null (xa_device_session_test_finish (session, xa_test_wait (&second), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_BUSY);
  g_clear_error (&error);
  g_cancellable_cancel (cancellable);
  report = xa_device_session_test_finish (session, xa_test_wait (&tested), &error);
  g_assert_null (report);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  g_assert_false (xa_device_session_get_busy (session));
  g_assert_null (xa_device_get_last_verdict (device));

  /* An activation, cancelled by the session (the device was closed). */
  xa_device_session_activate_async (session, NULL, NULL, xa_test_capture_cb, &activated);
  XA_TEST_WAIT_UNTIL (xa_device_session_get_activation (session) != NULL &&
                      xa_activation_get_state (xa_device_session_get_activation (session)) ==
                        XA_ACTIVATION_STATE_WAITING_FOR_USER);
  xa_device_session_cancel (session);
  g_assert_false (xa_device_session_activate_finish (session, xa_test_wait (&activated), NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (xa_device_session_get_activation (session));
  g_assert_false (xa_device_is_activated (device));

  on_disk = reread (f, "Hanging");
  g_assert_null (xa_device_get_last_verdict (on_disk));
  g_assert_false (xa_device_is_activated (on_disk));
  g_clear_object (&tested);
  g_clear_object (&second);
  g_clear_object (&activated);
  g_assert_finalize_object (g_steal_pointer (&session));
}

static XaActivationOutcome
activate_outcome (Fixture         *f,
                  XaDeviceSession *session)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  XaActivationOutcome outcome = XA_ACTIVATION_OUTCOME_ACTIVATED;

  xa_device_session_activate_async (session, NULL, NULL, xa_test_capture_cb, &result);
  g_assert_true (xa_device_session_activate_finish (session, xa_test_wait (&result), &outcome, &error));
  g_assert_no_error (error);
  return outcome;
}

/* What the end of an activation means is told as it is: nobody typed a
 * code on a server that asks for none, and a device sent to MQTT has no
 * WebSocket token. */
static void
test_outcomes (Fixture       *f,
               gconstpointer  data)
{
  XaDevice *single = add_device (f, "Single", XA_DEMO_MODE_SELF_HOSTED, NULL, NULL);
  XaDevice *mqtt = NULL;
  g_autoptr(XaDeviceSession) session = loaded_session (f, single);
  g_autoptr(XaDeviceSession) mqtt_session = NULL;
  g_autoptr(XaReport) report = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(XaSecret) password = NULL;
  g_auto(XaSecret) token = NULL;
  XaTestBroker *broker = xa_test_broker_start ();
  g_autofree char *endpoint = g_strdup_printf ("127.0.0.1:%d", broker->port);

  /* The demo server is an MQTT gateway on a real broker too. */
  g_assert_true (xa_demo_server_set_mqtt_broker (f->server, "127.0.0.1", broker->port, "gateway",
                                                 "gateway-password", NULL));
  g_assert_cmpint (activate_outcome (f, session), ==, XA_ACTIVATION_OUTCOME_NO_CODE_ISSUED);
  g_assert_cmpstr (xa_device_get_status (single), ==, "No code was issued");
  token = xa_test_lookup_secret (single, XA_SECRET_TOKEN);
  g_assert_cmpstr (token, ==, xa_demo_server_get_token (f->server, DEVICE));
  g_assert_finalize_object (g_steal_pointer (&session));

  {
    g_autofree char *ota = xa_demo_server_get_url (f->server, XA_DEMO_MODE_MQTT_ONLY, "ota");
    g_autoptr(XaIdentity) identity = xa_identity_new ("02:66:55:44:33:23", NULL, NULL, NULL);
    g_autoptr(XaDevice) fresh = xa_device_new ("Board", ota, identity);
    g_autoptr(GAsyncResult) added = NULL;

    xa_store_add_async (f->store, fresh, NULL, xa_test_capture_cb, &added);
    g_assert_true (xa_store_finish (f->store, xa_test_wait (&added), NULL));
    mqtt = xa_store_find (f->store, "Board");
  }
  mqtt_session = loaded_session (f, mqtt);
  g_assert_cmpint (activate_outcome (f, mqtt_session), ==, XA_ACTIVATION_OUTCOME_MQTT_ONLY);
  g_assert_null (xa_device_session_get_token (mqtt_session));
  g_assert_cmpstr (xa_device_get_transport (mqtt), ==, "mqtt");
  g_assert_cmpstr (xa_device_get_mqtt_endpoint (mqtt), ==, endpoint);
  g_assert_cmpstr (xa_device_get_status (mqtt), ==, "Talks MQTT");
  g_assert_false (xa_device_get_token_unsaved (mqtt));
  password = xa_test_lookup_secret (mqtt, XA_SECRET_MQTT_PASSWORD);
  g_assert_cmpstr (password, ==, "demo-mqtt-password");

  /* Its Test takes the road the board takes: MQTT, with the password
   * from the keyring; the verdict is recorded like any other. */
  report = run_test (mqtt_session, 5000, &error);
  g_assert_no_error (error);
  g_assert_cmpint (report->verdict, ==, XA_VERDICT_VALID);
  g_assert_cmpstr (report->mqtt_endpoint, ==, endpoint);
  g_assert_cmpstr (report->udp_endpoint, ==, "127.0.0.1:8884");
  g_assert_cmpstr (xa_device_get_last_verdict (mqtt), ==, "valid");
  g_assert_finalize_object (g_steal_pointer (&mqtt_session));
  xa_test_broker_stop (broker);
}

/* An identity from another client is used byte for byte: the server
 * knows the device by the exact strings (and signs tokens over them). */
static void
test_exact_identity (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *ota = xa_demo_server_get_url (f->server, XA_DEMO_MODE_OFFICIAL, "ota");
  g_autoptr(XaIdentity) identity = xa_identity_new_exact ("02:AB:CD:EF:01:23", "my-client-1", NULL, NULL);
  g_autoptr(XaDevice) fresh = xa_device_new ("Imported", ota, identity);
  g_autoptr(GAsyncResult) added = NULL;
  g_autoptr(XaDeviceSession) session = NULL;
  g_autoptr(XaReport) report = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *warnings = xa_identity_warnings (identity);
  XaDevice *device;

  g_assert_nonnull (strstr (warnings, "kept exactly as given"));
  xa_store_add_async (f->store, fresh, NULL, xa_test_capture_cb, &added);
  g_assert_true (xa_store_finish (f->store, xa_test_wait (&added), NULL));
  device = xa_store_find (f->store, "Imported");
  session = loaded_session (f, device);
  g_assert_true (activate (f, session, &error));
  g_assert_nonnull (xa_demo_server_get_token (f->server, "02:AB:CD:EF:01:23"));
  g_assert_cmpstr (soup_message_headers_get_one (xa_demo_server_get_last_headers (f->server, "ota"), "Client-Id"),
                   ==, "my-client-1");
  report = run_test (session, 5000, &error);
  g_assert_no_error (error);
  g_assert_cmpint (report->verdict, ==, XA_VERDICT_VALID);

  /* The same token, with the identity normalised or retyped: rejected,
   * as the server signed it over the exact strings. */
  {
    const char *variants[][2] = { { "02:ab:cd:ef:01:23", "my-client-1" }, { "02:AB:CD:EF:01:23", "My-Client-1" } };
    g_autofree char *ws = xa_demo_server_get_url (f->server, XA_DEMO_MODE_OFFICIAL, "ws");

    for (guint i = 0; i < G_N_ELEMENTS (variants); i++)
      {
        g_autoptr(XaIdentity) other = xa_identity_new_exact (variants[i][0], variants[i][1], NULL, NULL);
        g_autoptr(GAsyncResult) result = NULL;
        g_autoptr(XaReport) r = NULL;

        xa_token_test_async (NULL, ws, xa_device_session_get_token (session), other, 5000, NULL,
                             xa_test_capture_cb, &result);
        r = xa_token_test_finish (xa_test_wait (&result), NULL);
        g_assert_cmpint (r->verdict, ==, XA_VERDICT_REJECTED);
      }
  }
  g_assert_finalize_object (g_steal_pointer (&session));
}

/* A self-hosted server issues a fresh dated token at every check: kept,
 * and never called "a different token". */
static void
test_dated_tokens (Fixture       *f,
                   gconstpointer  data)
{
  XaDevice *device = add_device (f, "Self-hosted", XA_DEMO_MODE_DATED_TOKENS, NULL, STORED_KEY);
  g_autoptr(XaDeviceSession) session = loaded_session (f, device);
  g_autoptr(XaReport) report = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *first = NULL;
  XaRefreshChanges changed;

  g_assert_cmpint (activate_outcome (f, session), ==, XA_ACTIVATION_OUTCOME_NO_CODE_ISSUED);
  first = g_strdup (xa_device_session_get_token (session));
  g_assert_true (refresh (session, &changed, &error));
  g_assert_cmpstr (xa_device_session_get_token (session), !=, first);
  g_assert_cmpint (changed, ==, XA_REFRESH_CHANGED_TOKEN);
  report = run_test (session, 5000, &error);
  g_assert_no_error (error);
  g_assert_cmpint (report->verdict, ==, XA_VERDICT_VALID);
  g_assert_false (report->token_changed);
  g_assert_cmpint (report->token_issued, >, 0);
  g_assert_cmpint (report->token_expires, ==, report->token_issued + 30 * 24 * 3600);
  g_assert_finalize_object (g_steal_pointer (&session));
}

/* The OTA check carries the device's own version and board, and the
 * serial number with Activation-Version 2, as the firmware does. */
static void
test_request_identity (Fixture       *f,
                       gconstpointer  data)
{
  XaDevice *device = add_device (f, "Board", XA_DEMO_MODE_OFFICIAL, NULL, STORED_KEY);
  g_autoptr(XaDeviceSession) session = NULL;
  g_autoptr(JsonNode) body = NULL;
  SoupMessageHeaders *headers;
  JsonObject *o;
  XaRefreshChanges changed;

  g_object_set (device, "board-type", "esp-box-3", "app-version", "1.6.2", NULL);
  session = loaded_session (f, device);
  refresh (session, &changed, NULL);
  headers = xa_demo_server_get_last_headers (f->server, "ota");
  g_assert_cmpstr (soup_message_headers_get_one (headers, "Activation-Version"), ==, "2");
  g_assert_cmpstr (soup_message_headers_get_one (headers, "Serial-Number"), ==, xa_device_get_serial_number (device));
  g_assert_cmpstr (soup_message_headers_get_one (headers, "User-Agent"), ==, "esp-box-3/xiaozhi-1.6.2");
  body = json_from_string (xa_demo_server_get_last_body (f->server, "ota"), NULL);
  o = json_node_get_object (body);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (o, "application"), "version"), ==, "1.6.2");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (o, "board"), "type"), ==, "esp-box-3");
  g_assert_finalize_object (g_steal_pointer (&session));
}

/* Removing needs the keyring to forget the secrets first. */
static void
test_remove (Fixture       *f,
             gconstpointer  data)
{
  XaDevice *device = add_device (f, "Old", XA_DEMO_MODE_OFFICIAL, "old-token", STORED_KEY);
  g_autoptr(XaDevice) kept = g_object_ref (device);
  g_autoptr(XaDeviceSession) session = loaded_session (f, device);
  g_autoptr(GAsyncResult) removed = NULL;
  g_auto(XaSecret) token = NULL;
  g_auto(XaSecret) key = NULL;

  xa_device_session_remove_async (session, NULL, xa_test_capture_cb, &removed);
  g_assert_true (xa_device_session_remove_finish (session, xa_test_wait (&removed), NULL));
  g_assert_null (xa_store_find (f->store, "Old"));
  token = xa_test_lookup_secret (kept, XA_SECRET_TOKEN);
  key = xa_test_lookup_secret (kept, XA_SECRET_HMAC_KEY);
  g_assert_null (token);
  g_assert_null (key);
  g_clear_object (&removed);
  g_assert_finalize_object (g_steal_pointer (&session));
}

#define ADD(path, func) g_test_add ("/xa/session/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  test_program = argv[0];

  ADD ("keyring-refuses-then-restarts", test_keyring_refuses_then_restarts);
  ADD ("key-never-replaced", test_key_never_replaced);
  ADD ("key-made-once", test_key_made_once);
  ADD ("cancel-records-nothing", test_cancel_records_nothing);
  ADD ("killed-after-add", test_killed_after_add);
  ADD ("killed-after-add/subprocess", test_killed_after_add_subprocess);
  ADD ("remove", test_remove);
  ADD ("outcomes", test_outcomes);
  ADD ("exact-identity", test_exact_identity);
  ADD ("dated-tokens", test_dated_tokens);
  ADD ("request-identity", test_request_identity);

  return g_test_run ();
}
