/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "xa-window.h"

struct _XaWindow
{
  AdwApplicationWindow  parent_instance;

  AdwToastOverlay      *toast_overlay;
  AdwStatusPage        *empty_page;
};

G_DEFINE_FINAL_TYPE (XaWindow, xa_window, ADW_TYPE_APPLICATION_WINDOW)

static void
xa_window_class_init (XaWindowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/xiaozhi_activator/Activator/xa-window.ui");
  gtk_widget_class_bind_template_child (widget_class, XaWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, XaWindow, empty_page);
}

static void
xa_window_init (XaWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

XaWindow *
xa_window_new (AdwApplication *application)
{
  return g_object_new (XA_TYPE_WINDOW, "application", application, NULL);
}
