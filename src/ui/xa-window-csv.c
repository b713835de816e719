/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "xa-a11y.h"
#include "xa-csv-transfer.h"
#include "xa-device.h"
#include "xa-window-private.h"

/* The main menu's Import Devices… and Export Devices…: a devices CSV file
 * in (all or nothing, the bad rows named) and out (with the secrets only
 * when asked), through the core's xa_csv_import_async() and
 * xa_csv_export_async(), as `xiaozhictl import/export --csv` does. */

static void
show_failure (XaWindow     *self,
              const char   *heading,
              const GError *error)
{
  AdwMessageDialog *dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), heading, error->message));

  adw_message_dialog_add_response (dialog, "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

static GtkFileFilter *
csv_filter (void)
{
  GtkFileFilter *filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, _("CSV Files"));
  gtk_file_filter_add_mime_type (filter, "text/csv");
  gtk_file_filter_add_suffix (filter, "csv");
  return filter;
}

static GtkFileChooserNative *
new_chooser (XaWindow             *self,
             const char           *title,
             GtkFileChooserAction  action,
             const char           *accept)
{
  GtkFileChooserNative *chooser = gtk_file_chooser_native_new (title, GTK_WINDOW (self), action, accept, _("_Cancel"));
  g_autoptr(GtkFileFilter) filter = csv_filter ();
  g_autoptr(GFile) home = g_file_new_for_path (g_get_home_dir ());

  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (chooser), home, NULL);
  return chooser;
}

/* ---- import -------------------------------------------------------------- */

static void
imported_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(XaWindow) self = user_data;
  g_autoptr(GPtrArray) added = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *said = NULL;

  added = xa_csv_import_finish (result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.import-devices", TRUE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.import-devices-from", TRUE);
  if (added == NULL)
    {
      show_failure (self, _("Nothing Was Imported"), error);
      return;
    }
  /* Their sessions, already loaded, are the window's from now on. */
  for (guint i = 0; i < added->len; i++)
    {
      XaDeviceSession *session = g_ptr_array_index (added, i);

      g_hash_table_replace (self->sessions, g_strdup (xa_device_get_uuid (xa_device_session_get_device (session))),
                            g_object_ref (session));
    }
  if (added->len > 0)
    xa_window_select_device (self, xa_device_session_get_device (g_ptr_array_index (added, 0)));
  said = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Imported %u device.", "Imported %u devices.", added->len),
                          added->len);
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (said));
}

static void
import_from_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  XaWindow *self = XA_WINDOW (widget);
  g_autoptr(GFile) file = g_file_new_for_path (g_variant_get_string (parameter, NULL));

  /* One import at a time: each checks its names against the store. */
  gtk_widget_action_set_enabled (widget, "win.import-devices", FALSE);
  gtk_widget_action_set_enabled (widget, "win.import-devices-from", FALSE);
  xa_csv_import_async (self->store, file, self->cancellable, imported_cb, g_object_ref (self));
}

/* The local path the user accepted in @chooser, or NULL. */
static char *
chosen_path (GtkNativeDialog *chooser,
             int              response)
{
  g_autoptr(GFile) file = response == GTK_RESPONSE_ACCEPT ? gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser))
                                                          : NULL;

  return file ? g_file_get_path (file) : NULL;
}

static void
import_chosen_cb (GtkNativeDialog *chooser,
                  int              response,
                  XaWindow        *self)
{
  g_autofree char *path = chosen_path (chooser, response);

  if (path != NULL)
    gtk_widget_activate_action (GTK_WIDGET (self), "win.import-devices-from", "s", path);
  g_object_unref (chooser);
}

static void
import_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  GtkFileChooserNative *chooser = new_chooser (XA_WINDOW (widget), _("Import Devices"),
                                               GTK_FILE_CHOOSER_ACTION_OPEN, _("_Import"));

  g_signal_connect_object (chooser, "response", G_CALLBACK (import_chosen_cb), widget, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
  xa_a11y_fix_file_chooser ();
}

/* ---- export -------------------------------------------------------------- */

typedef struct
{
  XaWindow *window;
  char     *name;          /* the file, as shown */
  guint     count;
  gboolean  with_secrets;
} Export;

static void
export_free (Export *export)
{
  g_object_unref (export->window);
  g_free (export->name);
  g_free (export);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Export, export_free)

static void
exported_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(Export) export = user_data;
  XaWindow *self = export->window;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) said = g_string_new (NULL);
  AdwToast *toast;

  if (!xa_csv_export_finish (result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_failure (self, _("Could Not Export the Devices"), error);
      return;
    }
  g_string_printf (said, g_dngettext (GETTEXT_PACKAGE, "Wrote %u device into %s.", "Wrote %u devices into %s.",
                                      export->count),
                   export->count, export->name);
  if (export->with_secrets)
    g_string_append_printf (said, " %s", _("It holds tokens and HMAC keys: only you can read it. Keep it private."));
  toast = adw_toast_new (said->str);
  adw_toast_set_timeout (toast, export->with_secrets ? 0 : 5);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

/* (sb): the file, and whether the tokens and HMAC keys go in it. */
static void
export_to_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  XaWindow *self = XA_WINDOW (widget);
  g_autoptr(GPtrArray) sessions = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GFile) file = NULL;
  GListModel *model = G_LIST_MODEL (self->store);
  const char *path;
  Export *export = g_new0 (Export, 1);

  g_variant_get (parameter, "(&sb)", &path, &export->with_secrets);
  file = g_file_new_for_path (path);
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(XaDevice) device = g_list_model_get_item (model, i);

      g_ptr_array_add (sessions, g_object_ref (_xa_window_session_for (self, device)));
    }
  export->window = g_object_ref (self);
  export->name = g_file_get_parse_name (file);
  export->count = sessions->len;
  xa_csv_export_async (sessions, file, export->with_secrets, self->cancellable, exported_cb, export);
}

static void
export_chosen_cb (GtkNativeDialog *chooser,
                  int              response,
                  XaWindow        *self)
{
  g_autofree char *path = chosen_path (chooser, response);

  if (path != NULL)
    {
      gboolean with_secrets = g_strcmp0 (gtk_file_chooser_get_choice (GTK_FILE_CHOOSER (chooser), "secrets"),
                                         "true") == 0;

      gtk_widget_activate_action (GTK_WIDGET (self), "win.export-devices-to", "(sb)", path, with_secrets);
    }
  g_object_unref (chooser);
}

static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  GtkFileChooserNative *chooser = new_chooser (XA_WINDOW (widget), _("Export Devices"),
                                               GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"));

  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), "xiaozhi-devices.csv");
  /* Off unless chosen: the file is then a secret itself. */
  gtk_file_chooser_add_choice (GTK_FILE_CHOOSER (chooser), "secrets",
                               _("Include tokens and HMAC keys (the file is then readable only by you)"), NULL, NULL);
  gtk_file_chooser_set_choice (GTK_FILE_CHOOSER (chooser), "secrets", "false");
  g_signal_connect_object (chooser, "response", G_CALLBACK (export_chosen_cb), widget, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
  xa_a11y_fix_file_chooser ();
}

void
_xa_window_class_init_csv (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.import-devices", NULL, import_action);
  gtk_widget_class_install_action (widget_class, "win.import-devices-from", "s", import_from_action);
  gtk_widget_class_install_action (widget_class, "win.export-devices", NULL, export_action);
  gtk_widget_class_install_action (widget_class, "win.export-devices-to", "(sb)", export_to_action);
}
