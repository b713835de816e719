/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

void xa_a11y_fix_names        (GtkWidget    *root);
void xa_a11y_fix_widget       (GtkWidget    *widget);
void xa_a11y_hide_other_pages (AdwViewStack *stack);
void xa_a11y_fix_file_chooser (void);

G_END_DECLS
