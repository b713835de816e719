/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <json-glib/json-glib.h>

#include "xa-net.h"
#include "xa-ota.h"
#include "xa-test-proxy.h"
#include "xa-test-util.h"
#include "xa-text.h"
#include "xa-token.h"
#include "xa-url.h"

typedef XaTestFixture Fixture;

static XaOtaAnswer *
check (Fixture     *f,
       XaDemoMode   mode,
       guint        timeout_ms,
       GError     **error)
{
  g_autofree char *url = xa_demo_server_get_url (f->server, mode, "ota");
  g_autoptr(GAsyncResult) result = NULL;

  xa_ota_check_async (url, f->identity, timeout_ms, NULL, xa_test_capture_cb, &result);
  return xa_ota_check_finish (xa_test_wait (&result), error);
}

/* ---- parsing ------------------------------------------------------------- */



/* Server text in our sentences: one full stop, the quote's own dropped. */


static void
test_huge_numbers (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XaOtaAnswer) a = check (f, XA_DEMO_MODE_HUGE_NUMBERS, 0, &error);
  gint64 skew;

  /* A lifetime of 1e19 ms is counted as a day; a server time of
   * INT64_MIN is no clock at all. */
  g_assert_no_error (error);
  g_assert_cmpint (a->timeout_ms, ==, (gint64) 24 * 3600 * 1000);
  g_assert_false (a->has_server_time);
  g_assert_false (xa_ota_answer_get_clock_skew (a, &skew));
}

/* The manager's answer says where its console is, and the setup mistakes
 * devices trip on are named with the setting to change. */
static void
test_setup_warnings (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *ota = xa_demo_server_get_url (f->server, XA_DEMO_MODE_MANAGER_PLACEHOLDER, "ota");
  g_autofree char *official_ota = xa_demo_server_get_url (f->server, XA_DEMO_MODE_OFFICIAL, "ota");
  g_autoptr(XaOtaAnswer) a = check (f, XA_DEMO_MODE_MANAGER_PLACEHOLDER, 0, NULL);
  g_autoptr(XaOtaAnswer) official = check (f, XA_DEMO_MODE_OFFICIAL, 0, NULL);
  g_auto(GStrv) warnings = xa_ota_answer_setup_warnings (a, ota);
  g_autoptr(GPtrArray) none = xa_ota_answer_setup_warning_texts (official, official_ota);

  g_assert_cmpstr (xa_ota_answer_get_panel_url (a), ==, "http://xiaozhi.server.com");
  g_assert_cmpint (a->timeout_ms, ==, -1);
  g_assert_cmpuint (g_strv_length (warnings), ==, 2);
  g_assert_nonnull (strstr (warnings[0], "placeholder http://xiaozhi.server.com"));
  g_assert_nonnull (strstr (warnings[1], "clients on this computer can reach it"));
  g_assert_nonnull (strstr (warnings[0], "server.fronted_url"));
  /* Its loopback WebSocket address, from a server reached on loopback:
   * right for this computer, wrong for boards, and said so. */
  {
    g_autoptr(XaText) reach = xa_ota_answer_local_reach_text (a, ota);
    g_autofree char *said = xa_text_render (reach);

    g_assert_cmpint (xa_ota_answer_get_server_kind (a, ota), ==, XA_SERVER_KIND_MANAGER);
    g_assert_cmpstr (said, ==, "The server sends devices to ws://127.0.0.1:8000/xiaozhi/v1/: clients on this "
                               "computer can reach it, boards on your network cannot. For boards, set "
                               "server.websocket to this computer’s network address. On a manager, these settings "
                               "are in its web console, under Parameters (参数管理).");
  }

  /* The official message's first line is no address; nothing to say. */
  g_assert_null (xa_ota_answer_get_panel_url (official));
  g_assert_cmpuint (none->len, ==, 0);
}








/* ---- against the demo server -------------------------------------------- */

static void
test_request_shape (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XaOtaAnswer) a = check (f, XA_DEMO_MODE_OFFICIAL, 0, &error);
  SoupMessageHeaders *h = xa_demo_server_get_last_headers (f->server, "ota");
  g_autoptr(JsonNode) body = json_from_string (xa_demo_server_get_last_body (f->server, "ota"), NULL);
  JsonObject *o = json_node_get_object (body);

  g_assert_no_error (error);
  g_assert_cmpstr (soup_message_headers_get_one (h, "Device-Id"), ==, XA_TEST_DEVICE);
  g_assert_cmpstr (soup_message_headers_get_one (h, "Client-Id"), ==, XA_TEST_CLIENT);
  g_assert_cmpstr (soup_message_headers_get_one (h, "Activation-Version"), ==, "2");
  g_assert_cmpstr (soup_message_headers_get_one (h, "Accept-Language"), ==, "en-US");
  /* The device's board and version (py-xiaozhi's when it has none). */
  g_assert_cmpstr (soup_message_headers_get_one (h, "User-Agent"), ==, "bread-compact-wifi/xiaozhi-2.1.1");
  g_assert_cmpstr (soup_message_headers_get_one (h, "Serial-Number"), ==, f->identity->serial_number);
  g_assert_cmpstr (soup_message_headers_get_content_type (h, NULL), ==, "application/json");

  g_assert_cmpstr (json_object_get_string_member (o, "mac_address"), ==, XA_TEST_DEVICE);
  g_assert_cmpstr (json_object_get_string_member (o, "uuid"), ==, f->identity->client_id);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (o, "application"), "elf_sha256"),
                   ==, f->identity->hmac_key);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (o, "board"), "type"),
                   ==, "bread-compact-wifi");
  g_assert_cmpstr (json_object_get_string_member (o, "language"), ==, "en-US");

  /* The official cloud's answer for a device nobody has bound yet. */
  g_assert_true (a->has_activation);
  g_assert_cmpuint (strlen (a->code), ==, 6);
  g_assert_true (g_str_has_prefix (a->message, "xiaozhi.me\n"));
  g_assert_true (g_uuid_string_is_valid (a->challenge));
  g_assert_cmpint (a->timeout_ms, ==, 300000);
  g_assert_cmpstr (a->token, ==, "test-token");
}

static void
test_activate_statuses (Fixture       *f,
                        gconstpointer  data)
{
  g_autofree char *url = xa_demo_server_get_url (f->server, XA_DEMO_MODE_OFFICIAL, "ota");
  g_autoptr(XaOtaAnswer) a = check (f, XA_DEMO_MODE_OFFICIAL, 0, NULL);
  g_autoptr(XaIdentity) wrong = xa_identity_copy (f->identity);
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) r1 = NULL;
  g_autoptr(GAsyncResult) r2 = NULL;
  g_autoptr(GAsyncResult) r3 = NULL;
  g_autoptr(JsonNode) body = NULL;
  g_autofree char *bound = NULL;
  JsonObject *payload;

  xa_ota_activate_async (url, f->identity, a->challenge, 0, NULL, xa_test_capture_cb, &r1);
  g_assert_cmpuint (xa_ota_activate_finish (xa_test_wait (&r1), NULL, &error), ==, 202);
  g_assert_no_error (error);

  body = json_from_string (xa_demo_server_get_last_body (f->server, "activate"), NULL);
  payload = json_object_get_object_member (json_node_get_object (body), "Payload");
  g_assert_cmpstr (json_object_get_string_member (payload, "algorithm"), ==, "hmac-sha256");
  g_assert_cmpstr (json_object_get_string_member (payload, "serial_number"), ==, f->identity->serial_number);
  g_assert_cmpstr (json_object_get_string_member (payload, "challenge"), ==, a->challenge);
  g_assert_cmpuint (strlen (json_object_get_string_member (payload, "hmac")), ==, 64);
  g_assert_cmpstr (soup_message_headers_get_one (xa_demo_server_get_last_headers (f->server, "activate"),
                                                 "Activation-Version"), ==, "2");

  /* A wrong key fails the server's HMAC check. */
  g_free (wrong->hmac_key);
  wrong->hmac_key = g_strdup ("not-the-key");
  xa_ota_activate_async (url, wrong, a->challenge, 0, NULL, xa_test_capture_cb, &r2);
  g_assert_cmpuint (xa_ota_activate_finish (xa_test_wait (&r2), NULL, &error), ==, 401);

  bound = xa_demo_server_bind_code (f->server, a->code);
  g_assert_cmpstr (bound, ==, XA_TEST_DEVICE);
  xa_ota_activate_async (url, f->identity, a->challenge, 0, NULL, xa_test_capture_cb, &r3);
  g_assert_cmpuint (xa_ota_activate_finish (xa_test_wait (&r3), NULL, &error), ==, 200);
}

static void
test_bound_answer (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(XaOtaAnswer) first = check (f, XA_DEMO_MODE_OFFICIAL, 0, NULL);
  g_autofree char *bound = xa_demo_server_bind_code (f->server, first->code);
  g_autoptr(GError) error = NULL;
  g_autoptr(XaOtaAnswer) a = check (f, XA_DEMO_MODE_OFFICIAL, 0, &error);

  g_assert_no_error (error);
  g_assert_false (a->has_activation);
  g_assert_cmpstr (a->token, ==, xa_demo_server_get_token (f->server, XA_TEST_DEVICE));
  g_assert_cmpstr (a->token, !=, "test-token");
}

typedef struct
{
  XaDemoMode  mode;
  int         code;
  const char *in_message;
} FaultCase;

static const FaultCase faults[] = {
  { XA_DEMO_MODE_HTTP_500, XA_OTA_ERROR_HTTP_STATUS, "HTTP 500" },
  { XA_DEMO_MODE_ERROR_FIELD, XA_OTA_ERROR_SERVER_REFUSED, "“Invalid device ID”" },
  /* Its full stop is not doubled after our quote. */
  { XA_DEMO_MODE_SUCCESS_FALSE, XA_OTA_ERROR_SERVER_REFUSED, "“request error”. " },
  { XA_DEMO_MODE_CODE_500, XA_OTA_ERROR_SERVER_REFUSED, "服务器内部错误" },
  { XA_DEMO_MODE_NOT_JSON, XA_OTA_ERROR_NOT_JSON, "not a JSON object" },
  { XA_DEMO_MODE_TRUNCATED, XA_OTA_ERROR_TRUNCATED, "cut off" },
  { XA_DEMO_MODE_HUGE, XA_OTA_ERROR_TOO_LARGE, "larger than 1 MiB" },
  { XA_DEMO_MODE_DROP, XA_OTA_ERROR_UNREACHABLE, "Could not reach" },
  { XA_DEMO_MODE_REDIRECT, XA_OTA_ERROR_REDIRECTED, "https://api.tenclass.net/xiaozhi/ota/" },
  { XA_DEMO_MODE_INCOMPLETE, XA_OTA_ERROR_INCOMPLETE, "neither an activation code" },
  { XA_DEMO_MODE_HANG, XA_OTA_ERROR_TIMEOUT, "did not answer in time" },
  { XA_DEMO_MODE_TOKEN_NEWLINE, XA_OTA_ERROR_UNSAFE_VALUE, "Nothing was saved" },
  { XA_DEMO_MODE_NESTED_JSON, XA_OTA_ERROR_NOT_JSON, "nested more than 64 levels" },
  /* Escape sequences and a line break of the server's are not passed on. */
  { XA_DEMO_MODE_ANSI_ESCAPES, XA_OTA_ERROR_SERVER_REFUSED, "“ [2J ]0;pwned bad ✔ Token is valid”" },
};

static void
test_fault (Fixture       *f,
            gconstpointer  data)
{
  const FaultCase *c = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(XaOtaAnswer) a = NULL;
  gint64 start = g_get_monotonic_time ();

  a = check (f, c->mode, 500, &error);
  g_assert_null (a);
  g_assert_error (error, XA_OTA_ERROR, c->code);
  g_test_message ("%s: %s", xa_demo_mode_to_nick (c->mode), error->message);
  g_assert_nonnull (strstr (error->message, c->in_message));
  /* Every fault ends within its timeout. */
  g_assert_cmpint (g_get_monotonic_time () - start, <, 3 * G_USEC_PER_SEC);
}


static void
test_unreachable (void)
{
  g_autoptr(XaIdentity) id = xa_identity_new (NULL, NULL, NULL, NULL);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  /* Port 1 on loopback: nothing listens there. */
  xa_ota_check_async ("http://127.0.0.1:1/xiaozhi/ota/", id, 0, NULL, xa_test_capture_cb, &result);
  g_assert_null (xa_ota_check_finish (xa_test_wait (&result), &error));
  g_assert_error (error, XA_OTA_ERROR, XA_OTA_ERROR_UNREACHABLE);
  g_assert_nonnull (strstr (error->message, "either the server is not running, or the address or port is wrong"));
}

static void
test_tls_self_signed (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XaOtaAnswer) a = check (f, XA_DEMO_MODE_OFFICIAL, 0, &error);
  g_autofree char *ca = xa_test_data_path ("demo-cert.pem");
  g_autoptr(XaOtaAnswer) trusted = NULL;

  g_assert_null (a);
  g_assert_error (error, XA_OTA_ERROR, XA_OTA_ERROR_TLS);
  /* What was presented is named: its names, its issuer, its dates, its
   * fingerprint, and why it was refused (signed by itself). */
  g_assert_nonnull (strstr (error->message, "The server presented a certificate for localhost, 127.0.0.1, issued by "
                                            "CN=127.0.0.1, valid from 2026-11-25 to 2126-11-01 (SHA-256 "
                                            "68:C4:96:82:C1:E2:2A:ED:E9:22:8C:F3:64:98:97:A6:5F:F8:D1:26:82:F0:48:AD:"
                                            "5E:48:6A:D8:BB:A0:6E:48)."));
  g_assert_nonnull (strstr (error->message, "It is signed by itself"));
  g_assert_nonnull (strstr (error->message, "CA file"));
  g_assert_null (strstr (error->message, "It is not for"));
  g_clear_error (&error);

  /* With the server's certificate as an extra anchor, it verifies. */
  g_assert_true (xa_net_set_ca_file (ca, &error));
  trusted = check (f, XA_DEMO_MODE_OFFICIAL, 0, &error);
  g_assert_no_error (error);
  g_assert_true (trusted->has_activation);
}

/* A certificate for another name is refused, trusted or not, and the
 * names are said; an expired one says when it expired. */
static void
test_tls_wrong_certificates (void)
{
  g_autoptr(XaDemoServer) other = xa_test_server_new_with_certificate (XA_DEMO_MODE_OFFICIAL, "other-name");
  g_autoptr(XaDemoServer) expired = xa_test_server_new_with_certificate (XA_DEMO_MODE_OFFICIAL, "expired");
  g_autoptr(XaIdentity) identity = xa_identity_new (XA_TEST_DEVICE, XA_TEST_CLIENT, NULL, NULL);
  g_autofree char *other_ca = xa_test_data_path ("other-name-cert.pem");
  struct { XaDemoServer *server; const char *ca; const char *said; } cases[] = {
    { other, NULL, "The server presented a certificate for other.example, issued by CN=other.example" },
    { other, NULL, "It is not for 127.0.0.1, the name in the address: either the address is not this server’s, or "
                   "the server presents the certificate of another of its names." },
    /* Its own certificate as the CA file: still not for this name. */
    { other, other_ca, "It is not for 127.0.0.1" },
    { expired, NULL, "valid from 2020-01-01 to 2020-02-01" },
    { expired, NULL, "It expired on 2020-02-01: the server must renew it, or this computer’s clock is wrong." },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *url = xa_demo_server_get_url (cases[i].server, XA_DEMO_MODE_OFFICIAL, "ota");
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(XaOtaAnswer) answer = NULL;

      g_test_message ("case %u", i);
      g_assert_true (xa_net_set_ca_file (cases[i].ca, NULL) || cases[i].ca == NULL);
      xa_ota_check_async (url, identity, 0, NULL, xa_test_capture_cb, &result);
      answer = xa_ota_check_finish (xa_test_wait (&result), &error);
      g_assert_null (answer);
      g_assert_error (error, XA_OTA_ERROR, XA_OTA_ERROR_TLS);
      if (strstr (error->message, cases[i].said) == NULL)
        g_error ("“%s” does not say “%s”", error->message, cases[i].said);
      xa_net_set_ca_file (NULL, NULL);
    }
  g_assert_finalize_object (g_steal_pointer (&other));
  g_assert_finalize_object (g_steal_pointer (&expired));
}

/* The app reads the CA file in a thread; the last change wins even when
 * an earlier read ends after it. */
static void
test_tls_ca_file_async (Fixture       *f,
                        gconstpointer  data)
{
  g_autofree char *ca = xa_test_data_path ("demo-cert.pem");
  g_autoptr(GAsyncResult) first = NULL;
  g_autoptr(GAsyncResult) second = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(XaOtaAnswer) a = NULL;

  xa_net_set_ca_file_async (ca, NULL, xa_test_capture_cb, &first);
  g_assert_true (xa_net_set_ca_file_finish (xa_test_wait (&first), &error));
  a = check (f, XA_DEMO_MODE_OFFICIAL, 0, &error);
  g_assert_no_error (error);
  g_clear_pointer (&a, xa_ota_answer_free);

  /* Changed twice: the file, then nothing; the file's read ends last. */
  g_clear_object (&first);
  xa_net_set_ca_file_async (ca, NULL, xa_test_capture_cb, &first);
  xa_net_set_ca_file_async ("", NULL, xa_test_capture_cb, &second);
  g_assert_true (xa_net_set_ca_file_finish (xa_test_wait (&second), NULL));
  g_assert_true (xa_net_set_ca_file_finish (xa_test_wait (&first), NULL));
  a = check (f, XA_DEMO_MODE_OFFICIAL, 0, &error);
  g_assert_null (a);
  g_assert_error (error, XA_OTA_ERROR, XA_OTA_ERROR_TLS);
  g_clear_error (&error);

  /* Not a PEM file: said, and only the system's anchors are trusted. */
  {
    g_autofree char *not_pem = g_test_build_filename (G_TEST_DIST, "test-ota.c", NULL);

    g_clear_object (&first);
    xa_net_set_ca_file_async (not_pem, NULL, xa_test_capture_cb, &first);
    g_assert_false (xa_net_set_ca_file_finish (xa_test_wait (&first), &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
    g_assert_nonnull (strstr (error->message, "could not be read as PEM"));
  }
}

static void
test_bad_ca_file (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *not_pem = g_test_build_filename (G_TEST_DIST, "test-ota.c", NULL);

  g_assert_false (xa_net_set_ca_file (not_pem, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
}

static void
test_cancel (Fixture       *f,
             gconstpointer  data)
{
  g_autofree char *url = xa_demo_server_get_url (f->server, XA_DEMO_MODE_HANG, "ota");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  xa_ota_check_async (url, f->identity, 0, cancellable, xa_test_capture_cb, &result);
  /* Cancelled while the server holds the request. */
  XA_TEST_WAIT_UNTIL (xa_demo_server_get_request_count (f->server, "ota") > 0);
  g_cancellable_cancel (cancellable);
  g_assert_null (xa_ota_check_finish (xa_test_wait (&result), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

/* The OTA check through this computer's proxy, and through one that
 * cannot reach the server: its 502 is said as possibly the proxy's. */
static void
test_through_proxy (Fixture       *f,
                    gconstpointer  data)
{
  XaTestProxy *proxy = xa_test_proxy_start (FALSE);
  XaTestProxy *refusing = xa_test_proxy_start (TRUE);
  g_autofree char *uri = xa_test_proxy_get_uri (proxy);
  g_autofree char *refusing_uri = xa_test_proxy_get_uri (refusing);
  g_autoptr(GProxyResolver) resolver = g_simple_proxy_resolver_new (uri, NULL);
  g_autoptr(GProxyResolver) refusing_resolver = g_simple_proxy_resolver_new (refusing_uri, NULL);
  g_autoptr(XaOtaAnswer) answer = NULL;
  g_autoptr(XaOtaAnswer) none = NULL;
  g_autoptr(XaOtaAnswer) direct = NULL;
  g_autoptr(GError) error = NULL;

  xa_net_set_proxy_resolver (resolver);
  answer = check (f, XA_DEMO_MODE_OFFICIAL, 0, &error);
  g_assert_no_error (error);
  g_assert_nonnull (answer->code);
  g_assert_cmpuint (xa_test_proxy_get_requests (proxy), ==, 1);

  xa_net_set_proxy_resolver (refusing_resolver);
  none = check (f, XA_DEMO_MODE_OFFICIAL, 0, &error);
  g_assert_null (none);
  g_assert_error (error, XA_OTA_ERROR, XA_OTA_ERROR_UNREACHABLE);
  g_assert_true (g_str_has_prefix (error->message, "The answer was HTTP 502, through the proxy "));
  g_clear_error (&error);

  /* Set to connect directly, the device's check goes around it. */
  f->identity->no_proxy = TRUE;
  direct = check (f, XA_DEMO_MODE_OFFICIAL, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (xa_test_proxy_get_requests (refusing), ==, 1);
  xa_net_set_proxy_resolver (NULL);
  xa_test_proxy_free (proxy);
  xa_test_proxy_free (refusing);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/xa/ota/unreachable", test_unreachable);
  g_test_add_func ("/xa/ota/bad-ca-file", test_bad_ca_file);
  g_test_add ("/xa/ota/request-shape", Fixture, NULL, xa_test_setup, test_request_shape, xa_test_teardown);
  g_test_add ("/xa/ota/activate-statuses", Fixture, NULL, xa_test_setup, test_activate_statuses, xa_test_teardown);
  g_test_add ("/xa/ota/bound-answer", Fixture, NULL, xa_test_setup, test_bound_answer, xa_test_teardown);
  g_test_add ("/xa/ota/tls-self-signed", Fixture, NULL, xa_test_setup_tls, test_tls_self_signed, xa_test_teardown);
  g_test_add_func ("/xa/ota/tls-wrong-certificates", test_tls_wrong_certificates);
  g_test_add ("/xa/ota/tls-ca-file-async", Fixture, NULL, xa_test_setup_tls, test_tls_ca_file_async, xa_test_teardown);
  g_test_add ("/xa/ota/cancel", Fixture, NULL, xa_test_setup, test_cancel, xa_test_teardown);
  g_test_add ("/xa/ota/through-proxy", Fixture, NULL, xa_test_setup, test_through_proxy, xa_test_teardown);
  g_test_add ("/xa/ota/huge-numbers", Fixture, NULL, xa_test_setup, test_huge_numbers, xa_test_teardown);
  g_test_add ("/xa/ota/setup-warnings", Fixture, NULL, xa_test_setup, test_setup_warnings, xa_test_teardown);

  for (guint i = 0; i < G_N_ELEMENTS (faults); i++)
    {
      g_autofree char *path = g_strdup_printf ("/xa/ota/fault/%s", xa_demo_mode_to_nick (faults[i].mode));
      g_test_add (path, Fixture, &faults[i], xa_test_setup, test_fault, xa_test_teardown);
    }

  return g_test_run ();
}
