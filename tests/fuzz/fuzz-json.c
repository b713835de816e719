/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "fuzz.h"
#include "xa-device.h"
#include "xa-json-edit.h"
#include "xa-json.h"
#include "xa-ota.h"
#include "xa-report.h"
#include "xa-text.h"

/* What servers and files hand to json-glib and to our readers: a
 * WebSocket frame, a devices.json record (property: what loads, saves
 * into something that loads; whatever xa_json_is_writable() accepts is
 * written as JSON that reads back), a device's last report and the
 * recipes of its words (rendered whatever they say), server text for a
 * terminal. */
int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(JsonNode) root = xa_json_parse ((const char *) data, size, NULL);
  g_autofree char *shown = xa_server_text_sanitize ((const char *) data, size, FALSE);

  for (const char *p = shown; *p; p++)
    g_assert_true ((guchar) *p >= 0x20 && *p != 0x7f);
  g_assert_true (g_utf8_validate (shown, -1, NULL));

  /* What the devices file writes (xa_json_is_writable) reads back. */
  if (root != NULL && xa_json_is_writable (root))
    {
      g_autofree char *text = json_to_string (root, TRUE);
      g_autoptr(JsonNode) again = xa_json_parse (text, -1, NULL);

      g_assert_nonnull (again);
      g_assert_true (json_node_equal (root, again));
    }

  if (root != NULL)
    {
      g_autoptr(XaText) words = xa_text_new_from_json (root);
      g_autoptr(XaReport) report = xa_report_new_from_record (root);
      g_autofree char *said = words ? xa_text_render (words) : NULL;
      g_autofree char *details = report ? xa_report_format_details (report) : NULL;

      g_assert_true (said == NULL || g_utf8_validate (said, -1, NULL));
      g_assert_true (details == NULL || g_utf8_validate (details, -1, NULL));
    }

  if (root != NULL && JSON_NODE_HOLDS_OBJECT (root))
    {
      JsonObject *o = json_node_get_object (root);
      g_autoptr(XaDevice) device = xa_device_new_from_json (o, NULL);

      xa_json_get_string (o, "type");
      xa_json_get_int (o, "version", 0);
      xa_json_get_boolean (o, "success", TRUE);
      if (device != NULL)
        {
          g_autoptr(JsonNode) saved = xa_device_to_json (device);
          g_autofree char *text = json_to_string (saved, FALSE);
          g_autoptr(JsonNode) again = xa_json_parse (text, -1, NULL);

          g_assert_nonnull (again);
        }
    }
  return 0;
}
