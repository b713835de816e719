/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <libsoup/soup.h>

#include "xa-activation.h"
#include "xa-json-edit.h"
#include "xa-json.h"
#include "xa-net.h"
#include "xa-report.h"
#include "xa-text.h"
#include "xa-token.h"
#include "xa-url.h"

/* Each verdict's words, exit status, and how bad it is: "valid", "warn"
 * (may pass by itself or needs a step: try again, activate) or "bad"
 * (something must change). Both front ends show the same. */
static const struct
{
  const char *id;
  const char *title;
  int         exit_status;
  const char *severity;
} verdicts[] = {
  [XA_VERDICT_VALID]          = { "valid",          N_("Token is valid"),                     0, "valid" },
  [XA_VERDICT_REJECTED]       = { "rejected",       N_("Token rejected"),                     3, "bad" },
  [XA_VERDICT_NOT_ACTIVATED]  = { "not-activated",  N_("Device not activated"),               4, "warn" },
  [XA_VERDICT_UNREACHABLE]    = { "unreachable",    N_("Server unreachable"),                 5, "warn" },
  [XA_VERDICT_TLS_ERROR]      = { "tls-error",      N_("Secure connection failed"),           6, "bad" },
  [XA_VERDICT_TIMEOUT]        = { "timeout",        N_("No answer in time"),                  7, "warn" },
  [XA_VERDICT_PROTOCOL_ERROR] = { "protocol-error", N_("Server did not speak the protocol"),  8, "bad" },
  [XA_VERDICT_CANCELLED]      = { "cancelled",      N_("Test cancelled"),                     1, "warn" },
  /* A device the server sends to MQTT: no WebSocket token to test. */
  [XA_VERDICT_NOT_TESTABLE]   = { "not-testable",   N_("Not testable over WebSocket"),        9, "warn" },
  /* The server understood the OTA request and said no, in its own words. */
  [XA_VERDICT_REFUSED]        = { "refused",        N_("Server refused the request"),        10, "bad" },
};

G_DEFINE_BOXED_TYPE (XaReport, xa_report, xa_report_copy, xa_report_free)

const char *
xa_verdict_to_id (XaVerdict verdict)
{
  g_return_val_if_fail (verdict < G_N_ELEMENTS (verdicts), NULL);
  return verdicts[verdict].id;
}

gboolean
xa_verdict_from_id (const char *id,
                    XaVerdict  *verdict)
{
  for (guint i = 0; i < G_N_ELEMENTS (verdicts); i++)
    {
      if (g_strcmp0 (verdicts[i].id, id) == 0)
        {
          *verdict = i;
          return TRUE;
        }
    }
  return FALSE;
}

const char *
xa_verdict_get_title (XaVerdict verdict)
{
  g_return_val_if_fail (verdict < G_N_ELEMENTS (verdicts), NULL);
  return _(verdicts[verdict].title);
}

/* The title of @verdict for a Test over @transport ("mqtt", or NULL for
 * the WebSocket): over MQTT there is no token, but a broker login. */
const char *
xa_verdict_get_title_over (XaVerdict   verdict,
                           const char *transport)
{
  if (g_strcmp0 (transport, "mqtt") == 0 && verdict == XA_VERDICT_VALID)
    return _("MQTT credentials work");
  if (g_strcmp0 (transport, "mqtt") == 0 && verdict == XA_VERDICT_REJECTED)
    return _("MQTT credentials refused");
  return xa_verdict_get_title (verdict);
}

const char *
xa_report_get_title (const XaReport *self)
{
  /* No token went out: "Token is valid" would say what nobody tested. */
  if (self->verdict == XA_VERDICT_VALID && self->mqtt_endpoint == NULL && self->hello_attempted && !self->token_sent)
    return _("Works without a token");
  return xa_verdict_get_title_over (self->verdict, self->mqtt_endpoint ? "mqtt" : NULL);
}

/* The audio_params every hello of ours sends, over either road. */
const char *
xa_report_get_hello_audio (void)
{
  return "{\"format\":\"opus\",\"sample_rate\":16000,\"channels\":1,\"frame_duration\":60}";
}

/* xiaozhi-esp32-server answers with the client's own audio_params
 * (helloHandle.py): what comes back is no fact about the server then. */
static gboolean
audio_is_ours (const char *audio_params)
{
  g_autoptr(JsonNode) theirs = audio_params ? json_from_string (audio_params, NULL) : NULL;
  g_autoptr(JsonNode) ours = json_from_string (xa_report_get_hello_audio (), NULL);

  return theirs != NULL && json_node_equal (theirs, ours);
}

int
xa_verdict_get_exit_status (XaVerdict verdict)
{
  g_return_val_if_fail (verdict < G_N_ELEMENTS (verdicts), 1);
  return verdicts[verdict].exit_status;
}

const char *
xa_verdict_get_severity (XaVerdict verdict)
{
  g_return_val_if_fail (verdict < G_N_ELEMENTS (verdicts), "warn");
  return verdicts[verdict].severity;
}

const char *
xa_verdict_get_icon_name (XaVerdict verdict)
{
  const char *severity = xa_verdict_get_severity (verdict);

  if (g_str_equal (severity, "valid"))
    return "emblem-ok-symbolic";
  return g_str_equal (severity, "bad") ? "dialog-error-symbolic" : "dialog-warning-symbolic";
}

/* What an error that ended a check means as a verdict; FALSE for errors
 * that are no verdict (the keyring, the devices file, a wrong argument). */
gboolean
xa_verdict_from_error (const GError *error,
                       XaVerdict    *verdict)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    *verdict = XA_VERDICT_CANCELLED;
  else if (g_error_matches (error, XA_OTA_ERROR, XA_OTA_ERROR_UNREACHABLE))
    *verdict = XA_VERDICT_UNREACHABLE;
  else if (g_error_matches (error, XA_OTA_ERROR, XA_OTA_ERROR_TLS))
    *verdict = XA_VERDICT_TLS_ERROR;
  else if (g_error_matches (error, XA_OTA_ERROR, XA_OTA_ERROR_TIMEOUT) ||
           g_error_matches (error, XA_ACTIVATION_ERROR, XA_ACTIVATION_ERROR_TIMED_OUT))
    *verdict = XA_VERDICT_TIMEOUT;
  else if (g_error_matches (error, XA_OTA_ERROR, XA_OTA_ERROR_SERVER_REFUSED))
    *verdict = XA_VERDICT_REFUSED;
  else if (error->domain == XA_OTA_ERROR)
    *verdict = XA_VERDICT_PROTOCOL_ERROR;
  else
    return FALSE;
  return TRUE;
}

/* Whether an OTA answer carries another token than @token, the one we
 * hold. An answer that still asks for activation proves nothing. */
gboolean
xa_ota_answer_changes_token (const XaOtaAnswer *answer,
                             const char        *token)
{
  gint64 old_issued, new_issued, expires;

  if (!answer->has_websocket || answer->has_activation ||
      answer->token == NULL || *answer->token == '\0' || g_strcmp0 (answer->token, token) == 0)
    return FALSE;
  /* A self-hosted server issues a new dated token at every check: a
   * newer issue is no change worth telling. */
  if (xa_token_get_dates (token, &old_issued, &expires) &&
      xa_token_get_dates (answer->token, &new_issued, &expires) && new_issued >= old_issued)
    return FALSE;
  return TRUE;
}

XaReport *
xa_report_new (void)
{
  XaReport *self = g_new0 (XaReport, 1);

  self->verdict = XA_VERDICT_TIMEOUT;
  self->latency_ms = -1;

  return self;
}

XaReport *
xa_report_copy (const XaReport *self)
{
  XaReport *copy = g_memdup2 (self, sizeof *self);

  copy->advice = g_strdup (self->advice);
  copy->advice_text = self->advice_text ? xa_text_copy (self->advice_text) : NULL;
  copy->websocket_url = g_strdup (self->websocket_url);
  copy->mqtt_endpoint = g_strdup (self->mqtt_endpoint);
  copy->udp_endpoint = g_strdup (self->udp_endpoint);
  copy->session_id = g_strdup (self->session_id);
  copy->audio_params = g_strdup (self->audio_params);
  copy->close_reason = g_strdup (self->close_reason);
  copy->server_text = g_strdup (self->server_text);
  copy->network_error = g_strdup (self->network_error);
  copy->proxy = g_strdup (self->proxy);
  copy->ota_error = self->ota_error ? xa_text_copy (self->ota_error) : NULL;
  copy->activation_code = g_strdup (self->activation_code);
  copy->setup_warnings = self->setup_warnings ? g_ptr_array_new_with_free_func ((GDestroyNotify) xa_text_free) : NULL;
  for (guint i = 0; self->setup_warnings && i < self->setup_warnings->len; i++)
    g_ptr_array_add (copy->setup_warnings, xa_text_copy (g_ptr_array_index (self->setup_warnings, i)));

  return copy;
}

void
xa_report_free (XaReport *self)
{
  if (self == NULL)
    return;

  g_free (self->advice);
  g_clear_pointer (&self->advice_text, xa_text_free);
  g_free (self->websocket_url);
  g_free (self->mqtt_endpoint);
  g_free (self->udp_endpoint);
  g_free (self->session_id);
  g_free (self->audio_params);
  g_free (self->close_reason);
  g_free (self->server_text);
  g_free (self->network_error);
  g_free (self->proxy);
  g_clear_pointer (&self->ota_error, xa_text_free);
  g_free (self->activation_code);
  g_clear_pointer (&self->setup_warnings, g_ptr_array_unref);
  g_free (self);
}

/* Takes @advice. */
void
xa_report_set_verdict (XaReport  *self,
                       XaVerdict  verdict,
                       XaText    *advice)
{
  self->verdict = verdict;
  g_clear_pointer (&self->advice_text, xa_text_free);
  self->advice_text = advice;
  g_free (self->advice);
  self->advice = xa_text_render (advice);
}

/* What an answered WebSocket hello tells of the token, no more: whether
 * one was sent, and (from the OTA @answer, when there was a check) whether
 * the server issues tokens to this device at all. A server with its
 * authentication off, or with the Device-Id in its allowed list, answers
 * any token (websocket_server.py, _handle_auth). */
XaText *
xa_report_hello_answered_text (const XaReport    *self,
                               const XaOtaAnswer *answer)
{
  int ms = (int) MAX (self->latency_ms, 0);
  gint64 issued, expires;
  XaText *text;

  if (!self->token_sent)
    text = xa_text_new_printf (N_("The server answered the hello in %d ms without a token: it checks no token for "
                                  "this device (its authentication is off, or the Device-Id is in its allowed list)."),
                               ms);
  else if (answer != NULL && answer->has_websocket && (answer->token == NULL || *answer->token == '\0'))
    text = xa_text_new_printf (N_("The server answered the hello in %d ms. Its OTA check gives this device no token, "
                                  "so it checks none for it (authentication off, or the Device-Id in its allowed "
                                  "list): the token sent was not needed."),
                               ms);
  else if (answer != NULL && answer->has_websocket && xa_token_get_dates (answer->token, &issued, &expires))
    text = xa_text_new_printf (N_("The server answered the hello in %d ms and took the token: it issues this device "
                                  "signed tokens, so it checks them."),
                               ms);
  else
    text = xa_text_new_printf (N_("The server answered the hello in %d ms. It took the token, or it checks none for "
                                  "this device (authentication off, or the Device-Id in its allowed list): a hello "
                                  "alone cannot tell which."),
                               ms);
  /* "May include" a session id, says the protocol: valid, and noted. */
  if (self->session_id == NULL)
    xa_text_append (text, N_("Its hello has no session id, which the protocol allows."));
  /* Through a proxy to a server on the user's network: what that does not show. */
  if (self->proxy != NULL && *self->proxy != '\0')
    {
      g_autofree char *host = xa_url_dup_host (self->websocket_url);

      if (host != NULL && xa_host_is_local (host))
        xa_text_append (text, N_("The Test reached this server on your own network through the proxy %s; boards "
                                 "do not use this computer’s proxy, so this does not show that they reach it."),
                        self->proxy);
    }
  return text;
}

/* The Test's rule: a hello proves little while the OTA answer still asks
 * for activation, and a failed OTA check is the first thing to fix. */
void
xa_report_apply_ota (XaReport          *self,
                     const char        *ota_url,
                     const XaOtaAnswer *answer,
                     const GError      *ota_error,
                     const char        *token)
{
  self->ota_checked = TRUE;

  if (ota_error != NULL)
    {
      XaVerdict verdict = XA_VERDICT_PROTOCOL_ERROR;

      g_clear_pointer (&self->ota_error, xa_text_free);
      self->ota_error = xa_ota_error_dup_text (ota_error);
      xa_verdict_from_error (ota_error, &verdict);
      xa_report_set_verdict (self, verdict, xa_text_copy (self->ota_error));
      return;
    }

  self->has_clock_skew = xa_ota_answer_get_clock_skew (answer, &self->clock_skew_ms);
  g_clear_pointer (&self->setup_warnings, g_ptr_array_unref);
  self->setup_warnings = xa_ota_answer_setup_warning_texts (answer, ota_url);
  if (!xa_token_get_dates (token, &self->token_issued, &self->token_expires))
    self->token_issued = self->token_expires = 0;
  self->token_changed = token != NULL && xa_ota_answer_changes_token (answer, token);

  if (answer->has_activation)
    {
      self->activation_pending = TRUE;
      g_free (self->activation_code);
      self->activation_code = g_strdup (answer->code);
      xa_report_set_verdict (self, XA_VERDICT_NOT_ACTIVATED,
                             xa_text_new_printf (N_("The server still shows the activation code %s for this device: it is not "
                                                    "bound (it never was, or the server forgot it). Activate the device "
                                                    "again: the code is shown and the app waits until it is entered in "
                                                    "the control panel."),
                                                 answer->code));
      return;
    }

  if (self->verdict == XA_VERDICT_VALID && self->mqtt_endpoint == NULL)
    {
      XaText *advice = xa_report_hello_answered_text (self, answer);

      if (self->token_changed)
        xa_text_append (advice, N_("The server now issues a different token: refresh it so your clients use the new one."));
      xa_report_set_verdict (self, XA_VERDICT_VALID, advice);
    }
}

/* The verdict a failed connection gets: unreachable, TLS or timeout. */
XaVerdict
xa_verdict_for_network_error (const GError *error)
{
  switch (xa_net_classify_error (error))
    {
    case XA_NET_FAILURE_TLS:
      return XA_VERDICT_TLS_ERROR;
    case XA_NET_FAILURE_TIMEOUT:
      return XA_VERDICT_TIMEOUT;
    case XA_NET_FAILURE_NONE:
    case XA_NET_FAILURE_UNREACHABLE:
    default:
      return XA_VERDICT_UNREACHABLE;
    }
}

char *
xa_report_format_details (const XaReport *self)
{
  GString *s = g_string_new (NULL);

  /* Translators: each of these is one "label: value" line of a Test's details */
  if (self->websocket_url)
    g_string_append_printf (s, _("WebSocket URL: %s\n"), self->websocket_url);
  if (self->mqtt_endpoint)
    g_string_append_printf (s, _("MQTT broker: %s\n"), self->mqtt_endpoint);
  if (self->udp_endpoint)
    g_string_append_printf (s, _("UDP audio server: %s\n"), self->udp_endpoint);
  if (self->session_id)
    g_string_append_printf (s, _("Session id: %s\n"), self->session_id);
  if (self->latency_ms >= 0)
    g_string_append_printf (s, _("Latency: %d ms\n"), (int) self->latency_ms);
  if (self->mqtt_endpoint && self->hello_attempted)
    g_string_append (s, self->mqtt_tls ? _("MQTT connection: TLS (boards use TLS on port 8883 only)\n")
                                       : _("MQTT connection: plain TCP (boards use TLS on port 8883 only)\n"));
  if (self->websocket_url && self->hello_attempted && !self->mqtt_endpoint)
    g_string_append (s, self->token_sent ? _("Token sent: yes (Authorization header)\n")
                                         : _("Token sent: no (the device has an empty token)\n"));
  if (self->audio_params && audio_is_ours (self->audio_params))
    g_string_append (s, _("Audio in the server’s hello: the Test’s own parameters, repeated back\n"));
  else if (self->audio_params)
    g_string_append_printf (s, _("Audio in the server’s hello: %s\n"), self->audio_params);
  if (self->http_status)
    g_string_append_printf (s, _("HTTP status: %u\n"), self->http_status);
  if (self->close_code == SOUP_WEBSOCKET_CLOSE_NO_STATUS)
    g_string_append (s, _("Close code: 1005 (closed without a status code)\n"));
  else if (self->close_code && self->close_reason)
    g_string_append_printf (s, _("Close code: %u (%s)\n"), self->close_code, self->close_reason);
  else if (self->close_code)
    g_string_append_printf (s, _("Close code: %u\n"), self->close_code);
  if (self->server_text)
    g_string_append_printf (s, _("Server said: %s\n"), self->server_text);
  if (self->network_error)
    g_string_append_printf (s, _("Connection error: %s\n"), self->network_error);
  if (self->proxy != NULL && *self->proxy != '\0')
    g_string_append_printf (s, _("Proxy: %s\n"), self->proxy);
  else if (self->proxy != NULL)
    g_string_append (s, _("Proxy: none, connected directly\n"));
  if (self->ota_error)
    {
      g_autofree char *said = xa_text_render (self->ota_error);
      g_string_append_printf (s, _("OTA check: %s\n"), said);
    }
  else if (self->ota_checked)
    g_string_append (s, self->activation_pending ? _("OTA check: activation code still shown\n")
                                                 : _("OTA check: no activation code asked for\n"));
  if (self->token_changed)
    g_string_append (s, _("Token: the server now issues a different one\n"));
  if (self->has_clock_skew)
    {
      gint64 secs = self->clock_skew_ms / 1000;
      if (ABS (secs) > 60)
        g_string_append_printf (s, _("Clock difference with the server: %d s (check this computer’s clock)\n"),
                                (int) secs);
      else
        g_string_append_printf (s, _("Clock difference with the server: %d s\n"), (int) secs);
    }

  if (self->token_issued > 0)
    {
      g_autoptr(GDateTime) issued = g_date_time_new_from_unix_local (self->token_issued);
      g_autoptr(GDateTime) expires = g_date_time_new_from_unix_local (self->token_expires);
      /* Translators: dates, see g_date_time_format() */
      g_autofree char *a = g_date_time_format (issued, _("%Y-%m-%d"));
      g_autofree char *b = g_date_time_format (expires, _("%Y-%m-%d"));
      g_string_append_printf (s, _("Token: issued %s; expires about %s if the server keeps the default lifetime "
                                   "(server.auth.expire_seconds, 30 days)\n"), a, b);
    }
  for (guint i = 0; self->setup_warnings && i < self->setup_warnings->len; i++)
    {
      g_autofree char *warning = xa_text_render (g_ptr_array_index (self->setup_warnings, i));
      g_string_append_printf (s, _("Server setup: %s\n"), warning);
    }

  if (s->len > 0)
    g_string_truncate (s, s->len - 1);
  return g_string_free (s, FALSE);
}

static void
add_string (JsonBuilder *b,
            const char  *name,
            const char  *value)
{
  json_builder_set_member_name (b, name);
  if (value)
    json_builder_add_string_value (b, value);
  else
    json_builder_add_null_value (b);
}

JsonNode *
xa_report_to_json (const XaReport *self)
{
  JsonNode *audio = NULL;
  g_autofree char *ota_error = NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  add_string (b, "verdict", xa_verdict_to_id (self->verdict));
  add_string (b, "title", xa_report_get_title (self));
  add_string (b, "message", self->advice);
  add_string (b, "transport", self->mqtt_endpoint ? "mqtt" : "websocket");
  add_string (b, "websocket_url", self->websocket_url);
  add_string (b, "mqtt_endpoint", self->mqtt_endpoint);
  add_string (b, "udp_endpoint", self->udp_endpoint);
  json_builder_set_member_name (b, "hello_attempted");
  json_builder_add_boolean_value (b, self->hello_attempted);
  if (self->mqtt_endpoint)
    {
      json_builder_set_member_name (b, "mqtt_tls");
      json_builder_add_boolean_value (b, self->mqtt_tls);
    }
  else
    {
      json_builder_set_member_name (b, "token_sent");
      json_builder_add_boolean_value (b, self->token_sent);
    }
  add_string (b, "session_id", self->session_id);
  json_builder_set_member_name (b, "audio_params");
  /* What the server sent is ours to keep only as long as it reads back:
   * a number like 1e999 does not, and would cut the rest short. */
  if (self->audio_params && (audio = json_from_string (self->audio_params, NULL)) != NULL)
    json_builder_add_value (b, audio);
  else if (self->audio_params)
    json_builder_add_string_value (b, self->audio_params);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "latency_ms");
  if (self->latency_ms >= 0)
    json_builder_add_int_value (b, self->latency_ms);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "http_status");
  json_builder_add_int_value (b, self->http_status);
  json_builder_set_member_name (b, "close_code");
  json_builder_add_int_value (b, self->close_code);
  add_string (b, "close_reason", self->close_reason);
  add_string (b, "server_text", self->server_text);
  add_string (b, "network_error", self->network_error);
  add_string (b, "proxy", self->proxy);
  json_builder_set_member_name (b, "ota_checked");
  json_builder_add_boolean_value (b, self->ota_checked);
  json_builder_set_member_name (b, "ota_error");
  if (self->ota_error)
    json_builder_add_string_value (b, (ota_error = xa_text_render (self->ota_error)));
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "activation_pending");
  json_builder_add_boolean_value (b, self->activation_pending);
  add_string (b, "activation_code", self->activation_code);
  json_builder_set_member_name (b, "token_changed");
  json_builder_add_boolean_value (b, self->token_changed);
  json_builder_set_member_name (b, "clock_skew_ms");
  if (self->has_clock_skew)
    json_builder_add_int_value (b, self->clock_skew_ms);
  else
    json_builder_add_null_value (b);
  if (self->token_issued > 0)
    {
      g_autoptr(GDateTime) issued = g_date_time_new_from_unix_utc (self->token_issued);
      g_autoptr(GDateTime) expires = g_date_time_new_from_unix_utc (self->token_expires);
      g_autofree char *a = g_date_time_format_iso8601 (issued);
      g_autofree char *c = g_date_time_format_iso8601 (expires);
      add_string (b, "token_issued", a);
      add_string (b, "token_expires", c);
    }
  json_builder_set_member_name (b, "setup_warnings");
  json_builder_begin_array (b);
  for (guint i = 0; self->setup_warnings && i < self->setup_warnings->len; i++)
    {
      g_autofree char *warning = xa_text_render (g_ptr_array_index (self->setup_warnings, i));
      json_builder_add_string_value (b, warning);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);

  return json_builder_get_root (b);
}

/* What a device keeps of its last Test: the report as xa_report_to_json()
 * shows it, with the recipes of its words instead of the words, so that
 * it is shown again in the language of the day. */
JsonNode *
xa_report_to_record (const XaReport *self)
{
  JsonNode *node = xa_report_to_json (self);
  JsonObject *object = json_node_get_object (node);

  /* No words in any language: those are rendered when shown. */
  for (const char * const *name = (const char *[]) { "title", "message", "ota_error", "setup_warnings", NULL }; *name; name++)
    json_object_remove_member (object, *name);

  if (self->advice_text)
    json_object_set_member (object, "advice_text", xa_text_to_json (self->advice_text));
  if (self->ota_error)
    json_object_set_member (object, "ota_error_text", xa_text_to_json (self->ota_error));
  if (self->setup_warnings && self->setup_warnings->len > 0)
    {
      JsonArray *texts = json_array_new ();

      for (guint i = 0; i < self->setup_warnings->len; i++)
        json_array_add_element (texts, xa_text_to_json (g_ptr_array_index (self->setup_warnings, i)));
      json_object_set_array_member (object, "setup_warning_texts", texts);
    }
  return node;
}

static gint64
unix_from_iso8601 (JsonObject *object,
                   const char *name)
{
  const char *value = xa_json_get_string (object, name);
  g_autoptr(GDateTime) date = value ? g_date_time_new_from_iso8601 (value, NULL) : NULL;

  return date ? g_date_time_to_unix (date) : 0;
}

/* A record from devices.json, which anyone may have edited: what is not
 * as xa_report_to_record() writes it is left out; NULL when it has no
 * verdict or no advice. */
XaReport *
xa_report_new_from_record (JsonNode *node)
{
  g_autoptr(XaReport) self = NULL;
  JsonObject *object;
  JsonNode *member;
  XaVerdict verdict;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;
  object = json_node_get_object (node);
  self = xa_report_new ();
  if (!xa_verdict_from_id (xa_json_get_string (object, "verdict"), &verdict))
    return NULL;
  self->advice_text = xa_text_new_from_json (json_object_get_member (object, "advice_text"));
  if (self->advice_text == NULL)
    return NULL;
  xa_report_set_verdict (self, verdict, g_steal_pointer (&self->advice_text));

  self->websocket_url = xa_json_dup_string (object, "websocket_url");
  self->mqtt_endpoint = xa_json_dup_string (object, "mqtt_endpoint");
  self->udp_endpoint = xa_json_dup_string (object, "udp_endpoint");
  self->hello_attempted = xa_json_get_boolean (object, "hello_attempted", FALSE);
  self->mqtt_tls = xa_json_get_boolean (object, "mqtt_tls", FALSE);
  /* Records from before this was kept: every Test then sent its token. */
  self->token_sent = xa_json_get_boolean (object, "token_sent", TRUE);
  self->session_id = xa_json_dup_string (object, "session_id");
  member = json_object_get_member (object, "audio_params");
  if (member != NULL && JSON_NODE_HOLDS_OBJECT (member))
    self->audio_params = json_to_string (member, FALSE);
  self->latency_ms = CLAMP (xa_json_get_int (object, "latency_ms", -1), -1, G_MAXINT);
  self->http_status = CLAMP (xa_json_get_int (object, "http_status", 0), 0, 999);
  self->close_code = CLAMP (xa_json_get_int (object, "close_code", 0), 0, G_MAXUINT16);
  self->close_reason = xa_json_dup_string (object, "close_reason");
  self->server_text = xa_json_dup_string (object, "server_text");
  self->network_error = xa_json_dup_string (object, "network_error");
  self->proxy = xa_json_dup_string (object, "proxy");
  self->ota_checked = xa_json_get_boolean (object, "ota_checked", FALSE);
  self->ota_error = xa_text_new_from_json (json_object_get_member (object, "ota_error_text"));
  self->activation_pending = xa_json_get_boolean (object, "activation_pending", FALSE);
  self->activation_code = xa_json_dup_string (object, "activation_code");
  self->token_changed = xa_json_get_boolean (object, "token_changed", FALSE);
  member = json_object_get_member (object, "clock_skew_ms");
  self->has_clock_skew = member != NULL && JSON_NODE_HOLDS_VALUE (member);
  self->clock_skew_ms = xa_json_get_int (object, "clock_skew_ms", 0);
  self->token_issued = unix_from_iso8601 (object, "token_issued");
  self->token_expires = unix_from_iso8601 (object, "token_expires");
  if (self->token_issued <= 0 || self->token_expires <= 0)
    self->token_issued = self->token_expires = 0;

  member = json_object_get_member (object, "setup_warning_texts");
  self->setup_warnings = g_ptr_array_new_with_free_func ((GDestroyNotify) xa_text_free);
  for (guint i = 0; member && JSON_NODE_HOLDS_ARRAY (member) && i < json_array_get_length (json_node_get_array (member)); i++)
    {
      XaText *warning = xa_text_new_from_json (json_array_get_element (json_node_get_array (member), i));
      if (warning)
        g_ptr_array_add (self->setup_warnings, warning);
    }
  return g_steal_pointer (&self);
}
