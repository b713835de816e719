/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <string.h>

#include "xa-hello-probe.h"
#include "xa-identity.h"
#include "xa-json-edit.h"
#include "xa-json.h"
#include "xa-net.h"
#include "xa-report.h"
#include "xa-text.h"
#include "xa-token.h"
#include "xa-url.h"

/* One probe in flight. The GTask owns it; while the socket is open the
 * signal handlers hold an extra reference on the task. */
typedef struct
{
  XaDeadline              *deadline;
  SoupMessage             *msg;
  SoupWebsocketConnection *conn;
  XaReport                *report;
  guint                    timeout_ms;
  gint64                   sent_at_us;
  GSource                 *cancel_source;
  gboolean                 got_foreign_text;
  gint64                   deadline_us;   /* monotonic */
  guint                    frames;        /* received before the hello */
  gsize                    bytes;
  gboolean                 broke_protocol; /* a frame libsoup refused */
  guint                    protocol_version;
  XaText                  *hello_advice;   /* set once a valid hello came */
  guint                    grace_id;
  gint64                   token_issued;   /* unix seconds of a dated token, else 0 */
} Probe;

/* After its hello, a server may still say it does not know the device
 * (the official cloud does): listen that long before calling it valid. */
#define GRACE_AFTER_HELLO_MS 400

/* What a server may send before its hello; real ones send one frame. A
 * flood beyond this is refused rather than read for ever. */
#define MAX_FRAMES_BEFORE_HELLO 64
#define MAX_BYTES_BEFORE_HELLO (1024 * 1024)

static void
probe_free (Probe *probe)
{
  if (probe->conn != NULL)
    {
      g_signal_handlers_disconnect_by_data (probe->conn, probe);
      if (soup_websocket_connection_get_state (probe->conn) == SOUP_WEBSOCKET_STATE_OPEN)
        soup_websocket_connection_close (probe->conn, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
      g_clear_object (&probe->conn);
    }
  g_clear_handle_id (&probe->grace_id, g_source_remove);
  g_clear_pointer (&probe->hello_advice, xa_text_free);
  if (probe->cancel_source != NULL)
    g_source_destroy (probe->cancel_source);
  g_clear_pointer (&probe->cancel_source, g_source_unref);
  g_clear_pointer (&probe->deadline, xa_deadline_free);
  g_clear_object (&probe->msg);
  g_clear_pointer (&probe->report, xa_report_free);
  g_free (probe);
}

/* The firmware's rule: no header for an empty token, no "Bearer " when
 * the token already carries a scheme. */
char *
xa_hello_authorization (const char *token)
{
  if (token == NULL || *token == '\0')
    return NULL;
  if (strchr (token, ' ') != NULL)
    return g_strdup (token);
  return g_strconcat ("Bearer ", token, NULL);
}

/* The hello's version is the Protocol-Version header's (the firmware's
 * rule). */
static char *
build_hello (guint version)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, "hello");
  json_builder_set_member_name (b, "version");
  json_builder_add_int_value (b, version);
  json_builder_set_member_name (b, "features");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "mcp");
  json_builder_add_boolean_value (b, TRUE);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "transport");
  json_builder_add_string_value (b, "websocket");
  json_builder_set_member_name (b, "audio_params");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "format");
  json_builder_add_string_value (b, "opus");
  json_builder_set_member_name (b, "sample_rate");
  json_builder_add_int_value (b, 16000);
  json_builder_set_member_name (b, "channels");
  json_builder_add_int_value (b, 1);
  json_builder_set_member_name (b, "frame_duration");
  json_builder_add_int_value (b, 60);
  json_builder_end_object (b);
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  return json_to_string (root, FALSE);
}

/* Both take @advice. */
static void
complete (GTask     *task,
          XaVerdict  verdict,
          XaText    *advice)
{
  Probe *probe = g_task_get_task_data (task);
  XaReport *report = probe->report;

  /* The way there, as observed (a failure's too). */
  if (report->proxy == NULL)
    report->proxy = xa_net_dup_route (probe->msg);
  xa_report_set_verdict (report, verdict, advice);
  g_task_return_pointer (task, g_steal_pointer (&probe->report), (GDestroyNotify) xa_report_free);
}

/* Called when the socket is open and something decisive happened:
 * drop the handlers' reference so the task (and the socket) go away. */
static void
complete_open (GTask     *task,
               XaVerdict  verdict,
               XaText    *advice)
{
  Probe *probe = g_task_get_task_data (task);

  g_signal_handlers_disconnect_by_data (probe->conn, task);
  g_source_destroy (probe->cancel_source);
  g_clear_handle_id (&probe->grace_id, g_source_remove);
  complete (task, verdict, advice);
  g_object_unref (task);
}

static void
complete_timeout (GTask *task)
{
  Probe *probe = g_task_get_task_data (task);
  XaText *advice = NULL;

  if (!xa_deadline_expired (probe->deadline))
    {
      complete (task, XA_VERDICT_CANCELLED, xa_text_new_printf (N_("The test was cancelled.")));
      return;
    }

  if (probe->hello_advice != NULL)
    {
      complete (task, XA_VERDICT_VALID, g_steal_pointer (&probe->hello_advice));
      return;
    }

  if (probe->got_foreign_text)
    {
      g_autofree char *quoted = xa_server_text_quote (probe->report->server_text);

      advice = xa_text_new_printf (N_("The server sent something that is not the xiaozhi protocol: “%s”. "
                                      "Check the WebSocket URL."),
                                   quoted);
      complete (task, XA_VERDICT_PROTOCOL_ERROR, advice);
      return;
    }

  advice = xa_text_new ();
  xa_text_append_plural (advice,
                         "The server did not answer the hello within %u second. "
                         "Check that the server is running and the URL is right, then try again.",
                         "The server did not answer the hello within %u seconds. "
                         "Check that the server is running and the URL is right, then try again.",
                         (probe->timeout_ms + 999) / 1000, (probe->timeout_ms + 999) / 1000);
  complete (task, XA_VERDICT_TIMEOUT, advice);
}

/* xiaozhi-esp32-server's “没有找到该设备的版本信息，请正确配置OTA地址…”, and the
 * like: this server has no record of the device. */
static gboolean
looks_like_unknown_device (const char *text)
{
  g_autofree char *lower = g_utf8_strdown (text, -1);

  return strstr (lower, "没有找到该设备") != NULL || strstr (lower, "ota地址") != NULL ||
         strstr (lower, "ota 地址") != NULL || strstr (lower, "no version info") != NULL;
}

/* xiaozhi-esp32-server waits at most a second for its manager to say
 * whether it knows the device (connection.py, _route_message), then drops
 * the hello and speaks the unknown-device text whatever the answer would
 * have been. A text that late fits a slow manager as well as an unknown
 * device; one that comes at once is the manager's own "not found". */
#define MANAGER_WAIT_MS 900

static gboolean
say_unknown_device (GTask      *task,
                    const char *text)
{
  Probe *probe = g_task_get_task_data (task);
  gint64 after_ms = (g_get_monotonic_time () - probe->sent_at_us) / 1000;
  g_autofree char *quoted = NULL;

  if (text == NULL || !looks_like_unknown_device (text))
    return FALSE;
  quoted = xa_server_text_quote (text);
  if (probe->hello_advice == NULL && after_ms >= MANAGER_WAIT_MS)
    {
      complete_open (task, XA_VERDICT_TIMEOUT,
                     xa_text_new_printf (N_("%d ms after the hello the server said “%s”, and sent no hello. A "
                                            "xiaozhi-esp32-server says this when its manager has not answered "
                                            "within a second, so there are two causes: its manager is slow or "
                                            "failing (the device may well be known there: test again, and check "
                                            "the manager-api), or the manager does not know this device (it never "
                                            "made an OTA check there, or its code expired: a manager keeps codes "
                                            "24 hours)."),
                                         (int) after_ms, quoted));
      return TRUE;
    }
  complete_open (task, XA_VERDICT_NOT_ACTIVATED,
                 xa_text_new_printf (N_("The server says it has no record of this device: “%s”. It knows no such "
                                        "Device-Id and holds no code for it: the device never made an OTA check "
                                        "there, or its code expired (a manager keeps codes 24 hours). Set the "
                                        "device’s OTA address to this server, activate it, then test again."),
                                     quoted));
  return TRUE;
}

/* The six digits of a bind prompt such as “请登录控制面板，输入123456，绑定设备”
 * (receiveAudioHandle.py), or NULL. */
static char *
find_code_in (const char *text)
{
  for (const char *p = text; *p; p++)
    {
      gsize n = 0;

      while (g_ascii_isdigit (p[n]))
        n++;
      if (n == 6)
        return g_strndup (p, 6);
      if (n > 0)
        p += n - 1;
    }
  return NULL;
}

static gboolean
grace_over_cb (gpointer user_data)
{
  GTask *task = user_data;
  Probe *probe = g_task_get_task_data (task);
  XaText *advice = g_steal_pointer (&probe->hello_advice);

  probe->grace_id = 0;
  complete_open (task, XA_VERDICT_VALID, advice);
  return G_SOURCE_REMOVE;
}

static gboolean
looks_like_bind_prompt (const char *text)
{
  g_autofree char *lower = g_utf8_strdown (text, -1);

  return strstr (lower, "绑定") != NULL || strstr (lower, "控制面板") != NULL ||
         strstr (lower, "bind") != NULL || strstr (lower, "activation code") != NULL;
}

static void
handle_server_hello (GTask      *task,
                     JsonObject *obj)
{
  Probe *probe = g_task_get_task_data (task);
  XaReport *report = probe->report;
  g_autofree char *transport = xa_server_text_sanitize (xa_json_get_string (obj, "transport"), -1, FALSE);
  g_autofree char *session_id = xa_server_text_sanitize (xa_json_get_string (obj, "session_id"), -1, FALSE);
  XaText *advice = NULL;

  report->latency_ms = (g_get_monotonic_time () - probe->sent_at_us) / 1000;

  if (json_object_has_member (obj, "audio_params"))
    report->audio_params = json_to_string (json_object_get_member (obj, "audio_params"), FALSE);

  if (g_strcmp0 (transport, "websocket") != 0)
    {
      advice = xa_text_new_printf (N_("The server answered with a hello for another transport (“%s”). "
                                      "Check the WebSocket URL."),
                                   transport ? transport : "");
      complete_open (task, XA_VERDICT_PROTOCOL_ERROR, advice);
      return;
    }

  if (session_id != NULL && *session_id != '\0')
    report->session_id = g_steal_pointer (&session_id);
  advice = xa_report_hello_answered_text (report, NULL);

  probe->hello_advice = g_steal_pointer (&advice);
  probe->grace_id = g_timeout_add (GRACE_AFTER_HELLO_MS, grace_over_cb, task);
}

static void
message_cb (SoupWebsocketConnection *conn,
            gint                     type,
            GBytes                  *message,
            gpointer                 user_data)
{
  GTask *task = user_data;
  Probe *probe = g_task_get_task_data (task);
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;
  JsonObject *obj;
  const char *msg_type;
  gsize len;
  const char *data;

  data = g_bytes_get_data (message, &len);

  /* After the hello, the next message decides: the server saying it does
   * not know the device, or anything else (valid). */
  if (probe->hello_advice != NULL)
    {
      g_autofree char *after = type == SOUP_WEBSOCKET_DATA_TEXT ? g_utf8_make_valid (data, len) : NULL;
      g_autoptr(JsonNode) node = after ? xa_json_parse (after, -1, NULL) : NULL;
      const char *spoken = node && JSON_NODE_HOLDS_OBJECT (node) ? xa_json_get_string (json_node_get_object (node), "text")
                                                                 : after;
      g_autofree char *shown = xa_server_text_sanitize (spoken, -1, FALSE);

      if (shown != NULL)
        {
          g_free (probe->report->server_text);
          probe->report->server_text = g_strdup (shown);
        }
      if (say_unknown_device (task, shown))
        return;
      complete_open (task, XA_VERDICT_VALID, g_steal_pointer (&probe->hello_advice));
      return;
    }

  /* libsoup keeps reading while frames keep coming, and the deadline's
   * source never gets its turn: the bounds and the deadline are checked
   * here, for every frame. */
  probe->frames++;
  probe->bytes += len;
  if (g_get_monotonic_time () >= probe->deadline_us)
    {
      XaText *advice = xa_text_new_printf (N_("The server sent %u messages but no hello within %u seconds. "
                                              "Check the WebSocket URL."),
                                           probe->frames, (probe->timeout_ms + 999) / 1000);
      complete_open (task, XA_VERDICT_TIMEOUT, advice);
      return;
    }
  if (probe->frames > MAX_FRAMES_BEFORE_HELLO || probe->bytes > MAX_BYTES_BEFORE_HELLO)
    {
      complete_open (task, XA_VERDICT_PROTOCOL_ERROR,
                     xa_text_new_printf (N_("The server sent a flood of messages instead of answering the hello. "
                                            "This is not how a xiaozhi server behaves: check the WebSocket URL.")));
      return;
    }

  if (type != SOUP_WEBSOCKET_DATA_TEXT)
    return;

  text = g_utf8_make_valid (data, len);

  root = xa_json_parse (text, -1, NULL);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      /* e.g. 认证失败 before a close: keep it and wait for what follows. */
      g_free (probe->report->server_text);
      probe->report->server_text = xa_server_text_sanitize (text, -1, FALSE);
      probe->got_foreign_text = TRUE;
      say_unknown_device (task, probe->report->server_text);
      return;
    }

  obj = json_node_get_object (root);
  msg_type = xa_json_get_string (obj, "type");
  if (msg_type == NULL)
    msg_type = "";

  if (g_str_equal (msg_type, "hello"))
    {
      handle_server_hello (task, obj);
      return;
    }

  /* A manager-API server ignores the hello of an unbound device and
   * speaks a prompt with the code instead. */
  if (xa_json_get_string (obj, "text") != NULL)
    {
      g_autofree char *spoken = xa_server_text_sanitize (xa_json_get_string (obj, "text"), -1, FALSE);

      g_free (probe->report->server_text);
      probe->report->server_text = g_strdup (spoken);
      if (say_unknown_device (task, spoken))
        return;
      if (looks_like_bind_prompt (spoken))
        {
          g_autofree char *quoted = xa_server_text_quote (spoken);
          XaText *advice = NULL;

          g_free (probe->report->activation_code);
          probe->report->activation_code = find_code_in (spoken);
          advice = probe->report->activation_code
                     ? xa_text_new_printf (N_("The server asks to bind this device first: “%s”. Enter the code %s "
                                              "in the server’s console, then test again."),
                                           quoted, probe->report->activation_code)
                     : xa_text_new_printf (N_("The server asks to bind this device first: “%s”. "
                                              "Enter the code in the control panel, then test again."),
                                           quoted);
          complete_open (task, XA_VERDICT_NOT_ACTIVATED, advice);
        }
    }
}

static void
error_cb (SoupWebsocketConnection *conn,
          GError                  *error,
          gpointer                 user_data)
{
  Probe *probe = g_task_get_task_data (G_TASK (user_data));

  g_free (probe->report->network_error);
  probe->report->network_error = g_strdup (error->message);
  /* A frame too big, or not a frame at all: libsoup closes on it. */
  probe->broke_protocol |= error->domain == SOUP_WEBSOCKET_ERROR;
}

static void
closed_cb (SoupWebsocketConnection *conn,
           gpointer                 user_data)
{
  GTask *task = user_data;
  Probe *probe = g_task_get_task_data (task);
  XaReport *report = probe->report;
  XaText *advice = NULL;

  if (probe->hello_advice != NULL)
    {
      /* It answered the hello, then closed: the token was accepted. */
      complete_open (task, XA_VERDICT_VALID, g_steal_pointer (&probe->hello_advice));
      return;
    }

  report->close_code = soup_websocket_connection_get_close_code (conn);
  report->close_reason = xa_server_text_sanitize (soup_websocket_connection_get_close_data (conn), -1, FALSE);
  if (report->close_reason != NULL && *report->close_reason == '\0')
    g_clear_pointer (&report->close_reason, g_free);

  if (probe->broke_protocol)
    {
      advice = xa_text_new_printf (N_("The server sent something the WebSocket protocol does not allow (%s). "
                                      "Check the WebSocket URL and the server."),
                                   report->network_error);
      complete_open (task, XA_VERDICT_PROTOCOL_ERROR, advice);
      return;
    }

  switch (report->close_code)
    {
    case SOUP_WEBSOCKET_CLOSE_PROTOCOL_ERROR:
    case SOUP_WEBSOCKET_CLOSE_UNSUPPORTED_DATA:
    case SOUP_WEBSOCKET_CLOSE_BAD_DATA:
    case SOUP_WEBSOCKET_CLOSE_TOO_BIG:
      /* Garbage or a frame too big: the connection broke on the
       * protocol, not on the token. */
      advice = xa_text_new_printf (N_("The server sent something the WebSocket protocol does not allow "
                                      "(close code %u). Check the WebSocket URL and the server."),
                                   report->close_code);
      complete_open (task, XA_VERDICT_PROTOCOL_ERROR, advice);
      return;
    case 0:
    case SOUP_WEBSOCKET_CLOSE_ABNORMAL:
      /* No close frame at all: the connection dropped. */
      advice = xa_text_new_printf (N_("The connection dropped after it was opened, before the server answered the hello. "
                                      "Check the network and the server, then try again."));
      complete_open (task, XA_VERDICT_UNREACHABLE, advice);
      return;
    default:
      break;
    }

  if (!report->token_sent)
    {
      /* No Authorization header went out: nothing of a token was judged. */
      advice = report->server_text != NULL
                 ? xa_text_new_printf (N_("This Test sent no token (the device’s token is empty), and the server "
                                          "said “%s” and closed the connection: it wants a token from this device."),
                                       report->server_text)
                 : xa_text_new_printf (N_("This Test sent no token (the device’s token is empty), and the server "
                                          "closed the connection (close code %u): it wants a token from this device."),
                                       report->close_code);
      xa_text_append (advice, N_("Refresh the token or activate the device to get one. On a server of your own, "
                                 "server.auth.enabled is on and this Device-Id is not in server.auth.allowed_devices."));
    }
  else if (report->server_text != NULL)
    advice = xa_text_new_printf (N_("The server said “%s” and closed the connection. "
                                    "The token is wrong or has expired: refresh it, or activate the device again."),
                                 report->server_text);
  else
    advice = xa_text_new_printf (N_("The server closed the connection without answering the hello (close code %u). "
                                    "The token is wrong or has expired, or the device is not bound to this server: "
                                    "refresh the token, or activate the device again."),
                                 report->close_code);
  if (report->token_sent && probe->token_issued > 0)
    {
      gint64 days = MAX (0, (g_get_real_time () / G_USEC_PER_SEC - probe->token_issued) / (24 * 3600));

      xa_text_append_plural (advice,
                             "The token was issued %d day ago; a self-hosted server refuses tokens older than "
                             "its server.auth.expire_seconds (30 days unless it is set otherwise).",
                             "The token was issued %d days ago; a self-hosted server refuses tokens older than "
                             "its server.auth.expire_seconds (30 days unless it is set otherwise).",
                             days, (int) days);
    }

  complete_open (task, XA_VERDICT_REJECTED, advice);
}

static gboolean
deadline_cancelled_cb (GCancellable *cancellable,
                       gpointer      user_data)
{
  GTask *task = user_data;
  Probe *probe = g_task_get_task_data (task);

  g_signal_handlers_disconnect_by_data (probe->conn, task);
  complete_timeout (task);
  g_object_unref (task);

  return G_SOURCE_REMOVE;
}

static void
connect_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Probe *probe = g_task_get_task_data (task);
  XaReport *report = probe->report;
  g_autoptr(GError) error = NULL;
  g_autofree char *hello = NULL;
  XaText *advice = NULL;
  guint status;

  probe->conn = soup_session_websocket_connect_finish (SOUP_SESSION (object), result, &error);
  if (probe->conn != NULL)
    {
      /* The way there, known once there: the hello's words may say it. */
      report->proxy = xa_net_dup_route (probe->msg);
      /* Connected: from here the socket's handlers keep the task alive. */
      g_signal_connect (probe->conn, "message", G_CALLBACK (message_cb), task);
      g_signal_connect (probe->conn, "error", G_CALLBACK (error_cb), task);
      g_signal_connect (probe->conn, "closed", G_CALLBACK (closed_cb), task);
      /* A source, not a handler: it runs from the main loop, where the
       * socket may be closed and the task returned safely. */
      probe->cancel_source = g_cancellable_source_new (xa_deadline_get_cancellable (probe->deadline));
      g_source_set_callback (probe->cancel_source, G_SOURCE_FUNC (deadline_cancelled_cb), task, NULL);
      g_source_attach (probe->cancel_source, NULL);
      hello = build_hello (probe->protocol_version);
      probe->sent_at_us = g_get_monotonic_time ();
      probe->deadline_us = probe->sent_at_us + (gint64) probe->timeout_ms * 1000;
      soup_websocket_connection_send_text (probe->conn, hello);
      g_steal_pointer (&task);
      return;
    }

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      complete_timeout (task);
      return;
    }

  status = soup_message_get_status (probe->msg);
  report->network_error = g_strdup (error->message);

  /* An answer that may be the proxy's, not the server's. */
  if ((advice = xa_net_describe_proxy_status (probe->msg, status)) != NULL)
    {
      report->http_status = status;
      complete (task, XA_VERDICT_UNREACHABLE, advice);
      return;
    }

  if (status == SOUP_STATUS_UNAUTHORIZED || status == SOUP_STATUS_FORBIDDEN)
    {
      report->http_status = status;
      advice = xa_text_new_printf (N_("The server refused the connection (HTTP %u). "
                                      "The token is wrong or has expired: refresh it, or activate the device again."),
                                   status);
      xa_net_append_route (advice, probe->msg);
      complete (task, XA_VERDICT_REJECTED, advice);
      return;
    }

  if (status >= 200 && status != SOUP_STATUS_SWITCHING_PROTOCOLS)
    {
      report->http_status = status;
      advice = xa_text_new_printf (N_("This is not a WebSocket address: the server answered HTTP %u instead of "
                                      "accepting the connection. Check the WebSocket URL (it usually ends in /xiaozhi/v1/)."),
                                   status);
      xa_net_append_route (advice, probe->msg);
      complete (task, XA_VERDICT_PROTOCOL_ERROR, advice);
      return;
    }

  advice = xa_net_describe_error (error, report->websocket_url, probe->msg);
  complete (task, xa_verdict_for_network_error (error), advice);
}

void
xa_hello_probe_async (const char          *websocket_url,
                      const char          *token,
                      const XaIdentity    *identity,
                      guint                protocol_version,
                      guint                timeout_ms,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *http_url = NULL;
  g_autofree char *auth = NULL;
  g_autofree char *version = NULL;
  SoupMessageHeaders *headers;
  Probe *probe;

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, xa_hello_probe_async);
  /* The verdict says "cancelled"; the caller still gets a report. */
  g_task_set_check_cancellable (task, FALSE);

  probe = g_new0 (Probe, 1);
  probe->report = xa_report_new ();
  probe->report->hello_attempted = TRUE;
  probe->report->websocket_url = g_strdup (websocket_url);
  probe->timeout_ms = timeout_ms ? timeout_ms : XA_HELLO_DEFAULT_TIMEOUT_MS;
  probe->deadline = xa_deadline_new (cancellable, probe->timeout_ms);
  g_task_set_task_data (task, probe, (GDestroyNotify) probe_free);

  http_url = xa_websocket_url_to_http (websocket_url);
  if (http_url != NULL)
    probe->msg = soup_message_new (SOUP_METHOD_GET, http_url);
  if (probe->msg == NULL)
    {
      XaText *advice = NULL;

      advice = xa_text_new_printf (N_("“%s” is not a WebSocket address. "
                                      "It should look like wss://api.tenclass.net/xiaozhi/v1/."),
                                   websocket_url ? websocket_url : "");
      complete (task, XA_VERDICT_PROTOCOL_ERROR, advice);
      return;
    }

  xa_net_prepare_message (probe->msg);
  headers = soup_message_get_request_headers (probe->msg);
  auth = xa_hello_authorization (token);
  if (auth != NULL)
    soup_message_headers_replace (headers, "Authorization", auth);
  probe->report->token_sent = auth != NULL;
  {
    gint64 expires;

    if (!xa_token_get_dates (token, &probe->token_issued, &expires))
      probe->token_issued = 0;
  }
  probe->protocol_version = protocol_version ? protocol_version : 1;
  version = g_strdup_printf ("%u", probe->protocol_version);
  soup_message_headers_replace (headers, "Protocol-Version", version);
  soup_message_headers_replace (headers, "Device-Id", identity->device_id);
  soup_message_headers_replace (headers, "Client-Id", identity->client_id);

  soup_session_websocket_connect_async (xa_net_get_session_for (identity->no_proxy), probe->msg, NULL, NULL,
                                        G_PRIORITY_DEFAULT,
                                        xa_deadline_get_cancellable (probe->deadline),
                                        connect_cb, g_steal_pointer (&task));
}

XaReport *
xa_hello_probe_finish (GAsyncResult  *result,
                       GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == xa_hello_probe_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
