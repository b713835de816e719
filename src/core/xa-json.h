/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "xa-types.h"

G_BEGIN_DECLS

/* Deeper than any answer or file we read, far shallower than what makes
 * json-glib's recursive parser overflow the stack. */
#define XA_JSON_MAX_DEPTH 64

gboolean  xa_json_depth_ok  (const char  *data,
                             gssize       length);
JsonNode *xa_json_parse     (const char  *data,
                             gssize       length,
                             GError     **error);
gboolean  xa_json_is_writable (JsonNode  *node);

/* Members of objects that came from a server or a file: a member of
 * another type reads as absent, never as a GLib critical. */
const char *xa_json_get_string  (JsonObject *object,
                                 const char *name);
char       *xa_json_dup_string  (JsonObject *object,
                                 const char *name);
gint64      xa_json_get_int     (JsonObject *object,
                                 const char *name,
                                 gint64      fallback);
gboolean    xa_json_get_boolean (JsonObject *object,
                                 const char *name,
                                 gboolean    fallback);

char       *xa_json_dup_lenient_string (JsonObject *object,
                                        const char *name);
gboolean    xa_json_get_lenient_int    (JsonObject *object,
                                        const char *name,
                                        gint64     *value);
JsonObject *xa_json_get_object         (JsonObject *object,
                                        const char *name);

G_END_DECLS
