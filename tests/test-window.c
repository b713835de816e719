/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "xa-application.h"
#include "xa-window.h"

static GtkWidget *
find_status_page (GtkWidget *widget)
{
  if (ADW_IS_STATUS_PAGE (widget))
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_status_page (child);
      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
test_empty_state (void)
{
  g_autoptr(XaApplication) app = xa_application_new ();
  XaWindow *window;
  AdwStatusPage *page;

  g_application_register (G_APPLICATION (app), NULL, NULL);
  window = xa_window_new (ADW_APPLICATION (app));
  gtk_window_present (GTK_WINDOW (window));

  page = ADW_STATUS_PAGE (find_status_page (GTK_WIDGET (window)));
  g_assert_nonnull (page);
  g_assert_cmpstr (adw_status_page_get_title (page), ==, "No devices yet");
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (page)));
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "Xiaozhi Activator");

  /* The shortcuts window the menu offers is there. */
  g_assert_nonnull (gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (window)));
  g_assert_true (g_action_group_has_action (G_ACTION_GROUP (app), "quit"));
  g_assert_true (g_action_group_has_action (G_ACTION_GROUP (app), "about"));

  gtk_window_destroy (GTK_WINDOW (window));
  while (g_main_context_iteration (NULL, FALSE));
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/xa/window/empty-state", test_empty_state);

  return g_test_run ();
}
