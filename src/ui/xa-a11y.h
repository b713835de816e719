/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

void xa_a11y_fix_names        (GtkWidget    *root);
void xa_a11y_hide_other_pages (AdwViewStack *stack);

G_END_DECLS
