/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "xa-device-session.h"

G_BEGIN_DECLS

/* The devices of a window as a whole: Test all, the background health
 * check, refreshing old tokens, and the notifications they raise. */
#define XA_TYPE_FLEET (xa_fleet_get_type ())

G_DECLARE_FINAL_TYPE (XaFleet, xa_fleet, XA, FLEET, GObject)

/* Where the fleet gets each device's session (the window's own, so that
 * its pages follow). */
typedef XaDeviceSession *(*XaFleetSessionFunc) (XaDevice *device,
                                                gpointer  user_data);

XaFleet  *xa_fleet_new              (XaStore      *store,
                                     AdwToastOverlay    *overlay,
                                     XaFleetSessionFunc  session_for,
                                     gpointer            user_data);
gboolean  xa_fleet_get_testing      (XaFleet            *self);
void      xa_fleet_test_all         (XaFleet            *self,
                                     gboolean            in_background);
void      xa_fleet_cancel_test_all  (XaFleet            *self);
guint     xa_fleet_get_done         (XaFleet            *self);
guint     xa_fleet_get_total        (XaFleet            *self);
gboolean  xa_fleet_get_in_background (XaFleet           *self);
gboolean  xa_fleet_is_pending       (XaFleet            *self,
                                     XaDevice           *device);
const char *xa_fleet_get_summary    (XaFleet            *self);
void      xa_fleet_dismiss_summary  (XaFleet            *self);
gboolean  xa_fleet_device_works     (XaDevice           *device);
guint     xa_fleet_refresh_old_tokens (XaFleet          *self);
void      xa_fleet_shutdown         (XaFleet            *self);

void      xa_notify_about_device    (GtkWidget          *widget,
                                     XaDevice           *device,
                                     const char         *title,
                                     const char         *body);

G_END_DECLS
