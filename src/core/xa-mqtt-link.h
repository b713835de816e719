/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include <mosquitto.h>

#include "xa-types.h"

G_BEGIN_DECLS

/* Drives a libmosquitto client from the GLib main loop, on its socket:
 * no thread of its own. @on_error is called once the client's loop fails
 * (MOSQ_ERR_*, with errno as the failing call left it). */
typedef void (*XaMqttLinkError) (int rc, int saved_errno, gpointer user_data);


XaMqttLink *xa_mqtt_link_new  (struct mosquitto *mosq,
                               XaMqttLinkError   on_error,
                               gpointer          user_data);
void        xa_mqtt_link_free (XaMqttLink       *link);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (XaMqttLink, xa_mqtt_link_free)

G_END_DECLS
