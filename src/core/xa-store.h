/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "xa-types.h"

G_BEGIN_DECLS

#define XA_STORE_ERROR (xa_store_error_quark ())
#define XA_STORE_FORMAT 1

typedef enum
{
  XA_STORE_ERROR_CORRUPT,
  XA_STORE_ERROR_NEWER_VERSION,
  XA_STORE_ERROR_IO,
  XA_STORE_ERROR_NOT_FOUND,
  XA_STORE_ERROR_NAME_TAKEN,
} XaStoreError;

/* What a store keeps, and how its records read and write: devices
 * (xa_device_kind, devices.json) or MCP endpoints (xa_mcp_endpoint_kind,
 * mcp-endpoints.json). Each item has a uuid and a unique name. */
typedef enum
{
  XA_STORE_SAYS_DAMAGED,          /* %s the file, %s why */
  XA_STORE_SAYS_NEWER,            /* %s the file, %d its format */
  XA_STORE_SAYS_NO_LIST,
  XA_STORE_SAYS_CANNOT_READ,      /* %s the file, %s why */
  XA_STORE_SAYS_CANNOT_SAVE,      /* %s the file, %s why */
  XA_STORE_SAYS_CANNOT_WRITE_BACK,/* %s the file */
  XA_STORE_SAYS_NAME_TAKEN,       /* %s the name */
  XA_STORE_SAYS_REMOVED,          /* %s the name */
  XA_STORE_N_SAYS
} XaStoreSays;

struct _XaStoreKind
{
  const char  *file_name;   /* under $XDG_DATA_HOME/xiaozhi-activator */
  const char  *list_member; /* the list's member in the file */
  GType      (*item_type)        (void);
  GObject   *(*new_from_json)    (JsonObject *record);
  gboolean   (*update_from_json) (GObject    *item,
                                  JsonObject *record);
  JsonNode  *(*to_json)          (GObject    *item);
  const char *(*get_uuid)        (GObject    *item);
  const char *(*get_name)        (GObject    *item);
  const char  *says[XA_STORE_N_SAYS];  /* N_() formats */
};

#define XA_TYPE_STORE (xa_store_get_type ())

G_DECLARE_FINAL_TYPE (XaStore, xa_store, XA, STORE, GObject)

GQuark         xa_store_error_quark (void);

/* @path: the file, or NULL for @kind's file_name in the user's data folder */
XaStore *xa_store_new         (const XaStoreKind   *kind,
                               const char          *path);
const char    *xa_store_get_path    (XaStore       *self);
gpointer       xa_store_find        (XaStore       *self,
                                            const char          *name);
gpointer       xa_store_find_uuid   (XaStore       *self,
                                            const char          *uuid);

void           xa_store_load_async  (XaStore       *self,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
void           xa_store_add_async   (XaStore       *self,
                                            gpointer             item,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
void           xa_store_save_async  (XaStore       *self,
                                            gpointer             item,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
void           xa_store_remove_async (XaStore      *self,
                                            gpointer             item,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
gboolean       xa_store_finish      (XaStore       *self,
                                            GAsyncResult        *result,
                                            GError             **error);

G_END_DECLS
