/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "xa-identity.h"
#include "xa-json.h"
#include "xa-ota-private.h"
#include "xa-ota.h"
#include "xa-text.h"
#include "xa-token.h"
#include "xa-url.h"

/* The OTA answer: parsed from what a server sent (checked where it
 * arrives: codes, addresses and tokens that could do harm are refused),
 * copied, freed, and what it says of the server behind it, its setup and
 * the firmware it offers. */

G_DEFINE_BOXED_TYPE (XaOtaAnswer, xa_ota_answer, xa_ota_answer_copy, xa_ota_answer_free)

/* ---- parsing ----------------------------------------------------------- */

/* A string member, for showing: sanitized. */
static char *
dup_member_text (JsonObject *obj,
                 const char *name,
                 gboolean    keep_newlines)
{
  g_autofree char *raw = xa_json_dup_lenient_string (obj, name);

  return xa_server_text_sanitize (raw, -1, keep_newlines);
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

  if (xa_json_get_lenient_int (root, "code", &code) && code != 0 && code != 200)
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
      g_propagate_error (error, _xa_ota_error_too_large ());
      return NULL;
    }

  if (!xa_json_depth_ok (data, length))
    {
      g_propagate_error (error, _xa_ota_error_new (XA_OTA_ERROR_NOT_JSON, xa_text_new_printf (N_("The server’s answer is nested more than %d levels deep, which no OTA answer is. "
                     "Check the OTA address and the server."), XA_JSON_MAX_DEPTH)));
      return NULL;
    }
  root_node = xa_json_parse (data, length, NULL);
  if (root_node == NULL || !JSON_NODE_HOLDS_OBJECT (root_node))
    {
      g_propagate_error (error, _xa_ota_error_new (XA_OTA_ERROR_NOT_JSON, xa_text_new_printf (N_("The server’s answer is not a JSON object, so this is probably not an OTA address. "
                     "Check the address: it usually ends in /xiaozhi/ota/."))));
      return NULL;
    }

  root = json_node_get_object (root_node);
  answer = g_new0 (XaOtaAnswer, 1);
  answer->timeout_ms = -1;
  answer->received_at_ms = g_get_real_time () / 1000;

  if ((section = xa_json_get_object (root, "activation")) != NULL)
    {
      answer->has_activation = TRUE;
      answer->code = xa_json_dup_lenient_string (section, "code");
      answer->message = dup_member_text (section, "message", TRUE);
      /* The manager sends “<server.fronted_url>\n<code>”: where the code
       * is typed. */
      if (answer->message != NULL)
        {
          g_autofree char *first = g_strndup (answer->message, strcspn (answer->message, "\n"));
          if (xa_ota_url_validate (g_strstrip (first), NULL))
            answer->panel_url = g_steal_pointer (&first);
        }
      answer->challenge = xa_json_dup_lenient_string (section, "challenge");
      /* A lifetime beyond a day is none we can count down. */
      if (xa_json_get_lenient_int (section, "timeout_ms", &v) && v > 0)
        answer->timeout_ms = MIN (v, (gint64) 24 * 3600 * 1000);

      /* The code is shown large and typed by a person: digits and
       * letters only. The challenge goes back in our request body. */
      if (answer->code != NULL && !code_is_plausible (answer->code))
        {
          g_propagate_error (error, _xa_ota_error_new (XA_OTA_ERROR_UNSAFE_VALUE, xa_text_new_printf (N_("The server’s activation code has characters no code has, or is far too long. "
                                 "Check the OTA address and the server."))));
          return NULL;
        }
      if (answer->challenge != NULL && strlen (answer->challenge) > 1024)
        g_clear_pointer (&answer->challenge, g_free);
    }

  if ((section = xa_json_get_object (root, "websocket")) != NULL)
    {
      answer->websocket_url = xa_json_dup_lenient_string (section, "url");
      answer->token = xa_json_dup_lenient_string (section, "token");
      answer->has_websocket = answer->websocket_url != NULL && *answer->websocket_url != '\0';
      if (xa_json_get_lenient_int (section, "version", &v) && v > 0 && v < 100)
        answer->websocket_version = (gint) v;

      /* These two are stored, exported into other programs' files and
       * sent back in headers: refuse anything else than what a real
       * server sends, before any of it is kept. */
      if (answer->has_websocket && !xa_websocket_url_is_safe (answer->websocket_url))
        {
          g_propagate_error (error, _xa_ota_error_new (XA_OTA_ERROR_UNSAFE_VALUE, xa_text_new_printf (N_("The server’s answer has a WebSocket address that is not a ws:// or wss:// "
                                 "address, or has characters no address has. Nothing was saved: "
                                 "check the server’s configuration, or whether something between you and it "
                                 "changes its answers."))));
          return NULL;
        }
      if (answer->token != NULL && !xa_token_is_safe (answer->token))
        {
          g_propagate_error (error, _xa_ota_error_new (XA_OTA_ERROR_UNSAFE_VALUE, xa_text_new_printf (N_("The server’s answer has a token with characters no token has "
                                 "(spaces, quotes or control characters), or one far too long. Nothing was saved: "
                                 "check the server’s configuration, or whether something between you and it "
                                 "changes its answers."))));
          return NULL;
        }
    }

  if ((section = xa_json_get_object (root, "mqtt")) != NULL)
    {
      answer->has_mqtt = TRUE;
      answer->mqtt_endpoint = dup_member_text (section, "endpoint", FALSE);
      answer->mqtt_client_id = dup_member_text (section, "client_id", FALSE);
      answer->mqtt_username = dup_member_text (section, "username", FALSE);
      answer->mqtt_password = xa_json_dup_lenient_string (section, "password");
      answer->mqtt_publish_topic = dup_member_text (section, "publish_topic", FALSE);
      answer->mqtt_subscribe_topic = dup_member_text (section, "subscribe_topic", FALSE);
      if (g_strcmp0 (answer->mqtt_subscribe_topic, "null") == 0)
        g_clear_pointer (&answer->mqtt_subscribe_topic, g_free);
    }

  /* A server time outside 2001–2100 is a broken clock, not a skew. */
  if ((section = xa_json_get_object (root, "server_time")) != NULL &&
      xa_json_get_lenient_int (section, "timestamp", &answer->server_time_ms) &&
      answer->server_time_ms > G_GINT64_CONSTANT (978307200000) &&
      answer->server_time_ms < G_GINT64_CONSTANT (4102444800000))
    {
      answer->has_server_time = TRUE;
      if (xa_json_get_lenient_int (section, "timezone_offset", &v) && v > -24 * 60 && v < 24 * 60)
        answer->timezone_offset_min = (gint) v;
    }

  if ((section = xa_json_get_object (root, "firmware")) != NULL)
    {
      answer->firmware_version = dup_member_text (section, "version", FALSE);
      answer->firmware_url = dup_member_text (section, "url", FALSE);
      answer->firmware_force = xa_json_get_lenient_int (section, "force", &v) && v == 1;
    }

  /* A real answer wins over a stray "code": only look for error shapes
   * when there is nothing usable. */
  if (!answer->has_activation && !answer->has_websocket && !answer->has_mqtt)
    {
      error_text = find_error_text (root);
      if (error_text != NULL)
        {
          g_autofree char *quoted = xa_server_text_quote (error_text);

          g_propagate_error (error, _xa_ota_error_new (XA_OTA_ERROR_SERVER_REFUSED, xa_text_new_printf (/* Translators: %s is the server's own error text, e.g. "Invalid device ID" */
                       N_("The server refused the request: “%s”. "
                         "Check the Device-Id and the OTA address."),
                       quoted)));
          return NULL;
        }

      g_propagate_error (error, _xa_ota_error_new (XA_OTA_ERROR_INCOMPLETE, xa_text_new_printf (N_("The server’s answer has neither an activation code nor connection details "
                     "(websocket or mqtt). This server may not speak the xiaozhi protocol."))));
      return NULL;
    }

  if (answer->has_activation && (answer->code == NULL || *answer->code == '\0'))
    {
      g_propagate_error (error, _xa_ota_error_new (XA_OTA_ERROR_INCOMPLETE, xa_text_new_printf (N_("The server asks for activation but sent no activation code. "
                     "Try again in a moment."))));
      return NULL;
    }

  return g_steal_pointer (&answer);
}

/* ---- what it says ------------------------------------------------------ */

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

  if (xa_host_is_official (host))
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
  else if (ws_host != NULL && xa_host_get_reach (ws_host) == XA_HOST_REACH_LOOPBACK && !ota_local)
    {
      text = xa_text_new_printf (N_("The server tells devices to connect to %s, which only its own machine can "
                                    "reach: set server.websocket to this server’s network address."),
                                 self->websocket_url);
      xa_server_kind_append_settings_place (kind, text);
      g_ptr_array_add (out, text);
    }
  else if (ws_host != NULL && xa_host_get_reach (ws_host) != XA_HOST_REACH_NETWORK && !ota_local)
    {
      /* A bridge or a link-local address: who reaches it, then the fix. */
      g_autoptr(XaText) reach = xa_host_reach_text (self->websocket_url, xa_host_get_reach (ws_host));

      text = xa_text_new_printf (N_("The server tells devices to connect to %s."), self->websocket_url);
      xa_text_append_text (text, reach);
      xa_text_append (text, N_("If devices cannot reach it, set server.websocket to this server’s network "
                               "address."));
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
  if (xa_host_get_reach (ws_host) == XA_HOST_REACH_BRIDGE)
    {
      g_autoptr(XaText) reach = xa_host_reach_text (self->websocket_url, XA_HOST_REACH_BRIDGE);

      /* Docker's bridge is this computer's too; a LAN in 172.16/12 is not. */
      text = xa_text_new_printf (N_("The server sends devices to %s."), self->websocket_url);
      xa_text_append_text (text, reach);
      xa_text_append (text, N_("For boards on another network, set server.websocket to this computer’s network "
                               "address."));
    }
  else
    text = xa_text_new_printf (N_("The server sends devices to %s: clients on this computer can reach it, boards "
                                  "on your network cannot. For boards, set server.websocket to this computer’s "
                                  "network address."),
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

gboolean
xa_ota_answer_has_test_mqtt (const XaOtaAnswer *self)
{
  return self->mqtt_client_id != NULL && g_str_has_prefix (self->mqtt_client_id, "GID_test");
}
