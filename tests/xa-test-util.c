/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <libsecret/secret.h>

#include "xa-device.h"
#include "xa-net.h"
#include "xa-test-util.h"
#include "xa-token-store.h"

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
  g_autoptr(XaDemoServer) server = NULL;
  g_autoptr(GError) error = NULL;

  if (tls)
    return xa_test_server_new_with_certificate (mode, "demo");
  server = xa_demo_server_new (mode);
  xa_demo_server_listen (server, 0, &error);
  g_assert_no_error (error);

  return g_steal_pointer (&server);
}

/* The same over TLS with the certificate tests/data/NAME-cert.pem (and its
 * NAME-key.pem): "demo" (self-signed for 127.0.0.1), "other-name" (for
 * other.example), "expired" (for 127.0.0.1, expired in 2020). */
XaDemoServer *
xa_test_server_new_with_certificate (XaDemoMode  mode,
                                     const char *name)
{
  g_autoptr(XaDemoServer) server = xa_demo_server_new (mode);
  g_autoptr(GError) error = NULL;
  g_autofree char *cert_file = g_strdup_printf ("%s-cert.pem", name);
  g_autofree char *key_file = g_strdup_printf ("%s-key.pem", name);
  g_autofree char *cert_path = xa_test_data_path (cert_file);
  g_autofree char *key_path = xa_test_data_path (key_file);
  g_autoptr(GTlsCertificate) cert = g_tls_certificate_new_from_files (cert_path, key_path, &error);

  g_assert_no_error (error);
  xa_demo_server_set_tls_certificate (server, cert);
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

/* Lets @ms pass with the main loop running: for a check that nothing
 * happens meanwhile (no more polls, one notification only), or to give a
 * person, a screen reader or a camera time. Never to wait for something
 * to happen: that is XA_TEST_WAIT_UNTIL(). */
void
xa_test_let_time_pass (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add (ms, set_flag_cb, &done);
  xa_test_wait_until (&done);
}

/* Locks the login keyring of the test's gnome-keyring. The test bus has
 * no prompter (tests/session-bus.conf): xa_test_unlock_keyring() is the
 * only way back. (Locking every collection makes gnome-keyring 42 quit
 * after items were deleted.) */
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

/* Unlocks it again without a prompt, as its own tools do: with the
 * password tests/with-keyring.sh gave it, over a plain session (loopback
 * D-Bus, a test password), through gnome-keyring's own interface. */
void
xa_test_unlock_keyring (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  g_autoptr(GVariant) opened = NULL;
  g_autoptr(GVariant) alias = NULL;
  g_autoptr(GVariant) unlocked = NULL;
  const char *session, *login;
  const char password[] = "test-password";

  g_assert_no_error (error);
  opened = g_dbus_connection_call_sync (bus, "org.freedesktop.secrets", "/org/freedesktop/secrets",
                                        "org.freedesktop.Secret.Service", "OpenSession",
                                        g_variant_new ("(sv)", "plain", g_variant_new_string ("")),
                                        G_VARIANT_TYPE ("(vo)"), G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
  g_assert_no_error (error);
  g_variant_get (opened, "(v&o)", NULL, &session);
  alias = g_dbus_connection_call_sync (bus, "org.freedesktop.secrets", "/org/freedesktop/secrets",
                                       "org.freedesktop.Secret.Service", "ReadAlias",
                                       g_variant_new ("(s)", "default"), G_VARIANT_TYPE ("(o)"),
                                       G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
  g_assert_no_error (error);
  g_variant_get (alias, "(&o)", &login);
  unlocked = g_dbus_connection_call_sync (bus, "org.freedesktop.secrets", "/org/freedesktop/secrets",
                                          "org.gnome.keyring.InternalUnsupportedGuiltRiddenInterface",
                                          "UnlockWithMasterPassword",
                                          g_variant_new ("(o(o@ay@ays))", login, session,
                                                         g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, "", 0, 1),
                                                         g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, password,
                                                                                    strlen (password), 1),
                                                         "text/plain"),
                                          NULL, G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
  g_assert_no_error (error);
}

/* A port nobody listens on right now (the kernel's pick, released). */
int
xa_test_free_port (void)
{
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;

  g_assert_true (g_socket_bind (socket, any, FALSE, NULL));
  bound = g_socket_get_local_address (socket, NULL);
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

static void
run_or_fail (const char * const *argv)
{
  g_autoptr(GError) error = NULL;
  int status = 0;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL,
                     NULL, NULL, NULL, NULL, &status, &error) ||
      !g_spawn_check_wait_status (status, &error))
    g_error ("%s: %s", argv[0], error->message);
}

static gboolean
port_answers (int port)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = g_socket_client_connect_to_host (client, "127.0.0.1", port, NULL, NULL);

  return connection != NULL;
}

static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

XaTestBroker *
xa_test_broker_start (void)
{
  XaTestBroker *broker = g_new0 (XaTestBroker, 1);
  g_autofree char *passwd = NULL;
  g_autofree char *acl = NULL;
  g_autofree char *conf = NULL;
  g_autofree char *config = NULL;
  g_autofree char *cert = xa_test_data_path ("demo-cert.pem");
  g_autofree char *key = xa_test_data_path ("demo-key.pem");
  g_autoptr(GError) error = NULL;
  gint64 limit = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  const char *users[][2] = { { "demo-user", "demo-mqtt-password" }, { "gateway", "gateway-password" },
                             { "blocked", "blocked-password" } };

  broker->dir = g_dir_make_tmp ("xa-broker-XXXXXX", NULL);
  passwd = g_build_filename (broker->dir, "passwd", NULL);
  acl = g_build_filename (broker->dir, "acl", NULL);
  conf = g_build_filename (broker->dir, "mosquitto.conf", NULL);
  g_assert_true (g_file_set_contents (passwd, "", 0, NULL));
  for (guint i = 0; i < G_N_ELEMENTS (users); i++)
    {
      const char *argv[] = { "mosquitto_passwd", "-b", passwd, users[i][0], users[i][1], NULL };
      run_or_fail (argv);
    }
  g_assert_true (g_file_set_contents (acl,
                                      "user gateway\ntopic read device-server/#\ntopic write devices/p2p/#\n\n"
                                      "user demo-user\ntopic write device-server/#\ntopic read devices/p2p/#\n\n"
                                      "user blocked\ntopic write device-server/#\ntopic deny devices/p2p/#\n",
                                      -1, NULL));
  broker->port = xa_test_free_port ();
  broker->tls_port = xa_test_free_port ();
  /* Started as root, mosquitto would become "mosquitto" and lose access
   * to this private folder: it stays who we are. */
  config = g_strdup_printf ("per_listener_settings false\nallow_anonymous false\n"
                            "password_file %s\nacl_file %s\npersistence false\n"
                            "log_dest stderr\nlog_type error\nuser %s\n"
                            "listener %d 127.0.0.1\n"
                            "listener %d 127.0.0.1\ncertfile %s\nkeyfile %s\n",
                            passwd, acl, g_get_user_name (), broker->port, broker->tls_port, cert, key);
  g_assert_true (g_file_set_contents (conf, config, -1, NULL));
  {
    g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE);

    /* A test that fails midway takes its broker with it. */
    g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
    broker->process = g_subprocess_launcher_spawn (launcher, &error, "mosquitto", "-c", conf, NULL);
  }
  g_assert_no_error (error);
  while (!port_answers (broker->port) || !port_answers (broker->tls_port))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, limit);
      g_usleep (20000);
    }
  return broker;
}

void
xa_test_broker_stop (XaTestBroker *broker)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  g_subprocess_force_exit (broker->process);
  g_subprocess_wait (broker->process, NULL, NULL);
  g_object_unref (broker->process);
  dir = g_dir_open (broker->dir, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (broker->dir, name, NULL);
      g_unlink (path);
    }
  g_rmdir (broker->dir);
  g_free (broker->dir);
  g_free (broker);
}

/* ---- notifications ------------------------------------------------------ */

static const char notifications_xml[] =
  "<node><interface name='org.freedesktop.Notifications'>"
  "<method name='Notify'><arg type='s' direction='in'/><arg type='u' direction='in'/>"
  "<arg type='s' direction='in'/><arg type='s' direction='in'/><arg type='s' direction='in'/>"
  "<arg type='as' direction='in'/><arg type='a{sv}' direction='in'/><arg type='i' direction='in'/>"
  "<arg type='u' direction='out'/></method>"
  "<method name='CloseNotification'><arg type='u' direction='in'/></method>"
  "<method name='GetCapabilities'><arg type='as' direction='out'/></method>"
  "<method name='GetServerInformation'><arg type='s' direction='out'/><arg type='s' direction='out'/>"
  "<arg type='s' direction='out'/><arg type='s' direction='out'/></method>"
  "</interface></node>";

static void
notifications_call (GDBusConnection       *connection,
                    const char            *sender,
                    const char            *path,
                    const char            *interface,
                    const char            *method,
                    GVariant              *parameters,
                    GDBusMethodInvocation *invocation,
                    gpointer               user_data)
{
  XaTestNotifications *self = user_data;

  if (g_str_equal (method, "Notify"))
    {
      const char *summary, *body;

      g_variant_get_child (parameters, 3, "&s", &summary);
      g_variant_get_child (parameters, 4, "&s", &body);
      g_ptr_array_add (self->shown, g_strdup_printf ("%s\n%s", summary, body));
      g_dbus_method_invocation_return_value (invocation, g_variant_new ("(u)", self->shown->len));
    }
  else if (g_str_equal (method, "GetCapabilities"))
    g_dbus_method_invocation_return_value (invocation, g_variant_new_parsed ("(['body', 'actions'],)"));
  else if (g_str_equal (method, "GetServerInformation"))
    g_dbus_method_invocation_return_value (invocation, g_variant_new ("(ssss)", "xa-test", "xa", "1", "1.2"));
  else
    g_dbus_method_invocation_return_value (invocation, NULL);
}

XaTestNotifications *
xa_test_notifications_start (void)
{
  static const GDBusInterfaceVTable vtable = { notifications_call, NULL, NULL, { 0 } };
  g_autoptr(GDBusNodeInfo) info = g_dbus_node_info_new_for_xml (notifications_xml, NULL);
  g_autoptr(GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  XaTestNotifications *self;

  if (bus == NULL)
    return NULL;
  self = g_new0 (XaTestNotifications, 1);
  self->shown = g_ptr_array_new_with_free_func (g_free);
  self->object_id = g_dbus_connection_register_object (bus, "/org/freedesktop/Notifications", info->interfaces[0],
                                                       &vtable, self, NULL, NULL);
  self->owner_id = g_bus_own_name_on_connection (bus, "org.freedesktop.Notifications", G_BUS_NAME_OWNER_FLAGS_NONE,
                                                 NULL, NULL, NULL, NULL);
  return self;
}

void
xa_test_notifications_stop (XaTestNotifications *self)
{
  g_autoptr(GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);

  if (self == NULL)
    return;
  g_bus_unown_name (self->owner_id);
  if (bus != NULL)
    g_dbus_connection_unregister_object (bus, self->object_id);
  g_ptr_array_unref (self->shown);
  g_free (self);
}

/* Deletes @path and everything under it (a symbolic link is removed, not
 * followed); fails the test when something stays. */
void
xa_test_remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_file_test (path, G_FILE_TEST_IS_SYMLINK) ? NULL : g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      xa_test_remove_tree (child);
    }
  g_assert_cmpint (g_remove (path), ==, 0);
}

/* The secret of @kind the keyring holds for @device, or NULL. */
char *
xa_test_lookup_secret (XaDevice     *device,
                       XaSecretKind  kind)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  char *secret;

  xa_token_store_lookup_async (device, kind, NULL, xa_test_capture_cb, &result);
  secret = xa_token_store_lookup_finish (xa_test_wait (&result), &error);
  g_assert_no_error (error);
  return secret;
}

static void
setup (XaTestFixture *f,
       gboolean       tls)
{
  f->server = xa_test_server_new (XA_DEMO_MODE_OFFICIAL, tls);
  f->identity = xa_identity_new (XA_TEST_DEVICE, XA_TEST_CLIENT, NULL, NULL);
}

void
xa_test_setup (XaTestFixture *f,
               gconstpointer  data)
{
  setup (f, FALSE);
}

void
xa_test_setup_tls (XaTestFixture *f,
                   gconstpointer  data)
{
  setup (f, TRUE);
}

void
xa_test_teardown (XaTestFixture *f,
                  gconstpointer  data)
{
  xa_net_set_ca_file (NULL, NULL);
  g_assert_finalize_object (f->server);
  xa_identity_free (f->identity);
}

/* A devices.json in a new temporary folder (its path in *@dir), loaded. */
XaStore *
xa_test_store_new (const char  *prefix,
                   char       **dir)
{
  g_autofree char *template = g_strdup_printf ("%s-XXXXXX", prefix);
  g_autofree char *path = NULL;
  g_autoptr(GAsyncResult) loaded = NULL;
  XaStore *store;

  *dir = g_dir_make_tmp (template, NULL);
  g_assert_nonnull (*dir);
  path = g_build_filename (*dir, "devices.json", NULL);
  store = xa_store_new (&xa_device_kind, path);
  xa_store_load_async (store, NULL, xa_test_capture_cb, &loaded);
  g_assert_true (xa_store_finish (store, xa_test_wait (&loaded), NULL));
  return store;
}

/* The store gone for good (a reload its file monitor started may hold it a
 * moment), then its folder. */
void
xa_test_store_free (XaStore *store,
                    char          *dir)
{
  g_object_add_weak_pointer (G_OBJECT (store), (gpointer *) &store);
  g_object_unref (store);
  XA_TEST_WAIT_UNTIL (store == NULL);
  xa_test_remove_tree (dir);
  g_free (dir);
}

/* How many keyring items of @kind ("token", "mcp-token", …) there are,
 * whoever's. */
guint
xa_test_keyring_items_of (const char *kind)
{
  g_autoptr(GHashTable) attributes = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GError) error = NULL;
  GList *items;
  guint n;

  g_hash_table_insert (attributes, (gpointer) "kind", (gpointer) kind);
  items = secret_password_searchv_sync (NULL, attributes, SECRET_SEARCH_ALL, NULL, &error);
  g_assert_no_error (error);
  n = g_list_length (items);
  g_list_free_full (items, g_object_unref);
  return n;
}
