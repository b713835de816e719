/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "xa-json-edit.h"

/* Changes one value in a JSON document by splicing its text, so that
 * everything else (key order, indentation, escapes, other values) stays
 * byte for byte as the user's program wrote it. The caller has already
 * checked that the text is valid JSON. */

typedef struct
{
  const char *s;
  gsize       i;
  gsize       n;
} Scan;

static void
skip_ws (Scan *sc)
{
  while (sc->i < sc->n && strchr (" \t\r\n", sc->s[sc->i]) != NULL)
    sc->i++;
}

static gboolean
skip_string (Scan *sc)
{
  if (sc->i >= sc->n || sc->s[sc->i] != '"')
    return FALSE;
  for (sc->i++; sc->i < sc->n; sc->i++)
    {
      if (sc->s[sc->i] == '\\')
        sc->i++;
      else if (sc->s[sc->i] == '"')
        {
          sc->i++;
          return TRUE;
        }
    }
  return FALSE;
}

static gboolean
skip_value (Scan *sc)
{
  char open, close;
  int depth = 0;

  skip_ws (sc);
  if (sc->i >= sc->n)
    return FALSE;
  if (sc->s[sc->i] == '"')
    return skip_string (sc);
  if (sc->s[sc->i] != '{' && sc->s[sc->i] != '[')
    {
      /* A scalar ends before the next delimiter, its trailing blanks
       * left out (json-glib reads "- 1" as a number: so do we). */
      gsize end = sc->i;

      while (sc->i < sc->n && strchr (",}]", sc->s[sc->i]) == NULL)
        {
          if (strchr (" \t\r\n", sc->s[sc->i]) == NULL)
            end = sc->i + 1;
          sc->i++;
        }
      sc->i = end;
      return TRUE;
    }

  open = sc->s[sc->i];
  close = open == '{' ? '}' : ']';
  while (sc->i < sc->n)
    {
      char c = sc->s[sc->i];
      if (c == '"')
        {
          if (!skip_string (sc))
            return FALSE;
          continue;
        }
      if (c == open)
        depth++;
      else if (c == close && --depth == 0)
        {
          sc->i++;
          return TRUE;
        }
      sc->i++;
    }
  return FALSE;
}

/* With sc at an object's '{': finds @key. On success sc is at the value;
 * otherwise sc is at the object's closing '}' and *last_end is where its
 * last member's value ends (0 when it has none). */
static gboolean
find_member (Scan       *sc,
             const char *key,
             gsize      *last_end,
             gsize      *first_key)
{
  gsize key_len = strlen (key);

  *last_end = 0;
  *first_key = 0;
  sc->i++;
  for (;;)
    {
      gsize key_start;

      skip_ws (sc);
      if (sc->i >= sc->n || sc->s[sc->i] == '}')
        return FALSE;
      if (sc->s[sc->i] == ',')
        {
          sc->i++;
          continue;
        }
      key_start = sc->i;
      if (*first_key == 0)
        *first_key = key_start;
      if (!skip_string (sc))
        return FALSE;
      skip_ws (sc);
      sc->i++; /* ':' */
      skip_ws (sc);
      if (sc->i - key_start >= key_len + 2 &&
          strncmp (sc->s + key_start + 1, key, key_len) == 0 && sc->s[key_start + 1 + key_len] == '"')
        return TRUE;
      if (!skip_value (sc))
        return FALSE;
      *last_end = sc->i;
    }
}

static char *
line_indent (const char *s,
             gsize       at)
{
  gsize start = at;

  while (start > 0 && s[start - 1] != '\n')
    start--;
  return g_strndup (s + start, strspn (s + start, " \t"));
}

/* @json_value with its lines after the first indented by @indent, so that
 * a multi-line value sits under its key; as it is in a one-line file. */
static char *
indent_value (const char *json_value,
              gboolean    file_has_lines,
              const char *indent)
{
  g_auto(GStrv) lines = g_strsplit (json_value, "\n", -1);
  g_autofree char *with = NULL;

  if (lines[0] == NULL || lines[1] == NULL)
    return g_strdup (json_value);
  if (!file_has_lines)
    {
      for (guint i = 0; lines[i] != NULL; i++)
        g_strstrip (lines[i]);
      return g_strjoinv (" ", lines);
    }
  with = g_strconcat ("\n", indent, NULL);
  return g_strjoinv (with, lines);
}

/* Returns the new text, or NULL when the path runs into something that is
 * not an object. @json_value is the new value's JSON text; a multi-line
 * one is indented to its key's line. */
char *
xa_json_edit_set (const char *text,
                  const char *dotted_path,
                  const char *json_value)
{
  g_auto(GStrv) keys = g_strsplit (dotted_path, ".", -1);
  Scan sc = { text, 0, strlen (text) };
  GString *out;

  skip_ws (&sc);
  for (guint k = 0; keys[k] != NULL; k++)
    {
      gsize last_end, first_key, value_start, brace;

      if (sc.i >= sc.n || sc.s[sc.i] != '{')
        return NULL;
      brace = sc.i;

      if (find_member (&sc, keys[k], &last_end, &first_key))
        {
          if (keys[k + 1] != NULL)
            continue;
          value_start = sc.i;
          if (!skip_value (&sc))
            return NULL;
          {
            g_autofree char *indent = line_indent (text, value_start);
            g_autofree char *value = indent_value (json_value, strchr (text, '\n') != NULL, indent);

            out = g_string_new_len (text, value_start);
            g_string_append (out, value);
          }
          g_string_append (out, text + sc.i);
          return g_string_free (out, FALSE);
        }

      /* Missing: add it (and the objects above it) as the last member,
       * laid out as the file is: one member a line in a multi-line file. */
      {
        g_autofree char *indent = NULL;
        g_autoptr(GString) member = g_string_new (NULL);
        gboolean empty = last_end == 0;
        gboolean lines = strchr (text, '\n') != NULL;
        guint depth = g_strv_length (keys) - k - 1;

        if (!empty)
          indent = line_indent (text, first_key);
        else
          {
            g_autofree char *outer = line_indent (text, brace);
            indent = g_strconcat (outer, "  ", NULL);
          }

        for (guint m = k; keys[m] != NULL; m++)
          {
            g_string_append_printf (member, "\"%s\": ", keys[m]);
            if (keys[m + 1] != NULL && lines)
              {
                g_autofree char *deeper = g_strnfill (2 * (m - k + 1), ' ');
                g_string_append_printf (member, "{\n%s%s", indent, deeper);
              }
            else if (keys[m + 1] != NULL)
              g_string_append (member, "{");
          }
        {
          /* The value's own lines go under its key's. */
          g_autofree char *deeper = g_strnfill (lines ? 2 * depth : 0, ' ');
          g_autofree char *key_indent = g_strconcat (indent, deeper, NULL);
          g_autofree char *value = indent_value (json_value, lines, key_indent);

          g_string_append (member, value);
        }
        for (guint level = depth; level > 0; level--)
          {
            g_autofree char *deeper = g_strnfill (2 * (level - 1), ' ');

            if (lines)
              g_string_append_printf (member, "\n%s%s}", indent, deeper);
            else
              g_string_append (member, "}");
          }

        if (empty)
          {
            /* Between the braces, nothing but the member. */
            g_autofree char *outer = line_indent (text, brace);

            out = g_string_new_len (text, brace + 1);
            if (lines)
              g_string_append_printf (out, "\n%s%s\n%s", indent, member->str, outer);
            else
              g_string_append (out, member->str);
            g_string_append (out, text + sc.i);
            return g_string_free (out, FALSE);
          }
        out = g_string_new_len (text, last_end);
        g_string_append (out, ",");
        if (lines)
          g_string_append_printf (out, "\n%s%s", indent, member->str);
        else
          g_string_append_printf (out, " %s", member->str);
        g_string_append (out, text + last_end);
        return g_string_free (out, FALSE);
      }
    }

  return NULL;
}
