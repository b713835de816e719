/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "xa-text.h"
#include "xa-types.h"

G_BEGIN_DECLS

/* One thing the diagnosis found: what, and what to do about it. */
struct _XaFinding
{
  const char *id;          /* stable, for scripts: "code-pending", "clock-skew"… */
  const char *severity;    /* "bad", "warn" or "info" */
  guint       likelihood;  /* how likely this is why it does not work: the list's order */
  XaText     *title;
  XaText     *advice;
  char       *ota_url;     /* an OTA address to use instead, offered as a fix; or NULL */
};

/* What a diagnosis saw, and what it concluded. */
struct _XaDiagnosis
{
  GPtrArray   *findings;       /* XaFinding, most likely first */
  XaOtaAnswer *answer;         /* the device's own server's OTA answer, or NULL */
  XaReport    *hello;          /* the hello over the road the server gives, or NULL */
  XaOtaAnswer *cloud_answer;   /* the official cloud's, when asked */
  guint        activate_status; /* of the /activate poll, 0 when not tried */
};

void         xa_diagnosis_free      (XaDiagnosis       *self);
void         xa_diagnose_async      (const char        *ota_url,
                                     const XaIdentity  *identity,
                                     const char        *token,
                                     gboolean           ask_official_cloud,
                                     guint              timeout_ms,
                                     GCancellable      *cancellable,
                                     GAsyncReadyCallback callback,
                                     gpointer           user_data);
XaDiagnosis *xa_diagnose_finish     (GAsyncResult      *result,
                                     GError           **error);
JsonNode    *xa_diagnosis_to_json   (const XaDiagnosis *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (XaDiagnosis, xa_diagnosis_free)

G_END_DECLS
