/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>

#include "xa-identity.h"

static void
test_mac_normalize (void)
{
  const struct { const char *in; const char *out; } good[] = {
    { "aa:bb:cc:dd:ee:ff", "aa:bb:cc:dd:ee:ff" },
    { "AA:BB:CC:DD:EE:FF", "aa:bb:cc:dd:ee:ff" },
    { "aa-bb-cc-dd-ee-ff", "aa:bb:cc:dd:ee:ff" },
    { "AABBCCDDEEFF", "aa:bb:cc:dd:ee:ff" },
    { " aa:bb:cc:dd:ee:ff\n", "aa:bb:cc:dd:ee:ff" },
  };
  const char *bad[] = { "", "aa:bb:cc:dd:ee", "aa:bb:cc:dd:ee:ff:", "aa:bb:cc:dd:ee:fg",
                        "aa:bb:cc:dd:ee:ff:00", "hello", "aa:bb:cc dd:ee:ff" };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *mac = xa_mac_normalize (good[i].in, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (mac, ==, good[i].out);
    }

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *mac = xa_mac_normalize (bad[i], &error);
      g_assert_null (mac);
      g_assert_error (error, XA_IDENTITY_ERROR, XA_IDENTITY_ERROR_INVALID_MAC);
      g_assert_nonnull (strstr (error->message, "aa:bb:cc:dd:ee:ff"));
    }
}

static void
test_mac_random (void)
{
  g_autofree char *a = xa_mac_new_random ();
  g_autofree char *b = xa_mac_new_random ();
  g_autofree char *again = xa_mac_normalize (a, NULL);

  g_assert_cmpstr (a, ==, again);
  /* Locally administered, "x2" first byte as the protocol notes. */
  g_assert_cmpint (a[1], ==, '2');
  g_assert_cmpstr (a, !=, b);
}

static void
test_mac_list_host (void)
{
  g_autofree char *dir = g_dir_make_tmp ("xa-sysfs-XXXXXX", NULL);
  const char *names[] = { "wlp2s0", "lo", "enp3s0", "broken" };
  const char *macs[] = { "3C:22:FB:01:02:03\n", "00:00:00:00:00:00\n", "3c:22:fb:0a:0b:0c\n", "garbage\n" };
  g_autoptr(GPtrArray) list = NULL;
  XaHostInterface *iface;

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *sub = g_build_filename (dir, names[i], NULL);
      g_autofree char *file = g_build_filename (sub, "address", NULL);
      g_assert_cmpint (g_mkdir (sub, 0700), ==, 0);
      g_assert_true (g_file_set_contents (file, macs[i], -1, NULL));
    }

  list = xa_mac_list_host (dir);
  g_assert_cmpuint (list->len, ==, 2);
  iface = g_ptr_array_index (list, 0);
  g_assert_cmpstr (iface->interface, ==, "enp3s0");
  g_assert_cmpstr (iface->mac, ==, "3c:22:fb:0a:0b:0c");
  iface = g_ptr_array_index (list, 1);
  g_assert_cmpstr (iface->interface, ==, "wlp2s0");
  g_assert_cmpstr (iface->mac, ==, "3c:22:fb:01:02:03");

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *sub = g_build_filename (dir, names[i], NULL);
      g_autofree char *file = g_build_filename (sub, "address", NULL);
      g_unlink (file);
      g_rmdir (sub);
    }
  g_rmdir (dir);
}

static void
test_client_id (void)
{
  g_autofree char *id = xa_client_id_new ();
  g_autofree char *upper = g_ascii_strup (id, -1);
  g_autofree char *normalised = xa_client_id_normalize (upper, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *bad = xa_client_id_normalize ("not-a-uuid", &error);

  g_assert_true (g_uuid_string_is_valid (id));
  g_assert_cmpint (id[14], ==, '4');
  g_assert_cmpstr (normalised, ==, id);
  g_assert_null (bad);
  g_assert_error (error, XA_IDENTITY_ERROR, XA_IDENTITY_ERROR_INVALID_CLIENT_ID);
}

static void
test_serial_and_hmac (void)
{
  g_autofree char *serial = xa_serial_number_for_mac ("aa:bb:cc:dd:ee:ff");
  g_autofree char *key = xa_hmac_key_new ();
  g_autofree char *hmac = NULL;

  /* py-xiaozhi's scheme: SN-<8 upper hex of md5(bare mac)>-<bare mac> */
  g_assert_cmpstr (serial, ==, "SN-D6CE01D2-aabbccddeeff");

  g_assert_cmpuint (strlen (key), ==, 64);
  for (const char *p = key; *p; p++)
    g_assert_true (g_ascii_isxdigit (*p) && !g_ascii_isupper (*p));

  hmac = xa_hmac_sign ("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
                       "fec408b9-5bb8-4105-a395-6840504cbb08");
  g_assert_cmpstr (hmac, ==, "8a514801ba126456f62a28ce9522fa8e74d0766d01b6ac4c523d3674c75c6ed4");
}

static void
test_identity_new (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XaIdentity) id = xa_identity_new ("AA-BB-CC-DD-EE-FF", NULL, NULL, &error);
  g_autoptr(XaIdentity) copy = NULL;
  g_autoptr(XaIdentity) bad = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (id->device_id, ==, "aa:bb:cc:dd:ee:ff");
  g_assert_true (g_uuid_string_is_valid (id->client_id));
  g_assert_cmpstr (id->serial_number, ==, "SN-D6CE01D2-aabbccddeeff");
  g_assert_cmpuint (strlen (id->hmac_key), ==, 64);

  copy = xa_identity_copy (id);
  g_assert_cmpstr (copy->hmac_key, ==, id->hmac_key);

  bad = xa_identity_new ("aa:bb", NULL, NULL, &error);
  g_assert_null (bad);
  g_assert_error (error, XA_IDENTITY_ERROR, XA_IDENTITY_ERROR_INVALID_MAC);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/xa/identity/mac-normalize", test_mac_normalize);
  g_test_add_func ("/xa/identity/mac-random", test_mac_random);
  g_test_add_func ("/xa/identity/mac-list-host", test_mac_list_host);
  g_test_add_func ("/xa/identity/client-id", test_client_id);
  g_test_add_func ("/xa/identity/serial-and-hmac", test_serial_and_hmac);
  g_test_add_func ("/xa/identity/new", test_identity_new);

  return g_test_run ();
}
