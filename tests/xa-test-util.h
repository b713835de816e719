/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "xa-demo-server.h"
#include "xa-device.h"
#include "xa-store.h"
#include "xa-identity.h"
#include "xa-token-store.h"

G_BEGIN_DECLS

/* The identity the shared fixture's device has. */
#define XA_TEST_DEVICE "02:11:22:33:44:55"
#define XA_TEST_CLIENT "9a4f1c2e-3b5d-4e6f-8a7b-0c1d2e3f4a5b"

/* The fixture most unit tests share: a demo server (official mode, plain
 * or TLS with the demo certificate) and the identity above. Torn down,
 * the server must be finalized and no extra CA file is left set. */
typedef struct
{
  XaDemoServer *server;
  XaIdentity   *identity;
} XaTestFixture;

void          xa_test_setup           (XaTestFixture *f,
                                       gconstpointer  data);
void          xa_test_setup_tls       (XaTestFixture *f,
                                       gconstpointer  data);
void          xa_test_teardown        (XaTestFixture *f,
                                       gconstpointer  data);

/* A demo server on 127.0.0.1, port 0, torn down with the fixture. */
XaDemoServer *xa_test_server_new      (XaDemoMode     mode,
                                       gboolean       tls);
XaDemoServer *xa_test_server_new_with_certificate (XaDemoMode  mode,
                                                 const char *name);
char         *xa_test_data_path       (const char    *name);
XaDevice     *xa_test_device_new      (const char    *name,
                                       const char    *mac);

/* Collects the GAsyncResult of one async call. */
void          xa_test_capture_cb      (GObject       *source,
                                       GAsyncResult  *result,
                                       gpointer       user_data);
GAsyncResult *xa_test_wait            (GAsyncResult **slot);
void          xa_test_wait_until      (gboolean      *flag);

/* Runs the main loop until @cond holds; a hang fails the test after a
 * minute. For conditions, never for time. */
#define XA_TEST_WAIT_UNTIL(cond) G_STMT_START {                           \
    gint64 limit_ = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;        \
    while (!(cond))                                                       \
      {                                                                   \
        if (g_get_monotonic_time () > limit_)                             \
          g_error ("waited a minute for: %s", #cond);                     \
        g_main_context_iteration (NULL, FALSE);                           \
        g_usleep (2000);                                                  \
      }                                                                   \
  } G_STMT_END
void          xa_test_let_time_pass   (guint          ms);

/* Debian's mosquitto on 127.0.0.1: a plain listener and a TLS one (the
 * demo certificate), a password file and an ACL. Users: "demo-user"
 * (what the demo server's OTA answer hands out), "gateway" (the demo
 * server's gateway), "blocked" (may not read its answer topic). */
typedef struct
{
  GSubprocess *process;
  char        *dir;
  int          port;
  int          tls_port;
} XaTestBroker;

XaTestBroker *xa_test_broker_start    (void);
void          xa_test_broker_stop     (XaTestBroker  *broker);
int           xa_test_free_port       (void);
void          xa_test_remove_tree     (const char    *path);
XaStore *xa_test_store_new      (const char    *prefix,
                                       char         **dir);
void          xa_test_store_free      (XaStore *store,
                                       char          *dir);

/* A desktop notification server on the session bus (the freedesktop
 * interface GLib speaks): what was shown, as "summary\nbody" strings. */
typedef struct
{
  guint      owner_id;
  guint      object_id;
  GPtrArray *shown;
} XaTestNotifications;

XaTestNotifications *xa_test_notifications_start (void);
void          xa_test_notifications_stop (XaTestNotifications *self);
void          xa_test_lock_keyring    (void);
void          xa_test_unlock_keyring  (void);
guint         xa_test_keyring_items_of (const char *kind);
char         *xa_test_lookup_secret   (XaDevice      *device,
                                       XaSecretKind   kind);

G_END_DECLS
