/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "xa-application.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(XaApplication) app = NULL;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  g_set_application_name (_("Xiaozhi Activator"));

  /* GSettings aborts on a schema it cannot find: say what to do instead
   * (an install under a prefix is not where GLib looks). */
  {
    GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
    g_autoptr(GSettingsSchema) schema = source ? g_settings_schema_source_lookup (source, APP_ID, TRUE) : NULL;

    if (schema == NULL)
      {
        g_printerr (_("The settings of Xiaozhi Activator (%s) are not installed where GLib looks for them. "
                      "Start it with build-aux/run.sh, or set GSETTINGS_SCHEMA_DIR to the "
                      "share/glib-2.0/schemas folder of the prefix you installed it into "
                      "(and XDG_DATA_DIRS to its share folder).\n"),
                    APP_ID);
        return 1;
      }
  }

  app = xa_application_new (NULL);
  return g_application_run (G_APPLICATION (app), argc, argv);
}
