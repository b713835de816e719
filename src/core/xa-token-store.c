/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <libsecret/secret.h>
#include <string.h>

#include "xa-token-store.h"
#include "xa-device.h"
#include "xa-identity.h"
#include "xa-mcp-endpoint.h"

/* Each device's secrets as Secret Service items, one per kind, found again
 * by the device's uuid; labels read well in Seahorse. */

/* What the Secret Service itself said, for Details: our messages say what
 * to do, its D-Bus text is for whoever debugs it. */
typedef struct
{
  char *details;
} XaKeyringErrorPrivate;

static void
xa_keyring_error_private_init (XaKeyringErrorPrivate *priv)
{
  priv->details = NULL;
}

static void
xa_keyring_error_private_copy (const XaKeyringErrorPrivate *src,
                               XaKeyringErrorPrivate       *dest)
{
  dest->details = g_strdup (src->details);
}

static void
xa_keyring_error_private_clear (XaKeyringErrorPrivate *priv)
{
  g_clear_pointer (&priv->details, g_free);
}

G_DEFINE_EXTENDED_ERROR (XaKeyringError, xa_keyring_error)

const char *
xa_keyring_error_get_details (const GError *error)
{
  XaKeyringErrorPrivate *priv = xa_keyring_error_get_private (error);

  return priv ? priv->details : NULL;
}

static const char * const kind_ids[] = {
  [XA_SECRET_TOKEN] = "token",
  [XA_SECRET_HMAC_KEY] = "hmac-key",
  [XA_SECRET_MQTT_PASSWORD] = "mqtt-password",
  [XA_SECRET_MCP_TOKEN] = "mcp-token",
};

static const SecretSchema *
get_schema (void)
{
  static const SecretSchema schema = {
    "io.github.xiaozhi_activator.Activator.Secret", SECRET_SCHEMA_NONE,
    {
      { "device-uuid", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "device-id", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "kind", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    }
  };
  return &schema;
}

static char *
label_for (XaDevice     *device,
           XaSecretKind  kind)
{
  const char *name = xa_device_get_name (device);
  const char *mac = xa_device_get_device_id (device);

  switch (kind)
    {
    case XA_SECRET_HMAC_KEY:
      /* Translators: a keyring item's label; %s are the device's name and its Device-Id */
      return g_strdup_printf (_("Xiaozhi HMAC key for %s (%s)"), name, mac);
    case XA_SECRET_MQTT_PASSWORD:
      return g_strdup_printf (_("Xiaozhi MQTT password for %s (%s)"), name, mac);
    case XA_SECRET_MCP_TOKEN:
    case XA_SECRET_TOKEN:
    default:
      return g_strdup_printf (_("Xiaozhi token for %s (%s)"), name, mac);
    }
}

static GError *
keyring_error_new (XaKeyringError  code,
                   const char     *message,
                   const GError   *cause)
{
  GError *error = g_error_new_literal (XA_KEYRING_ERROR, code, message);

  xa_keyring_error_get_private (error)->details = g_strdup (cause->message);
  return error;
}

static GError *
map_error (GError *error)
{
  g_autoptr(GError) owned = error;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return g_steal_pointer (&owned);

  if (g_error_matches (error, SECRET_ERROR, SECRET_ERROR_IS_LOCKED) ||
      g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_ACCESS_DENIED))
    return keyring_error_new (XA_KEYRING_ERROR_LOCKED,
                              _("The keyring is locked and was not unlocked. Unlock your login keyring "
                                "(for example in Passwords and Keys) and try again."),
                              error);

  if (error->domain == G_DBUS_ERROR || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND) ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_DBUS_ERROR) ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_FAILED) ||
      g_error_matches (error, SECRET_ERROR, SECRET_ERROR_PROTOCOL))
    return keyring_error_new (XA_KEYRING_ERROR_UNAVAILABLE,
                              _("No keyring is available. Start a keyring service such as gnome-keyring, "
                                "for example by logging into a desktop session, and try again."),
                              error);

  return keyring_error_new (XA_KEYRING_ERROR_FAILED,
                            _("The keyring refused the request. Try again; if it keeps failing, "
                              "log out and back in."),
                            error);
}

/* After the Secret Service restarted, libsecret's cached connection
 * points at a session that no longer exists, and every call fails until
 * it is dropped. So a failure other than "locked" or "cancelled" drops
 * it and tries once more on a fresh one. */
static gboolean
should_reconnect (const GError *error,
                  gboolean     *retried)
{
  if (*retried ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      g_error_matches (error, SECRET_ERROR, SECRET_ERROR_IS_LOCKED))
    return FALSE;

  *retried = TRUE;
  secret_service_disconnect ();
  return TRUE;
}

typedef struct
{
  char *uuid;
  char *device_id;
  char *kind;       /* NULL: delete every secret of the device */
  char *label;
  char *secret;
  gboolean retried;
} SaveData;

/* Writes go to the Secret Service one at a time: gnome-keyring 42 can
 * register one item path twice when two writes overlap, and then quit. */
static GQueue pending_writes = G_QUEUE_INIT;
static gboolean writing;

static void start_write (GTask *task);

static void
write_done (GTask  *task,
            GError *error)
{
  SaveData *data = g_task_get_task_data (task);

  if (error != NULL && should_reconnect (error, &data->retried))
    {
      g_error_free (error);
      start_write (task);
      return;
    }

  if (error != NULL)
    g_task_return_error (task, map_error (error));
  else
    g_task_return_boolean (task, TRUE);
  g_object_unref (task);

  writing = FALSE;
  if (!g_queue_is_empty (&pending_writes))
    start_write (g_queue_pop_head (&pending_writes));
}

static void
queue_write (GTask *task)
{
  if (writing)
    g_queue_push_tail (&pending_writes, task);
  else
    start_write (task);
}

static void
save_data_free (SaveData *data)
{
  g_free (data->uuid);
  g_free (data->device_id);
  g_free (data->kind);
  g_free (data->label);
  xa_secret_free (data->secret);
  g_free (data);
}

static void
done_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  GError *error = NULL;

  if (SECRET_IS_ITEM (object))
    secret_item_set_secret_finish (SECRET_ITEM (object), result, &error);
  else
    secret_password_store_finish (result, &error);
  write_done (user_data, error);
}

static void
left_over_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  GError *error = NULL;
  GList *items = secret_password_search_finish (result, &error);

  /* Locked items are not cleared, and the clear still succeeds: a
   * removal that leaves secrets behind is no removal. */
  if (error == NULL && items != NULL)
    error = g_error_new_literal (SECRET_ERROR, SECRET_ERROR_IS_LOCKED, "locked items were left");
  g_list_free_full (items, g_object_unref);
  write_done (user_data, error);
}

static void
clear_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  GTask *task = user_data;
  SaveData *data = g_task_get_task_data (task);
  GError *error = NULL;

  secret_password_clear_finish (result, &error);
  if (error != NULL)
    {
      write_done (task, error);
      return;
    }
  secret_password_search (get_schema (), SECRET_SEARCH_ALL, g_task_get_cancellable (task), left_over_cb, task,
                          "device-uuid", data->uuid,
                          NULL);
}

static void
store_new_item (GTask *task)
{
  SaveData *data = g_task_get_task_data (task);

  secret_password_store (get_schema (), SECRET_COLLECTION_DEFAULT, data->label, data->secret,
                         g_task_get_cancellable (task), done_cb, task,
                         "device-uuid", data->uuid,
                         "device-id", data->device_id,
                         "kind", data->kind,
                         NULL);
}

static void
collection_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  GTask *task = user_data;
  GError *error = NULL;
  g_autoptr(SecretCollection) collection = secret_collection_for_alias_finish (result, &error);

  if (error != NULL)
    {
      write_done (task, error);
      return;
    }
  /* A locked collection would be unlocked through a prompt, and
   * libsecret 0.20's prompt path ends in a GLib critical when no prompter
   * answers: a locked keyring is said plainly instead, as for lookups. */
  if (collection != NULL && secret_collection_get_locked (collection))
    {
      write_done (task, g_error_new_literal (SECRET_ERROR, SECRET_ERROR_IS_LOCKED, "the collection is locked"));
      return;
    }
  store_new_item (task);
}

static void
service_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  GTask *task = user_data;
  GError *error = NULL;
  g_autoptr(SecretService) service = secret_service_get_finish (result, &error);

  if (error != NULL)
    {
      write_done (task, error);
      return;
    }
  secret_collection_for_alias (service, SECRET_COLLECTION_DEFAULT, SECRET_COLLECTION_NONE,
                               g_task_get_cancellable (task), collection_cb, task);
}

static void
search_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  GTask *task = user_data;
  SaveData *data = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  GError *error = NULL;
  GList *items = secret_password_search_finish (result, &error);

  if (error != NULL)
    {
      write_done (task, error);
      return;
    }

  /* Changing the secret of the item we have, rather than replacing the
   * item, spares gnome-keyring object churn it does not always survive. */
  if (items != NULL && SECRET_IS_ITEM (items->data) && secret_item_get_locked (items->data))
    write_done (task, g_error_new_literal (SECRET_ERROR, SECRET_ERROR_IS_LOCKED, "the item is locked"));
  else if (items != NULL && SECRET_IS_ITEM (items->data))
    {
      g_autoptr(SecretValue) value = secret_value_new (data->secret, -1, "text/plain");

      secret_item_set_secret (items->data, value, cancellable, done_cb, task);
    }
  else
    secret_service_get (SECRET_SERVICE_NONE, cancellable, service_cb, task);
  g_list_free_full (items, g_object_unref);
}

/* @kind NULL: delete every secret of @uuid. @label: (transfer full) */
static void
save_secret (const char          *uuid,
             const char          *id,
             const char          *kind,
             char                *label,
             const char          *secret,
             gpointer             source_tag,
             GCancellable        *cancellable,
             GAsyncReadyCallback  callback,
             gpointer             user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  SaveData *data = g_new0 (SaveData, 1);

  g_task_set_source_tag (task, source_tag);
  data->uuid = g_strdup (uuid);
  data->device_id = g_strdup (id);
  data->kind = g_strdup (kind);
  data->label = label;
  data->secret = g_strdup (secret);
  g_task_set_task_data (task, data, (GDestroyNotify) save_data_free);
  queue_write (task);
}

void
xa_token_store_save_async (XaDevice            *device,
                           XaSecretKind         kind,
                           const char          *secret,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  save_secret (xa_device_get_uuid (device), xa_device_get_device_id (device), kind_ids[kind],
               label_for (device, kind), secret, xa_token_store_save_async, cancellable, callback, user_data);
}

/* An MCP endpoint's token, found again by the endpoint's uuid; its
 * address (without the token) stands where a device's Device-Id does.
 * Finish with xa_token_store_save_finish(). */
void
xa_token_store_save_mcp_async (XaMcpEndpoint       *endpoint,
                               const char          *token,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  /* Translators: a keyring item's label; %s is the MCP endpoint's name */
  char *label = g_strdup_printf (_("Xiaozhi MCP endpoint token for %s"), xa_mcp_endpoint_get_name (endpoint));

  save_secret (xa_mcp_endpoint_get_uuid (endpoint), xa_mcp_endpoint_get_address (endpoint),
               kind_ids[XA_SECRET_MCP_TOKEN], label, token, xa_token_store_save_async,
               cancellable, callback, user_data);
}

static void
start_write (GTask *task)
{
  SaveData *data = g_task_get_task_data (task);

  writing = TRUE;
  if (data->kind == NULL)
    secret_password_clear (get_schema (), g_task_get_cancellable (task), clear_cb, task,
                           "device-uuid", data->uuid,
                           NULL);
  else
    secret_password_search (get_schema (), SECRET_SEARCH_NONE, g_task_get_cancellable (task),
                            search_cb, task,
                            "device-uuid", data->uuid,
                            "kind", data->kind,
                            NULL);
}

gboolean
xa_token_store_save_finish (GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == xa_token_store_save_async, FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

typedef struct
{
  char    *uuid;
  char    *kind;
  gboolean retried;
} LookupData;

static void
lookup_data_free (LookupData *data)
{
  g_free (data->uuid);
  g_free (data->kind);
  g_free (data);
}

static void start_lookup (GTask *task);

static void
lookup_failed (GTask  *task,
               GError *error)
{
  LookupData *data = g_task_get_task_data (task);

  if (should_reconnect (error, &data->retried))
    {
      g_error_free (error);
      start_lookup (task);
      return;
    }
  g_task_return_error (task, map_error (error));
  g_object_unref (task);
}

static void
retrieved_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  GTask *task = user_data;
  GError *error = NULL;
  g_autoptr(SecretValue) value = secret_retrievable_retrieve_secret_finish (SECRET_RETRIEVABLE (object),
                                                                          result, &error);

  if (error != NULL)
    {
      lookup_failed (task, error);
      return;
    }
  g_task_return_pointer (task, value ? g_strdup (secret_value_get_text (value)) : NULL,
                         (GDestroyNotify) xa_secret_free);
  g_object_unref (task);
}

static void
lookup_search_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  GTask *task = user_data;
  GError *error = NULL;
  GList *items = secret_password_search_finish (result, &error);

  if (error != NULL)
    {
      lookup_failed (task, error);
      return;
    }

  if (items == NULL)
    {
      /* Nothing stored. */
      g_task_return_pointer (task, NULL, NULL);
      g_object_unref (task);
      return;
    }

  /* A locked item is not "no secret": secret_password_lookup() would say
   * NULL here, and a Test would then run without the token. */
  if (SECRET_IS_ITEM (items->data) && secret_item_get_locked (items->data))
    {
      g_autoptr(GError) locked = g_error_new_literal (SECRET_ERROR, SECRET_ERROR_IS_LOCKED, "the item stays locked");
      g_task_return_error (task, map_error (g_steal_pointer (&locked)));
      g_object_unref (task);
    }
  else
    secret_retrievable_retrieve_secret (items->data, g_task_get_cancellable (task), retrieved_cb, task);
  g_list_free_full (items, g_object_unref);
}

static void
start_lookup (GTask *task)
{
  LookupData *data = g_task_get_task_data (task);

  /* No SECRET_SEARCH_UNLOCK: libsecret 0.20's prompt path ends in a
   * GLib critical when no prompter answers, and a locked keyring is
   * better said plainly (“unlock your keyring”) than half-prompted. */
  secret_password_search (get_schema (), SECRET_SEARCH_NONE, g_task_get_cancellable (task),
                          lookup_search_cb, task,
                          "device-uuid", data->uuid,
                          "kind", data->kind,
                          NULL);
}

static void
lookup_secret (const char          *uuid,
               XaSecretKind         kind,
               GCancellable        *cancellable,
               GAsyncReadyCallback  callback,
               gpointer             user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  LookupData *data = g_new0 (LookupData, 1);

  g_task_set_source_tag (task, xa_token_store_lookup_async);
  data->uuid = g_strdup (uuid);
  data->kind = g_strdup (kind_ids[kind]);
  g_task_set_task_data (task, data, (GDestroyNotify) lookup_data_free);
  start_lookup (task);
}

void
xa_token_store_lookup_async (XaDevice            *device,
                             XaSecretKind         kind,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  lookup_secret (xa_device_get_uuid (device), kind, cancellable, callback, user_data);
}

/* Finish with xa_token_store_lookup_finish(). */
void
xa_token_store_lookup_mcp_async (XaMcpEndpoint       *endpoint,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  lookup_secret (xa_mcp_endpoint_get_uuid (endpoint), XA_SECRET_MCP_TOKEN, cancellable, callback, user_data);
}

char *
xa_token_store_lookup_finish (GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == xa_token_store_lookup_async, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Removes every secret of @device. */
void
xa_token_store_delete_async (XaDevice            *device,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  save_secret (xa_device_get_uuid (device), NULL, NULL, NULL, NULL, xa_token_store_delete_async,
               cancellable, callback, user_data);
}

/* Finish with xa_token_store_delete_finish(). */
void
xa_token_store_delete_mcp_async (XaMcpEndpoint       *endpoint,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  save_secret (xa_mcp_endpoint_get_uuid (endpoint), NULL, NULL, NULL, NULL, xa_token_store_delete_async,
               cancellable, callback, user_data);
}

gboolean
xa_token_store_delete_finish (GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == xa_token_store_delete_async, FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* What the UI shows until the user reveals it: the shape, not the secret.
 * ASCII stars: “•” is drawn full-width by CJK fonts and counts two
 * columns in CJK terminals (#20). */
char *
xa_token_mask (const char *token)
{
  gsize len = token ? strlen (token) : 0;

  if (len == 0)
    return g_strdup ("");
  if (len <= 12)
    return g_strdup ("********");
  return g_strdup_printf ("********%s", token + len - 4);
}
