/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "xa-demo-server-private.h"

/* Answers that need the raw connection or break the rules on purpose:
 * a hang, a drop, a redirect, HTML, a huge or nested answer (the modes
 * the client must survive). */

static void
write_and_close (GIOStream  *stream,
                 const char *raw)
{
  GOutputStream *out = g_io_stream_get_output_stream (stream);

  /* Loopback and a few bytes: this never blocks for long. */
  g_output_stream_write_all (out, raw, strlen (raw), NULL, NULL, NULL);
  g_io_stream_close (stream, NULL, NULL);
  g_object_unref (stream);
}

gboolean
_xa_demo_answer_fault (XaDemoServer      *self,
                       XaDemoMode         mode,
                       SoupServerMessage *msg)
{
  switch (mode)
    {
    case XA_DEMO_MODE_HTTP_500:
      _xa_demo_respond_text (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "text/plain", "Internal Server Error");
      return TRUE;
    case XA_DEMO_MODE_ERROR_FIELD:
      _xa_demo_respond_error_json (msg, SOUP_STATUS_OK, "error", "Invalid device ID");
      return TRUE;
    case XA_DEMO_MODE_SUCCESS_FALSE:
      {
        g_autoptr(JsonBuilder) b = json_builder_new ();
        json_builder_begin_object (b);
        json_builder_set_member_name (b, "success");
        json_builder_add_boolean_value (b, FALSE);
        json_builder_set_member_name (b, "message");
        json_builder_add_string_value (b, "request error.");
        json_builder_end_object (b);
        _xa_demo_respond_json (msg, SOUP_STATUS_OK, b);
        return TRUE;
      }
    case XA_DEMO_MODE_CODE_500:
      {
        g_autoptr(JsonBuilder) b = json_builder_new ();
        json_builder_begin_object (b);
        json_builder_set_member_name (b, "code");
        json_builder_add_int_value (b, 500);
        json_builder_set_member_name (b, "msg");
        json_builder_add_string_value (b, "服务器内部错误");
        json_builder_end_object (b);
        _xa_demo_respond_json (msg, SOUP_STATUS_OK, b);
        return TRUE;
      }
    case XA_DEMO_MODE_NOT_JSON:
      _xa_demo_respond_text (msg, SOUP_STATUS_OK, "text/html",
                    "<!DOCTYPE html><html><body><h1>Welcome to nginx!</h1></body></html>");
      return TRUE;
    case XA_DEMO_MODE_INCOMPLETE:
      _xa_demo_respond_text (msg, SOUP_STATUS_OK, "application/json",
                    "{\"firmware\":{\"version\":\"1.0.0\",\"url\":\"\"}}");
      return TRUE;
    case XA_DEMO_MODE_REDIRECT:
      soup_server_message_set_redirect (msg, SOUP_STATUS_MOVED_PERMANENTLY,
                                        "https://api.tenclass.net/xiaozhi/ota/");
      return TRUE;
    case XA_DEMO_MODE_HUGE:
      {
        char *body = g_malloc (HUGE_ANSWER_SIZE);
        /* Valid JSON, just far too big: {"pad":"xxxx…"} */
        memset (body, 'x', HUGE_ANSWER_SIZE);
        memcpy (body, "{\"pad\":\"", 8);
        memcpy (body + HUGE_ANSWER_SIZE - 2, "\"}", 2);
        soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
        soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE, body, HUGE_ANSWER_SIZE);
        return TRUE;
      }
    case XA_DEMO_MODE_TRUNCATED:
      write_and_close (soup_server_message_steal_connection (msg),
                       "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                       "Content-Length: 400\r\nConnection: close\r\n\r\n"
                       "{\"activation\":{\"code\":\"12");
      return TRUE;
    case XA_DEMO_MODE_DROP:
      write_and_close (soup_server_message_steal_connection (msg), "");
      return TRUE;
    case XA_DEMO_MODE_HANG:
      g_ptr_array_add (self->held_streams, soup_server_message_steal_connection (msg));
      return TRUE;
    case XA_DEMO_MODE_OTA_400:
      /* The official cloud's answer to a request it will not serve. */
      _xa_demo_respond_text (msg, SOUP_STATUS_BAD_REQUEST, "text/plain", "Invalid MAC address");
      return TRUE;
    case XA_DEMO_MODE_NESTED_JSON:
      {
        /* 100 KB of "[": a recursive parser overflows its stack. */
        char *body = g_malloc (NESTED_SIZE);
        memset (body, '[', NESTED_SIZE);
        soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
        soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE, body, NESTED_SIZE);
        return TRUE;
      }
    case XA_DEMO_MODE_HUGE_NUMBERS:
      _xa_demo_respond_text (msg, SOUP_STATUS_OK, "application/json",
                    "{\"server_time\":{\"timestamp\":-9223372036854775808,\"timezone_offset\":1e19},"
                    "\"activation\":{\"code\":\"246810\",\"message\":\"246810\",\"challenge\":\"c\","
                    "\"timeout_ms\":1e19}}");
      return TRUE;
    case XA_DEMO_MODE_ANSI_ESCAPES:
      /* An error text that would clear the screen, retitle the terminal
       * and print a line of ours. */
      _xa_demo_respond_text (msg, SOUP_STATUS_OK, "application/json",
                    "{\"error\":\"\\u001b[2J\\u001b]0;pwned\\u0007bad\\n\\u2714 Token is valid\"}");
      return TRUE;
    case XA_DEMO_MODE_OFFICIAL:
    case XA_DEMO_MODE_SELF_HOSTED:
    case XA_DEMO_MODE_MANAGER:
    case XA_DEMO_MODE_V1:
    case XA_DEMO_MODE_HELLO_WRONG_TRANSPORT:
    case XA_DEMO_MODE_HELLO_NO_SESSION:
    case XA_DEMO_MODE_HELLO_HANG:
    case XA_DEMO_MODE_UPGRADE_401:
    case XA_DEMO_MODE_UPGRADE_404:
    case XA_DEMO_MODE_TOKEN_NEWLINE:
    case XA_DEMO_MODE_FRAME_FLOOD:
    case XA_DEMO_MODE_OVERSIZE_FRAME:
    case XA_DEMO_MODE_BINARY_GARBAGE:
    case XA_DEMO_MODE_RESET_AFTER_UPGRADE:
    case XA_DEMO_MODE_UNKNOWN_DEVICE:
    case XA_DEMO_MODE_MQTT_ONLY:
    case XA_DEMO_MODE_MANAGER_PLACEHOLDER:
    case XA_DEMO_MODE_ACTIVATE_404:
    case XA_DEMO_MODE_DATED_TOKENS:
    case XA_DEMO_MODE_MQTT_NO_UDP:
    case XA_DEMO_MODE_MQTT_NULL_TOPIC:
    case XA_DEMO_MODE_MISCONFIGURED:
    case XA_DEMO_MODE_SINGLE_MODULE:
    case XA_DEMO_MODE_WHITELIST:
    case XA_DEMO_MODE_AUTH_OFF:
    case XA_DEMO_MODE_SLOW_MANAGER:
    case XA_DEMO_MODE_NO_AUTH_HEADER:
    case XA_DEMO_MODE_MCP_BEFORE_HELLO:
    case XA_DEMO_MODE_SLASH_ONLY:
    case XA_DEMO_N_MODES:
    default:
      return FALSE;
    }
}
