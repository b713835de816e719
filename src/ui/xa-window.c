/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "xa-add-device-dialog.h"
#include "xa-device-page.h"
#include "xa-window.h"

/* Devices on the left, the chosen one on the right; folds to one column
 * on narrow screens. */
struct _XaWindow
{
  AdwApplicationWindow  parent_instance;

  XaDeviceStore        *store;
  GSettings            *settings;

  AdwToastOverlay      *toast_overlay;
  AdwLeaflet           *leaflet;
  GtkWidget            *content;
  GtkInfoBar           *store_bar;
  GtkLabel             *store_label;
  GtkStack             *sidebar_stack;
  AdwStatusPage        *empty_page;
  GtkListBox           *device_list;
  AdwWindowTitle       *content_title;
  GtkStack             *content_stack;
  XaDevicePage         *device_page;
};

G_DEFINE_FINAL_TYPE (XaWindow, xa_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_STORE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const char *
status_icon (XaDevice *device)
{
  const char *verdict = xa_device_get_last_verdict (device);

  if (g_strcmp0 (verdict, "valid") == 0)
    return "emblem-ok-symbolic";
  if (verdict != NULL)
    return "dialog-warning-symbolic";
  return xa_device_is_activated (device) ? "emblem-default-symbolic" : "content-loading-symbolic";
}

static void
update_row (AdwActionRow *row,
            GParamSpec   *pspec,
            XaDevice     *device)
{
  GtkImage *icon = g_object_get_data (G_OBJECT (row), "status-icon");
  GtkLabel *label = g_object_get_data (G_OBJECT (row), "status-label");

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), xa_device_get_name (device));
  adw_action_row_set_subtitle (row, xa_device_get_device_id (device));
  gtk_image_set_from_icon_name (icon, status_icon (device));
  gtk_label_set_label (label, xa_device_get_status (device));
}

static GtkWidget *
create_row (gpointer item,
            gpointer user_data)
{
  XaDevice *device = item;
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *icon = gtk_image_new ();
  GtkWidget *label = gtk_label_new (NULL);

  gtk_widget_add_css_class (label, "dim-label");
  gtk_widget_add_css_class (label, "caption");
  gtk_accessible_update_property (GTK_ACCESSIBLE (icon), GTK_ACCESSIBLE_PROPERTY_LABEL, "", -1);
  gtk_box_append (GTK_BOX (box), icon);
  gtk_box_append (GTK_BOX (box), label);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), box);
  g_object_set_data (G_OBJECT (row), "status-icon", icon);
  g_object_set_data (G_OBJECT (row), "status-label", label);
  g_object_set_data_full (G_OBJECT (row), "device", g_object_ref (device), g_object_unref);

  g_signal_connect_object (device, "notify", G_CALLBACK (update_row), row, G_CONNECT_SWAPPED);
  update_row (ADW_ACTION_ROW (row), NULL, device);
  return row;
}

static void
update_title (XaWindow *self)
{
  XaDevice *device = xa_device_page_get_device (self->device_page);

  adw_window_title_set_title (self->content_title, device ? xa_device_get_name (device) : "");
  adw_window_title_set_subtitle (self->content_title, device ? xa_device_get_device_id (device) : NULL);
}

static void
row_selected_cb (GtkListBox    *list,
                 GtkListBoxRow *row,
                 XaWindow      *self)
{
  XaDevice *device = row ? g_object_get_data (G_OBJECT (row), "device") : NULL;

  if (device == NULL)
    return;
  if (xa_device_page_get_device (self->device_page) != NULL)
    g_signal_handlers_disconnect_by_func (xa_device_page_get_device (self->device_page), update_title, self);
  xa_device_page_set_device (self->device_page, device);
  /* A rename shows in the header at once. */
  g_signal_connect_object (device, "notify::name", G_CALLBACK (update_title), self, G_CONNECT_SWAPPED);
  gtk_stack_set_visible_child_name (self->content_stack, "device");
  update_title (self);
  adw_leaflet_set_visible_child (self->leaflet, self->content);
}

static void
items_changed_cb (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  XaWindow   *self)
{
  XaDevice *shown = xa_device_page_get_device (self->device_page);
  guint n = g_list_model_get_n_items (model);
  gboolean still_there = FALSE;

  gtk_stack_set_visible_child_name (self->sidebar_stack, n > 0 ? "list" : "empty");

  for (guint i = 0; i < n && shown != NULL; i++)
    {
      g_autoptr(XaDevice) d = g_list_model_get_item (model, i);
      still_there |= d == shown;
    }

  /* The device on show was removed (here or by xiaozhictl). */
  if (shown != NULL && !still_there)
    {
      xa_device_page_set_device (self->device_page, NULL);
      gtk_stack_set_visible_child_name (self->content_stack, "none");
      update_title (self);
      adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
    }
  else if (shown != NULL)
    {
      /* Keep the row of the device on show selected. */
      for (guint i = 0; i < n; i++)
        {
          g_autoptr(XaDevice) d = g_list_model_get_item (model, i);
          if (d == shown)
            gtk_list_box_select_row (self->device_list, gtk_list_box_get_row_at_index (self->device_list, i));
        }
      update_title (self);
    }
}

static void
add_device_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  XaWindow *self = XA_WINDOW (widget);
  GtkWindow *dialog = GTK_WINDOW (xa_add_device_dialog_new (GTK_WINDOW (self), self->store));

  gtk_window_present (dialog);
}

static void
back_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  adw_leaflet_navigate (XA_WINDOW (widget)->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
}

static void
forward_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  XaWindow *self = XA_WINDOW (widget);

  g_autofree char *device_action = g_strconcat ("device.", action_name + strlen ("win."), NULL);

  /* win.test → device.test on the device on show (for Ctrl+T). */
  if (xa_device_page_get_device (self->device_page) != NULL)
    gtk_widget_activate_action (GTK_WIDGET (self->device_page), device_action, NULL);
}

static void
xa_window_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, XA_WINDOW (object)->store);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
xa_window_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  switch (prop_id)
    {
    case PROP_STORE:
      XA_WINDOW (object)->store = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
xa_window_constructed (GObject *object)
{
  XaWindow *self = XA_WINDOW (object);

  G_OBJECT_CLASS (xa_window_parent_class)->constructed (object);

  xa_device_page_set_store (self->device_page, self->store);
  gtk_list_box_bind_model (self->device_list, G_LIST_MODEL (self->store), create_row, NULL, NULL);
  g_signal_connect_object (self->store, "items-changed", G_CALLBACK (items_changed_cb), self, 0);
  items_changed_cb (G_LIST_MODEL (self->store), 0, 0, 0, self);
}

static void
xa_window_dispose (GObject *object)
{
  XaWindow *self = XA_WINDOW (object);

  if (self->device_list != NULL)
    gtk_list_box_bind_model (self->device_list, NULL, NULL, NULL, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), XA_TYPE_WINDOW);
  g_clear_object (&self->store);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (xa_window_parent_class)->dispose (object);
}

static void
xa_window_class_init (XaWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = xa_window_get_property;
  object_class->set_property = xa_window_set_property;
  object_class->constructed = xa_window_constructed;
  object_class->dispose = xa_window_dispose;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, XA_TYPE_DEVICE_STORE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (XA_TYPE_DEVICE_PAGE);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/xiaozhi_activator/Activator/xa-window.ui");
  gtk_widget_class_bind_template_child (widget_class, XaWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, XaWindow, leaflet);
  gtk_widget_class_bind_template_child (widget_class, XaWindow, content);
  gtk_widget_class_bind_template_child (widget_class, XaWindow, store_bar);
  gtk_widget_class_bind_template_child (widget_class, XaWindow, store_label);
  gtk_widget_class_bind_template_child (widget_class, XaWindow, sidebar_stack);
  gtk_widget_class_bind_template_child (widget_class, XaWindow, empty_page);
  gtk_widget_class_bind_template_child (widget_class, XaWindow, device_list);
  gtk_widget_class_bind_template_child (widget_class, XaWindow, content_title);
  gtk_widget_class_bind_template_child (widget_class, XaWindow, content_stack);
  gtk_widget_class_bind_template_child (widget_class, XaWindow, device_page);
  gtk_widget_class_bind_template_callback (widget_class, row_selected_cb);

  gtk_widget_class_install_action (widget_class, "win.add-device", NULL, add_device_action);
  gtk_widget_class_install_action (widget_class, "win.back", NULL, back_action);
  gtk_widget_class_install_action (widget_class, "win.test", NULL, forward_action);
  gtk_widget_class_install_action (widget_class, "win.activate", NULL, forward_action);
  gtk_widget_class_install_action (widget_class, "win.remove", NULL, forward_action);

  gtk_widget_class_add_shortcut (widget_class,
                                 gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_n, GDK_CONTROL_MASK),
                                                   gtk_named_action_new ("win.add-device")));
  gtk_widget_class_add_shortcut (widget_class,
                                 gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_t, GDK_CONTROL_MASK),
                                                   gtk_named_action_new ("win.test")));
  gtk_widget_class_add_shortcut (widget_class,
                                 gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_Delete, GDK_CONTROL_MASK),
                                                   gtk_named_action_new ("win.remove")));
}

static void
xa_window_init (XaWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  /* The window comes back at the size it was left. */
  self->settings = g_settings_new (APP_ID);
  g_settings_bind (self->settings, "window-width", self, "default-width", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "window-height", self, "default-height", G_SETTINGS_BIND_DEFAULT);
}

XaWindow *
xa_window_new (AdwApplication *application,
               XaDeviceStore  *store)
{
  return g_object_new (XA_TYPE_WINDOW, "application", application, "store", store, NULL);
}

void
xa_window_select_device (XaWindow *self,
                         XaDevice *device)
{
  GListModel *model = G_LIST_MODEL (self->store);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(XaDevice) d = g_list_model_get_item (model, i);
      if (d == device)
        {
          GtkListBoxRow *row = gtk_list_box_get_row_at_index (self->device_list, i);
          gtk_list_box_select_row (self->device_list, row);
          row_selected_cb (self->device_list, row, self);
        }
    }
}

GtkWidget *
xa_window_get_device_page (XaWindow *self)
{
  return GTK_WIDGET (self->device_page);
}

/* The devices file cannot be used: say so where the list is, for good. */
void
xa_window_show_store_error (XaWindow     *self,
                            const GError *error)
{
  gtk_label_set_label (self->store_label, error->message);
  gtk_info_bar_set_revealed (self->store_bar, TRUE);
}
