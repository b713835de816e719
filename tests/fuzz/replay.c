/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib.h>

#include "fuzz.h"

/* Without libFuzzer (the GCC build): feed a target every file of its
 * corpus, so that what fuzzing found once stays fixed. */
int
main (int   argc,
      char *argv[])
{
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GError) error = NULL;
  const char *name;
  guint count = 0;

  if (argc != 2)
    g_error ("usage: %s CORPUS-DIR", argv[0]);
  LLVMFuzzerInitialize (&argc, &argv);
  dir = g_dir_open (argv[1], 0, &error);
  g_assert_no_error (error);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (argv[1], name, NULL);
      g_autofree char *contents = NULL;
      gsize length;

      g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
      LLVMFuzzerTestOneInput ((const uint8_t *) contents, length);
      count++;
    }
  g_assert_cmpuint (count, >, 0);
  g_print ("replayed %u inputs\n", count);
  return 0;
}
