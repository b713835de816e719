/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "xa-activation.h"
#include "xa-types.h"

G_BEGIN_DECLS

#define XA_DEVICE_SESSION_ERROR (xa_device_session_error_quark ())

typedef enum
{
  XA_DEVICE_SESSION_ERROR_NO_TOKEN,
  XA_DEVICE_SESSION_ERROR_NOT_ACTIVATED,
  XA_DEVICE_SESSION_ERROR_INVALID,
  XA_DEVICE_SESSION_ERROR_TOKEN_NOT_SAVED,
  XA_DEVICE_SESSION_ERROR_NO_MQTT,
  XA_DEVICE_SESSION_ERROR_NOT_REMOVED,   /* the keyring kept its secrets: so is the device */
} XaDeviceSessionError;

/* Where an export goes. */
typedef enum
{
  XA_EXPORT_PY_XIAOZHI,        /* config.json in a folder */
  XA_EXPORT_PY_XIAOZHI_EFUSE,  /* config.json and efuse.json */
  XA_EXPORT_ENV,               /* an env file: our lines set, the others kept */
  XA_EXPORT_ENV_NEW,           /* a new env file: an existing one is replaced, kept as .bak */
  XA_EXPORT_ENV_WEB_PROXY,     /* py-xiaozhi's web-backend/.env: BACKEND_WS_URL set, the rest kept */
  XA_EXPORT_WEBUI,             /* xiaozhi-webui's backend/config/config.json (or its folder) */
} XaExportKind;

#define XA_TYPE_DEVICE_SESSION (xa_device_session_get_type ())

/* What a refresh brought that the device did not have: the road's
 * credentials the last Test was made with are then gone. */
typedef enum
{
  XA_REFRESH_CHANGED_NOTHING       = 0,
  XA_REFRESH_CHANGED_TOKEN         = 1 << 0,
  XA_REFRESH_CHANGED_WEBSOCKET_URL = 1 << 1,
  XA_REFRESH_CHANGED_MQTT          = 1 << 2, /* broker, client id, user, password or topics */
} XaRefreshChanges;

G_DECLARE_FINAL_TYPE (XaDeviceSession, xa_device_session, XA, DEVICE_SESSION, GObject)

GQuark           xa_device_session_error_quark      (void);

XaDeviceSession *xa_device_session_new              (XaStore       *store,
                                                     XaDevice            *device);
XaDevice        *xa_device_session_get_device       (XaDeviceSession     *self);
gboolean         xa_device_session_get_ready        (XaDeviceSession     *self);
gboolean         xa_device_session_get_busy         (XaDeviceSession     *self);
gboolean         xa_device_session_get_testing      (XaDeviceSession     *self);
const char      *xa_device_session_get_token        (XaDeviceSession     *self);
const char      *xa_device_session_get_hmac_key     (XaDeviceSession     *self);
const char      *xa_device_session_get_mqtt_password (XaDeviceSession    *self);
const GError    *xa_device_session_get_keyring_error (XaDeviceSession    *self);
XaActivation    *xa_device_session_get_activation   (XaDeviceSession     *self);
void             xa_device_session_cancel           (XaDeviceSession     *self);

void             xa_device_session_load_async       (XaDeviceSession     *self,
                                                     GCancellable        *cancellable,
                                                     GAsyncReadyCallback  callback,
                                                     gpointer             user_data);
gboolean         xa_device_session_load_finish      (XaDeviceSession     *self,
                                                     GAsyncResult        *result,
                                                     GError             **error);

void             xa_device_session_when_free_async  (XaDeviceSession     *self,
                                                     GCancellable        *cancellable,
                                                     GAsyncReadyCallback  callback,
                                                     gpointer             user_data);
gboolean         xa_device_session_when_free_finish (XaDeviceSession     *self,
                                                     GAsyncResult        *result,
                                                     GError             **error);

void             xa_device_session_add_async        (XaDeviceSession     *self,
                                                     const char          *token,
                                                     const char          *hmac_key,
                                                     GCancellable        *cancellable,
                                                     GAsyncReadyCallback  callback,
                                                     gpointer             user_data);
gboolean         xa_device_session_add_finish       (XaDeviceSession     *self,
                                                     GAsyncResult        *result,
                                                     GError             **error);

void             xa_device_session_test_async       (XaDeviceSession     *self,
                                                     guint                timeout_ms,
                                                     GCancellable        *cancellable,
                                                     GAsyncReadyCallback  callback,
                                                     gpointer             user_data);
void             xa_device_session_test_over_async  (XaDeviceSession     *self,
                                                     const char          *transport,
                                                     guint                timeout_ms,
                                                     GCancellable        *cancellable,
                                                     GAsyncReadyCallback  callback,
                                                     gpointer             user_data);
XaReport        *xa_device_session_test_finish      (XaDeviceSession     *self,
                                                     GAsyncResult        *result,
                                                     GError             **error);

GStrv            xa_device_session_dup_roads        (XaDeviceSession     *self);
gboolean         xa_device_session_can_test         (XaDeviceSession     *self);
void             xa_device_session_test_all_async   (XaDeviceSession     *self,
                                                     guint                timeout_ms,
                                                     GCancellable        *cancellable,
                                                     GAsyncReadyCallback  callback,
                                                     gpointer             user_data);
GPtrArray       *xa_device_session_test_all_finish  (XaDeviceSession     *self,
                                                     GAsyncResult        *result,
                                                     GError             **error);
XaReport        *xa_device_session_report_for_error (const GError        *error);

XaActivation    *xa_device_session_new_activation   (XaDeviceSession     *self);
void             xa_device_session_activate_async   (XaDeviceSession     *self,
                                                     XaActivation        *activation,
                                                     GCancellable        *cancellable,
                                                     GAsyncReadyCallback  callback,
                                                     gpointer             user_data);
gboolean         xa_device_session_activate_finish  (XaDeviceSession     *self,
                                                     GAsyncResult        *result,
                                                     XaActivationOutcome *outcome,
                                                     GError             **error);

void             xa_device_session_refresh_async    (XaDeviceSession     *self,
                                                     GCancellable        *cancellable,
                                                     GAsyncReadyCallback  callback,
                                                     gpointer             user_data);
gboolean         xa_device_session_refresh_finish   (XaDeviceSession     *self,
                                                     GAsyncResult        *result,
                                                     XaRefreshChanges    *changes,
                                                     GError             **error);

char            *xa_refresh_changes_describe        (XaRefreshChanges     changes);

void             xa_device_session_export_async     (XaDeviceSession     *self,
                                                     XaExportKind         kind,
                                                     const char          *path,
                                                     GCancellable        *cancellable,
                                                     GAsyncReadyCallback  callback,
                                                     gpointer             user_data);
void             xa_device_session_export_env_async (XaDeviceSession     *self,
                                                     const char          *path,
                                                     gboolean             replace,
                                                     const XaEnvKeys     *keys,
                                                     GCancellable        *cancellable,
                                                     GAsyncReadyCallback  callback,
                                                     gpointer             user_data);
gboolean         xa_device_session_export_finish    (XaDeviceSession     *self,
                                                     GAsyncResult        *result,
                                                     GError             **error);

gboolean         xa_device_check_field              (const char          *property,
                                                     const char          *value,
                                                     GError             **error);
gboolean         xa_device_session_check_edit       (XaDeviceSession     *self,
                                                     const char          *property,
                                                     const char          *value,
                                                     GError             **error);
void             xa_device_session_edit_async       (XaDeviceSession     *self,
                                                     const char          *property,
                                                     const char          *value,
                                                     GCancellable        *cancellable,
                                                     GAsyncReadyCallback  callback,
                                                     gpointer             user_data);
gboolean         xa_device_session_edit_finish      (XaDeviceSession     *self,
                                                     GAsyncResult        *result,
                                                     GError             **error);

void             xa_device_session_remove_async     (XaDeviceSession     *self,
                                                     GCancellable        *cancellable,
                                                     GAsyncReadyCallback  callback,
                                                     gpointer             user_data);
gboolean         xa_device_session_remove_finish    (XaDeviceSession     *self,
                                                     GAsyncResult        *result,
                                                     GError             **error);

G_END_DECLS
