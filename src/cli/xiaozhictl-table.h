/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Rows aligned by terminal columns (a Chinese character takes two). Either
 * kept and printed together (cli_table_add_row(), cli_table_print()), or,
 * for a table that arrives slowly (Test All), each column fitted first to
 * what it will hold and every row printed as it comes. */
typedef struct _CliTable CliTable;

CliTable *cli_table_new       (guint        n_columns);
void      cli_table_free      (CliTable    *table);
void      cli_table_fit       (CliTable    *table,
                               guint        column,
                               const char  *text);
void      cli_table_print_row (CliTable    *table,
                               const char  *first,
                               ...) G_GNUC_NULL_TERMINATED;
void      cli_table_add_row   (CliTable    *table,
                               const char  *first,
                               ...) G_GNUC_NULL_TERMINATED;
void      cli_table_print     (CliTable    *table);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CliTable, cli_table_free)

G_END_DECLS
