/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "xa-types.h"

G_BEGIN_DECLS

char     *xa_json_edit_set  (const char  *text,
                             const char  *dotted_path,
                             const char  *json_value);

G_END_DECLS
