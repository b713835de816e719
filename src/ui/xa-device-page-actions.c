/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "xa-a11y.h"
#include "xa-device-page-private.h"
#include "xa-diagnosis-dialog.h"
#include "xa-edit-dialog.h"
#include "xa-export.h"
#include "xa-fleet.h"
#include "xa-open-uri.h"

/* The device page's actions ("device.*"). Each starts one operation of
 * the session on show and reports how it ended; a result arriving after
 * the user moved to another device is not shown on that one. */

/* What an operation needs to find its page again. */
typedef struct
{
  XaDevicePage    *page;
  XaDeviceSession *session;
  GCancellable    *cancellable;  /* the page's when it began: cancelled when the page leaves its window */
  /* For the Test after an activation: what its done page says. */
  char            *activated_title;
  char            *activated;
  gboolean         activated_well;
} Op;

static Op *
op_new_for (XaDevicePage    *self,
            XaDeviceSession *session)
{
  Op *op = g_new0 (Op, 1);

  op->page = g_object_ref (self);
  op->session = g_object_ref (session);
  op->cancellable = g_object_ref (self->cancellable);
  return op;
}

/* An operation on the device shown. */
static Op *
op_new (XaDevicePage *self)
{
  return op_new_for (self, self->session);
}

static void
op_free (Op *op)
{
  g_object_unref (op->page);
  g_object_unref (op->session);
  g_object_unref (op->cancellable);
  g_free (op->activated_title);
  g_free (op->activated);
  g_free (op);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Op, op_free)

/* Whether the page went (its window closed) while @op ran: nothing of it
 * is shown then. */
static gboolean
op_gone (Op *op)
{
  return g_cancellable_is_cancelled (op->cancellable);
}

/* Whether the page still shows the session @op worked on. */
static gboolean
op_shown (Op *op)
{
  return !op_gone (op) && op->page->session == op->session;
}

static void
copy_text (XaDevicePage *self,
           const char   *text,
           const char   *what_copied)
{
  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), text ? text : "");
  _xa_device_page_toast (self, what_copied);
}

/* While a Test runs its button is insensitive, and GTK moves the focus on,
 * into the verdict's text (drawn selected): once it can, the focus comes
 * back to the button that had it. */
static void
refocus_test (XaDevicePage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *focus = root ? gtk_root_get_focus (root) : NULL;
  /* Only from where GTK put it, not from where the user went since. */
  gboolean moved_by_gtk = focus == NULL || focus == GTK_WIDGET (self->verdict_title) ||
                          focus == GTK_WIDGET (self->verdict_advice) || focus == self->test_button;

  if (!moved_by_gtk)
    self->refocus_test = FALSE;
  if (self->refocus_test && gtk_widget_get_sensitive (self->test_button))
    {
      self->refocus_test = FALSE;
      gtk_widget_grab_focus (self->test_button);
    }
}

void
_xa_device_page_update_actions (XaDevicePage *self)
{
  GtkWidget *w = GTK_WIDGET (self);
  XaDeviceSession *s = self->session;
  gboolean ready = s != NULL && xa_device_session_get_ready (s);
  gboolean busy = s != NULL && xa_device_session_get_busy (s);
  gboolean activating = s != NULL && xa_device_session_get_activation (s) != NULL;
  gboolean has_token = s != NULL && xa_device_session_get_token (s) != NULL;
  gboolean has_mqtt_password = s != NULL && xa_device_session_get_mqtt_password (s) != NULL;
  gboolean free = ready && !busy;
  gboolean testable = s != NULL && xa_device_session_can_test (s);

  gtk_widget_action_set_enabled (w, "device.test", free && testable);
  if (free)
    refocus_test (self);
  gtk_widget_action_set_enabled (w, "device.activate", free);
  gtk_widget_action_set_enabled (w, "device.refresh", free);
  gtk_widget_action_set_enabled (w, "device.cancel-activation", activating);
  gtk_widget_action_set_enabled (w, "device.retry-keyring",
                                 !busy && s != NULL && xa_device_session_get_keyring_error (s) != NULL);
  gtk_widget_action_set_enabled (w, "device.copy-token", has_token);
  gtk_widget_action_set_enabled (w, "device.copy-mqtt-password", has_mqtt_password);
  gtk_widget_action_set_enabled (w, "device.copy-json", s != NULL);
  gtk_widget_action_set_enabled (w, "device.export", free && has_token);
  gtk_widget_action_set_enabled (w, "device.diagnose", ready);
  gtk_widget_action_set_enabled (w, "device.remove", s != NULL);
  gtk_widget_action_set_enabled (w, "device.edit", s != NULL);
  gtk_widget_action_set_enabled (w, "device.copy", s != NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->reveal_button), has_token);
  gtk_widget_set_sensitive (GTK_WIDGET (self->mqtt_reveal_button), has_mqtt_password);
  gtk_widget_set_visible (self->retry_button, s != NULL && xa_device_session_get_keyring_error (s) != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->test_spinner), busy && !activating);
  gtk_spinner_set_spinning (self->test_spinner, busy && !activating);
}

/* ---- Test ------------------------------------------------------------------- */

/* The verdict is at the top of the page: a Test started or ended while
 * the page is scrolled down would change nothing in view (#20). */
static void
scroll_to_verdict (XaDevicePage *self)
{
  GtkAdjustment *scroll = gtk_scrolled_window_get_vadjustment (self->overview_scroller);

  gtk_adjustment_set_value (scroll, gtk_adjustment_get_lower (scroll));
}

static void
tested_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(Op) op = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) reports = xa_device_session_test_all_finish (op->session, result, &error);
  const XaReport *report;

  if (op_gone (op) || (reports == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)))
    return;
  if (op_shown (op))
    {
      scroll_to_verdict (op->page);
      refocus_test (op->page);
    }
  /* The verdicts are on the device already; the page follows it. */
  if (reports == NULL)
    {
      if (op_shown (op))
        _xa_device_page_toast (op->page, error->message);
      return;
    }

  /* After an activation, its page says what the Test of its own road found. */
  report = g_ptr_array_index (reports, 0);
  if (op->activated != NULL && op_shown (op) && xa_activation_view_is_done (op->page->activation_view))
    {
      /* Translators: the first %s says how the activation ended, the second is a verdict such as “Token is valid” */
      g_autofree char *text = g_strdup_printf (_("%s Then the Test said: %s."), op->activated,
                                               xa_report_get_title (report));

      xa_activation_view_show_done (op->page->activation_view, op->activated_title, text,
                                    op->activated_well && report->verdict == XA_VERDICT_VALID);
    }
}

/* Every road the server offers the device (xa_device_session_dup_roads()). */
static void
test_all (XaDevicePage *self,
          Op           *op)
{
  xa_device_session_test_all_async (op->session, _xa_device_page_hello_timeout_ms (self), op->cancellable,
                                    tested_cb, op);
}

static void
test_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  XaDevicePage *self = XA_DEVICE_PAGE (widget);

  scroll_to_verdict (self);
  /* The window's focus, active or not (has_focus needs it active). */
  self->refocus_test = gtk_widget_get_root (widget) != NULL &&
                       gtk_root_get_focus (gtk_widget_get_root (widget)) == self->test_button;
  test_all (self, op_new (self));
}

/* ---- activation ---------------------------------------------------------------- */

static void
activated_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(Op) op = user_data;
  g_autoptr(GError) error = NULL;
  XaDevicePage *self = op->page;
  XaDevice *device = xa_device_session_get_device (op->session);
  XaActivationOutcome outcome = XA_ACTIVATION_OUTCOME_ACTIVATED;
  g_autofree char *text = NULL;
  g_autofree char *described = NULL;
  gboolean saved;
  Op *test_op;

  if (!xa_device_session_activate_finish (op->session, result, &outcome, &error) || op_gone (op))
    {
      if (!op_shown (op))
        return;
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        adw_view_stack_set_visible_child_name (self->stack, "overview");
      else
        xa_activation_view_show_failed (self->activation_view, error->message);
      return;
    }

  saved = !xa_device_get_token_unsaved (device);
  described = xa_activation_outcome_describe (outcome, xa_device_get_mqtt_endpoint (device));
  if (!saved)
    text = g_strdup_printf (_("%s The keyring did not keep its token: copy or export it now, "
                              "or try again once the keyring works."),
                            described);
  else if (outcome != XA_ACTIVATION_OUTCOME_MQTT_ONLY)
    text = g_strdup_printf (_("%s A Test checks the token now."), described);
  else
    text = g_strdup_printf (_("%s A Test checks the MQTT login now."), described);
  if (op_shown (op))
    xa_activation_view_show_done (self->activation_view, xa_activation_outcome_get_title (outcome), text,
                                  saved && outcome == XA_ACTIVATION_OUTCOME_ACTIVATED);
  else
    _xa_device_page_toast (self, text);
  /* Someone who went to type the code in a browser hears it is done. */
  {
    GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

    if (GTK_IS_WINDOW (root) && !gtk_window_is_active (GTK_WINDOW (root)))
      {
        /* Translators: a notification's title; %s is a device's name */
        g_autofree char *title = g_strdup_printf (_("“%s”: %s"), xa_device_get_name (device),
                                                  xa_activation_outcome_get_title (outcome));
        xa_notify_about_device (GTK_WIDGET (self), device, title, text);
      }
  }

  /* What the user came for: does the token (or the MQTT login) work? */
  /* On the device activated, whichever is shown now. */
  test_op = op_new_for (self, op->session);
  test_op->activated_title = g_strdup (xa_activation_outcome_get_title (outcome));
  test_op->activated = saved ? g_steal_pointer (&described) : g_steal_pointer (&text);
  test_op->activated_well = saved && outcome == XA_ACTIVATION_OUTCOME_ACTIVATED;
  test_all (self, test_op);
}

static void
activate_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  XaDevicePage *self = XA_DEVICE_PAGE (widget);

  xa_device_session_activate_async (self->session, NULL, self->cancellable, activated_cb, op_new (self));
}

static void
cancel_activation_action (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  xa_device_session_cancel (XA_DEVICE_PAGE (widget)->session);
}

static void
show_overview_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  adw_view_stack_set_visible_child_name (XA_DEVICE_PAGE (widget)->stack, "overview");
}

/* ---- refresh, keyring ------------------------------------------------------------ */

static void
refreshed_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(Op) op = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *said = NULL;
  XaRefreshChanges changes = XA_REFRESH_CHANGED_NOTHING;

  if (!xa_device_session_refresh_finish (op->session, result, &changes, &error) || op_gone (op))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) && op_shown (op))
        _xa_device_page_toast (op->page, error->message);
      return;
    }
  /* The last verdicts were of the old credentials: the new ones are
   * tested at once, so the page never shows one beside the other. */
  if (changes != XA_REFRESH_CHANGED_NOTHING)
    test_all (op->page, op_new (op->page));
  if (!op_shown (op) || xa_device_session_get_keyring_error (op->session) != NULL)
    return;
  said = xa_refresh_changes_describe (changes);
  if (changes == XA_REFRESH_CHANGED_NOTHING)
    _xa_device_page_toast (op->page, said);
  else
    {
      /* Translators: %s says what the server changed, e.g. “The server issued a new token.” */
      g_autofree char *text = g_strdup_printf (_("%s Saved in the keyring; a Test checks it now."), said);
      _xa_device_page_toast (op->page, text);
    }
}

static void
refresh_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  XaDevicePage *self = XA_DEVICE_PAGE (widget);

  xa_device_session_refresh_async (self->session, self->cancellable, refreshed_cb, op_new (self));
}

static void
keyring_retried_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(Op) op = user_data;
  g_autoptr(GError) error = NULL;

  if (xa_device_session_load_finish (op->session, result, &error) &&
      xa_device_session_get_keyring_error (op->session) == NULL && op_shown (op))
    _xa_device_page_toast (op->page, _("The keyring works again."));
}

static void
retry_keyring_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  XaDevicePage *self = XA_DEVICE_PAGE (widget);

  xa_device_session_load_async (self->session, self->cancellable, keyring_retried_cb, op_new (self));
}

/* ---- copying ------------------------------------------------------------------------ */

static void
copy_field_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  XaDevicePage *self = XA_DEVICE_PAGE (widget);
  g_autofree char *value = NULL;

  g_object_get (xa_device_page_get_device (self), g_variant_get_string (parameter, NULL), &value, NULL);
  copy_text (self, value, _("Copied"));
}

static void
copy_token_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  XaDevicePage *self = XA_DEVICE_PAGE (widget);

  copy_text (self, xa_device_session_get_token (self->session), _("Token copied"));
}

static void
copy_mqtt_password_action (GtkWidget  *widget,
                           const char *action_name,
                           GVariant   *parameter)
{
  XaDevicePage *self = XA_DEVICE_PAGE (widget);

  copy_text (self, xa_device_session_get_mqtt_password (self->session), _("Password copied"));
}

static void
copy_code_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  XaDevicePage *self = XA_DEVICE_PAGE (widget);

  copy_text (self, xa_activation_view_get_code (self->activation_view), _("Code copied"));
}

static void
copy_json_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  XaDevicePage *self = XA_DEVICE_PAGE (widget);
  g_autoptr(JsonNode) node = xa_device_export_json (xa_device_page_get_device (self),
                                                    xa_device_session_get_token (self->session));
  g_autofree char *text = json_to_string (node, TRUE);

  copy_text (self, text, _("Device and token copied as JSON"));
}

static void
open_panel_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  XaDevicePage *self = XA_DEVICE_PAGE (widget);
  XaActivation *activation = xa_device_session_get_activation (self->session);
  /* While a code is shown, where its steps say to go. */
  const char *panel = activation ? xa_activation_get_panel_url (activation)
                                 : xa_device_get_panel_url (xa_device_page_get_device (self));

  if (panel != NULL)
    xa_open_uri (widget, panel);
}

/* ---- exporting ---------------------------------------------------------------------- */

typedef struct
{
  Op           *op;
  XaExportKind  kind;
} Export;

static void
export_free (Export *export)
{
  op_free (export->op);
  g_free (export);
}

static void
exported_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  Export *export = user_data;
  g_autoptr(GError) error = NULL;

  if (!xa_device_session_export_finish (export->op->session, result, &error) || op_gone (export->op))
    {
      if (error != NULL && !op_gone (export->op) && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        _xa_device_page_toast (export->op->page, error->message);
    }
  else
    _xa_device_page_toast (export->op->page,
                           export->kind == XA_EXPORT_ENV_NEW ? _("Environment file written; only you can read it.")
                           : export->kind == XA_EXPORT_ENV || export->kind == XA_EXPORT_ENV_WEB_PROXY
                             ? _("Environment file updated, its other lines kept; only you can read it.")
                           : export->kind == XA_EXPORT_WEBUI
                             ? _("xiaozhi-webui configuration updated, its other settings kept; restart it to use it.")
                             : _("py-xiaozhi configuration updated; only you can read it."));
  export_free (export);
}

static void
chooser_response_cb (GtkNativeDialog *chooser,
                     int              response,
                     gpointer         user_data)
{
  Export *export = user_data;
  g_autoptr(GFile) file = NULL;
  g_autofree char *path = NULL;

  if (response == GTK_RESPONSE_ACCEPT && (file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser))) != NULL)
    path = g_file_get_path (file);
  g_object_unref (chooser);

  if (path == NULL)
    {
      export_free (export);
      return;
    }
  xa_device_session_export_async (export->op->session, export->kind, path, export->op->cancellable, exported_cb, export);
}

static void
show_chooser (Export *export,
              GFile  *folder)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (export->op->page));
  GtkWindow *parent = GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL;
  GtkFileChooserNative *chooser;

  /* A new env file is saved (GTK asks before replacing one, and it is
   * replaced, kept as .bak); an existing one is opened and updated. */
  if (export->kind == XA_EXPORT_ENV_NEW)
    {
      chooser = gtk_file_chooser_native_new (_("Export to an Environment File"), parent,
                                             GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"), _("_Cancel"));
      gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), "xiaozhi.env");
    }
  else if (export->kind == XA_EXPORT_ENV)
    chooser = gtk_file_chooser_native_new (_("Update an Environment File"), parent,
                                           GTK_FILE_CHOOSER_ACTION_OPEN, _("_Update"), _("_Cancel"));
  else if (export->kind == XA_EXPORT_ENV_WEB_PROXY)
    chooser = gtk_file_chooser_native_new (_("Choose the Web Proxy’s .env File"), parent,
                                           GTK_FILE_CHOOSER_ACTION_OPEN, _("_Update"), _("_Cancel"));
  else if (export->kind == XA_EXPORT_WEBUI)
    chooser = gtk_file_chooser_native_new (_("Choose xiaozhi-webui’s config.json"), parent,
                                           GTK_FILE_CHOOSER_ACTION_OPEN, _("_Update"), _("_Cancel"));
  else
    chooser = gtk_file_chooser_native_new (_("Choose py-xiaozhi’s Config Folder"), parent,
                                           GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER, _("_Choose"), _("_Cancel"));
  /* Where the file is likely to be, else the home folder: GTK's own start,
   * "Recent", is empty for folders and for files nobody opened (#20). */
  {
    g_autoptr(GFile) home = g_file_new_for_path (g_get_home_dir ());

    gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (chooser), folder ? folder : home, NULL);
  }
  g_signal_connect (chooser, "response", G_CALLBACK (chooser_response_cb), export);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
  xa_a11y_fix_file_chooser ();
}

static void
config_dir_found_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  Export *export = user_data;
  g_autofree char *dir = xa_py_xiaozhi_find_config_dir_finish (result, NULL);
  g_autoptr(GFile) folder = dir ? g_file_new_for_path (dir) : NULL;

  if (op_gone (export->op))
    export_free (export);
  else
    show_chooser (export, folder);
}

/* device.export's targets. py-xiaozhi gets efuse.json too: its serial and
 * key must be this device's. */
static XaExportKind
export_kind_from_name (const char *name)
{
  static const struct { const char *name; XaExportKind kind; } kinds[] = {
    { "env", XA_EXPORT_ENV_NEW },
    { "update-env", XA_EXPORT_ENV },
    { "web-proxy", XA_EXPORT_ENV_WEB_PROXY },
    { "webui", XA_EXPORT_WEBUI },
  };

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    if (g_str_equal (name, kinds[i].name))
      return kinds[i].kind;
  return XA_EXPORT_PY_XIAOZHI_EFUSE;
}

static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  XaDevicePage *self = XA_DEVICE_PAGE (widget);
  Export *export = g_new0 (Export, 1);

  export->op = op_new (self);
  export->kind = export_kind_from_name (g_variant_get_string (parameter, NULL));
  if (export->kind != XA_EXPORT_PY_XIAOZHI_EFUSE)
    show_chooser (export, NULL);
  else
    xa_py_xiaozhi_find_config_dir_async (export->op->cancellable, config_dir_found_cb, export);
}

/* ---- diagnosis ----------------------------------------------------------------- */

static void
diagnose_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  XaDevicePage *self = XA_DEVICE_PAGE (widget);
  GtkRoot *root = gtk_widget_get_root (widget);

  gtk_window_present (xa_diagnosis_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, self->session,
                                               _xa_device_page_hello_timeout_ms (self)));
}

/* ---- editing the name and the control panel ------------------------------------ */

static void
edited_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(Op) op = user_data;
  g_autoptr(GError) error = NULL;

  if (!xa_device_session_edit_finish (op->session, result, &error) && !op_gone (op))
    _xa_device_page_toast (op->page, error->message);
}

static void
edit_response_cb (XaEditDialog *dialog,
                  const char   *response,
                  gpointer      user_data)
{
  Op *op = user_data;

  if (!g_str_equal (response, "save"))
    {
      op_free (op);
      return;
    }
  xa_device_session_edit_async (op->session, xa_edit_dialog_get_field (dialog), xa_edit_dialog_get_text (dialog),
                                op->cancellable, edited_cb, op);
}

static void
edit_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  XaDevicePage *self = XA_DEVICE_PAGE (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkWindow *dialog = xa_edit_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, self->session,
                                          g_variant_get_string (parameter, NULL));

  g_signal_connect (dialog, "response", G_CALLBACK (edit_response_cb), op_new (self));
  gtk_window_present (dialog);
}

/* ---- remove ------------------------------------------------------------------------ */

static void
removed_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(Op) op = user_data;
  g_autoptr(GError) error = NULL;

  if (!xa_device_session_remove_finish (op->session, result, &error) && !op_gone (op))
    _xa_device_page_toast (op->page, error->message);
}

static void
remove_response_cb (AdwMessageDialog *dialog,
                    const char       *response,
                    gpointer          user_data)
{
  Op *op = user_data;

  if (!g_str_equal (response, "remove"))
    {
      op_free (op);
      return;
    }
  if (op_shown (op))
    adw_view_stack_set_visible_child_name (op->page->stack, "overview");
  xa_device_session_remove_async (op->session, op->cancellable, removed_cb, op);
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
                                     xa_device_get_name (xa_device_page_get_device (self)));
  /* What this app saw: an activation or a token, or neither. */
  if (xa_device_is_activated (xa_device_page_get_device (self))
      || xa_device_session_get_token (xa_device_page_get_session (self)) != NULL)
    adw_message_dialog_set_body (ADW_MESSAGE_DIALOG (dialog),
                                 _("Its token and keys are deleted from the keyring. The device stays bound "
                                   "to your account on the server until you unbind it there."));
  else
    adw_message_dialog_set_body (ADW_MESSAGE_DIALOG (dialog),
                                 _("Its keys are deleted from the keyring. It was never activated from this app, "
                                   "so no account holds it through this app; if it was activated elsewhere, "
                                   "unbind it in that control panel."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "remove", _("_Remove"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "remove", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect (dialog, "response", G_CALLBACK (remove_response_cb), op_new (self));
  xa_a11y_fix_names (GTK_WIDGET (dialog));
  gtk_window_present (GTK_WINDOW (dialog));
}

void
_xa_device_page_class_actions_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "device.test", NULL, test_action);
  gtk_widget_class_install_action (widget_class, "device.activate", NULL, activate_action);
  gtk_widget_class_install_action (widget_class, "device.cancel-activation", NULL, cancel_activation_action);
  gtk_widget_class_install_action (widget_class, "device.show-overview", NULL, show_overview_action);
  gtk_widget_class_install_action (widget_class, "device.refresh", NULL, refresh_action);
  gtk_widget_class_install_action (widget_class, "device.retry-keyring", NULL, retry_keyring_action);
  gtk_widget_class_install_action (widget_class, "device.copy", "s", copy_field_action);
  gtk_widget_class_install_action (widget_class, "device.copy-token", NULL, copy_token_action);
  gtk_widget_class_install_action (widget_class, "device.copy-code", NULL, copy_code_action);
  gtk_widget_class_install_action (widget_class, "device.copy-mqtt-password", NULL, copy_mqtt_password_action);
  gtk_widget_class_install_action (widget_class, "device.copy-json", NULL, copy_json_action);
  gtk_widget_class_install_action (widget_class, "device.open-panel", NULL, open_panel_action);
  gtk_widget_class_install_action (widget_class, "device.export", "s", export_action);
  gtk_widget_class_install_action (widget_class, "device.diagnose", NULL, diagnose_action);
  gtk_widget_class_install_action (widget_class, "device.remove", NULL, remove_action);
  gtk_widget_class_install_action (widget_class, "device.edit", "s", edit_action);
}
