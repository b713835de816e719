/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>

#include <glib/gi18n-lib.h>
#include <string.h>

#include "xa-json.h"

/* Reading JSON that came from a server or a file, which is hostile until
 * checked: a depth limit before json-glib parses it, and readers of
 * members that treat a member of another type as absent, never as a GLib
 * critical. (xa-json-edit.c edits JSON text; this file only reads.) */

/* Whether @data nests arrays and objects at most XA_JSON_MAX_DEPTH deep.
 * A scan of the bytes, outside strings: cheap, and it runs before
 * json-glib, whose parser recurses once per level. */
gboolean
xa_json_depth_ok (const char *data,
                  gssize      length)
{
  gsize n = length < 0 ? strlen (data) : (gsize) length;
  gboolean in_string = FALSE;
  guint depth = 0;

  for (gsize i = 0; i < n; i++)
    {
      char c = data[i];

      if (in_string)
        {
          if (c == '\\')
            i++;
          else if (c == '"')
            in_string = FALSE;
        }
      else if (c == '"')
        in_string = TRUE;
      else if (c == '[' || c == '{')
        {
          if (++depth > XA_JSON_MAX_DEPTH)
            return FALSE;
        }
      else if ((c == ']' || c == '}') && depth > 0)
        depth--;
    }
  return TRUE;
}

/* json_from_string() for text from a server or a file: refuses what is
 * nested too deeply (G_IO_ERROR_INVALID_DATA) before parsing it. */
JsonNode *
xa_json_parse (const char  *data,
               gssize       length,
               GError     **error)
{
  g_autoptr(JsonParser) parser = NULL;
  JsonNode *root;

  if (!xa_json_depth_ok (data, length))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("nested more than %d levels deep"), XA_JSON_MAX_DEPTH);
      return NULL;
    }

  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, data, length, error))
    return NULL;
  root = json_parser_get_root (parser);
  if (root == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("empty"));
      return NULL;
    }
  return json_node_ref (root);
}

/* Whether json-glib writes @node as JSON that reads back: what it parses
 * but writes broken is a number beyond double (1e999 reads as infinity,
 * is written "inf.0"), one in exponent form without a point (2e100 is
 * written "2e+100.0"); and a string or member name that is not UTF-8,
 * which a record may hold, is written as raw bytes. */
gboolean
xa_json_is_writable (JsonNode *node)
{
  switch (JSON_NODE_TYPE (node))
    {
    case JSON_NODE_OBJECT:
      {
        JsonObjectIter iter;
        const char *name;
        JsonNode *member;

        json_object_iter_init (&iter, json_node_get_object (node));
        while (json_object_iter_next (&iter, &name, &member))
          if (!g_utf8_validate (name, -1, NULL) || !xa_json_is_writable (member))
            return FALSE;
        return TRUE;
      }
    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);

        for (guint i = 0; i < json_array_get_length (array); i++)
          if (!xa_json_is_writable (json_array_get_element (array, i)))
            return FALSE;
        return TRUE;
      }
    case JSON_NODE_VALUE:
      if (json_node_get_value_type (node) == G_TYPE_DOUBLE)
        {
          /* json-glib appends ".0" to a number without a point: 2e100
           * becomes "2e+100.0". */
          char text[G_ASCII_DTOSTR_BUF_SIZE];

          g_ascii_dtostr (text, sizeof text, json_node_get_double (node));
          return isfinite (json_node_get_double (node)) && (strchr (text, '.') || !strpbrk (text, "eE"));
        }
      if (json_node_get_value_type (node) == G_TYPE_STRING)
        return g_utf8_validate (json_node_get_string (node), -1, NULL);
      return TRUE;
    case JSON_NODE_NULL:
    default:
      return TRUE;
    }
}

static JsonNode *
get_value (JsonObject *object,
           const char *name,
           GType       type)
{
  JsonNode *node = object ? json_object_get_member (object, name) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != type)
    return NULL;
  return node;
}

const char *
xa_json_get_string (JsonObject *object,
                    const char *name)
{
  JsonNode *node = get_value (object, name, G_TYPE_STRING);

  return node ? json_node_get_string (node) : NULL;
}

/* A copy of a string member, as valid UTF-8 (a hand-edited file may hold
 * broken UTF-8: what can be shown is kept), or NULL. */
char *
xa_json_dup_string (JsonObject *object,
                    const char *name)
{
  const char *value = xa_json_get_string (object, name);

  return value ? g_utf8_make_valid (value, -1) : NULL;
}

gint64
xa_json_get_int (JsonObject *object,
                 const char *name,
                 gint64      fallback)
{
  JsonNode *node = get_value (object, name, G_TYPE_INT64);

  return node ? json_node_get_int (node) : fallback;
}

gboolean
xa_json_get_boolean (JsonObject *object,
                     const char *name,
                     gboolean    fallback)
{
  JsonNode *node = get_value (object, name, G_TYPE_BOOLEAN);

  return node ? json_node_get_boolean (node) : fallback;
}

/* Lenient readers, for what servers send: a member whose type varies
 * between servers (a code sent as 123456 or "123456", a number as a
 * string) reads as what it stands for; anything else reads as absent. */

/* A string member, or an integer one as its digits. */
char *
xa_json_dup_lenient_string (JsonObject *obj,
                            const char *name)
{
  JsonNode *node;

  if (obj == NULL || !json_object_has_member (obj, name))
    return NULL;

  node = json_object_get_member (obj, name);
  if (!JSON_NODE_HOLDS_VALUE (node))
    return NULL;

  switch (json_node_get_value_type (node))
    {
    case G_TYPE_STRING:
      return g_strdup (json_node_get_string (node));
    case G_TYPE_INT64:
      return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
    default:
      return NULL;
    }
}

/* An integer member, from an integer, a double (saturated) or a string of
 * digits: FALSE when there is none. */
gboolean
xa_json_get_lenient_int (JsonObject *obj,
                         const char *name,
                         gint64     *value)
{
  JsonNode *node;

  if (obj == NULL || !json_object_has_member (obj, name))
    return FALSE;

  node = json_object_get_member (obj, name);
  if (!JSON_NODE_HOLDS_VALUE (node))
    return FALSE;

  switch (json_node_get_value_type (node))
    {
    case G_TYPE_INT64:
      *value = json_node_get_int (node);
      return TRUE;
    case G_TYPE_DOUBLE:
      {
        double d = json_node_get_double (node);

        /* Out of range (1e19, 1e999…) saturates; the callers clamp. */
        if (isnan (d))
          return FALSE;
        *value = d >= 9.0e18 ? G_MAXINT64 : d <= -9.0e18 ? G_MININT64 : (gint64) d;
        return TRUE;
      }
    case G_TYPE_STRING:
      {
        const char *s = json_node_get_string (node);
        return g_ascii_string_to_signed (s, 10, G_MININT64, G_MAXINT64, value, NULL);
      }
    default:
      return FALSE;
    }
}

/* An object member, or NULL. */
JsonObject *
xa_json_get_object (JsonObject *obj,
                    const char *name)
{
  JsonNode *node;

  if (!json_object_has_member (obj, name))
    return NULL;
  node = json_object_get_member (obj, name);
  return JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}
