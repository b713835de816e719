/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "xa-json-edit.h"
#include "xa-net.h"
#include "xa-ota.h"

#define READ_CHUNK 65536

typedef struct
{
  XaDeadline  *deadline;
  SoupMessage *msg;
  char        *url;
  GByteArray  *body;
  gboolean     is_activate;
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
G_DEFINE_BOXED_TYPE (XaOtaAnswer, xa_ota_answer, xa_ota_answer_copy, xa_ota_answer_free)

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
static GError *
ota_error (XaOtaError  code,
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

static GError *
too_large_error (void)
{
  return ota_error (XA_OTA_ERROR_TOO_LARGE, xa_text_new_printf (N_("The server’s answer is larger than 1 MiB, which no OTA server sends. "
                                "Check the OTA address.")));
}

static GError *
truncated_error (void)
{
  return ota_error (XA_OTA_ERROR_TRUNCATED, xa_text_new_printf (N_("The server’s answer was cut off. Try again; if it keeps happening, "
                                "the server or a proxy in between is at fault.")));
}

static GError *
invalid_url_error (const char *url)
{
  return ota_error (XA_OTA_ERROR_INVALID_URL, xa_text_new_printf (/* Translators: %s is the address the user gave */
                      N_("“%s” is not a valid OTA address. "
                        "It should look like https://api.tenclass.net/xiaozhi/ota/."),
                      url ? url : ""));
}

/* ---- answer parsing ---------------------------------------------------- */

static char *dup_member_string (JsonObject *obj, const char *name);

/* Text a server sent, made fit to show in a terminal or a label: valid
 * UTF-8, no control characters (escape sequences could fake our output or
 * retitle a terminal), at most 500 characters. */
char *
xa_server_text_sanitize (const char *text,
                         gssize      length,
                         gboolean    keep_newlines)
{
  g_autofree char *valid = NULL;
  GString *out;
  glong count = 0;

  if (text == NULL)
    return NULL;
  valid = g_utf8_make_valid (text, length);
  out = g_string_sized_new (strlen (valid));
  for (const char *p = valid; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (++count > 500)
        {
          g_string_append (out, "…");
          break;
        }
      if (c == '\n' && keep_newlines)
        g_string_append_c (out, '\n');
      else if (g_unichar_iscntrl (c) || c == 0x2028 || c == 0x2029)
        g_string_append_c (out, ' ');
      else
        g_string_append_unichar (out, c);
    }
  return g_string_free (out, FALSE);
}

/* Sanitized server text to put between quotes in one of our sentences:
 * without its own final full stop, so none is doubled after the quote. */
char *
xa_server_text_quote (const char *text)
{
  g_autofree char *clean = xa_server_text_sanitize (text, -1, FALSE);
  const char *stops[] = { ".", "。", "!", "！", "?", "？" };
  gsize len;

  if (clean == NULL)
    return NULL;
  g_strchomp (clean);
  len = strlen (clean);
  for (guint i = 0; i < G_N_ELEMENTS (stops); i++)
    if (g_str_has_suffix (clean, stops[i]) && !g_str_has_suffix (clean, "..."))
      {
        clean[len - strlen (stops[i])] = '\0';
        break;
      }
  return g_steal_pointer (&clean);
}

/* A string member, for showing: sanitized. */
static char *
dup_member_text (JsonObject *obj,
                 const char *name,
                 gboolean    keep_newlines)
{
  g_autofree char *raw = dup_member_string (obj, name);

  return xa_server_text_sanitize (raw, -1, keep_newlines);
}

static char *
dup_member_string (JsonObject *obj,
                   const char *name)
{
  JsonNode *node;

  if (obj == NULL || !json_object_has_member (obj, name))
    return NULL;

  node = json_object_get_member (obj, name);
  if (!JSON_NODE_HOLDS_VALUE (node))
    return NULL;

  switch (json_node_get_value_type (node))
    {
    case G_TYPE_STRING:
      return g_strdup (json_node_get_string (node));
    case G_TYPE_INT64:
      return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
    default:
      return NULL;
    }
}

static gboolean
get_member_int (JsonObject *obj,
                const char *name,
                gint64     *value)
{
  JsonNode *node;

  if (obj == NULL || !json_object_has_member (obj, name))
    return FALSE;

  node = json_object_get_member (obj, name);
  if (!JSON_NODE_HOLDS_VALUE (node))
    return FALSE;

  switch (json_node_get_value_type (node))
    {
    case G_TYPE_INT64:
      *value = json_node_get_int (node);
      return TRUE;
    case G_TYPE_DOUBLE:
      {
        double d = json_node_get_double (node);

        /* Out of range (1e19, 1e999…) saturates; the callers clamp. */
        if (isnan (d))
          return FALSE;
        *value = d >= 9.0e18 ? G_MAXINT64 : d <= -9.0e18 ? G_MININT64 : (gint64) d;
        return TRUE;
      }
    case G_TYPE_STRING:
      {
        const char *s = json_node_get_string (node);
        return g_ascii_string_to_signed (s, 10, G_MININT64, G_MAXINT64, value, NULL);
      }
    default:
      return FALSE;
    }
}

static JsonObject *
get_member_object (JsonObject *obj,
                   const char *name)
{
  JsonNode *node;

  if (!json_object_has_member (obj, name))
    return NULL;
  node = json_object_get_member (obj, name);
  return JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static gboolean
code_is_plausible (const char *code)
{
  gsize n = strlen (code);

  if (n == 0 || n > 16)
    return FALSE;
  for (const char *p = code; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p))
      return FALSE;
  return TRUE;
}

/* Servers report errors inside HTTP 200 in several shapes (PROTOCOL.md §2). */
static char *
find_error_text (JsonObject *root)
{
  gint64 code = 0;
  char *text;

  if ((text = dup_member_text (root, "error", FALSE)) != NULL)
    return text;

  if (!xa_json_get_boolean (root, "success", TRUE))
    {
      text = dup_member_text (root, "message", FALSE);
      if (text == NULL)
        text = dup_member_text (root, "msg", FALSE);
      return text ? text : g_strdup ("success: false");
    }

  if (get_member_int (root, "code", &code) && code != 0 && code != 200)
    {
      text = dup_member_text (root, "msg", FALSE);
      if (text == NULL)
        text = dup_member_text (root, "message", FALSE);
      return text ? text : g_strdup_printf ("code %" G_GINT64_FORMAT, code);
    }

  return NULL;
}

XaOtaAnswer *
xa_ota_answer_parse (const char  *data,
                     gsize        length,
                     GError     **error)
{
  g_autoptr(JsonNode) root_node = NULL;
  g_autoptr(XaOtaAnswer) answer = NULL;
  g_autofree char *error_text = NULL;
  JsonObject *root, *section;
  gint64 v;

  if (length > XA_OTA_MAX_ANSWER_SIZE)
    {
      g_propagate_error (error, too_large_error ());
      return NULL;
    }

  if (!xa_json_depth_ok (data, length))
    {
      g_propagate_error (error, ota_error (XA_OTA_ERROR_NOT_JSON, xa_text_new_printf (N_("The server’s answer is nested more than %d levels deep, which no OTA answer is. "
                     "Check the OTA address and the server."), XA_JSON_MAX_DEPTH)));
      return NULL;
    }
  root_node = xa_json_parse (data, length, NULL);
  if (root_node == NULL || !JSON_NODE_HOLDS_OBJECT (root_node))
    {
      g_propagate_error (error, ota_error (XA_OTA_ERROR_NOT_JSON, xa_text_new_printf (N_("The server’s answer is not a JSON object, so this is probably not an OTA address. "
                     "Check the address: it usually ends in /xiaozhi/ota/."))));
      return NULL;
    }

  root = json_node_get_object (root_node);
  answer = g_new0 (XaOtaAnswer, 1);
  answer->timeout_ms = -1;
  answer->received_at_ms = g_get_real_time () / 1000;

  if ((section = get_member_object (root, "activation")) != NULL)
    {
      answer->has_activation = TRUE;
      answer->code = dup_member_string (section, "code");
      answer->message = dup_member_text (section, "message", TRUE);
      /* The manager sends “<server.fronted_url>\n<code>”: where the code
       * is typed. */
      if (answer->message != NULL)
        {
          g_autofree char *first = g_strndup (answer->message, strcspn (answer->message, "\n"));
          if (xa_ota_url_validate (g_strstrip (first), NULL))
            answer->panel_url = g_steal_pointer (&first);
        }
      answer->challenge = dup_member_string (section, "challenge");
      /* A lifetime beyond a day is none we can count down. */
      if (get_member_int (section, "timeout_ms", &v) && v > 0)
        answer->timeout_ms = MIN (v, (gint64) 24 * 3600 * 1000);

      /* The code is shown large and typed by a person: digits and
       * letters only. The challenge goes back in our request body. */
      if (answer->code != NULL && !code_is_plausible (answer->code))
        {
          g_propagate_error (error, ota_error (XA_OTA_ERROR_UNSAFE_VALUE, xa_text_new_printf (N_("The server’s activation code has characters no code has, or is far too long. "
                                 "Check the OTA address and the server."))));
          return NULL;
        }
      if (answer->challenge != NULL && strlen (answer->challenge) > 1024)
        g_clear_pointer (&answer->challenge, g_free);
    }

  if ((section = get_member_object (root, "websocket")) != NULL)
    {
      answer->websocket_url = dup_member_string (section, "url");
      answer->token = dup_member_string (section, "token");
      answer->has_websocket = answer->websocket_url != NULL && *answer->websocket_url != '\0';
      if (get_member_int (section, "version", &v) && v > 0 && v < 100)
        answer->websocket_version = (gint) v;

      /* These two are stored, exported into other programs' files and
       * sent back in headers: refuse anything else than what a real
       * server sends, before any of it is kept. */
      if (answer->has_websocket && !xa_websocket_url_is_safe (answer->websocket_url))
        {
          g_propagate_error (error, ota_error (XA_OTA_ERROR_UNSAFE_VALUE, xa_text_new_printf (N_("The server’s answer has a WebSocket address that is not a ws:// or wss:// "
                                 "address, or has characters no address has. Nothing was saved: "
                                 "check the server’s configuration, or whether something between you and it "
                                 "changes its answers."))));
          return NULL;
        }
      if (answer->token != NULL && !xa_token_is_safe (answer->token))
        {
          g_propagate_error (error, ota_error (XA_OTA_ERROR_UNSAFE_VALUE, xa_text_new_printf (N_("The server’s answer has a token with characters no token has "
                                 "(spaces, quotes or control characters), or one far too long. Nothing was saved: "
                                 "check the server’s configuration, or whether something between you and it "
                                 "changes its answers."))));
          return NULL;
        }
    }

  if ((section = get_member_object (root, "mqtt")) != NULL)
    {
      answer->has_mqtt = TRUE;
      answer->mqtt_endpoint = dup_member_text (section, "endpoint", FALSE);
      answer->mqtt_client_id = dup_member_text (section, "client_id", FALSE);
      answer->mqtt_username = dup_member_text (section, "username", FALSE);
      answer->mqtt_password = dup_member_string (section, "password");
      answer->mqtt_publish_topic = dup_member_text (section, "publish_topic", FALSE);
      answer->mqtt_subscribe_topic = dup_member_text (section, "subscribe_topic", FALSE);
      if (g_strcmp0 (answer->mqtt_subscribe_topic, "null") == 0)
        g_clear_pointer (&answer->mqtt_subscribe_topic, g_free);
    }

  /* A server time outside 2001–2100 is a broken clock, not a skew. */
  if ((section = get_member_object (root, "server_time")) != NULL &&
      get_member_int (section, "timestamp", &answer->server_time_ms) &&
      answer->server_time_ms > G_GINT64_CONSTANT (978307200000) &&
      answer->server_time_ms < G_GINT64_CONSTANT (4102444800000))
    {
      answer->has_server_time = TRUE;
      if (get_member_int (section, "timezone_offset", &v) && v > -24 * 60 && v < 24 * 60)
        answer->timezone_offset_min = (gint) v;
    }

  if ((section = get_member_object (root, "firmware")) != NULL)
    {
      answer->firmware_version = dup_member_text (section, "version", FALSE);
      answer->firmware_url = dup_member_text (section, "url", FALSE);
      answer->firmware_force = get_member_int (section, "force", &v) && v == 1;
    }

  /* A real answer wins over a stray "code": only look for error shapes
   * when there is nothing usable. */
  if (!answer->has_activation && !answer->has_websocket && !answer->has_mqtt)
    {
      error_text = find_error_text (root);
      if (error_text != NULL)
        {
          g_autofree char *quoted = xa_server_text_quote (error_text);

          g_propagate_error (error, ota_error (XA_OTA_ERROR_SERVER_REFUSED, xa_text_new_printf (/* Translators: %s is the server's own error text, e.g. "Invalid device ID" */
                       N_("The server refused the request: “%s”. "
                         "Check the Device-Id and the OTA address."),
                       quoted)));
          return NULL;
        }

      g_propagate_error (error, ota_error (XA_OTA_ERROR_INCOMPLETE, xa_text_new_printf (N_("The server’s answer has neither an activation code nor connection details "
                     "(websocket or mqtt). This server may not speak the xiaozhi protocol."))));
      return NULL;
    }

  if (answer->has_activation && (answer->code == NULL || *answer->code == '\0'))
    {
      g_propagate_error (error, ota_error (XA_OTA_ERROR_INCOMPLETE, xa_text_new_printf (N_("The server asks for activation but sent no activation code. "
                     "Try again in a moment."))));
      return NULL;
    }

  return g_steal_pointer (&answer);
}

XaOtaAnswer *
xa_ota_answer_copy (const XaOtaAnswer *self)
{
  XaOtaAnswer *copy = g_memdup2 (self, sizeof *self);

  copy->code = g_strdup (self->code);
  copy->message = g_strdup (self->message);
  copy->panel_url = g_strdup (self->panel_url);
  copy->challenge = g_strdup (self->challenge);
  copy->websocket_url = g_strdup (self->websocket_url);
  copy->token = g_strdup (self->token);
  copy->mqtt_endpoint = g_strdup (self->mqtt_endpoint);
  copy->mqtt_client_id = g_strdup (self->mqtt_client_id);
  copy->mqtt_username = g_strdup (self->mqtt_username);
  copy->mqtt_password = g_strdup (self->mqtt_password);
  copy->mqtt_publish_topic = g_strdup (self->mqtt_publish_topic);
  copy->mqtt_subscribe_topic = g_strdup (self->mqtt_subscribe_topic);
  copy->firmware_version = g_strdup (self->firmware_version);
  copy->firmware_url = g_strdup (self->firmware_url);
  copy->firmware_force = self->firmware_force;
  copy->sent_version = g_strdup (self->sent_version);

  return copy;
}

void
xa_ota_answer_free (XaOtaAnswer *self)
{
  if (self == NULL)
    return;

  g_free (self->code);
  g_free (self->message);
  g_free (self->panel_url);
  g_free (self->challenge);
  g_free (self->websocket_url);
  xa_secret_free (self->token);
  g_free (self->mqtt_endpoint);
  g_free (self->mqtt_client_id);
  g_free (self->mqtt_username);
  xa_secret_free (self->mqtt_password);
  g_free (self->mqtt_publish_topic);
  g_free (self->mqtt_subscribe_topic);
  g_free (self->firmware_version);
  g_free (self->firmware_url);
  g_free (self->sent_version);
  g_free (self);
}

/* Positive when the local clock is ahead of the server's. */
gboolean
xa_ota_answer_get_clock_skew (const XaOtaAnswer *self,
                              gint64            *skew_ms)
{
  if (!self->has_server_time)
    return FALSE;

  *skew_ms = self->received_at_ms - self->server_time_ms;
  return TRUE;
}

const char *
xa_ota_answer_get_panel_url (const XaOtaAnswer *self)
{
  return self->panel_url;
}

/* The manager's placeholder host (xiaozhi.server.com), which it sends
 * for server.fronted_url and server.websocket until they are set. */
gboolean
xa_url_is_placeholder (const char *url)
{
  g_autofree char *host = xa_url_dup_host (url);

  return g_strcmp0 (host, "xiaozhi.server.com") == 0;
}

/* The host of @url, lower case, or NULL. */
char *
xa_url_dup_host (const char *url)
{
  g_autoptr(GUri) uri = url ? g_uri_parse (url, SOUP_HTTP_URI_FLAGS, NULL) : NULL;

  return uri && g_uri_get_host (uri) ? g_ascii_strdown (g_uri_get_host (uri), -1) : NULL;
}

/* Loopback and Docker's bridge (172.16.0.0/12): fine on the server's own
 * machine, out of reach for a device anywhere else. */
gboolean
xa_host_is_local (const char *host)
{
  int second;

  if (g_str_has_prefix (host, "127.") || g_str_equal (host, "localhost") || g_str_equal (host, "::1"))
    return TRUE;
  if (!g_str_has_prefix (host, "172."))
    return FALSE;
  second = atoi (host + 4);
  return second >= 16 && second <= 31;
}

static gboolean
is_official_host (const char *host)
{
  return host != NULL && (g_str_equal (host, "api.tenclass.net") || g_str_has_suffix (host, ".xiaozhi.me") ||
                          g_str_equal (host, "xiaozhi.me"));
}

/* What the answer's own shape says of the software behind it, read from
 * their sources: the manager-api puts /otaMag/download/ in every firmware
 * address it sends (its placeholder too) and uses the Device-Id as the
 * challenge; xiaozhi-esp32-server's own OTA (the single-module server,
 * ota_handler.py) never sends a code, echoes the device's version with an
 * empty address, or offers /xiaozhi/ota/download/. An answer that shows
 * none of these is UNKNOWN, never a guess from the port. */
XaServerKind
xa_ota_answer_get_server_kind (const XaOtaAnswer *self,
                               const char        *ota_url)
{
  g_autofree char *host = xa_url_dup_host (ota_url);
  const char *url = self->firmware_url;

  if (is_official_host (host))
    return XA_SERVER_KIND_OFFICIAL;
  if (url != NULL && strstr (url, "/otaMag/download/") != NULL)
    return XA_SERVER_KIND_MANAGER;
  if (self->has_activation)
    {
      g_autofree char *mac = self->challenge ? xa_mac_normalize (self->challenge, NULL) : NULL;
      return mac != NULL ? XA_SERVER_KIND_MANAGER : XA_SERVER_KIND_UNKNOWN;
    }
  if (url != NULL && ((*url == '\0' && self->firmware_version != NULL &&
                       g_strcmp0 (self->firmware_version, self->sent_version) == 0) ||
                      strstr (url, "/xiaozhi/ota/download/") != NULL))
    return XA_SERVER_KIND_SINGLE_MODULE;
  return XA_SERVER_KIND_UNKNOWN;
}

/* Whether a board running @current installs @offered, as the firmware
 * decides it (78/xiaozhi-esp32, Ota::IsNewVersionAvailable): the versions
 * are dot-separated numbers compared one by one, the first that differs
 * decides, and when one is the other's start the longer is newer. So
 * "0.0.0" is older than any release, and "1.6" is older than "1.6.1". */
gboolean
xa_firmware_version_is_newer (const char *current,
                              const char *offered)
{
  g_auto(GStrv) now = g_strsplit (current ? current : "", ".", -1);
  g_auto(GStrv) next = g_strsplit (offered ? offered : "", ".", -1);
  guint i;

  for (i = 0; now[i] != NULL && next[i] != NULL; i++)
    {
      gint64 a = g_ascii_strtoll (now[i], NULL, 10);
      gint64 b = g_ascii_strtoll (next[i], NULL, 10);

      if (a != b)
        return b > a;
    }
  return now[i] == NULL && next[i] != NULL;
}

/* A firmware offer is what a board would install: an address to fetch it
 * from and a version newer than the device's (or "force": 1), as the
 * firmware checks it. Both servers echo the device's own version with an
 * empty address when they have nothing, and the manager's placeholder
 * address (…NOT_ACTIVATED_FIRMWARE_THIS_IS_A_INVALID_URL) fetches nothing.
 * Without the version the check sent, an address with a version counts. */
gboolean
xa_ota_answer_offers_firmware (const XaOtaAnswer *self)
{
  if (self->firmware_url == NULL || *self->firmware_url == '\0' || strstr (self->firmware_url, "INVALID_URL") != NULL ||
      self->firmware_version == NULL || *self->firmware_version == '\0')
    return FALSE;
  return self->firmware_force || self->sent_version == NULL ||
         xa_firmware_version_is_newer (self->sent_version, self->firmware_version);
}

/* Where the server settings named in a sentence are kept, as a sentence
 * of its own appended to @text. */
static void
xa_server_kind_append_settings_place (XaServerKind  kind,
                                      XaText       *text)
{
  switch (kind)
    {
    case XA_SERVER_KIND_MANAGER:
      xa_text_append (text, N_("On a manager, these settings are in its web console, under Parameters (参数管理)."));
      break;
    case XA_SERVER_KIND_SINGLE_MODULE:
      xa_text_append (text, N_("On a single-module server, these settings are in its data/.config.yaml."));
      break;
    case XA_SERVER_KIND_OFFICIAL:
      break;
    case XA_SERVER_KIND_UNKNOWN:
    default:
      xa_text_append (text, N_("These settings are in the manager’s web console (Parameters, 参数管理), or in "
                               "data/.config.yaml on a single-module server."));
      break;
    }
}

/* What the server's own answer says about its setup that devices will
 * trip on: the manager's placeholder addresses, and addresses only its
 * own machine can reach while the OTA address is another machine's (a
 * loopback OTA address is this machine: see
 * xa_ota_answer_local_reach_text()). Sentences (XaText) naming the
 * setting to change; never NULL. */
GPtrArray *
xa_ota_answer_setup_warning_texts (const XaOtaAnswer *self,
                                   const char        *ota_url)
{
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) xa_text_free);
  g_autofree char *ota_host = xa_url_dup_host (ota_url);
  g_autofree char *panel_host = xa_url_dup_host (self->panel_url);
  g_autofree char *ws_host = self->has_websocket ? xa_url_dup_host (self->websocket_url) : NULL;
  gboolean ota_local = ota_host != NULL && xa_host_is_local (ota_host);
  XaServerKind kind = xa_ota_answer_get_server_kind (self, ota_url);
  XaText *text;

  if (xa_url_is_placeholder (self->panel_url))
    g_ptr_array_add (out, xa_text_new_printf (N_("The server’s console address is still the placeholder %s: "
                                                 "set server.fronted_url in the manager to the address of its web console."),
                                              self->panel_url));
  else if (panel_host != NULL && xa_host_is_local (panel_host) && !ota_local)
    g_ptr_array_add (out, xa_text_new_printf (N_("The server’s console address %s only opens on the server itself: "
                                                 "set server.fronted_url in the manager to an address others can reach."),
                                              self->panel_url));
  if (ws_host != NULL && xa_url_is_placeholder (self->websocket_url))
    {
      /* The manager's answer when server.websocket is not set. */
      text = xa_text_new_printf (N_("The server tells devices to connect to the placeholder %s: "
                                    "set server.websocket to this server’s WebSocket address."),
                                 self->websocket_url);
      xa_server_kind_append_settings_place (kind, text);
      g_ptr_array_add (out, text);
    }
  else if (ws_host != NULL && xa_host_is_local (ws_host) && !ota_local)
    {
      text = xa_text_new_printf (N_("The server tells devices to connect to %s, which only its own machine can "
                                    "reach: set server.websocket to this server’s network address."),
                                 self->websocket_url);
      xa_server_kind_append_settings_place (kind, text);
      g_ptr_array_add (out, text);
    }
  return out;
}

/* A WebSocket address on this machine's loopback or Docker bridge, given
 * by a server reached on this machine: right for clients here, out of
 * reach for boards on the network. NULL when that is not the case. */
XaText *
xa_ota_answer_local_reach_text (const XaOtaAnswer *self,
                                const char        *ota_url)
{
  g_autofree char *ota_host = xa_url_dup_host (ota_url);
  g_autofree char *ws_host = self->has_websocket ? xa_url_dup_host (self->websocket_url) : NULL;
  XaText *text;

  if (ws_host == NULL || ota_host == NULL || !xa_host_is_local (ws_host) || !xa_host_is_local (ota_host))
    return NULL;
  text = xa_text_new_printf (N_("The server sends devices to %s: clients on this computer can reach it, boards on "
                                "your network cannot. For boards, set server.websocket to this computer’s network "
                                "address."),
                             self->websocket_url);
  xa_server_kind_append_settings_place (xa_ota_answer_get_server_kind (self, ota_url), text);
  return text;
}

/* The same in today's language, with the reach of a loopback WebSocket
 * address last: what a person activating a device is told. */
char **
xa_ota_answer_setup_warnings (const XaOtaAnswer *self,
                              const char        *ota_url)
{
  g_autoptr(GPtrArray) texts = xa_ota_answer_setup_warning_texts (self, ota_url);
  XaText *reach = xa_ota_answer_local_reach_text (self, ota_url);
  GPtrArray *out = g_ptr_array_new ();

  if (reach != NULL)
    g_ptr_array_add (texts, reach);
  for (guint i = 0; i < texts->len; i++)
    g_ptr_array_add (out, xa_text_render (g_ptr_array_index (texts, i)));
  g_ptr_array_add (out, NULL);
  return (char **) g_ptr_array_free (out, FALSE);
}

/* Self-hosted tokens are “<signature>.<unix seconds>”, issued afresh at
 * every OTA check and valid for 30 days (PROTOCOL.md §6). */
gboolean
xa_token_get_dates (const char *token,
                    gint64     *issued,
                    gint64     *expires)
{
  const char *dot = token ? strrchr (token, '.') : NULL;
  guint64 seconds;

  if (dot == NULL || dot == token || strlen (dot + 1) != 10 ||
      !g_ascii_string_to_unsigned (dot + 1, 10, 1577836800 /* 2020 */, 4102444800 /* 2100 */, &seconds, NULL))
    return FALSE;
  *issued = (gint64) seconds;
  *expires = (gint64) seconds + XA_TOKEN_LIFETIME_S;
  return TRUE;
}

gboolean
xa_ota_answer_has_test_mqtt (const XaOtaAnswer *self)
{
  return self->mqtt_client_id != NULL && g_str_has_prefix (self->mqtt_client_id, "GID_test");
}

/* ---- URLs -------------------------------------------------------------- */

gboolean
xa_ota_url_validate (const char  *url,
                     GError     **error)
{
  g_autoptr(GUri) uri = NULL;
  const char *scheme;

  if (url != NULL)
    uri = g_uri_parse (url, SOUP_HTTP_URI_FLAGS, NULL);

  scheme = uri ? g_uri_get_scheme (uri) : NULL;
  if (uri == NULL ||
      (g_strcmp0 (scheme, "http") != 0 && g_strcmp0 (scheme, "https") != 0) ||
      g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0')
    {
      g_propagate_error (error, invalid_url_error (url));
      return FALSE;
    }

  return TRUE;
}

/* What we accept as a WebSocket address from a server or a file: ws/wss,
 * a host, printable ASCII only, bounded. */
gboolean
xa_websocket_url_is_safe (const char *url)
{
  g_autoptr(GUri) uri = NULL;
  const char *scheme;

  if (url == NULL || strlen (url) > XA_MAX_URL_LENGTH)
    return FALSE;
  for (const guchar *p = (const guchar *) url; *p != '\0'; p++)
    if (*p <= 0x20 || *p >= 0x7f)
      return FALSE;

  uri = g_uri_parse (url, SOUP_HTTP_URI_FLAGS, NULL);
  scheme = uri ? g_uri_get_scheme (uri) : NULL;
  return uri != NULL &&
         (g_strcmp0 (scheme, "ws") == 0 || g_strcmp0 (scheme, "wss") == 0) &&
         g_uri_get_host (uri) != NULL && *g_uri_get_host (uri) != '\0';
}

/* Tokens are opaque, but every server issues printable ASCII without
 * spaces or quotes (base64url, "<sig>.<ts>", "test-token"); anything else
 * would break headers and the files we write them into. Empty is allowed:
 * self-hosted servers with auth off send "". */
gboolean
xa_token_is_safe (const char *token)
{
  if (token == NULL || strlen (token) > XA_MAX_TOKEN_LENGTH)
    return FALSE;
  for (const guchar *p = (const guchar *) token; *p != '\0'; p++)
    if (*p <= 0x20 || *p >= 0x7f || *p == '"' || *p == '\'' || *p == '\\' || *p == '`')
      return FALSE;
  return TRUE;
}

char *
xa_ota_activate_url (const char *ota_url)
{
  if (g_str_has_suffix (ota_url, "/"))
    return g_strconcat (ota_url, "activate", NULL);
  return g_strconcat (ota_url, "/activate", NULL);
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

      return ota_error (XA_OTA_ERROR_TIMEOUT, xa_text_new_printf (N_("%s did not answer in time. "
                            "Check that the server is running and try again."),
                          pd->url));
    }

  if (reading_body && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT))
    return truncated_error ();

  text = xa_net_describe_error (error, pd->url);
  switch (xa_net_classify_error (error))
    {
    case XA_NET_FAILURE_TLS:
      return ota_error (XA_OTA_ERROR_TLS, text);
    case XA_NET_FAILURE_TIMEOUT:
      return ota_error (XA_OTA_ERROR_TIMEOUT, text);
    case XA_NET_FAILURE_NONE:
    case XA_NET_FAILURE_UNREACHABLE:
    default:
      return ota_error (XA_OTA_ERROR_UNREACHABLE, text);
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

static GError *
status_error (PostData *pd,
              guint     status)
{
  g_autofree char *said = server_text_of (pd);
  g_autofree char *quoted = xa_server_text_quote (said);

  if (SOUP_STATUS_IS_REDIRECTION (status))
    {
      g_autofree char *location = xa_server_text_sanitize (
        soup_message_headers_get_one (soup_message_get_response_headers (pd->msg), "Location"), -1, FALSE);
      return ota_error (XA_OTA_ERROR_REDIRECTED, xa_text_new_printf (/* Translators: %s is the address the server redirected to */
                          N_("The server sent the OTA request elsewhere (%s). "
                            "Use that address as the OTA address instead."),
                          location ? location : "?"));
    }

  /* The official cloud says what is wrong with a request (HTTP 400
   * “Invalid MAC address”): show it. */
  if (said != NULL && SOUP_STATUS_IS_CLIENT_ERROR (status) && status != SOUP_STATUS_NOT_FOUND)
    return ota_error (XA_OTA_ERROR_SERVER_REFUSED, xa_text_new_printf (/* Translators: %u is an HTTP status, %s the server's own words */
                        N_("The server refused the request (HTTP %u): “%s”. "
                          "Check the Device-Id and the OTA address."),
                        status, quoted));

  if (status == SOUP_STATUS_NOT_FOUND)
    return ota_error (XA_OTA_ERROR_NOT_FOUND, xa_text_new_printf (N_("There is no OTA service at %s (HTTP 404). "
                          "Check the address, including the /xiaozhi/ota/ path and its final slash."),
                        pd->url));

  return ota_error (XA_OTA_ERROR_HTTP_STATUS, xa_text_new_printf (/* Translators: %u is an HTTP status code, %s its standard phrase */
                      N_("The server answered with an error (HTTP %u %s). "
                        "If the address is right, the server has a problem: try again later."),
                      status, soup_status_get_phrase (status)));
}

static void
finish_post (GTask *task)
{
  PostData *pd = g_task_get_task_data (task);
  guint status = soup_message_get_status (pd->msg);
  g_autoptr(GError) error = NULL;
  XaOtaAnswer *answer;
  goffset length;

  if (pd->is_activate)
    {
      /* The poller decides what each status means; it shows the words. */
      pd->server_text = server_text_of (pd);
      g_task_return_int (task, status);
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
      g_task_return_error (task, too_large_error ());
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
      g_task_return_error (task, too_large_error ());
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
            gboolean            is_activate,
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
  pd->is_activate = is_activate;
  pd->sent_version = g_strdup (identity->app_version ? identity->app_version : XA_DEFAULT_APP_VERSION);
  pd->body = g_byte_array_new ();
  pd->deadline = xa_deadline_new (cancellable, timeout_ms ? timeout_ms : XA_OTA_DEFAULT_TIMEOUT_MS);
  pd->msg = soup_message_new (SOUP_METHOD_POST, url);
  g_task_set_task_data (task, pd, (GDestroyNotify) post_data_free);
  if (pd->msg == NULL)
    {
      /* GUri took it, libsoup did not: still not an address we can use. */
      g_task_return_error (task, invalid_url_error (url));
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
  soup_message_set_request_body_from_bytes (pd->msg, "application/json", body);

  soup_session_send_async (xa_net_get_session (), pd->msg, G_PRIORITY_DEFAULT,
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

  post_async (ota_url, identity, body, FALSE, timeout_ms, cancellable,
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

  post_async (url, identity, body, TRUE, timeout_ms, cancellable,
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

/* Where the user types the code: xiaozhi.me for the official cloud,
 * otherwise the server's own root, where consoles usually live. */
char *
xa_ota_guess_control_panel (const char *ota_url)
{
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GUri) root = NULL;

  /* Only an http(s) address with a host has a console beside it. */
  if (!xa_ota_url_validate (ota_url, NULL))
    return NULL;
  uri = g_uri_parse (ota_url, SOUP_HTTP_URI_FLAGS, NULL);
  if (g_str_equal (g_uri_get_host (uri), "api.tenclass.net") ||
      g_str_has_suffix (g_uri_get_host (uri), ".xiaozhi.me"))
    return g_strdup ("https://xiaozhi.me/");

  root = g_uri_build (G_URI_FLAGS_NONE, g_uri_get_scheme (uri), NULL, g_uri_get_host (uri),
                      g_uri_get_port (uri), "/", NULL, NULL);
  return g_uri_to_string (root);
}

/* The mistakes people make when typing a self-hosted OTA address. Returns
 * the translated warnings, one sentence a line, or NULL when nothing looks
 * off. */
char *
xa_ota_url_warnings (const char *url)
{
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GString) out = g_string_new (NULL);
  const char *host, *scheme, *path;
  int port;

  if (url == NULL || *url == '\0' || !xa_ota_url_validate (url, NULL))
    return NULL;
  uri = g_uri_parse (url, SOUP_HTTP_URI_FLAGS, NULL);
  host = g_uri_get_host (uri);
  scheme = g_uri_get_scheme (uri);
  path = g_uri_get_path (uri);
  port = g_uri_get_port (uri);

  if (!g_str_has_suffix (path, "/"))
    g_string_append_printf (out, "%s\n", _("The address should end with a slash (…/xiaozhi/ota/): some servers answer nothing else."));
  if (g_str_equal (host, "127.0.0.1") || g_str_equal (host, "localhost") || g_str_equal (host, "::1"))
    g_string_append_printf (out, "%s\n", _("127.0.0.1 only works on this computer: your devices cannot reach it. Use this computer’s network address."));
  else if (g_str_has_prefix (host, "172."))
    {
      int second = atoi (host + 4);
      if (second >= 16 && second <= 31)
        g_string_append_printf (out, "%s\n", _("This looks like an address inside Docker, which other devices cannot reach. Use the host computer’s address."));
    }
  if (g_str_equal (host, "api.tenclass.net") && g_str_equal (scheme, "http"))
    g_string_append_printf (out, "%s\n", _("The official server needs https://."));
  else if (g_str_equal (scheme, "https") && (port == 8002 || port == 8003))
    g_string_append_printf (out, "%s\n", _("Self-hosted servers usually speak plain http:// on ports 8002 and 8003."));

  if (out->len == 0)
    return NULL;
  g_string_truncate (out, out->len - 1);
  return g_string_free (g_steal_pointer (&out), FALSE);
}
