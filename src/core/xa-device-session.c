/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "xa-device-session.h"
#include "xa-store.h"
#include "xa-export.h"
#include "xa-identity.h"
#include "xa-mqtt-probe.h"
#include "xa-text.h"
#include "xa-token-store.h"
#include "xa-token-test.h"
#include "xa-token.h"
#include "xa-url.h"

/* One device's whole life, for both front ends: its secrets loaded once
 * together, one operation at a time, and the rules that keep the device
 * record and the keyring telling the truth:
 *
 * - the HMAC key is made only for a device the keyring says has none, and
 *   is never saved over one it might have;
 * - a token reaches the keyring before the device is said to have it; one
 *   the keyring refused stays here, and the device says "token not saved"
 *   (in devices.json too) until a retry saves it;
 * - a cancelled operation records nothing. */
struct _XaDeviceSession
{
  GObject        parent_instance;

  XaStore *store;
  XaDevice      *device;
  char          *token;           /* secret */
  char          *hmac_key;        /* secret */
  char          *mqtt_password;   /* secret */
  GError        *keyring_error;
  gboolean       ready;
  GTask         *current;         /* the operation under way, if any */
  GCancellable  *op_cancellable;  /* cancels it */
  XaActivation  *activation;
  gboolean       removed;         /* no result may be recorded any more */
  gboolean       testing;         /* a Test is asking the server */
};

G_DEFINE_FINAL_TYPE (XaDeviceSession, xa_device_session, G_TYPE_OBJECT)
G_DEFINE_QUARK (xa-device-session-error-quark, xa_device_session_error)

enum {
  PROP_0,
  PROP_STORE,
  PROP_DEVICE,
  PROP_READY,
  PROP_BUSY,
  PROP_HAS_TOKEN,
  PROP_KEYRING_ERROR,
  PROP_ACTIVATION,
  N_PROPS
};

enum {
  STORE_ERROR,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* ---- state ------------------------------------------------------------------ */

static gboolean
valid_name (const char *text)
{
  if (*text == '\0' || !g_utf8_validate (text, -1, NULL))
    return FALSE;
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    if (g_unichar_iscntrl (g_utf8_get_char (p)))
      return FALSE;
  return TRUE;
}


static void
set_keyring_error (XaDeviceSession *self,
                   const GError    *error)
{
  if (error == NULL && self->keyring_error == NULL)
    return;
  g_clear_error (&self->keyring_error);
  self->keyring_error = error ? g_error_copy (error) : NULL;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_KEYRING_ERROR]);
}

static void
set_token (XaDeviceSession *self,
           const char      *token)
{
  gboolean had = self->token != NULL;
  gint64 issued = 0, expires;

  xa_secret_replace (&self->token, token);
  /* The date a self-hosted token carries is no secret: the list warns
   * before it runs out. */
  if (!xa_token_get_dates (token, &issued, &expires))
    issued = 0;
  xa_device_set_token_issued_at (self->device, issued);
  if (had != (token != NULL))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HAS_TOKEN]);
}

static void
set_activation (XaDeviceSession *self,
                XaActivation    *activation)
{
  if (g_set_object (&self->activation, activation))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ACTIVATION]);
}

static XaIdentity *
dup_identity (XaDeviceSession *self)
{
  return xa_device_dup_identity (self->device, self->hmac_key);
}

/* Starts an operation: refuses a second one, and gives it a cancellable
 * that both the caller's and the session's cancel reach. */
static GTask *
op_begin (XaDeviceSession     *self,
          gpointer             source_tag,
          gboolean             needs_ready,
          GCancellable        *cancellable,
          GAsyncReadyCallback  callback,
          gpointer             user_data)
{
  GTask *task;

  /* Every public operation starts here. */
  g_return_val_if_fail (XA_IS_DEVICE_SESSION (self), NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, source_tag);

  if (self->current != NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_BUSY,
                               _("Wait until what runs for this device has finished."));
      g_object_unref (task);
      return NULL;
    }
  if (needs_ready && !self->ready)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED,
                               _("The device’s secrets are still being read from the keyring."));
      g_object_unref (task);
      return NULL;
    }

  self->current = task;
  g_clear_object (&self->op_cancellable);
  self->op_cancellable = g_cancellable_new ();
  if (cancellable != NULL)
    {
      g_signal_connect_object (cancellable, "cancelled", G_CALLBACK (g_cancellable_cancel),
                               self->op_cancellable, G_CONNECT_SWAPPED);
      if (g_cancellable_is_cancelled (cancellable))
        g_cancellable_cancel (self->op_cancellable);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
  return task;
}

/* The operation of @task is over: the session is free for the next. */
static void
op_finish (GTask *task)
{
  XaDeviceSession *self = g_task_get_source_object (task);

  if (self->current == task)
    {
      self->current = NULL;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
    }
}

/* Ends @task with @error (or success when NULL) and drops the reference
 * op_begin() handed to the callbacks. */
static void
op_end (GTask  *task,
        GError *error)
{
  op_finish (task);
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

static GCancellable *
op_cancellable (GTask *task)
{
  XaDeviceSession *self = g_task_get_source_object (task);

  return self->current == task ? self->op_cancellable : g_task_get_cancellable (task);
}

typedef struct
{
  GTask  *task;
  void  (*then) (GTask *task);
} SaveThen;

static void
device_saved_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  SaveThen *save = user_data;
  XaDeviceSession *self = g_task_get_source_object (save->task);
  g_autoptr(GError) error = NULL;

  if (!xa_store_finish (XA_STORE (object), result, &error))
    g_signal_emit (self, signals[STORE_ERROR], 0, error);
  save->then (save->task);
  g_free (save);
}

/* Writes the device record, then goes on with @then: an operation ends
 * once what it learnt is on disk (xiaozhictl exits right after). A
 * failure is told through ::store-error, since what was learnt is still
 * true and shown. */
static void
save_device_then (GTask  *task,
                  void  (*then) (GTask *task))
{
  XaDeviceSession *self = g_task_get_source_object (task);
  SaveThen *save = g_new0 (SaveThen, 1);

  save->task = task;
  save->then = then;
  xa_store_save_async (self->store, self->device, NULL, device_saved_cb, save);
}

static void
op_succeed (GTask *task)
{
  op_end (task, NULL);
}

static gboolean
is_cancelled (const GError *error)
{
  return g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

/* ---- load: the secrets, once, together ---------------------------------------- */

/* Try again: a token the keyring refused earlier, still held here, is
 * saved first; then every secret is looked up; then a missing key made. */
typedef enum
{
  LOAD_SAVE_HELD_TOKEN,
  LOAD_TOKEN,
  LOAD_HMAC_KEY,
  LOAD_MQTT_PASSWORD,
  LOAD_MAKE_KEY,
  LOAD_DONE,
} LoadStage;

typedef struct
{
  LoadStage stage;
} LoadData;

static void load_next (GTask *task);

/* A keyring failure ends the lookups: the others would fail alike. */
static gboolean
load_failed (GTask  *task,
             GError *error)
{
  XaDeviceSession *self = g_task_get_source_object (task);
  LoadData *data = g_task_get_task_data (task);

  if (error == NULL)
    return FALSE;
  if (is_cancelled (error))
    {
      op_end (task, g_error_copy (error));
      return TRUE;
    }
  set_keyring_error (self, error);
  data->stage = LOAD_DONE;
  load_next (task);
  return TRUE;
}

static void
load_lookup_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  GTask *task = user_data;
  XaDeviceSession *self = g_task_get_source_object (task);
  LoadData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_auto(XaSecret) secret = xa_token_store_lookup_finish (result, &error);

  if (load_failed (task, error))
    return;

  switch (data->stage)
    {
    case LOAD_TOKEN:
      if (!(self->token != NULL && xa_device_get_token_unsaved (self->device)))
        set_token (self, secret);
      break;
    case LOAD_HMAC_KEY:
      xa_secret_replace (&self->hmac_key, secret);
      break;
    case LOAD_MQTT_PASSWORD:
      xa_secret_replace (&self->mqtt_password, secret);
      break;
    case LOAD_SAVE_HELD_TOKEN:
    case LOAD_MAKE_KEY:
    case LOAD_DONE:
    default:
      g_assert_not_reached ();
    }
  data->stage++;
  load_next (task);
}

static void
load_saved_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  GTask *task = user_data;
  XaDeviceSession *self = g_task_get_source_object (task);
  LoadData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  xa_token_store_save_finish (result, &error);
  if (load_failed (task, error))
    return;
  data->stage++;
  if (data->stage == LOAD_SAVE_HELD_TOKEN + 1)
    {
      xa_device_set_token_unsaved (self->device, FALSE);
      save_device_then (task, load_next);
      return;
    }
  load_next (task);
}

static void
load_next (GTask *task)
{
  XaDeviceSession *self = g_task_get_source_object (task);
  LoadData *data = g_task_get_task_data (task);

  switch (data->stage)
    {
    case LOAD_SAVE_HELD_TOKEN:
      if (self->token != NULL && xa_device_get_token_unsaved (self->device))
        {
          xa_token_store_save_async (self->device, XA_SECRET_TOKEN, self->token,
                                     op_cancellable (task), load_saved_cb, task);
          return;
        }
      data->stage++;
      G_GNUC_FALLTHROUGH;
    case LOAD_TOKEN:
    case LOAD_HMAC_KEY:
    case LOAD_MQTT_PASSWORD:
      {
        static const XaSecretKind kinds[] = {
          [LOAD_TOKEN] = XA_SECRET_TOKEN,
          [LOAD_HMAC_KEY] = XA_SECRET_HMAC_KEY,
          [LOAD_MQTT_PASSWORD] = XA_SECRET_MQTT_PASSWORD,
        };
        xa_token_store_lookup_async (self->device, kinds[data->stage], op_cancellable (task),
                                     load_lookup_cb, task);
        return;
      }
    case LOAD_MAKE_KEY:
      if (self->hmac_key == NULL)
        {
          /* The keyring answered that there is none: this device's key
           * is made now, once, and kept. */
          g_auto(XaSecret) key = xa_hmac_key_new ();
          xa_secret_replace (&self->hmac_key, key);
          xa_token_store_save_async (self->device, XA_SECRET_HMAC_KEY, key, op_cancellable (task),
                                     load_saved_cb, task);
          return;
        }
      data->stage++;
      G_GNUC_FALLTHROUGH;
    case LOAD_DONE:
    default:
      break;
    }

  if (self->hmac_key == NULL)
    {
      /* Without a keyring we cannot know the stored key: one for this
       * run only, never saved over the real one. */
      g_auto(XaSecret) key = xa_hmac_key_new ();
      xa_secret_replace (&self->hmac_key, key);
    }
  if (!self->ready)
    {
      self->ready = TRUE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_READY]);
    }
  op_end (task, NULL);
}

void
xa_device_session_load_async (XaDeviceSession     *self,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  GTask *task = op_begin (self, xa_device_session_load_async, FALSE, cancellable, callback, user_data);

  if (task == NULL)
    return;
  set_keyring_error (self, NULL);
  g_task_set_task_data (task, g_new0 (LoadData, 1), g_free);
  load_next (task);
}

gboolean
xa_device_session_load_finish (XaDeviceSession  *self,
                               GAsyncResult     *result,
                               GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- waiting until it is free ----------------------------------------------------- */

typedef struct
{
  gulong        busy_id;
  GCancellable *cancellable;
  gulong        cancelled_id;
} WhenFree;

static void
when_free_stop (GTask *task)
{
  XaDeviceSession *self = g_task_get_source_object (task);
  WhenFree *wait = g_task_get_task_data (task);

  g_clear_signal_handler (&wait->busy_id, self);
  if (wait->cancelled_id != 0)
    g_cancellable_disconnect (wait->cancellable, wait->cancelled_id);
  wait->cancelled_id = 0;
}

static void
when_free_data_free (WhenFree *wait)
{
  if (wait->cancelled_id != 0)
    g_cancellable_disconnect (wait->cancellable, wait->cancelled_id);
  g_clear_object (&wait->cancellable);
  g_free (wait);
}

static void when_free_check (GTask *task);

static void
when_free_loaded_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  /* Another operation got there first: wait for that one instead. */
  if (!xa_device_session_load_finish (XA_DEVICE_SESSION (object), result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_BUSY))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    when_free_check (g_steal_pointer (&task));
}

static void
when_free_busy_cb (XaDeviceSession *self,
                   GParamSpec      *pspec,
                   GTask           *task)
{
  if (xa_device_session_get_busy (self))
    return;
  when_free_stop (task);
  /* The reference the handler held. */
  when_free_check (task);
}

/* Runs in the context the waiting began in; takes its reference of @task. */
static gboolean
when_free_cancelled_idle (gpointer user_data)
{
  g_autoptr(GTask) task = user_data;

  if (!g_task_get_completed (task))
    g_task_return_error_if_cancelled (task);
  return G_SOURCE_REMOVE;
}

static void
when_free_cancelled_cb (GCancellable *cancellable,
                        GTask        *task)
{
  WhenFree *wait = g_task_get_task_data (task);
  XaDeviceSession *self = g_task_get_source_object (task);

  /* Still waiting: stop, and hand the handler's reference to an idle
   * (g_cancellable_disconnect() may not run in this handler). */
  if (wait->busy_id != 0)
    {
      g_clear_signal_handler (&wait->busy_id, self);
      g_idle_add (when_free_cancelled_idle, task);
    }
}

/* Takes a reference of @task. */
static void
when_free_check (GTask *task)
{
  XaDeviceSession *self = g_task_get_source_object (task);
  WhenFree *wait = g_task_get_task_data (task);

  if (g_task_return_error_if_cancelled (task))
    g_object_unref (task);
  else if (self->ready && self->current == NULL)
    {
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
    }
  else if (self->current != NULL)
    {
      wait->busy_id = g_signal_connect (self, "notify::busy", G_CALLBACK (when_free_busy_cb), task);
      if (wait->cancellable != NULL && wait->cancelled_id == 0)
        wait->cancelled_id = g_cancellable_connect (wait->cancellable, G_CALLBACK (when_free_cancelled_cb),
                                                    task, NULL);
    }
  else
    xa_device_session_load_async (self, g_task_get_cancellable (task), when_free_loaded_cb, task);
}

/* Ends once the session's secrets are read (reading them when nobody
 * has) and no operation runs: the moment to start one. What runs now is
 * waited for, never refused with G_IO_ERROR_BUSY. */
void
xa_device_session_when_free_async (XaDeviceSession     *self,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  GTask *task;
  WhenFree *wait;

  g_return_if_fail (XA_IS_DEVICE_SESSION (self));
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, xa_device_session_when_free_async);
  wait = g_new0 (WhenFree, 1);
  g_set_object (&wait->cancellable, cancellable);
  g_task_set_task_data (task, wait, (GDestroyNotify) when_free_data_free);
  when_free_check (task);
}

gboolean
xa_device_session_when_free_finish (XaDeviceSession  *self,
                                    GAsyncResult     *result,
                                    GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- keeping what a bound device's answer brought -------------------------------- */

typedef struct
{
  XaOtaAnswer         *answer;
  gboolean             token_changed;
  XaRefreshChanges     changes;
  XaActivationOutcome  outcome;
  gboolean             has_outcome;   /* an activation, not a refresh */
  gboolean             renewed;       /* the token is another string now */
} KeepData;

static void
keep_data_free (KeepData *data)
{
  g_clear_pointer (&data->answer, xa_ota_answer_free);
  g_free (data);
}

static void
finish_keep (GTask *task)
{
  XaDeviceSession *self = g_task_get_source_object (task);
  KeepData *data = g_task_get_task_data (task);

  /* Only now does the device say it has a token (or that it is not saved). */
  if (!self->removed)
    {
      g_object_freeze_notify (G_OBJECT (self->device));
      xa_device_apply_answer (self->device, data->answer);
      if (data->has_outcome)
        xa_device_set_outcome (self->device, xa_activation_outcome_to_id (data->outcome));
      else if (data->renewed)
        xa_device_note_token_refreshed (self->device);
      xa_device_set_token_unsaved (self->device, self->token != NULL && self->keyring_error != NULL);
      g_object_thaw_notify (G_OBJECT (self->device));
      save_device_then (task, op_succeed);
      return;
    }
  op_end (task, NULL);
}

static void
mqtt_saved_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  GTask *task = user_data;
  XaDeviceSession *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;

  if (!xa_token_store_save_finish (result, &error) && !is_cancelled (error))
    set_keyring_error (self, error);
  finish_keep (task);
}

static void
token_saved_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  GTask *task = user_data;
  XaDeviceSession *self = g_task_get_source_object (task);
  KeepData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  /* Cancelled or not, the token is the server's now: it is kept. */
  if (result == NULL)
    ; /* no token to save */
  else if (!xa_token_store_save_finish (result, &error))
    set_keyring_error (self, error);
  else
    set_keyring_error (self, NULL);

  if (data->answer->mqtt_password != NULL && self->keyring_error == NULL)
    {
      xa_secret_replace (&self->mqtt_password, data->answer->mqtt_password);
      xa_token_store_save_async (self->device, XA_SECRET_MQTT_PASSWORD, data->answer->mqtt_password,
                                 NULL, mqtt_saved_cb, task);
      return;
    }
  finish_keep (task);
}

/* What an operation that kept an answer learnt, or NULL with @error. */
static KeepData *
keep_finish (XaDeviceSession  *self,
             GAsyncResult     *result,
             GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  if (!g_task_propagate_boolean (G_TASK (result), error))
    return NULL;
  return g_task_get_task_data (G_TASK (result));
}

/* What @answer holds that differs from what the device has now. */
static XaRefreshChanges
answer_changes (XaDeviceSession   *self,
                const XaOtaAnswer *answer)
{
  XaDevice *d = self->device;
  XaRefreshChanges changes = XA_REFRESH_CHANGED_NOTHING;

  /* The token is keep_answer()'s to compare (data->renewed). */
  if (answer->has_websocket && g_strcmp0 (answer->websocket_url, xa_device_get_websocket_url (d)) != 0)
    changes |= XA_REFRESH_CHANGED_WEBSOCKET_URL;
  if (answer->has_mqtt)
    {
      g_autofree char *client_id = NULL, *username = NULL, *publish = NULL, *subscribe = NULL;

      g_object_get (d, "mqtt-client-id", &client_id, "mqtt-username", &username,
                    "mqtt-publish-topic", &publish, "mqtt-subscribe-topic", &subscribe, NULL);
      if (g_strcmp0 (answer->mqtt_endpoint, xa_device_get_mqtt_endpoint (d)) != 0
          || g_strcmp0 (answer->mqtt_client_id, client_id) != 0
          || g_strcmp0 (answer->mqtt_username, username) != 0
          || g_strcmp0 (answer->mqtt_publish_topic, publish) != 0
          || g_strcmp0 (answer->mqtt_subscribe_topic, subscribe) != 0
          || (answer->mqtt_password != NULL && g_strcmp0 (answer->mqtt_password, self->mqtt_password) != 0))
        changes |= XA_REFRESH_CHANGED_MQTT;
    }
  return changes;
}

/* Takes @answer over for @task: token to the keyring first, then the record.
 * A device the server sends to MQTT has no WebSocket token: none is
 * made up (an empty one would read as "auth off"). */
static void
keep_answer (GTask       *task,
             XaOtaAnswer *answer,
             KeepData    *data)
{
  XaDeviceSession *self = g_task_get_source_object (task);
  const char *token = answer->token ? answer->token : "";

  data->answer = answer;
  data->token_changed = xa_ota_answer_changes_token (answer, self->token) ||
                        xa_device_get_token_unsaved (self->device);
  data->changes = answer_changes (self, answer);
  g_task_set_task_data (task, data, (GDestroyNotify) keep_data_free);

  if (!answer->has_websocket)
    {
      set_token (self, NULL);
      data->token_changed = FALSE;
      token_saved_cb (NULL, NULL, task);
      return;
    }
  data->renewed = g_strcmp0 (token, self->token) != 0;
  set_token (self, token);
  /* Not cancellable: a token the server issued must not be lost halfway. */
  xa_token_store_save_async (self->device, XA_SECRET_TOKEN, token, NULL, token_saved_cb, task);
}

/* ---- activate ------------------------------------------------------------------ */

XaActivation *
xa_device_session_new_activation (XaDeviceSession *self)
{
  g_autoptr(XaIdentity) identity = NULL;
  XaActivation *activation;

  g_return_val_if_fail (self->ready, NULL);
  identity = dup_identity (self);
  activation = xa_activation_new (xa_device_get_ota_url (self->device), identity);
  xa_activation_set_panel_url (activation, xa_device_get_panel_url (self->device));
  return activation;
}

static void
activation_done_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  GTask *task = user_data;
  XaDeviceSession *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  XaOtaAnswer *answer = xa_activation_run_finish (XA_ACTIVATION (object), result, &error);
  KeepData *data;

  set_activation (self, NULL);
  if (answer == NULL)
    {
      op_end (task, g_steal_pointer (&error));
      return;
    }
  data = g_new0 (KeepData, 1);
  data->outcome = xa_activation_get_outcome (XA_ACTIVATION (object), answer);
  data->has_outcome = TRUE;
  keep_answer (task, answer, data);
}

void
xa_device_session_activate_async (XaDeviceSession     *self,
                                  XaActivation        *activation,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  GTask *task = op_begin (self, xa_device_session_activate_async, TRUE, cancellable, callback, user_data);
  g_autoptr(XaActivation) run = NULL;

  if (task == NULL)
    return;
  run = activation ? g_object_ref (activation) : xa_device_session_new_activation (self);
  set_activation (self, run);
  xa_activation_run_async (run, op_cancellable (task), activation_done_cb, task);
}

/* TRUE once the server answered without a code and what it gave is kept
 * (in the keyring, or here when the keyring refused: see the
 * keyring-error property); @outcome says what that answer means. */
gboolean
xa_device_session_activate_finish (XaDeviceSession      *self,
                                   GAsyncResult         *result,
                                   XaActivationOutcome  *outcome,
                                   GError              **error)
{
  KeepData *data = keep_finish (self, result, error);

  if (data != NULL && outcome != NULL)
    *outcome = data->outcome;
  return data != NULL;
}

/* ---- refresh ------------------------------------------------------------------- */

static void
refresh_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  GTask *task = user_data;
  g_autoptr(GError) error = NULL;
  XaOtaAnswer *answer = xa_ota_check_finish (result, &error);

  if (answer == NULL)
    {
      op_end (task, g_steal_pointer (&error));
      return;
    }
  if (answer->has_activation)
    {
      GError *not_bound = g_error_new (XA_DEVICE_SESSION_ERROR, XA_DEVICE_SESSION_ERROR_NOT_ACTIVATED,
                                       _("Not activated: the server offers the code %s. Activate the device."),
                                       answer->code);
      xa_ota_answer_free (answer);
      op_end (task, not_bound);
      return;
    }
  keep_answer (task, answer, g_new0 (KeepData, 1));
}

void
xa_device_session_refresh_async (XaDeviceSession     *self,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  GTask *task = op_begin (self, xa_device_session_refresh_async, TRUE, cancellable, callback, user_data);
  g_autoptr(XaIdentity) identity = NULL;

  if (task == NULL)
    return;
  identity = dup_identity (self);
  xa_ota_check_async (xa_device_get_ota_url (self->device), identity, 0, op_cancellable (task),
                      refresh_cb, task);
}

/* What a refresh changed, in a sentence or two. */
char *
xa_refresh_changes_describe (XaRefreshChanges changes)
{
  GString *out = g_string_new (NULL);

  if (changes == XA_REFRESH_CHANGED_NOTHING)
    return g_strdup (_("Nothing changed: the server sends the same credentials and addresses."));
  if (changes & XA_REFRESH_CHANGED_TOKEN)
    g_string_append (out, _("The server issued a new token."));
  if (changes & XA_REFRESH_CHANGED_WEBSOCKET_URL)
    g_string_append_printf (out, "%s%s", out->len ? " " : "", _("The WebSocket address changed."));
  if (changes & XA_REFRESH_CHANGED_MQTT)
    g_string_append_printf (out, "%s%s", out->len ? " " : "",
                            _("The MQTT login changed (broker, client id, user, password or topics)."));
  return g_string_free (out, FALSE);
}

/* @changes: what the server's answer changed (the token, the WebSocket
 * address, the MQTT login); the verdicts of the roads it changed were of
 * the old credentials: test again. */
gboolean
xa_device_session_refresh_finish (XaDeviceSession  *self,
                                  GAsyncResult     *result,
                                  XaRefreshChanges *changes,
                                  GError          **error)
{
  KeepData *data = keep_finish (self, result, error);

  if (data != NULL && changes != NULL)
    *changes = data->changes | (data->renewed || data->token_changed ? XA_REFRESH_CHANGED_TOKEN : 0);
  return data != NULL;
}

/* ---- test ---------------------------------------------------------------------- */

static void
test_done (GTask *task)
{
  XaReport *report = g_task_get_task_data (task);

  op_finish (task);
  g_task_return_pointer (task, xa_report_copy (report), (GDestroyNotify) xa_report_free);
  g_object_unref (task);
}

static void
test_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  GTask *task = user_data;
  XaDeviceSession *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  XaReport *report = g_async_result_is_tagged (result, xa_mqtt_probe_async) ? xa_mqtt_probe_finish (result, &error)
                                                                             : xa_token_test_finish (result, &error);

  /* From here on, what is shown is this Test's verdict. */
  self->testing = FALSE;
  if (report == NULL)
    {
      op_end (task, g_steal_pointer (&error));
      return;
    }

  g_task_set_task_data (task, report, (GDestroyNotify) xa_report_free);
  /* The verdict lands on the device that was tested, whatever is shown. */
  if (!self->removed)
    {
      xa_device_record_report (self->device, report);
      save_device_then (task, test_done);
      return;
    }
  test_done (task);
}

/* Tests the device over @transport: "websocket" (its token), "mqtt" (its
 * broker login, when the server offered MQTT), or NULL for the road the
 * server sends it: MQTT for an MQTT-only device, else the WebSocket. The
 * verdict is recorded either way; finish with _test_finish(). */
void
xa_device_session_test_over_async (XaDeviceSession     *self,
                                   const char          *transport,
                                   guint                timeout_ms,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  GTask *task = op_begin (self, xa_device_session_test_async, TRUE, cancellable, callback, user_data);
  g_autoptr(XaIdentity) identity = NULL;

  if (task == NULL)
    return;
  if (transport == NULL)
    transport = xa_device_get_transport (self->device);
  if (g_str_equal (transport, "mqtt") && xa_device_get_mqtt_endpoint (self->device) == NULL)
    {
      op_end (task, g_error_new_literal (XA_DEVICE_SESSION_ERROR, XA_DEVICE_SESSION_ERROR_NO_MQTT,
                                         _("The server offered this device no MQTT. Refresh the token to ask it again.")));
      return;
    }
  /* Over MQTT as a board would talk: its broker, its credentials, its
   * topics. */
  if (g_str_equal (transport, "mqtt"))
    {
      g_autofree char *client_id = NULL, *username = NULL, *publish = NULL, *subscribe = NULL;
      XaMqttTarget target = { 0 };

      g_object_get (self->device, "mqtt-client-id", &client_id, "mqtt-username", &username,
                    "mqtt-publish-topic", &publish, "mqtt-subscribe-topic", &subscribe, NULL);
      target.endpoint = xa_device_get_mqtt_endpoint (self->device);
      target.client_id = client_id;
      target.username = username;
      target.password = self->mqtt_password;
      target.publish_topic = publish;
      target.subscribe_topic = subscribe;
      self->testing = TRUE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
      xa_mqtt_probe_async (&target, timeout_ms, op_cancellable (task), test_cb, task);
      return;
    }
  if (self->token == NULL)
    {
      op_end (task, g_error_new_literal (XA_DEVICE_SESSION_ERROR, XA_DEVICE_SESSION_ERROR_NO_TOKEN,
                                         _("This device has no token yet: activate it first.")));
      return;
    }
  identity = dup_identity (self);
  self->testing = TRUE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
  xa_token_test_async (xa_device_get_ota_url (self->device), xa_device_get_websocket_url (self->device),
                       self->token, identity, timeout_ms, op_cancellable (task), test_cb, task);
}

void
xa_device_session_test_async (XaDeviceSession     *self,
                              guint                timeout_ms,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  xa_device_session_test_over_async (self, NULL, timeout_ms, cancellable, callback, user_data);
}

XaReport *
xa_device_session_test_finish (XaDeviceSession  *self,
                               GAsyncResult     *result,
                               GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- test every road ------------------------------------------------------------ */

/* The roads a Test of the whole device takes: the one the server sends it,
 * then MQTT when the server offered that too (the official cloud does:
 * boards take it). A WebSocket device with no token has only its MQTT
 * road, if any. */
GStrv
xa_device_session_dup_roads (XaDeviceSession *self)
{
  g_autoptr(GStrvBuilder) roads = g_strv_builder_new ();

  g_return_val_if_fail (XA_IS_DEVICE_SESSION (self), NULL);
  if (g_str_equal (xa_device_get_transport (self->device), "mqtt"))
    g_strv_builder_add (roads, "mqtt");
  else
    {
      if (self->token != NULL)
        g_strv_builder_add (roads, "websocket");
      if (xa_device_also_offers_mqtt (self->device))
        g_strv_builder_add (roads, "mqtt");
    }
  return g_strv_builder_end (roads);
}

/* Whether a Test has a road to take (a token, or an MQTT login). */
gboolean
xa_device_session_can_test (XaDeviceSession *self)
{
  g_auto(GStrv) roads = NULL;

  g_return_val_if_fail (XA_IS_DEVICE_SESSION (self), FALSE);
  roads = xa_device_session_dup_roads (self);
  return roads[0] != NULL;
}

/* What an error that ended a Test means as its report: a device with no
 * token is not activated; a cancelled, unreachable or timed-out check is
 * its verdict. NULL for an error that is no verdict (the keyring, the
 * devices file). */
XaReport *
xa_device_session_report_for_error (const GError *error)
{
  XaReport *report;
  XaVerdict verdict;

  g_return_val_if_fail (error != NULL, NULL);
  if (g_error_matches (error, XA_DEVICE_SESSION_ERROR, XA_DEVICE_SESSION_ERROR_NO_TOKEN) ||
      g_error_matches (error, XA_DEVICE_SESSION_ERROR, XA_DEVICE_SESSION_ERROR_NOT_ACTIVATED))
    verdict = XA_VERDICT_NOT_ACTIVATED;
  else if (!xa_verdict_from_error (error, &verdict))
    return NULL;
  report = xa_report_new ();
  xa_report_set_verdict (report, verdict, error->domain == XA_OTA_ERROR ? xa_ota_error_dup_text (error)
                                                                        : xa_text_new_literal (error->message));
  return report;
}

typedef struct
{
  GStrv      roads;
  guint      next;
  guint      timeout_ms;
  GPtrArray *reports;
} TestAllData;

static void
test_all_data_free (TestAllData *data)
{
  g_strfreev (data->roads);
  g_ptr_array_unref (data->reports);
  g_free (data);
}

static void test_next_road (GTask *task);

static void
road_tested_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TestAllData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  XaReport *report = xa_device_session_test_finish (XA_DEVICE_SESSION (object), result, &error);

  /* The first road's error is the Test's; a later one's is its report. */
  if (report == NULL && data->reports->len == 0)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (report == NULL && (report = xa_device_session_report_for_error (error)) == NULL)
    {
      report = xa_report_new ();
      xa_report_set_verdict (report, XA_VERDICT_PROTOCOL_ERROR, xa_text_new_literal (error->message));
    }
  g_ptr_array_add (data->reports, report);
  if (report->verdict == XA_VERDICT_CANCELLED)
    data->next = g_strv_length (data->roads);
  test_next_road (g_steal_pointer (&task));
}

static void
test_next_road (GTask *task)
{
  XaDeviceSession *self = g_task_get_source_object (task);
  TestAllData *data = g_task_get_task_data (task);

  if (data->roads[data->next] == NULL)
    {
      g_task_return_pointer (task, g_ptr_array_ref (data->reports), (GDestroyNotify) g_ptr_array_unref);
      g_object_unref (task);
      return;
    }
  xa_device_session_test_over_async (self, data->roads[data->next++], data->timeout_ms,
                                     g_task_get_cancellable (task), road_tested_cb, task);
}

/* Tests the device on every road xa_device_session_dup_roads() names, one
 * after the other; finish with _test_all_finish(). */
void
xa_device_session_test_all_async (XaDeviceSession     *self,
                                  guint                timeout_ms,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  TestAllData *data;

  g_return_if_fail (XA_IS_DEVICE_SESSION (self));
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, xa_device_session_test_all_async);
  data = g_new0 (TestAllData, 1);
  data->roads = xa_device_session_dup_roads (self);
  data->timeout_ms = timeout_ms;
  data->reports = g_ptr_array_new_with_free_func ((GDestroyNotify) xa_report_free);
  g_task_set_task_data (task, data, (GDestroyNotify) test_all_data_free);
  /* No road at all: the device's own road says why (no token yet). */
  if (data->roads[0] == NULL)
    {
      xa_device_session_test_over_async (self, NULL, timeout_ms, cancellable, road_tested_cb,
                                         g_steal_pointer (&task));
      return;
    }
  test_next_road (g_steal_pointer (&task));
}

/* The reports, one per road, the device's own first (a cancelled road
 * ends the list). */
GPtrArray *
xa_device_session_test_all_finish (XaDeviceSession  *self,
                                   GAsyncResult     *result,
                                   GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_async_result_is_tagged (result, xa_device_session_test_all_async), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- add: secrets first, then the record ------------------------------------------ */

typedef struct
{
  XaSecretKind next;
  gboolean     secrets_saved;
} AddData;

static void add_next (GTask *task);

static void
add_secret_saved_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  GTask *task = user_data;
  XaDeviceSession *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;

  if (!xa_token_store_save_finish (result, &error))
    {
      if (is_cancelled (error))
        {
          op_end (task, g_steal_pointer (&error));
          return;
        }
      set_keyring_error (self, error);
    }
  add_next (task);
}

static void
added_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  GTask *task = user_data;
  XaDeviceSession *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  XaDevice *stored;

  if (!xa_store_finish (XA_STORE (object), result, &error))
    {
      /* Not added (a name taken…): take its secrets back out. */
      xa_token_store_delete_async (self->device, NULL, NULL, NULL);
      op_end (task, g_steal_pointer (&error));
      return;
    }

  /* From now on, the store's own object is the device. */
  stored = xa_store_find_uuid (self->store, xa_device_get_uuid (self->device));
  if (stored != NULL && g_set_object (&self->device, stored))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DEVICE]);
  self->ready = TRUE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_READY]);
  op_end (task, NULL);
}

static void
add_next (GTask *task)
{
  XaDeviceSession *self = g_task_get_source_object (task);
  AddData *data = g_task_get_task_data (task);

  if (self->keyring_error == NULL && data->next == XA_SECRET_HMAC_KEY)
    {
      data->next = XA_SECRET_TOKEN;
      xa_token_store_save_async (self->device, XA_SECRET_HMAC_KEY, self->hmac_key, op_cancellable (task),
                                 add_secret_saved_cb, task);
      return;
    }
  if (self->keyring_error == NULL && data->next == XA_SECRET_TOKEN && self->token != NULL)
    {
      data->next = XA_SECRET_MQTT_PASSWORD;
      xa_token_store_save_async (self->device, XA_SECRET_TOKEN, self->token, op_cancellable (task),
                                 add_secret_saved_cb, task);
      return;
    }

  /* Its token is in the keyring by now, or the record says it is not. */
  xa_device_set_token_unsaved (self->device, self->token != NULL && self->keyring_error != NULL);
  xa_store_add_async (self->store, self->device, op_cancellable (task), added_cb, task);
}

/* Adds the session's device to the store, with @token (NULL: none yet) and
 * @hmac_key (NULL: a new one). */
void
xa_device_session_add_async (XaDeviceSession     *self,
                             const char          *token,
                             const char          *hmac_key,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  GTask *task = op_begin (self, xa_device_session_add_async, FALSE, cancellable, callback, user_data);
  g_autofree char *new_key = NULL;
  AddData *data;

  if (task == NULL)
    return;
  if (!valid_name (xa_device_get_name (self->device)))
    {
      op_end (task, g_error_new_literal (XA_DEVICE_SESSION_ERROR, XA_DEVICE_SESSION_ERROR_INVALID,
                                         _("A name is some text without line breaks or control characters: "
                                           "choose another one.")));
      return;
    }
  if (token != NULL && !xa_token_is_safe (token))
    {
      op_end (task, g_error_new_literal (XA_DEVICE_SESSION_ERROR, XA_DEVICE_SESSION_ERROR_INVALID,
                                         _("A token is printable text without spaces or quotes: "
                                           "check what you pasted.")));
      return;
    }
  if (hmac_key == NULL)
    hmac_key = new_key = xa_hmac_key_new ();
  xa_secret_replace (&self->hmac_key, hmac_key);
  set_token (self, token);

  data = g_new0 (AddData, 1);
  data->next = XA_SECRET_HMAC_KEY;
  g_task_set_task_data (task, data, g_free);
  add_next (task);
}

gboolean
xa_device_session_add_finish (XaDeviceSession  *self,
                              GAsyncResult     *result,
                              GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- export ----------------------------------------------------------------------- */

typedef struct
{
  XaExportKind kind;
  XaDevice    *device;   /* a snapshot: the thread reads it alone */
  char        *path;
  char        *token;    /* secret */
  char        *hmac_key; /* secret */
  char        *mqtt_password; /* secret */
  XaEnvKeys   *env_keys;
} ExportJob;

static void
export_job_free (ExportJob *job)
{
  g_clear_object (&job->device);
  g_free (job->path);
  xa_secret_free (job->token);
  xa_secret_free (job->hmac_key);
  xa_secret_free (job->mqtt_password);
  xa_env_keys_free (job->env_keys);
  g_free (job);
}

static void
export_thread (GTask        *task,
               gpointer      source,
               gpointer      task_data,
               GCancellable *cancellable)
{
  ExportJob *job = task_data;
  GError *error = NULL;
  gboolean ok;

  switch (job->kind)
    {
    case XA_EXPORT_ENV:
    case XA_EXPORT_ENV_NEW:
    case XA_EXPORT_ENV_WEB_PROXY:
      ok = xa_env_file_export (job->path, job->device, job->token, job->kind == XA_EXPORT_ENV_NEW,
                               job->env_keys, &error);
      break;
    case XA_EXPORT_WEBUI:
      ok = xa_webui_config_export (job->path, job->device, job->token, &error);
      break;
    case XA_EXPORT_PY_XIAOZHI_EFUSE:
      ok = xa_py_xiaozhi_export (job->path, job->device, job->token, job->mqtt_password, &error) &&
           xa_py_xiaozhi_write_efuse (job->path, job->device, job->hmac_key, &error);
      break;
    case XA_EXPORT_PY_XIAOZHI:
    default:
      ok = xa_py_xiaozhi_export (job->path, job->device, job->token, job->mqtt_password, &error);
      break;
    }

  if (ok)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
exported_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  GTask *task = user_data;
  GError *error = NULL;

  g_task_propagate_boolean (G_TASK (result), &error);
  op_end (task, error);
}

static void
export_start (XaDeviceSession     *self,
              XaExportKind         kind,
              const char          *path,
              const XaEnvKeys     *env_keys,
              GCancellable        *cancellable,
              GAsyncReadyCallback  callback,
              gpointer             user_data)
{
  GTask *task = op_begin (self, xa_device_session_export_async, TRUE, cancellable, callback, user_data);
  gboolean into_py_xiaozhi = kind == XA_EXPORT_PY_XIAOZHI || kind == XA_EXPORT_PY_XIAOZHI_EFUSE;
  g_autoptr(GTask) worker = NULL;
  g_autoptr(JsonNode) snapshot = NULL;
  ExportJob *job;

  if (task == NULL)
    return;
  /* An MQTT device goes into py-xiaozhi without a WebSocket token. */
  if (self->token == NULL && (!into_py_xiaozhi || !g_str_equal (xa_device_get_transport (self->device), "mqtt")))
    {
      op_end (task, g_error_new_literal (XA_DEVICE_SESSION_ERROR, XA_DEVICE_SESSION_ERROR_NO_TOKEN,
                                         _("This device has no token yet: activate it first.")));
      return;
    }

  job = g_new0 (ExportJob, 1);
  job->kind = kind == XA_EXPORT_ENV_WEB_PROXY ? XA_EXPORT_ENV : kind;
  job->env_keys = env_keys ? xa_env_keys_copy (env_keys)
                  : kind == XA_EXPORT_ENV_WEB_PROXY ? xa_env_keys_new ("web-proxy", NULL) : NULL;
  snapshot = xa_device_to_json (self->device);
  job->device = xa_device_new_from_json (json_node_get_object (snapshot), NULL);
  job->path = g_strdup (path);
  job->token = g_strdup (self->token);
  job->hmac_key = g_strdup (self->hmac_key);
  job->mqtt_password = g_strdup (self->mqtt_password);

  /* Files are small, but a network home folder can still stall. */
  worker = g_task_new (self, op_cancellable (task), exported_cb, task);
  g_task_set_task_data (worker, job, (GDestroyNotify) export_job_free);
  g_task_run_in_thread (worker, export_thread);
}

void
xa_device_session_export_async (XaDeviceSession     *self,
                                XaExportKind         kind,
                                const char          *path,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  export_start (self, kind, path, NULL, cancellable, callback, user_data);
}

/* An env file with other key names than ours (a preset, or --key). */
void
xa_device_session_export_env_async (XaDeviceSession     *self,
                                    const char          *path,
                                    gboolean             replace,
                                    const XaEnvKeys     *keys,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  export_start (self, replace ? XA_EXPORT_ENV_NEW : XA_EXPORT_ENV, path, keys, cancellable, callback, user_data);
}

gboolean
xa_device_session_export_finish (XaDeviceSession  *self,
                                 GAsyncResult     *result,
                                 GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- edit: the name and the control panel address ------------------------------------ */

typedef struct
{
  char *property;
  char *old_value;
} EditData;

static void
edit_data_free (EditData *data)
{
  g_free (data->property);
  g_free (data->old_value);
  g_free (data);
}

static gboolean
valid_web_address (const char *text)
{
  g_autoptr(GUri) uri = g_uri_parse (text, G_URI_FLAGS_NONE, NULL);

  return uri != NULL && g_uri_get_host (uri) != NULL && *g_uri_get_host (uri) != '\0' &&
         (g_str_equal (g_uri_get_scheme (uri), "http") || g_str_equal (g_uri_get_scheme (uri), "https"));
}

/* What goes into the OTA body and the User-Agent: short, no spaces. */
static gboolean
valid_report_value (const char *text)
{
  gsize n = strlen (text);

  if (n == 0 || n > 64)
    return FALSE;
  for (const guchar *p = (const guchar *) text; *p; p++)
    if (*p <= 0x20 || *p >= 0x7f)
      return FALSE;
  return TRUE;
}

static void
edited_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  XaDeviceSession *self = g_task_get_source_object (task);
  EditData *data = g_task_get_task_data (task);
  GError *error = NULL;

  if (!xa_store_finish (XA_STORE (object), result, &error))
    {
      /* Not saved (a name already taken…): what is on disk again. */
      g_object_set (self->device, data->property, data->old_value, NULL);
      g_task_return_error (task, error);
      return;
    }
  g_task_return_boolean (task, TRUE);
}

/* Whether @value (stripped) is a @property ("name", "panel-url",
 * "ota-url", "board-type", "app-version" or "connection") a device may
 * have; says why not. */
gboolean
xa_device_check_field (const char  *property,
                       const char  *value,
                       GError     **error)
{
  gboolean is_name = g_str_equal (property, "name");
  gboolean is_panel = g_str_equal (property, "panel-url");

  g_return_val_if_fail (is_name || is_panel || g_str_equal (property, "board-type") ||
                        g_str_equal (property, "app-version") || g_str_equal (property, "ota-url") ||
                        g_str_equal (property, "connection"), FALSE);

  /* Set by a switch and an option, never typed: no words needed. */
  if (g_str_equal (property, "connection"))
    {
      g_return_val_if_fail (*value == '\0' || g_str_equal (value, "direct"), FALSE);
      return TRUE;
    }

  /* The OTA address the diagnosis found (or one typed): the check's own words. */
  if (g_str_equal (property, "ota-url"))
    return xa_ota_url_validate (value, error);

  if (is_name ? valid_name (value) : is_panel ? valid_web_address (value) : valid_report_value (value))
    return TRUE;
  g_set_error_literal (error, XA_DEVICE_SESSION_ERROR, XA_DEVICE_SESSION_ERROR_INVALID,
                       is_name ? _("A name is some text without line breaks or control characters.")
                       : is_panel ? _("The control panel address is a web address (http:// or https://).")
                       : _("A board type or version is short text without spaces, such as "
                           "bread-compact-wifi or 1.6.2."));
  return FALSE;
}

/* Whether @value may replace @property ("name", "panel-url", "ota-url",
 * "board-type" or "app-version") of the device; says why not. Asked as
 * the user types, and again by xa_device_session_edit_async(). */
gboolean
xa_device_session_check_edit (XaDeviceSession  *self,
                              const char       *property,
                              const char       *value,
                              GError          **error)
{
  g_autofree char *stripped = g_strstrip (g_strdup (value ? value : ""));
  gboolean is_name = g_str_equal (property, "name");
  XaDevice *named;

  if (!xa_device_check_field (property, stripped, error))
    return FALSE;
  if (is_name && (named = xa_store_find (self->store, stripped)) != NULL && named != self->device)
    {
      g_set_error (error, XA_DEVICE_SESSION_ERROR, XA_DEVICE_SESSION_ERROR_INVALID,
                   _("There is already a device named “%s”. Choose another name."), stripped);
      return FALSE;
    }
  return TRUE;
}

/* Renames the device ("name") or changes where its code is typed
 * ("panel-url"), where it asks for it ("ota-url") or what it reports
 * ("board-type", "app-version"). Runs beside an activation: it only
 * touches the record (a running activation keeps its address). */
void
xa_device_session_edit_async (XaDeviceSession     *self,
                              const char          *property,
                              const char          *value,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autofree char *stripped = g_strstrip (g_strdup (value ? value : ""));
  GError *error = NULL;
  EditData *data;

  g_task_set_source_tag (task, xa_device_session_edit_async);
  if (!xa_device_session_check_edit (self, property, value, &error))
    {
      /* Translators: %s says what the value should be */
      g_task_return_new_error (task, error->domain, error->code, _("%s Nothing was changed."), error->message);
      g_error_free (error);
      return;
    }

  data = g_new0 (EditData, 1);
  data->property = g_strdup (property);
  g_object_get (self->device, property, &data->old_value, NULL);
  g_task_set_task_data (task, data, (GDestroyNotify) edit_data_free);
  if (g_strcmp0 (data->old_value, stripped) == 0)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  g_object_set (self->device, property, stripped, NULL);
  xa_store_save_async (self->store, self->device, cancellable, edited_cb, g_steal_pointer (&task));
}

gboolean
xa_device_session_edit_finish (XaDeviceSession  *self,
                               GAsyncResult     *result,
                               GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- remove: secrets first, so none is left behind ----------------------------------- */

static void
removed_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  GTask *task = user_data;
  GError *error = NULL;

  xa_store_finish (XA_STORE (object), result, &error);
  op_end (task, error);
}

static void
secrets_deleted_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  GTask *task = user_data;
  XaDeviceSession *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;

  if (!xa_token_store_delete_finish (result, &error))
    {
      GError *kept = g_error_new (XA_DEVICE_SESSION_ERROR, XA_DEVICE_SESSION_ERROR_NOT_REMOVED,
                                  /* Translators: %s says what is wrong with the keyring and what to do */
                                  _("The device was not removed, so that its secrets are not left behind: %s"),
                                  error->message);
      set_keyring_error (self, error);
      self->removed = FALSE;
      op_end (task, kept);
      return;
    }
  set_token (self, NULL);
  xa_store_remove_async (self->store, self->device, NULL, removed_cb, task);
}

void
xa_device_session_remove_async (XaDeviceSession     *self,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  GTask *task;

  /* Whatever runs for it stops first: nothing may write it back. */
  xa_device_session_cancel (self);
  self->removed = TRUE;
  self->current = NULL;
  task = op_begin (self, xa_device_session_remove_async, FALSE, cancellable, callback, user_data);
  xa_token_store_delete_async (self->device, NULL, secrets_deleted_cb, task);
}

gboolean
xa_device_session_remove_finish (XaDeviceSession  *self,
                                 GAsyncResult     *result,
                                 GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- object -------------------------------------------------------------------------- */

static void
xa_device_session_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  XaDeviceSession *self = XA_DEVICE_SESSION (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_DEVICE:
      g_value_set_object (value, self->device);
      break;
    case PROP_READY:
      g_value_set_boolean (value, self->ready);
      break;
    case PROP_BUSY:
      g_value_set_boolean (value, self->current != NULL);
      break;
    case PROP_HAS_TOKEN:
      g_value_set_boolean (value, self->token != NULL);
      break;
    case PROP_KEYRING_ERROR:
      g_value_set_boxed (value, self->keyring_error);
      break;
    case PROP_ACTIVATION:
      g_value_set_object (value, self->activation);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
xa_device_session_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  XaDeviceSession *self = XA_DEVICE_SESSION (object);

  switch (prop_id)
    {
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      break;
    case PROP_DEVICE:
      self->device = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
xa_device_session_dispose (GObject *object)
{
  XaDeviceSession *self = XA_DEVICE_SESSION (object);

  xa_device_session_cancel (self);
  g_clear_object (&self->op_cancellable);
  g_clear_object (&self->activation);
  g_clear_object (&self->store);
  g_clear_object (&self->device);

  G_OBJECT_CLASS (xa_device_session_parent_class)->dispose (object);
}

static void
xa_device_session_finalize (GObject *object)
{
  XaDeviceSession *self = XA_DEVICE_SESSION (object);

  xa_secret_free (self->token);
  xa_secret_free (self->hmac_key);
  xa_secret_free (self->mqtt_password);
  g_clear_error (&self->keyring_error);

  G_OBJECT_CLASS (xa_device_session_parent_class)->finalize (object);
}

static void
xa_device_session_class_init (XaDeviceSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->get_property = xa_device_session_get_property;
  object_class->set_property = xa_device_session_set_property;
  object_class->dispose = xa_device_session_dispose;
  object_class->finalize = xa_device_session_finalize;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, XA_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /* Given at construction; once added, the store's own object. */
  properties[PROP_DEVICE] =
    g_param_spec_object ("device", NULL, NULL, XA_TYPE_DEVICE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* The secrets were read (or the keyring said why not): actions may run. */
  properties[PROP_READY] = g_param_spec_boolean ("ready", NULL, NULL, FALSE, ro);
  properties[PROP_BUSY] = g_param_spec_boolean ("busy", NULL, NULL, FALSE, ro);
  properties[PROP_HAS_TOKEN] = g_param_spec_boolean ("has-token", NULL, NULL, FALSE, ro);
  properties[PROP_KEYRING_ERROR] = g_param_spec_boxed ("keyring-error", NULL, NULL, G_TYPE_ERROR, ro);
  properties[PROP_ACTIVATION] = g_param_spec_object ("activation", NULL, NULL, XA_TYPE_ACTIVATION, ro);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* Saving the device record failed; what was learnt is still shown. */
  signals[STORE_ERROR] =
    g_signal_new ("store-error", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
}

static void
xa_device_session_init (XaDeviceSession *self)
{
}

XaDeviceSession *
xa_device_session_new (XaStore *store,
                       XaDevice      *device)
{
  g_return_val_if_fail (XA_IS_STORE (store), NULL);
  g_return_val_if_fail (XA_IS_DEVICE (device), NULL);
  return g_object_new (XA_TYPE_DEVICE_SESSION, "store", store, "device", device, NULL);
}

XaDevice *
xa_device_session_get_device (XaDeviceSession *self)
{
  g_return_val_if_fail (XA_IS_DEVICE_SESSION (self), NULL);
  return self->device;
}

gboolean
xa_device_session_get_ready (XaDeviceSession *self)
{
  g_return_val_if_fail (XA_IS_DEVICE_SESSION (self), FALSE);
  return self->ready;
}

gboolean
xa_device_session_get_busy (XaDeviceSession *self)
{
  g_return_val_if_fail (XA_IS_DEVICE_SESSION (self), FALSE);
  return self->current != NULL;
}

/* Whether a Test is asking the server (it starts and ends as "busy"
 * does, and ends before its verdict is recorded). */
gboolean
xa_device_session_get_testing (XaDeviceSession *self)
{
  g_return_val_if_fail (XA_IS_DEVICE_SESSION (self), FALSE);
  return self->current != NULL && self->testing;
}

/* The token, held in memory while the session lives; a secret. */
const char *
xa_device_session_get_token (XaDeviceSession *self)
{
  g_return_val_if_fail (XA_IS_DEVICE_SESSION (self), NULL);
  return self->token;
}

const char *
xa_device_session_get_hmac_key (XaDeviceSession *self)
{
  g_return_val_if_fail (XA_IS_DEVICE_SESSION (self), NULL);
  return self->hmac_key;
}

/* The MQTT password the server gave (a secret), or NULL. */
const char *
xa_device_session_get_mqtt_password (XaDeviceSession *self)
{
  g_return_val_if_fail (XA_IS_DEVICE_SESSION (self), NULL);
  return self->mqtt_password;
}

/* Why the keyring did not answer or keep the last secret, or NULL. */
const GError *
xa_device_session_get_keyring_error (XaDeviceSession *self)
{
  g_return_val_if_fail (XA_IS_DEVICE_SESSION (self), NULL);
  return self->keyring_error;
}

XaActivation *
xa_device_session_get_activation (XaDeviceSession *self)
{
  g_return_val_if_fail (XA_IS_DEVICE_SESSION (self), NULL);
  return self->activation;
}

/* Stops what runs for the device; its _finish gets G_IO_ERROR_CANCELLED. */
void
xa_device_session_cancel (XaDeviceSession *self)
{
  g_return_if_fail (XA_IS_DEVICE_SESSION (self));
  if (self->op_cancellable != NULL)
    g_cancellable_cancel (self->op_cancellable);
}
