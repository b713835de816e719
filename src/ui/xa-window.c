/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "xa-a11y.h"
#include "xa-add-device-dialog.h"
#include "xa-device-page.h"
#include "xa-device-row.h"
#include "xa-fleet.h"
#include "xa-mcp-endpoint.h"
#include "xa-mcp-window.h"
#include "xa-open-uri.h"
#include "xa-tab-stop.h"
#include "xa-window-private.h"

G_DEFINE_FINAL_TYPE (XaWindow, xa_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_STORE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static GtkWidget *
create_row (gpointer item,
            gpointer user_data)
{
  return xa_device_row_new (item);
}

/* One session per device, for as long as the window shows it: an
 * activation or a Test goes on while another device is looked at. */
XaDeviceSession *
_xa_window_session_for (XaWindow *self,
                        XaDevice *device)
{
  XaDeviceSession *session = g_hash_table_lookup (self->sessions, xa_device_get_uuid (device));

  if (session == NULL)
    {
      session = xa_device_session_new (self->store, device);
      g_hash_table_insert (self->sessions, g_strdup (xa_device_get_uuid (device)), session);
      xa_device_session_load_async (session, NULL, NULL, NULL);
    }
  return session;
}

static void
drop_session (gpointer data)
{
  XaDeviceSession *session = data;

  xa_device_session_cancel (session);
  g_object_unref (session);
}

/* The header follows the device on show (a rename shows at once). */
static void
update_title (XaWindow *self)
{
  XaDevice *device = xa_device_page_get_device (self->device_page);

  g_binding_group_set_source (self->title_bindings, device);
  if (device == NULL)
    {
      adw_window_title_set_title (self->content_title, "");
      adw_window_title_set_subtitle (self->content_title, NULL);
    }
}

/* The row that shows @device, or NULL (none yet, or filtered out). */
static GtkListBoxRow *
row_for_device (XaWindow *self,
                XaDevice *device)
{
  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->device_list)); row != NULL;
       row = gtk_widget_get_next_sibling (row))
    if (XA_IS_DEVICE_ROW (row) && xa_device_row_get_device (XA_DEVICE_ROW (row)) == device)
      return GTK_LIST_BOX_ROW (row);
  return NULL;
}

static void
row_selected_cb (GtkListBox    *list,
                 GtkListBoxRow *row,
                 XaWindow      *self)
{
  XaDevice *device = row ? xa_device_row_get_device (XA_DEVICE_ROW (row)) : NULL;

  if (device == NULL)
    return;
  /* Shown again at the next start. */
  g_settings_set_string (self->settings, "selected-device", xa_device_get_uuid (device));
  xa_device_page_set_session (self->device_page, _xa_window_session_for (self, device));
  adw_view_stack_set_visible_child_name (self->content_stack, "device");
  update_title (self);
  adw_leaflet_set_visible_child (self->leaflet, self->content);
}

static gboolean
scroll_to_row_cb (GtkWidget     *row,
                  GdkFrameClock *clock,
                  gpointer       user_data)
{
  GtkScrolledWindow *scroller = GTK_SCROLLED_WINDOW (gtk_widget_get_ancestor (row, GTK_TYPE_SCROLLED_WINDOW));
  graphene_rect_t bounds;

  /* In the list's own coordinates: where the row is in what scrolls. A
   * row just made has no place before its first layout: a frame later. */
  if (scroller == NULL || !gtk_widget_compute_bounds (row, gtk_widget_get_parent (row), &bounds))
    return G_SOURCE_REMOVE;
  if (bounds.size.height <= 0)
    return G_SOURCE_CONTINUE;
  gtk_adjustment_clamp_page (gtk_scrolled_window_get_vadjustment (scroller), bounds.origin.y,
                             bounds.origin.y + bounds.size.height);
  return G_SOURCE_REMOVE;
}

/* The selected row in view: a device just added lands at the bottom. Once
 * it has its place, at the next frame. */
static void
scroll_to_row (GtkListBoxRow *row)
{
  gtk_widget_add_tick_callback (GTK_WIDGET (row), scroll_to_row_cb, NULL, NULL);
}

/* At start, the device shown when the window was last used, once the
 * store has it, shown as a click on its row would. */
static void
restore_selection (XaWindow *self)
{
  g_autofree char *uuid = g_settings_get_string (self->settings, "selected-device");
  XaDevice *device = *uuid ? xa_store_find_uuid (self->store, uuid) : NULL;

  self->restored = TRUE;
  if (device != NULL)
    xa_window_select_device (self, device);
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
  g_autoptr(GHashTable) present = g_hash_table_new (g_str_hash, g_str_equal);
  GHashTableIter iter;
  gpointer uuid;

  adw_view_stack_set_visible_child_name (self->sidebar_stack, n > 0 ? "list" : "empty");
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.export-devices", n > 0);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(XaDevice) d = g_list_model_get_item (model, i);
      still_there |= d == shown;
      g_hash_table_add (present, (gpointer) xa_device_get_uuid (d));
    }

  /* Devices removed (here or by xiaozhictl): nothing runs for them any more. */
  g_hash_table_iter_init (&iter, self->sessions);
  while (g_hash_table_iter_next (&iter, &uuid, NULL))
    if (!g_hash_table_contains (present, uuid) &&
        xa_device_session_get_device (g_hash_table_lookup (self->sessions, uuid)) != shown)
      g_hash_table_iter_remove (&iter);

  /* The device on show was removed (here or by xiaozhictl). */
  if (shown != NULL && !still_there)
    {
      g_hash_table_remove (self->sessions, xa_device_get_uuid (shown));
      xa_device_page_set_session (self->device_page, NULL);
      adw_view_stack_set_visible_child_name (self->content_stack, "none");
      update_title (self);
      adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
    }
  else if (shown != NULL)
    {
      /* Keep the row of the device on show selected. */
      gtk_list_box_select_row (self->device_list, row_for_device (self, shown));
      update_title (self);
    }
  else if (!self->restored && n > 0)
    restore_selection (self);
}

static void
device_added_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(XaWindow) self = user_data;
  g_autoptr(XaDeviceSession) session = NULL;
  gboolean has_token = FALSE;
  XaDevice *device;

  session = xa_add_device_dialog_run_finish (XA_ADD_DEVICE_DIALOG (object), result, &has_token, NULL);
  if (session == NULL)
    return;

  device = xa_device_session_get_device (session);
  g_hash_table_replace (self->sessions, g_strdup (xa_device_get_uuid (device)), g_object_ref (session));
  xa_window_select_device (self, device);
  /* What the user came for: the verdict of the token, or the code. */
  gtk_widget_activate_action (GTK_WIDGET (self->device_page), has_token ? "device.test" : "device.activate", NULL);
}

static void
add_device_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  XaWindow *self = XA_WINDOW (widget);
  XaAddDeviceDialog *dialog = xa_add_device_dialog_new (GTK_WINDOW (self), self->store);

  xa_add_device_dialog_run_async (dialog, NULL, device_added_cb, g_object_ref (self));
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

/* ---- all devices at once ------------------------------------------------------ */

static XaDeviceSession *
fleet_session_for (XaDevice *device,
                   gpointer  user_data)
{
  return _xa_window_session_for (user_data, device);
}

static void
update_test_all (XaWindow *self)
{
  gboolean testing = xa_fleet_get_testing (self->fleet);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.test-all",
                                 !testing && g_list_model_get_n_items (G_LIST_MODEL (self->store)) > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.cancel-test-all", testing);
}

/* Test All as it goes: the bar counts, and each row waiting for its new
 * verdict is dimmed, so an old verdict is never taken for the new one. */
static void
update_progress (XaWindow *self)
{
  guint done = xa_fleet_get_done (self->fleet), total = xa_fleet_get_total (self->fleet);
  gboolean shown = xa_fleet_get_testing (self->fleet) && !xa_fleet_get_in_background (self->fleet) && total > 0;

  gtk_revealer_set_reveal_child (self->progress_revealer, shown);
  if (shown)
    {
      /* Translators: progress of Test All; the first %u is how many devices are done, the second how many in all */
      g_autofree char *text = g_strdup_printf (_("%u of %u tested"), done, total);

      gtk_progress_bar_set_fraction (self->test_all_progress, (double) done / total);
      gtk_progress_bar_set_text (self->test_all_progress, text);
    }
  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->device_list)); row != NULL;
       row = gtk_widget_get_next_sibling (row))
    if (XA_IS_DEVICE_ROW (row))
      gtk_widget_set_opacity (row, xa_fleet_is_pending (self->fleet, xa_device_row_get_device (XA_DEVICE_ROW (row)))
                                     ? 0.5 : 1.0);
}

/* The list, narrowed to the devices that need attention while asked. */
static gboolean
filter_device (gpointer item,
               gpointer user_data)
{
  XaWindow *self = user_data;

  return !gtk_toggle_button_get_active (self->attention_toggle) || !xa_fleet_device_works (item);
}

static void
attention_toggled_cb (XaWindow *self)
{
  XaDevice *shown = xa_device_page_get_device (self->device_page);

  gtk_filter_changed (GTK_FILTER (self->attention_filter), GTK_FILTER_CHANGE_DIFFERENT);
  if (shown != NULL)
    gtk_list_box_select_row (self->device_list, row_for_device (self, shown));
}

static void
update_summary (XaWindow *self)
{
  const char *summary = xa_fleet_get_summary (self->fleet);
  gboolean some_need_attention = FALSE;
  GListModel *model = G_LIST_MODEL (self->store);

  for (guint i = 0; summary != NULL && i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(XaDevice) device = g_list_model_get_item (model, i);
      some_need_attention |= !xa_fleet_device_works (device);
    }
  gtk_label_set_label (self->summary_label, summary ? summary : "");
  gtk_revealer_set_reveal_child (self->summary_revealer, summary != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->attention_toggle), some_need_attention);
  if (summary == NULL || !some_need_attention)
    gtk_toggle_button_set_active (self->attention_toggle, FALSE);
}

static void
mcp_store_loaded_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(XaWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (xa_store_finish (XA_STORE (source), result, &error) || self->mcp_window == NULL)
    return;
  /* A file that cannot be read stays untouched, and says so. */
  {
    GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self->mcp_window), _("MCP Endpoints Unavailable"),
                                                error->message);
    adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
    gtk_window_present (GTK_WINDOW (dialog));
  }
}

static void
mcp_window_destroyed_cb (XaWindow *self)
{
  self->mcp_window = NULL;
}

/* The MCP Endpoints window: one per main window, its file read when it
 * is first asked for (beside the devices file), kept in sync after. */
static void
mcp_endpoints_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  XaWindow *self = XA_WINDOW (widget);

  if (self->mcp_store == NULL)
    {
      g_autofree char *dir = g_path_get_dirname (xa_store_get_path (self->store));
      g_autofree char *path = g_build_filename (dir, xa_mcp_endpoint_kind.file_name, NULL);

      self->mcp_store = xa_store_new (&xa_mcp_endpoint_kind, path);
      xa_store_load_async (self->mcp_store, self->cancellable, mcp_store_loaded_cb, g_object_ref (self));
    }
  if (self->mcp_window == NULL)
    {
      self->mcp_window = xa_mcp_window_new (GTK_WINDOW (self), self->mcp_store);
      g_signal_connect_object (self->mcp_window, "destroy", G_CALLBACK (mcp_window_destroyed_cb), self,
                               G_CONNECT_SWAPPED);
    }
  gtk_window_present (GTK_WINDOW (self->mcp_window));
}

static void
test_all_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  xa_fleet_test_all (XA_WINDOW (widget)->fleet, FALSE);
}

static void
cancel_test_all_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  xa_fleet_cancel_test_all (XA_WINDOW (widget)->fleet);
}

static void
dismiss_summary_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  xa_fleet_dismiss_summary (XA_WINDOW (widget)->fleet);
}

/* Old tokens are refreshed a little after start-up, not before the first
 * frame (and then by the health check). */
static gboolean
first_refresh_cb (gpointer user_data)
{
  XaWindow *self = user_data;

  self->first_refresh_id = 0;
  xa_fleet_refresh_old_tokens (self->fleet);
  return G_SOURCE_REMOVE;
}

static void
xa_window_constructed (GObject *object)
{
  XaWindow *self = XA_WINDOW (object);

  G_OBJECT_CLASS (xa_window_parent_class)->constructed (object);

  self->fleet = xa_fleet_new (self->store, self->toast_overlay, fleet_session_for, self);
  g_signal_connect_object (self->fleet, "notify::testing", G_CALLBACK (update_test_all), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->fleet, "notify::testing", G_CALLBACK (update_progress), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->fleet, "notify::done", G_CALLBACK (update_progress), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->fleet, "notify::summary", G_CALLBACK (update_summary), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->store, "items-changed", G_CALLBACK (update_test_all), self, G_CONNECT_SWAPPED);
  update_test_all (self);
  self->first_refresh_id = g_timeout_add_seconds (5, first_refresh_cb, self);

  self->attention_filter = gtk_custom_filter_new (filter_device, self, NULL);
  {
    g_autoptr(GtkFilterListModel) shown = gtk_filter_list_model_new (g_object_ref (G_LIST_MODEL (self->store)),
                                                                    g_object_ref (GTK_FILTER (self->attention_filter)));
    gtk_list_box_bind_model (self->device_list, G_LIST_MODEL (shown), create_row, NULL, NULL);
  }
  g_signal_connect_object (self->store, "items-changed", G_CALLBACK (items_changed_cb), self, 0);
  items_changed_cb (G_LIST_MODEL (self->store), 0, 0, 0, self);
}

static void
xa_window_dispose (GObject *object)
{
  XaWindow *self = XA_WINDOW (object);

  if (self->device_list != NULL)
    gtk_list_box_bind_model (self->device_list, NULL, NULL, NULL, NULL);
  g_clear_object (&self->attention_filter);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->title_bindings != NULL)
    g_binding_group_set_source (self->title_bindings, NULL);
  g_clear_object (&self->title_bindings);
  gtk_widget_dispose_template (GTK_WIDGET (self), XA_TYPE_WINDOW);
  g_clear_handle_id (&self->first_refresh_id, g_source_remove);
  if (self->fleet != NULL)
    xa_fleet_shutdown (self->fleet);
  g_clear_object (&self->fleet);
  g_clear_pointer (&self->sessions, g_hash_table_unref);
  if (self->mcp_window != NULL)
    gtk_window_destroy (GTK_WINDOW (self->mcp_window));
  g_clear_object (&self->mcp_store);
  g_clear_object (&self->store);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (xa_window_parent_class)->dispose (object);
}

/* The shortcuts window exists only while it is shown. Kept hidden (as
 * GtkApplicationWindow does with gtk/help-overlay.ui), its never-realized
 * GtkStacks are still in the accessible tree, and GTK 4.8 crashes when a
 * screen reader asks for their pages. */
/* GTK 4.8's shortcuts window is wider than 360 px (#20): its search entry
 * asks ~380 px and its shortcuts' titles never wrap (in German they are
 * long). Both are told otherwise here; style.css narrows its margins. */
static void
narrow_shortcuts (GtkWidget *widget)
{
  if (GTK_IS_SEARCH_ENTRY (widget))
    {
      gtk_editable_set_width_chars (GTK_EDITABLE (widget), 12);
      gtk_accessible_update_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Search"), -1);
    }
  /* Its header's icon buttons have no names of their own (#20). */
  else if (GTK_IS_TOGGLE_BUTTON (widget) && gtk_widget_get_ancestor (widget, GTK_TYPE_HEADER_BAR) != NULL &&
           !GTK_IS_MENU_BUTTON (gtk_widget_get_parent (widget)))
    gtk_accessible_update_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Search"), -1);
  else if (GTK_IS_MENU_BUTTON (widget))
    gtk_accessible_update_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Sections"), -1);
  else if (GTK_IS_LABEL (widget) && gtk_widget_get_ancestor (widget, GTK_TYPE_SHORTCUTS_SHORTCUT) != NULL)
    {
      gtk_label_set_wrap (GTK_LABEL (widget), TRUE);
      gtk_label_set_max_width_chars (GTK_LABEL (widget), 20);
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL; child = gtk_widget_get_next_sibling (child))
    narrow_shortcuts (child);
}

static void
show_shortcuts_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  g_autoptr(GtkBuilder) builder =
    gtk_builder_new_from_resource ("/io/github/xiaozhi_activator/Activator/xa-shortcuts-window.ui");
  GtkWindow *shortcuts = GTK_WINDOW (gtk_builder_get_object (builder, "help_overlay"));

  narrow_shortcuts (GTK_WIDGET (shortcuts));
  /* Else a screen reader hears "GtkShortcutsWindow". */
  gtk_window_set_title (shortcuts, _("Keyboard Shortcuts"));
  gtk_window_set_transient_for (shortcuts, GTK_WINDOW (widget));
  gtk_window_set_modal (shortcuts, TRUE);
  gtk_window_set_hide_on_close (shortcuts, FALSE);
  gtk_window_present (shortcuts);
}

/* The user help (help/), by its page: F1 and the main menu open its
 * start; without a help viewer the address is shown to copy. */
static void
help_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  g_autofree char *uri = NULL;

  /* "win.help-page" names a page (help/C/PAGE.page). */
  if (parameter != NULL)
    uri = g_strdup_printf ("help:%s/%s", APP_ID, g_variant_get_string (parameter, NULL));
  xa_open_uri (widget, uri ? uri : "help:" APP_ID);
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
    g_param_spec_object ("store", NULL, NULL, XA_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (XA_TYPE_DEVICE_PAGE);
  g_type_ensure (XA_TYPE_TAB_STOP);
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
  gtk_widget_class_bind_template_child (widget_class, XaWindow, progress_revealer);
  gtk_widget_class_bind_template_child (widget_class, XaWindow, test_all_progress);
  gtk_widget_class_bind_template_child (widget_class, XaWindow, summary_revealer);
  gtk_widget_class_bind_template_child (widget_class, XaWindow, summary_label);
  gtk_widget_class_bind_template_child (widget_class, XaWindow, attention_toggle);
  gtk_widget_class_bind_template_child (widget_class, XaWindow, content_title);
  gtk_widget_class_bind_template_child (widget_class, XaWindow, content_stack);
  gtk_widget_class_bind_template_child (widget_class, XaWindow, device_page);
  gtk_widget_class_bind_template_callback (widget_class, row_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, attention_toggled_cb);

  gtk_widget_class_install_action (widget_class, "win.add-device", NULL, add_device_action);
  gtk_widget_class_install_action (widget_class, "win.show-help-overlay", NULL, show_shortcuts_action);
  gtk_widget_class_install_action (widget_class, "win.help", NULL, help_action);
  gtk_widget_class_install_action (widget_class, "win.help-page", "s", help_action);
  gtk_widget_class_install_action (widget_class, "win.back", NULL, back_action);
  gtk_widget_class_install_action (widget_class, "win.test", NULL, forward_action);
  gtk_widget_class_install_action (widget_class, "win.activate", NULL, forward_action);
  gtk_widget_class_install_action (widget_class, "win.remove", NULL, forward_action);
  gtk_widget_class_install_action (widget_class, "win.test-all", NULL, test_all_action);
  gtk_widget_class_install_action (widget_class, "win.mcp-endpoints", NULL, mcp_endpoints_action);
  gtk_widget_class_install_action (widget_class, "win.cancel-test-all", NULL, cancel_test_all_action);
  gtk_widget_class_install_action (widget_class, "win.dismiss-summary", NULL, dismiss_summary_action);
  _xa_window_class_init_csv (widget_class);

  gtk_widget_class_add_shortcut (widget_class,
                                 gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_question, GDK_CONTROL_MASK),
                                                   gtk_named_action_new ("win.show-help-overlay")));
  gtk_widget_class_add_shortcut (widget_class,
                                 gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_F1, 0),
                                                   gtk_named_action_new ("win.help")));
  gtk_widget_class_add_shortcut (widget_class,
                                 gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_n, GDK_CONTROL_MASK),
                                                   gtk_named_action_new ("win.add-device")));
  gtk_widget_class_add_shortcut (widget_class,
                                 gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_t, GDK_CONTROL_MASK),
                                                   gtk_named_action_new ("win.test")));
  gtk_widget_class_add_shortcut (widget_class,
                                 gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_t, GDK_CONTROL_MASK | GDK_SHIFT_MASK),
                                                   gtk_named_action_new ("win.test-all")));
  gtk_widget_class_add_shortcut (widget_class,
                                 gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_m, GDK_CONTROL_MASK),
                                                   gtk_named_action_new ("win.mcp-endpoints")));
  gtk_widget_class_add_shortcut (widget_class,
                                 gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_Delete, GDK_CONTROL_MASK),
                                                   gtk_named_action_new ("win.remove")));
}

static void
xa_window_init (XaWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  xa_a11y_fix_names (GTK_WIDGET (self));
  xa_a11y_hide_other_pages (self->sidebar_stack);
  xa_a11y_hide_other_pages (self->content_stack);
#if DEVELOPMENT
  /* libadwaita's striped header bar: this is not the released app. */
  gtk_widget_add_css_class (GTK_WIDGET (self), "devel");
#endif
  self->sessions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, drop_session);
  self->cancellable = g_cancellable_new ();
  self->title_bindings = g_binding_group_new ();
  g_binding_group_bind (self->title_bindings, "name", self->content_title, "title", G_BINDING_SYNC_CREATE);
  g_binding_group_bind (self->title_bindings, "device-id", self->content_title, "subtitle", G_BINDING_SYNC_CREATE);

  /* The window comes back at the size it was left. */
  self->settings = g_settings_new (APP_ID);
  g_settings_bind (self->settings, "window-width", self, "default-width", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "window-height", self, "default-height", G_SETTINGS_BIND_DEFAULT);
}

XaWindow *
xa_window_new (AdwApplication *application,
               XaStore  *store)
{
  return g_object_new (XA_TYPE_WINDOW, "application", application, "store", store, NULL);
}

void
xa_window_select_device (XaWindow *self,
                         XaDevice *device)
{
  GtkListBoxRow *row = row_for_device (self, device);

  /* Narrowed to the devices that need attention: all are shown again. */
  if (row == NULL && gtk_toggle_button_get_active (self->attention_toggle))
    {
      gtk_toggle_button_set_active (self->attention_toggle, FALSE);
      row = row_for_device (self, device);
    }
  if (row == NULL)
    return;
  gtk_list_box_select_row (self->device_list, row);
  row_selected_cb (self->device_list, row, self);
  scroll_to_row (row);
}

/* Shows the device with @uuid (a notification's action); FALSE when there
 * is none. */
gboolean
xa_window_show_device (XaWindow   *self,
                       const char *uuid)
{
  XaDevice *device = xa_store_find_uuid (self->store, uuid);

  if (device == NULL)
    return FALSE;
  xa_window_select_device (self, device);
  gtk_window_present (GTK_WINDOW (self));
  return TRUE;
}

XaFleet *
xa_window_get_fleet (XaWindow *self)
{
  return self->fleet;
}

XaStore *
xa_window_get_store (XaWindow *self)
{
  return self->store;
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
