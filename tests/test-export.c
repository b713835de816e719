/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>

#include "xa-export.h"
#include "xa-json-edit.h"
#include "xa-ota.h"
#include "xa-test-util.h"

#define TOKEN "Zm9vYmFyYmF6cXV4.1795607593"

typedef struct
{
  char     *dir;
  char     *config;
  char     *original;
  XaDevice *device;
} Fixture;

static void
copy_fixture (const char *name,
              const char *dir)
{
  g_autofree char *src = g_test_build_filename (G_TEST_DIST, "data", "py-xiaozhi", name, NULL);
  g_autofree char *dst = g_build_filename (dir, name, NULL);
  g_autofree char *contents = NULL;

  g_assert_true (g_file_get_contents (src, &contents, NULL, NULL));
  g_assert_true (g_file_set_contents (dst, contents, -1, NULL));
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(XaIdentity) id = xa_identity_new ("02:aa:bb:cc:dd:ee", "0f8e6c2a-5d1b-4c3e-9a7f-2b4d6e8f0a1c", NULL, NULL);
  g_autoptr(XaOtaAnswer) answer = g_new0 (XaOtaAnswer, 1);

  f->dir = g_dir_make_tmp ("xa-export-XXXXXX", NULL);
  copy_fixture ("config.json", f->dir);
  copy_fixture ("efuse.json", f->dir);
  f->config = g_build_filename (f->dir, "config.json", NULL);
  g_assert_true (g_file_get_contents (f->config, &f->original, NULL, NULL));

  f->device = xa_device_new ("Desk board", "http://127.0.0.1:8002/xiaozhi/ota/", id);
  answer->has_websocket = TRUE;
  answer->websocket_url = g_strdup ("ws://127.0.0.1:8002/xiaozhi/v1/");
  xa_device_apply_answer (f->device, answer);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GDir) d = g_dir_open (f->dir, 0, NULL);
  const char *name;

  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *p = g_build_filename (f->dir, name, NULL);
      g_unlink (p);
    }
  g_rmdir (f->dir);
  g_free (f->dir);
  g_free (f->config);
  g_free (f->original);
  g_object_unref (f->device);
}

static void
test_import (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XaImported) imported = xa_py_xiaozhi_import (f->dir, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (imported->device_id, ==, "3c:22:fb:5e:71:a4");
  g_assert_cmpstr (imported->client_id, ==, "8d2f1c7e-4b3a-4f6e-9c1d-2a5b7e9f0c3d");
  g_assert_cmpstr (imported->ota_url, ==, "https://api.tenclass.net/xiaozhi/ota/");
  g_assert_cmpstr (imported->websocket_url, ==, "wss://api.tenclass.net/xiaozhi/v1/");
  g_assert_cmpstr (imported->token, ==, "test-token");
  g_assert_cmpstr (imported->panel_url, ==, "https://xiaozhi.me/");
  g_assert_cmpstr (imported->serial_number, ==, "SN-1A2B3C4D-3c22fb5e71a4");
  g_assert_cmpuint (strlen (imported->hmac_key), ==, 64);
  g_assert_false (imported->activated);
}

static void
test_import_not_py_xiaozhi (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XaImported) imported = NULL;

  g_assert_true (g_file_set_contents (f->config, "{\"hello\": 1}", -1, NULL));
  imported = xa_py_xiaozhi_import (f->dir, &error);
  g_assert_null (imported);
  g_assert_error (error, XA_EXPORT_ERROR, XA_EXPORT_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "not a py-xiaozhi configuration"));
}

/* Lines that hold none of the exported keys. */
static GPtrArray *
untouched_lines (const char *text)
{
  const char *ours[] = { "\"CLIENT_ID\"", "\"DEVICE_ID\"", "\"OTA_VERSION_URL\"", "\"WEBSOCKET_URL\"",
                         "\"WEBSOCKET_ACCESS_TOKEN\"", "\"ACTIVATION_VERSION\"", "\"AUTHORIZATION_URL\"" };
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  GPtrArray *kept = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      gboolean mine = FALSE;
      for (guint k = 0; k < G_N_ELEMENTS (ours); k++)
        mine |= strstr (lines[i], ours[k]) != NULL;
      if (!mine)
        g_ptr_array_add (kept, g_strdup (lines[i]));
    }
  return kept;
}

static void
test_export_config (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *after = NULL;
  g_autofree char *backup_path = g_strconcat (f->config, ".bak", NULL);
  g_autofree char *backup = NULL;
  g_autoptr(GPtrArray) old_lines = NULL;
  g_autoptr(GPtrArray) new_lines = NULL;
  g_autoptr(XaImported) again = NULL;

  g_assert_true (xa_py_xiaozhi_export (f->dir, f->device, TOKEN, NULL, &error));
  g_assert_no_error (error);

  /* Every other line is there, byte for byte and in order. */
  g_assert_true (g_file_get_contents (f->config, &after, NULL, NULL));
  old_lines = untouched_lines (f->original);
  new_lines = untouched_lines (after);
  g_assert_cmpuint (old_lines->len, ==, new_lines->len);
  for (guint i = 0; i < old_lines->len; i++)
    g_assert_cmpstr (g_ptr_array_index (old_lines, i), ==, g_ptr_array_index (new_lines, i));
  g_assert_nonnull (strstr (after, "\"description\": \"按住说话\""));
  g_assert_nonnull (strstr (after, "\"WEBSOCKET_ACCESS_TOKEN\": \"" TOKEN "\""));

  /* The previous file is kept. */
  g_assert_true (g_file_get_contents (backup_path, &backup, NULL, NULL));
  g_assert_cmpstr (backup, ==, f->original);

  /* Both hold a token: only their owner may read them. */
  {
    GStatBuf st;
    g_assert_cmpint (g_stat (f->config, &st), ==, 0);
    g_assert_cmpint (st.st_mode & 0777, ==, 0600);
    g_assert_cmpint (g_stat (backup_path, &st), ==, 0);
    g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  }

  again = xa_py_xiaozhi_import (f->dir, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (again->device_id, ==, "02:aa:bb:cc:dd:ee");
  g_assert_cmpstr (again->client_id, ==, "0f8e6c2a-5d1b-4c3e-9a7f-2b4d6e8f0a1c");
  g_assert_cmpstr (again->ota_url, ==, "http://127.0.0.1:8002/xiaozhi/ota/");
  g_assert_cmpstr (again->websocket_url, ==, "ws://127.0.0.1:8002/xiaozhi/v1/");
  g_assert_cmpstr (again->token, ==, TOKEN);
  g_assert_cmpstr (again->panel_url, ==, "http://127.0.0.1:8002/");
}

static void
test_export_adds_missing_keys (Fixture       *f,
                               gconstpointer  data)
{
  const char *minimal = "{\n  \"SYSTEM_OPTIONS\": {\n    \"CLIENT_ID\": \"x\"\n  },\n  \"OTHER\": [1, 2]\n}\n";
  g_autoptr(GError) error = NULL;
  g_autoptr(XaImported) again = NULL;
  g_autofree char *after = NULL;

  g_assert_true (g_file_set_contents (f->config, minimal, -1, NULL));
  g_assert_true (xa_py_xiaozhi_export (f->dir, f->device, TOKEN, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (f->config, &after, NULL, NULL));
  g_test_message ("%s", after);
  g_assert_nonnull (strstr (after, "\"OTHER\": [1, 2]"));

  again = xa_py_xiaozhi_import (f->dir, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (again->token, ==, TOKEN);
  g_assert_cmpstr (again->device_id, ==, "02:aa:bb:cc:dd:ee");
}

static void
test_export_invalid_untouched (Fixture       *f,
                               gconstpointer  data)
{
  const char *broken = "{\n  \"SYSTEM_OPTIONS\": {\n    \"CLIENT_ID\": \"x\",\n";
  g_autofree char *backup_path = g_strconcat (f->config, ".bak", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *after = NULL;

  g_assert_true (g_file_set_contents (f->config, broken, -1, NULL));
  g_assert_false (xa_py_xiaozhi_export (f->dir, f->device, TOKEN, NULL, &error));
  g_assert_error (error, XA_EXPORT_ERROR, XA_EXPORT_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "left untouched"));
  g_assert_true (g_file_get_contents (f->config, &after, NULL, NULL));
  g_assert_cmpstr (after, ==, broken);
  g_assert_false (g_file_test (backup_path, G_FILE_TEST_EXISTS));
}

/* A key written twice: py-xiaozhi reads the last copy, so editing the
 * first would be a lie. The file is refused, byte for byte untouched. */
static void
test_export_duplicate_key_refused (Fixture       *f,
                                   gconstpointer  data)
{
  const char *doubled = "{\"SYSTEM_OPTIONS\": {\"CLIENT_ID\": \"a\", \"DEVICE_ID\": \"b\", \"NETWORK\": {\n"
                        "  \"WEBSOCKET_ACCESS_TOKEN\": \"old\",\n  \"WEBSOCKET_ACCESS_TOKEN\": \"older\"}}}\n";
  g_autoptr(GError) error = NULL;
  g_autofree char *after = NULL;

  g_assert_true (g_file_set_contents (f->config, doubled, -1, NULL));
  g_assert_false (xa_py_xiaozhi_export (f->dir, f->device, TOKEN, NULL, &error));
  g_assert_error (error, XA_EXPORT_ERROR, XA_EXPORT_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "WEBSOCKET_ACCESS_TOKEN is written more than once"));
  g_assert_true (g_file_get_contents (f->config, &after, NULL, NULL));
  g_assert_cmpstr (after, ==, doubled);
}

/* A fresh install has no config.json yet: one is made with only our
 * keys (py-xiaozhi merges its defaults), MQTT_INFO included when the
 * server offered MQTT. */
static void
test_export_fresh_install (Fixture       *f,
                           gconstpointer  data)
{
  g_autofree char *fresh = g_build_filename (f->dir, "new", "config", NULL);
  g_autofree char *path = g_build_filename (fresh, "config.json", NULL);
  g_autofree char *bak = g_strconcat (path, ".bak", NULL);
  g_autoptr(XaOtaAnswer) mqtt = g_new0 (XaOtaAnswer, 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;
  JsonObject *network;

  mqtt->has_mqtt = TRUE;
  mqtt->mqtt_endpoint = g_strdup ("127.0.0.1:1883");
  mqtt->mqtt_client_id = g_strdup ("GID_x");
  mqtt->mqtt_username = g_strdup ("u");
  mqtt->mqtt_publish_topic = g_strdup ("device-server");
  xa_device_apply_answer (f->device, mqtt);

  g_assert_true (xa_py_xiaozhi_export (fresh, f->device, TOKEN, "mqtt-secret", &error));
  g_assert_no_error (error);
  g_assert_false (g_file_test (bak, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  /* One member a line, MQTT_INFO's under its key. */
  g_assert_nonnull (strstr (text, "\n      \"MQTT_INFO\": {\n        \"endpoint\": \"127.0.0.1:1883\",\n"));
  root = json_from_string (text, &error);
  g_assert_no_error (error);
  network = json_object_get_object_member (json_object_get_object_member (json_node_get_object (root), "SYSTEM_OPTIONS"),
                                           "NETWORK");
  g_assert_cmpstr (json_object_get_string_member (network, "WEBSOCKET_ACCESS_TOKEN"), ==, TOKEN);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (network, "MQTT_INFO"), "password"),
                   ==, "mqtt-secret");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (network, "MQTT_INFO"), "endpoint"),
                   ==, "127.0.0.1:1883");
  {
    GStatBuf st;
    g_assert_cmpint (g_stat (path, &st), ==, 0);
    g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  }
  g_unlink (path);
  g_rmdir (fresh);
  {
    g_autofree char *parent = g_path_get_dirname (fresh);
    g_rmdir (parent);
  }
}

/* Nested beyond reason: refused, not a crash. */
static void
test_export_nested_refused (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(GString) nested = g_string_new ("{\"SYSTEM_OPTIONS\": ");
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < 100000; i++)
    g_string_append_c (nested, '[');
  g_assert_true (g_file_set_contents (f->config, nested->str, -1, NULL));
  g_assert_false (xa_py_xiaozhi_export (f->dir, f->device, TOKEN, NULL, &error));
  g_assert_error (error, XA_EXPORT_ERROR, XA_EXPORT_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "nested more than 64 levels"));
}

static void
test_efuse (Fixture       *f,
            gconstpointer  data)
{
  g_autofree char *path = g_build_filename (f->dir, "efuse.json", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *text = NULL;
  JsonObject *o;

  g_assert_true (xa_py_xiaozhi_write_efuse (f->dir, f->device, "00ff00ff", &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  node = json_from_string (text, NULL);
  o = json_node_get_object (node);
  g_assert_cmpstr (json_object_get_string_member (o, "mac_address"), ==, "02:aa:bb:cc:dd:ee");
  g_assert_cmpstr (json_object_get_string_member (o, "hmac_key"), ==, "00ff00ff");
  g_assert_cmpstr (json_object_get_string_member (o, "serial_number"), ==, xa_device_get_serial_number (f->device));
  /* Its other keys stay. */
  g_assert_true (json_object_has_member (o, "device_fingerprint"));

  g_unlink (path);
  g_assert_true (xa_py_xiaozhi_write_efuse (f->dir, f->device, "00ff00ff", &error));
  g_assert_true (g_file_test (path, G_FILE_TEST_EXISTS));
}

/* A new env file where one was (the user agreed to replace it): ours
 * alone, and what was there kept as .bak. */
static char *
read_data (const char *first,
           ...)
{
  g_autofree char *path = NULL;
  g_autoptr(GPtrArray) parts = g_ptr_array_new ();
  char *contents = NULL;
  va_list ap;

  g_ptr_array_add (parts, (gpointer) g_test_get_dir (G_TEST_DIST));
  g_ptr_array_add (parts, (gpointer) "data");
  va_start (ap, first);
  for (const char *p = first; p != NULL; p = va_arg (ap, const char *))
    g_ptr_array_add (parts, (gpointer) p);
  va_end (ap);
  g_ptr_array_add (parts, NULL);
  path = g_build_filenamev ((char **) parts->pdata);
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  return contents;
}

/* Key names other programs read: py-xiaozhi's web proxy takes only the
 * server's address (BACKEND_WS_URL, the token comes from the browser),
 * xiaozhi-web-client WS_URL and DEVICE_TOKEN; any field can be renamed or
 * left out; every other line stays as it was. */
static void
test_env_presets (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *path = g_build_filename (f->dir, "web-backend.env", NULL);
  g_autofree char *original = read_data ("web-proxy", "env", NULL);
  g_autoptr(XaEnvKeys) proxy = xa_env_keys_new ("web-proxy", NULL);
  g_autoptr(XaEnvKeys) client = xa_env_keys_new ("web-client", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  g_assert_true (g_file_set_contents (path, original, -1, NULL));
  g_assert_true (xa_env_file_export (path, f->device, TOKEN, FALSE, proxy, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  g_assert_cmpstr (text, ==,
                   "# py-xiaozhi web-backend: copied from .env.example and edited\n"
                   "PORT=8080\n"
                   "HOST=0.0.0.0\n"
                   "\n"
                   "# 后台 WebSocket 地址\n"
                   "BACKEND_WS_URL='ws://127.0.0.1:8002/xiaozhi/v1/'\n");
  g_clear_pointer (&text, g_free);

  /* A web client's .env, with two keys renamed and one left out. */
  g_assert_true (xa_env_keys_set (client, "token=XZ_TOKEN", &error));
  g_assert_true (xa_env_keys_set (client, "device_id=XZ_DEVICE", &error));
  g_assert_true (xa_env_keys_set (client, "websocket_url=", &error));
  g_assert_true (g_file_set_contents (path, "WEB_PORT=5001\nDEVICE_TOKEN=kept\n", -1, NULL));
  g_assert_true (xa_env_file_export (path, f->device, TOKEN, FALSE, client, &error));
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  g_assert_cmpstr (text, ==, "WEB_PORT=5001\nDEVICE_TOKEN=kept\nXZ_TOKEN='" TOKEN "'\nXZ_DEVICE='02:aa:bb:cc:dd:ee'\n");

  /* What is no field, no name or no preset is said so. */
  for (const char * const *bad = (const char *[]) { "token", "tokn=X", "token=1X", "token=A-B", "token=A B", NULL };
       *bad; bad++)
    {
      g_autoptr(GError) refused = NULL;
      g_assert_false (xa_env_keys_set (client, *bad, &refused));
      g_assert_error (refused, XA_EXPORT_ERROR, XA_EXPORT_ERROR_INVALID);
    }
  {
    g_autoptr(GError) refused = NULL;
    g_assert_null (xa_env_keys_new ("node-red", &refused));
    g_assert_nonnull (strstr (refused->message, "xiaozhi, web-proxy and web-client"));
  }
}

/* xiaozhi-webui's backend/config/config.json: its three keys set (the
 * TOKEN_ENABLE it has keeps its type), every other byte as it was, the old
 * file kept; a file that is not there or not JSON is left alone. */
static void
test_webui_config (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *original = read_data ("xiaozhi-webui", "backend", "config", "config.json", NULL);
  g_autofree char *folder = g_build_filename (f->dir, "xiaozhi-webui", NULL);
  g_autofree char *config_dir = g_build_filename (folder, "backend", "config", NULL);
  g_autofree char *path = g_build_filename (config_dir, "config.json", NULL);
  g_autofree char *backup = g_strconcat (path, ".bak", NULL);
  g_autofree char *text = NULL;
  g_autofree char *expected = NULL;
  g_autoptr(GError) missing = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) broken = NULL;

  g_assert_false (xa_webui_config_export (folder, f->device, TOKEN, &missing));
  g_assert_error (missing, XA_EXPORT_ERROR, XA_EXPORT_ERROR_NOT_FOUND);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));

  g_assert_cmpint (g_mkdir_with_parents (config_dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (path, original, -1, NULL));
  /* Given its folder, it finds the file. */
  g_assert_true (xa_webui_config_export (folder, f->device, TOKEN, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  expected = g_strdup (original);
  {
    char *edited = xa_json_edit_set (expected, "WS_URL", "\"ws://127.0.0.1:8002/xiaozhi/v1/\"");
    g_free (expected), expected = edited;
    edited = xa_json_edit_set (expected, "DEVICE_TOKEN", "\"" TOKEN "\"");
    g_free (expected), expected = edited;
  }
  g_assert_cmpstr (text, ==, expected);
  g_assert_nonnull (strstr (text, "\"TOKEN_ENABLE\": \"true\""));
  g_clear_pointer (&text, g_free);
  g_assert_true (g_file_get_contents (backup, &text, NULL, NULL));
  g_assert_cmpstr (text, ==, original);
  g_clear_pointer (&text, g_free);

  /* A boolean TOKEN_ENABLE stays a boolean, now true. */
  g_assert_true (g_file_set_contents (path, "{\"TOKEN_ENABLE\": false, \"PROXY_PORT\": \"5000\"}", -1, NULL));
  g_assert_true (xa_webui_config_export (path, f->device, TOKEN, &error));
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  g_assert_nonnull (strstr (text, "\"TOKEN_ENABLE\": true"));
  g_assert_nonnull (strstr (text, "\"PROXY_PORT\": \"5000\""));
  g_clear_pointer (&text, g_free);

  g_assert_true (g_file_set_contents (path, "{\"WS_URL\": ", -1, NULL));
  g_assert_false (xa_webui_config_export (path, f->device, TOKEN, &broken));
  g_assert_error (broken, XA_EXPORT_ERROR, XA_EXPORT_ERROR_INVALID);
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  g_assert_cmpstr (text, ==, "{\"WS_URL\": ");

  g_unlink (path);
  g_unlink (backup);
  g_rmdir (config_dir);
  {
    g_autofree char *backend = g_path_get_dirname (config_dir);
    g_rmdir (backend);
  }
  g_rmdir (folder);
}

static void
test_env_file_replace (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *path = g_build_filename (f->dir, "proxy.env", NULL);
  g_autofree char *backup = g_build_filename (f->dir, "proxy.env.bak", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *kept = NULL;
  GStatBuf st;

  g_assert_true (g_file_set_contents (path, "# my proxy\nPORT=8080\n", -1, NULL));
  g_assert_true (xa_env_file_export (path, f->device, TOKEN, TRUE, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  g_assert_null (strstr (text, "PORT=8080"));
  g_assert_true (g_str_has_prefix (text, "XIAOZHI_OTA_URL='http://127.0.0.1:8002/xiaozhi/ota/'\n"));
  g_assert_nonnull (strstr (text, "XIAOZHI_ACCESS_TOKEN='" TOKEN "'\n"));
  g_assert_true (g_file_get_contents (backup, &kept, NULL, NULL));
  g_assert_cmpstr (kept, ==, "# my proxy\nPORT=8080\n");
  g_assert_cmpint (g_stat (backup, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_unlink (backup);
}

static void
test_env_file (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *path = g_build_filename (f->dir, "proxy.env", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  GStatBuf st;

  g_assert_true (g_file_set_contents (path, "# my proxy\nPORT=8080\nXIAOZHI_ACCESS_TOKEN=old\n", -1, NULL));
  g_chmod (path, 0644);
  g_assert_true (xa_env_file_export (path, f->device, TOKEN, FALSE, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  g_assert_cmpstr (text, ==,
                   "# my proxy\n"
                   "PORT=8080\n"
                   "XIAOZHI_ACCESS_TOKEN='" TOKEN "'\n"
                   "XIAOZHI_OTA_URL='http://127.0.0.1:8002/xiaozhi/ota/'\n"
                   "XIAOZHI_WEBSOCKET_URL='ws://127.0.0.1:8002/xiaozhi/v1/'\n"
                   "XIAOZHI_DEVICE_ID='02:aa:bb:cc:dd:ee'\n"
                   "XIAOZHI_CLIENT_ID='0f8e6c2a-5d1b-4c3e-9a7f-2b4d6e8f0a1c'\n");
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
}

/* What a shell that sources the file sees in @name, and whether sourcing
 * it ran anything (it would create @dir/PWNED). */
static char *
source_env_file (const char *dir,
                 const char *path,
                 const char *name)
{
  g_autofree char *script = g_strdup_printf ("cd \"$1\" && set -a && . \"$2\" && printf %%s \"$%s\"", name);
  g_autofree char *pwned = g_build_filename (dir, "PWNED", NULL);
  g_autoptr(GError) error = NULL;
  char *out = NULL;
  int status;

  g_assert_true (g_spawn_sync (NULL, (char *[]) { "/bin/sh", "-c", script, "sh", (char *) dir, (char *) path, NULL },
                               NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_assert_false (g_file_test (pwned, G_FILE_TEST_EXISTS));
  return out;
}

static void
test_env_file_hostile (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *path = g_build_filename (f->dir, "proxy.env", NULL);
  const char *before = "PORT=8080\n";
  const char *shell_meta = "a b$(touch PWNED)`touch PWNED`;touch PWNED #\"$HOME\"";
  const char *refused[] = { "tok\nLD_PRELOAD=/tmp/evil.so", "tok\r$(touch PWNED)", "it's", "back\\slash", "nul\033[2J" };
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *read_back = NULL;
  GStatBuf st;

  /* A value that could add a line or leave its quotes is refused, and the
   * file stays byte for byte what it was. */
  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autofree char *unchanged = NULL;

      g_assert_true (g_file_set_contents (path, before, -1, NULL));
      g_assert_false (xa_env_file_export (path, f->device, refused[i], FALSE, NULL, &error));
      g_assert_error (error, XA_EXPORT_ERROR, XA_EXPORT_ERROR_INVALID);
      g_assert_nonnull (strstr (error->message, "XIAOZHI_ACCESS_TOKEN"));
      g_clear_error (&error);
      g_assert_true (g_file_get_contents (path, &unchanged, NULL, NULL));
      g_assert_cmpstr (unchanged, ==, before);
    }

  /* Anything else is written so that a shell reads it back literally and
   * runs none of it. */
  g_assert_true (xa_env_file_export (path, f->device, shell_meta, FALSE, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  g_assert_cmpstr (text, ==,
                   "PORT=8080\n"
                   "XIAOZHI_OTA_URL='http://127.0.0.1:8002/xiaozhi/ota/'\n"
                   "XIAOZHI_WEBSOCKET_URL='ws://127.0.0.1:8002/xiaozhi/v1/'\n"
                   "XIAOZHI_ACCESS_TOKEN='a b$(touch PWNED)`touch PWNED`;touch PWNED #\"$HOME\"'\n"
                   "XIAOZHI_DEVICE_ID='02:aa:bb:cc:dd:ee'\n"
                   "XIAOZHI_CLIENT_ID='0f8e6c2a-5d1b-4c3e-9a7f-2b4d6e8f0a1c'\n");
  read_back = source_env_file (f->dir, path, "XIAOZHI_ACCESS_TOKEN");
  g_assert_cmpstr (read_back, ==, shell_meta);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
}

static void
test_json_token_only_when_asked (Fixture       *f,
                                 gconstpointer  data)
{
  g_autoptr(JsonNode) without = xa_device_export_json (f->device, NULL);
  g_autoptr(JsonNode) with = xa_device_export_json (f->device, TOKEN);
  g_autofree char *text = json_to_string (without, FALSE);

  g_assert_null (strstr (text, TOKEN));
  g_assert_false (json_object_has_member (json_node_get_object (without), "token"));
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (with), "token"), ==, TOKEN);
}

static void
test_json_edit (void)
{
  g_autofree char *a = xa_json_edit_set ("{\"a\": {\"b\": 1}, \"c\": \"x\\\"y\"}", "a.b", "2");
  g_autofree char *b = xa_json_edit_set ("{\"a\": {}}", "a.new", "\"v\"");
  g_autofree char *c = xa_json_edit_set ("{\"a\": [1]}", "a.b", "1");
  g_autofree char *d = xa_json_edit_set ("{\"s\": \"}{\", \"t\": 1}", "t", "true");

  g_assert_cmpstr (a, ==, "{\"a\": {\"b\": 2}, \"c\": \"x\\\"y\"}");
  /* Laid out as the file is: one line stays one line… */
  g_assert_cmpstr (b, ==, "{\"a\": {\"new\": \"v\"}}");
  g_assert_null (c);
  g_assert_cmpstr (d, ==, "{\"s\": \"}{\", \"t\": true}");
  /* …and a pretty file gets one member a line, objects and a multi-line
   * value (py-xiaozhi's MQTT_INFO) indented under their keys. */
  {
    g_autofree char *e = xa_json_edit_set ("{\n  \"a\": {\n    \"x\": 1\n  }\n}\n", "a.m.k", "{\n  \"p\": 1\n}");
    g_autofree char *f = xa_json_edit_set ("{\n}\n", "A", "1");

    g_assert_cmpstr (e, ==, "{\n  \"a\": {\n    \"x\": 1,\n    \"m\": {\n      \"k\": {\n        \"p\": 1\n      }\n    }\n  }\n}\n");
    g_assert_cmpstr (f, ==, "{\n  \"A\": 1\n}\n");
  }
}

/* xiaozhi-client's mcpEndpoint: an empty one set, every other byte kept
 * (and the old file as .bak); another endpoint kept beside ours in a list;
 * the same official endpoint (a new token, the same agent and endpoint)
 * replaced, not added twice; a file it could not read left untouched. */
#define JWT_A "eyJhbGciOiJFUzI1NiJ9.eyJhZ2VudElkIjozNCwiZW5kcG9pbnRJZCI6ImFnZW50XzM0In0.c2ln"   /* agentId 34, agent_34 */
#define JWT_B "eyJhbGciOiJFUzI1NiJ9.eyJhZ2VudElkIjozNCwiZW5kcG9pbnRJZCI6ImFnZW50XzM0IiwiaWF0IjoxfQ.bmV3"
#define OFFICIAL "wss://api.xiaozhi.me/mcp/?token="
#define OURS "ws://127.0.0.1:8004/mcp_endpoint/mcp/?token=a%2Bb%3D"

static void
test_xiaozhi_client (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *original = read_data ("xiaozhi-client", "xiaozhi.config.json", NULL);
  g_autofree char *path = g_build_filename (f->dir, "xiaozhi.config.json", NULL);
  g_autofree char *backup = g_strconcat (path, ".bak", NULL);
  g_autofree char *expected = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GError) missing = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) strange = NULL;
  g_autoptr(GError) broken = NULL;
  /* Laid out as the file is: here on one line. */
  const char *list_of_two = "{\"mcpEndpoint\": [ \"" OFFICIAL JWT_A "\", \"" OURS "\" ], \"mcpServers\": {}}";

  g_assert_false (xa_xiaozhi_client_export (f->dir, OURS, &missing));
  g_assert_error (missing, XA_EXPORT_ERROR, XA_EXPORT_ERROR_NOT_FOUND);

  g_assert_true (g_file_set_contents (path, original, -1, NULL));
  g_assert_true (xa_xiaozhi_client_export (f->dir, OURS, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  expected = xa_json_edit_set (original, "mcpEndpoint", "\"" OURS "\"");
  g_assert_cmpstr (text, ==, expected);
  g_clear_pointer (&text, g_free);
  g_assert_true (g_file_get_contents (backup, &text, NULL, NULL));
  g_assert_cmpstr (text, ==, original);
  g_clear_pointer (&text, g_free);

  /* Another endpoint stays: both in a list. */
  g_assert_true (g_file_set_contents (path, "{\"mcpEndpoint\": \"" OFFICIAL JWT_A "\", \"mcpServers\": {}}", -1, NULL));
  g_assert_true (xa_xiaozhi_client_export (path, OURS, &error));
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  g_assert_cmpstr (text, ==, list_of_two);
  g_clear_pointer (&text, g_free);
  /* Ours again: not twice. The official one with a new token: in its place. */
  g_assert_true (xa_xiaozhi_client_export (path, OURS, &error));
  g_assert_true (xa_xiaozhi_client_export (path, OFFICIAL JWT_B, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  g_assert_cmpstr (text, ==, "{\"mcpEndpoint\": [ \"" OFFICIAL JWT_B "\", \"" OURS "\" ], \"mcpServers\": {}}");
  g_clear_pointer (&text, g_free);

  /* Neither an address nor a list of them, or no JSON: left as it was. */
  g_assert_true (g_file_set_contents (path, "{\"mcpEndpoint\": 3, \"mcpServers\": {}}", -1, NULL));
  g_assert_false (xa_xiaozhi_client_export (path, OURS, &strange));
  g_assert_error (strange, XA_EXPORT_ERROR, XA_EXPORT_ERROR_INVALID);
  g_assert_nonnull (strstr (strange->message, "mcpEndpoint is neither an address nor a list"));
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  g_assert_cmpstr (text, ==, "{\"mcpEndpoint\": 3, \"mcpServers\": {}}");
  g_clear_pointer (&text, g_free);
  g_assert_true (g_file_set_contents (path, "{\"mcpEndpoint\": [", -1, NULL));
  g_assert_false (xa_xiaozhi_client_export (path, OURS, &broken));
  g_assert_error (broken, XA_EXPORT_ERROR, XA_EXPORT_ERROR_INVALID);
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  g_assert_cmpstr (text, ==, "{\"mcpEndpoint\": [");
}

/* MCP_ENDPOINT='…' as mcp_pipe.py's python-dotenv reads it, the other
 * lines kept; an address a single-quoted value cannot hold is refused. */
static void
test_mcp_env (Fixture       *f,
              gconstpointer  data)
{
  g_autofree char *path = g_build_filename (f->dir, ".env", NULL);
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) quote = NULL;

  g_assert_true (g_file_set_contents (path, "MCP_CONFIG=./mcp_config.json\nexport MCP_ENDPOINT=old\n", -1, NULL));
  g_assert_true (xa_mcp_env_export (path, OURS, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  g_assert_cmpstr (text, ==, "MCP_CONFIG=./mcp_config.json\nMCP_ENDPOINT='" OURS "'\n");
  g_clear_pointer (&text, g_free);
  g_assert_false (xa_mcp_env_export (path, "ws://127.0.0.1/mcp/?token=it's", &quote));
  g_assert_error (quote, XA_EXPORT_ERROR, XA_EXPORT_ERROR_INVALID);
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  g_assert_cmpstr (text, ==, "MCP_CONFIG=./mcp_config.json\nMCP_ENDPOINT='" OURS "'\n");
}

#define ADD(path, func) g_test_add ("/xa/export/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/xa/export/json-edit", test_json_edit);
  ADD ("import", test_import);
  ADD ("import-not-py-xiaozhi", test_import_not_py_xiaozhi);
  ADD ("config", test_export_config);
  ADD ("config-adds-missing-keys", test_export_adds_missing_keys);
  ADD ("config-invalid-untouched", test_export_invalid_untouched);
  ADD ("config-duplicate-key-refused", test_export_duplicate_key_refused);
  ADD ("config-nested-refused", test_export_nested_refused);
  ADD ("config-fresh-install", test_export_fresh_install);
  ADD ("efuse", test_efuse);
  ADD ("xiaozhi-client", test_xiaozhi_client);
  ADD ("mcp-env", test_mcp_env);
  ADD ("env-file", test_env_file);
  ADD ("env-file-replace", test_env_file_replace);
  ADD ("env-presets", test_env_presets);
  ADD ("webui-config", test_webui_config);
  ADD ("env-file-hostile", test_env_file_hostile);
  ADD ("json-token-only-when-asked", test_json_token_only_when_asked);

  return g_test_run ();
}
