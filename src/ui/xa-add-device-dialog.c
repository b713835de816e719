/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "xa-a11y.h"
#include "xa-add-device-dialog.h"
#include "xa-store.h"
#include "xa-device.h"
#include "xa-identity.h"
#include "xa-url.h"

/* Two ways in: a new identity to activate, or a device another client
 * already has a token for. */
struct _XaAddDeviceDialog
{
  AdwWindow            parent_instance;

  XaStore       *store;
  GPtrArray           *host_macs;     /* XaHostInterface, in the combo's order after "random" */
  GCancellable        *cancellable;
  GTask               *run;           /* the caller's, until a device is added or the dialog closes */
  XaDeviceSession     *adding;
  gboolean             has_token;

  AdwToastOverlay     *toast_overlay;
  GtkWidget           *add_button;
  AdwViewStack        *view_stack;
  AdwViewSwitcherBar  *switcher_bar;
  AdwPreferencesGroup *name_group;
  AdwEntryRow         *name_row;
  AdwPreferencesGroup *server_group;
  AdwComboRow         *server_row;
  AdwEntryRow         *ota_row;
  AdwPreferencesGroup *mac_group;
  AdwComboRow         *mac_row;
  AdwEntryRow         *mac_entry;
  AdwEntryRow         *client_row;
  AdwPreferencesGroup *token_group;
  AdwEntryRow         *t_name_row;
  AdwEntryRow         *t_ws_row;
  AdwEntryRow         *t_ota_row;
  AdwEntryRow         *t_device_row;
  AdwEntryRow         *t_client_row;
  AdwPasswordEntryRow *t_token_row;
};

G_DEFINE_FINAL_TYPE (XaAddDeviceDialog, xa_add_device_dialog, ADW_TYPE_WINDOW)

static const char *
text_of (gpointer row)
{
  return gtk_editable_get_text (GTK_EDITABLE (row));
}

static char *
stripped_text (gpointer row)
{
  return g_strstrip (g_strdup (text_of (row)));
}

static gboolean
has_text (gpointer row)
{
  g_autofree char *text = stripped_text (row);
  return *text != '\0';
}

static gboolean
is_token_path (XaAddDeviceDialog *self)
{
  return g_strcmp0 (adw_view_stack_get_visible_child_name (self->view_stack), "token") == 0;
}

static gboolean
typing_mac (XaAddDeviceDialog *self)
{
  return adw_combo_row_get_selected (self->mac_row) == self->host_macs->len + 1;
}

/* What the user is told under a group as they type. */
typedef struct
{
  GString *problems;  /* why what is typed is wrong, a line each */
  GString *missing;   /* the titles of the fields still empty */
} Said;

static void
said_line (GString    *lines,
           const char *line)
{
  g_string_append_printf (lines, "%s%s", lines->len ? "\n" : "", line);
}

/* Marks @row wrong as the user types and says why; an empty field only
 * keeps Add off, and is named among those still needed. */
static gboolean
check (gpointer    row,
       gboolean    ok,
       const char *why,
       Said       *said)
{
  gboolean empty = *text_of (row) == '\0';

  if (ok || empty)
    gtk_widget_remove_css_class (GTK_WIDGET (row), "error");
  else
    gtk_widget_add_css_class (GTK_WIDGET (row), "error");
  if (!ok && empty)
    /* Translators: separates field names in "Still needed: …" */
    g_string_append_printf (said->missing, "%s%s", said->missing->len ? _(", ") : "",
                            adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)));
  else if (!ok && why != NULL)
    said_line (said->problems, why);
  return ok;
}

/* One warning under a group: an icon and its words, a line of its own. */
static GtkWidget *
warning_new (const char *text)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  GtkWidget *icon = g_object_new (GTK_TYPE_IMAGE, "icon-name", "dialog-warning-symbolic", "valign", GTK_ALIGN_START,
                                  "accessible-role", GTK_ACCESSIBLE_ROLE_PRESENTATION, NULL);
  GtkWidget *label = gtk_label_new (text);

  gtk_widget_add_css_class (icon, "warning");
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_set_hexpand (label, TRUE);
  gtk_widget_set_margin_top (box, 8);
  gtk_box_append (GTK_BOX (box), icon);
  gtk_box_append (GTK_BOX (box), label);
  return box;
}

/* Puts what was said under @group: @fallback (the group's own words) and
 * what is still needed as its description, and each thing that is wrong
 * as a warning of its own below its rows. */
static void
tell (AdwPreferencesGroup *group,
      Said                *said,
      const char          *fallback)
{
  g_autoptr(GString) text = g_string_new (fallback);
  g_auto(GStrv) problems = g_strsplit (said->problems->str, "\n", -1);
  GPtrArray *shown = g_object_get_data (G_OBJECT (group), "xa-warnings");

  if (said->missing->len)
    {
      /* Translators: %s lists the names of fields still empty */
      g_autofree char *line = g_strdup_printf (_("Still needed: %s."), said->missing->str);
      said_line (text, line);
    }
  adw_preferences_group_set_description (group, text->len ? text->str : NULL);

  if (shown == NULL)
    {
      shown = g_ptr_array_new ();
      g_object_set_data_full (G_OBJECT (group), "xa-warnings", shown, (GDestroyNotify) g_ptr_array_unref);
    }
  for (guint i = 0; i < shown->len; i++)
    adw_preferences_group_remove (group, g_ptr_array_index (shown, i));
  g_ptr_array_set_size (shown, 0);
  for (guint i = 0; problems[i] != NULL; i++)
    if (*problems[i] != '\0')
      {
        GtkWidget *warning = warning_new (problems[i]);
        adw_preferences_group_add (group, warning);
        g_ptr_array_add (shown, warning);
      }
  g_string_free (said->problems, TRUE);
  g_string_free (said->missing, TRUE);
}

#define SAID_INIT { g_string_new (NULL), g_string_new (NULL) }

static gboolean
valid_mac (const char  *text,
           GError     **error)
{
  g_autofree char *mac = xa_mac_normalize (text, error);
  return mac != NULL;
}

static gboolean
valid_client (const char  *text,
              GError     **error)
{
  g_autofree char *id = xa_client_id_normalize (text, error);
  return id != NULL;
}

/* A name another device has is refused; a Device-Id another device has
 * is said (the server would take them for one device). */
static gboolean
check_taken (XaAddDeviceDialog *self,
             gpointer           name_row,
             Said              *name_said,
             const char        *device_id,
             Said              *id_said)
{
  g_autofree char *name = stripped_text (name_row);
  XaDevice *twin = NULL;
  gboolean free_name = TRUE;

  if (self->store == NULL)
    return TRUE;
  if (*name != '\0' && xa_store_find (self->store, name) != NULL)
    {
      g_autofree char *why = g_strdup_printf (_("There is already a device named “%s”. Choose another name."), name);
      free_name = check (name_row, FALSE, why, name_said);
    }
  for (guint i = 0; device_id != NULL && twin == NULL && i < g_list_model_get_n_items (G_LIST_MODEL (self->store)); i++)
    {
      g_autoptr(XaDevice) d = g_list_model_get_item (G_LIST_MODEL (self->store), i);
      if (g_ascii_strcasecmp (xa_device_get_device_id (d), device_id) == 0)
        twin = d;
    }
  if (twin != NULL)
    {
      /* Translators: %s is the name of a saved device */
      g_autofree char *line = g_strdup_printf (_("“%s” has this Device-Id already: the server takes both for one "
                                                 "device, and activating one can end the other’s token."),
                                               xa_device_get_name (twin));
      said_line (id_said->problems, line);
    }
  return free_name;
}

static void
validate (XaAddDeviceDialog *self)
{
  Said said = SAID_INIT;
  g_autoptr(GError) e1 = NULL;
  g_autoptr(GError) e2 = NULL;
  g_autoptr(GError) e3 = NULL;
  g_autoptr(GError) e4 = NULL;
  g_autoptr(GError) e5 = NULL;
  gboolean self_hosted = adw_combo_row_get_selected (self->server_row) == 1;
  gboolean ok;

  gtk_widget_set_visible (GTK_WIDGET (self->ota_row), self_hosted);
  gtk_widget_set_visible (GTK_WIDGET (self->mac_entry), typing_mac (self));

  if (!is_token_path (self))
    {
      Said name_said = SAID_INIT;
      Said mac_said = SAID_INIT;
      const char *ota_hint = NULL;
      g_autofree char *mac = NULL;

      ok = check (self->name_row, has_text (self->name_row), NULL, &name_said);
      if (self_hosted)
        {
          g_autofree char *warnings = xa_ota_url_warnings (text_of (self->ota_row));
          ok &= check (self->ota_row, xa_ota_url_validate (text_of (self->ota_row), &e1),
                       e1 ? e1->message : NULL, &said);
          if (warnings != NULL)
            said_line (said.problems, warnings);
          if (*text_of (self->ota_row) == '\0')
            ota_hint = _("The OTA address is the one your server’s console shows, "
                         "such as http://192.168.1.2:8002/xiaozhi/ota/.");
        }
      if (typing_mac (self))
        {
          ok &= check (self->mac_entry, valid_mac (text_of (self->mac_entry), &e2), e2 ? e2->message : NULL, &mac_said);
          mac = xa_mac_normalize (text_of (self->mac_entry), NULL);
        }
      else if (adw_combo_row_get_selected (self->mac_row) >= 1)
        mac = g_strdup (((XaHostInterface *) g_ptr_array_index (self->host_macs,
                                                                 adw_combo_row_get_selected (self->mac_row) - 1))->mac);
      ok &= check (self->client_row, valid_client (text_of (self->client_row), &e3), e3 ? e3->message : NULL, &mac_said);
      ok &= check_taken (self, self->name_row, &name_said, mac, &mac_said);

      tell (self->name_group, &name_said,
            _("A new device identity gets an activation code from the server. "
              "You then type the code in the control panel."));
      tell (self->server_group, &said, ota_hint);
      tell (self->mac_group, &mac_said,
            _("Servers know a device by this MAC address. A random one is safest: "
              "a MAC already bound to another account never gets a code."));
    }
  else
    {
      g_autoptr(GUri) ws = g_uri_parse (text_of (self->t_ws_row), G_URI_FLAGS_NONE, NULL);
      gboolean ws_ok = ws != NULL && (g_str_equal (g_uri_get_scheme (ws), "ws") || g_str_equal (g_uri_get_scheme (ws), "wss"));

      ok = check (self->t_name_row, has_text (self->t_name_row), NULL, &said);
      ok &= check (self->t_ws_row, ws_ok, _("The WebSocket URL starts with ws:// or wss://."), &said);
      ok &= check (self->t_ota_row, xa_ota_url_validate (text_of (self->t_ota_row), &e4),
                   e4 ? e4->message : NULL, &said);
      /* Another client's identity is kept as it is: only what no header
       * can carry is wrong; an unusual form is said, not refused. */
      {
        g_autoptr(XaIdentity) exact = xa_identity_new_exact (text_of (self->t_device_row), text_of (self->t_client_row),
                                                             NULL, &e5);
        g_autofree char *warnings = exact ? xa_identity_warnings (exact) : NULL;

        ok &= check (self->t_device_row, exact != NULL || *text_of (self->t_client_row) == '\0',
                     e5 ? e5->message : NULL, &said);
        ok &= check (self->t_client_row, has_text (self->t_client_row), NULL, &said);
        if (warnings != NULL)
          said_line (said.problems, warnings);
      }
      ok &= check (self->t_token_row, has_text (self->t_token_row), NULL, &said);
      ok &= check_taken (self, self->t_name_row, &said,
                         *text_of (self->t_device_row) ? text_of (self->t_device_row) : NULL, &said);
      tell (self->token_group, &said,
            _("Paste what your other client uses, for example from its config.json. "
              "The token is tested right away and kept in the keyring."));
    }

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "dialog.add", ok);
}

static void
added_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(XaAddDeviceDialog) self = user_data;
  g_autoptr(XaDeviceSession) session = g_steal_pointer (&self->adding);
  g_autoptr(GError) error = NULL;
  g_autoptr(GTask) run = NULL;

  if (!xa_device_session_add_finish (session, result, &error))
    {
      /* Nothing is lost: the form stays as it was, with the reason. */
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (error->message));
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "dialog.add", TRUE);
      return;
    }

  run = g_steal_pointer (&self->run);
  if (run != NULL)
    g_task_return_pointer (run, g_steal_pointer (&session), g_object_unref);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
add_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  XaAddDeviceDialog *self = XA_ADD_DEVICE_DIALOG (widget);
  g_autoptr(XaIdentity) identity = NULL;
  g_autoptr(XaDevice) device = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(XaSecret) token = NULL;

  if (self->adding != NULL)
    return;

  if (!is_token_path (self))
    {
      guint choice = adw_combo_row_get_selected (self->mac_row);
      const char *mac = NULL;
      const char *ota = adw_combo_row_get_selected (self->server_row) == 1 ? text_of (self->ota_row)
                                                                            : XA_OTA_DEFAULT_URL;
      g_autofree char *name = stripped_text (self->name_row);

      if (typing_mac (self))
        mac = text_of (self->mac_entry);
      else if (choice >= 1 && choice <= self->host_macs->len)
        mac = ((XaHostInterface *) g_ptr_array_index (self->host_macs, choice - 1))->mac;

      identity = xa_identity_new (mac, text_of (self->client_row), NULL, &error);
      if (identity != NULL)
        device = xa_device_new (name, ota, identity);
    }
  else
    {
      g_autofree char *name = stripped_text (self->t_name_row);

      identity = xa_identity_new_exact (text_of (self->t_device_row), text_of (self->t_client_row), NULL, &error);
      if (identity != NULL)
        {
          device = xa_device_new (name, text_of (self->t_ota_row), identity);
          g_object_set (device, "websocket-url", text_of (self->t_ws_row), NULL);
          token = stripped_text (self->t_token_row);
        }
    }

  if (identity == NULL)
    {
      adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (error->message));
      return;
    }

  gtk_widget_action_set_enabled (widget, "dialog.add", FALSE);
  self->has_token = token != NULL;
  /* Its secrets reach the keyring before it is in the list. */
  self->adding = xa_device_session_new (self->store, device);
  xa_device_session_add_async (self->adding, token, NULL, self->cancellable, added_cb, g_object_ref (self));
}

static void
xa_add_device_dialog_dispose (GObject *object)
{
  XaAddDeviceDialog *self = XA_ADD_DEVICE_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->run != NULL)
    {
      g_task_return_new_error (self->run, G_IO_ERROR, G_IO_ERROR_CANCELLED, "closed");
      g_clear_object (&self->run);
    }
  g_clear_object (&self->store);
  g_clear_pointer (&self->host_macs, g_ptr_array_unref);
  gtk_widget_dispose_template (GTK_WIDGET (self), XA_TYPE_ADD_DEVICE_DIALOG);

  G_OBJECT_CLASS (xa_add_device_dialog_parent_class)->dispose (object);
}

static void
xa_add_device_dialog_class_init (XaAddDeviceDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = xa_add_device_dialog_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/xiaozhi_activator/Activator/xa-add-device-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, XaAddDeviceDialog, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, XaAddDeviceDialog, add_button);
  gtk_widget_class_bind_template_child (widget_class, XaAddDeviceDialog, view_stack);
  gtk_widget_class_bind_template_child (widget_class, XaAddDeviceDialog, switcher_bar);
  gtk_widget_class_bind_template_child (widget_class, XaAddDeviceDialog, name_group);
  gtk_widget_class_bind_template_child (widget_class, XaAddDeviceDialog, name_row);
  gtk_widget_class_bind_template_child (widget_class, XaAddDeviceDialog, server_group);
  gtk_widget_class_bind_template_child (widget_class, XaAddDeviceDialog, server_row);
  gtk_widget_class_bind_template_child (widget_class, XaAddDeviceDialog, ota_row);
  gtk_widget_class_bind_template_child (widget_class, XaAddDeviceDialog, mac_group);
  gtk_widget_class_bind_template_child (widget_class, XaAddDeviceDialog, mac_row);
  gtk_widget_class_bind_template_child (widget_class, XaAddDeviceDialog, mac_entry);
  gtk_widget_class_bind_template_child (widget_class, XaAddDeviceDialog, client_row);
  gtk_widget_class_bind_template_child (widget_class, XaAddDeviceDialog, token_group);
  gtk_widget_class_bind_template_child (widget_class, XaAddDeviceDialog, t_name_row);
  gtk_widget_class_bind_template_child (widget_class, XaAddDeviceDialog, t_ws_row);
  gtk_widget_class_bind_template_child (widget_class, XaAddDeviceDialog, t_ota_row);
  gtk_widget_class_bind_template_child (widget_class, XaAddDeviceDialog, t_device_row);
  gtk_widget_class_bind_template_child (widget_class, XaAddDeviceDialog, t_client_row);
  gtk_widget_class_bind_template_child (widget_class, XaAddDeviceDialog, t_token_row);
  gtk_widget_class_bind_template_callback (widget_class, validate);

  gtk_widget_class_install_action (widget_class, "dialog.add", NULL, add_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
xa_add_device_dialog_init (XaAddDeviceDialog *self)
{
  g_autoptr(GtkStringList) macs = gtk_string_list_new (NULL);
  g_autofree char *client = xa_client_id_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
  xa_a11y_fix_names (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();

  self->host_macs = xa_mac_list_host (NULL);
  gtk_string_list_append (macs, _("A new random one"));
  for (guint i = 0; i < self->host_macs->len; i++)
    {
      XaHostInterface *iface = g_ptr_array_index (self->host_macs, i);
      /* Translators: a choice of Device-Id; %s are a network interface and its MAC address */
      g_autofree char *label = g_strdup_printf (_("This computer’s %s (%s)"), iface->interface, iface->mac);
      gtk_string_list_append (macs, label);
    }
  gtk_string_list_append (macs, _("Type one"));
  adw_combo_row_set_model (self->mac_row, G_LIST_MODEL (macs));

  gtk_editable_set_text (GTK_EDITABLE (self->client_row), client);

  /* The default server of the preferences: a self-hosted one starts there. */
  {
    g_autoptr(GSettings) settings = g_settings_new (APP_ID);
    g_autofree char *ota = g_settings_get_string (settings, "default-ota-url");

    if (*ota != '\0' && g_strcmp0 (ota, XA_OTA_DEFAULT_URL) != 0)
      {
        adw_combo_row_set_selected (self->server_row, 1);
        gtk_editable_set_text (GTK_EDITABLE (self->ota_row), ota);
        gtk_editable_set_text (GTK_EDITABLE (self->t_ota_row), ota);
      }
  }
  gtk_editable_set_text (GTK_EDITABLE (self->t_client_row), "");
  validate (self);
}

XaAddDeviceDialog *
xa_add_device_dialog_new (GtkWindow     *parent,
                          XaStore *store)
{
  XaAddDeviceDialog *self = g_object_new (XA_TYPE_ADD_DEVICE_DIALOG, "transient-for", parent, NULL);

  self->store = g_object_ref (store);
  validate (self);
  return self;
}

/* Shows the dialog; finishes with the session of the device the user
 * added (its secrets in the keyring first), or G_IO_ERROR_CANCELLED when
 * the dialog was closed. */
void
xa_add_device_dialog_run_async (XaAddDeviceDialog   *self,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_return_if_fail (self->run == NULL);

  self->run = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (self->run, xa_add_device_dialog_run_async);
  gtk_window_present (GTK_WINDOW (self));
  /* Typing starts with the name; Enter adds once the form is complete. */
  gtk_widget_grab_focus (GTK_WIDGET (is_token_path (self) ? self->t_name_row : self->name_row));
}

/* @has_token: whether the user gave a token ("I have a token"). */
XaDeviceSession *
xa_add_device_dialog_run_finish (XaAddDeviceDialog  *self,
                                 GAsyncResult       *result,
                                 gboolean           *has_token,
                                 GError            **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  if (has_token != NULL)
    *has_token = self->has_token;
  return g_task_propagate_pointer (G_TASK (result), error);
}
