/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "xa-store.h"

G_BEGIN_DECLS

#define XA_TYPE_APPLICATION (xa_application_get_type ())

G_DECLARE_FINAL_TYPE (XaApplication, xa_application, XA, APPLICATION, AdwApplication)

XaApplication *xa_application_new       (const char    *store_path);
XaStore *xa_application_get_store (XaApplication *self);

G_END_DECLS
