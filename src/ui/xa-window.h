/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define XA_TYPE_WINDOW (xa_window_get_type ())

G_DECLARE_FINAL_TYPE (XaWindow, xa_window, XA, WINDOW, AdwApplicationWindow)

XaWindow *xa_window_new (AdwApplication *application);

G_END_DECLS
