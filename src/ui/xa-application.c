/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "xa-application.h"
#include "xa-window.h"

struct _XaApplication
{
  AdwApplication parent_instance;
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
quit_activated (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  g_application_quit (G_APPLICATION (user_data));
}

static const GActionEntry app_actions[] = {
  { "about", about_activated },
  { "quit", quit_activated },
};

static void
xa_application_activate (GApplication *app)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  if (window == NULL)
    window = GTK_WINDOW (xa_window_new (ADW_APPLICATION (app)));
  gtk_window_present (window);
}

static void
xa_application_startup (GApplication *app)
{
  const char *quit_accels[] = { "<Control>q", NULL };

  G_APPLICATION_CLASS (xa_application_parent_class)->startup (app);

  g_action_map_add_action_entries (G_ACTION_MAP (app), app_actions, G_N_ELEMENTS (app_actions), app);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.quit", quit_accels);
}

static void
xa_application_class_init (XaApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  app_class->activate = xa_application_activate;
  app_class->startup = xa_application_startup;
}

static void
xa_application_init (XaApplication *self)
{
}

XaApplication *
xa_application_new (void)
{
  return g_object_new (XA_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       "resource-base-path", "/io/github/xiaozhi_activator/Activator",
                       NULL);
}
