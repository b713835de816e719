/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <string.h>

#include "xa-identity.h"
#include "xa-json.h"
#include "xa-net.h"
#include "xa-ota-private.h"
#include "xa-ota.h"
#include "xa-text.h"
#include "xa-url.h"

/* The two requests to a server's OTA address — the check
 * (xa_ota_check_async(): a code, or the WebSocket and MQTT details) and
 * the activation poll (xa_ota_activate_async()) — and their error
 * domain, XA_OTA_ERROR, whose errors keep their words as recipes. The
 * answer is xa-ota-answer.c's; the address checks are xa-url.c's. */

#define READ_CHUNK 65536

/* The three requests an OTA address gets. */
typedef enum
{
  REQUEST_CHECK,      /* the device's OTA check (POST) */
  REQUEST_ACTIVATE,   /* the /activate poll (POST) */
  REQUEST_GREETING,   /* what a browser gets (GET) */
} RequestKind;

typedef struct
{
  XaDeadline  *deadline;
  SoupMessage *msg;
  char        *url;
  GByteArray  *body;
  RequestKind  kind;
  char        *server_text;   /* of an /activate answer */
  char        *sent_version;  /* application.version in the request */
} PostData;

/* An OTA error keeps its words as a recipe too (xa_ota_error_dup_text()),
 * for a Test's advice that is shown again in another language. */
typedef struct
{
  XaText *text;
} XaOtaErrorPrivate;

static void
xa_ota_error_private_init (XaOtaErrorPrivate *priv)
{
}

static void
xa_ota_error_private_copy (const XaOtaErrorPrivate *src,
                           XaOtaErrorPrivate       *dest)
{
  dest->text = src->text ? xa_text_copy (src->text) : NULL;
}

static void
xa_ota_error_private_clear (XaOtaErrorPrivate *priv)
{
  g_clear_pointer (&priv->text, xa_text_free);
}

G_DEFINE_EXTENDED_ERROR (XaOtaError, xa_ota_error)

static void
post_data_free (PostData *pd)
{
  g_clear_pointer (&pd->deadline, xa_deadline_free);
  g_clear_object (&pd->msg);
  g_clear_pointer (&pd->body, g_byte_array_unref);
  g_free (pd->server_text);
  g_free (pd->sent_version);
  g_free (pd->url);
  g_free (pd);
}

/* Takes @text. */
GError *
_xa_ota_error_new (XaOtaError  code,
                   XaText     *text)
{
  g_autofree char *message = xa_text_render (text);
  GError *error = g_error_new_literal (XA_OTA_ERROR, code, message);

  xa_ota_error_get_private (error)->text = text;
  return error;
}

/* The words of any error as a recipe: an OTA error's own, else its
 * message as it is. */
XaText *
xa_ota_error_dup_text (const GError *error)
{
  if (error->domain == XA_OTA_ERROR && xa_ota_error_get_private (error)->text != NULL)
    return xa_text_copy (xa_ota_error_get_private (error)->text);
  return xa_text_new_literal (error->message);
}

GError *
_xa_ota_error_too_large (void)
{
  return _xa_ota_error_new (XA_OTA_ERROR_TOO_LARGE, xa_text_new_printf (N_("The server’s answer is larger than 1 MiB, which no OTA server sends. "
                                "Check the OTA address.")));
}

static GError *
truncated_error (void)
{
  return _xa_ota_error_new (XA_OTA_ERROR_TRUNCATED, xa_text_new_printf (N_("The server’s answer was cut off. Try again; if it keeps happening, "
                                "the server or a proxy in between is at fault.")));
}

GError *
_xa_ota_error_invalid_url (const char *url)
{
  return _xa_ota_error_new (XA_OTA_ERROR_INVALID_URL, xa_text_new_printf (/* Translators: %s is the address the user gave */
                      N_("“%s” is not a valid OTA address. "
                        "It should look like https://api.tenclass.net/xiaozhi/ota/."),
                      url ? url : ""));
}

/* ---- requests ---------------------------------------------------------- */

static GBytes *
bytes_from_builder (JsonBuilder *builder)
{
  g_autoptr(JsonNode) root = json_builder_get_root (builder);
  char *text = json_to_string (root, FALSE);

  return g_bytes_new_take (text, strlen (text));
}

static GBytes *
build_check_body (const XaIdentity *identity)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  /* The device's own version and board, not this program's: the manager
   * shows them as the device's and picks its firmware by board. */
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "application");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, "xiaozhi");
  json_builder_set_member_name (b, "version");
  json_builder_add_string_value (b, identity->app_version ? identity->app_version : XA_DEFAULT_APP_VERSION);
  /* Where py-xiaozhi hands its HMAC key to the server (PROTOCOL.md §2). */
  json_builder_set_member_name (b, "elf_sha256");
  json_builder_add_string_value (b, identity->hmac_key);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "board");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, identity->board_type ? identity->board_type : XA_DEFAULT_BOARD_TYPE);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, identity->board_type ? identity->board_type : XA_DEFAULT_BOARD_TYPE);
  json_builder_set_member_name (b, "mac");
  json_builder_add_string_value (b, identity->device_id);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "mac_address");
  json_builder_add_string_value (b, identity->device_id);
  json_builder_set_member_name (b, "uuid");
  json_builder_add_string_value (b, identity->client_id);
  json_builder_set_member_name (b, "language");
  json_builder_add_string_value (b, xa_net_get_language ());
  json_builder_end_object (b);

  return bytes_from_builder (b);
}

static GBytes *
build_activate_body (const XaIdentity *identity,
                     const char       *challenge)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autofree char *hmac = xa_hmac_sign (identity->hmac_key, challenge);

  /* py-xiaozhi's wrapped form; servers accept it as well as the bare one. */
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "Payload");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "algorithm");
  json_builder_add_string_value (b, "hmac-sha256");
  json_builder_set_member_name (b, "serial_number");
  json_builder_add_string_value (b, identity->serial_number);
  json_builder_set_member_name (b, "challenge");
  json_builder_add_string_value (b, challenge);
  json_builder_set_member_name (b, "hmac");
  json_builder_add_string_value (b, hmac);
  json_builder_end_object (b);
  json_builder_end_object (b);

  return bytes_from_builder (b);
}

static GError *
map_network_error (PostData *pd,
                   GError   *error,
                   gboolean  reading_body)
{
  g_autoptr(GError) owned = error;
  XaText *text;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      if (!xa_deadline_expired (pd->deadline))
        return g_steal_pointer (&owned);

      return _xa_ota_error_new (XA_OTA_ERROR_TIMEOUT, xa_text_new_printf (N_("%s did not answer in time. "
                            "Check that the server is running and try again."),
                          pd->url));
    }

  if (reading_body && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT))
    return truncated_error ();

  text = xa_net_describe_error (error, pd->url, pd->msg);
  switch (xa_net_classify_error (error))
    {
    case XA_NET_FAILURE_TLS:
      return _xa_ota_error_new (XA_OTA_ERROR_TLS, text);
    case XA_NET_FAILURE_TIMEOUT:
      return _xa_ota_error_new (XA_OTA_ERROR_TIMEOUT, text);
    case XA_NET_FAILURE_NONE:
    case XA_NET_FAILURE_UNREACHABLE:
    default:
      return _xa_ota_error_new (XA_OTA_ERROR_UNREACHABLE, text);
    }
}

/* What the server said in an error answer, fit to show: the text of a
 * JSON error shape, or a short plain body (not an HTML page). */
static char *
server_text_of (PostData *pd)
{
  const char *data = (const char *) pd->body->data;
  gsize len = pd->body->len;
  g_autoptr(JsonNode) node = NULL;

  if (len == 0)
    return NULL;
  node = xa_json_parse (data, len, NULL);
  if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *o = json_node_get_object (node);
      const char *keys[] = { "error", "message", "msg" };

      for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
        if (xa_json_get_string (o, keys[i]) != NULL && *xa_json_get_string (o, keys[i]) != '\0')
          return xa_server_text_sanitize (xa_json_get_string (o, keys[i]), -1, FALSE);
      return NULL;
    }
  if (node == NULL && len <= 300 && memchr (data, '<', len) == NULL)
    {
      g_autofree char *text = xa_server_text_sanitize (data, len, FALSE);
      return *g_strstrip (text) ? g_steal_pointer (&text) : NULL;
    }
  return NULL;
}

/* An error answer may be the proxy's, not the server's: one that went
 * through a proxy says so (and takes @text). */
static XaText *
with_route (PostData *pd,
            XaText   *text)
{
  xa_net_append_route (text, pd->msg);
  return text;
}

static GError *
status_error (PostData *pd,
              guint     status)
{
  g_autofree char *said = server_text_of (pd);
  g_autofree char *quoted = xa_server_text_quote (said);
  XaText *proxied = xa_net_describe_proxy_status (pd->msg, status);

  /* An answer that may be the proxy's, not the server's. */
  if (proxied != NULL)
    return _xa_ota_error_new (XA_OTA_ERROR_UNREACHABLE, proxied);

  if (SOUP_STATUS_IS_REDIRECTION (status))
    {
      g_autofree char *location = xa_server_text_sanitize (
        soup_message_headers_get_one (soup_message_get_response_headers (pd->msg), "Location"), -1, FALSE);
      return _xa_ota_error_new (XA_OTA_ERROR_REDIRECTED, with_route (pd, xa_text_new_printf (/* Translators: %s is the address the server redirected to */
                          N_("The server sent the OTA request elsewhere (%s). "
                            "Use that address as the OTA address instead."),
                          location ? location : "?")));
    }

  /* The official cloud says what is wrong with a request (HTTP 400
   * “Invalid MAC address”): show it. */
  if (said != NULL && SOUP_STATUS_IS_CLIENT_ERROR (status) && status != SOUP_STATUS_NOT_FOUND)
    return _xa_ota_error_new (XA_OTA_ERROR_SERVER_REFUSED, with_route (pd, xa_text_new_printf (/* Translators: %u is an HTTP status, %s the server's own words */
                        N_("The server refused the request (HTTP %u): “%s”. "
                          "Check the Device-Id and the OTA address."),
                        status, quoted)));

  if (status == SOUP_STATUS_NOT_FOUND)
    return _xa_ota_error_new (XA_OTA_ERROR_NOT_FOUND, with_route (pd, xa_text_new_printf (N_("There is no OTA service at %s (HTTP 404). "
                          "Check the address, including the /xiaozhi/ota/ path and its final slash."),
                        pd->url)));

  return _xa_ota_error_new (XA_OTA_ERROR_HTTP_STATUS, with_route (pd, xa_text_new_printf (/* Translators: %u is an HTTP status code, %s its standard phrase */
                      N_("The server answered with an error (HTTP %u %s). "
                        "If the address is right, the server has a problem: try again later."),
                      status, soup_status_get_phrase (status))));
}

static void
finish_post (GTask *task)
{
  PostData *pd = g_task_get_task_data (task);
  guint status = soup_message_get_status (pd->msg);
  g_autoptr(GError) error = NULL;
  XaOtaAnswer *answer;
  goffset length;

  if (pd->kind == REQUEST_ACTIVATE)
    {
      /* The poller decides what each status means; it shows the words. */
      pd->server_text = server_text_of (pd);
      g_task_return_int (task, status);
      return;
    }
  if (pd->kind == REQUEST_GREETING)
    {
      const char *type = soup_message_headers_get_content_type (soup_message_get_response_headers (pd->msg), NULL);

      /* Plain text said on success; a page, JSON or an error is no greeting. */
      g_task_return_pointer (task,
                             SOUP_STATUS_IS_SUCCESSFUL (status) && g_strcmp0 (type, "text/plain") == 0 &&
                               pd->body->len > 0 && pd->body->len <= 2000
                               ? g_strstrip (xa_server_text_sanitize ((const char *) pd->body->data, pd->body->len, FALSE))
                               : NULL,
                             g_free);
      return;
    }

  if (!SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      g_task_return_error (task, status_error (pd, status));
      return;
    }

  /* libsoup hands over a short body without complaint when the server
   * closes early: compare with what the headers announced. */
  length = soup_message_headers_get_content_length (soup_message_get_response_headers (pd->msg));
  if (length > 0 && (goffset) pd->body->len < length)
    {
      g_task_return_error (task, truncated_error ());
      return;
    }

  answer = xa_ota_answer_parse ((const char *) pd->body->data, pd->body->len, &error);
  if (answer == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  answer->sent_version = g_strdup (pd->sent_version);
  g_task_return_pointer (task, answer, (GDestroyNotify) xa_ota_answer_free);
}

static void
read_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  PostData *pd = g_task_get_task_data (task);
  GInputStream *stream = G_INPUT_STREAM (object);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) chunk = NULL;

  chunk = g_input_stream_read_bytes_finish (stream, result, &error);
  if (chunk == NULL)
    {
      g_task_return_error (task, map_network_error (pd, g_steal_pointer (&error), TRUE));
      return;
    }

  if (g_bytes_get_size (chunk) == 0)
    {
      finish_post (task);
      return;
    }

  g_byte_array_append (pd->body, g_bytes_get_data (chunk, NULL), g_bytes_get_size (chunk));
  if (pd->body->len > XA_OTA_MAX_ANSWER_SIZE)
    {
      g_task_return_error (task, _xa_ota_error_too_large ());
      return;
    }

  g_input_stream_read_bytes_async (stream, READ_CHUNK, G_PRIORITY_DEFAULT,
                                   xa_deadline_get_cancellable (pd->deadline),
                                   read_cb, g_steal_pointer (&task));
}

static void
send_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  PostData *pd = g_task_get_task_data (task);
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(GError) error = NULL;
  goffset length;

  stream = soup_session_send_finish (SOUP_SESSION (object), result, &error);
  if (stream == NULL)
    {
      g_task_return_error (task, map_network_error (pd, g_steal_pointer (&error), FALSE));
      return;
    }

  length = soup_message_headers_get_content_length (soup_message_get_response_headers (pd->msg));
  if (length > XA_OTA_MAX_ANSWER_SIZE)
    {
      g_task_return_error (task, _xa_ota_error_too_large ());
      return;
    }

  g_input_stream_read_bytes_async (stream, READ_CHUNK, G_PRIORITY_DEFAULT,
                                   xa_deadline_get_cancellable (pd->deadline),
                                   read_cb, g_steal_pointer (&task));
}

static void
post_async (const char         *url,
            const XaIdentity   *identity,
            GBytes             *body,
            RequestKind         kind,
            guint               timeout_ms,
            GCancellable       *cancellable,
            gpointer            source_tag,
            GAsyncReadyCallback callback,
            gpointer            user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *user_agent = NULL;
  SoupMessageHeaders *headers;
  PostData *pd;

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, source_tag);

  if (!xa_ota_url_validate (url, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  pd = g_new0 (PostData, 1);
  pd->url = g_strdup (url);
  pd->kind = kind;
  pd->sent_version = g_strdup (identity->app_version ? identity->app_version : XA_DEFAULT_APP_VERSION);
  pd->body = g_byte_array_new ();
  pd->deadline = xa_deadline_new (cancellable, timeout_ms ? timeout_ms : XA_OTA_DEFAULT_TIMEOUT_MS);
  pd->msg = soup_message_new (kind == REQUEST_GREETING ? SOUP_METHOD_GET : SOUP_METHOD_POST, url);
  g_task_set_task_data (task, pd, (GDestroyNotify) post_data_free);
  if (pd->msg == NULL)
    {
      /* GUri took it, libsoup did not: still not an address we can use. */
      g_task_return_error (task, _xa_ota_error_invalid_url (url));
      return;
    }

  xa_net_prepare_message (pd->msg);
  headers = soup_message_get_request_headers (pd->msg);
  soup_message_headers_replace (headers, "Device-Id", identity->device_id);
  soup_message_headers_replace (headers, "Client-Id", identity->client_id);
  user_agent = g_strdup_printf ("%s/xiaozhi-%s",
                                identity->board_type ? identity->board_type : XA_DEFAULT_BOARD_TYPE,
                                identity->app_version ? identity->app_version : XA_DEFAULT_APP_VERSION);
  soup_message_headers_replace (headers, "User-Agent", user_agent);
  soup_message_headers_replace (headers, "Accept-Language", xa_net_get_language ());
  /* As the firmware: a serial number goes with Activation-Version 2. */
  soup_message_headers_replace (headers, "Activation-Version", identity->serial_number ? "2" : "1");
  if (identity->serial_number != NULL)
    soup_message_headers_replace (headers, "Serial-Number", identity->serial_number);
  if (body != NULL)
    soup_message_set_request_body_from_bytes (pd->msg, "application/json", body);

  soup_session_send_async (xa_net_get_session_for (identity->no_proxy), pd->msg, G_PRIORITY_DEFAULT,
                           xa_deadline_get_cancellable (pd->deadline),
                           send_cb, g_steal_pointer (&task));
}

void
xa_ota_check_async (const char          *ota_url,
                    const XaIdentity    *identity,
                    guint                timeout_ms,
                    GCancellable        *cancellable,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data)
{
  g_autoptr(GBytes) body = build_check_body (identity);

  post_async (ota_url, identity, body, REQUEST_CHECK, timeout_ms, cancellable,
              xa_ota_check_async, callback, user_data);
}

XaOtaAnswer *
xa_ota_check_finish (GAsyncResult  *result,
                     GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == xa_ota_check_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
xa_ota_activate_async (const char          *ota_url,
                       const XaIdentity    *identity,
                       const char          *challenge,
                       guint                timeout_ms,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(GBytes) body = build_activate_body (identity, challenge);
  g_autofree char *url = xa_ota_activate_url (ota_url);

  post_async (url, identity, body, REQUEST_ACTIVATE, timeout_ms, cancellable,
              xa_ota_activate_async, callback, user_data);
}

/* Returns the HTTP status, and in @server_text what the server said with
 * it (or NULL); 0 with @error set when there was no answer. */
guint
xa_ota_activate_finish (GAsyncResult  *result,
                        char         **server_text,
                        GError       **error)
{
  gssize status;

  g_return_val_if_fail (g_task_is_valid (result, NULL), 0);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == xa_ota_activate_async, 0);

  status = g_task_propagate_int (G_TASK (result), error);
  if (server_text != NULL)
    {
      PostData *pd = g_task_get_task_data (G_TASK (result));
      *server_text = status > 0 && pd != NULL ? g_strdup (pd->server_text) : NULL;
    }
  return status < 0 ? 0 : (guint) status;
}

/* What the OTA address says to a browser (a GET, with the device's
 * headers): self-hosted servers say in a line of plain text whether their
 * OTA service is set up (xiaozhi-esp32-server's ota_handler.py, its
 * manager-api's OTAController). */
void
xa_ota_greeting_async (const char          *ota_url,
                       const XaIdentity    *identity,
                       guint                timeout_ms,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  post_async (ota_url, identity, NULL, REQUEST_GREETING, timeout_ms, cancellable,
              xa_ota_greeting_async, callback, user_data);
}

/* The server's line, made fit to show; NULL (without @error) when it said
 * no such thing (a page, JSON, an error status). */
char *
xa_ota_greeting_finish (GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == xa_ota_greeting_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
