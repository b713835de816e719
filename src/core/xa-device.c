/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "xa-device.h"
#include "xa-device-state.h"
#include "xa-identity.h"
#include "xa-json-edit.h"
#include "xa-json.h"
#include "xa-ota-answer.h"
#include "xa-store.h"
#include "xa-token.h"
#include "xa-url.h"

struct _XaDevice
{
  GObject  parent_instance;

  char    *uuid;
  char    *name;
  char    *device_id;
  char    *client_id;
  char    *serial_number;
  char    *ota_url;
  char    *panel_url;
  char    *websocket_url;
  char    *last_verdict;
  char    *last_message;
  char    *last_details;
  char    *last_mqtt_verdict;
  char    *mqtt_endpoint;
  char    *mqtt_client_id;
  char    *mqtt_username;
  char    *mqtt_publish_topic;
  char    *mqtt_subscribe_topic;
  char    *transport;
  char    *outcome;
  char    *board_type;
  char    *app_version;
  char    *connection;
  gint64   activated_at;
  gint64   last_test_at;
  gint64   token_unsaved_at;
  gint64   token_issued_at;
  JsonNode *last_report;
  JsonNode *history;
  char       *status;            /* the state's title, once asked for */
  const char *status_icon_name;
};

G_DEFINE_FINAL_TYPE (XaDevice, xa_device, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_UUID,
  PROP_NAME,
  PROP_DEVICE_ID,
  PROP_CLIENT_ID,
  PROP_SERIAL_NUMBER,
  PROP_OTA_URL,
  PROP_PANEL_URL,
  PROP_WEBSOCKET_URL,
  PROP_LAST_VERDICT,
  PROP_LAST_MESSAGE,
  PROP_LAST_DETAILS,
  PROP_LAST_MQTT_VERDICT,
  PROP_MQTT_ENDPOINT,
  PROP_MQTT_CLIENT_ID,
  PROP_MQTT_USERNAME,
  PROP_MQTT_PUBLISH_TOPIC,
  PROP_MQTT_SUBSCRIBE_TOPIC,
  PROP_TRANSPORT,
  PROP_OUTCOME,
  PROP_BOARD_TYPE,
  PROP_APP_VERSION,
  PROP_CONNECTION,
  PROP_ACTIVATED_AT,
  PROP_LAST_TEST_AT,
  PROP_TOKEN_UNSAVED_AT,
  PROP_TOKEN_ISSUED_AT,
  PROP_LAST_REPORT,
  PROP_HISTORY,
  PROP_STATUS,
  PROP_STATUS_ICON_NAME,
  N_PROPS
};

/* The string properties, their fields and their keys in devices.json:
 * one table drives properties, JSON and copying. */
static const struct
{
  guint       prop;
  const char *key;
  gsize       offset;
  gboolean    required;
} string_fields[] = {
  { PROP_UUID, "uuid", G_STRUCT_OFFSET (XaDevice, uuid), TRUE },
  { PROP_NAME, "name", G_STRUCT_OFFSET (XaDevice, name), TRUE },
  { PROP_DEVICE_ID, "device_id", G_STRUCT_OFFSET (XaDevice, device_id), TRUE },
  { PROP_CLIENT_ID, "client_id", G_STRUCT_OFFSET (XaDevice, client_id), TRUE },
  { PROP_SERIAL_NUMBER, "serial_number", G_STRUCT_OFFSET (XaDevice, serial_number), FALSE },
  { PROP_OTA_URL, "ota_url", G_STRUCT_OFFSET (XaDevice, ota_url), TRUE },
  { PROP_PANEL_URL, "panel_url", G_STRUCT_OFFSET (XaDevice, panel_url), FALSE },
  { PROP_WEBSOCKET_URL, "websocket_url", G_STRUCT_OFFSET (XaDevice, websocket_url), FALSE },
  { PROP_LAST_VERDICT, "last_verdict", G_STRUCT_OFFSET (XaDevice, last_verdict), FALSE },
  /* The words of a Test before last_report kept their recipe (shown as
   * they are, in the language they were written in). */
  { PROP_LAST_MESSAGE, "last_message", G_STRUCT_OFFSET (XaDevice, last_message), FALSE },
  { PROP_LAST_DETAILS, "last_details", G_STRUCT_OFFSET (XaDevice, last_details), FALSE },
  /* A WebSocket device the server also offered MQTT (as the official cloud
   * does: boards take MQTT): the verdict of its MQTT Test. */
  { PROP_LAST_MQTT_VERDICT, "last_mqtt_verdict", G_STRUCT_OFFSET (XaDevice, last_mqtt_verdict), FALSE },
  { PROP_MQTT_ENDPOINT, "mqtt_endpoint", G_STRUCT_OFFSET (XaDevice, mqtt_endpoint), FALSE },
  { PROP_MQTT_CLIENT_ID, "mqtt_client_id", G_STRUCT_OFFSET (XaDevice, mqtt_client_id), FALSE },
  { PROP_MQTT_USERNAME, "mqtt_username", G_STRUCT_OFFSET (XaDevice, mqtt_username), FALSE },
  { PROP_MQTT_PUBLISH_TOPIC, "mqtt_publish_topic", G_STRUCT_OFFSET (XaDevice, mqtt_publish_topic), FALSE },
  { PROP_MQTT_SUBSCRIBE_TOPIC, "mqtt_subscribe_topic", G_STRUCT_OFFSET (XaDevice, mqtt_subscribe_topic), FALSE },
  /* "websocket" or "mqtt": what the server offers the device. */
  { PROP_TRANSPORT, "transport", G_STRUCT_OFFSET (XaDevice, transport), FALSE },
  /* How its last activation ended (xa_activation_outcome_to_id()). */
  { PROP_OUTCOME, "outcome", G_STRUCT_OFFSET (XaDevice, outcome), FALSE },
  /* What the device reports in its OTA check (NULL: py-xiaozhi's). */
  { PROP_BOARD_TYPE, "board_type", G_STRUCT_OFFSET (XaDevice, board_type), FALSE },
  { PROP_APP_VERSION, "app_version", G_STRUCT_OFFSET (XaDevice, app_version), FALSE },
  /* "direct": its server is reached without this computer's proxy (one on
   * the user's own network, say); NULL or "": through it, if one is set. */
  { PROP_CONNECTION, "connection", G_STRUCT_OFFSET (XaDevice, connection), FALSE },
};

static const struct
{
  guint       prop;
  const char *key;
  gsize       offset;
} int_fields[] = {
  { PROP_ACTIVATED_AT, "activated_at", G_STRUCT_OFFSET (XaDevice, activated_at) },
  { PROP_LAST_TEST_AT, "last_test_at", G_STRUCT_OFFSET (XaDevice, last_test_at) },
  /* When the keyring last refused this device's token: 0 once it holds it. */
  { PROP_TOKEN_UNSAVED_AT, "token_unsaved_at", G_STRUCT_OFFSET (XaDevice, token_unsaved_at) },
  /* The date in a self-hosted token (“<signature>.<unix seconds>”), 0 for
   * an undated one: its expiry is shown without the token. */
  { PROP_TOKEN_ISSUED_AT, "token_issued_at", G_STRUCT_OFFSET (XaDevice, token_issued_at) },
};
enum { ACTIVATED_AT_FIELD, LAST_TEST_AT_FIELD, TOKEN_UNSAVED_AT_FIELD, TOKEN_ISSUED_AT_FIELD };

/* JSON kept as it is: the last Test's report (xa_report_to_record()), and
 * what happened to the device lately (xa_device_dup_history()). */
static const struct
{
  guint       prop;
  const char *key;
  gsize       offset;
} node_fields[] = {
  { PROP_LAST_REPORT, "last_report", G_STRUCT_OFFSET (XaDevice, last_report) },
  { PROP_HISTORY, "history", G_STRUCT_OFFSET (XaDevice, history) },
};
enum { LAST_REPORT_FIELD, HISTORY_FIELD };

static GParamSpec *properties[N_PROPS];

static void update_status (XaDevice *self,
                           gboolean  notify);

#define STRING_FIELD(self, i) G_STRUCT_MEMBER (char *, self, string_fields[i].offset)
#define INT_FIELD(self, i) G_STRUCT_MEMBER (gint64, self, int_fields[i].offset)
#define NODE_FIELD(self, i) G_STRUCT_MEMBER (JsonNode *, self, node_fields[i].offset)

static gboolean
set_string (XaDevice   *self,
            guint       i,
            const char *value)
{
  char **field = &STRING_FIELD (self, i);

  if (g_strcmp0 (*field, value) == 0)
    return FALSE;
  g_free (*field);
  *field = g_strdup (value);
  g_object_notify_by_pspec (G_OBJECT (self), properties[string_fields[i].prop]);
  return TRUE;
}

static void
set_string_prop (XaDevice   *self,
                 guint       prop,
                 const char *value)
{
  for (guint i = 0; i < G_N_ELEMENTS (string_fields); i++)
    if (string_fields[i].prop == prop)
      set_string (self, i, value);
}

static void
set_int (XaDevice *self,
         guint     i,
         gint64    value)
{
  if (INT_FIELD (self, i) == value)
    return;
  INT_FIELD (self, i) = value;
  g_object_notify_by_pspec (G_OBJECT (self), properties[int_fields[i].prop]);
}

/* Takes @value. */
static void
set_node (XaDevice *self,
          guint     i,
          JsonNode *value)
{
  JsonNode **field = &NODE_FIELD (self, i);

  if ((*field == NULL && value == NULL) || (*field != NULL && value != NULL && json_node_equal (*field, value)))
    {
      g_clear_pointer (&value, json_node_unref);
      return;
    }
  g_clear_pointer (field, json_node_unref);
  *field = value;
  g_object_notify_by_pspec (G_OBJECT (self), properties[node_fields[i].prop]);
}

static JsonNode *
node_from_json (JsonObject *object,
                guint       i)
{
  JsonNode *value = json_object_get_member (object, node_fields[i].key);

  return value && !JSON_NODE_HOLDS_NULL (value) ? json_node_copy (value) : NULL;
}

static void
xa_device_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  XaDevice *self = XA_DEVICE (object);

  for (guint i = 0; i < G_N_ELEMENTS (string_fields); i++)
    if (string_fields[i].prop == prop_id)
      {
        g_value_set_string (value, STRING_FIELD (self, i));
        return;
      }
  for (guint i = 0; i < G_N_ELEMENTS (int_fields); i++)
    if (int_fields[i].prop == prop_id)
      {
        g_value_set_int64 (value, INT_FIELD (self, i));
        return;
      }
  for (guint i = 0; i < G_N_ELEMENTS (node_fields); i++)
    if (node_fields[i].prop == prop_id)
      {
        g_value_set_boxed (value, NODE_FIELD (self, i));
        return;
      }
  if (prop_id == PROP_STATUS)
    g_value_set_string (value, xa_device_get_status (self));
  else if (prop_id == PROP_STATUS_ICON_NAME)
    g_value_set_string (value, xa_device_get_status_icon (self));
  else
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}

static void
xa_device_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  XaDevice *self = XA_DEVICE (object);

  for (guint i = 0; i < G_N_ELEMENTS (string_fields); i++)
    if (string_fields[i].prop == prop_id)
      {
        set_string (self, i, g_value_get_string (value));
        return;
      }
  for (guint i = 0; i < G_N_ELEMENTS (int_fields); i++)
    if (int_fields[i].prop == prop_id)
      {
        set_int (self, i, g_value_get_int64 (value));
        return;
      }
  for (guint i = 0; i < G_N_ELEMENTS (node_fields); i++)
    if (node_fields[i].prop == prop_id)
      {
        set_node (self, i, g_value_dup_boxed (value));
        return;
      }
  G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}

/* Any field may change the state: its title and icon follow. */
static void
xa_device_dispatch_properties_changed (GObject     *object,
                                       guint        n_pspecs,
                                       GParamSpec **pspecs)
{
  XaDevice *self = XA_DEVICE (object);
  gboolean fields_changed = FALSE;

  G_OBJECT_CLASS (xa_device_parent_class)->dispatch_properties_changed (object, n_pspecs, pspecs);
  for (guint i = 0; i < n_pspecs; i++)
    if (pspecs[i] != properties[PROP_STATUS] && pspecs[i] != properties[PROP_STATUS_ICON_NAME])
      fields_changed = TRUE;
  if (fields_changed && self->status != NULL)
    update_status (self, TRUE);
}

static void
xa_device_finalize (GObject *object)
{
  XaDevice *self = XA_DEVICE (object);

  for (guint i = 0; i < G_N_ELEMENTS (string_fields); i++)
    g_free (STRING_FIELD (self, i));
  for (guint i = 0; i < G_N_ELEMENTS (node_fields); i++)
    g_clear_pointer (&NODE_FIELD (self, i), json_node_unref);
  g_free (self->status);

  G_OBJECT_CLASS (xa_device_parent_class)->finalize (object);
}

static void
xa_device_class_init (XaDeviceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->get_property = xa_device_get_property;
  object_class->set_property = xa_device_set_property;
  object_class->dispatch_properties_changed = xa_device_dispatch_properties_changed;
  object_class->finalize = xa_device_finalize;

  for (guint i = 0; i < G_N_ELEMENTS (string_fields); i++)
    {
      g_autofree char *name = g_strdelimit (g_strdup (string_fields[i].key), "_", '-');
      properties[string_fields[i].prop] =
        g_param_spec_string (g_intern_string (name), NULL, NULL, NULL, flags);
    }
  for (guint i = 0; i < G_N_ELEMENTS (int_fields); i++)
    {
      g_autofree char *name = g_strdelimit (g_strdup (int_fields[i].key), "_", '-');
      properties[int_fields[i].prop] =
        g_param_spec_int64 (g_intern_string (name), NULL, NULL, 0, G_MAXINT64, 0, flags);
    }
  for (guint i = 0; i < G_N_ELEMENTS (node_fields); i++)
    {
      g_autofree char *name = g_strdelimit (g_strdup (node_fields[i].key), "_", '-');
      properties[node_fields[i].prop] =
        g_param_spec_boxed (g_intern_string (name), NULL, NULL, JSON_TYPE_NODE, flags);
    }
  /* What the list shows (xa_device_state_new() says it all). */
  properties[PROP_STATUS] =
    g_param_spec_string ("status", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATUS_ICON_NAME] =
    g_param_spec_string ("status-icon-name", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
xa_device_init (XaDevice *self)
{
}

XaDevice *
xa_device_new (const char       *name,
               const char       *ota_url,
               const XaIdentity *identity)
{
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *panel = xa_ota_guess_control_panel (ota_url);

  return g_object_new (XA_TYPE_DEVICE,
                       "uuid", uuid,
                       "name", name,
                       "ota-url", ota_url,
                       "panel-url", panel,
                       "device-id", identity->device_id,
                       "client-id", identity->client_id,
                       "serial-number", identity->serial_number,
                       NULL);
}

static char *
string_from_json (JsonObject *object,
                  guint       i)
{
  return xa_json_dup_string (object, string_fields[i].key);
}

static gboolean
has_required (JsonObject  *object,
              GError     **error)
{
  for (guint i = 0; i < G_N_ELEMENTS (string_fields); i++)
    if (string_fields[i].required && xa_json_get_string (object, string_fields[i].key) == NULL)
      {
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                     /* Translators: %s is a field name in the devices file */
                     _("A device in the devices file has no “%s”."), string_fields[i].key);
        return FALSE;
      }
  return TRUE;
}

XaDevice *
xa_device_new_from_json (JsonObject  *object,
                         GError     **error)
{
  g_autoptr(XaDevice) self = NULL;

  if (!has_required (object, error))
    return NULL;
  self = g_object_new (XA_TYPE_DEVICE, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (string_fields); i++)
    STRING_FIELD (self, i) = string_from_json (object, i);
  for (guint i = 0; i < G_N_ELEMENTS (int_fields); i++)
    INT_FIELD (self, i) = MAX (0, xa_json_get_int (object, int_fields[i].key, 0));
  for (guint i = 0; i < G_N_ELEMENTS (node_fields); i++)
    NODE_FIELD (self, i) = node_from_json (object, i);

  return g_steal_pointer (&self);
}

/* Takes every field of a record, notifying only what changed; FALSE (and
 * nothing changed) for a record that is no device. Cheaper than a new
 * object per record when the store re-reads its file. */
gboolean
xa_device_update_from_json (XaDevice   *self,
                            JsonObject *object)
{
  if (!has_required (object, NULL))
    return FALSE;
  g_object_freeze_notify (G_OBJECT (self));
  for (guint i = 0; i < G_N_ELEMENTS (string_fields); i++)
    {
      g_autofree char *value = string_from_json (object, i);
      set_string (self, i, value);
    }
  for (guint i = 0; i < G_N_ELEMENTS (int_fields); i++)
    set_int (self, i, MAX (0, xa_json_get_int (object, int_fields[i].key, 0)));
  for (guint i = 0; i < G_N_ELEMENTS (node_fields); i++)
    set_node (self, i, node_from_json (object, i));
  g_object_thaw_notify (G_OBJECT (self));
  return TRUE;
}

JsonNode *
xa_device_to_json (XaDevice *self)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  for (guint i = 0; i < G_N_ELEMENTS (string_fields); i++)
    {
      if (STRING_FIELD (self, i) == NULL)
        continue;
      json_builder_set_member_name (b, string_fields[i].key);
      json_builder_add_string_value (b, STRING_FIELD (self, i));
    }
  for (guint i = 0; i < G_N_ELEMENTS (int_fields); i++)
    {
      json_builder_set_member_name (b, int_fields[i].key);
      json_builder_add_int_value (b, INT_FIELD (self, i));
    }
  for (guint i = 0; i < G_N_ELEMENTS (node_fields); i++)
    {
      if (NODE_FIELD (self, i) == NULL)
        continue;
      json_builder_set_member_name (b, node_fields[i].key);
      json_builder_add_value (b, json_node_copy (NODE_FIELD (self, i)));
    }
  json_builder_end_object (b);

  return json_builder_get_root (b);
}


const char *xa_device_get_uuid (XaDevice *self) { return self->uuid; }
const char *xa_device_get_name (XaDevice *self) { return self->name; }
const char *xa_device_get_device_id (XaDevice *self) { return self->device_id; }
const char *xa_device_get_client_id (XaDevice *self) { return self->client_id; }
const char *xa_device_get_serial_number (XaDevice *self) { return self->serial_number; }
const char *xa_device_get_ota_url (XaDevice *self) { return self->ota_url; }
const char *xa_device_get_panel_url (XaDevice *self) { return self->panel_url; }
const char *xa_device_get_websocket_url (XaDevice *self) { return self->websocket_url; }
gint64 xa_device_get_activated_at (XaDevice *self) { return self->activated_at; }
const char *xa_device_get_last_verdict (XaDevice *self) { return self->last_verdict; }
const char *xa_device_get_last_mqtt_verdict (XaDevice *self) { return self->last_mqtt_verdict; }
const char *xa_device_get_last_message (XaDevice *self) { return self->last_message; }
gint64 xa_device_get_last_test_at (XaDevice *self) { return self->last_test_at; }

gboolean
xa_device_is_activated (XaDevice *self)
{
  return self->activated_at > 0;
}

gboolean
xa_device_get_token_unsaved (XaDevice *self)
{
  return self->token_unsaved_at > 0;
}

void
xa_device_set_token_issued_at (XaDevice *self,
                               gint64    issued)
{
  set_int (self, TOKEN_ISSUED_AT_FIELD, MAX (issued, 0));
}

/* Whole days until the device's dated token expires (negative: since it
 * did); FALSE for an undated token. */
gboolean
xa_device_get_token_days_left (XaDevice *self,
                               gint64    now,
                               gint64   *days)
{
  gint64 left;

  if (self->token_issued_at <= 0)
    return FALSE;
  left = self->token_issued_at + XA_TOKEN_LIFETIME_S - now;
  *days = left >= 0 ? left / (24 * 3600) : -((-left + 24 * 3600 - 1) / (24 * 3600));
  return TRUE;
}

gint64
xa_device_get_token_issued_at (XaDevice *self)
{
  return self->token_issued_at;
}

void
xa_device_set_token_unsaved (XaDevice *self,
                             gboolean  unsaved)
{
  if (unsaved != (self->token_unsaved_at > 0))
    set_int (self, TOKEN_UNSAVED_AT_FIELD, unsaved ? g_get_real_time () / G_USEC_PER_SEC : 0);
}

/* The state's title and icon, kept for the list's binding: recomputed
 * when a field changes, notified when they do. */
static void
update_status (XaDevice *self,
               gboolean  notify)
{
  g_autoptr(XaDeviceState) state = xa_device_state_new (self, g_get_real_time () / G_USEC_PER_SEC);
  gboolean title_changed = g_strcmp0 (self->status, state->title) != 0;
  gboolean icon_changed = g_strcmp0 (self->status_icon_name, state->icon_name) != 0;

  g_free (self->status);
  self->status = g_steal_pointer (&state->title);
  self->status_icon_name = state->icon_name;
  if (notify && title_changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS]);
  if (notify && icon_changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS_ICON_NAME]);
}

/* The title of xa_device_state_new()'s description, as of the last change:
 * what the list shows. */
const char *
xa_device_get_status (XaDevice *self)
{
  g_return_val_if_fail (XA_IS_DEVICE (self), NULL);
  if (self->status == NULL)
    update_status (self, FALSE);
  return self->status;
}

const char *
xa_device_get_status_icon (XaDevice *self)
{
  g_return_val_if_fail (XA_IS_DEVICE (self), NULL);
  if (self->status == NULL)
    update_status (self, FALSE);
  return self->status_icon_name;
}

/* Whether the server sends the device to the WebSocket and offers it MQTT
 * too (the official cloud does; boards take MQTT): a second road to test. */
gboolean
xa_device_also_offers_mqtt (XaDevice *self)
{
  return self->mqtt_endpoint != NULL && g_strcmp0 (self->transport, "mqtt") != 0;
}

const char *
xa_device_get_mqtt_endpoint (XaDevice *self)
{
  return self->mqtt_endpoint;
}

const char *
xa_device_get_transport (XaDevice *self)
{
  return self->transport ? self->transport : "websocket";
}

const char *
xa_device_get_outcome (XaDevice *self)
{
  return self->outcome;
}

void
xa_device_set_outcome (XaDevice   *self,
                       const char *outcome)
{
  set_string_prop (self, PROP_OUTCOME, outcome);
}

void
xa_device_set_name (XaDevice   *self,
                    const char *name)
{
  set_string_prop (self, PROP_NAME, name);
}

/* Whether the token is dated and older than XA_DEVICE_REFRESH_AFTER_DAYS
 * at @now (unix seconds): time to ask for a new one. */
gboolean
xa_device_token_wants_refresh (XaDevice *self,
                               gint64    now)
{
  g_return_val_if_fail (XA_IS_DEVICE (self), FALSE);
  return self->token_issued_at > 0 && now - self->token_issued_at > XA_DEVICE_REFRESH_AFTER_DAYS * 24 * 3600;
}

XaIdentity *
xa_device_dup_identity (XaDevice   *self,
                        const char *hmac_key)
{
  XaIdentity *identity = g_new0 (XaIdentity, 1);

  identity->device_id = g_strdup (self->device_id);
  identity->client_id = g_strdup (self->client_id);
  identity->serial_number = self->serial_number ? g_strdup (self->serial_number)
                                                : xa_serial_number_for_mac (self->device_id);
  /* Never a made-up key here: XaDeviceSession owns the rule for that. */
  identity->hmac_key = g_strdup (hmac_key);
  identity->board_type = g_strdup (self->board_type);
  identity->app_version = g_strdup (self->app_version);
  identity->no_proxy = xa_device_get_connects_directly (self);

  return identity;
}

/* Whether its server is reached without this computer's proxy. */
gboolean
xa_device_get_connects_directly (XaDevice *self)
{
  g_return_val_if_fail (XA_IS_DEVICE (self), FALSE);
  return g_strcmp0 (self->connection, "direct") == 0;
}

/* What a bound device's OTA answer tells us, minus the secrets. */
void
xa_device_apply_answer (XaDevice          *self,
                        const XaOtaAnswer *answer)
{
  g_object_freeze_notify (G_OBJECT (self));
  if (!answer->has_activation && self->activated_at == 0)
    set_int (self, ACTIVATED_AT_FIELD, g_get_real_time () / G_USEC_PER_SEC);
  if (answer->has_websocket)
    set_string_prop (self, PROP_WEBSOCKET_URL, answer->websocket_url);
  if (answer->has_websocket || answer->has_mqtt)
    set_string_prop (self, PROP_TRANSPORT, answer->has_websocket ? "websocket" : "mqtt");
  /* A single-module server has no console: the address guessed for one
   * when the device was made leads nowhere (one the user typed stays). */
  if (xa_ota_answer_get_server_kind (answer, self->ota_url) == XA_SERVER_KIND_SINGLE_MODULE)
    {
      g_autofree char *guessed = xa_ota_guess_control_panel (self->ota_url);

      if (g_strcmp0 (guessed, self->panel_url) == 0)
        set_string_prop (self, PROP_PANEL_URL, NULL);
    }
  if (answer->has_mqtt)
    {
      set_string_prop (self, PROP_MQTT_ENDPOINT, answer->mqtt_endpoint);
      set_string_prop (self, PROP_MQTT_CLIENT_ID, answer->mqtt_client_id);
      set_string_prop (self, PROP_MQTT_USERNAME, answer->mqtt_username);
      set_string_prop (self, PROP_MQTT_PUBLISH_TOPIC, answer->mqtt_publish_topic);
      set_string_prop (self, PROP_MQTT_SUBSCRIBE_TOPIC, answer->mqtt_subscribe_topic);
    }
  g_object_thaw_notify (G_OBJECT (self));
}

/* One line of the history: a Test (@report) or an @event ("token-refreshed");
 * the newest XA_DEVICE_HISTORY_LENGTH are kept. */
static void
add_to_history (XaDevice       *self,
                const XaReport *report,
                const char     *event)
{
  JsonArray *old = self->history && JSON_NODE_HOLDS_ARRAY (self->history) ? json_node_get_array (self->history) : NULL;
  guint n = old ? json_array_get_length (old) : 0;
  JsonArray *entries = json_array_new ();
  JsonObject *entry = json_object_new ();

  for (guint i = n > XA_DEVICE_HISTORY_LENGTH - 1 ? n - (XA_DEVICE_HISTORY_LENGTH - 1) : 0; i < n; i++)
    json_array_add_element (entries, json_node_copy (json_array_get_element (old, i)));
  json_object_set_int_member (entry, "time", g_get_real_time () / G_USEC_PER_SEC);
  if (event != NULL)
    json_object_set_string_member (entry, "event", event);
  else
    {
      json_object_set_string_member (entry, "transport", report->mqtt_endpoint ? "mqtt" : "websocket");
      json_object_set_string_member (entry, "verdict", xa_verdict_to_id (report->verdict));
      if (report->latency_ms >= 0)
        json_object_set_int_member (entry, "latency_ms", report->latency_ms);
    }
  json_array_add_object_element (entries, entry);
  set_node (self, HISTORY_FIELD, json_node_init_array (json_node_alloc (), entries));
  json_array_unref (entries);
}

void
xa_device_note_token_refreshed (XaDevice *self)
{
  add_to_history (self, NULL, "token-refreshed");
}

void
xa_device_record_report (XaDevice       *self,
                         const XaReport *report)
{
  add_to_history (self, report, NULL);
  /* The other road's verdict is kept beside the device's own. */
  if (report->mqtt_endpoint != NULL && xa_device_also_offers_mqtt (self))
    {
      set_string_prop (self, PROP_LAST_MQTT_VERDICT, xa_verdict_to_id (report->verdict));
      return;
    }
  g_object_freeze_notify (G_OBJECT (self));
  set_string_prop (self, PROP_LAST_VERDICT, xa_verdict_to_id (report->verdict));
  set_string_prop (self, PROP_LAST_MESSAGE, NULL);
  set_string_prop (self, PROP_LAST_DETAILS, NULL);
  set_node (self, LAST_REPORT_FIELD, xa_report_to_record (report));
  set_int (self, LAST_TEST_AT_FIELD, g_get_real_time () / G_USEC_PER_SEC);
  if (report->verdict == XA_VERDICT_VALID && self->activated_at == 0)
    set_int (self, ACTIVATED_AT_FIELD, g_get_real_time () / G_USEC_PER_SEC);
  g_object_thaw_notify (G_OBJECT (self));
}

/* The last Test's report, its words in today's language; NULL when there
 * is none (or the devices file holds only the words of an older version:
 * xa_device_get_last_message()). */
XaReport *
xa_device_dup_last_report (XaDevice *self)
{
  return xa_report_new_from_record (self->last_report);
}

/* The history, oldest first, as far as it makes sense: entries a hand edit
 * broke are left out. */
GArray *
xa_device_dup_history (XaDevice *self)
{
  GArray *out = g_array_new (FALSE, TRUE, sizeof (XaHistoryEntry));
  JsonArray *entries = self->history && JSON_NODE_HOLDS_ARRAY (self->history) ? json_node_get_array (self->history)
                                                                             : NULL;

  for (guint i = 0; entries && i < json_array_get_length (entries); i++)
    {
      JsonNode *node = json_array_get_element (entries, i);
      JsonObject *o = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      XaHistoryEntry entry = { 0 };

      if (o == NULL || (entry.time = xa_json_get_int (o, "time", 0)) <= 0)
        continue;
      if (g_strcmp0 (xa_json_get_string (o, "event"), "token-refreshed") == 0)
        entry.token_refreshed = TRUE;
      else if (xa_verdict_from_id (xa_json_get_string (o, "verdict"), &entry.verdict))
        {
          entry.over_mqtt = g_strcmp0 (xa_json_get_string (o, "transport"), "mqtt") == 0;
          entry.latency_ms = CLAMP (xa_json_get_int (o, "latency_ms", -1), -1, G_MAXINT);
        }
      else
        continue;
      g_array_append_val (out, entry);
    }
  return out;
}

const char *
xa_history_entry_get_title (const XaHistoryEntry *entry)
{
  if (entry->token_refreshed)
    return _("Token refreshed");
  return xa_verdict_get_title_over (entry->verdict, entry->over_mqtt ? "mqtt" : NULL);
}

/* "2026-11-26 07:19 · WebSocket · 5 ms", in the local time. */
char *
xa_history_entry_format (const XaHistoryEntry *entry)
{
  g_autoptr(GDateTime) when = g_date_time_new_from_unix_local (entry->time);
  /* Translators: a date and time, see g_date_time_format() */
  g_autofree char *date = when ? g_date_time_format (when, _("%Y-%m-%d %H:%M")) : g_strdup ("?");

  if (entry->token_refreshed)
    return g_steal_pointer (&date);
  if (entry->latency_ms >= 0)
    /* Translators: when · over what · how fast, e.g. "2026-11-26 07:19 · MQTT · 5 ms" */
    return g_strdup_printf (_("%s · %s · %d ms"), date, entry->over_mqtt ? "MQTT" : "WebSocket",
                            (int) entry->latency_ms);
  /* Translators: when · over what, e.g. "2026-11-26 07:19 · WebSocket" */
  return g_strdup_printf (_("%s · %s"), date, entry->over_mqtt ? "MQTT" : "WebSocket");
}

/* ---- as a store keeps devices -------------------------------------------- */

static GObject *
device_new_from_json (JsonObject *record)
{
  return G_OBJECT (xa_device_new_from_json (record, NULL));
}

static gboolean
device_update_from_json (GObject    *item,
                         JsonObject *record)
{
  return xa_device_update_from_json (XA_DEVICE (item), record);
}

static JsonNode *
device_to_json (GObject *item)
{
  return xa_device_to_json (XA_DEVICE (item));
}

static const char *
device_get_uuid (GObject *item)
{
  return xa_device_get_uuid (XA_DEVICE (item));
}

static const char *
device_get_name (GObject *item)
{
  return xa_device_get_name (XA_DEVICE (item));
}

const XaStoreKind xa_device_kind = {
  .file_name = "devices.json",
  .list_member = "devices",
  .item_type = xa_device_get_type,
  .new_from_json = device_new_from_json,
  .update_from_json = device_update_from_json,
  .to_json = device_to_json,
  .get_uuid = device_get_uuid,
  .get_name = device_get_name,
  .says = {
    [XA_STORE_SAYS_DAMAGED] = N_("The devices file “%s” is damaged (%s). It was left untouched: "
                                 "move it aside to start with an empty list, or repair it."),
    [XA_STORE_SAYS_NEWER] = N_("The devices file “%s” was written by a newer version of Xiaozhi Activator "
                               "(format %d). It was left untouched: update this program to use it."),
    [XA_STORE_SAYS_NO_LIST] = N_("no list of devices"),
    [XA_STORE_SAYS_CANNOT_READ] = N_("Could not read the devices file “%s”: %s"),
    [XA_STORE_SAYS_CANNOT_SAVE] = N_("Could not save the devices file “%s”: %s. Check that the folder is writable "
                                     "and the disk is not full."),
    [XA_STORE_SAYS_CANNOT_WRITE_BACK] = N_("The devices file “%s” holds a value that cannot be written back. "
                                           "It was left untouched: repair it, or move it aside to start with an "
                                           "empty list."),
    [XA_STORE_SAYS_NAME_TAKEN] = N_("There is already a device named “%s”. Choose another name."),
    [XA_STORE_SAYS_REMOVED] = N_("The device “%s” was removed meanwhile, so the change was not saved."),
  },
};
