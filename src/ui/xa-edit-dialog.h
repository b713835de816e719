/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "xa-device-session.h"

G_BEGIN_DECLS

#define XA_TYPE_EDIT_DIALOG (xa_edit_dialog_get_type ())

G_DECLARE_FINAL_TYPE (XaEditDialog, xa_edit_dialog, XA, EDIT_DIALOG, AdwMessageDialog)

GtkWindow  *xa_edit_dialog_new       (GtkWindow       *parent,
                                      XaDeviceSession *session,
                                      const char      *field);
const char *xa_edit_dialog_get_field (XaEditDialog    *self);
const char *xa_edit_dialog_get_text  (XaEditDialog    *self);

G_END_DECLS
