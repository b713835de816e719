/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "xa-types.h"

G_BEGIN_DECLS

/* What a device's state is, decided once: the list's row, the device's
 * page and “xiaozhictl device show” only show it. */
struct _XaDeviceState
{
  char       *title;                /* “Token is valid”, “Not activated yet”, … */
  char       *advice;               /* what it means and what to do */
  const char *severity;             /* "valid", "warn", "bad"; NULL while nothing was judged */
  const char *icon_name;
  char       *other_road;           /* a device also offered MQTT: its MQTT Test's line, else NULL */
  const char *other_road_severity;
  char       *prompt_code;          /* a bind prompt's code, to show as a code is */
  gboolean    wants_diagnosis;      /* “Why?”: tested and not valid, or not activated yet */
  gboolean    wants_activation;     /* never activated, or the server says it is not (it forgot it) */
};

XaDeviceState *xa_device_state_new  (XaDevice      *device,
                                     gint64         now);
void           xa_device_state_free (XaDeviceState *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (XaDeviceState, xa_device_state_free)

G_END_DECLS
