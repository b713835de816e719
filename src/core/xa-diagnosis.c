/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>
#include <string.h>

#include "xa-diagnosis.h"
#include "xa-hello-probe.h"
#include "xa-identity.h"
#include "xa-mqtt-probe.h"
#include "xa-ota.h"
#include "xa-report.h"
#include "xa-url.h"

/* "Why no code? Why rejected?": the device's own server asked what the
 * device itself asks at every start (an OTA check, the /activate poll
 * while a code is shown, the hello), and, when the user allows it, the
 * official cloud about the same Device-Id. Everything runs at once, each
 * with its own timeout; nothing binds, unbinds or changes anything on a
 * server. The answers become findings, most likely cause first. */

typedef struct
{
  char        *ota_url;
  XaIdentity  *identity;
  char        *token;          /* secret */
  guint        timeout_ms;
  guint        pending;
  XaDiagnosis *result;
  GError      *ota_error;
  GError      *cloud_error;
  gboolean     cloud_asked;    /* the user asked, and the cloud is another server than the device's */
  gboolean     cloud_is_own;   /* the user asked, and the cloud is the device's own server */
  char        *greeting;       /* what the OTA address says to a GET, or NULL */
  GStrv        variants;       /* other OTA addresses of the same host, tried when it fails */
  gboolean    *variant_works;  /* for each, whether an OTA service answered there */
} Diag;

static void
diag_free (Diag *diag)
{
  g_free (diag->ota_url);
  g_clear_pointer (&diag->identity, xa_identity_free);
  xa_secret_free (diag->token);
  g_clear_pointer (&diag->result, xa_diagnosis_free);
  g_clear_error (&diag->ota_error);
  g_clear_error (&diag->cloud_error);
  g_free (diag->greeting);
  g_strfreev (diag->variants);
  g_free (diag->variant_works);
  g_free (diag);
}

static void
finding_free (XaFinding *finding)
{
  g_clear_pointer (&finding->title, xa_text_free);
  g_clear_pointer (&finding->advice, xa_text_free);
  g_free (finding->ota_url);
  g_free (finding);
}

void
xa_diagnosis_free (XaDiagnosis *self)
{
  if (self == NULL)
    return;
  g_ptr_array_unref (self->findings);
  g_clear_pointer (&self->answer, xa_ota_answer_free);
  g_clear_pointer (&self->cloud_answer, xa_ota_answer_free);
  g_clear_pointer (&self->hello, xa_report_free);
  g_free (self);
}

/* The official cloud's OTA address; XIAOZHI_OFFICIAL_OTA_URL replaces it
 * (the tests point it at the demo server: no test talks to the cloud). */
static const char *
official_ota_url (void)
{
  const char *url = g_getenv ("XIAOZHI_OFFICIAL_OTA_URL");

  return url != NULL && *url != '\0' ? url : XA_OTA_DEFAULT_URL;
}

/* Takes @title and @advice; the finding, to add a fix to. */
static XaFinding *
add (XaDiagnosis *self,
     const char  *id,
     const char  *severity,
     guint        likelihood,
     XaText      *title,
     XaText      *advice)
{
  XaFinding *finding = g_new0 (XaFinding, 1);

  finding->id = id;
  finding->severity = severity;
  finding->likelihood = likelihood;
  finding->title = title;
  finding->advice = advice;
  g_ptr_array_add (self->findings, finding);
  return finding;
}

/* No code asked for: what that means depends on the server, as far as
 * its answer shows which one it is. */
static void
diagnose_no_code (Diag *diag)
{
  XaDiagnosis *self = diag->result;

  switch (xa_ota_answer_get_server_kind (self->answer, diag->ota_url))
    {
    case XA_SERVER_KIND_SINGLE_MODULE:
      add (self, "no-accounts", "info", 15, xa_text_new_printf (N_("This server asks no device for a code")),
           xa_text_new_printf (N_("Its answer is that of a single-module xiaozhi-esp32-server (no manager): it gives "
                                  "every device a WebSocket address, and a token when its authentication is on. "
                                  "It has no accounts to bind to and no console to enter a code in.")));
      break;
    case XA_SERVER_KIND_MANAGER:
      add (self, "bound", "info", 15, xa_text_new_printf (N_("The server knows this device and gives no code")),
           xa_text_new_printf (N_("A manager asks every device it has not bound for a code, so this Device-Id is "
                                  "bound to an account on it. If it is not in your console, it is bound to someone "
                                  "else’s: unbind it there, or give the device a new Device-Id.")));
      break;
    case XA_SERVER_KIND_OFFICIAL:
    case XA_SERVER_KIND_UNKNOWN:
    default:
      add (self, "bound", "info", 15, xa_text_new_printf (N_("The server gives this device no code")),
           xa_text_new_printf (N_("Either this server binds no devices at all (a single-module server), or this "
                                  "Device-Id is bound to an account on it, yours or someone else’s. If it is not in "
                                  "your console, unbind it there, or give the device a new Device-Id.")));
      break;
    }
}

static void
diagnose_ota (Diag *diag)
{
  XaDiagnosis *self = diag->result;
  const XaOtaAnswer *answer = self->answer;
  gint64 skew;

  if (diag->ota_error != NULL)
    {
      XaVerdict verdict = XA_VERDICT_PROTOCOL_ERROR;

      xa_verdict_from_error (diag->ota_error, &verdict);
      /* A 404 is what it is, not a protocol spoken wrong. */
      add (self, "ota-failed", "bad", 100,
           g_error_matches (diag->ota_error, XA_OTA_ERROR, XA_OTA_ERROR_NOT_FOUND)
             ? xa_text_new_printf (N_("The OTA check failed: no OTA service at this address (HTTP 404)"))
             : xa_text_new_printf (N_("The OTA check failed: %s"), xa_verdict_get_title (verdict)),
           xa_ota_error_dup_text (diag->ota_error));
      /* The first other address of the same host that answered, in the
       * order they were tried (the slash, then the usual ports). */
      for (guint i = 0; diag->variants != NULL && diag->variants[i] != NULL; i++)
        if (diag->variant_works[i])
          {
            XaFinding *elsewhere =
              add (self, "ota-elsewhere", "bad", 99,
                   xa_text_new_printf (N_("An OTA service answers at %s"), diag->variants[i]),
                   xa_text_new_printf (N_("The address %s did not answer as an OTA service, and %s on the same "
                                          "host did: use that address, in this app and on the device."),
                                       diag->ota_url, diag->variants[i]));

            elsewhere->ota_url = g_strdup (diag->variants[i]);
            break;
          }
      return;
    }

  if (answer->has_activation)
    add (self, "code-pending", "warn", 90,
         xa_text_new_printf (N_("The server shows the activation code %s"), answer->code),
         xa_text_new_printf (N_("The device is not bound yet. Enter %s in the control panel (%s), as a new device; "
                                "the code is only valid for a while."),
                             answer->code, xa_ota_answer_get_panel_url (answer) ? xa_ota_answer_get_panel_url (answer)
                                                                                : _("the server’s console")));
  else if (answer->has_websocket || answer->has_mqtt)
    diagnose_no_code (diag);
  if (!answer->has_websocket && answer->has_mqtt)
    add (self, "mqtt-only", "info", 12, xa_text_new_printf (N_("The server sends this device to MQTT")),
         xa_text_new_printf (N_("Boards talk MQTT with these details; a WebSocket client (py-xiaozhi, a web client) "
                                "needs a server that offers a WebSocket address.")));

  {
    g_autoptr(GPtrArray) setup = xa_ota_answer_setup_warning_texts (answer, diag->ota_url);
    XaText *reach = xa_ota_answer_local_reach_text (answer, diag->ota_url);

    for (guint i = 0; i < setup->len; i++)
      add (self, "server-setup", "bad", 70, xa_text_new_printf (N_("The server’s configuration sends devices astray")),
           xa_text_copy (g_ptr_array_index (setup, i)));
    if (reach != NULL)
      add (self, "local-only", "info", 10,
           xa_text_new_printf (N_("The WebSocket address works on this computer only")), reach);
  }
  if (answer->has_mqtt)
    {
      g_autofree char *endpoint_host = NULL;
      g_autofree char *ota_host = xa_url_dup_host (diag->ota_url);
      g_autofree char *host = NULL;
      int port;
      gboolean tls;

      if (xa_mqtt_parse_endpoint (answer->mqtt_endpoint, &host, &port, &tls) && xa_host_is_local (host) &&
          !xa_host_is_local (ota_host ? ota_host : ""))
        {
          /* Loopback: out of reach for sure; a 172.16/12 one: both of what it may be. */
          XaText *advice = xa_host_reach_text (answer->mqtt_endpoint, xa_host_get_reach (host));

          xa_text_append (advice, N_("Set the MQTT endpoint in the manager to an address devices can reach."));
          add (self, "mqtt-local", xa_host_get_reach (host) == XA_HOST_REACH_LOOPBACK ? "bad" : "warn", 68,
               xa_host_get_reach (host) == XA_HOST_REACH_LOOPBACK
                 ? xa_text_new_printf (N_("The MQTT broker %s is out of the devices’ reach"), answer->mqtt_endpoint)
                 : xa_text_new_printf (N_("The MQTT broker %s may be out of the devices’ reach"),
                                       answer->mqtt_endpoint),
               advice);
        }
    }
  if (diag->token != NULL && xa_ota_answer_changes_token (answer, diag->token))
    add (self, "token-changed", "bad", 78, xa_text_new_printf (N_("The server issues another token now")),
         xa_text_new_printf (N_("The token this device holds is not the one its server gives out: refresh the "
                                "token, then export it again where your clients read it.")));
  if (answer->has_websocket)
    {
      gboolean ota_secure = g_str_has_prefix (diag->ota_url, "https://");
      gboolean ws_secure = g_str_has_prefix (answer->websocket_url, "wss://");

      if (ota_secure != ws_secure)
        add (self, "scheme-mix", "warn", 35,
             xa_text_new_printf (N_("The OTA address and the WebSocket address disagree on encryption")),
             ota_secure ? xa_text_new_printf (N_("The OTA check is over https but the server sends devices to %s, "
                                                 "unencrypted: the token travels in the clear. Give the server a "
                                                 "wss:// address."), answer->websocket_url)
                        : xa_text_new_printf (N_("The OTA check is plain http but the WebSocket is %s: a device "
                                                 "needs the server’s certificate to be trusted. Check that both "
                                                 "addresses are what you meant."), answer->websocket_url));
    }
  if (xa_ota_answer_get_clock_skew (answer, &skew) && ABS (skew) > 60 * 1000)
    add (self, "clock-skew", "warn", 30,
         xa_text_new_printf (N_("This computer’s clock is %d s off the server’s"), (int) (skew / 1000)),
         xa_text_new_printf (N_("Tokens carry dates and TLS checks them: set the clock right (turn on automatic "
                                "time), then try again.")));
  /* What a board would install, as the firmware decides it. */
  if (xa_ota_answer_offers_firmware (answer))
    add (self, "firmware", "info", 5,
         answer->sent_version != NULL &&
         !xa_firmware_version_is_newer (answer->sent_version, answer->firmware_version)
           ? xa_text_new_printf (N_("The server tells boards to install firmware %s, whatever their version "
                                    "(this app reported %s)"), answer->firmware_version, answer->sent_version)
           : xa_text_new_printf (N_("The server offers newer firmware %s (this app reported %s)"),
                                 answer->firmware_version, answer->sent_version ? answer->sent_version : "?"),
         xa_text_new_printf (N_("Boards download it from %s and install it at their next start; nothing "
                                "to do here."), answer->firmware_url));
}

/* What a self-hosted server says of itself to a GET at its OTA address:
 * the manager-api names a parameter left empty ("OTA接口不正常，缺少…，
 * 请登录智控台，在参数管理找到【server.websocket】配置"). A greeting where the
 * device's own request failed says a service listens there. */
static void
diagnose_greeting (Diag *diag)
{
  const char *text = diag->greeting;
  const char *open = text ? strstr (text, "【") : NULL;
  const char *close = open ? strstr (open, "】") : NULL;

  if (text == NULL)
    return;
  if (g_str_has_prefix (text, "OTA接口不正常") && open != NULL && close != NULL)
    {
      g_autofree char *setting = g_strndup (open + strlen ("【"), close - open - strlen ("【"));

      add (diag->result, "server-unset", "bad", 96,
           xa_text_new_printf (N_("The server says its setting %s is empty"), setting),
           xa_text_new_printf (N_("Asked at %s as a browser asks, the server answered “%s”. Log in to its web "
                                  "console, set %s under its parameters (参数管理), then try again."),
                               diag->ota_url, text, setting));
    }
  else if (diag->ota_error != NULL)
    add (diag->result, "server-greeting", "info", 50,
         xa_text_new_printf (N_("A service answers a browser at this address")),
         xa_text_new_printf (N_("Asked at %s as a browser asks, the server answered “%s”, but not the device’s own "
                                "request: either another program listens there, or the OTA service failed on "
                                "the device’s request (its log says which)."),
                             diag->ota_url, text));
}

static void
diagnose_address (Diag *diag)
{
  g_autoptr(GUri) uri = g_uri_parse (diag->ota_url, SOUP_HTTP_URI_FLAGS, NULL);
  const char *path = uri ? g_uri_get_path (uri) : NULL;

  if (path != NULL && *path != '\0' && !g_str_has_suffix (path, "/"))
    add (diag->result, "no-final-slash", "warn", diag->ota_error ? 95 : 20,
         xa_text_new_printf (N_("The OTA address has no final slash")),
         xa_text_new_printf (N_("Many servers answer only %s/ (with the slash): try that address."), diag->ota_url));
}

static void
diagnose_hello (Diag *diag)
{
  XaDiagnosis *self = diag->result;
  XaReport *hello = self->hello;
  XaText *advice;

  if (hello == NULL)
    return;
  /* A hello that works is said too: after a Test that timed out or could
   * not connect, it is what changed. */
  if (hello->verdict == XA_VERDICT_VALID)
    {
      add (self, "hello-works", "info", 3,
           xa_text_new_printf (N_("The hello was answered in %u ms"), (guint) MAX (hello->latency_ms, 0)),
           xa_text_new_printf (N_("The token and the server’s address work now. If an earlier Test said "
                                  "otherwise, the server or the network was down or slow then, or that "
                                  "Test used another token: test again.")));
      return;
    }
  advice = hello->advice_text ? xa_text_copy (hello->advice_text) : xa_text_new_literal (hello->advice);
  add (self, "hello", xa_verdict_get_severity (hello->verdict), 80,
       xa_text_new_printf (N_("The hello says: %s"), xa_report_get_title (hello)), advice);
}

static void
diagnose_cloud (Diag *diag)
{
  XaDiagnosis *self = diag->result;
  const XaOtaAnswer *cloud = self->cloud_answer;

  /* Asked for, it always says something: what the cloud said, that it
   * could not be reached, or that it is the device's own server. */
  if (diag->cloud_is_own)
    add (self, "cloud-own", "info", 1,
         xa_text_new_printf (N_("The official cloud is this device’s own server")),
         xa_text_new_printf (N_("Its answer is the OTA check above: there is no other cloud to ask.")));
  if (!diag->cloud_asked)
    return;
  if (cloud == NULL)
    {
      add (self, "cloud-unreachable", "info", 2,
           xa_text_new_printf (N_("The official cloud could not be asked")),
           diag->cloud_error != NULL && diag->cloud_error->domain == XA_OTA_ERROR
             ? xa_ota_error_dup_text (diag->cloud_error)
             : xa_text_new_literal (diag->cloud_error ? diag->cloud_error->message : ""));
      return;
    }
  if (cloud->has_activation)
    add (self, "cloud-code", "info", 40,
         xa_text_new_printf (N_("The official cloud does not know this Device-Id yet (it offers a code)")),
         xa_text_new_printf (N_("So the official cloud is not why: a board with this MAC has never been bound "
                                "there.")));
  else if (cloud->has_websocket || cloud->has_mqtt)
    add (self, "cloud-bound", "bad", 85,
         xa_text_new_printf (N_("This Device-Id is bound on the official cloud (xiaozhi.me)")),
         xa_text_new_printf (N_("A board with this MAC belongs to an account at xiaozhi.me, and firmware that still "
                                "points there gets its token from the cloud, not from your server. Unbind it at "
                                "xiaozhi.me, or set the board’s OTA address to your server.")));
}

static int
by_likelihood (gconstpointer a,
               gconstpointer b)
{
  const XaFinding *x = *(const XaFinding * const *) a;
  const XaFinding *y = *(const XaFinding * const *) b;

  return (int) y->likelihood - (int) x->likelihood;
}

static gboolean
only_finding_is (XaDiagnosis *self,
                 const char  *id)
{
  return self->findings->len == 0 ||
         (self->findings->len == 1 && g_str_equal (((XaFinding *) g_ptr_array_index (self->findings, 0))->id, id));
}

static void
one_done (GTask *task)
{
  Diag *diag = g_task_get_task_data (task);

  if (--diag->pending > 0)
    return;
  diagnose_ota (diag);
  diagnose_greeting (diag);
  diagnose_address (diag);
  diagnose_hello (diag);
  if (diag->result->activate_status == SOUP_STATUS_NOT_FOUND)
    add (diag->result, "activate-missing", "bad", 75, xa_text_new_printf (N_("The server has no activation endpoint")),
         xa_text_new_printf (N_("Its /activate address answers 404, so a device never learns that its code was "
                                "entered. Update the server, or check the OTA address.")));
  diagnose_cloud (diag);
  /* Nothing else: the hello that works is part of "all well". */
  if (only_finding_is (diag->result, "hello-works"))
    g_ptr_array_set_size (diag->result->findings, 0);
  if (diag->result->findings->len == 0)
    add (diag->result, "all-well", "info", 0, xa_text_new_printf (N_("Nothing wrong was found")),
         xa_text_new_printf (N_("The OTA check and the hello were both answered.")));
  g_ptr_array_sort (diag->result->findings, by_likelihood);
  g_task_return_pointer (task, g_steal_pointer (&diag->result), (GDestroyNotify) xa_diagnosis_free);
  g_object_unref (task);
}

static void
hello_done_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  GTask *task = user_data;
  Diag *diag = g_task_get_task_data (task);

  diag->result->hello = xa_hello_probe_finish (result, NULL);
  one_done (task);
}

static void
mqtt_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  GTask *task = user_data;
  Diag *diag = g_task_get_task_data (task);

  diag->result->hello = xa_mqtt_probe_finish (result, NULL);
  one_done (task);
}

static void
activate_done_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  GTask *task = user_data;
  Diag *diag = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  diag->result->activate_status = xa_ota_activate_finish (result, NULL, &error);
  if (g_error_matches (error, XA_OTA_ERROR, XA_OTA_ERROR_NOT_FOUND))
    diag->result->activate_status = SOUP_STATUS_NOT_FOUND;
  one_done (task);
}

typedef struct
{
  GTask *task;
  guint  index;
} Variant;

static void
variant_done_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Variant *variant = user_data;
  Diag *diag = g_task_get_task_data (variant->task);
  g_autoptr(XaOtaAnswer) answer = xa_ota_check_finish (result, NULL);

  diag->variant_works[variant->index] = answer != NULL;
  one_done (variant->task);
  g_free (variant);
}

/* The ports the usual self-hosted OTA services listen on; the tests name
 * the demo server's instead (XIAOZHI_DIAGNOSE_OTA_PORTS=P,Q). */
static GArray *
variant_ports (void)
{
  const char *override = g_getenv ("XIAOZHI_DIAGNOSE_OTA_PORTS");
  GArray *ports = g_array_new (FALSE, FALSE, sizeof (int));
  g_auto(GStrv) parts = override ? g_strsplit (override, ",", -1) : NULL;

  for (guint i = 0; parts != NULL && parts[i] != NULL; i++)
    {
      guint64 port;

      if (g_ascii_string_to_unsigned (parts[i], 10, 1, 65535, &port, NULL))
        g_array_append_val (ports, (int) { (int) port });
    }
  return ports;
}

/* An OTA address that is wrong in the usual ways — a 404, an HTML page,
 * nothing listening — is tried again as its variants on the same host, a
 * few requests at once, each bounded by the diagnosis's timeout. */
static void
try_variants (GTask *task)
{
  Diag *diag = g_task_get_task_data (task);
  g_autoptr(GArray) ports = variant_ports ();

  diag->variants = xa_ota_url_variants (diag->ota_url, ports->len ? (const int *) ports->data : NULL, ports->len);
  diag->variant_works = g_new0 (gboolean, g_strv_length (diag->variants) + 1);
  for (guint i = 0; diag->variants[i] != NULL; i++)
    {
      Variant *variant = g_new0 (Variant, 1);

      variant->task = task;
      variant->index = i;
      diag->pending++;
      xa_ota_check_async (diag->variants[i], diag->identity, MIN (diag->timeout_ms, 5000),
                          g_task_get_cancellable (task), variant_done_cb, variant);
    }
}

static void
ota_done_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  GTask *task = user_data;
  Diag *diag = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  const XaOtaAnswer *answer;

  diag->result->answer = xa_ota_check_finish (result, &diag->ota_error);
  answer = diag->result->answer;
  if (g_error_matches (diag->ota_error, XA_OTA_ERROR, XA_OTA_ERROR_NOT_FOUND) ||
      g_error_matches (diag->ota_error, XA_OTA_ERROR, XA_OTA_ERROR_NOT_JSON) ||
      g_error_matches (diag->ota_error, XA_OTA_ERROR, XA_OTA_ERROR_HTTP_STATUS) ||
      g_error_matches (diag->ota_error, XA_OTA_ERROR, XA_OTA_ERROR_UNREACHABLE))
    try_variants (task);
  if (answer != NULL && answer->has_activation && answer->challenge != NULL)
    {
      diag->pending++;
      xa_ota_activate_async (diag->ota_url, diag->identity, answer->challenge, diag->timeout_ms, cancellable,
                             activate_done_cb, task);
    }
  if (answer != NULL && !answer->has_activation && answer->has_websocket)
    {
      diag->pending++;
      /* The token the device holds is the one to judge; else the answer's. */
      xa_hello_probe_async (answer->websocket_url, diag->token ? diag->token : answer->token, diag->identity,
                            answer->websocket_version, diag->timeout_ms, cancellable, hello_done_cb, task);
    }
  else if (answer != NULL && !answer->has_activation && answer->has_mqtt)
    {
      XaMqttTarget target = {
        .endpoint = answer->mqtt_endpoint, .client_id = answer->mqtt_client_id, .username = answer->mqtt_username,
        .password = answer->mqtt_password, .publish_topic = answer->mqtt_publish_topic,
        .subscribe_topic = answer->mqtt_subscribe_topic,
      };

      diag->pending++;
      xa_mqtt_probe_async (&target, diag->timeout_ms, cancellable, mqtt_done_cb, task);
    }
  one_done (task);
}

static void
greeting_done_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  GTask *task = user_data;
  Diag *diag = g_task_get_task_data (task);

  diag->greeting = xa_ota_greeting_finish (result, NULL);
  one_done (task);
}

static void
cloud_done_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  GTask *task = user_data;
  Diag *diag = g_task_get_task_data (task);

  diag->result->cloud_answer = xa_ota_check_finish (result, &diag->cloud_error);
  one_done (task);
}

/* Diagnoses the device @identity at @ota_url (@token: the one it holds,
 * for the hello when the server's answer carries none); with
 * @ask_official_cloud, the official cloud is asked about the same
 * Device-Id too (never when @ota_url is the cloud's). */
void
xa_diagnose_async (const char          *ota_url,
                   const XaIdentity    *identity,
                   const char          *token,
                   gboolean             ask_official_cloud,
                   guint                timeout_ms,
                   GCancellable        *cancellable,
                   GAsyncReadyCallback  callback,
                   gpointer             user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  Diag *diag = g_new0 (Diag, 1);

  g_task_set_source_tag (task, xa_diagnose_async);
  diag->ota_url = g_strdup (ota_url);
  diag->identity = xa_identity_copy (identity);
  diag->token = g_strdup (token);
  diag->timeout_ms = timeout_ms ? timeout_ms : XA_HELLO_DEFAULT_TIMEOUT_MS;
  diag->result = g_new0 (XaDiagnosis, 1);
  diag->result->findings = g_ptr_array_new_with_free_func ((GDestroyNotify) finding_free);
  g_task_set_task_data (task, diag, (GDestroyNotify) diag_free);

  diag->pending = 1;
  diag->cloud_is_own = ask_official_cloud && g_str_equal (ota_url, official_ota_url ());
  if (ask_official_cloud && !diag->cloud_is_own)
    {
      diag->cloud_asked = TRUE;
      diag->pending++;
      xa_ota_check_async (official_ota_url (), identity, diag->timeout_ms, cancellable,
                          cloud_done_cb, task);
    }
  /* A self-hosted server says how it is set up to a browser's GET. */
  if (!g_str_equal (ota_url, official_ota_url ()))
    {
      diag->pending++;
      xa_ota_greeting_async (ota_url, identity, MIN (diag->timeout_ms, 5000), cancellable, greeting_done_cb, task);
    }
  xa_ota_check_async (ota_url, identity, diag->timeout_ms, cancellable, ota_done_cb, task);
}

XaDiagnosis *
xa_diagnose_finish (GAsyncResult  *result,
                    GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* The findings, in today's language, for scripts: {"findings": [{id,
 * severity, title, advice}], "hello": the hello's report or null}. */
JsonNode *
xa_diagnosis_to_json (const XaDiagnosis *self)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "findings");
  json_builder_begin_array (b);
  for (guint i = 0; i < self->findings->len; i++)
    {
      const XaFinding *finding = g_ptr_array_index (self->findings, i);
      g_autofree char *title = xa_text_render (finding->title);
      g_autofree char *advice = xa_text_render (finding->advice);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "id");
      json_builder_add_string_value (b, finding->id);
      json_builder_set_member_name (b, "severity");
      json_builder_add_string_value (b, finding->severity);
      json_builder_set_member_name (b, "title");
      json_builder_add_string_value (b, title);
      json_builder_set_member_name (b, "advice");
      json_builder_add_string_value (b, advice);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "hello");
  if (self->hello != NULL)
    json_builder_add_value (b, xa_report_to_json (self->hello));
  else
    json_builder_add_null_value (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}
