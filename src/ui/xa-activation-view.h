/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "xa-activation.h"
#include "xa-device.h"

G_BEGIN_DECLS

#define XA_TYPE_ACTIVATION_VIEW (xa_activation_view_get_type ())

G_DECLARE_FINAL_TYPE (XaActivationView, xa_activation_view, XA, ACTIVATION_VIEW, GtkWidget)

void        xa_activation_view_follow       (XaActivationView *self,
                                             XaActivation     *activation,
                                             XaDevice         *device);
void        xa_activation_view_show_done    (XaActivationView *self,
                                             const char       *title,
                                             const char       *description,
                                             gboolean          all_well);
void        xa_activation_view_show_failed  (XaActivationView *self,
                                             const char       *message);
const char *xa_activation_view_get_code     (XaActivationView *self);
gboolean    xa_activation_view_is_done      (XaActivationView *self);

G_END_DECLS
