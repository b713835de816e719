/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "xa-a11y.h"
#include "xa-identity.h"
#include "xa-mcp-endpoint.h"
#include "xa-mcp-page.h"
#include "xa-mcp-window.h"
#include "xa-report.h"
#include "xa-store.h"
#include "xa-token-store.h"

/* The MCP Endpoints window: the kept endpoints, and a pasted address
 * split where it arrives, its token into the keyring at once and never
 * into the endpoints file. */

struct _XaMcpWindow
{
  AdwPreferencesWindow  parent_instance;

  XaStore              *store;
  GCancellable         *cancellable;
  AdwEntryRow          *name_row;
  AdwEntryRow          *address_row;     /* an AdwPasswordEntryRow: the address holds the token */
  GtkWidget            *add_button;
  GtkLabel             *add_error;
  GtkListBox           *list;
};

G_DEFINE_FINAL_TYPE (XaMcpWindow, xa_mcp_window, ADW_TYPE_PREFERENCES_WINDOW)

/* "self-hosted (mcp-endpoint-server) · Token is valid" */
static void
update_row (GtkWidget     *row,
            GParamSpec    *pspec,
            XaMcpEndpoint *endpoint)
{
  g_autoptr(XaReport) last = xa_mcp_endpoint_dup_last_report (endpoint);
  /* Translators: which server · how its last Test went */
  g_autofree char *subtitle = g_strdup_printf (_("%s · %s"), xa_mcp_endpoint_describe_server (xa_mcp_endpoint_get_address (endpoint)),
                                               last ? xa_report_get_title (last) : _("Not tested yet"));

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), xa_mcp_endpoint_get_name (endpoint));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
}

static GtkWidget *
create_row (gpointer item,
            gpointer user_data)
{
  XaMcpEndpoint *endpoint = item;
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("go-next-symbolic"));
  g_object_set_data_full (G_OBJECT (row), "endpoint", g_object_ref (endpoint), g_object_unref);
  update_row (row, NULL, endpoint);
  xa_a11y_fix_widget (row);
  g_signal_connect_object (endpoint, "notify::name", G_CALLBACK (update_row), row, G_CONNECT_SWAPPED);
  g_signal_connect_object (endpoint, "notify::last-tested", G_CALLBACK (update_row), row, G_CONNECT_SWAPPED);
  return row;
}

static void
show_endpoint (XaMcpWindow   *self,
               XaMcpEndpoint *endpoint)
{
  adw_preferences_window_present_subpage (ADW_PREFERENCES_WINDOW (self), xa_mcp_page_new (self->store, endpoint));
}

static void
row_activated_cb (XaMcpWindow   *self,
                  GtkListBoxRow *row)
{
  show_endpoint (self, g_object_get_data (G_OBJECT (row), "endpoint"));
}

/* ---- adding ----------------------------------------------------------- */

static void
say_add_error (XaMcpWindow *self,
               const char  *message)
{
  gtk_label_set_text (self->add_error, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->add_error), message != NULL);
}

static void
entries_changed_cb (XaMcpWindow *self)
{
  const char *name = gtk_editable_get_text (GTK_EDITABLE (self->name_row));
  const char *url = gtk_editable_get_text (GTK_EDITABLE (self->address_row));

  gtk_widget_set_sensitive (self->add_button, *name != '\0' && *url != '\0');
  say_add_error (self, NULL);
  gtk_widget_remove_css_class (GTK_WIDGET (self->address_row), "error");
}

typedef struct
{
  XaMcpWindow   *self;
  XaMcpEndpoint *endpoint;
  char          *token;     /* secret */
} Adding;

static void
adding_free (Adding *adding)
{
  g_object_unref (adding->self);
  g_object_unref (adding->endpoint);
  xa_secret_free (adding->token);
  g_free (adding);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Adding, adding_free)

static void
taken_back_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!xa_store_finish (XA_STORE (source), result, &error))
    g_warning ("MCP endpoints: an endpoint without its token stays listed: %s", error->message);
}

static void
token_saved_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(Adding) adding = user_data;
  XaMcpWindow *self = adding->self;
  g_autoptr(GError) error = NULL;

  gtk_widget_set_sensitive (self->add_button, TRUE);
  if (!xa_token_store_save_finish (result, &error))
    {
      /* Without its token it would be a name that cannot be tested. */
      xa_store_remove_async (self->store, adding->endpoint, NULL, taken_back_cb, NULL);
      say_add_error (self, error->message);
      return;
    }
  if (g_cancellable_is_cancelled (self->cancellable))
    return;
  gtk_editable_set_text (GTK_EDITABLE (self->name_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->address_row), "");
  show_endpoint (self, adding->endpoint);
}

static void
added_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(Adding) adding = user_data;
  g_autoptr(GError) error = NULL;

  if (!xa_store_finish (XA_STORE (source), result, &error))
    {
      gtk_widget_set_sensitive (adding->self->add_button, TRUE);
      say_add_error (adding->self, error->message);
      return;
    }
  {
    Adding *owned = g_steal_pointer (&adding);
    xa_token_store_save_mcp_async (owned->endpoint, owned->token, NULL, token_saved_cb, owned);
  }
}

static void
add_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  XaMcpWindow *self = XA_MCP_WINDOW (widget);
  g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->name_row))));
  g_autofree char *address = NULL;
  g_autoptr(GError) error = NULL;
  Adding *adding;
  char *token = NULL;

  if (*name == '\0')
    return;
  if (!xa_mcp_endpoint_split (gtk_editable_get_text (GTK_EDITABLE (self->address_row)), &address, &token, &error))
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->address_row), "error");
      say_add_error (self, error->message);
      return;
    }
  adding = g_new0 (Adding, 1);
  adding->self = g_object_ref (self);
  adding->endpoint = xa_mcp_endpoint_new (name, address);
  adding->token = token;
  gtk_widget_set_sensitive (self->add_button, FALSE);
  xa_store_add_async (self->store, adding->endpoint, NULL, added_cb, adding);
}

/* Enter in the address adds, as the Add button would. */
static void
address_activated_cb (XaMcpWindow *self)
{
  if (gtk_widget_get_sensitive (self->add_button))
    gtk_widget_activate_action (GTK_WIDGET (self), "mcp-window.add", NULL);
}

/* ---- building --------------------------------------------------------- */

static void
build (XaMcpWindow *self)
{
  GtkWidget *page = adw_preferences_page_new ();
  AdwPreferencesGroup *add = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  AdwPreferencesGroup *kept = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  GtkWidget *placeholder = gtk_label_new (_("No MCP endpoints yet"));

  adw_preferences_page_set_title (ADW_PREFERENCES_PAGE (page), _("MCP Endpoints"));
  adw_preferences_page_set_icon_name (ADW_PREFERENCES_PAGE (page), "network-server-symbolic");

  adw_preferences_group_set_title (add, _("Add an Endpoint"));
  adw_preferences_group_set_description (add, _("Paste the address the console gives (MCP接入点). Its token goes "
                                                "into the keyring at once, never into a file."));
  self->name_row = ADW_ENTRY_ROW (adw_entry_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->name_row), _("_Name"));
  adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (self->name_row), TRUE);
  self->address_row = ADW_ENTRY_ROW (adw_password_entry_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->address_row), _("_Address With Token"));
  adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (self->address_row), TRUE);
  adw_entry_row_set_activates_default (self->address_row, FALSE);
  g_signal_connect_swapped (self->name_row, "changed", G_CALLBACK (entries_changed_cb), self);
  g_signal_connect_swapped (self->address_row, "changed", G_CALLBACK (entries_changed_cb), self);
  g_signal_connect_swapped (self->address_row, "entry-activated", G_CALLBACK (address_activated_cb), self);
  adw_preferences_group_add (add, GTK_WIDGET (self->name_row));
  adw_preferences_group_add (add, GTK_WIDGET (self->address_row));
  self->add_button = gtk_button_new_with_mnemonic (_("A_dd"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->add_button), "mcp-window.add");
  gtk_widget_add_css_class (self->add_button, "suggested-action");
  gtk_widget_set_valign (self->add_button, GTK_ALIGN_CENTER);
  gtk_widget_set_sensitive (self->add_button, FALSE);
  adw_preferences_group_set_header_suffix (add, self->add_button);
  self->add_error = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (self->add_error, TRUE);
  gtk_label_set_xalign (self->add_error, 0);
  gtk_widget_add_css_class (GTK_WIDGET (self->add_error), "error");
  gtk_widget_set_margin_top (GTK_WIDGET (self->add_error), 6);
  gtk_widget_set_visible (GTK_WIDGET (self->add_error), FALSE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->add_error), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Why it was not added"), -1);
  adw_preferences_group_add (add, GTK_WIDGET (self->add_error));
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), add);

  adw_preferences_group_set_title (kept, _("Kept Endpoints"));
  self->list = GTK_LIST_BOX (gtk_list_box_new ());
  gtk_widget_add_css_class (GTK_WIDGET (self->list), "boxed-list");
  gtk_list_box_set_selection_mode (self->list, GTK_SELECTION_NONE);
  gtk_widget_add_css_class (placeholder, "dim-label");
  gtk_widget_set_margin_top (placeholder, 12);
  gtk_widget_set_margin_bottom (placeholder, 12);
  gtk_list_box_set_placeholder (self->list, placeholder);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->list), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Kept Endpoints"), -1);
  g_signal_connect_swapped (self->list, "row-activated", G_CALLBACK (row_activated_cb), self);
  adw_preferences_group_add (kept, GTK_WIDGET (self->list));
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), kept);

  adw_preferences_window_add (ADW_PREFERENCES_WINDOW (self), ADW_PREFERENCES_PAGE (page));
}

static void
xa_mcp_window_dispose (GObject *object)
{
  XaMcpWindow *self = XA_MCP_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  if (self->list != NULL)
    gtk_list_box_bind_model (self->list, NULL, NULL, NULL, NULL);
  G_OBJECT_CLASS (xa_mcp_window_parent_class)->dispose (object);
}

static void
xa_mcp_window_finalize (GObject *object)
{
  XaMcpWindow *self = XA_MCP_WINDOW (object);

  g_clear_object (&self->store);
  g_clear_object (&self->cancellable);
  G_OBJECT_CLASS (xa_mcp_window_parent_class)->finalize (object);
}

static void
xa_mcp_window_class_init (XaMcpWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = xa_mcp_window_dispose;
  object_class->finalize = xa_mcp_window_finalize;
  gtk_widget_class_install_action (widget_class, "mcp-window.add", NULL, add_action);
}

static void
xa_mcp_window_init (XaMcpWindow *self)
{
  self->cancellable = g_cancellable_new ();
  adw_preferences_window_set_search_enabled (ADW_PREFERENCES_WINDOW (self), FALSE);
  gtk_window_set_title (GTK_WINDOW (self), _("MCP Endpoints"));
  gtk_window_set_default_size (GTK_WINDOW (self), 600, 820);
  build (self);
  xa_a11y_fix_names (GTK_WIDGET (self));
}

GtkWidget *
xa_mcp_window_new (GtkWindow *parent,
                   XaStore   *store)
{
  XaMcpWindow *self = g_object_new (XA_TYPE_MCP_WINDOW, "transient-for", parent, NULL);

  self->store = g_object_ref (store);
  gtk_list_box_bind_model (self->list, G_LIST_MODEL (store), create_row, NULL, NULL);
  return GTK_WIDGET (self);
}
