/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "xa-batch-test.h"
#include "xa-device-state.h"
#include "xa-device.h"
#include "xa-fleet.h"
#include "xa-report.h"

struct _XaFleet
{
  GObject             parent_instance;

  XaStore      *store;
  AdwToastOverlay    *overlay;       /* weak: the window's, through which notifications reach the app */
  XaFleetSessionFunc  session_for;
  gpointer            session_data;
  GSettings          *settings;
  GCancellable       *cancellable;
  guint               check_id;
  gboolean            testing;
  gboolean            in_background;
  GHashTable         *valid_before;  /* uuid → TRUE, for the devices that worked when a check began */
  GPtrArray          *checked;       /* the sessions of the last check */
  GCancellable       *run;           /* the Test All that runs: Cancel stops it alone */
  GHashTable         *pending;       /* uuid → TRUE: in the Test All that runs, not tested yet */
  guint               done;
  char               *summary;       /* what the last Test All in the window found, until dismissed */
};

G_DEFINE_FINAL_TYPE (XaFleet, xa_fleet, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_TESTING,
  PROP_DONE,
  PROP_SUMMARY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static GPtrArray *
all_sessions (XaFleet *self)
{
  GPtrArray *sessions = g_ptr_array_new_with_free_func (g_object_unref);
  GListModel *model = G_LIST_MODEL (self->store);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(XaDevice) device = g_list_model_get_item (model, i);
      g_ptr_array_add (sessions, g_object_ref (self->session_for (device, self->session_data)));
    }
  return sessions;
}

/* A desktop notification about @device, from the application @widget is
 * in; its default action shows the device. */
void
xa_notify_about_device (GtkWidget  *widget,
                        XaDevice   *device,
                        const char *title,
                        const char *body)
{
  GtkRoot *root = widget ? gtk_widget_get_root (widget) : NULL;
  GtkApplication *app = GTK_IS_WINDOW (root) ? gtk_window_get_application (GTK_WINDOW (root)) : NULL;
  g_autoptr(GNotification) notification = g_notification_new (title);
  g_autofree char *id = g_strconcat ("device-", xa_device_get_uuid (device), NULL);

  /* Only over a session bus (GLib's backends need one). */
  if (app == NULL || !g_application_get_is_registered (G_APPLICATION (app)) ||
      g_application_get_dbus_connection (G_APPLICATION (app)) == NULL)
    return;
  g_notification_set_body (notification, body);
  g_notification_set_default_action_and_target (notification, "app.show-device", "s", xa_device_get_uuid (device));
  g_application_send_notification (G_APPLICATION (app), id, notification);
}

/* What the row shows is what counts: the device's state, both roads. */
gboolean
xa_fleet_device_works (XaDevice *device)
{
  g_autoptr(XaDeviceState) state = xa_device_state_new (device, g_get_real_time () / G_USEC_PER_SEC);

  return g_strcmp0 (state->severity, "valid") == 0;
}

static void
each_tested (XaDeviceSession *session,
             const XaReport  *report,
             const GError    *error,
             gpointer         user_data)
{
  XaFleet *self = user_data;
  XaDevice *device = xa_device_session_get_device (session);

  /* A Test that Cancel stopped tested nothing. */
  if (g_hash_table_remove (self->pending, xa_device_get_uuid (device)) &&
      !(report != NULL && report->verdict == XA_VERDICT_CANCELLED) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      self->done++;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DONE]);
    }

  /* What the health check is for: a device that worked and no longer
   * does. Said once, when it changes. */
  if (self->in_background && report != NULL && !g_cancellable_is_cancelled (self->cancellable) &&
      !xa_fleet_device_works (device) && g_hash_table_remove (self->valid_before, xa_device_get_uuid (device)))
    {
      /* Translators: a notification's title; %s is a device's name */
      g_autofree char *title = g_strdup_printf (_("“%s” stopped working"), xa_device_get_name (device));
      xa_notify_about_device (GTK_WIDGET (self->overlay), device, title, xa_report_get_title (report));
    }
}

static void
set_testing (XaFleet  *self,
             gboolean  testing)
{
  if (self->testing == testing)
    return;
  self->testing = testing;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TESTING]);
}

static void
set_summary (XaFleet *self,
             char    *summary)
{
  g_free (self->summary);
  self->summary = summary;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SUMMARY]);
}

static void
all_tested_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(XaFleet) self = user_data;
  guint tested, not_valid = 0;

  xa_batch_test_finish (result, NULL);
  g_hash_table_remove_all (self->pending);
  set_testing (self, FALSE);
  if (self->in_background || g_cancellable_is_cancelled (self->cancellable))
    return;
  if (g_cancellable_is_cancelled (self->run))
    {
      /* Translators: the first %u is how many devices were tested, the second how many there are */
      set_summary (self, g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Test All stopped: %u of %u device tested.",
                                                       "Test All stopped: %u of %u devices tested.", self->checked->len),
                                          self->done, self->checked->len));
      return;
    }
  tested = self->checked->len;
  for (guint i = 0; i < tested; i++)
    if (!xa_fleet_device_works (xa_device_session_get_device (g_ptr_array_index (self->checked, i))))
      not_valid++;
  if (not_valid == 0)
    set_summary (self, g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "The device works.", "All %u devices work.",
                                                     tested),
                                        tested));
  else
    /* Translators: the first %u is how many devices have a problem, the second how many were tested */
    set_summary (self, g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u of %u devices needs attention.",
                                                     "%u of %u devices need attention.", not_valid),
                                        not_valid, tested));
}

/* Tests every device, the list updating as verdicts come; in the
 * background, a device that stops working raises a notification instead
 * of a summary. */
void
xa_fleet_test_all (XaFleet  *self,
                   gboolean  in_background)
{
  g_autoptr(GPtrArray) sessions = NULL;
  guint timeout_s;

  if (self->testing)
    return;
  sessions = all_sessions (self);
  g_hash_table_remove_all (self->valid_before);
  for (guint i = 0; i < sessions->len; i++)
    {
      XaDevice *device = xa_device_session_get_device (g_ptr_array_index (sessions, i));
      if (xa_fleet_device_works (device))
        g_hash_table_add (self->valid_before, g_strdup (xa_device_get_uuid (device)));
    }
  g_clear_pointer (&self->checked, g_ptr_array_unref);
  self->checked = g_ptr_array_ref (sessions);
  self->in_background = in_background;
  timeout_s = g_settings_get_uint (self->settings, "hello-timeout");
  /* Each row says "not yet" until its own verdict comes. */
  for (guint i = 0; i < sessions->len; i++)
    g_hash_table_add (self->pending, g_strdup (xa_device_get_uuid (xa_device_session_get_device (g_ptr_array_index (sessions, i)))));
  self->done = 0;
  g_set_object (&self->run, g_cancellable_new ());
  if (!in_background)
    set_summary (self, NULL);
  set_testing (self, TRUE);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DONE]);
  xa_batch_test_async (sessions, 0, timeout_s * 1000, self->run, each_tested, self,
                       all_tested_cb, g_object_ref (self));
}

/* Stops the Test All that runs; what was tested stays. */
void
xa_fleet_cancel_test_all (XaFleet *self)
{
  g_return_if_fail (XA_IS_FLEET (self));
  if (self->run != NULL)
    g_cancellable_cancel (self->run);
}

/* How many devices the Test All that runs has tested, of how many. */
guint
xa_fleet_get_done (XaFleet *self)
{
  return self->done;
}

guint
xa_fleet_get_total (XaFleet *self)
{
  return self->testing && self->checked ? self->checked->len : 0;
}

gboolean
xa_fleet_get_in_background (XaFleet *self)
{
  return self->in_background;
}

/* @device is in the Test All that runs and its verdict has not come yet. */
gboolean
xa_fleet_is_pending (XaFleet  *self,
                     XaDevice *device)
{
  return g_hash_table_contains (self->pending, xa_device_get_uuid (device));
}

/* What the last Test All in the window found, or NULL. */
const char *
xa_fleet_get_summary (XaFleet *self)
{
  return self->summary;
}

void
xa_fleet_dismiss_summary (XaFleet *self)
{
  g_return_if_fail (XA_IS_FLEET (self));
  if (self->summary != NULL)
    set_summary (self, NULL);
}

static void
refreshed_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  /* The session records it in the device's history; a failure is for the
   * next Test to tell. */
  if (!xa_device_session_refresh_finish (XA_DEVICE_SESSION (object), result, NULL, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_debug ("Refreshing an old token failed: %s", error->message);
}

static void
free_then_refresh_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(XaFleet) self = user_data;
  XaDeviceSession *session = XA_DEVICE_SESSION (object);

  /* What kept it busy may have been a refresh already. */
  if (xa_device_session_when_free_finish (session, result, NULL) && xa_device_session_get_token (session) != NULL &&
      xa_device_token_wants_refresh (xa_device_session_get_device (session), g_get_real_time () / G_USEC_PER_SEC))
    xa_device_session_refresh_async (session, self->cancellable, refreshed_cb, NULL);
}

/* Refreshes the tokens older than XA_DEVICE_REFRESH_AFTER_DAYS when the
 * setting says so (a session still loading or busy does it once it is
 * free); returns how many it asked. */
guint
xa_fleet_refresh_old_tokens (XaFleet *self)
{
  GListModel *model = G_LIST_MODEL (self->store);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  guint asked = 0;

  if (!g_settings_get_boolean (self->settings, "refresh-old-tokens"))
    return 0;
  /* The record knows the token's date: only old ones open a session. */
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(XaDevice) device = g_list_model_get_item (model, i);

      if (!xa_device_token_wants_refresh (device, now))
        continue;
      xa_device_session_when_free_async (self->session_for (device, self->session_data), self->cancellable,
                                         free_then_refresh_cb, g_object_ref (self));
      asked++;
    }
  return asked;
}

static gboolean
check_cb (gpointer user_data)
{
  XaFleet *self = user_data;

  xa_fleet_refresh_old_tokens (self);
  xa_fleet_test_all (self, TRUE);
  return G_SOURCE_CONTINUE;
}

/* The health check runs on its own timer, never at start-up. */
static void
schedule (XaFleet *self)
{
  g_autofree char *every = g_settings_get_string (self->settings, "health-check");

  g_clear_handle_id (&self->check_id, g_source_remove);
  if (g_str_equal (every, "hourly"))
    self->check_id = g_timeout_add_seconds (3600, check_cb, self);
  else if (g_str_equal (every, "daily"))
    self->check_id = g_timeout_add_seconds (24 * 3600, check_cb, self);
}

gboolean
xa_fleet_get_testing (XaFleet *self)
{
  return self->testing;
}

/* Stops what runs (the window is going). */
void
xa_fleet_shutdown (XaFleet *self)
{
  g_cancellable_cancel (self->cancellable);
  if (self->run != NULL)
    g_cancellable_cancel (self->run);
  g_clear_handle_id (&self->check_id, g_source_remove);
  if (self->settings != NULL)
    g_signal_handlers_disconnect_by_data (self->settings, self);
}

static void
xa_fleet_get_property (GObject    *object,
                       guint       prop_id,
                       GValue     *value,
                       GParamSpec *pspec)
{
  switch (prop_id)
    {
    case PROP_TESTING:
      g_value_set_boolean (value, XA_FLEET (object)->testing);
      break;
    case PROP_DONE:
      g_value_set_uint (value, XA_FLEET (object)->done);
      break;
    case PROP_SUMMARY:
      g_value_set_string (value, XA_FLEET (object)->summary);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
xa_fleet_finalize (GObject *object)
{
  XaFleet *self = XA_FLEET (object);

  xa_fleet_shutdown (self);
  g_clear_weak_pointer (&self->overlay);
  g_clear_object (&self->store);
  g_clear_object (&self->settings);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->valid_before, g_hash_table_unref);
  g_clear_pointer (&self->checked, g_ptr_array_unref);
  g_clear_pointer (&self->pending, g_hash_table_unref);
  g_clear_object (&self->run);
  g_clear_pointer (&self->summary, g_free);

  G_OBJECT_CLASS (xa_fleet_parent_class)->finalize (object);
}

static void
xa_fleet_class_init (XaFleetClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = xa_fleet_get_property;
  object_class->finalize = xa_fleet_finalize;

  properties[PROP_TESTING] = g_param_spec_boolean ("testing", NULL, NULL, FALSE,
                                                   G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_DONE] = g_param_spec_uint ("done", NULL, NULL, 0, G_MAXUINT, 0,
                                             G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SUMMARY] = g_param_spec_string ("summary", NULL, NULL, NULL,
                                                  G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
xa_fleet_init (XaFleet *self)
{
  self->cancellable = g_cancellable_new ();
  self->valid_before = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->pending = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

XaFleet *
xa_fleet_new (XaStore      *store,
              AdwToastOverlay    *overlay,
              XaFleetSessionFunc  session_for,
              gpointer            user_data)
{
  XaFleet *self = g_object_new (XA_TYPE_FLEET, NULL);

  self->store = g_object_ref (store);
  g_set_weak_pointer (&self->overlay, overlay);
  self->session_for = session_for;
  self->session_data = user_data;
  self->settings = g_settings_new (APP_ID);
  g_signal_connect_swapped (self->settings, "changed::health-check", G_CALLBACK (schedule), self);
  schedule (self);
  return self;
}
