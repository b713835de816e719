/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "fuzz.h"
#include "xa-csv.h"
#include "xa-device.h"

/* A devices CSV from anyone's spreadsheet. Property: what is read is
 * written as CSV that reads back to the same devices. */
int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rows = xa_csv_parse_devices ((const char *) data, size, "fuzz.csv", NULL, &error);
  g_autoptr(GPtrArray) again = NULL;
  g_autofree char *written = NULL;

  if (rows == NULL)
    {
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
      return 0;
    }
  written = xa_csv_format_devices (rows, TRUE);
  again = xa_csv_parse_devices (written, strlen (written), "again.csv", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (again->len, ==, rows->len);
  for (guint i = 0; i < rows->len; i++)
    {
      XaCsvRow *a = g_ptr_array_index (rows, i);
      XaCsvRow *b = g_ptr_array_index (again, i);

      g_assert_cmpstr (xa_device_get_name (a->device), ==, xa_device_get_name (b->device));
      g_assert_cmpstr (xa_device_get_device_id (a->device), ==, xa_device_get_device_id (b->device));
      g_assert_cmpstr (xa_device_get_client_id (a->device), ==, xa_device_get_client_id (b->device));
      g_assert_cmpstr (xa_device_get_ota_url (a->device), ==, xa_device_get_ota_url (b->device));
      g_assert_cmpstr (a->token, ==, b->token);
      g_assert_cmpstr (a->hmac_key, ==, b->hmac_key);
    }
  return 0;
}
