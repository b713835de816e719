/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "xa-net.h"
#include "xa-a11y.h"
#include "xa-preferences-window.h"

/* Default server, hello timeout and the extra CA file, straight onto
 * GSettings; the application applies them. */
struct _XaPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  GSettings            *settings;

  AdwEntryRow          *ota_row;
  GtkSpinButton        *timeout_spin;
  AdwActionRow         *ca_row;
  AdwComboRow          *health_row;
  GtkSwitch            *refresh_switch;
};

G_DEFINE_FINAL_TYPE (XaPreferencesWindow, xa_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

static gboolean
ca_to_subtitle (GValue   *value,
                GVariant *variant,
                gpointer  user_data)
{
  const char *path = g_variant_get_string (variant, NULL);

  g_value_set_string (value, *path ? path : _("None: only the system’s certificate authorities"));
  return TRUE;
}

typedef struct
{
  XaPreferencesWindow *self;
  char                *path;
} CaRead;

static void
ca_read_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  CaRead *read = user_data;
  g_autoptr(GError) error = NULL;

  /* Kept only when it holds certificates; otherwise the user is told and
   * the previous choice stays. */
  if (xa_net_set_ca_file_finish (result, &error))
    g_settings_set_string (read->self->settings, "ca-file", read->path);
  else
    {
      g_autofree char *previous = g_settings_get_string (read->self->settings, "ca-file");

      adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (read->self), adw_toast_new (error->message));
      xa_net_set_ca_file_async (previous, NULL, NULL, NULL);
    }
  g_object_unref (read->self);
  g_free (read->path);
  g_free (read);
}

/* Tries the CA file at @path: read in a thread, kept if it holds
 * certificates. */
static void
use_ca_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  CaRead *read = g_new0 (CaRead, 1);

  read->self = g_object_ref (XA_PREFERENCES_WINDOW (widget));
  read->path = g_variant_dup_string (parameter, NULL);
  xa_net_set_ca_file_async (read->path, NULL, ca_read_cb, read);
}

static void
ca_chosen_cb (GtkNativeDialog *chooser,
              int              response,
              gpointer         user_data)
{
  g_autoptr(XaPreferencesWindow) self = user_data;
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT && (file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser))) != NULL)
    {
      g_autofree char *path = g_file_get_path (file);
      gtk_widget_activate_action (GTK_WIDGET (self), "prefs.use-ca", "s", path ? path : "");
    }
  g_object_unref (chooser);
}

static void
choose_ca_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  GtkFileChooserNative *chooser;

  chooser = gtk_file_chooser_native_new (_("Choose a CA File"), GTK_WINDOW (widget),
                                         GTK_FILE_CHOOSER_ACTION_OPEN, _("_Choose"), _("_Cancel"));
  g_signal_connect (chooser, "response", G_CALLBACK (ca_chosen_cb), g_object_ref (widget));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
  xa_a11y_fix_file_chooser ();
}

static void
clear_ca_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  g_settings_set_string (XA_PREFERENCES_WINDOW (widget)->settings, "ca-file", "");
}

/* The health check's choices, in the order of its combo row. */
static const char * const health_choices[] = { "off", "daily", "hourly" };

static gboolean
health_to_selected (GValue   *value,
                    GVariant *variant,
                    gpointer  user_data)
{
  const char *choice = g_variant_get_string (variant, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (health_choices); i++)
    if (g_str_equal (choice, health_choices[i]))
      g_value_set_uint (value, i);
  return TRUE;
}

static GVariant *
selected_to_health (const GValue       *value,
                    const GVariantType *expected_type,
                    gpointer            user_data)
{
  guint selected = g_value_get_uint (value);

  return g_variant_new_string (health_choices[selected < G_N_ELEMENTS (health_choices) ? selected : 0]);
}

static void
xa_preferences_window_dispose (GObject *object)
{
  XaPreferencesWindow *self = XA_PREFERENCES_WINDOW (object);

  g_clear_object (&self->settings);
  gtk_widget_dispose_template (GTK_WIDGET (self), XA_TYPE_PREFERENCES_WINDOW);

  G_OBJECT_CLASS (xa_preferences_window_parent_class)->dispose (object);
}

static void
xa_preferences_window_class_init (XaPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = xa_preferences_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/xiaozhi_activator/Activator/xa-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, XaPreferencesWindow, ota_row);
  gtk_widget_class_bind_template_child (widget_class, XaPreferencesWindow, timeout_spin);
  gtk_widget_class_bind_template_child (widget_class, XaPreferencesWindow, ca_row);
  gtk_widget_class_bind_template_child (widget_class, XaPreferencesWindow, health_row);
  gtk_widget_class_bind_template_child (widget_class, XaPreferencesWindow, refresh_switch);

  gtk_widget_class_install_action (widget_class, "prefs.choose-ca", NULL, choose_ca_action);
  gtk_widget_class_install_action (widget_class, "prefs.clear-ca", NULL, clear_ca_action);
  gtk_widget_class_install_action (widget_class, "prefs.use-ca", "s", use_ca_action);
}

static void
xa_preferences_window_init (XaPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  xa_a11y_fix_names (GTK_WIDGET (self));

  self->settings = g_settings_new (APP_ID);
  g_settings_bind (self->settings, "default-ota-url", self->ota_row, "text", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "hello-timeout", self->timeout_spin, "value", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind_with_mapping (self->settings, "ca-file", self->ca_row, "subtitle", G_SETTINGS_BIND_GET,
                                ca_to_subtitle, NULL, NULL, NULL);
  g_settings_bind_with_mapping (self->settings, "health-check", self->health_row, "selected", G_SETTINGS_BIND_DEFAULT,
                                health_to_selected, selected_to_health, NULL, NULL);
  g_settings_bind (self->settings, "refresh-old-tokens", self->refresh_switch, "active", G_SETTINGS_BIND_DEFAULT);
}

GtkWindow *
xa_preferences_window_new (GtkWindow *parent)
{
  return g_object_new (XA_TYPE_PREFERENCES_WINDOW, "transient-for", parent, NULL);
}
