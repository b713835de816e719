/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "xa-device-session.h"

G_BEGIN_DECLS

#define XA_TYPE_DIAGNOSIS_DIALOG (xa_diagnosis_dialog_get_type ())

G_DECLARE_FINAL_TYPE (XaDiagnosisDialog, xa_diagnosis_dialog, XA, DIAGNOSIS_DIALOG, AdwWindow)

GtkWindow *xa_diagnosis_dialog_new (GtkWindow       *parent,
                                    XaDeviceSession *session,
                                    guint            timeout_ms);

G_END_DECLS
