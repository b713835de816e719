/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "xa-application.h"
#include "xa-device.h"
#include "xa-net.h"
#include "xa-preferences-window.h"
#include "xa-window.h"

struct _XaApplication
{
  AdwApplication  parent_instance;

  XaStore  *store;
  GSettings      *settings;
  GError         *store_error;
};

G_DEFINE_FINAL_TYPE (XaApplication, xa_application, ADW_TYPE_APPLICATION)

static void
about_activated (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  GtkApplication *app = GTK_APPLICATION (user_data);
  g_autofree char *debug_info = NULL;
  const char *developers[] = { _("The Xiaozhi Activator developers"), NULL };
  GtkWidget *about;

  debug_info = g_strdup_printf ("GTK %u.%u.%u\nlibadwaita %u.%u.%u\nlibsoup %u.%u.%u\njson-glib %s\nGLib %u.%u.%u\n",
                                gtk_get_major_version (), gtk_get_minor_version (), gtk_get_micro_version (),
                                adw_get_major_version (), adw_get_minor_version (), adw_get_micro_version (),
                                soup_get_major_version (), soup_get_minor_version (), soup_get_micro_version (),
                                JSON_VERSION_S,
                                glib_major_version, glib_minor_version, glib_micro_version);

  about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                        "transient-for", gtk_application_get_active_window (app),
                        "application-icon", APP_ID,
                        "application-name", _("Xiaozhi Activator"),
                        "developer-name", _("The Xiaozhi Activator developers"),
                        "version", PACKAGE_VERSION,
                        "developers", developers,
                        /* Translators: put your names here, one per line */
                        "translator-credits", _("translator-credits"),
                        "license-type", GTK_LICENSE_GPL_3_0,
                        "debug-info", debug_info,
                        NULL);
  gtk_window_present (GTK_WINDOW (about));
}

static void
preferences_activated (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       user_data)
{
  GtkApplication *app = GTK_APPLICATION (user_data);

  gtk_window_present (xa_preferences_window_new (gtk_application_get_active_window (app)));
}

static void
quit_activated (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  g_application_quit (G_APPLICATION (user_data));
}

/* A notification's default action: the device it is about. */
static void
show_device_activated (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       user_data)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (user_data));

  if (window == NULL)
    {
      g_application_activate (G_APPLICATION (user_data));
      window = gtk_application_get_active_window (GTK_APPLICATION (user_data));
    }
  if (XA_IS_WINDOW (window))
    xa_window_show_device (XA_WINDOW (window), g_variant_get_string (parameter, NULL));
}

static const GActionEntry app_actions[] = {
  { "about", about_activated },
  { "show-device", show_device_activated, "s" },
  { "preferences", preferences_activated },
  { "quit", quit_activated },
};

static void
ca_file_read_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!xa_net_set_ca_file_finish (result, &error))
    g_warning ("%s", error->message);
}

/* Read off the main thread: the first window never waits for it. */
static void
ca_file_changed_cb (GSettings      *settings,
                    const char     *key,
                    XaApplication  *self)
{
  g_autofree char *path = g_settings_get_string (settings, "ca-file");

  xa_net_set_ca_file_async (path, NULL, ca_file_read_cb, NULL);
}

static void
store_loaded_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(XaApplication) self = user_data;
  GList *windows;

  g_clear_error (&self->store_error);
  if (xa_store_finish (XA_STORE (object), result, &self->store_error))
    return;

  /* Only the windows that show this devices file. */
  for (windows = gtk_application_get_windows (GTK_APPLICATION (self)); windows; windows = windows->next)
    if (XA_IS_WINDOW (windows->data) && xa_window_get_store (windows->data) == self->store)
      xa_window_show_store_error (windows->data, self->store_error);
}

static void
xa_application_activate (GApplication *app)
{
  XaApplication *self = XA_APPLICATION (app);
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  if (window == NULL)
    {
      window = GTK_WINDOW (xa_window_new (ADW_APPLICATION (app), self->store));
      if (self->store_error != NULL)
        xa_window_show_store_error (XA_WINDOW (window), self->store_error);
    }
  gtk_window_present (window);
}

static void
xa_application_startup (GApplication *app)
{
  XaApplication *self = XA_APPLICATION (app);
  const char *quit_accels[] = { "<Control>q", NULL };
  const char *prefs_accels[] = { "<Control>comma", NULL };

  G_APPLICATION_CLASS (xa_application_parent_class)->startup (app);

  g_action_map_add_action_entries (G_ACTION_MAP (app), app_actions, G_N_ELEMENTS (app_actions), app);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.preferences", prefs_accels);

  self->settings = g_settings_new (APP_ID);
  g_signal_connect (self->settings, "changed::ca-file", G_CALLBACK (ca_file_changed_cb), self);
  ca_file_changed_cb (self->settings, "ca-file", self);

  xa_store_load_async (self->store, NULL, store_loaded_cb, g_object_ref (self));
}

static void
xa_application_dispose (GObject *object)
{
  XaApplication *self = XA_APPLICATION (object);

  g_clear_object (&self->store);
  g_clear_object (&self->settings);
  g_clear_error (&self->store_error);

  G_OBJECT_CLASS (xa_application_parent_class)->dispose (object);
}

static void
xa_application_class_init (XaApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = xa_application_dispose;
  app_class->activate = xa_application_activate;
  app_class->startup = xa_application_startup;
}

static void
xa_application_init (XaApplication *self)
{
}

/* @store_path: the devices file, or NULL for the usual one */
XaApplication *
xa_application_new (const char *store_path)
{
  XaApplication *self = g_object_new (XA_TYPE_APPLICATION,
                                      "application-id", APP_ID,
                                      "flags", G_APPLICATION_DEFAULT_FLAGS,
                                      "resource-base-path", "/io/github/xiaozhi_activator/Activator",
                                      NULL);

  self->store = xa_store_new (&xa_device_kind, store_path);
  return self;
}

XaStore *
xa_application_get_store (XaApplication *self)
{
  return self->store;
}
