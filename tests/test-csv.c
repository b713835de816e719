/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>

#include "xa-csv.h"
#include "xa-csv-transfer.h"
#include "xa-token-store.h"
#include "xa-test-util.h"

/* A devices CSV file in and out of a store and a real gnome-keyring
 * (tests/with-keyring.sh): what the window's Import/Export Devices and
 * `xiaozhictl import/export --csv` do. */

typedef struct
{
  XaStore *store;
  char          *dir;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  f->store = xa_test_store_new ("xa-csv", &f->dir);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  xa_test_store_free (f->store, f->dir);
}

static GFile *
write_file (Fixture    *f,
            const char *name,
            const char *text)
{
  g_autofree char *path = g_build_filename (f->dir, name, NULL);

  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  return g_file_new_for_path (path);
}

static GPtrArray *
import (Fixture  *f,
        GFile    *file,
        GError  **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  xa_csv_import_async (f->store, file, NULL, xa_test_capture_cb, &result);
  return xa_csv_import_finish (xa_test_wait (&result), error);
}

static gboolean
export (GPtrArray  *sessions,
        GFile      *file,
        gboolean    with_secrets,
        GError    **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  xa_csv_export_async (sessions, file, with_secrets, NULL, xa_test_capture_cb, &result);
  return xa_csv_export_finish (xa_test_wait (&result), error);
}

static guint
mode_of (GFile *file)
{
  GStatBuf st;

  g_assert_cmpint (g_stat (g_file_peek_path (file), &st), ==, 0);
  return st.st_mode & 0777;
}

/* In with a token and an HMAC key, out again with and without them. */
static void
test_round_trip (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GFile) in = write_file (f, "in.csv",
                                    "name,device_id,hmac_key,token\n"
                                    "Kitchen,02:c5:00:00:00:01,0123456789abcdef0123456789abcdef,tok.1790000000\n"
                                    "Hall,02:c5:00:00:00:02,,\n");
  g_autoptr(GFile) plain = NULL;
  g_autoptr(GFile) secret = NULL;
  g_autoptr(GPtrArray) added = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;
  g_autofree char *text = NULL;

  added = import (f, in, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (added->len, ==, 2);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->store)), ==, 2);
  g_assert_cmpstr (xa_device_get_name (xa_device_session_get_device (g_ptr_array_index (added, 0))), ==, "Kitchen");
  g_assert_cmpstr (xa_device_session_get_token (g_ptr_array_index (added, 0)), ==, "tok.1790000000");
  token = xa_test_lookup_secret (xa_store_find (f->store, "Kitchen"), XA_SECRET_TOKEN);
  g_assert_cmpstr (token, ==, "tok.1790000000");

  /* Out without secrets: readable by others, no token in it; an existing
   * file is replaced. */
  plain = write_file (f, "plain.csv", "what was there\n");
  g_assert_true (export (added, plain, FALSE, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_load_contents (plain, NULL, &text, NULL, NULL, NULL));
  g_assert_true (g_str_has_prefix (text, "name,device_id,client_id,ota_url,board_type,app_version\r\nKitchen,"));
  g_assert_null (strstr (text, "tok.1790000000"));
  g_assert_null (strstr (text, "what was there"));
  g_clear_pointer (&text, g_free);

  /* With them: only its owner may read it. */
  secret = g_file_new_build_filename (f->dir, "secret.csv", NULL);
  g_assert_true (export (added, secret, TRUE, &error));
  g_assert_cmpuint (mode_of (secret), ==, 0600);
  g_assert_true (g_file_load_contents (secret, NULL, &text, NULL, NULL, NULL));
  g_assert_nonnull (strstr (text, ",tok.1790000000,0123456789abcdef0123456789abcdef\r\n"));
  g_assert_nonnull (strstr (text, "\r\nHall,02:c5:00:00:00:02,"));

  /* Over a file others could read: it is not any more. */
  g_assert_cmpuint (mode_of (plain), ==, 0644);
  g_assert_true (export (added, plain, TRUE, &error));
  g_assert_cmpuint (mode_of (plain), ==, 0600);
}

/* Bad rows are all named and nothing is kept; a file that is not there
 * says so. */
static void
test_refused (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GFile) bad = write_file (f, "bad.csv",
                                     "name,device_id\n"
                                     "Fine,02:c5:00:00:00:10\n"
                                     "Spaced,aa bb\n"
                                     ",02:c5:00:00:00:11\n");
  g_autoptr(GFile) missing = g_file_new_build_filename (f->dir, "missing.csv", NULL);
  g_autoptr(GPtrArray) added = NULL;
  g_autoptr(GError) error = NULL;

  added = import (f, bad, &error);
  g_assert_null (added);
  g_assert_nonnull (strstr (error->message, "Nothing was imported from"));
  g_assert_nonnull (strstr (error->message, "line 3: A Device-Id"));
  g_assert_nonnull (strstr (error->message, "line 4: A name"));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->store)), ==, 0);
  g_clear_error (&error);

  added = import (f, missing, &error);
  g_assert_null (added);
  g_assert_true (g_str_has_prefix (error->message, "Could not read “"));
  g_assert_nonnull (strstr (error->message, "missing.csv"));
}

/* A file that cannot be written is left as it was, and the error says so. */
static void
test_unwritable (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GFile) in = write_file (f, "in.csv", "name,device_id\nKitchen,02:c5:00:00:00:01\n");
  g_autoptr(GFile) folder = g_file_new_build_filename (f->dir, "a folder", NULL);
  g_autoptr(GPtrArray) added = import (f, in, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_make_directory (folder, NULL, NULL));
  g_assert_false (export (added, folder, FALSE, &error));
  g_assert_nonnull (strstr (error->message, "Could not write “"));
  g_assert_nonnull (strstr (error->message, "The file was left as it was."));
  g_assert_true (g_file_query_file_type (folder, G_FILE_QUERY_INFO_NONE, NULL) == G_FILE_TYPE_DIRECTORY);
}

typedef struct
{
  GCancellable *cancellable;
  XaDevice     *first;
} CancelOnFirst;

static void
cancel_on_first_cb (GListModel    *model,
                    guint          position,
                    guint          removed,
                    guint          added,
                    CancelOnFirst *stop)
{
  if (added > 0 && stop->first == NULL)
    {
      stop->first = g_list_model_get_item (model, position);
      g_cancellable_cancel (stop->cancellable);
    }
}

/* All or nothing: stopped after its first device, an import takes that
 * one back out of the store and the keyring. */
static void
test_cancel_takes_back (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GFile) in = write_file (f, "in.csv",
                                    "name,device_id,token\n"
                                    "One,02:c5:00:00:00:01,first.1790000000\n"
                                    "Two,02:c5:00:00:00:02,second.1790000000\n"
                                    "Three,02:c5:00:00:00:03,\n");
  CancelOnFirst stop = { g_cancellable_new (), NULL };
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) added = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;
  gulong handler;

  handler = g_signal_connect (f->store, "items-changed", G_CALLBACK (cancel_on_first_cb), &stop);
  xa_csv_import_async (f->store, in, stop.cancellable, xa_test_capture_cb, &result);
  added = xa_csv_import_finish (xa_test_wait (&result), &error);
  g_signal_handler_disconnect (f->store, handler);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (added);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->store)), ==, 0);

  /* It was there, and its token went with it. */
  g_assert_nonnull (stop.first);
  g_assert_cmpstr (xa_device_get_name (stop.first), ==, "One");
  token = xa_test_lookup_secret (stop.first, XA_SECRET_TOKEN);
  g_assert_null (token);
  g_object_unref (stop.first);
  g_object_unref (stop.cancellable);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/xa/csv/round-trip", Fixture, NULL, fixture_setup, test_round_trip, fixture_teardown);
  g_test_add ("/xa/csv/refused", Fixture, NULL, fixture_setup, test_refused, fixture_teardown);
  g_test_add ("/xa/csv/unwritable", Fixture, NULL, fixture_setup, test_unwritable, fixture_teardown);
  g_test_add ("/xa/csv/cancel-takes-back", Fixture, NULL, fixture_setup, test_cancel_takes_back, fixture_teardown);
  return g_test_run ();
}
