/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "xa-a11y.h"
#include "xa-edit-dialog.h"

/* Edits one field of a device (its name, control panel, board type or
 * version). Save is offered only for a value the session would take; what
 * is wrong is said in the dialog, which keeps what was typed. */
struct _XaEditDialog
{
  AdwMessageDialog  parent_instance;

  XaDeviceSession  *session;
  char             *field;
  const char       *body;    /* what the field is for, shown while the value is good */
  GtkEntry         *entry;
};

G_DEFINE_FINAL_TYPE (XaEditDialog, xa_edit_dialog, ADW_TYPE_MESSAGE_DIALOG)

enum {
  PROP_0,
  PROP_SESSION,
  PROP_FIELD,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Each field's heading and what it is for. */
static const struct
{
  const char *field;
  const char *heading;
  const char *body;
} fields[] = {
  { "name", N_("Rename Device"), NULL },
  { "panel-url", N_("Control Panel Address"),
    N_("Where you type the activation code, for example the web console of your own server.") },
  { "board-type", N_("Board Type"), N_("What the device reports in its OTA checks; the server shows it as the device’s own.") },
  { "app-version", N_("App Version"), N_("What the device reports in its OTA checks; the server shows it as the device’s own.") },
};

static void
entry_changed_cb (XaEditDialog *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->entry));
  g_autoptr(GError) error = NULL;
  gboolean ok = xa_device_session_check_edit (self->session, self->field, text, &error);

  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (self), "save", ok);
  adw_message_dialog_set_body (ADW_MESSAGE_DIALOG (self), ok || *text == '\0' ? self->body : error->message);
}

static void
xa_edit_dialog_constructed (GObject *object)
{
  XaEditDialog *self = XA_EDIT_DIALOG (object);
  g_autofree char *value = NULL;
  const char *heading = NULL;

  G_OBJECT_CLASS (xa_edit_dialog_parent_class)->constructed (object);

  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    if (g_str_equal (fields[i].field, self->field))
      {
        heading = _(fields[i].heading);
        self->body = fields[i].body ? _(fields[i].body) : "";
      }
  g_return_if_fail (heading != NULL);
  adw_message_dialog_set_heading (ADW_MESSAGE_DIALOG (self), heading);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->entry), GTK_ACCESSIBLE_PROPERTY_LABEL, heading, -1);

  g_object_get (xa_device_session_get_device (self->session), self->field, &value, NULL);
  gtk_editable_set_text (GTK_EDITABLE (self->entry), value ? value : "");
  entry_changed_cb (self);
  xa_a11y_fix_names (GTK_WIDGET (self));
}

static void
xa_edit_dialog_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  XaEditDialog *self = XA_EDIT_DIALOG (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      g_value_set_object (value, self->session);
      break;
    case PROP_FIELD:
      g_value_set_string (value, self->field);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
xa_edit_dialog_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  XaEditDialog *self = XA_EDIT_DIALOG (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      self->session = g_value_dup_object (value);
      break;
    case PROP_FIELD:
      self->field = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
xa_edit_dialog_dispose (GObject *object)
{
  XaEditDialog *self = XA_EDIT_DIALOG (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), XA_TYPE_EDIT_DIALOG);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (xa_edit_dialog_parent_class)->dispose (object);
}

static void
xa_edit_dialog_finalize (GObject *object)
{
  g_free (XA_EDIT_DIALOG (object)->field);

  G_OBJECT_CLASS (xa_edit_dialog_parent_class)->finalize (object);
}

static void
xa_edit_dialog_class_init (XaEditDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = xa_edit_dialog_constructed;
  object_class->get_property = xa_edit_dialog_get_property;
  object_class->set_property = xa_edit_dialog_set_property;
  object_class->dispose = xa_edit_dialog_dispose;
  object_class->finalize = xa_edit_dialog_finalize;

  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL, XA_TYPE_DEVICE_SESSION,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /* A property of XaDevice: "name", "panel-url", "board-type", "app-version". */
  properties[PROP_FIELD] =
    g_param_spec_string ("field", NULL, NULL, "name",
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/xiaozhi_activator/Activator/xa-edit-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, XaEditDialog, entry);
  gtk_widget_class_bind_template_callback (widget_class, entry_changed_cb);
}

static void
xa_edit_dialog_init (XaEditDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWindow *
xa_edit_dialog_new (GtkWindow       *parent,
                    XaDeviceSession *session,
                    const char      *field)
{
  return g_object_new (XA_TYPE_EDIT_DIALOG, "transient-for", parent, "session", session, "field", field, NULL);
}

const char *
xa_edit_dialog_get_field (XaEditDialog *self)
{
  g_return_val_if_fail (XA_IS_EDIT_DIALOG (self), NULL);
  return self->field;
}

const char *
xa_edit_dialog_get_text (XaEditDialog *self)
{
  g_return_val_if_fail (XA_IS_EDIT_DIALOG (self), NULL);
  return gtk_editable_get_text (GTK_EDITABLE (self->entry));
}
