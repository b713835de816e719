/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "xa-device-state.h"
#include "xa-device.h"
#include "xa-mcp-endpoint.h"
#include "xa-report.h"
#include "xa-store.h"
#include "xa-test-util.h"
#include "xa-text.h"

typedef struct
{
  char *dir;
  char *path;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  f->dir = g_dir_make_tmp ("xa-store-XXXXXX", NULL);
  f->path = g_build_filename (f->dir, "sub", "devices.json", NULL);
}

static void
remove_tree (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *child = g_build_filename (dir, name, NULL);
      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (dir);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->path);
}


static gboolean
store_op (XaStore  *store,
          int             op,
          gpointer        device,
          GError        **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  switch (op)
    {
    case 'l': xa_store_load_async (store, NULL, xa_test_capture_cb, &result); break;
    case 'a': xa_store_add_async (store, device, NULL, xa_test_capture_cb, &result); break;
    case 's': xa_store_save_async (store, device, NULL, xa_test_capture_cb, &result); break;
    case 'r': xa_store_remove_async (store, device, NULL, xa_test_capture_cb, &result); break;
    default: g_assert_not_reached ();
    }
  return xa_store_finish (store, xa_test_wait (&result), error);
}

static XaStore *
open_store (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  XaStore *store = xa_store_new (&xa_device_kind, f->path);

  g_assert_true (store_op (store, 'l', NULL, &error));
  g_assert_no_error (error);
  return store;
}

static void
test_round_trip (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(XaStore) store = open_store (f);
  g_autoptr(XaStore) again = NULL;
  g_autoptr(XaDevice) desk = xa_test_device_new ("Desk board", "02:00:00:00:00:01");
  g_autoptr(XaDevice) laptop = xa_test_device_new ("笔记本", "02:00:00:00:00:02");
  g_autoptr(XaReport) report = xa_report_new ();
  g_autoptr(GError) error = NULL;
  XaDevice *loaded;
  GStatBuf st;

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 0);
  g_assert_true (store_op (store, 'a', desk, &error));
  g_assert_true (store_op (store, 'a', laptop, &error));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 2);

  xa_report_set_verdict (report, XA_VERDICT_VALID, xa_text_new_literal ("ok"));
  xa_device_record_report (desk, report);
  g_assert_true (store_op (store, 's', desk, &error));
  g_assert_no_error (error);

  /* Private to its owner. */
  g_assert_cmpint (g_stat (f->path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  again = open_store (f);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (again)), ==, 2);
  loaded = xa_store_find (again, "Desk board");
  g_assert_nonnull (loaded);
  g_assert_cmpstr (xa_device_get_uuid (loaded), ==, xa_device_get_uuid (desk));
  g_assert_cmpstr (xa_device_get_device_id (loaded), ==, "02:00:00:00:00:01");
  g_assert_cmpstr (xa_device_get_client_id (loaded), ==, xa_device_get_client_id (desk));
  g_assert_cmpstr (xa_device_get_serial_number (loaded), ==, xa_device_get_serial_number (desk));
  g_assert_cmpstr (xa_device_get_panel_url (loaded), ==, "https://xiaozhi.me/");
  g_assert_cmpstr (xa_device_get_last_verdict (loaded), ==, "valid");
  g_assert_true (xa_device_is_activated (loaded));
  g_assert_nonnull (xa_store_find (again, "笔记本"));
  /* Order is kept. */
  {
    g_autoptr(XaDevice) first = g_list_model_get_item (G_LIST_MODEL (again), 0);
    g_assert_cmpstr (xa_device_get_name (first), ==, "Desk board");
  }
}

static void
test_rename_and_remove (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(XaStore) store = open_store (f);
  g_autoptr(XaDevice) a = xa_test_device_new ("a", "02:00:00:00:00:01");
  g_autoptr(XaDevice) b = xa_test_device_new ("b", "02:00:00:00:00:02");
  g_autoptr(XaDevice) c = xa_test_device_new ("c", "02:00:00:00:00:03");
  g_autoptr(XaDevice) dup = xa_test_device_new ("b", "02:00:00:00:00:04");
  g_autoptr(XaDevice) second = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (store_op (store, 'a', a, NULL));
  g_assert_true (store_op (store, 'a', b, NULL));
  g_assert_true (store_op (store, 'a', c, NULL));

  /* Two devices with one name: refused. */
  g_assert_false (store_op (store, 'a', dup, &error));
  g_assert_error (error, XA_STORE_ERROR, XA_STORE_ERROR_NAME_TAKEN);
  g_assert_nonnull (strstr (error->message, "“b”"));
  g_clear_error (&error);

  xa_device_set_name (b, "b2");
  g_assert_true (store_op (store, 's', b, &error));
  second = g_list_model_get_item (G_LIST_MODEL (store), 1);
  g_assert_cmpstr (xa_device_get_name (second), ==, "b2");

  g_assert_true (store_op (store, 'r', a, &error));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 2);
  g_assert_null (xa_store_find (store, "a"));

  /* Saving a device someone removed does not bring it back. */
  g_assert_false (store_op (store, 's', a, &error));
  g_assert_error (error, XA_STORE_ERROR, XA_STORE_ERROR_NOT_FOUND);
}

static void
test_atomic_write (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(XaStore) store = open_store (f);
  g_autoptr(XaDevice) a = xa_test_device_new ("a", "02:00:00:00:00:01");
  g_autofree char *dir = g_path_get_dirname (f->path);
  g_autoptr(GDir) d = NULL;
  GStatBuf before, after;
  const char *name;
  guint files = 0;

  g_assert_true (store_op (store, 'a', a, NULL));
  g_assert_cmpint (g_stat (f->path, &before), ==, 0);
  xa_device_set_name (a, "renamed");
  g_assert_true (store_op (store, 's', a, NULL));
  g_assert_cmpint (g_stat (f->path, &after), ==, 0);

  /* A new file renamed over the old one, never the old one rewritten in place. */
  g_assert_cmpuint (before.st_ino, !=, after.st_ino);

  d = g_dir_open (dir, 0, NULL);
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_test_message ("left in the folder: %s", name);
      files++;
    }
  g_assert_cmpuint (files, ==, 2);  /* devices.json and its lock */
}

static void
check_refused (Fixture    *f,
               const char *contents,
               int         code,
               const char *in_message)
{
  g_autoptr(XaStore) store = xa_store_new (&xa_device_kind, f->path);
  g_autoptr(XaDevice) a = xa_test_device_new ("a", "02:00:00:00:00:01");
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_path_get_dirname (f->path);
  g_autofree char *after = NULL;

  g_mkdir_with_parents (dir, 0700);
  g_assert_true (g_file_set_contents (f->path, contents, -1, NULL));

  g_assert_false (store_op (store, 'l', NULL, &error));
  g_assert_error (error, XA_STORE_ERROR, code);
  g_assert_nonnull (strstr (error->message, in_message));
  g_clear_error (&error);

  g_assert_false (store_op (store, 'a', a, &error));
  g_assert_error (error, XA_STORE_ERROR, code);

  g_assert_true (g_file_get_contents (f->path, &after, NULL, NULL));
  g_assert_cmpstr (after, ==, contents);
}

static void
test_corrupt_untouched (Fixture       *f,
                        gconstpointer  data)
{
  check_refused (f, "{\"version\": 1, \"devices\": [ {\"name\": ", XA_STORE_ERROR_CORRUPT,
                 "move it aside");
}

/* 100,000 levels of nesting: refused as damaged, not a stack overflow. */
static void
test_nested_untouched (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GString) nested = g_string_new ("{\"version\": 1, \"devices\": ");

  for (guint i = 0; i < 100000; i++)
    g_string_append_c (nested, '[');
  check_refused (f, nested->str, XA_STORE_ERROR_CORRUPT, "nested more than 64 levels");
}

/* A hand edit that json-glib reads but would write back broken (1e999,
 * 2e100, which it writes as "2e+100.0",
 * members of the wrong type, elements that are no device): what the next start reads is
 * never worse than what was there. */
static void
test_hand_edits_round_trip (Fixture       *f,
                            gconstpointer  data)
{
  g_autofree char *dir = g_path_get_dirname (f->path);
  g_autoptr(XaStore) store = NULL;
  g_autoptr(XaStore) again = NULL;
  g_autoptr(XaDevice) b = xa_test_device_new ("b", "02:00:00:00:00:02");
  g_autoptr(GError) error = NULL;
  XaDevice *a;

  g_mkdir_with_parents (dir, 0700);
  g_assert_true (g_file_set_contents (f->path,
                                      "{\"version\": 1, \"devices\": [7, {\"uuid\": \"u-1\", \"name\": \"a\", "
                                      "\"device_id\": \"02:00:00:00:00:01\", \"client_id\": \"c\", "
                                      "\"ota_url\": \"https://api.tenclass.net/xiaozhi/ota/\", "
                                      "\"activated_at\": \"yesterday\", \"last_test_at\": [1], "
                                      "\"note\": 1e999, \"big\": 2e100}]}", -1, NULL));
  store = xa_store_new (&xa_device_kind, f->path);
  g_assert_true (store_op (store, 'l', NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 1);
  a = g_list_model_get_item (G_LIST_MODEL (store), 0);
  g_object_unref (a);
  g_assert_true (g_utf8_validate (xa_device_get_name (a), -1, NULL));
  g_assert_cmpint (xa_device_get_activated_at (a), ==, 0);

  /* A change writes a file that loads again, with both devices. */
  g_assert_true (store_op (store, 'a', b, &error));
  g_assert_no_error (error);
  again = open_store (f);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (again)), ==, 2);
  g_assert_nonnull (xa_store_find (again, "b"));
}

/* A writer killed mid-write left its temporary copy: the next change
 * takes it away. */
static void
test_stale_temporary_removed (Fixture       *f,
                              gconstpointer  data)
{
  g_autoptr(XaStore) store = open_store (f);
  g_autoptr(XaDevice) a = xa_test_device_new ("a", "02:00:00:00:00:01");
  g_autofree char *dir = g_path_get_dirname (f->path);
  g_autofree char *stale = g_strconcat (f->path, ".Ab12Cd", NULL);
  g_autofree char *mine = g_strconcat (f->path, ".notes", NULL);

  g_mkdir_with_parents (dir, 0700);
  g_assert_true (g_file_set_contents (stale, "{\"version\": 1, \"dev", -1, NULL));
  g_assert_true (g_file_set_contents (mine, "not ours", -1, NULL));
  g_assert_true (store_op (store, 'a', a, NULL));
  g_assert_false (g_file_test (stale, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (mine, G_FILE_TEST_EXISTS));
}

/* A lock file someone replaced by a symlink is not followed. */
static void
test_lock_symlink_refused (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(XaStore) store = xa_store_new (&xa_device_kind, f->path);
  g_autoptr(XaDevice) a = xa_test_device_new ("a", "02:00:00:00:00:01");
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_path_get_dirname (f->path);
  g_autofree char *lock = g_strconcat (f->path, ".lock", NULL);
  g_autofree char *target = g_build_filename (f->dir, "elsewhere", NULL);

  g_mkdir_with_parents (dir, 0700);
  g_assert_cmpint (symlink (target, lock), ==, 0);
  g_assert_false (store_op (store, 'a', a, &error));
  g_assert_error (error, XA_STORE_ERROR, XA_STORE_ERROR_IO);
  g_assert_false (g_file_test (target, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (f->path, G_FILE_TEST_EXISTS));
}

static void
test_newer_refused (Fixture       *f,
                    gconstpointer  data)
{
  check_refused (f, "{\"version\": 7, \"devices\": [], \"future\": true}\n",
                 XA_STORE_ERROR_NEWER_VERSION, "newer version");
}

static void
test_unwritable (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(XaStore) store = NULL;
  g_autoptr(XaDevice) a = xa_test_device_new ("a", "02:00:00:00:00:01");
  g_autoptr(GError) error = NULL;
  g_autofree char *blocker = g_build_filename (f->dir, "sub", NULL);

  /* The folder it needs is a file: nothing can be written there. */
  g_assert_true (g_file_set_contents (blocker, "", -1, NULL));
  store = xa_store_new (&xa_device_kind, f->path);
  g_assert_false (store_op (store, 'a', a, &error));
  g_assert_error (error, XA_STORE_ERROR, XA_STORE_ERROR_IO);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 0);
}

typedef struct
{
  XaStore *store;
  guint          pending;
} Writer;

static void
writer_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  Writer *w = user_data;
  g_autoptr(GError) error = NULL;

  xa_store_finish (XA_STORE (object), result, &error);
  g_assert_no_error (error);
  w->pending--;
}

static void
test_two_writers (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(XaStore) app = open_store (f);
  g_autoptr(XaStore) cli = open_store (f);
  Writer wa = { app, 0 }, wc = { cli, 0 };

  /* Both write at once, each from its own stale view of the file. */
  for (guint i = 0; i < 8; i++)
    {
      g_autofree char *na = g_strdup_printf ("app-%u", i);
      g_autofree char *nc = g_strdup_printf ("cli-%u", i);
      g_autofree char *ma = g_strdup_printf ("02:00:00:00:0a:%02x", i);
      g_autofree char *mc = g_strdup_printf ("02:00:00:00:0c:%02x", i);
      g_autoptr(XaDevice) da = xa_test_device_new (na, ma);
      g_autoptr(XaDevice) dc = xa_test_device_new (nc, mc);

      wa.pending++;
      xa_store_add_async (app, da, NULL, writer_done_cb, &wa);
      wc.pending++;
      xa_store_add_async (cli, dc, NULL, writer_done_cb, &wc);
    }
  while (wa.pending > 0 || wc.pending > 0)
    g_main_context_iteration (NULL, TRUE);

  /* Nobody's change was lost, and each sees the other's. */
  {
    g_autoptr(XaStore) fresh = open_store (f);
    g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fresh)), ==, 16);
  }
  while (g_list_model_get_n_items (G_LIST_MODEL (app)) < 16 ||
         g_list_model_get_n_items (G_LIST_MODEL (cli)) < 16)
    g_main_context_iteration (NULL, TRUE);
  g_assert_nonnull (xa_store_find (app, "cli-7"));
  g_assert_nonnull (xa_store_find (cli, "app-7"));
}

static void
log_items_changed (GListModel *model,
                   guint       position,
                   guint       removed,
                   guint       added,
                   GString    *log)
{
  g_string_append_printf (log, "%u-%u+%u ", position, removed, added);
}

/* A change touches only the rows it changes: adding one device to a list
 * is one row inserted, not the list rebuilt (the window's sidebar would
 * redo every row), and devices keep their objects. */
static void
test_one_row_per_change (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(XaStore) store = open_store (f);
  g_autoptr(XaStore) other = open_store (f);
  g_autoptr(GString) log = g_string_new ("");
  g_autoptr(XaDevice) d = xa_test_device_new ("d", "02:00:00:00:00:04");
  g_autoptr(XaDevice) e = xa_test_device_new ("e", "02:00:00:00:00:05");
  XaDevice *b;

  for (int i = 0; i < 3; i++)
    {
      g_autofree char *name = g_strdup_printf ("%c", 'a' + i);
      g_autofree char *mac = g_strdup_printf ("02:00:00:00:00:0%d", i + 1);
      g_autoptr(XaDevice) device = xa_test_device_new (name, mac);

      g_assert_true (store_op (store, 'a', device, NULL));
    }
  b = xa_store_find (store, "b");
  g_signal_connect (store, "items-changed", G_CALLBACK (log_items_changed), log);

  g_assert_true (store_op (store, 'a', d, NULL));
  g_assert_cmpstr (log->str, ==, "3-0+1 ");

  g_string_truncate (log, 0);
  xa_device_set_name (b, "bee");
  g_assert_true (store_op (store, 's', b, NULL));
  g_assert_cmpstr (log->str, ==, "");
  g_assert_true (xa_store_find (store, "bee") == b);

  g_assert_true (store_op (store, 'r', xa_store_find (store, "a"), NULL));
  g_assert_cmpstr (log->str, ==, "0-1+0 ");

  /* Another writer: the file is read in full, the rows stay. */
  g_string_truncate (log, 0);
  g_assert_true (store_op (other, 'a', e, NULL));
  g_assert_true (store_op (store, 'l', NULL, NULL));
  g_assert_cmpstr (log->str, ==, "3-0+1 ");
  g_assert_true (xa_store_find (store, "bee") == b);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 4);

  /* Down to none, one at a time, the last one too. */
  g_string_truncate (log, 0);
  while (g_list_model_get_n_items (G_LIST_MODEL (store)) > 0)
    {
      g_autoptr(XaDevice) last = g_list_model_get_item (G_LIST_MODEL (store), 0);
      g_assert_true (store_op (store, 'r', last, NULL));
    }
  g_assert_cmpstr (log->str, ==, "0-1+0 0-1+0 0-1+0 0-1+0 ");
}

static void
test_sees_other_process (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(XaStore) app = open_store (f);
  g_autoptr(XaStore) other = open_store (f);
  g_autoptr(XaDevice) d = xa_test_device_new ("from the CLI", "02:00:00:00:00:09");
  gint64 limit = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  g_assert_true (store_op (other, 'a', d, NULL));
  /* The file monitor brings it to the app without asking. */
  while (xa_store_find (app, "from the CLI") == NULL)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, limit);
      g_main_context_iteration (NULL, TRUE);
    }
}

/* The same store keeps MCP endpoints in their own file: the address
 * without its token; a record that would carry one, or lacks its name,
 * is not read; a name is taken once; the last Test is kept. */
static void
test_mcp_endpoints (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *path = g_build_filename (f->dir, "mcp-endpoints.json", NULL);
  g_autofree char *hostile_path = g_build_filename (f->dir, "hand-made.json", NULL);
  g_autoptr(XaStore) hostile = xa_store_new (&xa_mcp_endpoint_kind, hostile_path);
  g_autoptr(XaStore) store = xa_store_new (&xa_mcp_endpoint_kind, path);
  g_autoptr(XaStore) again = NULL;
  g_autoptr(XaMcpEndpoint) added = xa_mcp_endpoint_new ("计算器", "ws://127.0.0.1:8004/mcp_endpoint/mcp/");
  g_autoptr(XaMcpEndpoint) twin = xa_mcp_endpoint_new ("计算器", "wss://api.xiaozhi.me/mcp/");
  g_autoptr(XaReport) report = xa_report_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) taken = NULL;
  g_autofree char *text = NULL;
  XaMcpEndpoint *loaded;

  g_assert_true (g_file_set_contents (hostile_path,
    "{\"version\": 1, \"endpoints\": ["
    "{\"uuid\": \"5d6a4c1e-8f0b-4c83-9c0e-0f2b3c4d5e6f\", \"name\": \"Home\", \"address\": \"wss://api.xiaozhi.me/mcp/\"},"
    "{\"uuid\": \"6d6a4c1e-8f0b-4c83-9c0e-0f2b3c4d5e6f\", \"name\": \"Leak\", \"address\": \"wss://api.xiaozhi.me/mcp/?token=abc\"},"
    "{\"uuid\": \"7d6a4c1e-8f0b-4c83-9c0e-0f2b3c4d5e6f\", \"address\": \"wss://api.xiaozhi.me/mcp/\"},"
    "{\"uuid\": \"8d6a4c1e-8f0b-4c83-9c0e-0f2b3c4d5e6f\", \"name\": \"Web\", \"address\": \"https://api.xiaozhi.me/mcp/\"}"
    "]}", -1, NULL));
  g_assert_true (store_op (hostile, 'l', NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (hostile)), ==, 1);
  g_assert_true (g_list_model_get_item_type (G_LIST_MODEL (hostile)) == XA_TYPE_MCP_ENDPOINT);
  loaded = xa_store_find (hostile, "Home");
  g_assert_nonnull (loaded);
  g_assert_cmpstr (xa_mcp_endpoint_get_address (loaded), ==, "wss://api.xiaozhi.me/mcp/");

  g_assert_true (store_op (store, 'l', NULL, &error));
  g_assert_true (store_op (store, 'a', added, &error));
  g_assert_no_error (error);
  g_assert_false (store_op (store, 'a', twin, &taken));
  g_assert_error (taken, XA_STORE_ERROR, XA_STORE_ERROR_NAME_TAKEN);
  g_assert_cmpstr (taken->message, ==, "There is already an MCP endpoint named “计算器”. Choose another name.");

  xa_report_set_verdict (report, XA_VERDICT_REJECTED, xa_text_new_literal ("closed with 1008"));
  xa_mcp_endpoint_set_last_report (added, report, 1750000000);
  g_assert_true (store_op (store, 's', added, &error));
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  g_assert_nonnull (strstr (text, "\"address\" : \"ws://127.0.0.1:8004/mcp_endpoint/mcp/\""));
  g_assert_null (strstr (text, "token="));

  again = xa_store_new (&xa_mcp_endpoint_kind, path);
  g_assert_true (store_op (again, 'l', NULL, &error));
  loaded = xa_store_find (again, "计算器");
  g_assert_nonnull (loaded);
  g_assert_cmpstr (xa_mcp_endpoint_get_uuid (loaded), ==, xa_mcp_endpoint_get_uuid (added));
  g_assert_cmpint (xa_mcp_endpoint_get_last_tested (loaded), ==, 1750000000);
  {
    g_autoptr(XaReport) last = xa_mcp_endpoint_dup_last_report (loaded);
    g_assert_nonnull (last);
    g_assert_cmpint (last->verdict, ==, XA_VERDICT_REJECTED);
  }
}

#define ADD(path, func) g_test_add ("/xa/device-store/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)

/* A dated token is news in the list in its last week (and once it has
 * run out), unless the last verdict already says something is wrong; the
 * history keeps the newest 20 Tests. */
static void
count_notify (GObject    *object,
              GParamSpec *pspec,
              guint      *count)
{
  (*count)++;
}

/* One description of a device's state, for the row, the page and the
 * CLI: the device's own road is the headline, a failing MQTT road makes a
 * good one a warning and has a line of its own; the status properties
 * follow and notify. */
static void
test_state_of_both_roads (void)
{
  g_autoptr(XaDevice) device = xa_test_device_new ("Desk", "02:11:22:33:44:56");
  g_autoptr(XaReport) report = xa_report_new ();
  g_autoptr(XaDeviceState) untested = NULL;
  g_autoptr(XaDeviceState) state = NULL;
  guint icon_changes = 0;

  untested = xa_device_state_new (device, g_get_real_time () / G_USEC_PER_SEC);
  g_assert_cmpstr (untested->title, ==, "Not activated yet");
  g_assert_nonnull (strstr (untested->advice, "Activate the device"));
  g_assert_null (untested->severity);
  g_assert_null (untested->other_road);

  g_object_set (device, "transport", "websocket", "mqtt-endpoint", "127.0.0.1:1883", NULL);
  xa_report_set_verdict (report, XA_VERDICT_VALID, xa_text_new_literal ("It works."));
  report->hello_attempted = report->token_sent = TRUE;
  xa_device_record_report (device, report);
  g_assert_cmpstr (xa_device_get_status (device), ==, "Token is valid");
  g_assert_cmpstr (xa_device_get_status_icon (device), ==, "emblem-ok-symbolic");
  g_signal_connect (device, "notify::status-icon-name", G_CALLBACK (count_notify), &icon_changes);

  /* The MQTT road fails: the headline stays, with a warning. */
  g_clear_pointer (&report, xa_report_free);
  report = xa_report_new ();
  report->mqtt_endpoint = g_strdup ("127.0.0.1:1883");
  xa_report_set_verdict (report, XA_VERDICT_UNREACHABLE, xa_text_new_literal ("No broker."));
  xa_device_record_report (device, report);
  g_assert_cmpuint (icon_changes, ==, 1);
  g_assert_cmpstr (xa_device_get_status (device), ==, "Token is valid");
  g_assert_cmpstr (xa_device_get_status_icon (device), ==, "dialog-warning-symbolic");
  state = xa_device_state_new (device, g_get_real_time () / G_USEC_PER_SEC);
  g_assert_cmpstr (state->title, ==, "Token is valid");
  g_assert_cmpstr (state->advice, ==, "It works.");
  g_assert_cmpstr (state->severity, ==, "warn");
  g_assert_cmpstr (state->other_road, ==, "Over MQTT, as boards talk: Server unreachable");
  g_assert_cmpstr (state->other_road_severity, ==, "warn");
}

static void
test_expiry_and_history (void)
{
  g_autoptr(XaDevice) device = xa_test_device_new ("Desk", "02:11:22:33:44:55");
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autoptr(XaReport) report = xa_report_new ();
  g_autoptr(GArray) history = NULL;
  gint64 days;

  g_assert_false (xa_device_get_token_days_left (device, now, &days));
  xa_device_set_token_issued_at (device, now - 10 * 24 * 3600);
  g_assert_true (xa_device_get_token_days_left (device, now, &days));
  g_assert_cmpint (days, ==, 20);
  g_assert_cmpstr (xa_device_get_status (device), ==, "Not activated yet");

  xa_device_set_token_issued_at (device, now - 25 * 24 * 3600 - 60);
  g_assert_cmpstr (xa_device_get_status (device), ==, "Token may expire in 4 days");
  g_assert_cmpstr (xa_device_get_status_icon (device), ==, "dialog-warning-symbolic");
  xa_device_set_token_issued_at (device, now - 30 * 24 * 3600 + 60);
  g_assert_cmpstr (xa_device_get_status (device), ==, "Token may expire today");
  xa_device_set_token_issued_at (device, now - 31 * 24 * 3600);
  g_assert_cmpstr (xa_device_get_status (device), ==, "Token may have expired");
  g_assert_cmpstr (xa_device_get_status_icon (device), ==, "dialog-error-symbolic");

  /* What a Test said wrong comes first. */
  xa_report_set_verdict (report, XA_VERDICT_REJECTED, xa_text_new_literal ("no"));
  xa_device_record_report (device, report);
  g_assert_cmpstr (xa_device_get_status (device), ==, "Token rejected");

  for (int i = 0; i < 25; i++)
    {
      xa_report_set_verdict (report, i % 2 ? XA_VERDICT_VALID : XA_VERDICT_TIMEOUT, xa_text_new_literal ("x"));
      report->latency_ms = i;
      xa_device_record_report (device, report);
    }
  xa_device_note_token_refreshed (device);
  history = xa_device_dup_history (device);
  g_assert_cmpuint (history->len, ==, XA_DEVICE_HISTORY_LENGTH);
  g_assert_true (g_array_index (history, XaHistoryEntry, history->len - 1).token_refreshed);
  g_assert_cmpint (g_array_index (history, XaHistoryEntry, history->len - 2).latency_ms, ==, 24);
  g_assert_cmpint (g_array_index (history, XaHistoryEntry, history->len - 2).verdict, ==, XA_VERDICT_TIMEOUT);
  g_assert_cmpstr (xa_history_entry_get_title (&g_array_index (history, XaHistoryEntry, history->len - 3)), ==,
                   "Token is valid");

  /* A hand-edited history shows what makes sense. */
  {
    g_autoptr(JsonNode) edited = json_from_string ("[{\"time\": 5, \"verdict\": \"valid\"}, 7, {\"verdict\": \"valid\"},"
                                                   " {\"time\": 9, \"verdict\": \"nonsense\"}]", NULL);
    g_autoptr(GArray) shown = NULL;

    g_object_set (device, "history", edited, NULL);
    shown = xa_device_dup_history (device);
    g_assert_cmpuint (shown->len, ==, 1);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  ADD ("round-trip", test_round_trip);
  ADD ("rename-and-remove", test_rename_and_remove);
  ADD ("atomic-write", test_atomic_write);
  ADD ("corrupt-untouched", test_corrupt_untouched);
  ADD ("newer-refused", test_newer_refused);
  ADD ("nested-untouched", test_nested_untouched);
  ADD ("hand-edits-round-trip", test_hand_edits_round_trip);
  ADD ("stale-temporary-removed", test_stale_temporary_removed);
  ADD ("lock-symlink-refused", test_lock_symlink_refused);
  ADD ("unwritable", test_unwritable);
  ADD ("two-writers", test_two_writers);
  ADD ("sees-other-process", test_sees_other_process);
  ADD ("one-row-per-change", test_one_row_per_change);

  g_test_add_func ("/xa/device-store/expiry-and-history", test_expiry_and_history);
  ADD ("mcp-endpoints", test_mcp_endpoints);
  g_test_add_func ("/xa/device-store/state-of-both-roads", test_state_of_both_roads);

  return g_test_run ();
}
