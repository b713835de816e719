/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <libsecret/secret.h>

#include "xa-activation.h"
#include "xa-device-page.h"
#include "xa-export.h"
#include "xa-qr.h"
#include "xa-token-store.h"
#include "xa-token-test.h"

/* One device: its verdict, token, identity and server, the Test,
 * activation (with the code shown large), export and removal. */
struct _XaDevicePage
{
  GtkWidget        parent_instance;

  XaDeviceStore   *store;
  XaDevice        *device;
  GSettings       *settings;
  GCancellable    *cancellable;          /* everything for this device */
  GCancellable    *activation_cancellable;
  XaActivation    *activation;
  guint            ticker_id;
  gint64           last_check_us;
  char            *last_error;
  char            *token;                /* secret: never logged */
  char            *hmac_key;             /* secret */
  gboolean         token_unsaved;
  gboolean         testing;
  GPtrArray       *field_rows;

  GtkStack        *stack;
  GtkInfoBar      *keyring_bar;
  GtkLabel        *keyring_label;
  GtkWidget       *retry_button;
  GtkImage        *verdict_icon;
  GtkLabel        *verdict_title;
  GtkLabel        *verdict_advice;
  GtkExpander     *details_expander;
  GtkLabel        *details_label;
  GtkWidget       *activate_button;
  GtkSpinner      *test_spinner;
  GtkWidget       *test_button;
  AdwActionRow    *token_row;
  GtkToggleButton *reveal_button;
  AdwPreferencesGroup *identity_group;
  AdwPreferencesGroup *server_group;
  GtkStack        *activation_stack;
  GtkLabel        *code_label;
  GtkLabel        *countdown_label;
  GtkPicture      *qr_picture;
  GtkLabel        *steps_label;
  GtkButton       *open_panel_button;
  GtkLabel        *status_label;
  AdwStatusPage   *done_page;
  AdwStatusPage   *failed_page;
};

G_DEFINE_FINAL_TYPE (XaDevicePage, xa_device_page, GTK_TYPE_WIDGET)

/* The rows of the Identity and Server groups: property, title, group. */
static const struct
{
  const char *property;
  const char *title;
  gboolean    server;
  gboolean    editable;
} fields[] = {
  { "name", N_("Name"), FALSE, TRUE },
  { "device-id", N_("Device-Id"), FALSE, FALSE },
  { "client-id", N_("Client-Id"), FALSE, FALSE },
  { "serial-number", N_("Serial number"), FALSE, FALSE },
  { "ota-url", N_("OTA address"), TRUE, FALSE },
  /* A self-hosted console often lives elsewhere than the OTA server. */
  { "panel-url", N_("Control panel"), TRUE, TRUE },
  { "websocket-url", N_("WebSocket URL"), TRUE, FALSE },
};

/* ---- small helpers ---------------------------------------------------------- */

static void
toast (XaDevicePage *self,
       const char   *text)
{
  GtkWidget *overlay = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);

  if (overlay != NULL)
    adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), adw_toast_new (text));
}

static void
copy_text (XaDevicePage *self,
           const char   *text,
           const char   *what_copied)
{
  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), text ? text : "");
  toast (self, what_copied);
}

static char *
device_string (XaDevicePage *self,
               const char   *property)
{
  char *value = NULL;

  if (self->device != NULL)
    g_object_get (self->device, property, &value, NULL);
  return value;
}

static guint
hello_timeout_ms (XaDevicePage *self)
{
  return g_settings_get_uint (self->settings, "hello-timeout") * 1000;
}

static void
set_secret (char       **field,
            const char  *value)
{
  if (*field != NULL)
    memset (*field, 0, strlen (*field));
  g_free (*field);
  *field = g_strdup (value);
}

static void save_device (XaDevicePage *self);
static void stop_everything (XaDevicePage *self);

/* ---- what is shown ---------------------------------------------------------- */

static void
update_token_row (XaDevicePage *self)
{
  g_autofree char *masked = NULL;

  if (self->token == NULL || *self->token == '\0')
    adw_action_row_set_subtitle (self->token_row, _("None yet: activate the device to get one"));
  else if (gtk_toggle_button_get_active (self->reveal_button))
    adw_action_row_set_subtitle (self->token_row, self->token);
  else
    {
      masked = xa_token_mask (self->token);
      adw_action_row_set_subtitle (self->token_row, masked);
    }

  gtk_widget_set_tooltip_text (GTK_WIDGET (self->reveal_button),
                               gtk_toggle_button_get_active (self->reveal_button) ? _("Hide the token") : _("Show the token"));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "device.copy-token", self->token != NULL && *self->token);
}

static void
update_verdict (XaDevicePage *self)
{
  const char *id = self->device ? xa_device_get_last_verdict (self->device) : NULL;
  const char *icon = "dialog-information-symbolic";
  const char *css = NULL;
  const char *details = NULL;
  XaVerdict verdict;

  gtk_widget_remove_css_class (GTK_WIDGET (self->verdict_icon), "verdict-valid");
  gtk_widget_remove_css_class (GTK_WIDGET (self->verdict_icon), "verdict-bad");
  gtk_widget_remove_css_class (GTK_WIDGET (self->verdict_icon), "verdict-warn");

  if (self->device == NULL)
    return;

  if (xa_verdict_from_id (id, &verdict))
    {
      switch (verdict)
        {
        case XA_VERDICT_VALID:
          icon = "emblem-ok-symbolic", css = "verdict-valid";
          break;
        case XA_VERDICT_REJECTED:
        case XA_VERDICT_PROTOCOL_ERROR:
        case XA_VERDICT_TLS_ERROR:
          icon = "dialog-error-symbolic", css = "verdict-bad";
          break;
        case XA_VERDICT_NOT_ACTIVATED:
        case XA_VERDICT_UNREACHABLE:
        case XA_VERDICT_TIMEOUT:
        case XA_VERDICT_CANCELLED:
        default:
          icon = "dialog-warning-symbolic", css = "verdict-warn";
          break;
        }
      gtk_label_set_label (self->verdict_title, xa_verdict_get_title (verdict));
      gtk_label_set_label (self->verdict_advice, xa_device_get_last_message (self->device));
      g_object_get (self->device, "last-details", &details, NULL);
    }
  else if (!xa_device_is_activated (self->device))
    {
      gtk_label_set_label (self->verdict_title, _("Not activated yet"));
      gtk_label_set_label (self->verdict_advice,
                           _("Activate the device to get an activation code, enter it in the control panel, "
                             "and the token comes by itself."));
    }
  else
    {
      gtk_label_set_label (self->verdict_title, _("Not tested yet"));
      gtk_label_set_label (self->verdict_advice, _("Run a Test to check the token with the server."));
    }

  gtk_image_set_from_icon_name (self->verdict_icon, icon);
  if (css != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (self->verdict_icon), css);
  gtk_label_set_label (self->details_label, details ? details : "");
  gtk_widget_set_visible (GTK_WIDGET (self->details_expander), details != NULL && *details);
  g_free ((char *) details);

  gtk_widget_set_visible (self->activate_button, !xa_device_is_activated (self->device));
}

static void
update_fields (XaDevicePage *self)
{
  for (guint i = 0; i < self->field_rows->len; i++)
    {
      g_autofree char *value = device_string (self, fields[i].property);
      adw_action_row_set_subtitle (g_ptr_array_index (self->field_rows, i),
                                   value && *value ? value : _("Not known yet"));
    }
}

static void
device_notify_cb (XaDevice     *device,
                  GParamSpec   *pspec,
                  XaDevicePage *self)
{
  update_fields (self);
  update_verdict (self);
}

static void
update_actions (XaDevicePage *self)
{
  gboolean has = self->device != NULL;
  gboolean busy = self->activation != NULL;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "device.test", has && !self->testing && !busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "device.activate", has && !busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "device.refresh", has && !busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "device.cancel-activation", busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "device.retry-save", self->token_unsaved);
  gtk_widget_set_visible (self->retry_button, self->token_unsaved);
  gtk_widget_set_visible (GTK_WIDGET (self->test_spinner), self->testing);
  gtk_spinner_set_spinning (self->test_spinner, self->testing);
}

static void
show_keyring_error (XaDevicePage *self,
                    const GError *error)
{
  g_autofree char *text = NULL;

  if (error == NULL)
    {
      gtk_info_bar_set_revealed (self->keyring_bar, FALSE);
      return;
    }

  if (self->token_unsaved)
    text = g_strdup_printf (_("%s The token is kept until you close the app: copy or export it now, "
                              "or try again once the keyring works."),
                            error->message);
  else
    text = g_strdup (error->message);
  gtk_label_set_label (self->keyring_label, text);
  gtk_info_bar_set_revealed (self->keyring_bar, TRUE);
  update_actions (self);
}

/* ---- secrets ------------------------------------------------------------------ */

static void
token_saved_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  XaDevicePage *self;

  if (!xa_token_store_save_finish (result, &error) &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self = XA_DEVICE_PAGE (user_data);
  self->token_unsaved = error != NULL;
  show_keyring_error (self, error);
  update_actions (self);
  if (error == NULL)
    g_debug ("token of a device saved in the keyring");
}

static void
save_token (XaDevicePage *self)
{
  xa_token_store_save_async (self->device, XA_SECRET_TOKEN, self->token ? self->token : "",
                             self->cancellable, token_saved_cb, self);
}

/* Both secrets arrive the same way; only the field differs. */
static void
secret_loaded (GAsyncResult  *result,
               gpointer       user_data,
               gsize          field_offset)
{
  g_autoptr(GError) error = NULL;
  char *secret = xa_token_store_lookup_finish (result, &error);
  XaDevicePage *self;
  char **field;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self = XA_DEVICE_PAGE (user_data);
  field = &G_STRUCT_MEMBER (char *, self, field_offset);
  if (error != NULL)
    show_keyring_error (self, error);
  else if (*field == NULL)
    set_secret (field, secret);
  secret_password_free (secret);
  update_token_row (self);
}

static void
token_loaded_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  secret_loaded (result, user_data, G_STRUCT_OFFSET (XaDevicePage, token));
}

static void
key_loaded_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  secret_loaded (result, user_data, G_STRUCT_OFFSET (XaDevicePage, hmac_key));
}

/* ---- Test ------------------------------------------------------------------- */

static void
store_saved_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  GtkWidget *self = user_data;

  if (!xa_device_store_finish (XA_DEVICE_STORE (object), result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    toast (XA_DEVICE_PAGE (self), error->message);
  g_object_unref (self);
}

static void
save_device (XaDevicePage *self)
{
  if (self->store != NULL && self->device != NULL)
    xa_device_store_save_async (self->store, self->device, NULL, store_saved_cb, g_object_ref (self));
}

static void
test_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(XaReport) report = xa_token_test_finish (result, NULL);
  XaDevicePage *self;

  if (report->verdict == XA_VERDICT_CANCELLED)
    return;

  self = XA_DEVICE_PAGE (user_data);
  self->testing = FALSE;
  xa_device_record_report (self->device, report);
  save_device (self);
  update_actions (self);
}

static void
test_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  XaDevicePage *self = XA_DEVICE_PAGE (widget);
  g_autoptr(XaIdentity) identity = NULL;

  if (self->device == NULL || self->testing)
    return;

  identity = xa_device_dup_identity (self->device, self->hmac_key);
  if (self->hmac_key == NULL)
    set_secret (&self->hmac_key, identity->hmac_key);

  self->testing = TRUE;
  update_actions (self);
  xa_token_test_async (xa_device_get_ota_url (self->device), xa_device_get_websocket_url (self->device),
                       self->token, identity, hello_timeout_ms (self), self->cancellable,
                       test_done_cb, self);
}

/* ---- activation ---------------------------------------------------------------- */

static gboolean
ticker_cb (gpointer user_data)
{
  XaDevicePage *self = user_data;
  gint64 ago = (g_get_monotonic_time () - self->last_check_us) / G_USEC_PER_SEC;
  gint64 left = xa_activation_get_seconds_left (self->activation);
  g_autofree char *status = NULL;
  g_autofree char *countdown = NULL;

  if (xa_activation_get_state (self->activation) != XA_ACTIVATION_STATE_WAITING_FOR_USER)
    return G_SOURCE_CONTINUE;

  /* Translators: %d is a number of seconds */
  status = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "Waiting for the code to be entered — checked %d second ago.",
                                         "Waiting for the code to be entered — checked %d seconds ago.",
                                         (gulong) ago),
                            (int) ago);
  if (self->last_error != NULL)
    {
      g_autofree char *both = g_strdup_printf (_("%s The last check failed: %s"), status, self->last_error);
      g_free (status);
      status = g_steal_pointer (&both);
    }
  gtk_label_set_label (self->status_label, status);

  /* Translators: minutes:seconds the code stays valid */
  countdown = g_strdup_printf (_("Valid for %d:%02d"), (int) (left / 60), (int) (left % 60));
  gtk_label_set_label (self->countdown_label, countdown);
  return G_SOURCE_CONTINUE;
}

static void
code_issued_cb (XaActivation      *activation,
                const XaOtaAnswer *answer,
                gboolean           replaces,
                XaDevicePage      *self)
{
  g_autofree char *panel = device_string (self, "panel-url");
  g_autofree char *escaped_panel = g_markup_escape_text (panel ? panel : "", -1);
  g_autofree char *steps = NULL;
  g_autoptr(GdkTexture) qr = NULL;
  gboolean official = g_strcmp0 (panel, "https://xiaozhi.me/") == 0;

  gtk_label_set_label (self->code_label, answer->code);
  gtk_label_select_region (self->code_label, 0, 0);
  /* Translators: the steps under the activation code; the first %s is a link, the second the Device-Id */
  steps = g_strdup_printf (_("1. Open <a href=\"%s\">%s</a> and log in.\n"
                             "2. Add a device and type the code above.\n"
                             "3. Check that the device shown there is <b>%s</b>.\n"
                             "This page notices by itself when you are done."),
                           escaped_panel, escaped_panel, xa_device_get_device_id (self->device));
  gtk_label_set_markup (self->steps_label, steps);
  gtk_button_set_label (self->open_panel_button, official ? _("Open xiaozhi.me") : _("Open the Control Panel"));

  qr = panel ? xa_qr_texture_new (panel, 4) : NULL;
  gtk_picture_set_paintable (self->qr_picture, GDK_PAINTABLE (qr));
  gtk_widget_set_visible (GTK_WIDGET (self->qr_picture), qr != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->countdown_label), TRUE);

  self->last_check_us = g_get_monotonic_time ();
  gtk_stack_set_visible_child_name (self->activation_stack, "waiting");
  gtk_widget_grab_focus (GTK_WIDGET (self->open_panel_button));
  ticker_cb (self);
  if (replaces)
    toast (self, _("The code expired. Here is a new one."));
}

static void
progress_cb (XaActivation *activation,
             guint         attempt,
             guint         next_poll_ms,
             const char   *last_error,
             XaDevicePage *self)
{
  self->last_check_us = g_get_monotonic_time ();
  g_free (self->last_error);
  self->last_error = g_strdup (last_error);
  ticker_cb (self);
}

static void test_action (GtkWidget *widget, const char *action_name, GVariant *parameter);

static void
activation_done_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XaOtaAnswer) answer = xa_activation_run_finish (XA_ACTIVATION (object), result, &error);
  g_autoptr(XaDevicePage) self = user_data;

  /* A run the page already let go of (other device, page closing). */
  if (self->activation != XA_ACTIVATION (object))
    return;

  g_clear_handle_id (&self->ticker_id, g_source_remove);
  g_signal_handlers_disconnect_by_data (self->activation, self);
  g_clear_object (&self->activation);
  g_clear_object (&self->activation_cancellable);
  update_actions (self);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      gtk_stack_set_visible_child_name (self->stack, "overview");
      return;
    }

  if (answer == NULL)
    {
      adw_status_page_set_description (self->failed_page, error->message);
      gtk_stack_set_visible_child_name (self->activation_stack, "failed");
      return;
    }

  xa_device_apply_answer (self->device, answer);
  set_secret (&self->token, answer->token);
  update_token_row (self);
  save_token (self);
  if (answer->mqtt_password != NULL)
    xa_token_store_save_async (self->device, XA_SECRET_MQTT_PASSWORD, answer->mqtt_password,
                               self->cancellable, NULL, NULL);
  save_device (self);

  {
    g_autofree char *text = g_strdup_printf (_("“%s” is bound to your account and has its token. "
                                               "A Test runs now."),
                                             xa_device_get_name (self->device));
    adw_status_page_set_description (self->done_page, text);
  }
  gtk_stack_set_visible_child_name (self->activation_stack, "done");
  test_action (GTK_WIDGET (self), "device.test", NULL);
}

static void
activate_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  XaDevicePage *self = XA_DEVICE_PAGE (widget);
  g_autoptr(XaIdentity) identity = NULL;

  if (self->device == NULL || self->activation != NULL)
    return;

  identity = xa_device_dup_identity (self->device, self->hmac_key);
  if (self->hmac_key == NULL)
    {
      /* A key of our own from now on; the server learns it with the code request. */
      set_secret (&self->hmac_key, identity->hmac_key);
      xa_token_store_save_async (self->device, XA_SECRET_HMAC_KEY, identity->hmac_key,
                                 self->cancellable, NULL, NULL);
    }

  g_clear_pointer (&self->last_error, g_free);
  self->activation = xa_activation_new (xa_device_get_ota_url (self->device), identity);
  self->activation_cancellable = g_cancellable_new ();
  g_signal_connect (self->activation, "code-issued", G_CALLBACK (code_issued_cb), self);
  g_signal_connect (self->activation, "progress", G_CALLBACK (progress_cb), self);
  self->ticker_id = g_timeout_add_seconds (1, ticker_cb, self);

  gtk_stack_set_visible_child_name (self->activation_stack, "requesting");
  gtk_stack_set_visible_child_name (self->stack, "activation");
  update_actions (self);

  xa_activation_run_async (self->activation, self->activation_cancellable, activation_done_cb,
                           g_object_ref (self));
}

static void
cancel_activation_action (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  XaDevicePage *self = XA_DEVICE_PAGE (widget);

  if (self->activation_cancellable != NULL)
    g_cancellable_cancel (self->activation_cancellable);
}

static void
show_overview_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  gtk_stack_set_visible_child_name (XA_DEVICE_PAGE (widget)->stack, "overview");
}

/* ---- refresh ------------------------------------------------------------------ */

static void
refresh_done_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XaOtaAnswer) answer = xa_ota_check_finish (result, &error);
  XaDevicePage *self;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self = XA_DEVICE_PAGE (user_data);
  if (answer == NULL)
    {
      toast (self, error->message);
      return;
    }
  if (answer->has_activation)
    {
      g_autofree char *text = g_strdup_printf (_("Not activated: the server offers the code %s. Activate the device."),
                                               answer->code);
      toast (self, text);
      return;
    }

  xa_device_apply_answer (self->device, answer);
  save_device (self);
  if (g_strcmp0 (answer->token, self->token) == 0 && !self->token_unsaved)
    {
      toast (self, _("The token is unchanged."));
      return;
    }
  set_secret (&self->token, answer->token);
  update_token_row (self);
  save_token (self);
  toast (self, _("The server issued a new token. It is saved in the keyring."));
}

static void
refresh_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  XaDevicePage *self = XA_DEVICE_PAGE (widget);
  g_autoptr(XaIdentity) identity = xa_device_dup_identity (self->device, self->hmac_key);

  xa_ota_check_async (xa_device_get_ota_url (self->device), identity, 0, self->cancellable,
                      refresh_done_cb, self);
}

/* ---- copying and exporting ------------------------------------------------------ */

static void
copy_field_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  XaDevicePage *self = XA_DEVICE_PAGE (widget);
  g_autofree char *value = device_string (self, g_variant_get_string (parameter, NULL));

  copy_text (self, value, _("Copied"));
}

static void
copy_token_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  XaDevicePage *self = XA_DEVICE_PAGE (widget);

  copy_text (self, self->token, _("Token copied"));
}

static void
copy_code_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  XaDevicePage *self = XA_DEVICE_PAGE (widget);

  copy_text (self, gtk_label_get_label (self->code_label), _("Code copied"));
}

static void
copy_json_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  XaDevicePage *self = XA_DEVICE_PAGE (widget);
  g_autoptr(JsonNode) node = xa_device_export_json (self->device, self->token);
  g_autofree char *text = json_to_string (node, TRUE);

  copy_text (self, text, _("Device and token copied as JSON"));
}

static void
open_panel_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  XaDevicePage *self = XA_DEVICE_PAGE (widget);
  g_autofree char *panel = device_string (self, "panel-url");
  GtkRoot *root = gtk_widget_get_root (widget);

  if (panel != NULL)
    gtk_show_uri (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, panel, GDK_CURRENT_TIME);
}

typedef struct
{
  XaDevice *device;
  char     *token;
  char     *path;
  gboolean  env;
} ExportJob;

static void
export_job_free (ExportJob *job)
{
  g_object_unref (job->device);
  set_secret (&job->token, NULL);
  g_free (job->path);
  g_free (job);
}

/* Files are small, but a network home folder can still stall: off the main loop. */
static void
export_thread (GTask        *task,
               gpointer      source,
               gpointer      task_data,
               GCancellable *cancellable)
{
  ExportJob *job = task_data;
  GError *error = NULL;
  gboolean ok = job->env ? xa_env_file_export (job->path, job->device, job->token, &error)
                         : xa_py_xiaozhi_export (job->path, job->device, job->token, &error);

  if (ok)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
export_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  XaDevicePage *self = XA_DEVICE_PAGE (object);
  ExportJob *job = g_task_get_task_data (G_TASK (result));

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        toast (self, error->message);
      return;
    }
  toast (self, job->env ? _("Environment file written") : _("py-xiaozhi configuration updated"));
}

static void
chooser_response_cb (GtkNativeDialog *chooser,
                     int              response,
                     gpointer         user_data)
{
  XaDevicePage *self = XA_DEVICE_PAGE (user_data);
  g_autoptr(GFile) file = NULL;
  g_autoptr(GTask) task = NULL;
  ExportJob *job;

  if (response == GTK_RESPONSE_ACCEPT &&
      (file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser))) != NULL && self->device != NULL)
    {
      job = g_new0 (ExportJob, 1);
      job->device = g_object_ref (self->device);
      job->token = g_strdup (self->token);
      job->path = g_file_get_path (file);
      job->env = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (chooser), "env"));
      task = g_task_new (self, self->cancellable, export_done_cb, NULL);
      g_task_set_task_data (task, job, (GDestroyNotify) export_job_free);
      g_task_run_in_thread (task, export_thread);
    }
  g_object_unref (chooser);
}

static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  XaDevicePage *self = XA_DEVICE_PAGE (widget);
  gboolean env = g_str_equal (action_name, "device.export-env");
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkFileChooserNative *chooser;

  if (self->token == NULL || *self->token == '\0')
    {
      toast (self, _("This device has no token yet: activate it first."));
      return;
    }

  chooser = gtk_file_chooser_native_new (env ? _("Export to an Environment File")
                                             : _("Choose py-xiaozhi’s Config Folder"),
                                         GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                         env ? GTK_FILE_CHOOSER_ACTION_SAVE : GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER,
                                         env ? _("_Export") : _("_Choose"), _("_Cancel"));
  g_object_set_data (G_OBJECT (chooser), "env", GINT_TO_POINTER (env));
  if (env)
    gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), "xiaozhi.env");
  else
    {
      g_autofree char *dir = xa_py_xiaozhi_find_config_dir ();
      g_autoptr(GFile) folder = dir ? g_file_new_for_path (dir) : NULL;
      if (folder != NULL)
        gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (chooser), folder, NULL);
    }
  g_signal_connect (chooser, "response", G_CALLBACK (chooser_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* ---- editing the name and the control panel ------------------------------------ */

typedef struct
{
  XaDevicePage *page;
  XaDevice     *device;
  char         *property;
  char         *old_value;
} Edit;

static void
edit_free (Edit *edit)
{
  g_object_unref (edit->page);
  g_object_unref (edit->device);
  g_free (edit->property);
  g_free (edit->old_value);
  g_free (edit);
}

static void
edit_saved_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  Edit *edit = user_data;
  g_autoptr(GError) error = NULL;

  /* Not saved (a name already taken…): show what is on disk again. */
  if (!xa_device_store_finish (XA_DEVICE_STORE (object), result, &error))
    {
      g_object_set (edit->device, edit->property, edit->old_value, NULL);
      toast (edit->page, error->message);
    }
  edit_free (edit);
}

static gboolean
valid_web_address (const char *text)
{
  g_autoptr(GUri) uri = g_uri_parse (text, G_URI_FLAGS_NONE, NULL);

  return uri != NULL && g_uri_get_host (uri) != NULL && *g_uri_get_host (uri) != '\0' &&
         (g_str_equal (g_uri_get_scheme (uri), "http") || g_str_equal (g_uri_get_scheme (uri), "https"));
}

static void
edit_response_cb (AdwMessageDialog *dialog,
                  const char       *response,
                  gpointer          user_data)
{
  Edit *edit = user_data;
  GtkEditable *entry = GTK_EDITABLE (adw_message_dialog_get_extra_child (dialog));
  g_autofree char *value = g_strstrip (g_strdup (gtk_editable_get_text (entry)));

  if (!g_str_equal (response, "save") || g_strcmp0 (value, edit->old_value) == 0 ||
      edit->page->store == NULL)
    {
      edit_free (edit);
      return;
    }

  if (*value == '\0' || (g_str_equal (edit->property, "panel-url") && !valid_web_address (value)))
    {
      g_autofree char *text = g_strdup_printf (_("“%s” cannot be used here: nothing was changed."), value);
      toast (edit->page, text);
      edit_free (edit);
      return;
    }

  g_object_set (edit->device, edit->property, value, NULL);
  xa_device_store_save_async (edit->page->store, edit->device, NULL, edit_saved_cb, edit);
}

static void
edit_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  XaDevicePage *self = XA_DEVICE_PAGE (widget);
  const char *property = g_variant_get_string (parameter, NULL);
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkWidget *dialog, *entry;
  Edit *edit;

  if (self->device == NULL)
    return;

  edit = g_new0 (Edit, 1);
  edit->page = g_object_ref (self);
  edit->device = g_object_ref (self->device);
  edit->property = g_strdup (property);
  edit->old_value = device_string (self, property);

  entry = gtk_entry_new ();
  gtk_editable_set_text (GTK_EDITABLE (entry), edit->old_value ? edit->old_value : "");
  gtk_entry_set_activates_default (GTK_ENTRY (entry), TRUE);

  dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                   g_str_equal (property, "name") ? _("Rename Device")
                                                                   : _("Control Panel Address"),
                                   g_str_equal (property, "name") ? NULL
                                   : _("Where you type the activation code, for example the web console of your own server."));
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (dialog)), -1);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), entry);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "save", _("_Save"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "save", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "save");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect (dialog, "response", G_CALLBACK (edit_response_cb), edit);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ---- keyring retry, remove -------------------------------------------------------- */

static void
retry_save_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  save_token (XA_DEVICE_PAGE (widget));
}

static void
removed_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(XaDevicePage) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!xa_device_store_finish (XA_DEVICE_STORE (object), result, &error))
    toast (self, error->message);
}

static void
secrets_deleted_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(XaDevicePage) self = user_data;
  g_autoptr(GError) error = NULL;
  if (!xa_token_store_delete_finish (result, &error))
    {
      g_autofree char *text = g_strdup_printf (_("The device was removed, but not its secrets: %s"), error->message);
      toast (self, text);
    }
}

static void
remove_response_cb (AdwMessageDialog *dialog,
                    const char       *response,
                    gpointer          user_data)
{
  XaDevicePage *self = XA_DEVICE_PAGE (user_data);
  g_autoptr(XaDevice) device = NULL;

  if (!g_str_equal (response, "remove") || self->device == NULL)
    return;

  device = g_object_ref (self->device);
  /* Stop whatever runs for it first: nothing may write it back. */
  stop_everything (self);
  gtk_stack_set_visible_child_name (self->stack, "overview");

  xa_token_store_delete_async (device, NULL, secrets_deleted_cb, g_object_ref (self));
  xa_device_store_remove_async (self->store, device, NULL, removed_cb, g_object_ref (self));
}

static void
remove_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  XaDevicePage *self = XA_DEVICE_PAGE (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkWidget *dialog;

  dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, NULL, NULL);
  adw_message_dialog_format_heading (ADW_MESSAGE_DIALOG (dialog), _("Remove “%s”?"),
                                     xa_device_get_name (self->device));
  adw_message_dialog_set_body (ADW_MESSAGE_DIALOG (dialog),
                               _("Its token and keys are deleted from the keyring. The device stays bound "
                                 "to your account on the server until you unbind it there."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "remove", _("_Remove"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "remove", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect (dialog, "response", G_CALLBACK (remove_response_cb), self);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ---- object ------------------------------------------------------------------------ */

static void
stop_everything (XaDevicePage *self)
{
  /* Whatever starts next gets a cancellable of its own. */
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  if (self->activation_cancellable != NULL)
    g_cancellable_cancel (self->activation_cancellable);
  g_clear_object (&self->activation_cancellable);
  if (self->activation != NULL)
    g_signal_handlers_disconnect_by_data (self->activation, self);
  g_clear_object (&self->activation);
  g_clear_handle_id (&self->ticker_id, g_source_remove);
  self->testing = FALSE;
}

/* Out of the window (closed): nothing it started may go on, nor keep it alive. */
static void
xa_device_page_unroot (GtkWidget *widget)
{
  XaDevicePage *self = XA_DEVICE_PAGE (widget);

  stop_everything (self);

  GTK_WIDGET_CLASS (xa_device_page_parent_class)->unroot (widget);
}

static void
xa_device_page_dispose (GObject *object)
{
  XaDevicePage *self = XA_DEVICE_PAGE (object);

  stop_everything (self);
  g_clear_object (&self->cancellable);
  if (self->device != NULL)
    g_signal_handlers_disconnect_by_data (self->device, self);
  g_clear_object (&self->device);
  g_clear_object (&self->store);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->field_rows, g_ptr_array_unref);
  gtk_widget_dispose_template (GTK_WIDGET (self), XA_TYPE_DEVICE_PAGE);

  G_OBJECT_CLASS (xa_device_page_parent_class)->dispose (object);
}

static void
xa_device_page_finalize (GObject *object)
{
  XaDevicePage *self = XA_DEVICE_PAGE (object);

  set_secret (&self->token, NULL);
  set_secret (&self->hmac_key, NULL);
  g_free (self->last_error);

  G_OBJECT_CLASS (xa_device_page_parent_class)->finalize (object);
}

static void
xa_device_page_class_init (XaDevicePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = xa_device_page_dispose;
  object_class->finalize = xa_device_page_finalize;
  widget_class->unroot = xa_device_page_unroot;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/xiaozhi_activator/Activator/xa-device-page.ui");
  gtk_widget_class_bind_template_child (widget_class, XaDevicePage, stack);
  gtk_widget_class_bind_template_child (widget_class, XaDevicePage, keyring_bar);
  gtk_widget_class_bind_template_child (widget_class, XaDevicePage, keyring_label);
  gtk_widget_class_bind_template_child (widget_class, XaDevicePage, retry_button);
  gtk_widget_class_bind_template_child (widget_class, XaDevicePage, verdict_icon);
  gtk_widget_class_bind_template_child (widget_class, XaDevicePage, verdict_title);
  gtk_widget_class_bind_template_child (widget_class, XaDevicePage, verdict_advice);
  gtk_widget_class_bind_template_child (widget_class, XaDevicePage, details_expander);
  gtk_widget_class_bind_template_child (widget_class, XaDevicePage, details_label);
  gtk_widget_class_bind_template_child (widget_class, XaDevicePage, activate_button);
  gtk_widget_class_bind_template_child (widget_class, XaDevicePage, test_spinner);
  gtk_widget_class_bind_template_child (widget_class, XaDevicePage, test_button);
  gtk_widget_class_bind_template_child (widget_class, XaDevicePage, token_row);
  gtk_widget_class_bind_template_child (widget_class, XaDevicePage, reveal_button);
  gtk_widget_class_bind_template_child (widget_class, XaDevicePage, identity_group);
  gtk_widget_class_bind_template_child (widget_class, XaDevicePage, server_group);
  gtk_widget_class_bind_template_child (widget_class, XaDevicePage, activation_stack);
  gtk_widget_class_bind_template_child (widget_class, XaDevicePage, code_label);
  gtk_widget_class_bind_template_child (widget_class, XaDevicePage, countdown_label);
  gtk_widget_class_bind_template_child (widget_class, XaDevicePage, qr_picture);
  gtk_widget_class_bind_template_child (widget_class, XaDevicePage, steps_label);
  gtk_widget_class_bind_template_child (widget_class, XaDevicePage, open_panel_button);
  gtk_widget_class_bind_template_child (widget_class, XaDevicePage, status_label);
  gtk_widget_class_bind_template_child (widget_class, XaDevicePage, done_page);
  gtk_widget_class_bind_template_child (widget_class, XaDevicePage, failed_page);

  gtk_widget_class_install_action (widget_class, "device.test", NULL, test_action);
  gtk_widget_class_install_action (widget_class, "device.activate", NULL, activate_action);
  gtk_widget_class_install_action (widget_class, "device.cancel-activation", NULL, cancel_activation_action);
  gtk_widget_class_install_action (widget_class, "device.show-overview", NULL, show_overview_action);
  gtk_widget_class_install_action (widget_class, "device.refresh", NULL, refresh_action);
  gtk_widget_class_install_action (widget_class, "device.copy", "s", copy_field_action);
  gtk_widget_class_install_action (widget_class, "device.copy-token", NULL, copy_token_action);
  gtk_widget_class_install_action (widget_class, "device.copy-code", NULL, copy_code_action);
  gtk_widget_class_install_action (widget_class, "device.copy-json", NULL, copy_json_action);
  gtk_widget_class_install_action (widget_class, "device.open-panel", NULL, open_panel_action);
  gtk_widget_class_install_action (widget_class, "device.export-py-xiaozhi", NULL, export_action);
  gtk_widget_class_install_action (widget_class, "device.export-env", NULL, export_action);
  gtk_widget_class_install_action (widget_class, "device.retry-save", NULL, retry_save_action);
  gtk_widget_class_install_action (widget_class, "device.remove", NULL, remove_action);
  gtk_widget_class_install_action (widget_class, "device.edit", "s", edit_action);
}

static void
reveal_toggled_cb (XaDevicePage *self)
{
  update_token_row (self);
}

static void
xa_device_page_init (XaDevicePage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = g_settings_new (APP_ID);
  self->cancellable = g_cancellable_new ();
  self->field_rows = g_ptr_array_new ();

  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      AdwActionRow *row = ADW_ACTION_ROW (adw_action_row_new ());
      GtkWidget *copy = gtk_button_new_from_icon_name ("edit-copy-symbolic");
      /* Translators: tooltip of a copy button; %s is what it copies, e.g. "Device-Id" */
      g_autofree char *tip = g_strdup_printf (_("Copy the %s"), _(fields[i].title));

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _(fields[i].title));
      gtk_widget_add_css_class (GTK_WIDGET (row), "property");
      gtk_widget_set_valign (copy, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (copy, "flat");
      gtk_widget_set_tooltip_text (copy, tip);
      gtk_accessible_update_property (GTK_ACCESSIBLE (copy), GTK_ACCESSIBLE_PROPERTY_LABEL, tip, -1);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (copy), "device.copy");
      gtk_actionable_set_action_target (GTK_ACTIONABLE (copy), "s", fields[i].property);
      adw_action_row_add_suffix (row, copy);
      if (fields[i].editable)
        {
          GtkWidget *edit = gtk_button_new_from_icon_name ("document-edit-symbolic");
          /* Translators: tooltip of an edit button; %s is what it changes, e.g. "Name" */
          g_autofree char *edit_tip = g_strdup_printf (_("Change the %s"), _(fields[i].title));

          gtk_widget_set_valign (edit, GTK_ALIGN_CENTER);
          gtk_widget_add_css_class (edit, "flat");
          gtk_widget_set_tooltip_text (edit, edit_tip);
          gtk_accessible_update_property (GTK_ACCESSIBLE (edit), GTK_ACCESSIBLE_PROPERTY_LABEL, edit_tip, -1);
          gtk_actionable_set_action_name (GTK_ACTIONABLE (edit), "device.edit");
          gtk_actionable_set_action_target (GTK_ACTIONABLE (edit), "s", fields[i].property);
          adw_action_row_add_suffix (row, edit);
        }
      adw_preferences_group_add (fields[i].server ? self->server_group : self->identity_group, GTK_WIDGET (row));
      g_ptr_array_add (self->field_rows, row);
    }

  g_signal_connect_swapped (self->reveal_button, "toggled", G_CALLBACK (reveal_toggled_cb), self);
  update_actions (self);
}

void
xa_device_page_set_store (XaDevicePage  *self,
                          XaDeviceStore *store)
{
  g_set_object (&self->store, store);
}

void
xa_device_page_set_device (XaDevicePage *self,
                           XaDevice     *device)
{
  if (self->device == device)
    return;

  stop_everything (self);
  if (self->device != NULL)
    g_signal_handlers_disconnect_by_data (self->device, self);
  g_set_object (&self->device, device);
  set_secret (&self->token, NULL);
  set_secret (&self->hmac_key, NULL);
  self->token_unsaved = FALSE;
  gtk_info_bar_set_revealed (self->keyring_bar, FALSE);
  gtk_toggle_button_set_active (self->reveal_button, FALSE);
  gtk_stack_set_visible_child_name (self->stack, "overview");

  if (device != NULL)
    {
      g_signal_connect (device, "notify", G_CALLBACK (device_notify_cb), self);
      xa_token_store_lookup_async (device, XA_SECRET_TOKEN, self->cancellable, token_loaded_cb, self);
      xa_token_store_lookup_async (device, XA_SECRET_HMAC_KEY, self->cancellable, key_loaded_cb, self);
    }

  update_fields (self);
  update_verdict (self);
  update_token_row (self);
  update_actions (self);
  /* Keyboard focus on the main action, not in the middle of a text. */
  gtk_widget_grab_focus (self->test_button);
}

XaDevice *
xa_device_page_get_device (XaDevicePage *self)
{
  return self->device;
}

/* A token the user pasted ("I already have a token"): keep it and save it. */
void
xa_device_page_set_token (XaDevicePage *self,
                          const char   *token)
{
  set_secret (&self->token, token);
  update_token_row (self);
  save_token (self);
}
