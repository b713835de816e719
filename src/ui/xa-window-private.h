/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "xa-device-page.h"
#include "xa-fleet.h"
#include "xa-window.h"

G_BEGIN_DECLS

/* Devices on the left, the chosen one on the right; folds to one column
 * on narrow screens. */
struct _XaWindow
{
  AdwApplicationWindow  parent_instance;

  XaStore              *store;
  XaStore              *mcp_store;     /* the MCP endpoints, beside the devices file; once asked for */
  GtkWidget            *mcp_window;
  GSettings            *settings;
  GHashTable           *sessions;      /* device uuid → XaDeviceSession */
  XaFleet              *fleet;
  guint                 first_refresh_id;
  gboolean              restored;         /* the device shown last time was looked for */
  GCancellable         *cancellable;      /* the window's own operations: cancelled when it goes */

  AdwToastOverlay      *toast_overlay;
  AdwLeaflet           *leaflet;
  GtkWidget            *content;
  GtkInfoBar           *store_bar;
  GtkLabel             *store_label;
  AdwViewStack         *sidebar_stack;
  AdwStatusPage        *empty_page;
  GtkListBox           *device_list;
  GtkRevealer          *progress_revealer;
  GtkProgressBar       *test_all_progress;
  GtkRevealer          *summary_revealer;
  GtkLabel             *summary_label;
  GtkToggleButton      *attention_toggle;
  GtkCustomFilter      *attention_filter;  /* the list's rows: all, or those that need attention */
  AdwWindowTitle       *content_title;
  GBindingGroup        *title_bindings;   /* the shown device → content_title */
  AdwViewStack         *content_stack;
  XaDevicePage         *device_page;
};

XaDeviceSession *_xa_window_session_for    (XaWindow       *self,
                                           XaDevice       *device);
void             _xa_window_class_init_csv (GtkWidgetClass *widget_class);

G_END_DECLS
