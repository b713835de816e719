/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define XA_TYPE_PREFERENCES_WINDOW (xa_preferences_window_get_type ())

G_DECLARE_FINAL_TYPE (XaPreferencesWindow, xa_preferences_window, XA, PREFERENCES_WINDOW, AdwPreferencesWindow)

GtkWindow *xa_preferences_window_new (GtkWindow *parent);

G_END_DECLS
