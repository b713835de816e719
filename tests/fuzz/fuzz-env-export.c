/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "fuzz.h"
#include "xa-export.h"
#include "xa-identity.h"

/* A token as hostile as it gets, written into an env file beside the
 * user's own lines. Property: no value adds a line, and each of ours
 * reads back as KEY='value', literally. */
int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  static char *path;
  g_autoptr(XaIdentity) identity = xa_identity_new ("02:00:00:00:00:01", NULL, NULL, NULL);
  g_autoptr(XaDevice) device = xa_device_new ("d", "http://127.0.0.1:1/xiaozhi/ota/", identity);
  g_autofree char *token = fuzz_text (data, size);
  g_autofree char *contents = NULL;
  g_autofree char *expected = NULL;
  g_auto(GStrv) lines = NULL;
  gboolean ok;

  if (path == NULL)
    {
      g_autofree char *dir = g_dir_make_tmp ("xa-fuzz-env-XXXXXX", NULL);
      path = g_build_filename (dir, "x.env", NULL);
    }
  g_assert_true (g_file_set_contents (path, "# mine\nPORT=1\n", -1, NULL));

  ok = xa_env_file_export (path, device, token, FALSE, NULL, NULL);
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  if (!ok)
    {
      g_assert_cmpstr (contents, ==, "# mine\nPORT=1\n");
      return 0;
    }

  lines = g_strsplit (contents, "\n", -1);
  /* Two of the user's, five of ours, and the final empty piece. */
  g_assert_cmpuint (g_strv_length (lines), ==, 8);
  expected = g_strdup_printf ("XIAOZHI_ACCESS_TOKEN='%s'", token);
  g_assert_true (g_strv_contains ((const char * const *) lines, expected));
  return 0;
}
