/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "xa-device.h"
#include "xa-types.h"

G_BEGIN_DECLS

#define XA_EXPORT_ERROR (xa_export_error_quark ())

typedef enum
{
  XA_EXPORT_ERROR_NOT_FOUND,
  XA_EXPORT_ERROR_INVALID,
  XA_EXPORT_ERROR_WRITE,
} XaExportError;

/* What another client's files say about a device. */
struct _XaImported
{
  char *device_id;
  char *client_id;
  char *serial_number;
  char *hmac_key;
  char *ota_url;
  char *websocket_url;
  char *panel_url;
  char *token;
  gboolean activated;
};

/* What an env file can hold; which key names each gets. */
typedef enum
{
  XA_ENV_FIELD_OTA_URL,
  XA_ENV_FIELD_WEBSOCKET_URL,
  XA_ENV_FIELD_TOKEN,
  XA_ENV_FIELD_DEVICE_ID,
  XA_ENV_FIELD_CLIENT_ID,
  XA_ENV_N_FIELDS
} XaEnvField;

struct _XaEnvKeys
{
  char *names[XA_ENV_N_FIELDS];   /* NULL: the field is not written */
};

GQuark      xa_export_error_quark          (void);
XaEnvKeys  *xa_env_keys_new                (const char   *preset,
                                            GError      **error);
XaEnvKeys  *xa_env_keys_copy               (const XaEnvKeys *keys);
void        xa_env_keys_free               (XaEnvKeys    *keys);
gboolean    xa_env_keys_set                (XaEnvKeys    *keys,
                                            const char   *assignment,
                                            GError      **error);

char       *xa_py_xiaozhi_find_config_dir  (void);
void        xa_py_xiaozhi_find_config_dir_async (GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
char       *xa_py_xiaozhi_find_config_dir_finish (GAsyncResult  *result,
                                            GError       **error);
XaImported *xa_py_xiaozhi_import           (const char   *config_dir,
                                            GError      **error);
void        xa_imported_free               (XaImported   *imported);
XaDevice   *xa_imported_to_device          (const XaImported *imported,
                                            const char   *name,
                                            GError      **error);

gboolean    xa_py_xiaozhi_export           (const char   *config_dir,
                                            XaDevice     *device,
                                            const char   *token,
                                            const char   *mqtt_password,
                                            GError      **error);
gboolean    xa_py_xiaozhi_write_efuse      (const char   *config_dir,
                                            XaDevice     *device,
                                            const char   *hmac_key,
                                            GError      **error);
gboolean    xa_env_file_export             (const char   *path,
                                            XaDevice     *device,
                                            const char   *token,
                                            gboolean      replace,
                                            const XaEnvKeys *keys,
                                            GError      **error);
gboolean    xa_mcp_env_export              (const char   *path,
                                            const char   *url,
                                            GError      **error);
char       *xa_xiaozhi_client_config_file  (const char   *path);
gboolean    xa_xiaozhi_client_export       (const char   *path,
                                            const char   *url,
                                            GError      **error);
gboolean    xa_webui_config_export         (const char   *path,
                                            XaDevice     *device,
                                            const char   *token,
                                            GError      **error);
typedef enum
{
  XA_MCP_EXPORT_ENV,              /* MCP_ENDPOINT='…' in an env file */
  XA_MCP_EXPORT_XIAOZHI_CLIENT,   /* mcpEndpoint in xiaozhi.config.json (the file or its folder) */
} XaMcpExport;

void        xa_mcp_export_async            (XaMcpExport   target,
                                            const char   *path,
                                            const char   *url,
                                            GCancellable *cancellable,
                                            GAsyncReadyCallback callback,
                                            gpointer      user_data);
char       *xa_mcp_export_finish           (GAsyncResult *result,
                                            GError      **error);
JsonNode   *xa_device_export_json          (XaDevice     *device,
                                            const char   *token);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (XaImported, xa_imported_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (XaEnvKeys, xa_env_keys_free)

G_END_DECLS
