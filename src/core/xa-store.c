/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "xa-store.h"
#include "xa-json-edit.h"
#include "xa-json.h"

/* The saved devices (or MCP endpoints: a store keeps one kind, its
 * XaStoreKind), as a GListModel of them.
 *
 * The app and xiaozhictl may write at the same time, so every change is
 * a read-modify-write of the file (devices.json) under an flock(), done in a worker
 * thread: re-read the file, apply this one change, write it atomically
 * (temporary file + rename). Nobody's change is lost, and a file we
 * cannot read (corrupt, or from a newer version) is never written. A file
 * monitor reloads the list when another process changed it.
 *
 * With thousands of devices, parsing the file is most of a change's cost,
 * so the list last read or written is kept with the identity of the file
 * it came from (inode, size, times): while the file on disk is that one,
 * it is not parsed again. */
typedef struct
{
  dev_t           dev;
  ino_t           ino;
  off_t           size;
  struct timespec mtime;
  struct timespec ctime;
} FileId;

struct _XaStore
{
  GObject       parent_instance;

  const XaStoreKind *kind;
  char         *path;
  GListStore   *items;
  GHashTable   *synced;    /* JsonNode → the item last synced from it (not owned) */
  GFileMonitor *monitor;
  guint         reload_id;

  GMutex        cache_lock;
  FileId        cache_id;
  JsonArray    *cache;     /* the list in the file cache_id names */
  gboolean      cache_writable; /* all of it writes back as it reads */
};

typedef enum
{
  OP_LOAD,
  OP_ADD,
  OP_SAVE,
  OP_REMOVE,
} Op;

typedef struct
{
  Op        op;
  char     *path;
  char     *uuid;
  char     *name;
  JsonNode *record;
  JsonNode *records;     /* result: the array now on disk */
} Change;

static void xa_store_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (XaStore, xa_store, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, xa_store_list_model_init))
G_DEFINE_QUARK (xa-store-error-quark, xa_store_error)

static void
change_free (Change *change)
{
  g_free (change->path);
  g_free (change->uuid);
  g_free (change->name);
  g_clear_pointer (&change->record, json_node_unref);
  g_clear_pointer (&change->records, json_node_unref);
  g_free (change);
}

/* ---- the worker thread's side ----------------------------------------------- */

static gboolean
array_is_writable (JsonArray *array)
{
  g_autoptr(JsonNode) node = json_node_init_array (json_node_alloc (), array);

  return xa_json_is_writable (node);
}

static FileId
file_id_of (const struct stat *st)
{
  return (FileId) { st->st_dev, st->st_ino, st->st_size, st->st_mtim, st->st_ctim };
}

static gboolean
file_id_equal (const FileId *a,
               const FileId *b)
{
  return a->dev == b->dev && a->ino == b->ino && a->size == b->size &&
         a->mtime.tv_sec == b->mtime.tv_sec && a->mtime.tv_nsec == b->mtime.tv_nsec &&
         a->ctime.tv_sec == b->ctime.tv_sec && a->ctime.tv_nsec == b->ctime.tv_nsec;
}

/* Keeps @records as the contents of the file @id names. */
static void
cache_set (XaStore *self,
           const FileId  *id,
           JsonArray     *records,
           gboolean       writable)
{
  g_mutex_lock (&self->cache_lock);
  g_clear_pointer (&self->cache, json_array_unref);
  self->cache_id = *id;
  self->cache = json_array_ref (records);
  self->cache_writable = writable;
  g_mutex_unlock (&self->cache_lock);
}

static JsonArray *
cache_lookup (XaStore *self,
              const FileId  *id,
              gboolean      *writable)
{
  JsonArray *records = NULL;

  g_mutex_lock (&self->cache_lock);
  if (self->cache != NULL && file_id_equal (&self->cache_id, id))
    {
      records = json_array_ref (self->cache);
      *writable = self->cache_writable;
    }
  g_mutex_unlock (&self->cache_lock);
  return records;
}

/* One of @kind's messages, translated, its %s filled in. The formats are
 * the kinds' own N_() strings (msgfmt -c checks each translation keeps
 * their conversions). */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
static GError *
store_error (const XaStoreKind *kind,
             XaStoreError       code,
             XaStoreSays        what,
             ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, what);
  message = g_strdup_vprintf (g_dgettext (GETTEXT_PACKAGE, kind->says[what]), args);
  va_end (args);
  return g_error_new_literal (XA_STORE_ERROR, code, message);
}
#pragma GCC diagnostic pop

static JsonArray *
parse_list (const XaStoreKind *kind,
               const char  *path,
               const char  *contents,
               gsize        length,
               GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonObject *object;
  gint64 format;

  root = xa_json_parse (contents ? contents : "", length, &local_error);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_propagate_error (error, store_error (kind, XA_STORE_ERROR_CORRUPT, XA_STORE_SAYS_DAMAGED,
                                                 path, local_error ? local_error->message : _("not a JSON object")));
      return NULL;
    }

  object = json_node_get_object (root);
  format = xa_json_get_int (object, "version", 0);
  if (format > XA_STORE_FORMAT)
    {
      g_propagate_error (error, store_error (kind, XA_STORE_ERROR_NEWER_VERSION, XA_STORE_SAYS_NEWER,
                                                 path, (int) format));
      return NULL;
    }
  if (format < 1 || !json_object_has_member (object, kind->list_member) ||
      !JSON_NODE_HOLDS_ARRAY (json_object_get_member (object, kind->list_member)))
    {
      g_propagate_error (error, store_error (kind, XA_STORE_ERROR_CORRUPT, XA_STORE_SAYS_DAMAGED,
                                                 path, g_dgettext (GETTEXT_PACKAGE, kind->says[XA_STORE_SAYS_NO_LIST])));
      return NULL;
    }

  return json_array_ref (json_object_get_array_member (object, kind->list_member));
}

/* The file is opened once, and what is read is what fstat() describes:
 * the identity kept with the list is that of the bytes parsed. */
static JsonArray *
read_list (XaStore  *self,
              const char     *path,
              gboolean       *writable,
              GError        **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GMappedFile) mapped = NULL;
  JsonArray *records;
  struct stat st;
  FileId id;
  int fd;

  *writable = TRUE;
  fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  if (fd < 0 && errno == ENOENT)
    return json_array_new ();
  if (fd < 0 || fstat (fd, &st) != 0)
    {
      int saved = errno;
      if (fd >= 0)
        close (fd);
      g_propagate_error (error, store_error (self->kind, XA_STORE_ERROR_IO, XA_STORE_SAYS_CANNOT_READ,
                                                 path, g_strerror (saved)));
      return NULL;
    }
  id = file_id_of (&st);
  records = cache_lookup (self, &id, writable);
  if (records != NULL)
    {
      close (fd);
      return records;
    }

  mapped = g_mapped_file_new_from_fd (fd, FALSE, &local_error);
  close (fd);
  if (mapped == NULL)
    {
      g_propagate_error (error, store_error (self->kind, XA_STORE_ERROR_IO, XA_STORE_SAYS_CANNOT_READ,
                                                 path, local_error->message));
      return NULL;
    }
  records = parse_list (self->kind, path, g_mapped_file_get_contents (mapped), g_mapped_file_get_length (mapped), error);
  if (records == NULL)
    return NULL;
  /* Checked once per version of the file, not once per change. */
  *writable = array_is_writable (records);
  cache_set (self, &id, records, *writable);
  return records;
}


/* A record as this version writes it: only the members it knows, each
 * of a type it can write. What a hand edit added is dropped rather than
 * written back broken. */
static JsonNode *
normalize_record (const XaStoreKind *kind,
                  JsonNode          *record)
{
  g_autoptr(GObject) item = NULL;

  if (!JSON_NODE_HOLDS_OBJECT (record) ||
      (item = kind->new_from_json (json_node_get_object (record))) == NULL)
    return NULL;
  return kind->to_json (item);
}

/* @records: writable (xa_json_is_writable()) */
static gboolean
write_list (XaStore  *self,
               const char     *path,
               JsonArray      *records,
               GError        **error)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *dir = g_path_get_dirname (path);
  struct stat st;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "version");
  json_builder_add_int_value (b, XA_STORE_FORMAT);
  json_builder_set_member_name (b, self->kind->list_member);
  json_builder_add_value (b, json_node_init_array (json_node_alloc (), records));
  json_builder_end_object (b);
  root = json_builder_get_root (b);

  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  text = json_generator_to_data (generator, NULL);

  if (g_mkdir_with_parents (dir, 0700) != 0 ||
      !g_file_set_contents_full (path, text, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600, &local_error))
    {
      g_propagate_error (error, store_error (self->kind, XA_STORE_ERROR_IO, XA_STORE_SAYS_CANNOT_SAVE,
                                                 path, local_error ? local_error->message : g_strerror (errno)));
      return FALSE;
    }
  /* Under the lock: the file there is the one just written. */
  if (g_stat (path, &st) == 0)
    {
      FileId id = file_id_of (&st);
      cache_set (self, &id, records, TRUE);
    }
  return TRUE;
}

static int
find_record (JsonArray  *records,
             const char *member,
             const char *value,
             const char *except_uuid)
{
  for (guint i = 0; i < json_array_get_length (records); i++)
    {
      JsonNode *element = json_array_get_element (records, i);
      JsonObject *o = JSON_NODE_HOLDS_OBJECT (element) ? json_node_get_object (element) : NULL;

      if (o == NULL)
        continue;
      if (except_uuid && g_strcmp0 (xa_json_get_string (o, "uuid"), except_uuid) == 0)
        continue;
      if (g_strcmp0 (xa_json_get_string (o, member), value) == 0)
        return (int) i;
    }
  return -1;
}

/* Returns the list with this one change made. */
static JsonArray *
apply_change (const XaStoreKind *kind,
              Change     *change,
              JsonArray  *records,
              gboolean    writable,
              GError    **error)
{
  g_autoptr(JsonArray) result = json_array_new ();
  gboolean replaces = change->op == OP_ADD || change->op == OP_SAVE;
  gboolean found = FALSE;

  if (replaces && find_record (records, "name", change->name, change->uuid) >= 0)
    {
      g_propagate_error (error, store_error (kind, XA_STORE_ERROR_NAME_TAKEN, XA_STORE_SAYS_NAME_TAKEN,
                                                 change->name));
      return NULL;
    }

  for (guint i = 0; i < json_array_get_length (records); i++)
    {
      JsonNode *element = json_array_get_element (records, i);
      JsonObject *o = JSON_NODE_HOLDS_OBJECT (element) ? json_node_get_object (element) : NULL;

      if (change->uuid != NULL && o != NULL &&
          g_strcmp0 (xa_json_get_string (o, "uuid"), change->uuid) == 0)
        {
          found = TRUE;
          if (replaces)
            json_array_add_element (result, json_node_copy (change->record));
          continue;
        }
      /* Shared, not copied: the list is rebuilt on every change. */
      json_array_add_element (result, json_node_ref (element));
    }

  /* A record edited by hand that would not read back is written the way
   * this version writes it; what still would not is never written over a
   * good file. */
  if (change->op != OP_LOAD && !writable)
    {
      g_autoptr(JsonArray) cleaned = json_array_new ();

      for (guint i = 0; i < json_array_get_length (result); i++)
        {
          JsonNode *element = json_array_get_element (result, i);
          JsonNode *normal = xa_json_is_writable (element) ? json_node_ref (element) : normalize_record (kind, element);

          if (normal != NULL)
            json_array_add_element (cleaned, normal);
        }
      g_clear_pointer (&result, json_array_unref);
      result = g_steal_pointer (&cleaned);
    }
  if ((change->record != NULL && !xa_json_is_writable (change->record)) ||
      (change->op != OP_LOAD && !writable && !array_is_writable (result)))
    {
      g_propagate_error (error, store_error (kind, XA_STORE_ERROR_CORRUPT, XA_STORE_SAYS_CANNOT_WRITE_BACK,
                                                 change->path));
      return NULL;
    }

  if (!found && change->op == OP_SAVE)
    {
      g_propagate_error (error, store_error (kind, XA_STORE_ERROR_NOT_FOUND, XA_STORE_SAYS_REMOVED,
                                                 change->name));
      return NULL;
    }
  if (!found && change->op == OP_ADD)
    json_array_add_element (result, json_node_copy (change->record));

  return g_steal_pointer (&result);
}

/* A writer killed mid-write leaves its temporary copy (“devices.json.XXXXXX”,
 * as g_file_set_contents() names it) behind. Under the lock no write is
 * under way, so any such copy is stale. */
static void
remove_stale_temporaries (const char *path)
{
  g_autofree char *dir_path = g_path_get_dirname (path);
  g_autofree char *base = g_path_get_basename (path);
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      if (g_str_has_prefix (name, base) && strlen (name) == strlen (base) + 7 &&
          name[strlen (base)] == '.' && !g_str_has_suffix (name, ".lock"))
        {
          g_autofree char *stale = g_build_filename (dir_path, name, NULL);
          g_unlink (stale);
        }
    }
}

static void
change_thread (GTask        *task,
               gpointer      source,
               gpointer      task_data,
               GCancellable *cancellable)
{
  Change *change = task_data;
  g_autoptr(JsonArray) records = NULL;
  g_autoptr(JsonArray) changed = NULL;
  g_autofree char *lock_path = g_strconcat (change->path, ".lock", NULL);
  g_autofree char *dir = g_path_get_dirname (change->path);
  GError *error = NULL;
  gboolean writable = TRUE;
  int lock_fd = -1;

  if (change->op != OP_LOAD)
    {
      g_mkdir_with_parents (dir, 0700);
      /* Not through a symlink someone else planted. */
      lock_fd = g_open (lock_path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
      if (lock_fd < 0 || flock (lock_fd, LOCK_EX) != 0)
        {
          int saved = errno;
          if (lock_fd >= 0)
            close (lock_fd);
          g_task_return_error (task, store_error (XA_STORE (source)->kind, XA_STORE_ERROR_IO,
                                                  XA_STORE_SAYS_CANNOT_SAVE, change->path, g_strerror (saved)));
          return;
        }
    }

  if (lock_fd >= 0)
    remove_stale_temporaries (change->path);
  records = read_list (source, change->path, &writable, &error);
  if (records != NULL)
    changed = apply_change (XA_STORE (source)->kind, change, records, writable, &error);
  if (changed != NULL && (change->op == OP_LOAD || write_list (source, change->path, changed, &error)))
    change->records = json_node_init_array (json_node_alloc (), changed);

  if (lock_fd >= 0)
    {
      flock (lock_fd, LOCK_UN);
      close (lock_fd);
    }

  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

/* ---- the main thread's side ------------------------------------------------- */

static gboolean
same_item (GListModel *model,
           guint       position,
           gpointer    item)
{
  g_autoptr(GObject) there = g_list_model_get_item (model, position);

  return (gpointer) there == item;
}

/* Makes the list look like the file, reusing the objects of records
 * that are still there so that the UI's bindings stay. Unchanged records
 * are the very nodes of the previous version of the list (a change shares
 * them, the cache keeps them), so a device whose node is the one it was
 * last synced from is taken as it is, without reading its record; and
 * only the part of the list that moved is spliced. Adding one device to
 * thousands touches one row. */
static void
sync_items (XaStore   *self,
            JsonArray *records)
{
  g_autoptr(GPtrArray) fresh = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GHashTable) by_uuid = NULL;
  GHashTable *synced = g_hash_table_new_full (NULL, NULL, (GDestroyNotify) json_node_unref, NULL);
  GListModel *model = G_LIST_MODEL (self->items);
  guint n = g_list_model_get_n_items (model);
  guint prefix = 0, suffix = 0;

  for (guint i = 0; i < json_array_get_length (records); i++)
    {
      JsonNode *element = json_array_get_element (records, i);
      GObject *item = g_hash_table_lookup (self->synced, element);
      JsonObject *o;
      const char *uuid;
      GObject *existing;

      if (item != NULL)
        item = g_object_ref (item);
      else if ((o = JSON_NODE_HOLDS_OBJECT (element) ? json_node_get_object (element) : NULL) != NULL)
        {
          if (by_uuid == NULL)
            {
              by_uuid = g_hash_table_new (g_str_hash, g_str_equal);
              for (guint j = 0; j < n; j++)
                {
                  g_autoptr(GObject) there = g_list_model_get_item (model, j);
                  g_hash_table_insert (by_uuid, (gpointer) self->kind->get_uuid (there), there);
                }
            }
          uuid = xa_json_get_string (o, "uuid");
          existing = uuid ? g_hash_table_lookup (by_uuid, uuid) : NULL;
          if (existing != NULL)
            item = self->kind->update_from_json (existing, o) ? g_object_ref (existing) : NULL;
          else
            item = self->kind->new_from_json (o);
        }
      if (item == NULL)
        continue;
      g_ptr_array_add (fresh, item);
      g_hash_table_insert (synced, json_node_ref (element), item);
    }
  g_hash_table_unref (self->synced);
  self->synced = synced;

  while (prefix < MIN (n, fresh->len) && same_item (model, prefix, g_ptr_array_index (fresh, prefix)))
    prefix++;
  while (suffix < MIN (n, fresh->len) - prefix &&
         same_item (model, n - 1 - suffix, g_ptr_array_index (fresh, fresh->len - 1 - suffix)))
    suffix++;
  if (prefix == n && n == fresh->len)
    return;
  /* An empty array has no pdata to offset. */
  g_list_store_splice (self->items, prefix, n - prefix - suffix,
                       fresh->len > 0 ? fresh->pdata + prefix : NULL, fresh->len - prefix - suffix);
}

static void
change_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  XaStore *self = XA_STORE (object);
  g_autoptr(GTask) outer = user_data;
  Change *change = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (outer, g_steal_pointer (&error));
      return;
    }

  sync_items (self, json_node_get_array (change->records));
  g_task_return_boolean (outer, TRUE);
}

static void
run_change (XaStore       *self,
            Change              *change,
            GCancellable        *cancellable,
            gpointer             source_tag,
            GAsyncReadyCallback  callback,
            gpointer             user_data)
{
  g_autoptr(GTask) outer = g_task_new (self, cancellable, callback, user_data);
  g_autoptr(GTask) worker = g_task_new (self, cancellable, change_done_cb, g_object_ref (outer));

  /* Both tasks share one tag so that one _finish() serves them all. A
   * change once begun is carried out: a cancel cannot take back a file
   * already written, so the result says what was done. */
  g_task_set_source_tag (outer, xa_store_finish);
  g_task_set_check_cancellable (outer, FALSE);
  g_task_set_check_cancellable (worker, FALSE);
  g_task_set_name (outer, source_tag);
  change->path = g_strdup (self->path);
  g_task_set_task_data (worker, change, (GDestroyNotify) change_free);
  g_task_run_in_thread (worker, change_thread);
}

static Change *
change_for (XaStore  *self,
            Op        op,
            gpointer  item)
{
  Change *change = g_new0 (Change, 1);

  change->op = op;
  if (item != NULL)
    {
      change->uuid = g_strdup (self->kind->get_uuid (item));
      change->name = g_strdup (self->kind->get_name (item));
      change->record = self->kind->to_json (item);
    }
  return change;
}

static void
reload_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  /* A broken file stays visible through the next load or change. */
  if (!xa_store_finish (XA_STORE (object), result, &error))
    g_debug ("records: reload after change failed: %s", error->message);
}

static gboolean
reload_timeout_cb (gpointer user_data)
{
  XaStore *self = user_data;

  self->reload_id = 0;
  xa_store_load_async (self, NULL, reload_cb, NULL);
  return G_SOURCE_REMOVE;
}

static void
file_changed_cb (GFileMonitor      *monitor,
                 GFile             *file,
                 GFile             *other,
                 GFileMonitorEvent  event,
                 gpointer           user_data)
{
  XaStore *self = user_data;

  /* A rename into place comes as several events: reload once. */
  if (self->reload_id == 0)
    self->reload_id = g_timeout_add (100, reload_timeout_cb, self);
}

static GType
xa_store_get_item_type (GListModel *model)
{
  return XA_STORE (model)->kind->item_type ();
}

static guint
xa_store_get_n_items (GListModel *model)
{
  return g_list_model_get_n_items (G_LIST_MODEL (XA_STORE (model)->items));
}

static gpointer
xa_store_get_item (GListModel *model,
                          guint       position)
{
  return g_list_model_get_item (G_LIST_MODEL (XA_STORE (model)->items), position);
}

static void
xa_store_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = xa_store_get_item_type;
  iface->get_n_items = xa_store_get_n_items;
  iface->get_item = xa_store_get_item;
}

static void
items_changed_cb (GListModel    *model,
                  guint          position,
                  guint          removed,
                  guint          added,
                  XaStore *self)
{
  g_list_model_items_changed (G_LIST_MODEL (self), position, removed, added);
}

static void
xa_store_dispose (GObject *object)
{
  XaStore *self = XA_STORE (object);

  g_clear_handle_id (&self->reload_id, g_source_remove);
  if (self->monitor != NULL)
    g_file_monitor_cancel (self->monitor);
  g_clear_object (&self->monitor);
  g_clear_object (&self->items);
  g_clear_pointer (&self->synced, g_hash_table_unref);

  G_OBJECT_CLASS (xa_store_parent_class)->dispose (object);
}

static void
xa_store_finalize (GObject *object)
{
  XaStore *self = XA_STORE (object);

  g_free (self->path);
  g_clear_pointer (&self->cache, json_array_unref);
  g_mutex_clear (&self->cache_lock);

  G_OBJECT_CLASS (xa_store_parent_class)->finalize (object);
}

static void
xa_store_class_init (XaStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = xa_store_dispose;
  object_class->finalize = xa_store_finalize;
}

static void
xa_store_init (XaStore *self)
{
  self->synced = g_hash_table_new_full (NULL, NULL, (GDestroyNotify) json_node_unref, NULL);
  g_mutex_init (&self->cache_lock);
}

XaStore *
xa_store_new (const XaStoreKind *kind,
              const char        *path)
{
  XaStore *self = g_object_new (XA_TYPE_STORE, NULL);
  g_autoptr(GFile) file = NULL;

  self->kind = kind;
  self->items = g_list_store_new (kind->item_type ());
  g_signal_connect (self->items, "items-changed", G_CALLBACK (items_changed_cb), self);
  self->path = path ? g_strdup (path)
                    : g_build_filename (g_get_user_data_dir (), "xiaozhi-activator", kind->file_name, NULL);
  file = g_file_new_for_path (self->path);
  self->monitor = g_file_monitor_file (file, G_FILE_MONITOR_WATCH_MOVES, NULL, NULL);
  if (self->monitor != NULL)
    g_signal_connect (self->monitor, "changed", G_CALLBACK (file_changed_cb), self);

  return self;
}

const char *
xa_store_get_path (XaStore *self)
{
  return self->path;
}

static gpointer
find_by (XaStore      *self,
         const char *(*get) (GObject *item),
         const char   *value)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->items));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (G_LIST_MODEL (self->items), i);
      if (g_strcmp0 (get (item), value) == 0)
        return item;
    }
  return NULL;
}

/* Returns: (transfer none) (nullable): the item called @name */
gpointer
xa_store_find (XaStore    *self,
               const char *name)
{
  return find_by (self, self->kind->get_name, name);
}

gpointer
xa_store_find_uuid (XaStore    *self,
                    const char *uuid)
{
  return find_by (self, self->kind->get_uuid, uuid);
}

void
xa_store_load_async (XaStore       *self,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  run_change (self, change_for (self, OP_LOAD, NULL), cancellable, "load", callback, user_data);
}

void
xa_store_add_async (XaStore       *self,
                           gpointer             item,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  run_change (self, change_for (self, OP_ADD, item), cancellable, "add", callback, user_data);
}

void
xa_store_save_async (XaStore       *self,
                            gpointer             item,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  run_change (self, change_for (self, OP_SAVE, item), cancellable, "save", callback, user_data);
}

void
xa_store_remove_async (XaStore       *self,
                              gpointer             item,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  run_change (self, change_for (self, OP_REMOVE, item), cancellable, "remove", callback, user_data);
}

gboolean
xa_store_finish (XaStore  *self,
                        GAsyncResult   *result,
                        GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == xa_store_finish, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
