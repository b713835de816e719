/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Starts the real app with one device and activates it against the OTA
 * address given (a demo server in another process), so that
 * bench/idle-cpu.sh can measure the activation page while it waits for
 * the code: the page that updates "checked N seconds ago" every second. */
#include "config.h"

#include <adwaita.h>

#include "xa-application.h"
#include "xa-device.h"
#include "xa-identity.h"
#include "xa-device-page.h"
#include "xa-window.h"

static const char *ota_url;

static void
added_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!xa_store_finish (XA_STORE (object), result, &error))
    g_error ("Could not save the device: %s", error->message);
  *(gboolean *) user_data = TRUE;
}

/* Selects the device, then activates it once its secrets are read. */
static gboolean
activate_cb (gpointer user_data)
{
  XaWindow *window = user_data;
  XaDevicePage *page = XA_DEVICE_PAGE (xa_window_get_device_page (window));
  XaStore *store = xa_application_get_store (XA_APPLICATION (gtk_window_get_application (GTK_WINDOW (window))));
  XaDevice *device = xa_store_find (store, "Bench board");

  if (device == NULL)
    return G_SOURCE_CONTINUE;
  if (xa_device_page_get_device (page) != device)
    xa_window_select_device (window, device);
  if (!xa_device_session_get_ready (xa_device_page_get_session (page)))
    return G_SOURCE_CONTINUE;
  gtk_widget_activate_action (GTK_WIDGET (page), "device.activate", NULL);
  g_printerr ("Waiting for the code on %s\n", ota_url);
  return G_SOURCE_REMOVE;
}

static void
window_added_cb (GtkApplication *app,
                 GtkWindow      *window)
{
  if (XA_IS_WINDOW (window))
    g_timeout_add (200, activate_cb, window);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autoptr(XaStore) store = NULL;
  g_autoptr(XaIdentity) identity = NULL;
  g_autoptr(XaDevice) device = NULL;
  g_autoptr(XaApplication) app = NULL;
  gboolean added = FALSE;
  char *app_argv[] = { argv[0], NULL };

  if (argc != 2)
    {
      g_printerr ("Usage: %s OTA_URL\n", argv[0]);
      return 2;
    }
  ota_url = argv[1];
  dir = g_dir_make_tmp ("xa-idle-XXXXXX", NULL);
  path = g_build_filename (dir, "devices.json", NULL);
  store = xa_store_new (&xa_device_kind, path);
  identity = xa_identity_new (NULL, NULL, NULL, NULL);
  device = xa_device_new ("Bench board", ota_url, identity);
  xa_store_add_async (store, device, NULL, added_cb, &added);
  while (!added)
    g_main_context_iteration (NULL, TRUE);

  app = xa_application_new (path);
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_signal_connect (app, "window-added", G_CALLBACK (window_added_cb), NULL);
  return g_application_run (G_APPLICATION (app), 1, app_argv);
}
