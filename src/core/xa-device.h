/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "xa-report.h"
#include "xa-types.h"

G_BEGIN_DECLS

#define XA_TYPE_DEVICE (xa_device_get_type ())

/* A dated token is news in the list this many days before it expires. */
#define XA_DEVICE_EXPIRY_WARNING_DAYS 7

/* A dated token is refreshed once it is this old (by default a
 * self-hosted server refuses it at 30 days). */
#define XA_DEVICE_REFRESH_AFTER_DAYS 20

/* How many Tests and events a device remembers. */
#define XA_DEVICE_HISTORY_LENGTH 20

/* One line of a device's history: a Test's verdict, or a refreshed token. */
struct _XaHistoryEntry
{
  gint64    time;              /* unix seconds */
  gboolean  token_refreshed;   /* an event, not a Test */
  XaVerdict verdict;
  gboolean  over_mqtt;
  gint64    latency_ms;        /* -1 when no hello came back */
};

G_DECLARE_FINAL_TYPE (XaDevice, xa_device, XA, DEVICE, GObject)

/* A saved device. Everything here may go to devices.json: secrets (token,
 * HMAC key, MQTT password) live in the keyring, see XaTokenStore. */
XaDevice   *xa_device_new               (const char        *name,
                                         const char        *ota_url,
                                         const XaIdentity  *identity);
XaDevice   *xa_device_new_from_json     (JsonObject        *object,
                                         GError           **error);
JsonNode   *xa_device_to_json           (XaDevice          *self);
gboolean    xa_device_update_from_json  (XaDevice          *self,
                                         JsonObject        *object);

const char *xa_device_get_uuid          (XaDevice          *self);
const char *xa_device_get_name          (XaDevice          *self);
void        xa_device_set_name          (XaDevice          *self,
                                         const char        *name);
const char *xa_device_get_device_id     (XaDevice          *self);
const char *xa_device_get_client_id     (XaDevice          *self);
const char *xa_device_get_serial_number (XaDevice          *self);
const char *xa_device_get_ota_url       (XaDevice          *self);
const char *xa_device_get_panel_url     (XaDevice          *self);
const char *xa_device_get_websocket_url (XaDevice          *self);
gint64      xa_device_get_activated_at  (XaDevice          *self);
const char *xa_device_get_last_verdict  (XaDevice          *self);
const char *xa_device_get_last_mqtt_verdict (XaDevice        *self);
const char *xa_device_get_last_message  (XaDevice          *self);
XaReport   *xa_device_dup_last_report   (XaDevice          *self);
gint64      xa_device_get_last_test_at  (XaDevice          *self);
gboolean    xa_device_is_activated      (XaDevice          *self);
const char *xa_device_get_status        (XaDevice          *self);
const char *xa_device_get_status_icon   (XaDevice          *self);
gboolean    xa_device_get_token_unsaved (XaDevice          *self);
const char *xa_device_get_transport     (XaDevice          *self);
const char *xa_device_get_mqtt_endpoint (XaDevice          *self);
gboolean    xa_device_also_offers_mqtt  (XaDevice          *self);
const char *xa_device_get_outcome       (XaDevice          *self);
void        xa_device_set_outcome       (XaDevice          *self,
                                         const char        *outcome);
void        xa_device_set_token_unsaved (XaDevice          *self,
                                         gboolean           unsaved);
gint64      xa_device_get_token_issued_at (XaDevice        *self);
void        xa_device_set_token_issued_at (XaDevice        *self,
                                         gint64             issued);
gboolean    xa_device_get_token_days_left (XaDevice        *self,
                                         gint64             now,
                                         gint64            *days);
gboolean    xa_device_token_wants_refresh (XaDevice        *self,
                                         gint64             now);
gboolean    xa_device_get_connects_directly (XaDevice         *self);
XaIdentity *xa_device_dup_identity      (XaDevice          *self,
                                         const char        *hmac_key);

void        xa_device_apply_answer      (XaDevice          *self,
                                         const XaOtaAnswer *answer);
void        xa_device_record_report     (XaDevice          *self,
                                         const XaReport    *report);
void        xa_device_note_token_refreshed (XaDevice       *self);
GArray     *xa_device_dup_history       (XaDevice          *self);
const char *xa_history_entry_get_title  (const XaHistoryEntry *entry);
char       *xa_history_entry_format     (const XaHistoryEntry *entry);

/* How a store (xa-store.h) keeps devices, in devices.json. */
extern const XaStoreKind xa_device_kind;

G_END_DECLS
