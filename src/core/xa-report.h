/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "xa-types.h"

G_BEGIN_DECLS

typedef enum
{
  XA_VERDICT_VALID,
  XA_VERDICT_REJECTED,
  XA_VERDICT_NOT_ACTIVATED,
  XA_VERDICT_UNREACHABLE,
  XA_VERDICT_TLS_ERROR,
  XA_VERDICT_TIMEOUT,
  XA_VERDICT_PROTOCOL_ERROR,
  XA_VERDICT_CANCELLED,
  XA_VERDICT_NOT_TESTABLE,
  XA_VERDICT_REFUSED,
} XaVerdict;

/* What a hello probe or a Test saw, and what it means (DESIGN.md). */
struct _XaReport
{
  XaVerdict verdict;
  char     *advice;            /* likely cause and what to do, translated */
  XaText   *advice_text;       /* the same, as its recipe (shown again later) */

  /* the hello: over the WebSocket, or over MQTT when mqtt_endpoint is set */
  gboolean  hello_attempted;
  char     *websocket_url;
  char     *mqtt_endpoint;
  char     *udp_endpoint;      /* MQTT: where the server wants the audio, "host:port" */
  gboolean  mqtt_tls;          /* MQTT: the probe used TLS (the firmware's rule: port 8883) */
  gboolean  token_sent;        /* WebSocket: an Authorization header went with the upgrade */
  gint64    latency_ms;        /* -1 when no hello came back */
  char     *session_id;
  char     *audio_params;      /* compact JSON text */
  guint     http_status;       /* of a refused upgrade, else 0 */
  gushort   close_code;        /* 0 when the server did not close */
  char     *close_reason;
  char     *server_text;       /* text the server sent before any hello */
  char     *network_error;
  char     *proxy;             /* the hello's way there: NULL unknown, "" direct, else the proxy's address */

  /* the OTA check, when the Test ran one */
  gboolean  ota_checked;
  XaText   *ota_error;
  gboolean  activation_pending;
  char     *activation_code;
  gboolean  token_changed;
  gboolean  has_clock_skew;
  gint64    clock_skew_ms;
  gint64    token_issued;      /* unix seconds, 0 when the token has no date */
  gint64    token_expires;
  GPtrArray *setup_warnings;   /* XaText: what the server's answer says about its setup */
};

#define XA_TYPE_REPORT (xa_report_get_type ())

const char  *xa_verdict_to_id           (XaVerdict          verdict);
gboolean     xa_verdict_from_id         (const char        *id,
                                         XaVerdict         *verdict);
const char  *xa_verdict_get_title       (XaVerdict          verdict);
const char  *xa_verdict_get_title_over  (XaVerdict          verdict,
                                         const char        *transport);
int          xa_verdict_get_exit_status (XaVerdict          verdict);
const char  *xa_verdict_get_severity    (XaVerdict          verdict);
const char  *xa_verdict_get_icon_name   (XaVerdict          verdict);
gboolean     xa_verdict_from_error      (const GError      *error,
                                         XaVerdict         *verdict);
XaVerdict    xa_verdict_for_network_error (const GError    *error);

gboolean     xa_ota_answer_changes_token (const XaOtaAnswer *answer,
                                         const char        *token);

GType        xa_report_get_type         (void) G_GNUC_CONST;
XaReport    *xa_report_new              (void);
XaReport    *xa_report_copy             (const XaReport    *self);
void         xa_report_free             (XaReport          *self);
void         xa_report_set_verdict      (XaReport          *self,
                                         XaVerdict          verdict,
                                         XaText            *advice);
void         xa_report_apply_ota        (XaReport          *self,
                                         const char        *ota_url,
                                         const XaOtaAnswer *answer,
                                         const GError      *ota_error,
                                         const char        *token);
const char  *xa_report_get_title        (const XaReport    *self);
const char  *xa_report_get_hello_audio  (void);
XaText      *xa_report_hello_answered_text (const XaReport    *self,
                                         const XaOtaAnswer *answer);
char        *xa_report_format_details   (const XaReport    *self);
JsonNode    *xa_report_to_json          (const XaReport    *self);
JsonNode    *xa_report_to_record        (const XaReport    *self);
XaReport    *xa_report_new_from_record  (JsonNode          *node);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (XaReport, xa_report_free)

G_END_DECLS
