/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "xa-types.h"

G_BEGIN_DECLS

/* The biggest devices CSV read: a classroom is a few dozen boards. */
#define XA_CSV_MAX_SIZE (1024 * 1024)
#define XA_CSV_MAX_ROWS 10000

/* One row of a devices CSV: a device not saved yet, and its secrets when
 * the file has them. */
struct _XaCsvRow
{
  XaDevice *device;
  char     *token;      /* secret */
  char     *hmac_key;   /* secret */
};

void       xa_csv_row_free       (XaCsvRow      *row);
GPtrArray *xa_csv_parse_devices  (const char    *contents,
                                  gsize          length,
                                  const char    *path,
                                  XaStore *store,
                                  GError       **error);
char      *xa_csv_format_devices (GPtrArray     *rows,
                                  gboolean       with_secrets);

G_END_DECLS
