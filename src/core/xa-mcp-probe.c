/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>
#include <string.h>

#include "xa-identity.h"
#include "xa-json.h"
#include "xa-mcp-endpoint.h"
#include "xa-mcp-probe.h"
#include "xa-mcp-provider.h"
#include "xa-net.h"
#include "xa-report.h"
#include "xa-text.h"
#include "xa-url.h"

/* An MCP endpoint tested as a tool provider meets it: connected with the
 * token in the query, kept open for a few seconds, and every request the
 * endpoint makes answered as a provider with no tools answers it
 * (initialize, tools/list, ping). The endpoint is the JSON-RPC client;
 * this side only answers. */

#define CONNECT_TIMEOUT_MS 10000

typedef struct
{
  XaReport                *report;
  SoupMessage             *msg;
  SoupWebsocketConnection *conn;
  XaDeadline              *deadline;   /* until the connection is open */
  GSource                 *cancel_source;
  char                    *token;      /* secret */
  guint                    stay_ms;
  guint                    stay_id;
  gint64                   opened_us;
  gboolean                 listed;     /* it asked for the tools */
  gboolean                 holding;    /* the socket's handlers hold the task */
  gboolean                 done;
} Probe;

static void
probe_free (Probe *probe)
{
  g_clear_handle_id (&probe->stay_id, g_source_remove);
  if (probe->cancel_source != NULL)
    g_source_destroy (probe->cancel_source);
  g_clear_pointer (&probe->cancel_source, g_source_unref);
  g_clear_object (&probe->conn);
  g_clear_object (&probe->msg);
  g_clear_pointer (&probe->deadline, xa_deadline_free);
  g_clear_pointer (&probe->report, xa_report_free);
  xa_secret_free (probe->token);
  g_free (probe);
}

/* What the token says of its own date, said whatever the verdict. */
static void
say_expiry (Probe  *probe,
            XaText *advice)
{
  g_autoptr(XaMcpClaims) claims = xa_mcp_token_read_claims (probe->token);

  if (xa_mcp_claims_expired (claims, g_get_real_time () / G_USEC_PER_SEC))
    {
      g_autofree char *date = xa_text_format_time (claims->expires_at, "?");

      xa_text_append (advice, N_("The token says it expired on %s (read from the token, not checked by the "
                                 "server): get a new endpoint address from the console."), date);
    }
}

/* Takes @advice. Once connected, the socket's handlers hold the task: they
 * let it go here (nothing may touch @task after). */
static void
finish (GTask     *task,
        XaVerdict  verdict,
        XaText    *advice)
{
  Probe *probe = g_task_get_task_data (task);

  if (probe->done)
    {
      xa_text_free (advice);
      return;
    }
  probe->done = TRUE;
  g_clear_handle_id (&probe->stay_id, g_source_remove);
  say_expiry (probe, advice);
  xa_report_set_verdict (probe->report, verdict, advice);
  if (probe->conn != NULL)
    {
      g_signal_handlers_disconnect_by_data (probe->conn, task);
      /* The Test ends as a provider leaves: a normal close. */
      if (soup_websocket_connection_get_state (probe->conn) == SOUP_WEBSOCKET_STATE_OPEN)
        soup_websocket_connection_close (probe->conn, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
    }
  g_task_return_pointer (task, g_steal_pointer (&probe->report), (GDestroyNotify) xa_report_free);
  if (probe->holding)
    {
      probe->holding = FALSE;
      g_object_unref (task);
    }
}

static void
message_cb (SoupWebsocketConnection *conn,
            gint                     type,
            GBytes                  *message,
            gpointer                 user_data)
{
  GTask *task = user_data;
  Probe *probe = g_task_get_task_data (task);
  gsize len;
  const char *data = g_bytes_get_data (message, &len);
  g_autofree char *text = type == SOUP_WEBSOCKET_DATA_TEXT ? g_utf8_make_valid (data, len) : NULL;
  g_autofree char *method = NULL;
  g_autofree char *answer = NULL;
  XaMcpRead read;

  if (probe->done)
    return;
  answer = xa_mcp_provider_answer (text, &read, &method);
  if (read == XA_MCP_READ_NOT_JSON_RPC)
    {
      g_autofree char *shown = text ? xa_server_text_sanitize (text, -1, FALSE) : g_strdup ("…");

      g_free (probe->report->server_text);
      probe->report->server_text = g_strdup (shown);
      finish (task, XA_VERDICT_PROTOCOL_ERROR,
              xa_text_new_printf (N_("The endpoint sent something that is not JSON-RPC 2.0 (“%s”): this is not "
                                     "an MCP endpoint, or not the address of one."), shown));
      return;
    }
  if (g_strcmp0 (method, "initialize") == 0)
    probe->report->latency_ms = (g_get_monotonic_time () - probe->opened_us) / 1000;
  else if (g_strcmp0 (method, "tools/list") == 0)
    probe->listed = TRUE;
  if (answer != NULL)
    soup_websocket_connection_send_text (probe->conn, answer);
}

/* The close codes and reasons of xinnan-tech's mcp-endpoint-server
 * (src/server.py), in the user's words. */
static const char *
explain_reason (const char *reason)
{
  if (g_strcmp0 (reason, "缺少token参数") == 0)
    return N_("the address has no token");
  if (g_strcmp0 (reason, "token解密失败") == 0)
    return N_("the token could not be decrypted: it is not this server’s, or the server’s key changed since");
  if (g_strcmp0 (reason, "无对应agentId") == 0)
    return N_("the token names no agent");
  if (g_strcmp0 (reason, "token数据格式错误") == 0)
    return N_("the token’s contents are malformed");
  return NULL;
}

static void
closed_cb (SoupWebsocketConnection *conn,
           gpointer                 user_data)
{
  GTask *task = user_data;
  Probe *probe = g_task_get_task_data (task);
  XaReport *report = probe->report;
  const char *explained;
  g_autofree char *quoted = NULL;

  if (probe->done)
    return;
  report->close_code = soup_websocket_connection_get_close_code (conn);
  report->close_reason = xa_server_text_sanitize (soup_websocket_connection_get_close_data (conn), -1, FALSE);
  if (report->close_reason != NULL && *report->close_reason == '\0')
    g_clear_pointer (&report->close_reason, g_free);
  quoted = report->close_reason ? xa_server_text_quote (report->close_reason) : g_strdup ("");
  explained = explain_reason (report->close_reason);

  if (report->close_code == SOUP_WEBSOCKET_CLOSE_POLICY_VIOLATION || report->close_code == 4004)
    {
      XaText *advice;

      if (explained != NULL)
        advice = xa_text_new_printf (N_("The endpoint took the connection, then closed it (%u “%s”): %s. "
                                        "Copy the endpoint address again from the console."),
                                     report->close_code, quoted, _(explained));
      else if (report->close_reason != NULL)
        advice = xa_text_new_printf (N_("The endpoint took the connection, then closed it (%u “%s”): it did "
                                        "not accept the token. Copy the endpoint address again from the "
                                        "console."),
                                     report->close_code, quoted);
      else
        advice = xa_text_new_printf (N_("The endpoint took the connection, then closed it (code %u, no reason "
                                        "given): it did not accept the token. Copy the endpoint address again "
                                        "from the console."),
                                     report->close_code);
      finish (task, XA_VERDICT_REJECTED, advice);
    }
  else if (report->close_code == SOUP_WEBSOCKET_CLOSE_NORMAL && g_strcmp0 (report->close_reason, "新连接替换") == 0)
    finish (task, XA_VERDICT_VALID,
            xa_text_new_printf (N_("The endpoint accepted the token, then closed this connection because another "
                                   "tool connection for the same agent took its place (“新连接替换”): a provider "
                                   "such as mcp_pipe.py connected meanwhile.")));
  else if (report->close_code == 0 || report->close_code == SOUP_WEBSOCKET_CLOSE_ABNORMAL)
    finish (task, XA_VERDICT_UNREACHABLE,
            xa_text_new_printf (N_("The connection to the endpoint dropped after %d s, without a close message. "
                                   "Check the network and the endpoint’s server, then try again."),
                                (int) ((g_get_monotonic_time () - probe->opened_us) / G_USEC_PER_SEC)));
  else
    finish (task, XA_VERDICT_REJECTED,
            xa_text_new_printf (N_("The endpoint closed the connection (%u “%s”) before the Test’s end: it may not "
                                   "have accepted the token. Copy the endpoint address again from the console."),
                                report->close_code, quoted));
}

/* Stayed connected: accepted. Whether a caller asked for the tools meanwhile
 * says whether anything uses the endpoint now. */
static gboolean
stay_over_cb (gpointer user_data)
{
  GTask *task = user_data;
  Probe *probe = g_task_get_task_data (task);
  guint seconds = (probe->stay_ms + 999) / 1000;
  gboolean self_hosted = xa_mcp_endpoint_server_kind (probe->report->websocket_url) == XA_MCP_SERVER_SELF_HOSTED;
  XaText *advice;

  probe->stay_id = 0;
  /* mcp-endpoint-server only forwards what a caller sends (a device's
   * conversation, its console's refresh); another server may ask every
   * provider as it connects: one observation, two causes. */
  if (probe->listed && self_hosted)
    advice = xa_text_new_printf (N_("The endpoint accepted the token and kept the connection open for %u s. %d ms "
                                    "after the connection opened it initialized this Test and asked for the tools "
                                    "(this Test has none): a caller, a device’s conversation or the console’s "
                                    "refresh, is using the endpoint."),
                                 seconds, (int) probe->report->latency_ms);
  else if (probe->listed)
    advice = xa_text_new_printf (N_("The endpoint accepted the token and kept the connection open for %u s. %d ms "
                                    "after the connection opened it initialized this Test and asked for the tools "
                                    "(this Test has none): its server asks a provider as it connects, or a caller "
                                    "(a device’s conversation, the console) is using the endpoint."),
                                 seconds, (int) probe->report->latency_ms);
  else if (self_hosted)
    advice = xa_text_new_printf (N_("The endpoint accepted the token and kept the connection open for %u s. No "
                                    "caller asked for the tools in that time: an endpoint asks only when a device "
                                    "talks or its console refreshes the list, so this is no failure."),
                                 seconds);
  else
    advice = xa_text_new_printf (N_("The endpoint accepted the token and kept the connection open for %u s. It did "
                                    "not ask for the tools in that time: it may ask only when a caller (a device’s "
                                    "conversation, the console) comes, so this alone is no failure."),
                                 seconds);
  finish (task, XA_VERDICT_VALID, advice);
  return G_SOURCE_REMOVE;
}

static gboolean
cancelled_cb (GCancellable *cancellable,
              gpointer      user_data)
{
  finish (user_data, XA_VERDICT_CANCELLED, xa_text_new_printf (N_("The test was cancelled.")));
  return G_SOURCE_REMOVE;
}

static void
connect_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Probe *probe = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  guint status;

  probe->conn = soup_session_websocket_connect_finish (SOUP_SESSION (object), result, &error);
  if (probe->conn != NULL)
    {
      probe->opened_us = g_get_monotonic_time ();
      probe->report->proxy = xa_net_dup_route (probe->msg);
      soup_websocket_connection_set_max_incoming_payload_size (probe->conn, 1024 * 1024);
      g_signal_connect (probe->conn, "message", G_CALLBACK (message_cb), task);
      g_signal_connect (probe->conn, "closed", G_CALLBACK (closed_cb), task);
      probe->stay_id = g_timeout_add (probe->stay_ms, stay_over_cb, task);
      /* The socket's handlers hold the task until the Test ends. */
      probe->holding = TRUE;
      g_steal_pointer (&task);
      return;
    }

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) && xa_deadline_expired (probe->deadline))
    {
      finish (task, XA_VERDICT_TIMEOUT,
              xa_text_new_printf (N_("The endpoint did not take the connection within %u seconds. Check that its "
                                     "server is running, then try again."), CONNECT_TIMEOUT_MS / 1000));
      return;
    }
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      finish (task, XA_VERDICT_CANCELLED, xa_text_new_printf (N_("The test was cancelled.")));
      return;
    }

  status = soup_message_get_status (probe->msg);
  probe->report->network_error = g_strdup (error->message);
  if (status == SOUP_STATUS_UNAUTHORIZED || status == SOUP_STATUS_FORBIDDEN)
    {
      probe->report->http_status = status;
      finish (task, XA_VERDICT_REJECTED,
              xa_text_new_printf (N_("The endpoint refused the connection (HTTP %u): it did not accept the token. "
                                     "Copy the endpoint address again from the console."), status));
      return;
    }
  if (status >= 200 && status != SOUP_STATUS_SWITCHING_PROTOCOLS)
    {
      /* An answer that may be a proxy's, not the endpoint's. */
      XaText *proxied = xa_net_describe_proxy_status (probe->msg, status);

      probe->report->http_status = status;
      if (proxied != NULL)
        finish (task, XA_VERDICT_UNREACHABLE, proxied);
      else
        finish (task, XA_VERDICT_PROTOCOL_ERROR,
                xa_text_new_printf (N_("This is not an MCP endpoint: the server answered HTTP %u instead of taking "
                                       "the connection. Check the address (wss://api.xiaozhi.me/mcp/ or "
                                       "ws://HOST:8004/mcp_endpoint/mcp/)."), status));
      return;
    }
  finish (task, xa_verdict_for_network_error (error),
          xa_net_describe_error (error, probe->report->websocket_url, probe->msg));
}

/* Tests the endpoint @address (shown, without its token) with @token, as a
 * tool provider, staying @stay_ms connected (0: the default; rounded up
 * to whole seconds). Always gives a report, cancelled included. */
void
xa_mcp_probe_async (const char          *address,
                    const char          *token,
                    guint                stay_ms,
                    GCancellable        *cancellable,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  g_autofree char *url = xa_mcp_endpoint_join (address, token);
  g_autofree char *http = NULL;
  Probe *probe = g_new0 (Probe, 1);

  g_task_set_source_tag (task, xa_mcp_probe_async);
  g_task_set_check_cancellable (task, FALSE);
  g_task_set_task_data (task, probe, (GDestroyNotify) probe_free);
  probe->report = xa_report_new ();
  /* No hello here: the details say nothing of one, nor of a device's token. */
  probe->report->websocket_url = g_strdup (address);
  probe->token = g_strdup (token);
  /* Whole seconds, as the verdict says them. */
  probe->stay_ms = (MAX (stay_ms ? stay_ms : XA_MCP_DEFAULT_STAY_MS, 1000) + 999) / 1000 * 1000;
  probe->deadline = xa_deadline_new (cancellable, CONNECT_TIMEOUT_MS);

  http = xa_websocket_url_to_http (url);
  probe->msg = http ? soup_message_new (SOUP_METHOD_GET, http) : NULL;
  if (probe->msg == NULL)
    {
      finish (task, XA_VERDICT_PROTOCOL_ERROR,
              xa_text_new_printf (N_("An MCP endpoint is a ws:// or wss:// address, such as "
                                     "wss://api.xiaozhi.me/mcp/?token=…: copy it whole from the console.")));
      return;
    }
  xa_net_prepare_message (probe->msg);
  if (cancellable != NULL)
    {
      probe->cancel_source = g_cancellable_source_new (cancellable);
      g_source_set_callback (probe->cancel_source, G_SOURCE_FUNC (cancelled_cb), task, NULL);
      g_source_attach (probe->cancel_source, NULL);
    }
  soup_session_websocket_connect_async (xa_net_get_session (), probe->msg, NULL, NULL, G_PRIORITY_DEFAULT,
                                        xa_deadline_get_cancellable (probe->deadline), connect_cb,
                                        g_steal_pointer (&task));
}

XaReport *
xa_mcp_probe_finish (GAsyncResult  *result,
                     GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == xa_mcp_probe_async, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* What a Test does to a running provider, said before it runs. */
const char *
xa_mcp_probe_get_do_no_harm (void)
{
  return _("A self-hosted endpoint drops the provider that is connected while the Test is (providers such as "
           "mcp_pipe.py connect again by themselves).");
}
