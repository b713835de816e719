/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "xa-a11y.h"
#include "xa-device.h"
#include "xa-diagnosis-dialog.h"
#include "xa-diagnosis.h"
#include "xa-identity.h"
#include "xa-open-uri.h"

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
  AdwToastOverlay  *toast_overlay;
  GPtrArray        *rows;
};

G_DEFINE_FINAL_TYPE (XaDiagnosisDialog, xa_diagnosis_dialog, ADW_TYPE_WINDOW)

enum {
  PROP_0,
  PROP_SESSION,
  PROP_TIMEOUT_MS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

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
      /* A finding that found the right address offers to use it. */
      if (finding->ota_url != NULL)
        {
          GtkWidget *use = gtk_button_new_with_mnemonic (_("_Use This Address"));

          gtk_widget_set_valign (use, GTK_ALIGN_CENTER);
          gtk_widget_add_css_class (use, "suggested-action");
          gtk_actionable_set_action_target (GTK_ACTIONABLE (use), "s", finding->ota_url);
          gtk_actionable_set_action_name (GTK_ACTIONABLE (use), "diagnosis.use-ota-url");
          adw_action_row_add_suffix (ADW_ACTION_ROW (row), use);
          xa_a11y_fix_names (row);
        }
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
xa_diagnosis_dialog_constructed (GObject *object)
{
  XaDiagnosisDialog *self = XA_DIAGNOSIS_DIALOG (object);

  G_OBJECT_CLASS (xa_diagnosis_dialog_parent_class)->constructed (object);
  run (self);
}

static void
xa_diagnosis_dialog_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  XaDiagnosisDialog *self = XA_DIAGNOSIS_DIALOG (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      g_value_set_object (value, self->session);
      break;
    case PROP_TIMEOUT_MS:
      g_value_set_uint (value, self->timeout_ms);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
xa_diagnosis_dialog_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  XaDiagnosisDialog *self = XA_DIAGNOSIS_DIALOG (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      self->session = g_value_dup_object (value);
      break;
    case PROP_TIMEOUT_MS:
      self->timeout_ms = g_value_get_uint (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
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
  gtk_widget_dispose_template (GTK_WIDGET (self), XA_TYPE_DIAGNOSIS_DIALOG);

  G_OBJECT_CLASS (xa_diagnosis_dialog_parent_class)->dispose (object);
}

static void
ota_url_saved_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(XaDiagnosisDialog) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!xa_device_session_edit_finish (XA_DEVICE_SESSION (object), result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (error->message));
      return;
    }
  /* Diagnosed again, at the address it has now. */
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (_("The device’s OTA address is changed.")));
  run (self);
}

/* (s): the OTA address a finding found, saved as the device's. */
static void
use_ota_url_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  XaDiagnosisDialog *self = XA_DIAGNOSIS_DIALOG (widget);

  xa_device_session_edit_async (self->session, "ota-url", g_variant_get_string (parameter, NULL), self->cancellable,
                                ota_url_saved_cb, g_object_ref (self));
}

/* The help's page about the diagnosis. */
static void
help_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  xa_open_uri (widget, "help:" APP_ID "/diagnose");
}

static void
xa_diagnosis_dialog_class_init (XaDiagnosisDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = xa_diagnosis_dialog_constructed;
  object_class->get_property = xa_diagnosis_dialog_get_property;
  object_class->set_property = xa_diagnosis_dialog_set_property;
  object_class->dispose = xa_diagnosis_dialog_dispose;

  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL, XA_TYPE_DEVICE_SESSION,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TIMEOUT_MS] =
    g_param_spec_uint ("timeout-ms", NULL, NULL, 1, G_MAXUINT, 10000,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/xiaozhi_activator/Activator/xa-diagnosis-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, XaDiagnosisDialog, cloud_switch);
  gtk_widget_class_bind_template_child (widget_class, XaDiagnosisDialog, stack);
  gtk_widget_class_bind_template_child (widget_class, XaDiagnosisDialog, spinner);
  gtk_widget_class_bind_template_child (widget_class, XaDiagnosisDialog, findings_group);
  gtk_widget_class_bind_template_child (widget_class, XaDiagnosisDialog, toast_overlay);
  gtk_widget_class_bind_template_callback (widget_class, run);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
  gtk_widget_class_install_action (widget_class, "diagnosis.help", NULL, help_action);
  gtk_widget_class_install_action (widget_class, "diagnosis.use-ota-url", "s", use_ota_url_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F1, 0, "diagnosis.help", NULL);
}

static void
xa_diagnosis_dialog_init (XaDiagnosisDialog *self)
{
  self->rows = g_ptr_array_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
  xa_a11y_fix_names (GTK_WIDGET (self));
}

GtkWindow *
xa_diagnosis_dialog_new (GtkWindow       *parent,
                         XaDeviceSession *session,
                         guint            timeout_ms)
{
  return g_object_new (XA_TYPE_DIAGNOSIS_DIALOG,
                       "transient-for", parent,
                       "session", session,
                       "timeout-ms", timeout_ms,
                       NULL);
}
