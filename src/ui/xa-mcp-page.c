/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "xa-a11y.h"
#include "xa-export.h"
#include "xa-identity.h"
#include "xa-mcp-endpoint.h"
#include "xa-mcp-page.h"
#include "xa-mcp-probe.h"
#include "xa-report.h"
#include "xa-store.h"
#include "xa-text.h"
#include "xa-token-store.h"

/* One kept MCP endpoint, as a subpage of the MCP Endpoints window: what
 * it says of itself (its token masked until revealed, an official
 * token's claims "read, not checked"), a Test with the do-no-harm note
 * before the first one, its exports and its removal. */

struct _XaMcpPage
{
  GtkBox               parent_instance;

  XaStore             *store;
  XaMcpEndpoint       *endpoint;
  GCancellable        *cancellable;      /* the page's life */
  GCancellable        *test_cancellable;
  char                *token;            /* secret; NULL until the keyring answered */

  AdwActionRow        *token_row;
  GtkToggleButton     *reveal_button;
  AdwPreferencesGroup *claims_group;
  GtkWidget           *claims_rows[4];
  GtkSpinButton       *stay_button;
  GtkButton           *test_button;
  AdwActionRow        *verdict_row;
  GtkImage            *verdict_icon;
  AdwExpanderRow      *details_row;
  GtkLabel            *details_label;
};

G_DEFINE_FINAL_TYPE (XaMcpPage, xa_mcp_page, GTK_TYPE_BOX)

static void
toast (XaMcpPage  *self,
       const char *text)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  if (ADW_IS_PREFERENCES_WINDOW (root))
    adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (root), adw_toast_new (text));
}

static void
show_error (XaMcpPage  *self,
            const char *heading,
            const char *body)
{
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))), heading, body);

  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ---- what it says of itself -------------------------------------------- */

static void
show_token (XaMcpPage *self)
{
  g_autofree char *masked = xa_token_mask (self->token);

  adw_action_row_set_subtitle (self->token_row,
                               gtk_toggle_button_get_active (self->reveal_button) ? self->token : masked);
}

static void
reveal_toggled_cb (XaMcpPage *self)
{
  gboolean revealed = gtk_toggle_button_get_active (self->reveal_button);
  const char *what = revealed ? _("Hide Token") : _("Reveal Token");

  gtk_widget_set_tooltip_text (GTK_WIDGET (self->reveal_button), what);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->reveal_button), GTK_ACCESSIBLE_PROPERTY_LABEL, what, -1);
  if (self->token != NULL)
    show_token (self);
}

static GtkWidget *
property_row (AdwPreferencesGroup *group,
              const char          *title,
              const char          *value)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), value);
  gtk_widget_add_css_class (row, "property");
  adw_preferences_group_add (group, row);
  return row;
}

static void
show_claims (XaMcpPage *self)
{
  g_autoptr(XaMcpClaims) claims = xa_mcp_token_read_claims (self->token);
  const char *titles[] = { _("Agent ID"), _("Endpoint ID"), _("Issued"), _("Expires") };
  g_autofree char *issued = NULL;
  g_autofree char *expires = NULL;
  const char *values[4];

  if (claims == NULL)
    {
      adw_preferences_group_set_description (self->claims_group,
                                             _("Not a JWT: only its server can read it (a self-hosted token is "
                                               "encrypted)."));
      return;
    }
  adw_preferences_group_set_description (self->claims_group,
                                         _("What it says, read from the token and not checked by the server."));
  issued = xa_text_format_time (claims->issued_at, _("not said"));
  expires = xa_text_format_time (claims->expires_at, _("not said (older tokens do not)"));
  values[0] = claims->agent_id ? claims->agent_id : _("not said");
  values[1] = claims->endpoint_id ? claims->endpoint_id : _("not said");
  values[2] = issued;
  values[3] = expires;
  for (guint i = 0; i < G_N_ELEMENTS (self->claims_rows); i++)
    self->claims_rows[i] = property_row (self->claims_group, titles[i], values[i]);
  if (xa_mcp_claims_expired (claims, g_get_real_time () / G_USEC_PER_SEC))
    {
      adw_action_row_set_subtitle (ADW_ACTION_ROW (self->claims_rows[3]),
                                   _("Expired: get a new endpoint address from the console."));
      gtk_widget_add_css_class (self->claims_rows[3], "error");
    }
}

static void
set_ready (XaMcpPage *self,
           gboolean   ready)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "mcp.test", ready);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "mcp.copy", ready);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "mcp.export-env", ready);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "mcp.export-env-to", ready);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "mcp.export-client", ready);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "mcp.export-client-to", ready);
  gtk_widget_set_sensitive (GTK_WIDGET (self->reveal_button), ready);
}

static void
token_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(XaMcpPage) self = user_data;
  g_autoptr(GError) error = NULL;
  char *token = xa_token_store_lookup_finish (result, &error);

  if (g_cancellable_is_cancelled (self->cancellable))
    {
      xa_secret_free (token);
      return;
    }
  if (token == NULL)
    {
      adw_action_row_set_subtitle (self->token_row,
                                   error ? error->message
                                         : _("The keyring holds no token for this endpoint. Remove it and add "
                                             "its address again."));
      return;
    }
  self->token = token;
  show_token (self);
  show_claims (self);
  set_ready (self, TRUE);
}

/* ---- the Test ----------------------------------------------------------- */

static void
show_report (XaMcpPage      *self,
             const XaReport *report,
             gint64          when)
{
  g_autofree char *details = xa_report_format_details (report);
  g_autofree char *date = xa_text_format_time (when, "");
  /* Translators: %s is a date and time */
  g_autofree char *tested = g_strdup_printf (_("Last Test: %s"), date);

  gtk_image_set_from_icon_name (self->verdict_icon, xa_verdict_get_icon_name (report->verdict));
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->verdict_row), xa_report_get_title (report));
  adw_action_row_set_subtitle (self->verdict_row, report->advice);
  adw_expander_row_set_subtitle (self->details_row, tested);
  gtk_label_set_text (self->details_label, details);
  gtk_widget_set_visible (GTK_WIDGET (self->details_row), TRUE);
}

/* A verdict that could not be kept is said: the endpoint was removed
 * meanwhile (by xiaozhictl, say), or its file cannot be written. */
static void
saved_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(XaMcpPage) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!xa_store_finish (XA_STORE (source), result, &error) && !g_cancellable_is_cancelled (self->cancellable))
    toast (self, error->message);
}

static void
test_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(XaMcpPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(XaReport) report = xa_mcp_probe_finish (result, &error);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  g_clear_object (&self->test_cancellable);
  if (g_cancellable_is_cancelled (self->cancellable))
    return;
  gtk_button_set_label (self->test_button, _("_Test"));
  set_ready (self, TRUE);
  if (report == NULL)
    {
      show_error (self, _("The Test Did Not Run"), error->message);
      return;
    }
  if (report->verdict == XA_VERDICT_CANCELLED)
    return;
  xa_mcp_endpoint_set_last_report (self->endpoint, report, now);
  xa_store_save_async (self->store, self->endpoint, NULL, saved_cb, g_object_ref (self));
  show_report (self, report, now);
}

static void
run_test (XaMcpPage *self)
{
  guint stay_s = (guint) gtk_spin_button_get_value_as_int (self->stay_button);

  self->test_cancellable = g_cancellable_new ();
  set_ready (self, FALSE);
  gtk_button_set_label (self->test_button, _("Testing…"));
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->verdict_row), _("Testing…"));
  adw_action_row_set_subtitle (self->verdict_row, "");
  xa_mcp_probe_async (xa_mcp_endpoint_get_address (self->endpoint), self->token, stay_s * 1000,
                      self->test_cancellable, test_done_cb, g_object_ref (self));
}

static void
first_test_cb (AdwMessageDialog *dialog,
               const char       *response,
               XaMcpPage        *self)
{
  if (g_str_equal (response, "test") && !g_cancellable_is_cancelled (self->cancellable) && self->token != NULL)
    run_test (self);
}

/* Before the first Test of an endpoint, say what it does to a running
 * provider of a self-hosted one. */
static void
test_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  XaMcpPage *self = XA_MCP_PAGE (widget);
  GtkWidget *dialog;
  g_autofree char *heading = NULL;

  if (self->token == NULL || self->test_cancellable != NULL)
    return;
  if (xa_mcp_endpoint_get_last_tested (self->endpoint) != 0)
    {
      run_test (self);
      return;
    }
  /* Translators: %s is the endpoint's name */
  heading = g_strdup_printf (_("Test “%s”?"), xa_mcp_endpoint_get_name (self->endpoint));
  dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (widget)), heading, xa_mcp_probe_get_do_no_harm ());
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"), "test", _("_Test"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "test", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "test");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (first_test_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ---- exports ------------------------------------------------------------ */

static char *
dup_url (XaMcpPage *self)
{
  return xa_mcp_endpoint_join (xa_mcp_endpoint_get_address (self->endpoint), self->token);
}

static void
copy_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  XaMcpPage *self = XA_MCP_PAGE (widget);
  g_auto(XaSecret) url = dup_url (self);

  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), url);
  toast (self, _("Address with its token copied"));
}

static void
exported_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(XaMcpPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *written = xa_mcp_export_finish (result, &error);
  g_autofree char *message = NULL;

  if (g_cancellable_is_cancelled (self->cancellable))
    return;
  if (written == NULL)
    {
      show_error (self, _("Nothing Was Exported"), error->message);
      return;
    }
  /* Translators: %s is a file */
  message = g_strdup_printf (_("Wrote “%s”"), written);
  toast (self, message);
}

static void
export_to (XaMcpPage   *self,
           XaMcpExport  target,
           const char  *path)
{
  g_auto(XaSecret) url = dup_url (self);

  xa_mcp_export_async (target, path, url, NULL, exported_cb, g_object_ref (self));
}

static void
export_to_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  export_to (XA_MCP_PAGE (widget),
             g_str_equal (action_name, "mcp.export-env-to") ? XA_MCP_EXPORT_ENV : XA_MCP_EXPORT_XIAOZHI_CLIENT,
             g_variant_get_string (parameter, NULL));
}

static void
chosen_cb (GtkNativeDialog *chooser,
           int              response,
           XaMcpPage       *self)
{
  g_autoptr(GFile) file = response == GTK_RESPONSE_ACCEPT ? gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser))
                                                          : NULL;
  g_autofree char *path = file ? g_file_get_path (file) : NULL;
  XaMcpExport target = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (chooser), "target"));

  if (path != NULL && self->token != NULL)
    export_to (self, target, path);
  g_object_unref (chooser);
}

static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  gboolean env = g_str_equal (action_name, "mcp.export-env");
  GtkFileChooserNative *chooser =
    gtk_file_chooser_native_new (env ? _("Export to an Env File") : _("Export to xiaozhi-client"),
                                 GTK_WINDOW (gtk_widget_get_root (widget)),
                                 env ? GTK_FILE_CHOOSER_ACTION_SAVE : GTK_FILE_CHOOSER_ACTION_OPEN,
                                 _("_Export"), _("_Cancel"));

  if (env)
    gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), ".env");
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_object_set_data (G_OBJECT (chooser), "target",
                     GINT_TO_POINTER (env ? XA_MCP_EXPORT_ENV : XA_MCP_EXPORT_XIAOZHI_CLIENT));
  g_signal_connect_object (chooser, "response", G_CALLBACK (chosen_cb), widget, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
  xa_a11y_fix_file_chooser ();
}

/* ---- removal ------------------------------------------------------------ */

static void
removed_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(XaMcpPage) self = user_data;
  g_autoptr(GError) error = NULL;
  GtkRoot *root;

  if (!xa_store_finish (XA_STORE (source), result, &error))
    {
      show_error (self, _("The Endpoint Was Not Removed"), error->message);
      return;
    }
  root = gtk_widget_get_root (GTK_WIDGET (self));
  if (ADW_IS_PREFERENCES_WINDOW (root))
    adw_preferences_window_close_subpage (ADW_PREFERENCES_WINDOW (root));
}

static void
token_deleted_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(XaMcpPage) self = user_data;
  g_autoptr(GError) error = NULL;

  /* The token first: a name left without one can be removed again. */
  if (!xa_token_store_delete_finish (result, &error))
    {
      show_error (self, _("The Endpoint Was Not Removed"), error->message);
      return;
    }
  xa_store_remove_async (self->store, self->endpoint, NULL, removed_cb, g_object_ref (self));
}

static void
remove_response_cb (AdwMessageDialog *dialog,
                    const char       *response,
                    XaMcpPage        *self)
{
  if (g_str_equal (response, "remove"))
    xa_token_store_delete_mcp_async (self->endpoint, NULL, token_deleted_cb, g_object_ref (self));
}

static void
remove_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  XaMcpPage *self = XA_MCP_PAGE (widget);
  g_autofree char *heading = g_strdup_printf (_("Remove “%s”?"), xa_mcp_endpoint_get_name (self->endpoint));
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (widget)), heading,
                                              _("Its token is removed from the keyring. Tool providers that "
                                                "were given its address still have it."));

  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"), "remove", _("_Remove"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "remove", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (remove_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
back_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  GtkRoot *root = gtk_widget_get_root (widget);

  if (ADW_IS_PREFERENCES_WINDOW (root))
    adw_preferences_window_close_subpage (ADW_PREFERENCES_WINDOW (root));
}

/* ---- building ----------------------------------------------------------- */

static GtkWidget *
button_row (AdwPreferencesGroup *group,
            const char          *title,
            const char          *subtitle,
            const char          *action)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (row), TRUE);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  if (subtitle != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (row), action);
  adw_preferences_group_add (group, row);
  return row;
}

static void
build (XaMcpPage *self)
{
  const char *address = xa_mcp_endpoint_get_address (self->endpoint);
  GtkWidget *header = adw_header_bar_new ();
  GtkWidget *title = adw_window_title_new (xa_mcp_endpoint_get_name (self->endpoint), _("MCP Endpoint"));
  GtkWidget *back = gtk_button_new_from_icon_name ("go-previous-symbolic");
  GtkWidget *page = adw_preferences_page_new ();
  AdwPreferencesGroup *about = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  AdwPreferencesGroup *test = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  AdwPreferencesGroup *out = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  AdwPreferencesGroup *forget = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  GtkWidget *stay_row = adw_action_row_new ();
  GtkWidget *remove = gtk_button_new_with_mnemonic (_("_Remove Endpoint"));
  g_autoptr(XaReport) last = xa_mcp_endpoint_dup_last_report (self->endpoint);

  gtk_widget_set_tooltip_text (back, _("Back"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (back), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Back"), -1);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (back), "mcp.back");
  adw_header_bar_pack_start (ADW_HEADER_BAR (header), back);
  adw_header_bar_set_title_widget (ADW_HEADER_BAR (header), title);
  gtk_box_append (GTK_BOX (self), header);
  gtk_widget_set_vexpand (page, TRUE);
  gtk_box_append (GTK_BOX (self), page);

  /* What it is. */
  adw_preferences_group_set_title (about, _("Endpoint"));
  property_row (about, _("Address"), address);
  property_row (about, _("Server"), xa_mcp_endpoint_describe_server (address));
  self->token_row = ADW_ACTION_ROW (property_row (about, _("Token"), _("Reading the keyring…")));
  self->reveal_button = GTK_TOGGLE_BUTTON (gtk_toggle_button_new ());
  gtk_button_set_icon_name (GTK_BUTTON (self->reveal_button), "view-reveal-symbolic");
  gtk_widget_set_valign (GTK_WIDGET (self->reveal_button), GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (GTK_WIDGET (self->reveal_button), "flat");
  g_signal_connect_swapped (self->reveal_button, "toggled", G_CALLBACK (reveal_toggled_cb), self);
  adw_action_row_add_suffix (self->token_row, GTK_WIDGET (self->reveal_button));
  reveal_toggled_cb (self);
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), about);

  self->claims_group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  adw_preferences_group_set_title (self->claims_group, _("What the Token Says"));
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), self->claims_group);

  /* Its Test. */
  adw_preferences_group_set_title (test, _("Test"));
  adw_preferences_group_set_description (test, xa_mcp_probe_get_do_no_harm ());
  self->test_button = GTK_BUTTON (gtk_button_new_with_mnemonic (_("_Test")));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->test_button), "mcp.test");
  gtk_widget_add_css_class (GTK_WIDGET (self->test_button), "suggested-action");
  gtk_widget_set_valign (GTK_WIDGET (self->test_button), GTK_ALIGN_CENTER);
  adw_preferences_group_set_header_suffix (test, GTK_WIDGET (self->test_button));
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (stay_row), _("Stay Connected"));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (stay_row),
                               _("Seconds the Test keeps the connection, for a caller to ask for the tools"));
  self->stay_button = GTK_SPIN_BUTTON (gtk_spin_button_new_with_range (1, 60, 1));
  gtk_spin_button_set_value (self->stay_button, XA_MCP_DEFAULT_STAY_MS / 1000);
  gtk_widget_set_valign (GTK_WIDGET (self->stay_button), GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->stay_button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Stay connected, in seconds"), -1);
  adw_action_row_add_suffix (ADW_ACTION_ROW (stay_row), GTK_WIDGET (self->stay_button));
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (stay_row), GTK_WIDGET (self->stay_button));
  adw_preferences_group_add (test, stay_row);
  self->verdict_row = ADW_ACTION_ROW (adw_action_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->verdict_row), _("Not tested yet"));
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (self->verdict_row), FALSE);
  adw_action_row_set_subtitle_lines (self->verdict_row, 0);
  self->verdict_icon = GTK_IMAGE (gtk_image_new_from_icon_name ("dialog-question-symbolic"));
  adw_action_row_add_prefix (self->verdict_row, GTK_WIDGET (self->verdict_icon));
  adw_preferences_group_add (test, GTK_WIDGET (self->verdict_row));
  self->details_row = ADW_EXPANDER_ROW (adw_expander_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->details_row), _("Details"));
  self->details_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_selectable (self->details_label, TRUE);
  gtk_label_set_wrap (self->details_label, TRUE);
  gtk_label_set_xalign (self->details_label, 0);
  gtk_widget_add_css_class (GTK_WIDGET (self->details_label), "monospace");
  gtk_widget_set_margin_start (GTK_WIDGET (self->details_label), 12);
  gtk_widget_set_margin_end (GTK_WIDGET (self->details_label), 12);
  gtk_widget_set_margin_top (GTK_WIDGET (self->details_label), 8);
  gtk_widget_set_margin_bottom (GTK_WIDGET (self->details_label), 8);
  adw_expander_row_add_row (self->details_row, GTK_WIDGET (self->details_label));
  gtk_widget_set_visible (GTK_WIDGET (self->details_row), FALSE);
  adw_preferences_group_add (test, GTK_WIDGET (self->details_row));
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), test);
  if (last != NULL)
    show_report (self, last, xa_mcp_endpoint_get_last_tested (self->endpoint));

  /* Where it goes. */
  adw_preferences_group_set_title (out, _("Export"));
  adw_preferences_group_set_description (out, _("The address with its token, where a tool provider reads it. "
                                                "Every other line of a file is kept; the old file stays "
                                                "beside it as .bak."));
  button_row (out, _("_Copy Address With Token"), NULL, "mcp.copy");
  button_row (out, _("_Env File…"), _("MCP_ENDPOINT, as mcp_pipe.py reads it"), "mcp.export-env");
  button_row (out, _("_xiaozhi-client…"), _("mcpEndpoint in xiaozhi.config.json"), "mcp.export-client");
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), out);

  gtk_widget_add_css_class (remove, "destructive-action");
  gtk_widget_set_halign (remove, GTK_ALIGN_CENTER);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (remove), "mcp.remove");
  adw_preferences_group_add (forget, remove);
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), forget);
}

static void
xa_mcp_page_dispose (GObject *object)
{
  XaMcpPage *self = XA_MCP_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  if (self->test_cancellable != NULL)
    g_cancellable_cancel (self->test_cancellable);
  G_OBJECT_CLASS (xa_mcp_page_parent_class)->dispose (object);
}

static void
xa_mcp_page_finalize (GObject *object)
{
  XaMcpPage *self = XA_MCP_PAGE (object);

  g_clear_object (&self->store);
  g_clear_object (&self->endpoint);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->test_cancellable);
  xa_secret_free (self->token);
  G_OBJECT_CLASS (xa_mcp_page_parent_class)->finalize (object);
}

static void
xa_mcp_page_class_init (XaMcpPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = xa_mcp_page_dispose;
  object_class->finalize = xa_mcp_page_finalize;
  gtk_widget_class_install_action (widget_class, "mcp.test", NULL, test_action);
  gtk_widget_class_install_action (widget_class, "mcp.copy", NULL, copy_action);
  gtk_widget_class_install_action (widget_class, "mcp.export-env", NULL, export_action);
  gtk_widget_class_install_action (widget_class, "mcp.export-client", NULL, export_action);
  gtk_widget_class_install_action (widget_class, "mcp.export-env-to", "s", export_to_action);
  gtk_widget_class_install_action (widget_class, "mcp.export-client-to", "s", export_to_action);
  gtk_widget_class_install_action (widget_class, "mcp.remove", NULL, remove_action);
  gtk_widget_class_install_action (widget_class, "mcp.back", NULL, back_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_t, GDK_CONTROL_MASK, "mcp.test", NULL);
}

static void
xa_mcp_page_init (XaMcpPage *self)
{
  gtk_orientable_set_orientation (GTK_ORIENTABLE (self), GTK_ORIENTATION_VERTICAL);
  self->cancellable = g_cancellable_new ();
}

GtkWidget *
xa_mcp_page_new (XaStore       *store,
                 XaMcpEndpoint *endpoint)
{
  XaMcpPage *self = g_object_new (XA_TYPE_MCP_PAGE, NULL);

  self->store = g_object_ref (store);
  self->endpoint = g_object_ref (endpoint);
  build (self);
  xa_a11y_fix_names (GTK_WIDGET (self));
  set_ready (self, FALSE);
  xa_token_store_lookup_mcp_async (endpoint, self->cancellable, token_cb, g_object_ref (self));
  return GTK_WIDGET (self);
}
