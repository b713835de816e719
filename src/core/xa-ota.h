/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "xa-ota-answer.h"
#include "xa-types.h"

G_BEGIN_DECLS

#define XA_OTA_ERROR (xa_ota_error_quark ())

/* The biggest answer we read; real ones are a few hundred bytes. */
#define XA_OTA_MAX_ANSWER_SIZE (1024 * 1024)
#define XA_OTA_DEFAULT_URL "https://api.tenclass.net/xiaozhi/ota/"
#define XA_OTA_DEFAULT_TIMEOUT_MS 15000

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

GQuark       xa_ota_error_quark          (void);
XaText      *xa_ota_error_dup_text       (const GError      *error);


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

void         xa_ota_greeting_async       (const char        *ota_url,
                                          const XaIdentity  *identity,
                                          guint              timeout_ms,
                                          GCancellable      *cancellable,
                                          GAsyncReadyCallback callback,
                                          gpointer           user_data);
char        *xa_ota_greeting_finish      (GAsyncResult      *result,
                                          GError           **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (XaOtaAnswer, xa_ota_answer_free)

G_END_DECLS
