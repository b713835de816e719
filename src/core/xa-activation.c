/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "xa-activation.h"
#include "xa-enums.h"
#include "xa-identity.h"
#include "xa-net.h"
#include "xa-text.h"
#include "xa-url.h"

/* The polling state machine of PROTOCOL.md §3:
 * requesting-code → waiting-for-user (polling /activate, or repeating the
 * OTA check on servers without a challenge) → activated, with expired →
 * requesting-code when a code runs out. */
struct _XaActivation
{
  GObject            parent_instance;

  char              *ota_url;
  char              *panel_url;     /* where the code goes unless the server says */
  gboolean           panel_url_set;
  XaIdentity        *identity;
  XaActivationState  state;
  guint              poll_interval_ms;
  guint              error_backoff_ms;
  guint              code_lifetime_ms;
  guint              request_timeout_ms;
  guint              deadline_ms;

  /* the run in progress */
  GTask             *task;
  XaDeadline        *deadline;
  GSource           *cancel_source;
  guint              timer_id;
  XaOtaAnswer       *current;
  gint64             code_expires_us;
  guint              attempt;
  char              *last_error;
  guint              failed_polls;  /* /activate failures in a row */
  gboolean           recheck;       /* the next poll is an OTA check */
  gboolean           code_shown;    /* a code was issued during this run */
};

G_DEFINE_FINAL_TYPE (XaActivation, xa_activation, G_TYPE_OBJECT)
G_DEFINE_QUARK (xa-activation-error-quark, xa_activation_error)

enum {
  PROP_0,
  PROP_OTA_URL,
  PROP_IDENTITY,
  PROP_STATE,
  PROP_POLL_INTERVAL_MS,
  PROP_ERROR_BACKOFF_MS,
  PROP_CODE_LIFETIME_MS,
  PROP_REQUEST_TIMEOUT_MS,
  PROP_DEADLINE_MS,
  N_PROPS
};

enum {
  CODE_ISSUED,
  PROGRESS,
  N_SIGNALS
};

/* The firmware's rule: ten failed /activate polls, then a new OTA check. */
#define MAX_FAILED_POLLS 10

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void request_code (XaActivation *self);

static void
set_state (XaActivation      *self,
           XaActivationState  state)
{
  if (self->state == state)
    return;
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static GCancellable *
run_cancellable (XaActivation *self)
{
  return xa_deadline_get_cancellable (self->deadline);
}

static void
end_run (XaActivation      *self,
         XaActivationState  state,
         XaOtaAnswer       *answer,
         GError            *error)
{
  g_autoptr(GTask) task = g_steal_pointer (&self->task);

  g_clear_handle_id (&self->timer_id, g_source_remove);
  if (self->cancel_source != NULL)
    g_source_destroy (self->cancel_source);
  g_clear_pointer (&self->cancel_source, g_source_unref);
  g_clear_pointer (&self->deadline, xa_deadline_free);
  set_state (self, state);

  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, answer, (GDestroyNotify) xa_ota_answer_free);
}

static gboolean
run_cancelled_cb (GCancellable *cancellable,
                  gpointer      user_data)
{
  XaActivation *self = user_data;

  if (xa_deadline_expired (self->deadline))
    end_run (self, XA_ACTIVATION_STATE_FAILED, NULL,
             g_error_new_literal (XA_ACTIVATION_ERROR, XA_ACTIVATION_ERROR_TIMED_OUT,
                                  _("The activation code was not entered in time. "
                                    "Start the activation again to get a new code.")));
  else
    end_run (self, XA_ACTIVATION_STATE_CANCELLED, NULL,
             g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Activation cancelled.")));

  return G_SOURCE_REMOVE;
}

static gboolean poll_cb (gpointer user_data);

static void
schedule_poll (XaActivation *self,
               guint         delay_ms)
{
  g_signal_emit (self, signals[PROGRESS], 0, self->attempt, delay_ms, self->last_error);
  self->timer_id = g_timeout_add (delay_ms, poll_cb, self);
}

static void
set_last_error (XaActivation *self,
                const char   *text)
{
  g_free (self->last_error);
  self->last_error = g_strdup (text);
  if (text != NULL)
    g_debug ("activation: poll %u failed: %s", self->attempt, text);
}

static void
show_code (XaActivation *self,
           XaOtaAnswer  *answer)
{
  gboolean replaces = self->current != NULL && g_strcmp0 (self->current->code, answer->code) != 0;
  gboolean is_new = self->current == NULL || replaces || self->state == XA_ACTIVATION_STATE_EXPIRED;
  gint64 lifetime_ms = answer->timeout_ms > 0 ? answer->timeout_ms : self->code_lifetime_ms;

  if (is_new)
    self->code_expires_us = g_get_monotonic_time () + lifetime_ms * 1000;

  g_clear_pointer (&self->current, xa_ota_answer_free);
  self->current = answer;
  set_state (self, XA_ACTIVATION_STATE_WAITING_FOR_USER);

  self->code_shown = TRUE;
  if (is_new)
    g_signal_emit (self, signals[CODE_ISSUED], 0, self->current, replaces);
}

static void
ota_cb (GObject      *object,
        GAsyncResult *result,
        gpointer      user_data)
{
  g_autoptr(XaActivation) self = user_data;
  g_autoptr(GError) error = NULL;
  XaOtaAnswer *answer;

  answer = xa_ota_check_finish (result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->task == NULL)
    {
      g_clear_pointer (&answer, xa_ota_answer_free);
      return;
    }

  if (answer == NULL)
    {
      /* Nothing to show yet: the first failure is final. Later ones
       * (a code was already shown) are retried until the deadline. */
      if (self->current == NULL)
        {
          end_run (self, XA_ACTIVATION_STATE_FAILED, NULL, g_steal_pointer (&error));
          return;
        }
      set_last_error (self, error->message);
      schedule_poll (self, self->error_backoff_ms);
      return;
    }

  if (!answer->has_activation)
    {
      end_run (self, XA_ACTIVATION_STATE_ACTIVATED, answer, NULL);
      return;
    }

  set_last_error (self, NULL);
  show_code (self, answer);
  schedule_poll (self, self->poll_interval_ms);
}

static void
request_code (XaActivation *self)
{
  if (self->current == NULL)
    set_state (self, XA_ACTIVATION_STATE_REQUESTING_CODE);
  xa_ota_check_async (self->ota_url, self->identity, self->request_timeout_ms,
                      run_cancellable (self), ota_cb, g_object_ref (self));
}

static void
activate_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(XaActivation) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *said = NULL;
  guint status;

  status = xa_ota_activate_finish (result, &said, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->task == NULL)
    return;

  if (error != NULL)
    {
      set_last_error (self, error->message);
      schedule_poll (self, self->error_backoff_ms);
    }
  else if (status == SOUP_STATUS_OK)
    {
      /* Bound: one more OTA check brings the WebSocket URL and token. */
      self->failed_polls = 0;
      set_last_error (self, NULL);
      set_state (self, XA_ACTIVATION_STATE_ACTIVATED);
      request_code (self);
    }
  else if (status == SOUP_STATUS_ACCEPTED)
    {
      self->failed_polls = 0;
      set_last_error (self, NULL);
      schedule_poll (self, self->poll_interval_ms);
    }
  else
    {
      g_autofree char *text = NULL;

      if (said != NULL)
        {
          g_autofree char *quoted = xa_server_text_quote (said);
          /* Translators: %u is an HTTP status, %s what the server said, e.g. “License not found or already activated” */
          text = g_strdup_printf (_("The server answered HTTP %u while waiting for the code: “%s”."), status, quoted);
        }
      else
        text = g_strdup_printf (_("The server answered HTTP %u %s while waiting for the code."),
                                status, soup_status_get_phrase (status));
      set_last_error (self, text);

      /* As the firmware does: after ten failures, or when the server said
       * why it refuses, ask the OTA endpoint again (it may be bound
       * already, or issue a new code) instead of insisting. */
      if (++self->failed_polls >= MAX_FAILED_POLLS || (said != NULL && SOUP_STATUS_IS_CLIENT_ERROR (status)))
        {
          self->failed_polls = 0;
          self->recheck = TRUE;
        }
      schedule_poll (self, self->error_backoff_ms);
    }
}

static gboolean
poll_cb (gpointer user_data)
{
  XaActivation *self = user_data;

  self->timer_id = 0;

  if (self->state == XA_ACTIVATION_STATE_WAITING_FOR_USER &&
      g_get_monotonic_time () >= self->code_expires_us)
    {
      set_state (self, XA_ACTIVATION_STATE_EXPIRED);
      request_code (self);
      return G_SOURCE_REMOVE;
    }

  self->attempt++;
  if (self->recheck)
    {
      self->recheck = FALSE;
      request_code (self);
    }
  else if (self->state == XA_ACTIVATION_STATE_WAITING_FOR_USER &&
      self->current->challenge != NULL && *self->current->challenge != '\0')
    xa_ota_activate_async (self->ota_url, self->identity, self->current->challenge,
                           self->request_timeout_ms, run_cancellable (self),
                           activate_cb, g_object_ref (self));
  else
    request_code (self);

  return G_SOURCE_REMOVE;
}

static void
xa_activation_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  XaActivation *self = XA_ACTIVATION (object);

  switch (prop_id)
    {
    case PROP_OTA_URL:
      g_value_set_string (value, self->ota_url);
      break;
    case PROP_IDENTITY:
      g_value_set_boxed (value, self->identity);
      break;
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    case PROP_POLL_INTERVAL_MS:
      g_value_set_uint (value, self->poll_interval_ms);
      break;
    case PROP_ERROR_BACKOFF_MS:
      g_value_set_uint (value, self->error_backoff_ms);
      break;
    case PROP_CODE_LIFETIME_MS:
      g_value_set_uint (value, self->code_lifetime_ms);
      break;
    case PROP_REQUEST_TIMEOUT_MS:
      g_value_set_uint (value, self->request_timeout_ms);
      break;
    case PROP_DEADLINE_MS:
      g_value_set_uint (value, self->deadline_ms);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
xa_activation_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  XaActivation *self = XA_ACTIVATION (object);

  switch (prop_id)
    {
    case PROP_OTA_URL:
      g_free (self->ota_url);
      self->ota_url = g_value_dup_string (value);
      break;
    case PROP_IDENTITY:
      g_clear_pointer (&self->identity, xa_identity_free);
      self->identity = g_value_dup_boxed (value);
      break;
    case PROP_POLL_INTERVAL_MS:
      self->poll_interval_ms = g_value_get_uint (value);
      break;
    case PROP_ERROR_BACKOFF_MS:
      self->error_backoff_ms = g_value_get_uint (value);
      break;
    case PROP_CODE_LIFETIME_MS:
      self->code_lifetime_ms = g_value_get_uint (value);
      break;
    case PROP_REQUEST_TIMEOUT_MS:
      self->request_timeout_ms = g_value_get_uint (value);
      break;
    case PROP_DEADLINE_MS:
      self->deadline_ms = g_value_get_uint (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
xa_activation_finalize (GObject *object)
{
  XaActivation *self = XA_ACTIVATION (object);

  g_assert (self->task == NULL);
  g_free (self->ota_url);
  g_free (self->panel_url);
  g_clear_pointer (&self->identity, xa_identity_free);
  g_clear_pointer (&self->current, xa_ota_answer_free);
  g_free (self->last_error);

  G_OBJECT_CLASS (xa_activation_parent_class)->finalize (object);
}

static void
xa_activation_class_init (XaActivationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags rw = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->get_property = xa_activation_get_property;
  object_class->set_property = xa_activation_set_property;
  object_class->finalize = xa_activation_finalize;

  properties[PROP_OTA_URL] =
    g_param_spec_string ("ota-url", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_IDENTITY] =
    g_param_spec_boxed ("identity", NULL, NULL, XA_TYPE_IDENTITY,
                        G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, XA_TYPE_ACTIVATION_STATE, XA_ACTIVATION_STATE_IDLE,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* The protocol's pace (PROTOCOL.md §3); tests make them short. */
  properties[PROP_POLL_INTERVAL_MS] =
    g_param_spec_uint ("poll-interval-ms", NULL, NULL, 10, G_MAXUINT, 3000, rw);
  properties[PROP_ERROR_BACKOFF_MS] =
    g_param_spec_uint ("error-backoff-ms", NULL, NULL, 10, G_MAXUINT, 10000, rw);
  properties[PROP_CODE_LIFETIME_MS] =
    g_param_spec_uint ("code-lifetime-ms", NULL, NULL, 10, G_MAXUINT, 300000, rw);
  properties[PROP_REQUEST_TIMEOUT_MS] =
    g_param_spec_uint ("request-timeout-ms", NULL, NULL, 0, G_MAXUINT, XA_OTA_DEFAULT_TIMEOUT_MS, rw);
  properties[PROP_DEADLINE_MS] =
    g_param_spec_uint ("deadline-ms", NULL, NULL, 0, G_MAXUINT, 0, rw);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * XaActivation::code-issued:
   * @answer: the OTA answer carrying the code, message and challenge
   * @replaces: whether it replaces a code shown before
   */
  signals[CODE_ISSUED] =
    g_signal_new ("code-issued", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2,
                  XA_TYPE_OTA_ANSWER | G_SIGNAL_TYPE_STATIC_SCOPE, G_TYPE_BOOLEAN);

  /**
   * XaActivation::progress:
   * @attempt: polls made so far
   * @next_poll_ms: when the next one goes out
   * @last_error: (nullable): why the last poll failed
   */
  signals[PROGRESS] =
    g_signal_new ("progress", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 3,
                  G_TYPE_UINT, G_TYPE_UINT, G_TYPE_STRING);
}

static void
xa_activation_init (XaActivation *self)
{
  self->poll_interval_ms = 3000;
  self->error_backoff_ms = 10000;
  self->code_lifetime_ms = 300000;
  self->request_timeout_ms = XA_OTA_DEFAULT_TIMEOUT_MS;
}

XaActivation *
xa_activation_new (const char       *ota_url,
                   const XaIdentity *identity)
{
  return g_object_new (XA_TYPE_ACTIVATION,
                       "ota-url", ota_url,
                       "identity", identity,
                       NULL);
}

XaActivationState
xa_activation_get_state (XaActivation *self)
{
  g_return_val_if_fail (XA_IS_ACTIVATION (self), XA_ACTIVATION_STATE_IDLE);
  return self->state;
}

/* The answer carrying the code now shown, or NULL. */
const XaOtaAnswer *
xa_activation_get_current (XaActivation *self)
{
  g_return_val_if_fail (XA_IS_ACTIVATION (self), NULL);
  return self->current;
}

/* Where the code is to be entered when the server does not say: the
 * device's control panel, NULL when it has none (a new activation guesses
 * it from the OTA address). */
void
xa_activation_set_panel_url (XaActivation *self,
                             const char   *panel_url)
{
  g_return_if_fail (XA_IS_ACTIVATION (self));
  self->panel_url_set = TRUE;
  g_free (self->panel_url);
  self->panel_url = g_strdup (panel_url);
}

/* Where to enter the code shown: where the server's answer says its
 * console is, else xa_activation_set_panel_url()'s (the device's). A
 * server that sends the manager's placeholder said nothing: our guess
 * from the OTA address is then no better than a placeholder, so only an
 * address the user typed is given. NULL when nobody knows
 * (xa_activation_get_placeholder_panel_url() says why). */
const char *
xa_activation_get_panel_url (XaActivation *self)
{
  const char *server;

  g_return_val_if_fail (XA_IS_ACTIVATION (self), NULL);
  server = self->current ? xa_ota_answer_get_panel_url (self->current) : NULL;
  if (server != NULL && !xa_url_is_placeholder (server))
    return server;
  if (!self->panel_url_set)
    {
      self->panel_url_set = TRUE;
      self->panel_url = xa_ota_guess_control_panel (self->ota_url);
    }
  if (server != NULL)
    {
      g_autofree char *guess = xa_ota_guess_control_panel (self->ota_url);

      if (self->panel_url == NULL || g_strcmp0 (self->panel_url, guess) == 0 || xa_url_is_placeholder (self->panel_url))
        return NULL;
    }
  return self->panel_url;
}

/* The placeholder console address the server sent, or NULL. */
const char *
xa_activation_get_placeholder_panel_url (XaActivation *self)
{
  const char *server;

  g_return_val_if_fail (XA_IS_ACTIVATION (self), NULL);
  server = self->current ? xa_ota_answer_get_panel_url (self->current) : NULL;
  return server != NULL && xa_url_is_placeholder (server) ? server : NULL;
}

gint64
xa_activation_get_seconds_left (XaActivation *self)
{
  g_return_val_if_fail (XA_IS_ACTIVATION (self), 0);

  if (self->state != XA_ACTIVATION_STATE_WAITING_FOR_USER)
    return 0;
  return MAX (0, (self->code_expires_us - g_get_monotonic_time () + 999999) / 1000000);
}

void
xa_activation_run_async (XaActivation        *self,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (XA_IS_ACTIVATION (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, xa_activation_run_async);
  g_task_set_check_cancellable (task, FALSE);

  if (self->task != NULL)
    {
      g_task_return_new_error (task, XA_ACTIVATION_ERROR, XA_ACTIVATION_ERROR_BUSY,
                               _("This device is already being activated."));
      return;
    }

  self->task = g_steal_pointer (&task);
  self->attempt = 0;
  self->failed_polls = 0;
  self->recheck = FALSE;
  self->code_shown = FALSE;
  g_clear_pointer (&self->current, xa_ota_answer_free);
  set_last_error (self, NULL);
  self->deadline = xa_deadline_new (cancellable, self->deadline_ms);
  self->cancel_source = g_cancellable_source_new (run_cancellable (self));
  g_source_set_callback (self->cancel_source, G_SOURCE_FUNC (run_cancelled_cb), self, NULL);
  g_source_attach (self->cancel_source, NULL);

  request_code (self);
}

/* The final OTA answer of a bound device, with its WebSocket URL and token. */
/* What a finished run means, from the answer it ended with: bound after a
 * code was shown; no code asked for at all (the server lets the device
 * talk, or never will: PROTOCOL.md §6); or a device the server sends to
 * MQTT, which has no WebSocket token. */
XaActivationOutcome
xa_activation_get_outcome (XaActivation      *self,
                           const XaOtaAnswer *answer)
{
  if (!answer->has_websocket && answer->has_mqtt)
    return XA_ACTIVATION_OUTCOME_MQTT_ONLY;
  return self->code_shown ? XA_ACTIVATION_OUTCOME_ACTIVATED : XA_ACTIVATION_OUTCOME_NO_CODE_ISSUED;
}

const char *
xa_activation_outcome_get_title (XaActivationOutcome outcome)
{
  switch (outcome)
    {
    case XA_ACTIVATION_OUTCOME_NO_CODE_ISSUED:
      return _("No Activation Code Issued");
    case XA_ACTIVATION_OUTCOME_MQTT_ONLY:
      return _("This Device Talks MQTT");
    case XA_ACTIVATION_OUTCOME_ACTIVATED:
    default:
      return _("Device Activated");
    }
}

/* What the outcome means and what comes next, in words both front ends
 * show. @mqtt_endpoint: where an MQTT-only device connects. */
char *
xa_activation_outcome_describe (XaActivationOutcome  outcome,
                                const char          *mqtt_endpoint)
{
  switch (outcome)
    {
    case XA_ACTIVATION_OUTCOME_NO_CODE_ISSUED:
      return g_strdup (_("The server asked for no code. Either it lets every device talk without one "
                         "(a self-hosted single-module server), or this Device-Id is already bound to an "
                         "account there, yours or another (on the official cloud only its operator can "
                         "unbind it). A hello that is answered fits a single-module server and a device "
                         "bound on a manager alike; a rejected one means the Device-Id is bound elsewhere "
                         "or the token is wrong."));
    case XA_ACTIVATION_OUTCOME_MQTT_ONLY:
      return g_strdup_printf (_("The server sends this device to MQTT (%s) and gives it no WebSocket token. "
                                "Its MQTT details are kept, the password in the keyring."),
                              mqtt_endpoint ? mqtt_endpoint : "?");
    case XA_ACTIVATION_OUTCOME_ACTIVATED:
    default:
      return g_strdup (_("The code was entered: the server bound the device to an account and issued its token."));
    }
}

const char *
xa_activation_outcome_to_id (XaActivationOutcome outcome)
{
  switch (outcome)
    {
    case XA_ACTIVATION_OUTCOME_NO_CODE_ISSUED:
      return "no-code-issued";
    case XA_ACTIVATION_OUTCOME_MQTT_ONLY:
      return "mqtt-only";
    case XA_ACTIVATION_OUTCOME_ACTIVATED:
    default:
      return "activated";
    }
}

XaOtaAnswer *
xa_activation_run_finish (XaActivation  *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == xa_activation_run_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
