/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "xa-preferences-window.h"

/* Default server, hello timeout and the extra CA file, straight onto
 * GSettings; the application applies them. */

static void
ca_chosen_cb (GtkNativeDialog *chooser,
              int              response,
              gpointer         user_data)
{
  GSettings *settings = user_data;
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT && (file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser))) != NULL)
    {
      g_autofree char *path = g_file_get_path (file);
      g_settings_set_string (settings, "ca-file", path);
    }
  g_object_unref (chooser);
}

static void
choose_ca_cb (GtkButton *button,
              GSettings *settings)
{
  GtkFileChooserNative *chooser;

  chooser = gtk_file_chooser_native_new (_("Choose a CA File"),
                                         GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (button))),
                                         GTK_FILE_CHOOSER_ACTION_OPEN, _("_Choose"), _("_Cancel"));
  g_signal_connect (chooser, "response", G_CALLBACK (ca_chosen_cb), settings);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
clear_ca_cb (GtkButton *button,
             GSettings *settings)
{
  g_settings_set_string (settings, "ca-file", "");
}

static gboolean
ca_to_subtitle (GValue   *value,
                GVariant *variant,
                gpointer  user_data)
{
  const char *path = g_variant_get_string (variant, NULL);

  g_value_set_string (value, *path ? path : _("None: only the system’s certificate authorities"));
  return TRUE;
}

GtkWindow *
xa_preferences_window_new (GtkWindow *parent)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  GtkWidget *window = adw_preferences_window_new ();
  GtkWidget *page = adw_preferences_page_new ();
  GtkWidget *server = adw_preferences_group_new ();
  GtkWidget *test = adw_preferences_group_new ();
  GtkWidget *tls = adw_preferences_group_new ();
  GtkWidget *ota_row = adw_entry_row_new ();
  GtkWidget *timeout_row = adw_action_row_new ();
  GtkWidget *spin = gtk_spin_button_new_with_range (1, 120, 1);
  GtkWidget *ca_row = adw_action_row_new ();
  GtkWidget *choose = gtk_button_new_with_mnemonic (_("_Choose…"));
  GtkWidget *clear = gtk_button_new_from_icon_name ("edit-clear-symbolic");

  gtk_window_set_transient_for (GTK_WINDOW (window), parent);
  gtk_window_set_modal (GTK_WINDOW (window), TRUE);
  adw_preferences_window_set_search_enabled (ADW_PREFERENCES_WINDOW (window), FALSE);

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (server), _("Server"));
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (ota_row), _("Default OTA address"));
  g_settings_bind (settings, "default-ota-url", ota_row, "text", G_SETTINGS_BIND_DEFAULT);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (server), ota_row);

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (test), _("Test"));
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (timeout_row), _("Hello timeout"));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (timeout_row), _("Seconds to wait for the server’s answer"));
  gtk_widget_set_valign (spin, GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (spin), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Hello timeout in seconds"), -1);
  g_settings_bind (settings, "hello-timeout", spin, "value", G_SETTINGS_BIND_DEFAULT);
  adw_action_row_add_suffix (ADW_ACTION_ROW (timeout_row), spin);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (test), timeout_row);

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (tls), _("Certificates"));
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (tls),
                                         _("For a self-hosted server with its own certificate authority. "
                                           "Certificates are always checked."));
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (ca_row), _("Extra CA file"));
  g_settings_bind_with_mapping (settings, "ca-file", ca_row, "subtitle", G_SETTINGS_BIND_GET,
                                ca_to_subtitle, NULL, NULL, NULL);
  gtk_widget_set_valign (choose, GTK_ALIGN_CENTER);
  gtk_widget_set_valign (clear, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (clear, "flat");
  gtk_widget_set_tooltip_text (clear, _("Use no extra CA file"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (clear), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Use no extra CA file"), -1);
  g_signal_connect_object (choose, "clicked", G_CALLBACK (choose_ca_cb), settings, 0);
  g_signal_connect_object (clear, "clicked", G_CALLBACK (clear_ca_cb), settings, 0);
  adw_action_row_add_suffix (ADW_ACTION_ROW (ca_row), choose);
  adw_action_row_add_suffix (ADW_ACTION_ROW (ca_row), clear);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (tls), ca_row);

  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (server));
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (test));
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (tls));
  adw_preferences_window_add (ADW_PREFERENCES_WINDOW (window), ADW_PREFERENCES_PAGE (page));
  /* The settings object lives as long as the window. */
  g_object_set_data_full (G_OBJECT (window), "settings", g_object_ref (settings), g_object_unref);

  return GTK_WINDOW (window);
}
