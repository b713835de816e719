/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "xa-a11y.h"

/* What a screen reader hears, where GTK 4.8 gets it wrong (found with
 * tests/atspi-reader.py, which reads the window as Orca does). */

/* A button's words without its mnemonic underscores ("__" is one "_"). */
static char *
without_mnemonic (const char *label)
{
  GString *words = g_string_new (NULL);

  for (const char *p = label; *p; p++)
    {
      if (*p == '_' && p[1] == '_')
        g_string_append_c (words, *p++);
      else if (*p != '_')
        g_string_append_c (words, *p);
    }
  return g_string_free (words, FALSE);
}

static void
activate_widget (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       widget)
{
  gtk_widget_activate (widget);
}

/* "@prefix.@name", an action a screen reader can call, that does what a
 * click or Enter does: for a combo row, which opens its list ("combo.open"),
 * and an activatable row (an export, an expander's header), a "list item"
 * with nothing to do otherwise ("row.activate"). */
static void
give_activate_action (GtkWidget  *widget,
                      const char *prefix,
                      const char *name)
{
  g_autoptr(GSimpleActionGroup) group = NULL;
  g_autoptr(GSimpleAction) action = NULL;

  if (g_object_get_data (G_OBJECT (widget), "xa-activate-action") != NULL)
    return;
  g_object_set_data (G_OBJECT (widget), "xa-activate-action", GINT_TO_POINTER (TRUE));
  group = g_simple_action_group_new ();
  action = g_simple_action_new (name, NULL);
  g_signal_connect_object (action, "activate", G_CALLBACK (activate_widget), widget, 0);
  g_action_map_add_action (G_ACTION_MAP (group), G_ACTION (action));
  gtk_widget_insert_action_group (widget, prefix, G_ACTION_GROUP (group));
}

static GtkWidget *
first_action_row (GtkWidget *widget)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = ADW_IS_ACTION_ROW (child) ? child : first_action_row (child);
      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
expanded_cb (AdwExpanderRow *row)
{
  GtkWidget *header = first_action_row (GTK_WIDGET (row));

  if (header != NULL)
    gtk_accessible_update_state (GTK_ACCESSIBLE (header), GTK_ACCESSIBLE_STATE_EXPANDED,
                                 adw_expander_row_get_expanded (row), -1);
}

/* An expander row's header says whether it is open, as a GtkExpander's does. */
static void
give_expander_a_state (AdwExpanderRow *row)
{
  if (g_object_get_data (G_OBJECT (row), "xa-expander-state") != NULL)
    return;
  g_object_set_data (G_OBJECT (row), "xa-expander-state", GINT_TO_POINTER (TRUE));
  g_signal_connect (row, "notify::expanded", G_CALLBACK (expanded_cb), NULL);
  expanded_cb (row);
}

/* Names for what GTK 4.8 and libadwaita 1.2 leave unnamed or misname
 * under @root:
 * - a button with a mnemonic is named by its label twice, once with the
 *   underscore (Orca says "_Add Device Add Device"): its words alone;
 * - a spin button's − and + are "GtkImage": Decrease and Increase;
 * - a search entry without a name (a preferences window's, even with its
 *   search off): Search;
 * - a view switcher's icons are read beside their tab's name: hidden;
 * - a combo row offers a screen reader nothing to do: "combo.open" opens
 *   its list, as a click does; an activatable row neither: "row.activate";
 * - an expander row's header has no expanded state: it is given one. */
static void
fix_one (GtkWidget *root,
         GtkWidget *child)
{
  if (GTK_IS_SPIN_BUTTON (root) && GTK_IS_BUTTON (child))
    {
      /* GTK 4.8 draws "value-decrease-symbolic" (older ones
       * "list-remove-symbolic"): both said, and shown on hover. */
      const char *icon = gtk_button_get_icon_name (GTK_BUTTON (child));
      gboolean decrease = g_strcmp0 (icon, "value-decrease-symbolic") == 0 ||
                          g_strcmp0 (icon, "list-remove-symbolic") == 0;
      const char *name = decrease ? _("Decrease") : _("Increase");

      gtk_accessible_update_property (GTK_ACCESSIBLE (child), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
      gtk_widget_set_tooltip_text (child, name);
    }
  else if (GTK_IS_SEARCH_ENTRY (child))
    gtk_accessible_update_property (GTK_ACCESSIBLE (child), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Search"), -1);
  else if (ADW_IS_COMBO_ROW (child))
    give_activate_action (child, "combo", "open");
  else if (GTK_IS_LIST_BOX_ROW (child) && gtk_list_box_row_get_activatable (GTK_LIST_BOX_ROW (child)) &&
           ADW_IS_ACTION_ROW (child))
    give_activate_action (child, "row", "activate");
  else if (GTK_IS_IMAGE (child) && g_str_equal (G_OBJECT_TYPE_NAME (root), "AdwIndicatorBin"))
    gtk_accessible_update_state (GTK_ACCESSIBLE (child), GTK_ACCESSIBLE_STATE_HIDDEN, TRUE, -1);
  else if (GTK_IS_BUTTON (child) && gtk_button_get_use_underline (GTK_BUTTON (child)) &&
           gtk_button_get_label (GTK_BUTTON (child)) != NULL)
    {
      g_autofree char *words = without_mnemonic (gtk_button_get_label (GTK_BUTTON (child)));
      /* Its label names it as its mnemonic widget ("labelled-by"), and
       * GTK 4.8 adds that to the name: the name alone, once. */
      gtk_accessible_reset_relation (GTK_ACCESSIBLE (child), GTK_ACCESSIBLE_RELATION_LABELLED_BY);
      gtk_accessible_update_property (GTK_ACCESSIBLE (child), GTK_ACCESSIBLE_PROPERTY_LABEL, words, -1);
    }
  if (ADW_IS_EXPANDER_ROW (child))
    give_expander_a_state (ADW_EXPANDER_ROW (child));
}

void
xa_a11y_fix_names (GtkWidget *root)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    {
      fix_one (root, child);
      xa_a11y_fix_names (child);
    }
}

/* The same for @widget itself and what is under it: for a row a list
 * box's model makes after its window was fixed. */
void
xa_a11y_fix_widget (GtkWidget *widget)
{
  fix_one (gtk_widget_get_parent (widget) ? gtk_widget_get_parent (widget) : widget, widget);
  xa_a11y_fix_names (widget);
}

static void
visible_child_cb (AdwViewStack *stack)
{
  GtkWidget *shown = adw_view_stack_get_visible_child (stack);

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (stack)); child;
       child = gtk_widget_get_next_sibling (child))
    gtk_accessible_update_state (GTK_ACCESSIBLE (child), GTK_ACCESSIBLE_STATE_HIDDEN, child != shown, -1);
}

/* A stack keeps its other pages as children, and GTK shows them to a
 * screen reader: an old code, "Device Activated" before it is. Only the
 * page shown is there for it. */
void
xa_a11y_hide_other_pages (AdwViewStack *stack)
{
  g_signal_connect (stack, "notify::visible-child", G_CALLBACK (visible_child_cb), NULL);
  visible_child_cb (stack);
}

/* GTK 4.8's own file chooser (where no portal shows one) has the same
 * double names on its buttons ("_Cancel Cancel"): fixed once it is shown.
 * Call after gtk_native_dialog_show(). */
void
xa_a11y_fix_file_chooser (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWidget) window = g_list_model_get_item (toplevels, i);

      if (GTK_IS_FILE_CHOOSER_DIALOG (window))
        xa_a11y_fix_names (window);
    }
}
