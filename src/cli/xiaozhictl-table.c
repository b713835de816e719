/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>

#include "xiaozhictl-table.h"
#include "xa-text.h"

struct _CliTable
{
  guint      n_columns;
  guint     *widths;
  GPtrArray *rows;     /* of GStrv, kept for cli_table_print() */
};

CliTable *
cli_table_new (guint n_columns)
{
  CliTable *table = g_new0 (CliTable, 1);

  g_return_val_if_fail (n_columns > 0, NULL);
  table->n_columns = n_columns;
  table->widths = g_new0 (guint, n_columns);
  table->rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  return table;
}

void
cli_table_free (CliTable *table)
{
  if (table == NULL)
    return;
  g_ptr_array_unref (table->rows);
  g_free (table->widths);
  g_free (table);
}

/* Widens @column to hold @text. The last column is never padded. */
void
cli_table_fit (CliTable   *table,
               guint       column,
               const char *text)
{
  g_return_if_fail (column < table->n_columns);
  table->widths[column] = MAX (table->widths[column], xa_text_display_width (text));
}

static void
print_cells (CliTable    *table,
             const char **cells,
             guint        n_cells)
{
  g_autoptr(GString) line = g_string_new (NULL);

  for (guint i = 0; i < n_cells; i++)
    {
      g_string_append (line, cells[i]);
      if (i + 1 < n_cells)
        for (guint pad = MIN (xa_text_display_width (cells[i]), table->widths[i]); pad < table->widths[i] + 2; pad++)
          g_string_append_c (line, ' ');
    }
  g_print ("%s\n", line->str);
}

/* Up to one text a column, NULL-terminated, into @cells. */
static guint
collect (CliTable    *table,
         const char **cells,
         const char  *first,
         va_list      args)
{
  guint n = 0;

  for (const char *text = first; text != NULL && n < table->n_columns; text = va_arg (args, const char *))
    cells[n++] = text;
  return n;
}

/* One line at once: @first and the texts after it, one per column, then
 * NULL. Texts must be safe to print (cli_safe()). */
void
cli_table_print_row (CliTable   *table,
                     const char *first,
                     ...)
{
  g_autofree const char **cells = g_new0 (const char *, table->n_columns);
  va_list args;
  guint n;

  va_start (args, first);
  n = collect (table, cells, first, args);
  va_end (args);
  print_cells (table, cells, n);
}

/* A row kept for cli_table_print(), its columns fitted to it. */
void
cli_table_add_row (CliTable   *table,
                   const char *first,
                   ...)
{
  g_autofree const char **cells = g_new0 (const char *, table->n_columns + 1);
  va_list args;
  guint n;

  va_start (args, first);
  n = collect (table, cells, first, args);
  va_end (args);
  for (guint i = 0; i < n; i++)
    cli_table_fit (table, i, cells[i]);
  g_ptr_array_add (table->rows, g_strdupv ((char **) cells));
}

void
cli_table_print (CliTable *table)
{
  for (guint i = 0; i < table->rows->len; i++)
    {
      const char **cells = g_ptr_array_index (table->rows, i);

      print_cells (table, cells, g_strv_length ((char **) cells));
    }
}
