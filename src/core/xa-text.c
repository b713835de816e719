/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <stdarg.h>
#include <string.h>

#include "xa-json-edit.h"
#include "xa-json.h"
#include "xa-text.h"

/* One sentence: a msgid (with its plural and count) or literal text, and
 * the values of its conversions, already formatted. */
typedef struct
{
  char      *msgid;
  char      *plural;
  gulong     n;
  char      *literal;
  GPtrArray *args;
} Part;

struct _XaText
{
  GPtrArray *parts;
};

/* Bounds for a recipe read from a file. */
#define MAX_PARTS 16
#define MAX_ARGS 16

G_DEFINE_BOXED_TYPE (XaText, xa_text, xa_text_copy, xa_text_free)

static void
part_free (Part *part)
{
  g_free (part->msgid);
  g_free (part->plural);
  g_free (part->literal);
  g_clear_pointer (&part->args, g_ptr_array_unref);
  g_free (part);
}

static Part *
part_new (void)
{
  Part *part = g_new0 (Part, 1);

  part->args = g_ptr_array_new_with_free_func (g_free);
  return part;
}

XaText *
xa_text_new (void)
{
  XaText *self = g_new0 (XaText, 1);

  self->parts = g_ptr_array_new_with_free_func ((GDestroyNotify) part_free);
  return self;
}

XaText *
xa_text_new_literal (const char *text)
{
  XaText *self = xa_text_new ();

  xa_text_append_literal (self, text);
  return self;
}

void
xa_text_free (XaText *self)
{
  if (self == NULL)
    return;
  g_ptr_array_unref (self->parts);
  g_free (self);
}

XaText *
xa_text_copy (const XaText *self)
{
  XaText *copy = xa_text_new ();

  xa_text_append_text (copy, self);
  return copy;
}

/* A printf conversion at @p (just after its '%'): where its argument is
 * ("%2$s": 2, else 0), its length modifier and its letter; returns what
 * follows it, or NULL when this is no conversion. */
static const char *
parse_conversion (const char *p,
                  guint      *position,
                  char        length[3],
                  char       *letter)
{
  const char *start = p;
  guint len = 0;

  *position = 0;
  while (g_ascii_isdigit (*p))
    p++;
  if (*p == '$' && p > start)
    *position = (guint) g_ascii_strtoull (start, NULL, 10), p++;
  else
    p = start;
  while (*p && strchr ("-+ #0'I", *p))
    p++;
  while (g_ascii_isdigit (*p) || *p == '.' || *p == '*')
    p++;
  memset (length, 0, 3);
  while (*p && strchr ("hlLqjzZt", *p) && len < 2)
    length[len++] = *p++;
  /* A conversion ends in an ASCII letter; anything else is no conversion
   * (and is not cut in half when it is a multibyte character). */
  if (!g_ascii_isalpha (*p))
    return NULL;
  *letter = *p;
  return p + 1;
}

static char *
format_arg (char     letter,
            const char *length,
            va_list *ap)
{
  gboolean wide = length[0] == 'l' || length[0] == 'L' || length[0] == 'q' ||
                  length[0] == 'j' || length[0] == 'z' || length[0] == 'Z' || length[0] == 't';
  gboolean very_wide = (length[0] == 'l' && length[1] == 'l') || length[0] == 'L' || length[0] == 'q' ||
                       length[0] == 'j';

  switch (letter)
    {
    case 's':
      {
        const char *s = va_arg (*ap, const char *);
        return g_strdup (s ? s : "");
      }
    case 'c':
      return g_strdup_printf ("%c", va_arg (*ap, int));
    case 'd':
    case 'i':
      if (very_wide)
        return g_strdup_printf ("%lld", (long long) va_arg (*ap, long long));
      return g_strdup_printf ("%ld", wide ? va_arg (*ap, long) : (long) va_arg (*ap, int));
    case 'u':
    case 'x':
    case 'X':
    case 'o':
      {
        unsigned long long v = very_wide ? va_arg (*ap, unsigned long long)
                               : wide    ? va_arg (*ap, unsigned long)
                                         : va_arg (*ap, unsigned int);
        return g_strdup_printf (letter == 'u' ? "%llu" : letter == 'o' ? "%llo" : "%llx", v);
      }
    case 'e': case 'E': case 'f': case 'F': case 'g': case 'G': case 'a': case 'A':
      return g_strdup_printf ("%g", va_arg (*ap, double));
    default:
      g_return_val_if_reached (g_strdup (""));
    }
}

static void
take_args (Part       *part,
           const char *msgid,
           va_list    *ap)
{
  for (const char *p = strchr (msgid, '%'); p != NULL; p = strchr (p, '%'))
    {
      guint position;
      char length[3], letter;

      if (p[1] == '%')
        {
          p += 2;
          continue;
        }
      p = parse_conversion (p + 1, &position, length, &letter);
      g_return_if_fail (p != NULL);
      g_ptr_array_add (part->args, format_arg (letter, length, ap));
    }
}

static void
append_va (XaText     *self,
           const char *msgid,
           const char *msgid_plural,
           gulong      n,
           va_list    *ap)
{
  Part *part = part_new ();

  part->msgid = g_strdup (msgid);
  part->plural = g_strdup (msgid_plural);
  part->n = n;
  take_args (part, msgid, ap);
  g_ptr_array_add (self->parts, part);
}

void
xa_text_append (XaText     *self,
                const char *msgid,
                ...)
{
  va_list ap;

  va_start (ap, msgid);
  append_va (self, msgid, NULL, 0, &ap);
  va_end (ap);
}

XaText *
xa_text_new_printf (const char *msgid,
                    ...)
{
  XaText *self = xa_text_new ();
  va_list ap;

  va_start (ap, msgid);
  append_va (self, msgid, NULL, 0, &ap);
  va_end (ap);
  return self;
}

void
xa_text_append_plural (XaText     *self,
                       const char *msgid,
                       const char *msgid_plural,
                       gulong      n,
                       ...)
{
  va_list ap;

  va_start (ap, n);
  append_va (self, msgid, msgid_plural, n, &ap);
  va_end (ap);
}

void
xa_text_append_literal (XaText     *self,
                        const char *text)
{
  Part *part;

  if (text == NULL || *text == '\0')
    return;
  part = part_new ();
  part->literal = g_strdup (text);
  g_ptr_array_add (self->parts, part);
}

void
xa_text_append_text (XaText       *self,
                     const XaText *other)
{
  for (guint i = 0; other != NULL && i < other->parts->len; i++)
    {
      const Part *from = g_ptr_array_index (other->parts, i);
      Part *part = part_new ();

      part->msgid = g_strdup (from->msgid);
      part->plural = g_strdup (from->plural);
      part->n = from->n;
      part->literal = g_strdup (from->literal);
      for (guint a = 0; a < from->args->len; a++)
        g_ptr_array_add (part->args, g_strdup (g_ptr_array_index (from->args, a)));
      g_ptr_array_add (self->parts, part);
    }
}

/* The translated sentence with its values in place: a translation may
 * reorder them ("%2$s"); a missing value is left empty. */
static void
render_part (const Part *part,
             GString    *out)
{
  const char *template;
  guint next = 0;

  if (part->literal != NULL)
    {
      g_string_append (out, part->literal);
      return;
    }
  template = part->plural ? g_dngettext (GETTEXT_PACKAGE, part->msgid, part->plural, part->n)
                          : g_dgettext (GETTEXT_PACKAGE, part->msgid);

  for (const char *p = template; *p; )
    {
      const char *pct = strchr (p, '%');
      guint position;
      char length[3], letter;

      if (pct == NULL)
        {
          g_string_append (out, p);
          break;
        }
      g_string_append_len (out, p, pct - p);
      if (pct[1] == '%' || pct[1] == '\0')
        {
          g_string_append_c (out, '%');
          p = pct + (pct[1] ? 2 : 1);
          continue;
        }
      p = parse_conversion (pct + 1, &position, length, &letter);
      if (p == NULL)
        {
          g_string_append_c (out, '%');
          p = pct + 1;
          continue;
        }
      position = position > 0 ? position - 1 : next++;
      if (position < part->args->len)
        g_string_append (out, g_ptr_array_index (part->args, position));
    }
}

/* Sentences follow each other with a space, except after the full-width
 * punctuation that ends Chinese and Japanese ones. */
char *
xa_text_render (const XaText *self)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; self != NULL && i < self->parts->len; i++)
    {
      if (out->len > 0 && !g_str_has_suffix (out->str, "。") && !g_str_has_suffix (out->str, "！") &&
          !g_str_has_suffix (out->str, "？") && !g_str_has_suffix (out->str, "："))
        g_string_append_c (out, ' ');
      render_part (g_ptr_array_index (self->parts, i), out);
    }
  return g_string_free (out, FALSE);
}

JsonNode *
xa_text_to_json (const XaText *self)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_array (b);
  for (guint i = 0; i < self->parts->len; i++)
    {
      const Part *part = g_ptr_array_index (self->parts, i);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, part->literal ? "literal" : "msgid");
      json_builder_add_string_value (b, part->literal ? part->literal : part->msgid);
      if (part->plural)
        {
          json_builder_set_member_name (b, "plural");
          json_builder_add_string_value (b, part->plural);
          json_builder_set_member_name (b, "n");
          json_builder_add_int_value (b, part->n);
        }
      if (part->args->len > 0)
        {
          json_builder_set_member_name (b, "args");
          json_builder_begin_array (b);
          for (guint a = 0; a < part->args->len; a++)
            json_builder_add_string_value (b, g_ptr_array_index (part->args, a));
          json_builder_end_array (b);
        }
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  return json_builder_get_root (b);
}

static Part *
part_from_json (JsonNode *node)
{
  JsonObject *object = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
  JsonNode *args = object ? json_object_get_member (object, "args") : NULL;
  Part *part;

  if (object == NULL)
    return NULL;
  part = part_new ();
  part->literal = xa_json_dup_string (object, "literal");
  part->msgid = part->literal ? NULL : xa_json_dup_string (object, "msgid");
  part->plural = part->msgid ? xa_json_dup_string (object, "plural") : NULL;
  part->n = (gulong) CLAMP (xa_json_get_int (object, "n", 0), 0, G_MAXINT);

  if (args != NULL && JSON_NODE_HOLDS_ARRAY (args) && json_array_get_length (json_node_get_array (args)) <= MAX_ARGS)
    {
      JsonArray *array = json_node_get_array (args);
      for (guint a = 0; a < json_array_get_length (array); a++)
        {
          JsonNode *arg = json_array_get_element (array, a);
          if (!JSON_NODE_HOLDS_VALUE (arg) || json_node_get_value_type (arg) != G_TYPE_STRING)
            break;
          g_ptr_array_add (part->args, g_utf8_make_valid (json_node_get_string (arg), -1));
        }
    }
  if ((part->literal == NULL && part->msgid == NULL) ||
      (args != NULL && part->args->len != (JSON_NODE_HOLDS_ARRAY (args) ? json_array_get_length (json_node_get_array (args)) : G_MAXUINT)))
    g_clear_pointer (&part, part_free);
  return part;
}

/* A recipe from a file: NULL for anything else than what
 * xa_text_to_json() writes. */
XaText *
xa_text_new_from_json (JsonNode *node)
{
  g_autoptr(XaText) self = NULL;
  JsonArray *array;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return NULL;
  array = json_node_get_array (node);
  if (json_array_get_length (array) > MAX_PARTS)
    return NULL;
  self = xa_text_new ();
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      Part *part = part_from_json (json_array_get_element (array, i));
      if (part == NULL)
        return NULL;
      g_ptr_array_add (self->parts, part);
    }
  return g_steal_pointer (&self);
}

/* @unix_time in the local time, as every front end shows a date
 * ("2026-12-03 15:16"), or a copy of @fallback when it is not set (0). */
char *
xa_text_format_time (gint64      unix_time,
                     const char *fallback)
{
  g_autoptr(GDateTime) when = unix_time > 0 ? g_date_time_new_from_unix_local (unix_time) : NULL;

  /* Translators: a date and time, see g_date_time_format() */
  return when ? g_date_time_format (when, _("%Y-%m-%d %H:%M")) : g_strdup (fallback);
}

/* How many terminal columns @s takes: two for a wide (CJK) character,
 * none for a combining one. */
guint
xa_text_display_width (const char *s)
{
  guint width = 0;

  for (const char *p = s; p != NULL && *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      width += g_unichar_iszerowidth (c) ? 0 : g_unichar_iswide (c) ? 2 : 1;
    }
  return width;
}

/* ---- text from servers ----------------------------------------------------- */

/* Text a server sent, made fit to show in a terminal or a label: valid
 * UTF-8, no control characters (escape sequences could fake our output or
 * retitle a terminal), at most 500 characters. */
char *
xa_server_text_sanitize (const char *text,
                         gssize      length,
                         gboolean    keep_newlines)
{
  g_autofree char *valid = NULL;
  GString *out;
  glong count = 0;

  if (text == NULL)
    return NULL;
  valid = g_utf8_make_valid (text, length);
  out = g_string_sized_new (strlen (valid));
  for (const char *p = valid; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (++count > 500)
        {
          g_string_append (out, "…");
          break;
        }
      if (c == '\n' && keep_newlines)
        g_string_append_c (out, '\n');
      else if (g_unichar_iscntrl (c) || c == 0x2028 || c == 0x2029)
        g_string_append_c (out, ' ');
      else
        g_string_append_unichar (out, c);
    }
  return g_string_free (out, FALSE);
}

/* Sanitized server text to put between quotes in one of our sentences:
 * without its own final full stop, so none is doubled after the quote. */
char *
xa_server_text_quote (const char *text)
{
  g_autofree char *clean = xa_server_text_sanitize (text, -1, FALSE);
  const char *stops[] = { ".", "。", "!", "！", "?", "？" };
  gsize len;

  if (clean == NULL)
    return NULL;
  g_strchomp (clean);
  len = strlen (clean);
  for (guint i = 0; i < G_N_ELEMENTS (stops); i++)
    if (g_str_has_suffix (clean, stops[i]) && !g_str_has_suffix (clean, "..."))
      {
        clean[len - strlen (stops[i])] = '\0';
        break;
      }
  return g_steal_pointer (&clean);
}
