/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "xa-ota.h"
#include "xa-types.h"

G_BEGIN_DECLS

#define XA_ACTIVATION_ERROR (xa_activation_error_quark ())

typedef enum
{
  XA_ACTIVATION_ERROR_TIMED_OUT,
  XA_ACTIVATION_ERROR_BUSY,
} XaActivationError;

typedef enum
{
  XA_ACTIVATION_STATE_IDLE,
  XA_ACTIVATION_STATE_REQUESTING_CODE,
  XA_ACTIVATION_STATE_WAITING_FOR_USER,
  XA_ACTIVATION_STATE_EXPIRED,
  XA_ACTIVATION_STATE_ACTIVATED,
  XA_ACTIVATION_STATE_FAILED,
  XA_ACTIVATION_STATE_CANCELLED,
} XaActivationState;

/* How a finished activation ended (xa_activation_get_outcome()). */
typedef enum
{
  XA_ACTIVATION_OUTCOME_ACTIVATED,
  XA_ACTIVATION_OUTCOME_NO_CODE_ISSUED,
  XA_ACTIVATION_OUTCOME_MQTT_ONLY,
} XaActivationOutcome;

#define XA_TYPE_ACTIVATION (xa_activation_get_type ())

G_DECLARE_FINAL_TYPE (XaActivation, xa_activation, XA, ACTIVATION, GObject)

GQuark             xa_activation_error_quark     (void);

XaActivation      *xa_activation_new             (const char          *ota_url,
                                                  const XaIdentity    *identity);
XaActivationState  xa_activation_get_state       (XaActivation        *self);
const XaOtaAnswer *xa_activation_get_current     (XaActivation        *self);
void               xa_activation_set_panel_url   (XaActivation        *self,
                                                  const char          *panel_url);
const char        *xa_activation_get_panel_url   (XaActivation        *self);
const char        *xa_activation_get_placeholder_panel_url (XaActivation *self);
gint64             xa_activation_get_seconds_left (XaActivation       *self);
void               xa_activation_run_async       (XaActivation        *self,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
XaOtaAnswer       *xa_activation_run_finish      (XaActivation        *self,
                                                  GAsyncResult        *result,
                                                  GError             **error);
XaActivationOutcome xa_activation_get_outcome    (XaActivation        *self,
                                                  const XaOtaAnswer   *answer);
const char        *xa_activation_outcome_to_id   (XaActivationOutcome  outcome);
const char        *xa_activation_outcome_get_title (XaActivationOutcome outcome);
char              *xa_activation_outcome_describe (XaActivationOutcome outcome,
                                                  const char          *mqtt_endpoint);

G_END_DECLS
