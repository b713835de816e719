/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "xa-csv-transfer.h"
#include "xa-csv.h"
#include "xa-store.h"
#include "xa-device.h"
#include "xa-identity.h"

/* A devices CSV file into the store and the keyring, all or nothing, and
 * the saved devices out into one: what the window's main menu and
 * `xiaozhictl import/export --csv` both do. xa-csv.c reads and writes the
 * text; this file does the waiting. */

/* ---- import -------------------------------------------------------------- */

typedef struct
{
  XaStore *store;
  char          *name;      /* the file, as shown */
  GPtrArray     *rows;      /* XaCsvRow */
  GPtrArray     *added;     /* XaDeviceSession */
  guint          next;
  GError        *failed;    /* why the import is being taken back */
} Import;

static void
import_free (Import *import)
{
  g_object_unref (import->store);
  g_free (import->name);
  g_clear_pointer (&import->rows, g_ptr_array_unref);
  g_ptr_array_unref (import->added);
  g_clear_error (&import->failed);
  g_free (import);
}

static void take_back (GTask *task);

static void
taken_back_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  /* A device the keyring will not let go of stays, and says so itself. */
  if (!xa_device_session_remove_finish (XA_DEVICE_SESSION (object), result, &error))
    g_warning ("An imported device could not be taken back: %s", error->message);
  take_back (user_data);
}

/* The devices added before the one that failed go again, last first;
 * whatever the cancellable says, this runs to its end. */
static void
take_back (GTask *task)
{
  Import *import = g_task_get_task_data (task);
  g_autoptr(XaDeviceSession) session = NULL;

  if (import->added->len == 0)
    {
      g_task_return_error (task, g_steal_pointer (&import->failed));
      g_object_unref (task);
      return;
    }
  session = g_ptr_array_steal_index (import->added, import->added->len - 1);
  xa_device_session_remove_async (session, NULL, taken_back_cb, task);
}

static void add_next (GTask *task);

static void
added_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  XaDeviceSession *session = XA_DEVICE_SESSION (object);
  GTask *task = user_data;
  Import *import = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  const GError *failed = NULL;

  if (!xa_device_session_add_finish (session, result, &error))
    {
      failed = error;
      /* Stopped once it was in: it goes back out with the others. */
      if (xa_store_find_uuid (import->store, xa_device_get_uuid (xa_device_session_get_device (session))))
        g_ptr_array_add (import->added, g_object_ref (session));
    }
  else
    {
      g_ptr_array_add (import->added, g_object_ref (session));
      failed = xa_device_session_get_keyring_error (session);
    }
  if (failed == NULL)
    {
      add_next (task);
      return;
    }
  if (g_error_matches (failed, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    import->failed = g_error_copy (failed);
  else
    import->failed = g_error_new (failed->domain, failed->code, _("“%s” could not be kept: %s Nothing was imported."),
                                  xa_device_get_name (xa_device_session_get_device (session)), failed->message);
  take_back (task);
}

static void
add_next (GTask *task)
{
  Import *import = g_task_get_task_data (task);
  XaCsvRow *row;
  g_autoptr(XaDeviceSession) session = NULL;

  if (import->next == import->rows->len)
    {
      g_task_return_pointer (task, g_ptr_array_ref (import->added), (GDestroyNotify) g_ptr_array_unref);
      g_object_unref (task);
      return;
    }
  row = g_ptr_array_index (import->rows, import->next++);
  session = xa_device_session_new (import->store, row->device);
  xa_device_session_add_async (session, row->token, row->hmac_key, g_task_get_cancellable (task), added_cb, task);
}

static void
loaded_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  GTask *task = user_data;
  Import *import = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize length;

  if (!g_file_load_contents_finish (G_FILE (object), result, &contents, &length, NULL, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_task_return_error (task, g_steal_pointer (&error));
      else
        g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_FAILED, _("Could not read “%s”: %s"), import->name,
                                 error->message);
      g_object_unref (task);
      return;
    }
  import->rows = xa_csv_parse_devices (contents, length, import->name, import->store, &error);
  /* The file may hold secrets: its text goes as they do. */
  xa_secret_free (g_steal_pointer (&contents));
  if (import->rows == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }
  add_next (task);
}

/* Saves every device of the CSV @file in @store (their secrets in the
 * keyring), all or none: every row is checked first (the error names each
 * bad line), and a device that cannot be kept (its secrets refused by the
 * keyring, the devices file unwritable) takes back the ones added before
 * it. A cancel takes them back too. */
void
xa_csv_import_async (XaStore       *store,
                     GFile               *file,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  Import *import = g_new0 (Import, 1);

  g_task_set_source_tag (task, xa_csv_import_async);
  import->store = g_object_ref (store);
  import->name = g_file_get_parse_name (file);
  import->added = g_ptr_array_new_with_free_func (g_object_unref);
  g_task_set_task_data (task, import, (GDestroyNotify) import_free);
  g_file_load_contents_async (file, cancellable, loaded_cb, task);
}

/* The session of each device added (loaded, its secrets kept), in the
 * file's order. */
GPtrArray *
xa_csv_import_finish (GAsyncResult  *result,
                      GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- export -------------------------------------------------------------- */

typedef struct
{
  GPtrArray *sessions;
  GPtrArray *rows;       /* XaCsvRow */
  GFile     *file;
  gboolean   with_secrets;
  GBytes    *text;
} Export;

static void
export_free (Export *export)
{
  g_ptr_array_unref (export->sessions);
  g_ptr_array_unref (export->rows);
  g_object_unref (export->file);
  g_clear_pointer (&export->text, g_bytes_unref);
  g_free (export);
}

static void
written_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (g_file_replace_contents_finish (G_FILE (object), result, NULL, &error))
    g_task_return_boolean (task, TRUE);
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    {
      g_autofree char *name = g_file_get_parse_name (G_FILE (object));

      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_FAILED,
                               _("Could not write “%s”: %s. The file was left as it was."), name, error->message);
    }
}

/* Every row read: the text goes into the file at once, replacing it (only
 * its owner may read it when it holds secrets). */
static void
write_rows (GTask *task)
{
  Export *export = g_task_get_task_data (task);
  char *text = xa_csv_format_devices (export->rows, export->with_secrets);

  export->text = g_bytes_new_with_free_func (text, strlen (text), (GDestroyNotify) xa_secret_free, text);
  g_file_replace_contents_bytes_async (export->file, export->text, NULL, FALSE,
                                       /* Not the old file's permissions: only its owner's. */
                                       export->with_secrets
                                         ? G_FILE_CREATE_PRIVATE | G_FILE_CREATE_REPLACE_DESTINATION
                                         : G_FILE_CREATE_NONE,
                                       g_task_get_cancellable (task), written_cb, task);
}

static void read_next (GTask *task);

static void
free_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  XaDeviceSession *session = XA_DEVICE_SESSION (object);
  GTask *task = user_data;
  Export *export = g_task_get_task_data (task);
  XaCsvRow *row = g_ptr_array_index (export->rows, export->rows->len - 1);
  g_autoptr(GError) error = NULL;
  const GError *failed = NULL;

  if (!xa_device_session_when_free_finish (session, result, &error))
    failed = error;
  else
    failed = xa_device_session_get_keyring_error (session);
  if (failed != NULL)
    {
      if (g_error_matches (failed, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_task_return_error (task, g_error_copy (failed));
      else
        g_task_return_new_error (task, failed->domain, failed->code,
                                 _("The secrets of “%s” could not be read: %s Nothing was written."),
                                 xa_device_get_name (xa_device_session_get_device (session)), failed->message);
      g_object_unref (task);
      return;
    }
  row->token = g_strdup (xa_device_session_get_token (session));
  row->hmac_key = g_strdup (xa_device_session_get_hmac_key (session));
  read_next (task);
}

static void
read_next (GTask *task)
{
  Export *export = g_task_get_task_data (task);

  while (export->rows->len < export->sessions->len)
    {
      XaDeviceSession *session = g_ptr_array_index (export->sessions, export->rows->len);
      XaCsvRow *row = g_new0 (XaCsvRow, 1);

      row->device = g_object_ref (xa_device_session_get_device (session));
      g_ptr_array_add (export->rows, row);
      if (export->with_secrets)
        {
          xa_device_session_when_free_async (session, g_task_get_cancellable (task), free_cb, task);
          return;
        }
    }
  write_rows (task);
}

/* Writes the devices of @sessions into the CSV @file, replacing it; with
 * their tokens and HMAC keys (each session read from the keyring when it
 * was not) when @with_secrets: a device whose secrets cannot be read fails
 * the export, and the file is left as it was. */
void
xa_csv_export_async (GPtrArray           *sessions,
                     GFile               *file,
                     gboolean             with_secrets,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  Export *export = g_new0 (Export, 1);

  g_task_set_source_tag (task, xa_csv_export_async);
  export->sessions = g_ptr_array_ref (sessions);
  export->rows = g_ptr_array_new_with_free_func ((GDestroyNotify) xa_csv_row_free);
  export->file = g_object_ref (file);
  export->with_secrets = with_secrets;
  g_task_set_task_data (task, export, (GDestroyNotify) export_free);
  read_next (task);
}

gboolean
xa_csv_export_finish (GAsyncResult  *result,
                      GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
