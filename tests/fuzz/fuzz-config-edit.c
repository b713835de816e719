/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>

#include "fuzz.h"
#include "xa-export.h"
#include "xa-identity.h"
#include "xa-json-edit.h"
#include "xa-json.h"

/* py-xiaozhi's config.json as a user (or a broken tool) left it. The
 * exporter's promise: the file ends up valid with our token in place, or
 * it is refused and left byte for byte. (The splice alone promises less:
 * json-glib also reads text no JSON parser would, such as "{ /../ }",
 * and the exporter's read-back check refuses what the splice then
 * breaks.) */
int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  static char *dir;
  g_autofree char *text = fuzz_text (data, size);
  g_autofree char *path = NULL;
  g_autofree char *after = NULL;
  g_autoptr(JsonNode) before = xa_json_parse (text, -1, NULL);
  g_autoptr(XaIdentity) identity = xa_identity_new ("02:00:00:00:00:01", NULL, NULL, NULL);
  g_autoptr(XaDevice) device = xa_device_new ("d", "http://127.0.0.1:1/xiaozhi/ota/", identity);
  g_autoptr(XaImported) imported = NULL;

  if (before != NULL && JSON_NODE_HOLDS_OBJECT (before))
    g_free (xa_json_edit_set (text, "SYSTEM_OPTIONS.NETWORK.WEBSOCKET_ACCESS_TOKEN", "\"tok\""));

  if (dir == NULL)
    dir = g_dir_make_tmp ("xa-fuzz-config-XXXXXX", NULL);
  path = g_build_filename (dir, "config.json", NULL);
  g_assert_true (g_file_set_contents (path, text, size, NULL));
  if (!xa_py_xiaozhi_export (dir, device, "tok", NULL, NULL))
    {
      g_assert_true (g_file_get_contents (path, &after, NULL, NULL));
      g_assert_cmpmem (after, strlen (after), text, strlen (text));
      return 0;
    }
  imported = xa_py_xiaozhi_import (dir, NULL);
  g_assert_nonnull (imported);
  g_assert_cmpstr (imported->token, ==, "tok");
  return 0;
}
