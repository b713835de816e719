/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Starts the real app (or, with --bare, a bare libadwaita window: a header
 * bar and a status page) and quits once its first frame is drawn, so that
 * bench/startup.sh can time "until the first window is on screen". */
#include "config.h"

#include <adwaita.h>

#include "xa-application.h"

static void
painted_cb (GdkFrameClock *clock,
            GApplication  *app)
{
  g_signal_handlers_disconnect_by_func (clock, painted_cb, app);
  g_application_quit (app);
}

static void
mapped_cb (GtkWidget    *window,
           GApplication *app)
{
  g_signal_connect (gtk_widget_get_frame_clock (window), "after-paint", G_CALLBACK (painted_cb), app);
}

static void
window_added_cb (GtkApplication *app,
                 GtkWindow      *window)
{
  g_signal_connect (window, "map", G_CALLBACK (mapped_cb), app);
}

static void
bare_activate_cb (GApplication *app)
{
  GtkWidget *window = adw_application_window_new (GTK_APPLICATION (app));
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *status = adw_status_page_new ();

  adw_status_page_set_title (ADW_STATUS_PAGE (status), "No Devices Yet");
  adw_status_page_set_icon_name (ADW_STATUS_PAGE (status), "list-add-symbolic");
  gtk_widget_set_vexpand (status, TRUE);
  gtk_box_append (GTK_BOX (box), adw_header_bar_new ());
  gtk_box_append (GTK_BOX (box), status);
  adw_application_window_set_content (ADW_APPLICATION_WINDOW (window), box);
  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 720);
  gtk_window_present (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GApplication) app = NULL;

  if (argc > 1 && g_str_equal (argv[1], "--bare"))
    {
      app = G_APPLICATION (adw_application_new ("io.github.xiaozhi_activator.BenchBare", G_APPLICATION_DEFAULT_FLAGS));
      g_signal_connect (app, "activate", G_CALLBACK (bare_activate_cb), NULL);
    }
  else
    app = G_APPLICATION (xa_application_new (NULL));

  g_signal_connect (app, "window-added", G_CALLBACK (window_added_cb), NULL);
  return g_application_run (app, 1, argv);
}
