/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "xa-activation-view.h"
#include "xa-device-page.h"

G_BEGIN_DECLS

/* The page's widgets and the session it shows, for its actions
 * (xa-device-page-actions.c). */
struct _XaDevicePage
{
  GtkWidget        parent_instance;

  XaDeviceSession *session;
  GCancellable    *cancellable;  /* every operation's: cancelled when the page goes */
  GSignalGroup    *session_signals;
  GSignalGroup    *device_signals;
  GSettings       *settings;
  GPtrArray       *field_rows;
  gboolean         refocus_test; /* the Test button had the focus when its Test began */

  AdwViewStack    *stack;
  GtkScrolledWindow *overview_scroller;
  GtkInfoBar      *keyring_bar;
  GtkLabel        *keyring_label;
  GtkWidget       *retry_button;
  GtkWidget       *verdict_help_button;
  GtkImage        *verdict_icon;
  GtkLabel        *verdict_title;
  GtkLabel        *verdict_advice;
  GtkWidget       *prompt_code_box;
  GtkLabel        *prompt_code_label;
  GtkWidget       *prompt_panel_button;
  GtkLabel        *mqtt_verdict_label;
  GtkWidget       *details_box;
  GtkWidget       *token_group;
  AdwPreferencesGroup *mqtt_group;
  AdwActionRow    *mqtt_password_row;
  GtkToggleButton *mqtt_reveal_button;
  GtkToggleButton *details_button;
  GtkImage        *details_arrow;
  GtkLabel        *details_label;
  GtkWidget       *diagnose_button;
  GtkWidget       *activate_button;
  GtkSpinner      *test_spinner;
  GtkWidget       *test_button;
  AdwActionRow    *token_row;
  GtkToggleButton *reveal_button;
  AdwPreferencesGroup *identity_group;
  AdwPreferencesGroup *server_group;
  GtkSwitch       *direct_switch;  /* Connect Directly: the device's "connection" */
  AdwPreferencesGroup *history_group;
  AdwExpanderRow  *history_row;
  GPtrArray       *history_rows;
  JsonNode        *history_shown;
  XaActivationView *activation_view;
};

void _xa_device_page_class_actions_init (GtkWidgetClass *widget_class);
void _xa_device_page_update_actions     (XaDevicePage   *self);
void _xa_device_page_toast              (XaDevicePage   *self,
                                         const char     *text);
guint _xa_device_page_hello_timeout_ms  (XaDevicePage   *self);

G_END_DECLS
