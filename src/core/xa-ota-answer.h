/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "xa-types.h"

G_BEGIN_DECLS

/* One parsed OTA answer (PROTOCOL.md §2). Strings are NULL when absent.
 * token and mqtt_password are secrets: never log them. */
struct _XaOtaAnswer
{
  gboolean has_activation;
  char    *code;
  char    *message;
  char    *panel_url;               /* first line of message, when a web address */
  char    *challenge;
  gint64   timeout_ms;              /* -1 when absent */

  gboolean has_websocket;
  char    *websocket_url;
  char    *token;
  gint     websocket_version;       /* 0 when absent */

  gboolean has_mqtt;
  char    *mqtt_endpoint;
  char    *mqtt_client_id;
  char    *mqtt_username;
  char    *mqtt_password;
  char    *mqtt_publish_topic;
  char    *mqtt_subscribe_topic;

  gboolean has_server_time;
  gint64   server_time_ms;
  gint     timezone_offset_min;

  char    *firmware_version;
  char    *firmware_url;
  gboolean firmware_force;          /* "force": 1, installed whatever its version */
  char    *sent_version;            /* the application version the check sent */

  gint64   received_at_ms;          /* local wall clock when it arrived */
};

/* Which server software an answer looks like, from what it holds (never
 * from its address alone): see xa_ota_answer_get_server_kind(). */
typedef enum
{
  XA_SERVER_KIND_UNKNOWN,
  XA_SERVER_KIND_OFFICIAL,
  XA_SERVER_KIND_SINGLE_MODULE,
  XA_SERVER_KIND_MANAGER,
} XaServerKind;

#define XA_TYPE_OTA_ANSWER (xa_ota_answer_get_type ())

GType        xa_ota_answer_get_type      (void) G_GNUC_CONST;


XaOtaAnswer *xa_ota_answer_parse         (const char        *data,
                                          gsize              length,
                                          GError           **error);
XaOtaAnswer *xa_ota_answer_copy          (const XaOtaAnswer *self);
void         xa_ota_answer_free          (XaOtaAnswer       *self);
gboolean     xa_ota_answer_get_clock_skew (const XaOtaAnswer *self,
                                          gint64            *skew_ms);
gboolean     xa_ota_answer_has_test_mqtt (const XaOtaAnswer *self);
const char  *xa_ota_answer_get_panel_url (const XaOtaAnswer *self);
char       **xa_ota_answer_setup_warnings (const XaOtaAnswer *self,
                                          const char        *ota_url);
GPtrArray   *xa_ota_answer_setup_warning_texts (const XaOtaAnswer *self,
                                               const char        *ota_url);
XaText      *xa_ota_answer_local_reach_text (const XaOtaAnswer *self,
                                            const char        *ota_url);
XaServerKind xa_ota_answer_get_server_kind (const XaOtaAnswer *self,
                                           const char        *ota_url);
gboolean     xa_ota_answer_offers_firmware (const XaOtaAnswer *self);
gboolean     xa_firmware_version_is_newer  (const char        *current,
                                            const char        *offered);

G_END_DECLS
