/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "xa-tab-stop.h"

/* One Tab stop for a list: Tab and Shift+Tab enter it on its selected row
 * and leave it from any row, and the arrows move inside it, as in a
 * sidebar. GTK 4.8's GtkListBox stops at every row on Tab and selects
 * each one it passes, so walking past the device list switched devices
 * (#20). */
struct _XaTabStop
{
  GtkWidget  parent_instance;

  GtkWidget *child;
};

G_DEFINE_FINAL_TYPE (XaTabStop, xa_tab_stop, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_CHILD,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static GtkListBox *
find_list (GtkWidget *widget)
{
  if (GTK_IS_LIST_BOX (widget))
    return GTK_LIST_BOX (widget);
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL; c = gtk_widget_get_next_sibling (c))
    {
      GtkListBox *list = find_list (c);
      if (list != NULL)
        return list;
    }
  return NULL;
}

static gboolean
xa_tab_stop_focus (GtkWidget        *widget,
                   GtkDirectionType  direction)
{
  XaTabStop *self = XA_TAB_STOP (widget);
  GtkListBox *list;
  GtkListBoxRow *row;

  if (direction != GTK_DIR_TAB_FORWARD && direction != GTK_DIR_TAB_BACKWARD)
    return GTK_WIDGET_CLASS (xa_tab_stop_parent_class)->focus (widget, direction);
  /* The focus is inside: the next Tab leaves. */
  if (gtk_widget_get_focus_child (widget) != NULL)
    return FALSE;
  list = self->child ? find_list (self->child) : NULL;
  row = list ? gtk_list_box_get_selected_row (list) : NULL;
  if (row != NULL && gtk_widget_is_drawable (GTK_WIDGET (row)))
    return gtk_widget_grab_focus (GTK_WIDGET (row));
  return GTK_WIDGET_CLASS (xa_tab_stop_parent_class)->focus (widget, direction);
}

GtkWidget *
xa_tab_stop_get_child (XaTabStop *self)
{
  g_return_val_if_fail (XA_IS_TAB_STOP (self), NULL);
  return self->child;
}

void
xa_tab_stop_set_child (XaTabStop *self,
                       GtkWidget *child)
{
  g_return_if_fail (XA_IS_TAB_STOP (self));
  g_return_if_fail (child == NULL || GTK_IS_WIDGET (child));

  if (self->child == child)
    return;
  g_clear_pointer (&self->child, gtk_widget_unparent);
  if (child != NULL)
    {
      self->child = child;
      gtk_widget_set_parent (child, GTK_WIDGET (self));
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CHILD]);
}

static void
xa_tab_stop_dispose (GObject *object)
{
  XaTabStop *self = XA_TAB_STOP (object);

  g_clear_pointer (&self->child, gtk_widget_unparent);
  G_OBJECT_CLASS (xa_tab_stop_parent_class)->dispose (object);
}

static void
xa_tab_stop_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  XaTabStop *self = XA_TAB_STOP (object);

  switch (prop_id)
    {
    case PROP_CHILD:
      g_value_set_object (value, self->child);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
xa_tab_stop_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  XaTabStop *self = XA_TAB_STOP (object);

  switch (prop_id)
    {
    case PROP_CHILD:
      xa_tab_stop_set_child (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
xa_tab_stop_class_init (XaTabStopClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = xa_tab_stop_dispose;
  object_class->get_property = xa_tab_stop_get_property;
  object_class->set_property = xa_tab_stop_set_property;
  widget_class->focus = xa_tab_stop_focus;

  properties[PROP_CHILD] =
    g_param_spec_object ("child", NULL, NULL, GTK_TYPE_WIDGET,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
xa_tab_stop_init (XaTabStop *self)
{
}
