/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

/* How the demo server behaves; chosen for the whole server, or per request
 * with a /mode/<nick>/ path prefix (the nicks are listed by
 * xa_demo_mode_to_nick()). */
typedef enum
{
  XA_DEMO_MODE_OFFICIAL,
  XA_DEMO_MODE_SELF_HOSTED,
  XA_DEMO_MODE_MANAGER,
  XA_DEMO_MODE_V1,
  XA_DEMO_MODE_HTTP_500,
  XA_DEMO_MODE_ERROR_FIELD,
  XA_DEMO_MODE_SUCCESS_FALSE,
  XA_DEMO_MODE_CODE_500,
  XA_DEMO_MODE_NOT_JSON,
  XA_DEMO_MODE_TRUNCATED,
  XA_DEMO_MODE_HUGE,
  XA_DEMO_MODE_HANG,
  XA_DEMO_MODE_DROP,
  XA_DEMO_MODE_REDIRECT,
  XA_DEMO_MODE_INCOMPLETE,
  XA_DEMO_MODE_HELLO_WRONG_TRANSPORT,
  XA_DEMO_MODE_HELLO_NO_SESSION,
  XA_DEMO_MODE_HELLO_HANG,
  XA_DEMO_MODE_UPGRADE_401,
  XA_DEMO_MODE_UPGRADE_404,
  XA_DEMO_MODE_TOKEN_NEWLINE,
  XA_DEMO_MODE_NESTED_JSON,
  XA_DEMO_MODE_FRAME_FLOOD,
  XA_DEMO_MODE_OVERSIZE_FRAME,
  XA_DEMO_MODE_BINARY_GARBAGE,
  XA_DEMO_MODE_HUGE_NUMBERS,
  XA_DEMO_MODE_ANSI_ESCAPES,
  XA_DEMO_MODE_RESET_AFTER_UPGRADE,
  XA_DEMO_MODE_UNKNOWN_DEVICE,
  XA_DEMO_MODE_MQTT_ONLY,
  XA_DEMO_MODE_MANAGER_PLACEHOLDER,
  XA_DEMO_MODE_ACTIVATE_404,
  XA_DEMO_MODE_OTA_400,
  XA_DEMO_MODE_DATED_TOKENS,
  XA_DEMO_MODE_MQTT_NO_UDP,
  XA_DEMO_MODE_MQTT_NULL_TOPIC,
  XA_DEMO_MODE_MISCONFIGURED,
  XA_DEMO_MODE_SINGLE_MODULE,
  XA_DEMO_MODE_WHITELIST,
  XA_DEMO_MODE_AUTH_OFF,
  XA_DEMO_MODE_SLOW_MANAGER,
  XA_DEMO_MODE_NO_AUTH_HEADER,
  XA_DEMO_MODE_MCP_BEFORE_HELLO,
  XA_DEMO_MODE_SLASH_ONLY,
  XA_DEMO_MODE_NO_SLASH,
  XA_DEMO_N_MODES
} XaDemoMode;

#define XA_TYPE_DEMO_SERVER (xa_demo_server_get_type ())

G_DECLARE_FINAL_TYPE (XaDemoServer, xa_demo_server, XA, DEMO_SERVER, GObject)

const char   *xa_demo_mode_to_nick        (XaDemoMode     mode);
gboolean      xa_demo_mode_from_nick      (const char    *nick,
                                           XaDemoMode    *mode);

XaDemoServer *xa_demo_server_new          (XaDemoMode     mode);
void          xa_demo_server_set_tls_certificate (XaDemoServer    *self,
                                           GTlsCertificate *certificate);
void          xa_demo_server_set_code_lifetime (XaDemoServer *self,
                                           guint          lifetime_ms);
void          xa_demo_server_add_mcp_token (XaDemoServer *self,
                                            const char   *token,
                                            const char   *agent_id);
void          xa_demo_server_set_mcp_caller (XaDemoServer *self,
                                             int           delay_ms);
void          xa_demo_server_set_mcp_refusal (XaDemoServer *self,
                                              guint         status);
void          xa_demo_server_set_mcp_speaks (XaDemoServer *self,
                                             const char   *text);
char         *xa_demo_server_get_mcp_address (XaDemoServer *self,
                                              gboolean      official);
guint         xa_demo_server_get_mcp_initialized (XaDemoServer *self);
guint         xa_demo_server_get_mcp_tools_listed (XaDemoServer *self);
void          xa_demo_server_set_manager_unset (XaDemoServer *self,
                                                const char   *setting);
void          xa_demo_server_set_firmware (XaDemoServer  *self,
                                           const char    *version);
void          xa_demo_server_set_token_dates (XaDemoServer *self,
                                           gint64         lifetime_s,
                                           gint64         age_s);
gboolean      xa_demo_server_listen       (XaDemoServer  *self,
                                           guint          port,
                                           GError       **error);
guint         xa_demo_server_get_port     (XaDemoServer  *self);
guint         xa_demo_server_get_websocket_port (XaDemoServer *self);
char         *xa_demo_server_get_url      (XaDemoServer  *self,
                                           XaDemoMode     mode,
                                           const char    *what);
char         *xa_demo_server_bind_code    (XaDemoServer  *self,
                                           const char    *code);
const char   *xa_demo_server_get_token    (XaDemoServer  *self,
                                           const char    *device_id);
const char   *xa_demo_server_get_code     (XaDemoServer  *self,
                                           const char    *device_id);
SoupMessageHeaders *xa_demo_server_get_last_headers (XaDemoServer *self,
                                           const char    *kind);
const char   *xa_demo_server_get_last_body (XaDemoServer *self,
                                           const char    *kind);
gboolean      xa_demo_server_set_mqtt_broker (XaDemoServer *self,
                                              const char   *host,
                                              int           port,
                                              const char   *username,
                                              const char   *password,
                                              GError      **error);
guint         xa_demo_server_get_request_count (XaDemoServer *self,
                                           const char    *kind);

guint         xa_demo_server_get_hello_count     (XaDemoServer *self);
gushort       xa_demo_server_get_last_close_code (XaDemoServer *self);

G_END_DECLS
