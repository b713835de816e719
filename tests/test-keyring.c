/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <libsecret/secret.h>

#include "xa-mcp-endpoint.h"
#include "xa-token-store.h"
#include "xa-test-util.h"

/* Runs against a real gnome-keyring (tests/with-keyring.sh). */


static gboolean
save (XaDevice     *device,
      XaSecretKind  kind,
      const char   *secret,
      GError      **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  xa_token_store_save_async (device, kind, secret, NULL, xa_test_capture_cb, &result);
  return xa_token_store_save_finish (xa_test_wait (&result), error);
}

static char *
lookup (XaDevice     *device,
        XaSecretKind  kind,
        GError      **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  char *secret;
  char *copy;

  xa_token_store_lookup_async (device, kind, NULL, xa_test_capture_cb, &result);
  secret = xa_token_store_lookup_finish (xa_test_wait (&result), error);
  copy = g_strdup (secret);
  xa_secret_free (secret);
  return copy;
}

static gboolean
delete (XaDevice  *device,
        GError   **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  xa_token_store_delete_async (device, NULL, xa_test_capture_cb, &result);
  return xa_token_store_delete_finish (xa_test_wait (&result), error);
}

static void
test_store_lookup_delete (void)
{
  g_autoptr(XaDevice) desk = xa_test_device_new ("Desk board", "02:00:00:00:00:01");
  g_autoptr(XaDevice) other = xa_test_device_new ("Other", "02:00:00:00:00:02");
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;
  g_autofree char *key = NULL;
  g_autofree char *none = NULL;
  g_autofree char *others = NULL;
  g_autofree char *gone = NULL;
  g_autoptr(GList) items = NULL;
  g_autoptr(GHashTable) attributes = NULL;

  g_assert_true (save (desk, XA_SECRET_TOKEN, "tok.123", &error));
  g_assert_no_error (error);
  g_assert_true (save (desk, XA_SECRET_HMAC_KEY, "abcdef", &error));
  g_assert_true (save (other, XA_SECRET_TOKEN, "other-token", &error));

  token = lookup (desk, XA_SECRET_TOKEN, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (token, ==, "tok.123");
  key = lookup (desk, XA_SECRET_HMAC_KEY, &error);
  g_assert_cmpstr (key, ==, "abcdef");
  none = lookup (desk, XA_SECRET_MQTT_PASSWORD, &error);
  g_assert_no_error (error);
  g_assert_null (none);

  /* The item reads well in Seahorse. */
  attributes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_hash_table_insert (attributes, g_strdup ("device-uuid"), g_strdup (xa_device_get_uuid (desk)));
  g_hash_table_insert (attributes, g_strdup ("kind"), g_strdup ("token"));
  items = secret_password_searchv_sync (NULL, attributes, SECRET_SEARCH_ALL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_length (items), ==, 1);
  g_assert_cmpstr (secret_retrievable_get_label (items->data), ==, "Xiaozhi token for Desk board (02:00:00:00:00:01)");
  g_list_free_full (g_steal_pointer (&items), g_object_unref);

  /* Removing a device removes all its secrets, and only its. */
  g_assert_true (delete (desk, &error));
  gone = lookup (desk, XA_SECRET_TOKEN, &error);
  g_assert_null (gone);
  g_free (gone);
  gone = lookup (desk, XA_SECRET_HMAC_KEY, &error);
  g_assert_null (gone);
  others = lookup (other, XA_SECRET_TOKEN, &error);
  g_assert_cmpstr (others, ==, "other-token");
}

/* An MCP endpoint's token: its own item, labelled for Seahorse, found
 * by the endpoint, replaced in place, removed with the endpoint only. */
static void
test_mcp_token (void)
{
  g_autoptr(XaMcpEndpoint) home = xa_mcp_endpoint_new ("Home tools", "wss://api.xiaozhi.me/mcp/");
  g_autoptr(XaDevice) desk = xa_test_device_new ("Desk board", "02:00:00:00:00:03");
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GHashTable) attributes = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GList) items = NULL;
  char *token;

  g_assert_true (save (desk, XA_SECRET_TOKEN, "device-token", &error));
  for (guint i = 0; i < 2; i++)
    {
      xa_token_store_save_mcp_async (home, i ? "mcp.jwt.2" : "mcp.jwt.1", NULL, xa_test_capture_cb, &result);
      g_assert_true (xa_token_store_save_finish (xa_test_wait (&result), &error));
      g_assert_no_error (error);
      g_clear_object (&result);
    }

  attributes = g_hash_table_new (g_str_hash, g_str_equal);
  g_hash_table_insert (attributes, (gpointer) "device-uuid", (gpointer) xa_mcp_endpoint_get_uuid (home));
  items = secret_password_searchv_sync (NULL, attributes, SECRET_SEARCH_ALL, NULL, &error);
  g_assert_cmpuint (g_list_length (items), ==, 1);
  g_assert_cmpstr (secret_retrievable_get_label (items->data), ==, "Xiaozhi MCP endpoint token for Home tools");
  g_list_free_full (g_steal_pointer (&items), g_object_unref);

  xa_token_store_lookup_mcp_async (home, NULL, xa_test_capture_cb, &result);
  token = xa_token_store_lookup_finish (xa_test_wait (&result), &error);
  g_assert_cmpstr (token, ==, "mcp.jwt.2");
  xa_secret_free (token);
  g_clear_object (&result);

  xa_token_store_delete_mcp_async (home, NULL, xa_test_capture_cb, &result);
  g_assert_true (xa_token_store_delete_finish (xa_test_wait (&result), &error));
  g_clear_object (&result);
  xa_token_store_lookup_mcp_async (home, NULL, xa_test_capture_cb, &result);
  g_assert_null (xa_token_store_lookup_finish (xa_test_wait (&result), &error));
  g_assert_no_error (error);
  token = lookup (desk, XA_SECRET_TOKEN, &error);
  g_assert_cmpstr (token, ==, "device-token");
  g_free (token);
}

static void
test_overwrite (void)
{
  g_autoptr(XaDevice) d = xa_test_device_new ("d", "02:00:00:00:00:03");
  g_autofree char *token = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (save (d, XA_SECRET_TOKEN, "first", &error));
  g_assert_no_error (error);
  save (d, XA_SECRET_TOKEN, "second", &error);
  g_assert_no_error (error);
  token = lookup (d, XA_SECRET_TOKEN, NULL);
  g_assert_cmpstr (token, ==, "second");
}

static void
test_unavailable_subprocess (void)
{
  g_autoptr(XaDevice) d = xa_test_device_new ("d", "02:00:00:00:00:04");
  g_autoptr(GError) error = NULL;

  /* No session bus at all: what a headless login without a keyring gives. */
  g_setenv ("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/xiaozhi-test-bus", TRUE);
  g_assert_false (save (d, XA_SECRET_TOKEN, "t", &error));
  g_assert_error (error, XA_KEYRING_ERROR, XA_KEYRING_ERROR_UNAVAILABLE);
  g_print ("%s\n", error->message);
}

static void
test_unavailable (void)
{
  g_test_trap_subprocess ("/xa/keyring/unavailable/subprocess", 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stdout ("*No keyring is available*gnome-keyring*");
}

/* A locked keyring is not "no token": unlocked, the token is there. */
static void
test_locked (void)
{
  g_autoptr(XaDevice) d = xa_test_device_new ("locked", "02:00:00:00:00:05");
  g_autoptr(GError) error = NULL;
  g_autofree char *secret = NULL;

  g_assert_true (save (d, XA_SECRET_TOKEN, "kept-token", &error));
  xa_test_lock_keyring ();
  secret = lookup (d, XA_SECRET_TOKEN, &error);
  g_assert_null (secret);
  g_assert_error (error, XA_KEYRING_ERROR, XA_KEYRING_ERROR_LOCKED);
  g_assert_nonnull (strstr (error->message, "Unlock your login keyring"));

  /* Writing is refused as plainly, its item there or not yet: no unlock
   * prompt (libsecret 0.20's prompt path ends in a critical when no
   * prompter answers; the tests run with fatal criticals), nothing
   * changed. */
  {
    g_autoptr(XaDevice) fresh = xa_test_device_new ("new while locked", "02:00:00:00:00:06");
    g_autoptr(GError) again = NULL;
    g_autoptr(GError) first = NULL;

    g_assert_false (save (d, XA_SECRET_TOKEN, "other-token", &again));
    g_assert_error (again, XA_KEYRING_ERROR, XA_KEYRING_ERROR_LOCKED);
    g_assert_false (save (fresh, XA_SECRET_TOKEN, "first-token", &first));
    g_assert_error (first, XA_KEYRING_ERROR, XA_KEYRING_ERROR_LOCKED);
  }

  g_clear_error (&error);
  xa_test_unlock_keyring ();
  secret = lookup (d, XA_SECRET_TOKEN, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (secret, ==, "kept-token");
}

static void
test_mask (void)
{
  g_autofree char *long_mask = xa_token_mask ("abcdefghijklmnopqrstuvwxyz.1795607593");
  g_autofree char *short_mask = xa_token_mask ("test-token");
  g_autofree char *one = xa_token_mask ("x");

  g_assert_cmpstr (long_mask, ==, "********7593");
  g_assert_cmpstr (short_mask, ==, "********");
  /* However short, a token shows nothing of itself, and no length. */
  g_assert_cmpstr (one, ==, "********");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  /* Deleting comes last: gnome-keyring 42 may reuse a deleted item's
   * object path for the next new item and warn, or even quit. */
  g_test_add_func ("/xa/keyring/locked", test_locked);
  g_test_add_func ("/xa/keyring/overwrite", test_overwrite);
  g_test_add_func ("/xa/keyring/mcp-token", test_mcp_token);
  g_test_add_func ("/xa/keyring/store-lookup-delete", test_store_lookup_delete);
  g_test_add_func ("/xa/keyring/unavailable", test_unavailable);
  g_test_add_func ("/xa/keyring/unavailable/subprocess", test_unavailable_subprocess);
  g_test_add_func ("/xa/keyring/mask", test_mask);

  return g_test_run ();
}
