/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "xa-a11y.h"
#include "xa-diagnosis.h"
#include "xa-diagnosis-dialog.h"

/* "Why? Diagnose…": the findings about one device, most likely first. It
 * runs as soon as it opens; asking the official cloud too is the user's
 * choice (it tells the cloud this MAC address), and runs it again. */
struct _XaDiagnosisDialog
{
  AdwWindow         parent_instance;

  XaDeviceSession  *session;
  guint             timeout_ms;
  GCancellable     *cancellable;
  GtkSwitch        *cloud_switch;
  GtkStack         *stack;
  GtkSpinner       *spinner;
  AdwPreferencesGroup *findings_group;
  GPtrArray        *rows;
};

G_DEFINE_FINAL_TYPE (XaDiagnosisDialog, xa_diagnosis_dialog, ADW_TYPE_WINDOW)

static const char *
icon_for (const char *severity)
{
  if (g_str_equal (severity, "bad"))
    return "dialog-error-symbolic";
  return g_str_equal (severity, "warn") ? "dialog-warning-symbolic" : "dialog-information-symbolic";
}

static void
show_findings (XaDiagnosisDialog *self,
               const XaDiagnosis *diagnosis)
{
  for (guint i = 0; i < self->rows->len; i++)
    adw_preferences_group_remove (self->findings_group, g_ptr_array_index (self->rows, i));
  g_ptr_array_set_size (self->rows, 0);

  for (guint i = 0; i < diagnosis->findings->len; i++)
    {
      const XaFinding *finding = g_ptr_array_index (diagnosis->findings, i);
      g_autofree char *title = xa_text_render (finding->title);
      g_autofree char *advice = xa_text_render (finding->advice);
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *icon = gtk_image_new_from_icon_name (icon_for (finding->severity));

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), advice);
      adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 0);
      adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
      gtk_widget_add_css_class (icon, g_str_equal (finding->severity, "bad") ? "verdict-bad"
                                      : g_str_equal (finding->severity, "warn") ? "verdict-warn" : "dim-label");
      gtk_accessible_update_state (GTK_ACCESSIBLE (icon), GTK_ACCESSIBLE_STATE_HIDDEN, TRUE, -1);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
      adw_preferences_group_add (self->findings_group, row);
      g_ptr_array_add (self->rows, row);
    }
}

static void
diagnosed_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(XaDiagnosisDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(XaDiagnosis) diagnosis = xa_diagnose_finish (result, &error);

  if (diagnosis == NULL)
    return;   /* cancelled: closed, or run again */
  show_findings (self, diagnosis);
  gtk_spinner_set_spinning (self->spinner, FALSE);
  gtk_stack_set_visible_child_name (self->stack, "findings");
}

static void
run (XaDiagnosisDialog *self)
{
  XaDevice *device = xa_device_session_get_device (self->session);
  g_autoptr(XaIdentity) identity = xa_device_dup_identity (device, xa_device_session_get_hmac_key (self->session));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  gtk_stack_set_visible_child_name (self->stack, "running");
  gtk_spinner_set_spinning (self->spinner, TRUE);
  xa_diagnose_async (xa_device_get_ota_url (device), identity, xa_device_session_get_token (self->session),
                     gtk_switch_get_active (self->cloud_switch), self->timeout_ms, self->cancellable,
                     diagnosed_cb, g_object_ref (self));
}

static void
xa_diagnosis_dialog_dispose (GObject *object)
{
  XaDiagnosisDialog *self = XA_DIAGNOSIS_DIALOG (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->session);
  g_clear_pointer (&self->rows, g_ptr_array_unref);

  G_OBJECT_CLASS (xa_diagnosis_dialog_parent_class)->dispose (object);
}

static void
xa_diagnosis_dialog_class_init (XaDiagnosisDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = xa_diagnosis_dialog_dispose;
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
xa_diagnosis_dialog_init (XaDiagnosisDialog *self)
{
  GtkWidget *content = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *scroller = gtk_scrolled_window_new ();
  GtkWidget *clamp = adw_clamp_new ();
  GtkWidget *column = gtk_box_new (GTK_ORIENTATION_VERTICAL, 18);
  GtkWidget *options = adw_preferences_group_new ();
  GtkWidget *cloud_row = adw_action_row_new ();
  GtkWidget *running = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  GtkWidget *asking = gtk_label_new (_("Asking the server what it knows about this device…"));

  self->rows = g_ptr_array_new ();
  gtk_window_set_title (GTK_WINDOW (self), _("Diagnosis"));
  gtk_window_set_default_size (GTK_WINDOW (self), 520, 600);

  gtk_box_append (GTK_BOX (content), adw_header_bar_new ());
  gtk_widget_set_vexpand (scroller, TRUE);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_box_append (GTK_BOX (content), scroller);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), clamp);
  adw_clamp_set_child (ADW_CLAMP (clamp), column);
  gtk_widget_set_margin_top (column, 18);
  gtk_widget_set_margin_bottom (column, 18);
  gtk_widget_set_margin_start (column, 12);
  gtk_widget_set_margin_end (column, 12);

  /* Off by default: it tells another server this MAC address. */
  self->cloud_switch = GTK_SWITCH (gtk_switch_new ());
  gtk_widget_set_valign (GTK_WIDGET (self->cloud_switch), GTK_ALIGN_CENTER);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (cloud_row), _("Also ask the official cloud"));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (cloud_row),
                               _("It is told this Device-Id. A MAC bound at xiaozhi.me is the usual reason a "
                                 "self-hosted server gives no code."));
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (cloud_row), 0);
  adw_action_row_add_suffix (ADW_ACTION_ROW (cloud_row), GTK_WIDGET (self->cloud_switch));
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (cloud_row), GTK_WIDGET (self->cloud_switch));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (options), cloud_row);
  gtk_box_append (GTK_BOX (column), options);
  g_signal_connect_swapped (self->cloud_switch, "notify::active", G_CALLBACK (run), self);

  self->stack = GTK_STACK (gtk_stack_new ());
  self->spinner = GTK_SPINNER (gtk_spinner_new ());
  gtk_widget_set_size_request (GTK_WIDGET (self->spinner), 32, 32);
  gtk_box_append (GTK_BOX (running), GTK_WIDGET (self->spinner));
  gtk_label_set_wrap (GTK_LABEL (asking), TRUE);
  gtk_widget_add_css_class (asking, "dim-label");
  gtk_box_append (GTK_BOX (running), asking);
  gtk_widget_set_margin_top (running, 24);
  gtk_stack_add_named (self->stack, running, "running");
  self->findings_group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  adw_preferences_group_set_title (self->findings_group, _("Findings, most likely first"));
  adw_preferences_group_set_description (self->findings_group,
                                         _("Nothing was changed on any server: the device’s own questions were asked."));
  gtk_stack_add_named (self->stack, GTK_WIDGET (self->findings_group), "findings");
  gtk_box_append (GTK_BOX (column), GTK_WIDGET (self->stack));

  adw_window_set_content (ADW_WINDOW (self), content);
  xa_a11y_fix_names (GTK_WIDGET (self));
}

GtkWindow *
xa_diagnosis_dialog_new (GtkWindow       *parent,
                         XaDeviceSession *session,
                         guint            timeout_ms)
{
  XaDiagnosisDialog *self = g_object_new (XA_TYPE_DIAGNOSIS_DIALOG, "transient-for", parent, "modal", TRUE, NULL);

  self->session = g_object_ref (session);
  self->timeout_ms = timeout_ms;
  run (self);
  return GTK_WINDOW (self);
}
