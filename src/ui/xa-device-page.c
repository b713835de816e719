/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "xa-a11y.h"
#include "xa-device-page-private.h"
#include "xa-device-state.h"
#include "xa-identity.h"
#include "xa-token-store.h"
#include "xa-token.h"

/* One device as its XaDeviceSession says it is: verdict, token, identity,
 * server, keyring trouble, and the activation while one runs. What to do
 * with it is in xa-device-page-actions.c; what is true about it is decided
 * by the session. */

G_DEFINE_FINAL_TYPE (XaDevicePage, xa_device_page, GTK_TYPE_WIDGET)

enum { IDENTITY, SERVER, MQTT };

/* The rows of the Identity, Server and MQTT groups. */
static const struct
{
  const char *property;
  const char *title;
  int         group;
  gboolean    editable;
} fields[] = {
  { "name", N_("Name"), IDENTITY, TRUE },
  { "device-id", N_("Device-Id"), IDENTITY, FALSE },
  { "client-id", N_("Client-Id"), IDENTITY, FALSE },
  { "serial-number", N_("Serial number"), IDENTITY, FALSE },
  /* What it reports in its OTA checks: the manager shows them as its own. */
  { "board-type", N_("Board type"), IDENTITY, TRUE },
  { "app-version", N_("App version"), IDENTITY, TRUE },
  { "ota-url", N_("OTA address"), SERVER, FALSE },
  /* A self-hosted console often lives elsewhere than the OTA server. */
  { "panel-url", N_("Control panel"), SERVER, TRUE },
  { "websocket-url", N_("WebSocket URL"), SERVER, FALSE },
  /* The password follows the user, in a row of its own (masked). */
  { "mqtt-endpoint", N_("Broker"), MQTT, FALSE },
  { "mqtt-client-id", N_("MQTT client id"), MQTT, FALSE },
  { "mqtt-username", N_("User"), MQTT, FALSE },
  { "mqtt-publish-topic", N_("Publish topic"), MQTT, FALSE },
  { "mqtt-subscribe-topic", N_("Subscribe topic"), MQTT, FALSE },
};

static XaDevice *
device_of (XaDevicePage *self)
{
  return self->session ? xa_device_session_get_device (self->session) : NULL;
}

/* ---- what is shown ---------------------------------------------------------- */

static void
update_token_row (XaDevicePage *self)
{
  const char *token = self->session ? xa_device_session_get_token (self->session) : NULL;
  XaDevice *device = device_of (self);
  gboolean revealed = gtk_toggle_button_get_active (self->reveal_button);

  if (token != NULL && revealed)
    adw_action_row_set_subtitle (self->token_row, *token ? token : _("Empty: the server does not check tokens"));
  else if (token != NULL)
    {
      g_autofree char *masked = xa_token_mask (token);
      gint64 issued, expires;

      if (xa_token_get_dates (token, &issued, &expires))
        {
          g_autoptr(GDateTime) when = g_date_time_new_from_unix_local (expires);
          /* Translators: a date, see g_date_time_format() */
          g_autofree char *date = g_date_time_format (when, _("%Y-%m-%d"));
          /* Translators: the masked token, then the date it expires if the
           * server keeps its default token lifetime */
          g_autofree char *dated = g_strdup_printf (_("%s · expires about %s (default lifetime)"), masked, date);
          adw_action_row_set_subtitle (self->token_row, dated);
        }
      else
        adw_action_row_set_subtitle (self->token_row, *masked ? masked : _("Empty: the server does not check tokens"));
    }
  else if (device != NULL && xa_device_get_token_unsaved (device))
    adw_action_row_set_subtitle (self->token_row, _("Not saved: refresh the token to fetch it again"));
  else
    adw_action_row_set_subtitle (self->token_row, _("None yet: activate the device to get one"));

  gtk_widget_set_tooltip_text (GTK_WIDGET (self->reveal_button), revealed ? _("Hide the token") : _("Show the token"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->reveal_button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  revealed ? _("Hide the token") : _("Show the token"), -1);
}

/* The device's state as core describes it; while a Test runs, what is
 * shown is the past: it says so, dimmed (a token the keyring did not keep
 * stays the first thing said). */
static void
update_verdict (XaDevicePage *self)
{
  XaDevice *device = device_of (self);
  g_autoptr(XaDeviceState) state = NULL;
  g_autofree char *details = NULL;
  gboolean testing = self->session != NULL && xa_device_session_get_testing (self->session);
  g_autoptr(XaReport) last = NULL;

  for (const char * const *c = (const char *[]) { "verdict-valid", "verdict-bad", "verdict-warn", NULL }; *c; c++)
    gtk_widget_remove_css_class (GTK_WIDGET (self->verdict_icon), *c);
  if (device == NULL)
    return;

  state = xa_device_state_new (device, g_get_real_time () / G_USEC_PER_SEC);
  if (xa_device_get_last_verdict (device) != NULL)
    {
      /* In today's language, unless an older version wrote only its words. */
      if ((last = xa_device_dup_last_report (device)) != NULL)
        details = xa_report_format_details (last);
      else
        g_object_get (device, "last-details", &details, NULL);
    }
  testing = testing && !xa_device_get_token_unsaved (device);

  gtk_label_set_label (self->verdict_title, testing ? _("Testing…") : state->title);
  gtk_label_set_label (self->verdict_advice, state->advice ? state->advice : "");
  /* Selectable for copying, but not shown selected on arrival. */
  gtk_label_select_region (self->verdict_advice, 0, 0);
  gtk_label_set_label (self->prompt_code_label, state->prompt_code ? state->prompt_code : "");
  gtk_widget_set_visible (self->prompt_code_box, state->prompt_code != NULL);
  gtk_widget_set_visible (self->prompt_panel_button, xa_device_get_panel_url (device) != NULL);
  if (testing)
    g_clear_pointer (&details, g_free);
  gtk_widget_set_opacity (GTK_WIDGET (self->verdict_icon), testing ? 0.45 : 1.0);
  gtk_widget_set_opacity (GTK_WIDGET (self->verdict_advice), testing ? 0.45 : 1.0);

  gtk_label_set_label (self->mqtt_verdict_label, state->other_road ? state->other_road : "");
  gtk_widget_set_visible (GTK_WIDGET (self->mqtt_verdict_label), state->other_road != NULL);
  gtk_widget_set_opacity (GTK_WIDGET (self->mqtt_verdict_label), testing ? 0.45 : 1.0);

  gtk_image_set_from_icon_name (self->verdict_icon, state->icon_name);
  if (state->severity != NULL)
    {
      g_autofree char *css = g_strconcat ("verdict-", state->severity, NULL);
      gtk_widget_add_css_class (GTK_WIDGET (self->verdict_icon), css);
    }
  gtk_label_set_label (self->details_label, details ? details : "");
  gtk_widget_set_visible (GTK_WIDGET (self->details_box), details != NULL && *details);
  gtk_widget_set_visible (self->diagnose_button, !testing && state->wants_diagnosis);
  gtk_widget_set_visible (self->activate_button, state->wants_activation);
}

/* A device the server sends to MQTT has no token and no WebSocket: those
 * rows would only say "none yet" of what it will never get. */
static gboolean
over_mqtt_only (XaDevice *device)
{
  return device != NULL && g_strcmp0 (xa_device_get_transport (device), "mqtt") == 0;
}

static void
update_mqtt_password_row (XaDevicePage *self)
{
  const char *password = self->session ? xa_device_session_get_mqtt_password (self->session) : NULL;
  gboolean revealed = gtk_toggle_button_get_active (self->mqtt_reveal_button);
  g_autofree char *masked = xa_token_mask (password);
  const char *tip = revealed ? _("Hide the password") : _("Show the password");

  adw_action_row_set_subtitle (self->mqtt_password_row,
                               password == NULL ? _("None: the server gave no password") : revealed ? password : masked);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->mqtt_reveal_button), tip);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->mqtt_reveal_button), GTK_ACCESSIBLE_PROPERTY_LABEL, tip, -1);
}

static void
update_fields (XaDevicePage *self)
{
  XaDevice *device = device_of (self);

  gtk_widget_set_visible (GTK_WIDGET (self->mqtt_group), device != NULL && xa_device_get_mqtt_endpoint (device) != NULL);
  gtk_widget_set_visible (self->token_group, !over_mqtt_only (device));
  update_mqtt_password_row (self);
  for (guint i = 0; i < self->field_rows->len; i++)
    {
      g_autofree char *value = NULL;

      if (g_str_equal (fields[i].property, "websocket-url"))
        gtk_widget_set_visible (g_ptr_array_index (self->field_rows, i), !over_mqtt_only (device));

      if (device != NULL)
        g_object_get (device, fields[i].property, &value, NULL);
      if ((value == NULL || *value == '\0') && g_str_equal (fields[i].property, "board-type"))
        /* Translators: %s is a value used when the device has none of its own */
        value = g_strdup_printf (_("%s (py-xiaozhi’s)"), XA_DEFAULT_BOARD_TYPE);
      else if ((value == NULL || *value == '\0') && g_str_equal (fields[i].property, "app-version"))
        value = g_strdup_printf (_("%s (py-xiaozhi’s)"), XA_DEFAULT_APP_VERSION);
      adw_action_row_set_subtitle (g_ptr_array_index (self->field_rows, i),
                                   value && *value ? value : _("Not known yet"));
    }
}

static void
update_keyring_bar (XaDevicePage *self)
{
  const GError *error = self->session ? xa_device_session_get_keyring_error (self->session) : NULL;
  XaDevice *device = device_of (self);
  g_autofree char *text = NULL;

  if (error == NULL)
    {
      gtk_info_bar_set_revealed (self->keyring_bar, FALSE);
      return;
    }

  if (xa_device_get_token_unsaved (device) && xa_device_session_get_token (self->session) != NULL)
    text = g_strdup_printf (_("%s The token is kept until you close the app: copy or export it now, "
                              "or try again once the keyring works."),
                            error->message);
  else
    text = g_strdup (error->message);
  gtk_label_set_label (self->keyring_label, text);
  /* What the keyring itself said, for whoever looks closer. */
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->keyring_label), xa_keyring_error_get_details (error));
  gtk_info_bar_set_revealed (self->keyring_bar, TRUE);
}

/* The device's last Tests and refreshes, newest first, in an expander that
 * says the newest. Rebuilt only when the history changed. */
static void
update_history (XaDevicePage *self)
{
  XaDevice *device = device_of (self);
  JsonNode *history = NULL;
  g_autoptr(GArray) entries = NULL;

  if (device != NULL)
    g_object_get (device, "history", &history, NULL);
  if (history == self->history_shown ||
      (history && self->history_shown && json_node_equal (history, self->history_shown)))
    {
      g_clear_pointer (&history, json_node_unref);
      return;
    }
  g_clear_pointer (&self->history_shown, json_node_unref);
  self->history_shown = history;

  for (guint i = 0; i < self->history_rows->len; i++)
    adw_expander_row_remove (self->history_row, g_ptr_array_index (self->history_rows, i));
  g_ptr_array_set_size (self->history_rows, 0);

  entries = device ? xa_device_dup_history (device) : g_array_new (FALSE, TRUE, sizeof (XaHistoryEntry));
  gtk_widget_set_visible (GTK_WIDGET (self->history_group), entries->len > 0);
  for (guint i = entries->len; i > 0; i--)
    {
      const XaHistoryEntry *entry = &g_array_index (entries, XaHistoryEntry, i - 1);
      g_autofree char *when = xa_history_entry_format (entry);
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *icon = gtk_image_new_from_icon_name (entry->token_refreshed ? "view-refresh-symbolic"
                                                                             : xa_verdict_get_icon_name (entry->verdict));

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), xa_history_entry_get_title (entry));
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), when);
      gtk_accessible_update_state (GTK_ACCESSIBLE (icon), GTK_ACCESSIBLE_STATE_HIDDEN, TRUE, -1);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
      adw_expander_row_add_row (self->history_row, row);
      g_ptr_array_add (self->history_rows, row);
      if (i == entries->len)
        {
          /* Translators: the newest line of a device's history, e.g. "Token is valid, 2026-11-26 07:19 · WebSocket · 5 ms" */
          g_autofree char *newest = g_strdup_printf (_("Last: %s, %s"), xa_history_entry_get_title (entry), when);
          adw_expander_row_set_subtitle (self->history_row, newest);
        }
    }
}

static void direct_toggled_cb (XaDevicePage *self);

/* Connect Directly, as the device is set. */
static void
update_direct (XaDevicePage *self)
{
  XaDevice *device = device_of (self);

  g_signal_handlers_block_by_func (self->direct_switch, direct_toggled_cb, self);
  gtk_switch_set_active (self->direct_switch, device != NULL && xa_device_get_connects_directly (device));
  g_signal_handlers_unblock_by_func (self->direct_switch, direct_toggled_cb, self);
}

static void
direct_saved_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(XaDevicePage) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!xa_device_session_edit_finish (XA_DEVICE_SESSION (object), result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    _xa_device_page_toast (self, error->message);
  update_direct (self);
}

static void
direct_toggled_cb (XaDevicePage *self)
{
  if (self->session == NULL)
    return;
  xa_device_session_edit_async (self->session, "connection", gtk_switch_get_active (self->direct_switch) ? "direct" : "",
                                self->cancellable, direct_saved_cb, g_object_ref (self));
}

/* The server is reached through this computer's proxy, or not. */
static void
add_direct_row (XaDevicePage *self)
{
  AdwActionRow *row = ADW_ACTION_ROW (adw_action_row_new ());

  self->direct_switch = GTK_SWITCH (gtk_switch_new ());
  gtk_widget_set_valign (GTK_WIDGET (self->direct_switch), GTK_ALIGN_CENTER);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Connect Directly"));
  adw_action_row_set_subtitle (row, _("Reach the server without this computer’s proxy, as boards do: for a server on "
                                      "your own network"));
  adw_action_row_add_suffix (row, GTK_WIDGET (self->direct_switch));
  /* The row names the switch for screen readers (labelled-by its title). */
  adw_action_row_set_activatable_widget (row, GTK_WIDGET (self->direct_switch));
  g_signal_connect_swapped (self->direct_switch, "notify::active", G_CALLBACK (direct_toggled_cb), self);
  adw_preferences_group_add (self->server_group, GTK_WIDGET (row));
}

static void
update_all (XaDevicePage *self)
{
  update_fields (self);
  update_direct (self);
  update_history (self);
  update_verdict (self);
  update_token_row (self);
  update_keyring_bar (self);
  _xa_device_page_update_actions (self);
}

static void
follow_activation (XaDevicePage *self)
{
  XaActivation *activation = self->session ? xa_device_session_get_activation (self->session) : NULL;

  _xa_device_page_update_actions (self);
  if (activation == NULL)
    return;
  xa_activation_view_follow (self->activation_view, activation, device_of (self));
  adw_view_stack_set_visible_child_name (self->stack, "activation");
}

static void
device_changed_cb (XaDevicePage *self)
{
  g_signal_group_set_target (self->device_signals, device_of (self));
  update_all (self);
}

static void
store_error_cb (XaDevicePage *self,
                const GError *error)
{
  _xa_device_page_toast (self, error->message);
}

/* ---- object ------------------------------------------------------------------------ */

/* The window closes: what the page started ends (a token the server
 * issued is still kept: the session does not cancel that). */
static void
xa_device_page_unroot (GtkWidget *widget)
{
  XaDevicePage *self = XA_DEVICE_PAGE (widget);

  g_cancellable_cancel (self->cancellable);
  g_set_object (&self->cancellable, g_cancellable_new ());
  GTK_WIDGET_CLASS (xa_device_page_parent_class)->unroot (widget);
}

static void
xa_device_page_dispose (GObject *object)
{
  XaDevicePage *self = XA_DEVICE_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  if (self->session_signals != NULL)
    g_signal_group_set_target (self->session_signals, NULL);
  if (self->device_signals != NULL)
    g_signal_group_set_target (self->device_signals, NULL);
  g_clear_object (&self->session_signals);
  g_clear_object (&self->device_signals);
  g_clear_object (&self->session);
  g_clear_object (&self->settings);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->history_shown, json_node_unref);
  g_clear_pointer (&self->history_rows, g_ptr_array_unref);
  g_clear_pointer (&self->field_rows, g_ptr_array_unref);
  gtk_widget_dispose_template (GTK_WIDGET (self), XA_TYPE_DEVICE_PAGE);

  G_OBJECT_CLASS (xa_device_page_parent_class)->dispose (object);
}

/* The Details toggle tells a screen reader what it shows, as an expander would. */
static void
on_details_toggled (XaDevicePage *self)
{
  gboolean open = gtk_toggle_button_get_active (self->details_button);

  gtk_image_set_from_icon_name (self->details_arrow, open ? "pan-down-symbolic" : "pan-end-symbolic");
  gtk_accessible_update_state (GTK_ACCESSIBLE (self->details_button), GTK_ACCESSIBLE_STATE_EXPANDED, open, -1);
}

static void
xa_device_page_class_init (XaDevicePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = xa_device_page_dispose;
  widget_class->unroot = xa_device_page_unroot;

  g_type_ensure (XA_TYPE_ACTIVATION_VIEW);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/xiaozhi_activator/Activator/xa-device-page.ui");
  gtk_widget_class_bind_template_child (widget_class, XaDevicePage, stack);
  gtk_widget_class_bind_template_child (widget_class, XaDevicePage, overview_scroller);
  gtk_widget_class_bind_template_child (widget_class, XaDevicePage, keyring_bar);
  gtk_widget_class_bind_template_child (widget_class, XaDevicePage, keyring_label);
  gtk_widget_class_bind_template_child (widget_class, XaDevicePage, retry_button);
  gtk_widget_class_bind_template_child (widget_class, XaDevicePage, verdict_icon);
  gtk_widget_class_bind_template_child (widget_class, XaDevicePage, verdict_title);
  gtk_widget_class_bind_template_child (widget_class, XaDevicePage, verdict_advice);
  gtk_widget_class_bind_template_child (widget_class, XaDevicePage, prompt_code_box);
  gtk_widget_class_bind_template_child (widget_class, XaDevicePage, prompt_code_label);
  gtk_widget_class_bind_template_child (widget_class, XaDevicePage, prompt_panel_button);
  gtk_widget_class_bind_template_child (widget_class, XaDevicePage, mqtt_verdict_label);
  gtk_widget_class_bind_template_child (widget_class, XaDevicePage, details_box);
  gtk_widget_class_bind_template_child (widget_class, XaDevicePage, token_group);
  gtk_widget_class_bind_template_child (widget_class, XaDevicePage, mqtt_group);
  gtk_widget_class_bind_template_child (widget_class, XaDevicePage, details_button);
  gtk_widget_class_bind_template_child (widget_class, XaDevicePage, details_arrow);
  gtk_widget_class_bind_template_child (widget_class, XaDevicePage, details_label);
  gtk_widget_class_bind_template_child (widget_class, XaDevicePage, activate_button);
  gtk_widget_class_bind_template_child (widget_class, XaDevicePage, test_spinner);
  gtk_widget_class_bind_template_child (widget_class, XaDevicePage, test_button);
  gtk_widget_class_bind_template_child (widget_class, XaDevicePage, token_row);
  gtk_widget_class_bind_template_child (widget_class, XaDevicePage, reveal_button);
  gtk_widget_class_bind_template_child (widget_class, XaDevicePage, identity_group);
  gtk_widget_class_bind_template_child (widget_class, XaDevicePage, server_group);
  gtk_widget_class_bind_template_child (widget_class, XaDevicePage, history_group);
  gtk_widget_class_bind_template_child (widget_class, XaDevicePage, diagnose_button);
  gtk_widget_class_bind_template_child (widget_class, XaDevicePage, history_row);
  gtk_widget_class_bind_template_child (widget_class, XaDevicePage, verdict_help_button);
  gtk_widget_class_bind_template_child (widget_class, XaDevicePage, activation_view);

  gtk_widget_class_bind_template_callback (widget_class, on_details_toggled);

  _xa_device_page_class_actions_init (widget_class);
}

static GtkWidget *
flat_button (const char *icon,
             const char *tooltip,
             const char *action,
             const char *target)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_tooltip_text (button, tooltip);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, tooltip, -1);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action);
  if (target != NULL)
    gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", target);
  return button;
}

/* The MQTT password, masked like the token until revealed. */
static void
add_mqtt_password_row (XaDevicePage *self)
{
  self->mqtt_password_row = ADW_ACTION_ROW (adw_action_row_new ());
  self->mqtt_reveal_button = GTK_TOGGLE_BUTTON (gtk_toggle_button_new ());
  gtk_button_set_icon_name (GTK_BUTTON (self->mqtt_reveal_button), "view-reveal-symbolic");
  gtk_widget_set_valign (GTK_WIDGET (self->mqtt_reveal_button), GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (GTK_WIDGET (self->mqtt_reveal_button), "flat");
  g_signal_connect_swapped (self->mqtt_reveal_button, "toggled", G_CALLBACK (update_mqtt_password_row), self);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->mqtt_password_row), _("Password"));
  gtk_widget_add_css_class (GTK_WIDGET (self->mqtt_password_row), "property");
  adw_action_row_add_suffix (self->mqtt_password_row, GTK_WIDGET (self->mqtt_reveal_button));
  adw_action_row_add_suffix (self->mqtt_password_row,
                             flat_button ("edit-copy-symbolic", _("Copy the password"), "device.copy-mqtt-password", NULL));
  adw_preferences_group_add (self->mqtt_group, GTK_WIDGET (self->mqtt_password_row));
}

static void
xa_device_page_init (XaDevicePage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  xa_a11y_hide_other_pages (self->stack);

  self->settings = g_settings_new (APP_ID);
  self->cancellable = g_cancellable_new ();
  self->field_rows = g_ptr_array_new ();
  self->history_rows = g_ptr_array_new ();

  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      AdwActionRow *row = ADW_ACTION_ROW (adw_action_row_new ());
      /* Translators: tooltip of a copy button; %s is what it copies, e.g. "Device-Id" */
      g_autofree char *tip = g_strdup_printf (_("Copy the %s"), _(fields[i].title));

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _(fields[i].title));
      gtk_widget_add_css_class (GTK_WIDGET (row), "property");
      adw_action_row_add_suffix (row, flat_button ("edit-copy-symbolic", tip, "device.copy", fields[i].property));
      if (fields[i].editable)
        {
          /* Translators: tooltip of an edit button; %s is what it changes, e.g. "Name" */
          g_autofree char *edit_tip = g_strdup_printf (_("Change the %s"), _(fields[i].title));
          adw_action_row_add_suffix (row, flat_button ("document-edit-symbolic", edit_tip, "device.edit",
                                                       fields[i].property));
        }
      adw_preferences_group_add (fields[i].group == IDENTITY ? self->identity_group
                                 : fields[i].group == SERVER ? self->server_group
                                 : self->mqtt_group, GTK_WIDGET (row));
      g_ptr_array_add (self->field_rows, row);
      if (g_str_equal (fields[i].property, "mqtt-username"))
        add_mqtt_password_row (self);
    }
  add_direct_row (self);

  self->device_signals = g_signal_group_new (XA_TYPE_DEVICE);
  g_signal_group_connect_swapped (self->device_signals, "notify", G_CALLBACK (update_all), self);

  self->session_signals = g_signal_group_new (XA_TYPE_DEVICE_SESSION);
  g_signal_group_connect_swapped (self->session_signals, "notify::busy", G_CALLBACK (update_all), self);
  g_signal_group_connect_swapped (self->session_signals, "notify::ready", G_CALLBACK (update_all), self);
  g_signal_group_connect_swapped (self->session_signals, "notify::has-token", G_CALLBACK (update_all), self);
  g_signal_group_connect_swapped (self->session_signals, "notify::keyring-error", G_CALLBACK (update_all), self);
  g_signal_group_connect_swapped (self->session_signals, "notify::activation", G_CALLBACK (follow_activation), self);
  g_signal_group_connect_swapped (self->session_signals, "notify::device", G_CALLBACK (device_changed_cb), self);
  g_signal_group_connect_swapped (self->session_signals, "store-error", G_CALLBACK (store_error_cb), self);

  g_signal_connect_swapped (self->reveal_button, "toggled", G_CALLBACK (update_token_row), self);
  update_all (self);
}

/* Shows @session's device (NULL: none). What runs for the previous one
 * goes on: its results land on its own device. */
void
xa_device_page_set_session (XaDevicePage    *self,
                            XaDeviceSession *session)
{
  GtkAdjustment *scroll = gtk_scrolled_window_get_vadjustment (self->overview_scroller);

  if (!g_set_object (&self->session, session))
    return;

  g_signal_group_set_target (self->session_signals, session);
  g_signal_group_set_target (self->device_signals, device_of (self));
  xa_activation_view_follow (self->activation_view, NULL, NULL);
  gtk_toggle_button_set_active (self->reveal_button, FALSE);
  gtk_toggle_button_set_active (self->mqtt_reveal_button, FALSE);
  adw_view_stack_set_visible_child_name (self->stack, "overview");
  /* Each device opens at its top, where the verdict is. */
  gtk_adjustment_set_value (scroll, gtk_adjustment_get_lower (scroll));
  follow_activation (self);
  update_all (self);
  /* Keyboard focus on the main action, not in the middle of a text. */
  if (session != NULL)
    gtk_widget_grab_focus (self->test_button);
}

XaDeviceSession *
xa_device_page_get_session (XaDevicePage *self)
{
  return self->session;
}

XaDevice *
xa_device_page_get_device (XaDevicePage *self)
{
  return device_of (self);
}

void
_xa_device_page_toast (XaDevicePage *self,
                       const char   *text)
{
  GtkWidget *overlay = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);

  if (overlay != NULL)
    adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), adw_toast_new (text));
}

guint
_xa_device_page_hello_timeout_ms (XaDevicePage *self)
{
  return g_settings_get_uint (self->settings, "hello-timeout") * 1000;
}
