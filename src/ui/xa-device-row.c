/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "xa-device-row.h"

/* A device in the sidebar: its name, Device-Id and status, bound to the
 * device's properties. */
struct _XaDeviceRow
{
  AdwActionRow  parent_instance;

  XaDevice     *device;

  GtkImage     *status_icon;
  GtkLabel     *status_label;
};

G_DEFINE_FINAL_TYPE (XaDeviceRow, xa_device_row, ADW_TYPE_ACTION_ROW)

enum {
  PROP_0,
  PROP_DEVICE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
xa_device_row_constructed (GObject *object)
{
  XaDeviceRow *self = XA_DEVICE_ROW (object);
  const struct { const char *from; gpointer to; const char *property; } bindings[] = {
    { "name", self, "title" },
    { "device-id", self, "subtitle" },
    { "status-icon-name", self->status_icon, "icon-name" },
    { "status", self->status_label, "label" },
    /* The status may be cut short: the whole of it on hover. */
    { "status", self->status_label, "tooltip-text" },
  };

  G_OBJECT_CLASS (xa_device_row_parent_class)->constructed (object);

  for (guint i = 0; i < G_N_ELEMENTS (bindings); i++)
    g_object_bind_property (self->device, bindings[i].from, bindings[i].to, bindings[i].property, G_BINDING_SYNC_CREATE);
}

static void
xa_device_row_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  switch (prop_id)
    {
    case PROP_DEVICE:
      g_value_set_object (value, XA_DEVICE_ROW (object)->device);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
xa_device_row_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  switch (prop_id)
    {
    case PROP_DEVICE:
      XA_DEVICE_ROW (object)->device = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
xa_device_row_dispose (GObject *object)
{
  XaDeviceRow *self = XA_DEVICE_ROW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), XA_TYPE_DEVICE_ROW);
  g_clear_object (&self->device);

  G_OBJECT_CLASS (xa_device_row_parent_class)->dispose (object);
}

static void
xa_device_row_class_init (XaDeviceRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = xa_device_row_constructed;
  object_class->get_property = xa_device_row_get_property;
  object_class->set_property = xa_device_row_set_property;
  object_class->dispose = xa_device_row_dispose;

  properties[PROP_DEVICE] =
    g_param_spec_object ("device", NULL, NULL, XA_TYPE_DEVICE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/xiaozhi_activator/Activator/xa-device-row.ui");
  gtk_widget_class_bind_template_child (widget_class, XaDeviceRow, status_icon);
  gtk_widget_class_bind_template_child (widget_class, XaDeviceRow, status_label);
}

static void
xa_device_row_init (XaDeviceRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
xa_device_row_new (XaDevice *device)
{
  return g_object_new (XA_TYPE_DEVICE_ROW, "device", device, NULL);
}

XaDevice *
xa_device_row_get_device (XaDeviceRow *self)
{
  return self->device;
}
