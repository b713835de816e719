/* xa-types.h: the core's types, declared once, so that a header which only
 * passes them by pointer needs no other header.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Objects (G_DECLARE_FINAL_TYPE repeats these; C11 allows it). */
typedef struct _XaActivation     XaActivation;
typedef struct _XaDevice         XaDevice;
typedef struct _XaDeviceSession  XaDeviceSession;
typedef struct _XaMcpEndpoint    XaMcpEndpoint;
typedef struct _XaStore          XaStore;

/* Plain structures. */
typedef struct _XaCsvRow         XaCsvRow;
typedef struct _XaDeadline       XaDeadline;
typedef struct _XaDeviceState    XaDeviceState;
typedef struct _XaDiagnosis      XaDiagnosis;
typedef struct _XaEnvKeys        XaEnvKeys;
typedef struct _XaFinding        XaFinding;
typedef struct _XaHistoryEntry   XaHistoryEntry;
typedef struct _XaHostInterface  XaHostInterface;
typedef struct _XaIdentity       XaIdentity;
typedef struct _XaImported       XaImported;
typedef struct _XaMcpClaims      XaMcpClaims;
typedef struct _XaMqttLink       XaMqttLink;
typedef struct _XaMqttTarget     XaMqttTarget;
typedef struct _XaOtaAnswer      XaOtaAnswer;
typedef struct _XaReport         XaReport;
typedef struct _XaStoreKind      XaStoreKind;
typedef struct _XaText           XaText;

G_END_DECLS
