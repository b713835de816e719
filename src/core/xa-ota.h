/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "xa-identity.h"
#include "xa-text.h"

G_BEGIN_DECLS

#define XA_OTA_ERROR (xa_ota_error_quark ())

/* The biggest answer we read; real ones are a few hundred bytes. */
#define XA_OTA_MAX_ANSWER_SIZE (1024 * 1024)
#define XA_OTA_DEFAULT_URL "https://api.tenclass.net/xiaozhi/ota/"
#define XA_OTA_DEFAULT_TIMEOUT_MS 15000
/* A self-hosted server's token is valid this long after its date, unless
 * the server sets another server.auth.expire_seconds: a default, never a
 * fact about one server (core/auth.py). */
#define XA_TOKEN_LIFETIME_S (30 * 24 * 3600)

typedef enum
{
  XA_OTA_ERROR_INVALID_URL,
  XA_OTA_ERROR_UNREACHABLE,
  XA_OTA_ERROR_TLS,
  XA_OTA_ERROR_TIMEOUT,
  XA_OTA_ERROR_HTTP_STATUS,
  XA_OTA_ERROR_REDIRECTED,
  XA_OTA_ERROR_SERVER_REFUSED,
  XA_OTA_ERROR_NOT_JSON,
  XA_OTA_ERROR_TRUNCATED,
  XA_OTA_ERROR_TOO_LARGE,
  XA_OTA_ERROR_INCOMPLETE,
  XA_OTA_ERROR_UNSAFE_VALUE,
  XA_OTA_ERROR_NOT_FOUND,       /* HTTP 404: nothing at that address */
} XaOtaError;

/* Bounds for what a server may hand us to keep and pass on. */
#define XA_MAX_URL_LENGTH 2048
#define XA_MAX_TOKEN_LENGTH 4096

/* One parsed OTA answer (PROTOCOL.md §2). Strings are NULL when absent.
 * token and mqtt_password are secrets: never log them. */
typedef struct
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
} XaOtaAnswer;

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

GQuark       xa_ota_error_quark          (void);
XaText      *xa_ota_error_dup_text       (const GError      *error);
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
gboolean     xa_token_get_dates          (const char        *token,
                                          gint64            *issued,
                                          gint64            *expires);

char        *xa_ota_activate_url         (const char        *ota_url);
gboolean     xa_host_is_local            (const char        *host);
char        *xa_url_dup_host             (const char        *url);
gboolean     xa_url_is_placeholder       (const char        *url);
char        *xa_ota_guess_control_panel  (const char        *ota_url);
char        *xa_ota_url_warnings         (const char        *url);
gboolean     xa_ota_url_validate         (const char        *url,
                                          GError           **error);
gboolean     xa_websocket_url_is_safe    (const char        *url);
char        *xa_server_text_quote        (const char        *text);
char        *xa_server_text_sanitize     (const char        *text,
                                          gssize             length,
                                          gboolean           keep_newlines);
gboolean     xa_token_is_safe            (const char        *token);

void         xa_ota_check_async          (const char        *ota_url,
                                          const XaIdentity  *identity,
                                          guint              timeout_ms,
                                          GCancellable      *cancellable,
                                          GAsyncReadyCallback callback,
                                          gpointer           user_data);
XaOtaAnswer *xa_ota_check_finish         (GAsyncResult      *result,
                                          GError           **error);

void         xa_ota_activate_async       (const char        *ota_url,
                                          const XaIdentity  *identity,
                                          const char        *challenge,
                                          guint              timeout_ms,
                                          GCancellable      *cancellable,
                                          GAsyncReadyCallback callback,
                                          gpointer           user_data);
guint        xa_ota_activate_finish      (GAsyncResult      *result,
                                          char             **server_text,
                                          GError           **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (XaOtaAnswer, xa_ota_answer_free)

G_END_DECLS
