/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "xa-a11y.h"
#include "xa-activation-view.h"
#include "xa-open-uri.h"
#include "xa-qr.h"

/* One activation as the user follows it: the code large, where to type
 * it, a countdown when the server gave one, the live status, and how it
 * ended. It only shows an XaActivation; XaDeviceSession runs it. */
struct _XaActivationView
{
  GtkWidget      parent_instance;

  XaActivation  *activation;
  XaDevice      *device;
  guint          ticker_id;
  char          *last_error;

  GtkWidget     *scroller;
  AdwViewStack  *activation_stack;
  GtkSpinner    *spinner;
  GtkLabel      *code_label;
  GtkInscription *countdown_label;
  GtkPicture    *qr_picture;
  GtkLabel      *steps_label;
  GtkButton     *open_panel_button;
  GtkInscription *status_label;
  GtkLabel      *setup_label;
  AdwStatusPage *done_page;
  AdwStatusPage *failed_page;
};

G_DEFINE_FINAL_TYPE (XaActivationView, xa_activation_view, GTK_TYPE_WIDGET)

static void
show_page (XaActivationView *self,
           const char       *name)
{
  adw_view_stack_set_visible_child_name (self->activation_stack, name);
  /* A hidden spinner that spins still makes GTK redraw all the time. */
  gtk_spinner_set_spinning (self->spinner, g_str_equal (name, "requesting"));
}

/* New words, redrawn in place; a screen reader reads them as the label's. */
static void
set_inscription (GtkInscription *inscription,
                 const char     *text)
{
  if (g_strcmp0 (gtk_inscription_get_text (inscription), text) == 0)
    return;
  gtk_inscription_set_text (inscription, text);
  gtk_accessible_update_property (GTK_ACCESSIBLE (inscription), GTK_ACCESSIBLE_PROPERTY_LABEL, text, -1);
}

/* What the last check said, to the minute: a text that changed every
 * second (or at every check) redrew the window as often, 4 % of a CPU
 * with software rendering (bench/idle-cpu.sh, #20). */
static void
show_status (XaActivationView *self)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  /* Translators: a time of day, hours and minutes, see g_date_time_format() */
  g_autofree char *when = g_date_time_format (now, _("%H:%M"));
  /* Translators: %s is the time of day (hours and minutes) of the last check */
  g_autofree char *status = g_strdup_printf (_("Waiting for the code to be entered — checked every few seconds, "
                                               "last at %s."), when);

  if (self->last_error != NULL)
    {
      g_autofree char *both = g_strdup_printf (_("%s The last check failed: %s"), status, self->last_error);
      g_free (status);
      status = g_steal_pointer (&both);
    }
  set_inscription (self->status_label, status);
}

/* The countdown, when the server says how long its code lives: in minutes,
 * and to the second in the last two; the text changes (and the page is
 * redrawn) only when what it says does. */
static gboolean
ticker_cb (gpointer user_data)
{
  XaActivationView *self = user_data;
  const XaOtaAnswer *answer = xa_activation_get_current (self->activation);
  g_autofree char *countdown = NULL;

  if (xa_activation_get_state (self->activation) != XA_ACTIVATION_STATE_WAITING_FOR_USER)
    return G_SOURCE_CONTINUE;

  if (answer != NULL && answer->timeout_ms > 0)
    {
      gint64 left = xa_activation_get_seconds_left (self->activation);

      if (left > 120)
        /* Translators: %d is a number of minutes the code stays valid */
        countdown = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Valid for about %d minute",
                                                  "Valid for about %d minutes", (gulong) ((left + 59) / 60)),
                                     (int) ((left + 59) / 60));
      else
        /* Translators: minutes:seconds the code stays valid */
        countdown = g_strdup_printf (_("Valid for %d:%02d"), (int) (left / 60), (int) (left % 60));
      set_inscription (self->countdown_label, countdown);
    }
  else
    set_inscription (self->countdown_label, _("This code stays valid while this page is open."));
  return G_SOURCE_CONTINUE;
}

/* Step 1 and its button: the console's address when one is known; when
 * the server sent only the placeholder, that it did not say, and a way
 * to type the address (kept on the device: edit "panel-url"). */
static char *
first_step (XaActivationView *self,
            const char       *panel)
{
  const char *placeholder = xa_activation_get_placeholder_panel_url (self->activation);
  g_autofree char *escaped = NULL;

  if (panel != NULL)
    {
      escaped = g_markup_escape_text (panel, -1);
      /* Translators: the first step under the activation code; %s is a link */
      return g_strdup_printf (_("1. Open <a href=\"%s\">%s</a> and log in."), escaped, escaped);
    }
  escaped = g_markup_escape_text (placeholder ? placeholder : "", -1);
  /* Translators: the first step when the server gave no console address; %s is the placeholder it sent */
  return g_strdup_printf (_("1. Open your server’s web console and log in. The server did not say where it is "
                            "(it sent the placeholder %s): type its address with <b>Set Console Address…</b>."),
                          escaped);
}

/* Action and target change together: GTK 4.8 checks the action against
 * the old target as soon as its name is set. */
static void
set_button_action (GtkButton  *button,
                   const char *action,
                   GVariant   *target)
{
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), NULL);
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (button), target);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action);
}

static void
show_code (XaActivationView  *self,
           const XaOtaAnswer *answer)
{
  const char *panel = xa_activation_get_panel_url (self->activation);
  g_auto(GStrv) warnings = xa_ota_answer_setup_warnings (answer, xa_device_get_ota_url (self->device));
  g_autofree char *setup = g_strjoinv ("\n", warnings);
  g_autofree char *id_text = g_markup_escape_text (xa_device_get_device_id (self->device), -1);
  /* Read against the panel's as one word: never broken after a colon. */
  g_autofree char *escaped_id = g_strdup_printf ("<span allow_breaks=\"false\">%s</span>", id_text);
  g_autofree char *first = first_step (self, panel);
  g_autofree char *steps = NULL;
  g_autoptr(GdkTexture) qr = NULL;
  gboolean official = g_strcmp0 (panel, "https://xiaozhi.me/") == 0;

  gtk_label_set_label (self->code_label, answer->code);
  /* Translators: the steps under the activation code after the first; %s is the Device-Id */
  steps = g_strdup_printf (_("%s\n"
                             "2. Add a device and type the code above.\n"
                             "3. Check that the device shown there is <b>%s</b>.\n"
                             "This page notices by itself when you are done."),
                           first, escaped_id);
  gtk_label_set_markup (self->steps_label, steps);
  if (panel != NULL)
    {
      gtk_button_set_label (self->open_panel_button, official ? _("Open xiaozhi.me") : _("Open the Control Panel"));
      set_button_action (self->open_panel_button, "device.open-panel", NULL);
    }
  else
    {
      gtk_button_set_label (self->open_panel_button, _("Set Console Address…"));
      set_button_action (self->open_panel_button, "device.edit", g_variant_new_string ("panel-url"));
    }

  gtk_label_set_label (self->setup_label, setup);
  gtk_widget_set_visible (GTK_WIDGET (self->setup_label), *setup != '\0');

  qr = panel ? xa_qr_texture_new (panel, 4) : NULL;
  gtk_picture_set_paintable (self->qr_picture, GDK_PAINTABLE (qr));
  gtk_widget_set_visible (GTK_WIDGET (self->qr_picture), qr != NULL);

  show_page (self, "waiting");
  show_status (self);
  ticker_cb (self);
}

/* The link in step 1 opens as the button does (and says so when no
 * browser can). */
static gboolean
activate_link_cb (GtkLabel         *label,
                  const char       *uri,
                  XaActivationView *self)
{
  xa_open_uri (GTK_WIDGET (self), uri);
  return TRUE;
}

/* The user typed the console's address while the code is shown: it is
 * where to go now. */
static void
panel_url_changed_cb (XaActivationView *self)
{
  const XaOtaAnswer *answer = xa_activation_get_current (self->activation);

  xa_activation_set_panel_url (self->activation, xa_device_get_panel_url (self->device));
  if (answer != NULL && xa_activation_get_state (self->activation) == XA_ACTIVATION_STATE_WAITING_FOR_USER)
    show_code (self, answer);
}

static void
code_issued_cb (XaActivation      *activation,
                const XaOtaAnswer *answer,
                gboolean           replaces,
                XaActivationView  *self)
{
  GtkWidget *overlay = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);

  show_code (self, answer);
  gtk_widget_grab_focus (GTK_WIDGET (self->open_panel_button));
  /* Focus moved on: no selection left shown on the code. */
  gtk_label_select_region (self->code_label, 0, 0);
  if (replaces && overlay != NULL)
    adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), adw_toast_new (_("The code expired. Here is a new one.")));
}

static void
progress_cb (XaActivation     *activation,
             guint             attempt,
             guint             next_poll_ms,
             const char       *last_error,
             XaActivationView *self)
{
  g_free (self->last_error);
  self->last_error = g_strdup (last_error);
  show_status (self);
}

static void
stop_following (XaActivationView *self)
{
  g_clear_handle_id (&self->ticker_id, g_source_remove);
  if (self->activation != NULL)
    g_signal_handlers_disconnect_by_data (self->activation, self);
  if (self->device != NULL)
    g_signal_handlers_disconnect_by_data (self->device, self);
  g_clear_object (&self->activation);
  g_clear_object (&self->device);
  g_clear_pointer (&self->last_error, g_free);
}

static void
xa_activation_view_dispose (GObject *object)
{
  XaActivationView *self = XA_ACTIVATION_VIEW (object);

  stop_following (self);
  gtk_widget_dispose_template (GTK_WIDGET (self), XA_TYPE_ACTIVATION_VIEW);

  G_OBJECT_CLASS (xa_activation_view_parent_class)->dispose (object);
}

static void
xa_activation_view_class_init (XaActivationViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = xa_activation_view_dispose;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/xiaozhi_activator/Activator/xa-activation-view.ui");
  gtk_widget_class_bind_template_child (widget_class, XaActivationView, scroller);
  gtk_widget_class_bind_template_child (widget_class, XaActivationView, activation_stack);
  gtk_widget_class_bind_template_child (widget_class, XaActivationView, spinner);
  gtk_widget_class_bind_template_child (widget_class, XaActivationView, code_label);
  gtk_widget_class_bind_template_child (widget_class, XaActivationView, countdown_label);
  gtk_widget_class_bind_template_child (widget_class, XaActivationView, qr_picture);
  gtk_widget_class_bind_template_child (widget_class, XaActivationView, steps_label);
  gtk_widget_class_bind_template_child (widget_class, XaActivationView, open_panel_button);
  gtk_widget_class_bind_template_child (widget_class, XaActivationView, status_label);
  gtk_widget_class_bind_template_child (widget_class, XaActivationView, setup_label);
  gtk_widget_class_bind_template_child (widget_class, XaActivationView, done_page);
  gtk_widget_class_bind_template_child (widget_class, XaActivationView, failed_page);
}

static void
xa_activation_view_init (XaActivationView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  xa_a11y_hide_other_pages (self->activation_stack);
  g_signal_connect (self->steps_label, "activate-link", G_CALLBACK (activate_link_cb), self);
}

/* Shows @activation of @device from wherever it is now (a code may
 * already be on screen when the user comes back to the device). */
void
xa_activation_view_follow (XaActivationView *self,
                           XaActivation     *activation,
                           XaDevice         *device)
{
  const XaOtaAnswer *current;

  stop_following (self);
  if (activation == NULL)
    return;

  self->activation = g_object_ref (activation);
  self->device = g_object_ref (device);
  g_signal_connect (activation, "code-issued", G_CALLBACK (code_issued_cb), self);
  g_signal_connect (activation, "progress", G_CALLBACK (progress_cb), self);
  g_signal_connect_swapped (device, "notify::panel-url", G_CALLBACK (panel_url_changed_cb), self);
  self->ticker_id = g_timeout_add_seconds (1, ticker_cb, self);

  current = xa_activation_get_current (activation);
  if (current != NULL && current->has_activation &&
      xa_activation_get_state (activation) == XA_ACTIVATION_STATE_WAITING_FOR_USER)
    show_code (self, current);
  else
    show_page (self, "requesting");
}

void
xa_activation_view_show_done (XaActivationView *self,
                              const char       *title,
                              const char       *description,
                              gboolean          all_well)
{
  stop_following (self);
  adw_status_page_set_icon_name (self->done_page, all_well ? "emblem-ok-symbolic" : "dialog-warning-symbolic");
  adw_status_page_set_title (self->done_page, title);
  adw_status_page_set_description (self->done_page, description);
  show_page (self, "done");
}

void
xa_activation_view_show_failed (XaActivationView *self,
                                const char       *message)
{
  stop_following (self);
  adw_status_page_set_description (self->failed_page, message);
  show_page (self, "failed");
}

/* Whether the view shows how an activation ended well. */
gboolean
xa_activation_view_is_done (XaActivationView *self)
{
  return g_strcmp0 (adw_view_stack_get_visible_child_name (self->activation_stack), "done") == 0;
}

const char *
xa_activation_view_get_code (XaActivationView *self)
{
  return gtk_label_get_label (self->code_label);
}
