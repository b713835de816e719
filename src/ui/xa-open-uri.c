/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "xa-a11y.h"
#include "xa-open-uri.h"

/* Opens an address in the browser. Where none opens it (no browser set,
 * a sandbox without the portal), GTK 4.8 says only “Could not show link —
 * Operation not supported”: this says so with the address, selectable,
 * and a button that copies it, so the user can open it elsewhere (#20). */

typedef struct
{
  GtkWindow *parent;
  char      *uri;
} Opening;

static void
opening_free (Opening *opening)
{
  g_clear_object (&opening->parent);
  g_free (opening->uri);
  g_free (opening);
}

static void
fallback_response_cb (AdwMessageDialog *dialog,
                      const char       *response,
                      char             *uri)
{
  if (g_str_equal (response, "copy"))
    gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (dialog)), uri);
}

static void
shown_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  Opening *opening = user_data;
  g_autoptr(GError) error = NULL;
  GtkWidget *dialog, *label;

  if (gtk_show_uri_full_finish (opening->parent, result, &error)
      || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      opening_free (opening);
      return;
    }

  /* The help needs a help viewer, not a browser: there is no address to
   * copy then, only the viewer to install. */
  if (g_str_has_prefix (opening->uri, "help:"))
    {
      dialog = adw_message_dialog_new (opening->parent, _("No Help Viewer Opened the Help"), NULL);
      /* Translators: %s is why nothing opened the help, as the system said */
      adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (dialog),
                                      _("The system said: %s. Install Yelp, GNOME’s help viewer (the package "
                                        "“yelp”), then press F1 again. “man xiaozhictl” documents the "
                                        "command-line tool."),
                                      error->message);
      adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
      xa_a11y_fix_names (dialog);
      gtk_window_present (GTK_WINDOW (dialog));
      opening_free (opening);
      return;
    }
  dialog = adw_message_dialog_new (opening->parent, _("No Browser Opened the Address"), NULL);
  /* Translators: %s is why no browser opened it, as the system said */
  adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (dialog),
                                  _("The system said: %s. Copy the address and open it in a browser, here or on "
                                    "another device."),
                                  error->message);
  label = gtk_label_new (opening->uri);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_CHAR);
  gtk_widget_add_css_class (label, "monospace");
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), label);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "close", _("_Close"),
                                    "copy", _("Copy _Address"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "copy", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "copy");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "close");
  g_signal_connect_data (dialog, "response", G_CALLBACK (fallback_response_cb), g_steal_pointer (&opening->uri),
                         (GClosureNotify) G_CALLBACK (g_free), 0);
  xa_a11y_fix_names (dialog);
  gtk_window_present (GTK_WINDOW (dialog));
  opening_free (opening);
}

void
xa_open_uri (GtkWidget  *widget,
             const char *uri)
{
  GtkRoot *root;
  Opening *opening;

  g_return_if_fail (GTK_IS_WIDGET (widget));
  g_return_if_fail (uri != NULL);

  root = gtk_widget_get_root (widget);
  opening = g_new0 (Opening, 1);
  opening->parent = GTK_IS_WINDOW (root) ? g_object_ref (GTK_WINDOW (root)) : NULL;
  opening->uri = g_strdup (uri);
  gtk_show_uri_full (opening->parent, uri, GDK_CURRENT_TIME, NULL, shown_cb, opening);
}
