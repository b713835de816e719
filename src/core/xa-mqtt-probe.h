/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "xa-types.h"

G_BEGIN_DECLS

/* Where and as whom a device talks MQTT: the OTA answer's "mqtt" section. */
struct _XaMqttTarget
{
  const char *endpoint;          /* host, host:port, mqtt://… or mqtts://… */
  const char *client_id;
  const char *username;
  const char *password;          /* secret */
  const char *publish_topic;
  const char *subscribe_topic;   /* NULL, "" or "null": none */
};

void      xa_mqtt_probe_async  (const XaMqttTarget  *target,
                                guint                timeout_ms,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data);
XaReport *xa_mqtt_probe_finish (GAsyncResult        *result,
                                GError             **error);

XaText   *xa_mqtt_udp_reach_text (const char  *broker,
                                  const char  *udp_host);
gboolean  xa_mqtt_parse_endpoint (const char  *endpoint,
                                  char       **host,
                                  int         *port,
                                  gboolean    *tls);

G_END_DECLS
