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

static void
answer_http_500 (XaDemoServer      *self,
                 SoupServerMessage *msg)
{
  _xa_demo_respond_text (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "text/plain", "Internal Server Error");
}

static void
answer_error_field (XaDemoServer      *self,
                    SoupServerMessage *msg)
{
  _xa_demo_respond_error_json (msg, SOUP_STATUS_OK, "error", "Invalid device ID");
}

static void
answer_success_false (XaDemoServer      *self,
                      SoupServerMessage *msg)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "success");
  json_builder_add_boolean_value (b, FALSE);
  json_builder_set_member_name (b, "message");
  json_builder_add_string_value (b, "request error.");
  json_builder_end_object (b);
  _xa_demo_respond_json (msg, SOUP_STATUS_OK, b);
}

static void
answer_code_500 (XaDemoServer      *self,
                 SoupServerMessage *msg)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "code");
  json_builder_add_int_value (b, 500);
  json_builder_set_member_name (b, "msg");
  json_builder_add_string_value (b, "服务器内部错误");
  json_builder_end_object (b);
  _xa_demo_respond_json (msg, SOUP_STATUS_OK, b);
}

static void
answer_not_json (XaDemoServer      *self,
                 SoupServerMessage *msg)
{
  _xa_demo_respond_text (msg, SOUP_STATUS_OK, "text/html",
                         "<!DOCTYPE html><html><body><h1>Welcome to nginx!</h1></body></html>");
}

static void
answer_incomplete (XaDemoServer      *self,
                   SoupServerMessage *msg)
{
  _xa_demo_respond_text (msg, SOUP_STATUS_OK, "application/json",
                         "{\"firmware\":{\"version\":\"1.0.0\",\"url\":\"\"}}");
}

static void
answer_redirect (XaDemoServer      *self,
                 SoupServerMessage *msg)
{
  soup_server_message_set_redirect (msg, SOUP_STATUS_MOVED_PERMANENTLY,
                                    "https://api.tenclass.net/xiaozhi/ota/");
}

static void
answer_huge (XaDemoServer      *self,
             SoupServerMessage *msg)
{
  char *body = g_malloc (HUGE_ANSWER_SIZE);
  /* Valid JSON, just far too big: {"pad":"xxxx…"} */
  memset (body, 'x', HUGE_ANSWER_SIZE);
  memcpy (body, "{\"pad\":\"", 8);
  memcpy (body + HUGE_ANSWER_SIZE - 2, "\"}", 2);
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE, body, HUGE_ANSWER_SIZE);
}

static void
answer_truncated (XaDemoServer      *self,
                  SoupServerMessage *msg)
{
  write_and_close (soup_server_message_steal_connection (msg),
                   "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                   "Content-Length: 400\r\nConnection: close\r\n\r\n"
                   "{\"activation\":{\"code\":\"12");
}

static void
answer_drop (XaDemoServer      *self,
             SoupServerMessage *msg)
{
  write_and_close (soup_server_message_steal_connection (msg), "");
}

static void
answer_hang (XaDemoServer      *self,
             SoupServerMessage *msg)
{
  g_ptr_array_add (self->held_streams, soup_server_message_steal_connection (msg));
}

static void
answer_ota_400 (XaDemoServer      *self,
                SoupServerMessage *msg)
{
  /* The official cloud's answer to a request it will not serve. */
  _xa_demo_respond_text (msg, SOUP_STATUS_BAD_REQUEST, "text/plain", "Invalid MAC address");
}

static void
answer_nested_json (XaDemoServer      *self,
                    SoupServerMessage *msg)
{
  /* 100 KB of "[": a recursive parser overflows its stack. */
  char *body = g_malloc (NESTED_SIZE);
  memset (body, '[', NESTED_SIZE);
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE, body, NESTED_SIZE);
}

static void
answer_huge_numbers (XaDemoServer      *self,
                     SoupServerMessage *msg)
{
  _xa_demo_respond_text (msg, SOUP_STATUS_OK, "application/json",
                         "{\"server_time\":{\"timestamp\":-9223372036854775808,\"timezone_offset\":1e19},"
                         "\"activation\":{\"code\":\"246810\",\"message\":\"246810\",\"challenge\":\"c\","
                         "\"timeout_ms\":1e19}}");
}

static void
answer_ansi_escapes (XaDemoServer      *self,
                     SoupServerMessage *msg)
{
  /* An error text that would clear the screen, retitle the terminal
   * and print a line of ours. */
  _xa_demo_respond_text (msg, SOUP_STATUS_OK, "application/json",
                         "{\"error\":\"\\u001b[2J\\u001b]0;pwned\\u0007bad\\n\\u2714 Token is valid\"}");
}

typedef void (*DemoFault) (XaDemoServer *self, SoupServerMessage *msg);

/* The modes whose OTA answer is a fault; the others answer as their
 * server does (xa-demo-server-ota.c). */
static const DemoFault faults[XA_DEMO_N_MODES] = {
  [XA_DEMO_MODE_HTTP_500] = answer_http_500,
  [XA_DEMO_MODE_ERROR_FIELD] = answer_error_field,
  [XA_DEMO_MODE_SUCCESS_FALSE] = answer_success_false,
  [XA_DEMO_MODE_CODE_500] = answer_code_500,
  [XA_DEMO_MODE_NOT_JSON] = answer_not_json,
  [XA_DEMO_MODE_INCOMPLETE] = answer_incomplete,
  [XA_DEMO_MODE_REDIRECT] = answer_redirect,
  [XA_DEMO_MODE_HUGE] = answer_huge,
  [XA_DEMO_MODE_TRUNCATED] = answer_truncated,
  [XA_DEMO_MODE_DROP] = answer_drop,
  [XA_DEMO_MODE_HANG] = answer_hang,
  [XA_DEMO_MODE_OTA_400] = answer_ota_400,
  [XA_DEMO_MODE_NESTED_JSON] = answer_nested_json,
  [XA_DEMO_MODE_HUGE_NUMBERS] = answer_huge_numbers,
  [XA_DEMO_MODE_ANSI_ESCAPES] = answer_ansi_escapes,
};

gboolean
_xa_demo_answer_fault (XaDemoServer      *self,
                       XaDemoMode         mode,
                       SoupServerMessage *msg)
{
  if (mode >= XA_DEMO_N_MODES || faults[mode] == NULL)
    return FALSE;
  faults[mode] (self, msg);
  return TRUE;
}
