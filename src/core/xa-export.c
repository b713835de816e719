/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "xa-export.h"
#include "xa-identity.h"
#include "xa-json-edit.h"
#include "xa-json.h"
#include "xa-mcp-endpoint.h"
#include "xa-ota.h"

/* py-xiaozhi's config.json and efuse.json (PROTOCOL.md §5), env files and
 * plain JSON. The user's files are edited, never rewritten: only our keys
 * change, the previous file is kept as .bak, and the new one replaces it
 * atomically. */

G_DEFINE_QUARK (xa-export-error-quark, xa_export_error)

void
xa_imported_free (XaImported *imported)
{
  if (imported == NULL)
    return;
  g_free (imported->device_id);
  g_free (imported->client_id);
  g_free (imported->serial_number);
  xa_secret_free (imported->hmac_key);
  g_free (imported->ota_url);
  g_free (imported->websocket_url);
  g_free (imported->panel_url);
  xa_secret_free (imported->token);
  g_free (imported);
}

/* The device another client's files describe, ready to be added. */
XaDevice *
xa_imported_to_device (const XaImported  *imported,
                       const char        *name,
                       GError           **error)
{
  /* Another client's identity, byte for byte: its token is signed over it. */
  g_autoptr(XaIdentity) identity = xa_identity_new_exact (imported->device_id, imported->client_id, NULL, error);
  XaDevice *device;

  if (identity == NULL)
    return NULL;
  device = xa_device_new (name, imported->ota_url ? imported->ota_url : XA_OTA_DEFAULT_URL, identity);
  g_object_freeze_notify (G_OBJECT (device));
  if (imported->serial_number != NULL)
    g_object_set (device, "serial-number", imported->serial_number, NULL);
  if (imported->panel_url != NULL)
    g_object_set (device, "panel-url", imported->panel_url, NULL);
  if (imported->websocket_url != NULL)
    g_object_set (device, "websocket-url", imported->websocket_url, NULL);
  if (imported->activated)
    g_object_set (device, "activated-at", g_get_real_time () / G_USEC_PER_SEC, NULL);
  g_object_thaw_notify (G_OBJECT (device));
  return device;
}

static JsonNode *
load_json_file (const char  *path,
                char       **contents_out,
                GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *contents = NULL;
  gsize length;
  JsonNode *root;

  if (!g_file_get_contents (path, &contents, &length, &local_error))
    {
      g_set_error (error, XA_EXPORT_ERROR, XA_EXPORT_ERROR_NOT_FOUND,
                   _("Could not read “%s”: %s"), path, local_error->message);
      return NULL;
    }

  root = xa_json_parse (contents, length, &local_error);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_clear_pointer (&root, json_node_unref);
      g_set_error (error, XA_EXPORT_ERROR, XA_EXPORT_ERROR_INVALID,
                   _("“%s” is not valid JSON (%s), so it was left untouched. "
                     "Repair it or point to another file."),
                   path, local_error ? local_error->message : _("not an object"));
      return NULL;
    }

  if (contents_out != NULL)
    *contents_out = g_steal_pointer (&contents);
  return root;
}

static char *
dup_path (JsonNode   *root,
          const char *dotted)
{
  g_auto(GStrv) keys = g_strsplit (dotted, ".", -1);
  JsonNode *node = root;

  for (guint i = 0; keys[i] != NULL; i++)
    {
      JsonObject *o = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      if (o == NULL || !json_object_has_member (o, keys[i]))
        return NULL;
      node = json_object_get_member (o, keys[i]);
    }

  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    return g_strdup (json_node_get_string (node));
  return NULL;
}

char *
xa_py_xiaozhi_find_config_dir (void)
{
  const char *data_dir = g_getenv ("XIAOZHI_DATA_DIR");
  g_autofree char *from_env = data_dir ? g_build_filename (data_dir, "config", NULL) : NULL;
  g_autofree char *standard = g_build_filename (g_get_user_data_dir (), "py-xiaozhi", "config", NULL);
  const char *candidates[] = { from_env, standard };

  for (guint i = 0; i < G_N_ELEMENTS (candidates); i++)
    {
      g_autofree char *config = candidates[i] ? g_build_filename (candidates[i], "config.json", NULL) : NULL;
      if (config != NULL && g_file_test (config, G_FILE_TEST_IS_REGULAR))
        return g_strdup (candidates[i]);
    }
  return NULL;
}

static void
find_config_dir_thread (GTask        *task,
                        gpointer      source,
                        gpointer      task_data,
                        GCancellable *cancellable)
{
  g_task_return_pointer (task, xa_py_xiaozhi_find_config_dir (), g_free);
}

/* The same, off the main loop: a home folder may be on the network. */
void
xa_py_xiaozhi_find_config_dir_async (GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, xa_py_xiaozhi_find_config_dir_async);
  g_task_run_in_thread (task, find_config_dir_thread);
}

char *
xa_py_xiaozhi_find_config_dir_finish (GAsyncResult  *result,
                                      GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

XaImported *
xa_py_xiaozhi_import (const char  *config_dir,
                      GError     **error)
{
  g_autofree char *config_path = g_build_filename (config_dir, "config.json", NULL);
  g_autofree char *efuse_path = g_build_filename (config_dir, "efuse.json", NULL);
  g_autoptr(JsonNode) config = load_json_file (config_path, NULL, error);
  g_autoptr(XaImported) imported = NULL;

  if (config == NULL)
    return NULL;

  imported = g_new0 (XaImported, 1);
  imported->device_id = dup_path (config, "SYSTEM_OPTIONS.DEVICE_ID");
  imported->client_id = dup_path (config, "SYSTEM_OPTIONS.CLIENT_ID");
  imported->ota_url = dup_path (config, "SYSTEM_OPTIONS.NETWORK.OTA_VERSION_URL");
  imported->websocket_url = dup_path (config, "SYSTEM_OPTIONS.NETWORK.WEBSOCKET_URL");
  imported->token = dup_path (config, "SYSTEM_OPTIONS.NETWORK.WEBSOCKET_ACCESS_TOKEN");
  imported->panel_url = dup_path (config, "SYSTEM_OPTIONS.NETWORK.AUTHORIZATION_URL");

  if (g_file_test (efuse_path, G_FILE_TEST_EXISTS))
    {
      g_autoptr(JsonNode) efuse = load_json_file (efuse_path, NULL, error);
      JsonObject *o;

      if (efuse == NULL)
        return NULL;
      o = json_node_get_object (efuse);
      if (imported->device_id == NULL)
        imported->device_id = dup_path (efuse, "mac_address");
      imported->serial_number = dup_path (efuse, "serial_number");
      imported->hmac_key = dup_path (efuse, "hmac_key");
      imported->activated = xa_json_get_boolean (o, "activation_status", FALSE);
    }

  if (imported->device_id == NULL || imported->client_id == NULL)
    {
      g_set_error (error, XA_EXPORT_ERROR, XA_EXPORT_ERROR_INVALID,
                   _("“%s” has no DEVICE_ID or CLIENT_ID under SYSTEM_OPTIONS: "
                     "it is not a py-xiaozhi configuration."),
                   config_path);
      return NULL;
    }

  return g_steal_pointer (&imported);
}

static char *
json_string (const char *value)
{
  g_autoptr(JsonNode) node = json_node_init_string (json_node_alloc (), value ? value : "");

  return json_to_string (node, FALSE);
}

/* Keeps the old file as PATH.bak and puts @contents in place atomically.
 * Both hold secrets (a token, an HMAC key): only their owner may read
 * them, from the moment they are created. */
static gboolean
replace_file (const char  *path,
              const char  *contents,
              gboolean     keep_backup,
              GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  GStatBuf st;
  int mode = 0600;

  if (g_stat (path, &st) == 0)
    {
      g_autofree char *old = NULL;
      gsize length;

      if (keep_backup)
        {
          g_autofree char *backup = g_strconcat (path, ".bak", NULL);
          if (!g_file_get_contents (path, &old, &length, &local_error) ||
              !g_file_set_contents_full (backup, old, length, G_FILE_SET_CONTENTS_CONSISTENT, mode, &local_error))
            goto failed;
        }
    }

  if (g_file_set_contents_full (path, contents, -1, G_FILE_SET_CONTENTS_CONSISTENT, mode, &local_error))
    return TRUE;

failed:
  g_set_error (error, XA_EXPORT_ERROR, XA_EXPORT_ERROR_WRITE,
               _("Could not write “%s”: %s. The file was left as it was."),
               path, local_error->message);
  return FALSE;
}

/* Sets string @values at @paths (and, when @raw_path is given, the JSON
 * text @raw_value there). A file that does not exist yet is made with
 * only these: py-xiaozhi merges its defaults into a partial one. */
static gboolean
edit_json_file (const char          *client,
                const char          *path,
                gboolean             must_exist,
                const char * const  *paths,
                const char * const  *values,
                const char          *raw_path,
                const char          *raw_value,
                GError             **error)
{
  g_autofree char *text = NULL;
  g_autoptr(JsonNode) check = NULL;
  gboolean existed = g_file_test (path, G_FILE_TEST_EXISTS);

  if (existed && (check = load_json_file (path, &text, error)) == NULL)
    return FALSE;
  if (!existed && must_exist)
    {
      g_set_error (error, XA_EXPORT_ERROR, XA_EXPORT_ERROR_NOT_FOUND,
                   /* Translators: %s is a program, such as xiaozhi-webui */
                   _("There is no “%s” yet: %s writes it the first time it starts. Start it once, then export again."),
                   path, client);
      return FALSE;
    }
  if (!existed)
    {
      g_autofree char *dir = g_path_get_dirname (path);

      g_mkdir_with_parents (dir, 0700);
      text = g_strdup ("{\n}\n");
    }

  for (guint i = 0; paths[i] != NULL || (raw_path != NULL && i == g_strv_length ((char **) paths)); i++)
    {
      g_autofree char *encoded = paths[i] ? json_string (values[i]) : g_strdup (raw_value);
      const char *where = paths[i] ? paths[i] : raw_path;
      char *edited = xa_json_edit_set (text, where, encoded);

      if (edited == NULL)
        {
          g_set_error (error, XA_EXPORT_ERROR, XA_EXPORT_ERROR_INVALID,
                       /* Translators: the last %s is a program, such as py-xiaozhi */
                       _("In “%s”, %s is not where %s keeps it, so the file was left untouched."),
                       path, where, client);
          return FALSE;
        }
      g_free (text);
      text = edited;
      if (paths[i] == NULL)
        break;
    }

  /* Never write something that does not read back with our values: a
   * key written twice would have its first copy edited while py-xiaozhi
   * (like json-glib) reads the last. */
  g_clear_pointer (&check, json_node_unref);
  check = xa_json_parse (text, -1, NULL);
  if (check == NULL)
    {
      g_set_error (error, XA_EXPORT_ERROR, XA_EXPORT_ERROR_INVALID,
                   _("“%s” is not valid JSON (%s), so it was left untouched. "
                     "Repair it or point to another file."),
                   path, _("not an object"));
      return FALSE;
    }
  for (guint i = 0; paths[i] != NULL; i++)
    {
      g_autofree char *read_back = dup_path (check, paths[i]);

      if (g_strcmp0 (read_back, values[i] ? values[i] : "") != 0)
        {
          g_set_error (error, XA_EXPORT_ERROR, XA_EXPORT_ERROR_INVALID,
                       _("In “%s”, %s is written more than once, so the file was left untouched. "
                         "Keep one copy of it and export again."),
                       path, paths[i]);
          return FALSE;
        }
    }

  return replace_file (path, text, existed, error);
}

/* py-xiaozhi's MQTT_INFO, when the server offered MQTT: an object laid out
 * as py-xiaozhi writes its file, one member a line (xa_json_edit_set()
 * indents it where it goes). */
static char *
mqtt_info_json (XaDevice   *device,
                const char *mqtt_password)
{
  g_autofree char *endpoint = NULL, *client = NULL, *user = NULL, *publish = NULL, *subscribe = NULL;
  GString *out;

  g_object_get (device, "mqtt-endpoint", &endpoint, "mqtt-client-id", &client, "mqtt-username", &user,
                "mqtt-publish-topic", &publish, "mqtt-subscribe-topic", &subscribe, NULL);
  if (endpoint == NULL)
    return NULL;
  {
    const char *members[][2] = {
      { "endpoint", endpoint },
      { "client_id", client ? client : "" },
      { "username", user ? user : "" },
      { "password", mqtt_password ? mqtt_password : "" },
      { "publish_topic", publish ? publish : "" },
      { "subscribe_topic", subscribe ? subscribe : "null" },
    };

    out = g_string_new ("{");
    for (guint i = 0; i < G_N_ELEMENTS (members); i++)
      {
        g_autoptr(JsonNode) value = json_node_init_string (json_node_alloc (), members[i][1]);
        g_autofree char *quoted = json_to_string (value, FALSE);

        g_string_append_printf (out, "%s\n  \"%s\": %s", i ? "," : "", members[i][0], quoted);
      }
    g_string_append (out, "\n}");
  }
  return g_string_free (out, FALSE);
}

gboolean
xa_py_xiaozhi_export (const char  *config_dir,
                      XaDevice    *device,
                      const char  *token,
                      const char  *mqtt_password,
                      GError     **error)
{
  g_autofree char *path = g_build_filename (config_dir, "config.json", NULL);
  g_autofree char *mqtt_info = mqtt_info_json (device, mqtt_password);
  g_autoptr(GPtrArray) paths = g_ptr_array_new ();
  g_autoptr(GPtrArray) values = g_ptr_array_new ();

#define SET(p, v) G_STMT_START { g_ptr_array_add (paths, (gpointer) (p)); g_ptr_array_add (values, (gpointer) (v)); } G_STMT_END
  SET ("SYSTEM_OPTIONS.CLIENT_ID", xa_device_get_client_id (device));
  SET ("SYSTEM_OPTIONS.DEVICE_ID", xa_device_get_device_id (device));
  SET ("SYSTEM_OPTIONS.NETWORK.OTA_VERSION_URL", xa_device_get_ota_url (device));
  /* A device sent to MQTT has no WebSocket to write. */
  if (token != NULL)
    {
      SET ("SYSTEM_OPTIONS.NETWORK.WEBSOCKET_URL", xa_device_get_websocket_url (device));
      SET ("SYSTEM_OPTIONS.NETWORK.WEBSOCKET_ACCESS_TOKEN", token);
    }
  SET ("SYSTEM_OPTIONS.NETWORK.ACTIVATION_VERSION", "v2");
  SET ("SYSTEM_OPTIONS.NETWORK.AUTHORIZATION_URL", xa_device_get_panel_url (device));
#undef SET
  g_ptr_array_add (paths, NULL);
  g_ptr_array_add (values, NULL);

  return edit_json_file ("py-xiaozhi", path, FALSE, (const char * const *) paths->pdata,
                         (const char * const *) values->pdata,
                         mqtt_info ? "SYSTEM_OPTIONS.NETWORK.MQTT_INFO" : NULL, mqtt_info, error);
}

gboolean
xa_py_xiaozhi_write_efuse (const char  *config_dir,
                           XaDevice    *device,
                           const char  *hmac_key,
                           GError     **error)
{
  g_autofree char *path = g_build_filename (config_dir, "efuse.json", NULL);
  g_autoptr(JsonBuilder) b = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;
  const char *paths[] = { "mac_address", "serial_number", "hmac_key", NULL };
  const char *values[] = { xa_device_get_device_id (device), xa_device_get_serial_number (device), hmac_key, NULL };

  if (g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_autofree char *contents = NULL;
      g_autofree char *edited = NULL;

      if (!edit_json_file ("py-xiaozhi", path, FALSE, paths, values, NULL, NULL, error))
        return FALSE;
      if (!g_file_get_contents (path, &contents, NULL, NULL))
        return TRUE;
      edited = xa_json_edit_set (contents, "activation_status",
                                 xa_device_is_activated (device) ? "true" : "false");
      if (edited == NULL)
        return TRUE;
      /* The same rule as every edit: it must read back as written. */
      {
        g_autoptr(JsonNode) check = xa_json_parse (edited, -1, NULL);
        if (check == NULL || !JSON_NODE_HOLDS_OBJECT (check) ||
            xa_json_get_boolean (json_node_get_object (check), "activation_status", !xa_device_is_activated (device))
              != xa_device_is_activated (device))
          return TRUE;
      }
      return replace_file (path, edited, FALSE, error);
    }

  b = json_builder_new ();
  json_builder_begin_object (b);
  for (guint i = 0; paths[i] != NULL; i++)
    {
      json_builder_set_member_name (b, paths[i]);
      json_builder_add_string_value (b, values[i] ? values[i] : "");
    }
  json_builder_set_member_name (b, "activation_status");
  json_builder_add_boolean_value (b, xa_device_is_activated (device));
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  text = json_to_string (root, TRUE);

  return replace_file (path, text, FALSE, error);
}

/* KEY='value': a POSIX shell sourcing the file and dotenv parsers (Node,
 * Python, Go) all read a single-quoted value back literally, as long as it
 * holds no quote, backslash or line break. Those are refused rather than
 * escaped, since the readers disagree on escapes. */
static gboolean
env_value_is_writable (const char *value)
{
  for (const guchar *p = (const guchar *) value; *p != '\0'; p++)
    if (*p < 0x20 || *p == 0x7f || *p == '\'' || *p == '\\')
      return FALSE;
  return TRUE;
}

static void
append_env_line (GString    *out,
                 const char *key,
                 const char *value)
{
  g_string_append_printf (out, "%s='%s'\n", key, value ? value : "");
}

/* ---- env files ----------------------------------------------------------- */

/* What an env file can hold, by the names --key uses. */
static const char * const env_fields[XA_ENV_N_FIELDS] = {
  [XA_ENV_FIELD_OTA_URL] = "ota_url",
  [XA_ENV_FIELD_WEBSOCKET_URL] = "websocket_url",
  [XA_ENV_FIELD_TOKEN] = "token",
  [XA_ENV_FIELD_DEVICE_ID] = "device_id",
  [XA_ENV_FIELD_CLIENT_ID] = "client_id",
};

/* The key names other programs read. */
static const struct
{
  const char *preset;
  const char *names[XA_ENV_N_FIELDS];
} env_presets[] = {
  /* Ours, for scripts: everything. */
  { "xiaozhi", { "XIAOZHI_OTA_URL", "XIAOZHI_WEBSOCKET_URL", "XIAOZHI_ACCESS_TOKEN",
                 "XIAOZHI_DEVICE_ID", "XIAOZHI_CLIENT_ID" } },
  /* py-xiaozhi's web-backend/.env: the proxy takes the token from the
   * browser, the server's address from here. */
  { "web-proxy", { [XA_ENV_FIELD_WEBSOCKET_URL] = "BACKEND_WS_URL" } },
  /* xiaozhi-web-client's .env. */
  { "web-client", { [XA_ENV_FIELD_WEBSOCKET_URL] = "WS_URL", [XA_ENV_FIELD_TOKEN] = "DEVICE_TOKEN" } },
};

XaEnvKeys *
xa_env_keys_new (const char  *preset,
                 GError     **error)
{
  for (guint p = 0; p < G_N_ELEMENTS (env_presets); p++)
    if (g_str_equal (preset ? preset : "xiaozhi", env_presets[p].preset))
      {
        XaEnvKeys *keys = g_new0 (XaEnvKeys, 1);

        for (guint f = 0; f < XA_ENV_N_FIELDS; f++)
          keys->names[f] = g_strdup (env_presets[p].names[f]);
        return keys;
      }
  g_set_error (error, XA_EXPORT_ERROR, XA_EXPORT_ERROR_INVALID,
               _("There is no env preset “%s”: the presets are xiaozhi, web-proxy and web-client."), preset);
  return NULL;
}

XaEnvKeys *
xa_env_keys_copy (const XaEnvKeys *keys)
{
  XaEnvKeys *copy = g_new0 (XaEnvKeys, 1);

  for (guint f = 0; f < XA_ENV_N_FIELDS; f++)
    copy->names[f] = g_strdup (keys->names[f]);
  return copy;
}

void
xa_env_keys_free (XaEnvKeys *keys)
{
  if (keys == NULL)
    return;
  for (guint f = 0; f < XA_ENV_N_FIELDS; f++)
    g_free (keys->names[f]);
  g_free (keys);
}

static gboolean
is_env_name (const char *name)
{
  if (!g_ascii_isalpha (*name) && *name != '_')
    return FALSE;
  for (const char *p = name; *p; p++)
    if (!g_ascii_isalnum (*p) && *p != '_')
      return FALSE;
  return TRUE;
}

/* "field=NAME" names a field's key (added when the preset has none);
 * "field=" leaves the field out. */
gboolean
xa_env_keys_set (XaEnvKeys   *keys,
                 const char  *assignment,
                 GError     **error)
{
  const char *equals = strchr (assignment, '=');
  g_autofree char *field = equals ? g_strndup (assignment, equals - assignment) : NULL;

  for (guint f = 0; field != NULL && f < XA_ENV_N_FIELDS; f++)
    if (g_str_equal (field, env_fields[f]) && (equals[1] == '\0' || is_env_name (equals + 1)))
      {
        g_free (keys->names[f]);
        keys->names[f] = equals[1] ? g_strdup (equals + 1) : NULL;
        return TRUE;
      }
  g_set_error (error, XA_EXPORT_ERROR, XA_EXPORT_ERROR_INVALID,
               _("“%s” is not FIELD=NAME: the fields are ota_url, websocket_url, token, device_id and client_id, "
                 "and a NAME is letters, digits and _."), assignment);
  return FALSE;
}

/* Sets @n lines KEY='value' in the env file @path: see
 * xa_env_file_export(). The values are writable (env_value_is_writable()). */
static gboolean
set_env_lines (const char  *path,
               const char **keys,
               const char **values,
               guint        n,
               gboolean     replace,
               GError     **error)
{
  gboolean written[XA_ENV_N_FIELDS] = { FALSE };
  g_autoptr(GError) local_error = NULL;
  g_autofree char *old = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GString) out = g_string_new (NULL);

  g_assert (n <= XA_ENV_N_FIELDS);
  if (!g_file_get_contents (path, &old, NULL, &local_error) &&
      !g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
    {
      g_set_error (error, XA_EXPORT_ERROR, XA_EXPORT_ERROR_WRITE,
                   _("Could not read “%s”: %s"), path, local_error->message);
      return FALSE;
    }
  g_clear_error (&local_error);
  if (old != NULL && replace)
    {
      g_autofree char *backup = g_strconcat (path, ".bak", NULL);

      if (!g_file_set_contents_full (backup, old, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600, &local_error))
        {
          g_set_error (error, XA_EXPORT_ERROR, XA_EXPORT_ERROR_WRITE,
                       _("Could not write “%s”: %s. The file was left as it was."),
                       backup, local_error->message);
          return FALSE;
        }
    }
  else if (old != NULL)
    lines = g_strsplit (old, "\n", -1);

  for (guint i = 0; lines != NULL && lines[i] != NULL; i++)
    {
      gboolean ours = FALSE;

      if (lines[i + 1] == NULL && *lines[i] == '\0')
        break;
      for (guint k = 0; k < n && !ours; k++)
        {
          g_autofree char *prefix = g_strconcat (keys[k], "=", NULL);
          g_autofree char *exported = g_strconcat ("export ", prefix, NULL);
          if (g_str_has_prefix (lines[i], prefix) || g_str_has_prefix (lines[i], exported))
            {
              append_env_line (out, keys[k], values[k]);
              written[k] = ours = TRUE;
            }
        }
      if (!ours)
        g_string_append_printf (out, "%s\n", lines[i]);
    }

  for (guint k = 0; k < n; k++)
    if (!written[k])
      append_env_line (out, keys[k], values[k]);

  /* It holds a token: only its owner may read it, whatever it was before,
   * and the temporary copy is private from its creation. */
  if (!g_file_set_contents_full (path, out->str, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600, &local_error))
    {
      g_set_error (error, XA_EXPORT_ERROR, XA_EXPORT_ERROR_WRITE,
                   _("Could not write “%s”: %s. The file was left as it was."),
                   path, local_error->message);
      return FALSE;
    }
  return TRUE;
}


/* Sets @keys' lines in an env file (NULL: ours, XIAOZHI_*).
 * @replace: FALSE keeps every other line of an existing file (ours are
 * updated in place); TRUE writes a file of ours alone, keeping what was
 * there as PATH.bak. */
gboolean
xa_env_file_export (const char       *path,
                    XaDevice         *device,
                    const char       *token,
                    gboolean          replace,
                    const XaEnvKeys  *env_keys,
                    GError          **error)
{
  g_autoptr(XaEnvKeys) preset = env_keys ? NULL : xa_env_keys_new (NULL, NULL);
  const char *all_values[XA_ENV_N_FIELDS] = {
    [XA_ENV_FIELD_OTA_URL] = xa_device_get_ota_url (device),
    [XA_ENV_FIELD_WEBSOCKET_URL] = xa_device_get_websocket_url (device),
    [XA_ENV_FIELD_TOKEN] = token,
    [XA_ENV_FIELD_DEVICE_ID] = xa_device_get_device_id (device),
    [XA_ENV_FIELD_CLIENT_ID] = xa_device_get_client_id (device),
  };
  const char *keys[XA_ENV_N_FIELDS];
  const char *values[XA_ENV_N_FIELDS];
  guint n = 0;

  if (env_keys == NULL)
    env_keys = preset;
  for (guint f = 0; f < XA_ENV_N_FIELDS; f++)
    if (env_keys->names[f] != NULL)
      {
        keys[n] = env_keys->names[f];
        values[n++] = all_values[f];
      }

  for (guint k = 0; k < n; k++)
    if (values[k] != NULL && !env_value_is_writable (values[k]))
      {
        g_set_error (error, XA_EXPORT_ERROR, XA_EXPORT_ERROR_INVALID,
                     /* Translators: %s is a variable name such as XIAOZHI_ACCESS_TOKEN */
                     _("The value of %s has a line break, a quote or a backslash, which an env file "
                       "cannot hold safely. Nothing was written: test the device and refresh its token first."),
                     keys[k]);
        return FALSE;
      }

  return set_env_lines (path, keys, values, n, replace, error);
}

/* MCP_ENDPOINT='…' in an env file, as mcp_pipe.py reads it (python-dotenv
 * loads .env from the folder it starts in); every other line kept. */
gboolean
xa_mcp_env_export (const char  *path,
                   const char  *url,
                   GError     **error)
{
  const char *keys[] = { "MCP_ENDPOINT" };
  const char *values[] = { url };

  if (!env_value_is_writable (url))
    {
      g_set_error (error, XA_EXPORT_ERROR, XA_EXPORT_ERROR_INVALID,
                   _("The endpoint address has a line break, a quote or a backslash, which an env file "
                     "cannot hold safely. Nothing was written."));
      return FALSE;
    }
  return set_env_lines (path, keys, values, 1, FALSE, error);
}

/* ---- xiaozhi-webui ----------------------------------------------------------- */

/* xiaozhi-webui's backend/config/config.json (given as the file, or the
 * folder of xiaozhi-webui): WS_URL, DEVICE_TOKEN and TOKEN_ENABLE set,
 * every other key left as it was. The file must be there (the webui writes
 * it with its defaults at its first start); the old one is kept as .bak. */
gboolean
xa_webui_config_export (const char  *path,
                        XaDevice    *device,
                        const char  *token,
                        GError     **error)
{
  g_autofree char *file = g_file_test (path, G_FILE_TEST_IS_DIR)
                            ? g_build_filename (path, "backend", "config", "config.json", NULL) : g_strdup (path);
  const char *paths[] = { "WS_URL", "DEVICE_TOKEN", NULL };
  const char *values[] = { xa_device_get_websocket_url (device), token, NULL };
  g_autofree char *text = NULL;
  g_autoptr(JsonNode) existing = NULL;
  JsonNode *enable;

  /* TOKEN_ENABLE keeps its type: the webui's own default is the string
   * "true". */
  if (g_file_test (file, G_FILE_TEST_EXISTS) && (existing = load_json_file (file, &text, error)) == NULL)
    return FALSE;
  enable = existing && JSON_NODE_HOLDS_OBJECT (existing)
             ? json_object_get_member (json_node_get_object (existing), "TOKEN_ENABLE") : NULL;
  return edit_json_file ("xiaozhi-webui", file, TRUE, paths, values, "TOKEN_ENABLE",
                         enable && JSON_NODE_HOLDS_VALUE (enable) && json_node_get_value_type (enable) == G_TYPE_BOOLEAN
                           ? "true" : "\"true\"",
                         error);
}

/* ---- xiaozhi-client ------------------------------------------------------- */

static gboolean
is_string_list (JsonNode *node)
{
  JsonArray *array = json_node_get_array (node);

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      if (!JSON_NODE_HOLDS_VALUE (element) || json_node_get_value_type (element) != G_TYPE_STRING)
        return FALSE;
    }
  return TRUE;
}

/* The mcpEndpoint list with @url in it: in place of the same endpoint
 * (xa_mcp_endpoint_same()), else added at the end. */
static char *
endpoint_list_json (JsonArray  *list,
                    const char *url)
{
  g_autoptr(GString) out = g_string_new ("[");
  gboolean placed = FALSE;

  for (guint i = 0; list != NULL && i < json_array_get_length (list); i++)
    {
      const char *there = json_array_get_string_element (list, i);
      const char *value = xa_mcp_endpoint_same (there, url) ? url : there;
      g_autofree char *quoted = NULL;

      if (value == url && placed)
        continue;
      placed |= value == url;
      quoted = json_string (value);
      g_string_append_printf (out, "%s\n  %s", out->len > 1 ? "," : "", quoted);
    }
  if (!placed)
    {
      g_autofree char *quoted = json_string (url);
      g_string_append_printf (out, "%s\n  %s", out->len > 1 ? "," : "", quoted);
    }
  g_string_append (out, "\n]");
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* xiaozhi-client's xiaozhi.config.json (given as the file, or its
 * folder): @url set as its mcpEndpoint, every other byte kept, the old
 * file kept as .bak. mcpEndpoint is one address or a list of them
 * (xiaozhi-client connects to each): an empty one or the same endpoint
 * is replaced, another one is kept and @url joins it in a list. The file
 * must be there: `xiaozhi create` writes it, with the mcpServers
 * xiaozhi-client needs. */
char *
xa_xiaozhi_client_config_file (const char *path)
{
  return g_file_test (path, G_FILE_TEST_IS_DIR) ? g_build_filename (path, "xiaozhi.config.json", NULL)
                                                : g_strdup (path);
}

gboolean
xa_xiaozhi_client_export (const char  *path,
                          const char  *url,
                          GError     **error)
{
  g_autofree char *file = xa_xiaozhi_client_config_file (path);
  const char *paths[] = { "mcpEndpoint", NULL };
  const char *values[] = { url, NULL };
  const char *none[] = { NULL };
  g_autoptr(JsonNode) existing = NULL;
  g_autofree char *list = NULL;
  JsonNode *there;
  const char *one;

  if (!g_file_test (file, G_FILE_TEST_EXISTS))
    return edit_json_file ("xiaozhi-client", file, TRUE, paths, values, NULL, NULL, error);
  if ((existing = load_json_file (file, NULL, error)) == NULL)
    return FALSE;
  there = json_object_get_member (json_node_get_object (existing), "mcpEndpoint");
  one = xa_json_get_string (json_node_get_object (existing), "mcpEndpoint");
  if (there == NULL || JSON_NODE_HOLDS_NULL (there) ||
      (one != NULL && (*one == '\0' || xa_mcp_endpoint_same (one, url))))
    return edit_json_file ("xiaozhi-client", file, TRUE, paths, values, NULL, NULL, error);

  if (one != NULL)
    {
      g_autoptr(JsonArray) single = json_array_new ();

      json_array_add_string_element (single, one);
      list = endpoint_list_json (single, url);
    }
  else if (JSON_NODE_HOLDS_ARRAY (there) && is_string_list (there))
    list = endpoint_list_json (json_node_get_array (there), url);
  else
    {
      g_set_error (error, XA_EXPORT_ERROR, XA_EXPORT_ERROR_INVALID,
                   _("In “%s”, mcpEndpoint is neither an address nor a list of addresses, so the file was "
                     "left untouched."), file);
      return FALSE;
    }
  return edit_json_file ("xiaozhi-client", file, TRUE, none, none, "mcpEndpoint", list, error);
}

/* One device for other tools; the token only when given. */
JsonNode *
xa_device_export_json (XaDevice   *device,
                       const char *token)
{
  JsonNode *node = xa_device_to_json (device);
  g_autoptr(XaReport) last = xa_device_dup_last_report (device);

  /* The last Test in words, not as the recipes devices.json keeps. */
  json_object_remove_member (json_node_get_object (node), "last_report");
  if (last != NULL)
    {
      json_object_set_string_member (json_node_get_object (node), "last_message", last->advice);
      json_object_set_member (json_node_get_object (node), "last_report", xa_report_to_json (last));
    }
  if (token != NULL)
    json_object_set_string_member (json_node_get_object (node), "token", token);
  return node;
}

/* ---- an MCP endpoint, off the main thread ------------------------------------ */

typedef struct
{
  XaMcpExport  target;
  char        *path;
  char        *url;    /* secret */
} McpJob;

static void
mcp_job_free (McpJob *job)
{
  g_free (job->path);
  xa_secret_free (job->url);
  g_free (job);
}

static void
mcp_export_thread (GTask        *task,
                   gpointer      source,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  McpJob *job = task_data;
  GError *error = NULL;
  gboolean ok = job->target == XA_MCP_EXPORT_ENV ? xa_mcp_env_export (job->path, job->url, &error)
                                                 : xa_xiaozhi_client_export (job->path, job->url, &error);

  if (ok)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/* @url: the endpoint address with its token. A file once being written is
 * written: a cancel does not take it back. */
void
xa_mcp_export_async (XaMcpExport          target,
                     const char          *path,
                     const char          *url,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  McpJob *job = g_new0 (McpJob, 1);

  job->target = target;
  job->path = target == XA_MCP_EXPORT_ENV ? g_strdup (path) : xa_xiaozhi_client_config_file (path);
  job->url = g_strdup (url);
  g_task_set_source_tag (task, xa_mcp_export_async);
  g_task_set_task_data (task, job, (GDestroyNotify) mcp_job_free);
  g_task_run_in_thread (task, mcp_export_thread);
}

/* Returns: the file written, or NULL with @error set */
char *
xa_mcp_export_finish (GAsyncResult  *result,
                      GError       **error)
{
  McpJob *job = g_task_get_task_data (G_TASK (result));

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return NULL;
  return g_strdup (job->path);
}
