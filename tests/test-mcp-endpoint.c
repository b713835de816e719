/* SPDX-License-Identifier: GPL-3.0-or-later */
/* xa-mcp-endpoint: a pasted MCP endpoint address split into what may be
 * shown and the token, and what an official token says of itself. */
#include "config.h"

#include <string.h>

#include "xa-identity.h"
#include "xa-mcp-endpoint.h"

/* @json as a JWT part: base64url without padding. */
static char *
part (const char *json)
{
  g_autofree char *standard = g_base64_encode ((const guchar *) json, strlen (json));

  g_strdelimit (standard, "+", '-');
  g_strdelimit (standard, "/", '_');
  return g_strndup (standard, strcspn (standard, "="));
}

static char *
jwt (const char *payload)
{
  g_autofree char *header = part ("{\"alg\":\"ES256\",\"typ\":\"JWT\"}");
  g_autofree char *body = part (payload);

  return g_strdup_printf ("%s.%s.c2lnbmF0dXJl", header, body);
}

/* The official console's address: the token out, the rest kept. */
static void
test_split_official (void)
{
  g_autofree char *token = jwt ("{\"userId\":1,\"agentId\":2,\"purpose\":\"mcp-endpoint\"}");
  g_autofree char *url = g_strdup_printf ("wss://api.xiaozhi.me/mcp/?token=%s", token);
  g_autofree char *address = NULL;
  g_auto(XaSecret) found = NULL;
  g_autofree char *joined = NULL;

  g_assert_true (xa_mcp_endpoint_split (url, &address, &found, NULL));
  g_assert_cmpstr (address, ==, "wss://api.xiaozhi.me/mcp/");
  g_assert_cmpstr (found, ==, token);
  g_assert_null (strstr (address, token));
  g_assert_cmpint (xa_mcp_endpoint_server_kind (address), ==, XA_MCP_SERVER_OFFICIAL);
  joined = xa_mcp_endpoint_join (address, found);
  g_assert_cmpstr (joined, ==, url);
}

/* mcp-endpoint-server's: an AES token in base64, URL-escaped (+ / =);
 * other query members stay in the address, in their order. */
static void
test_split_self_hosted (void)
{
  const char *url = "ws://127.0.0.1:8004/mcp_endpoint/mcp/?lang=zh&token=Ab%2Bcd%2Fef%3D%3D&v=2";
  g_autofree char *address = NULL;
  g_auto(XaSecret) token = NULL;
  g_autofree char *joined = NULL;
  g_autofree char *again_address = NULL;
  g_auto(XaSecret) again_token = NULL;

  g_assert_true (xa_mcp_endpoint_split (url, &address, &token, NULL));
  g_assert_cmpstr (address, ==, "ws://127.0.0.1:8004/mcp_endpoint/mcp/?lang=zh&v=2");
  g_assert_cmpstr (token, ==, "Ab+cd/ef==");
  g_assert_cmpint (xa_mcp_endpoint_server_kind (address), ==, XA_MCP_SERVER_SELF_HOSTED);
  /* Given back escaped, as the server's query wants it. */
  joined = xa_mcp_endpoint_join (address, token);
  g_assert_cmpstr (joined, ==, "ws://127.0.0.1:8004/mcp_endpoint/mcp/?lang=zh&v=2&token=Ab%2Bcd%2Fef%3D%3D");
  g_assert_true (xa_mcp_endpoint_split (joined, &again_address, &again_token, NULL));
  g_assert_cmpstr (again_address, ==, address);
  g_assert_cmpstr (again_token, ==, token);
  g_assert_cmpint (xa_mcp_endpoint_server_kind ("wss://example.net/mcp/"), ==, XA_MCP_SERVER_OTHER);
}

/* What is not an endpoint address is said, and nothing is split. */
/* Two addresses are one endpoint when their address and token match, or
 * when official tokens name the same agent's endpoint. */
static void
test_same (void)
{
  const char *a = "wss://api.xiaozhi.me/mcp/?token=eyJhbGciOiJFUzI1NiJ9."
                  "eyJhZ2VudElkIjozNCwiZW5kcG9pbnRJZCI6ImFnZW50XzM0In0.c2ln";
  const char *renewed = "wss://api.xiaozhi.me/mcp/?token=eyJhbGciOiJFUzI1NiJ9."
                        "eyJhZ2VudElkIjozNCwiZW5kcG9pbnRJZCI6ImFnZW50XzM0IiwiaWF0IjoxfQ.bmV3";
  const char *other_agent = "wss://api.xiaozhi.me/mcp/?token=eyJhbGciOiJFUzI1NiJ9."
                            "eyJhZ2VudElkIjozNSwiZW5kcG9pbnRJZCI6ImFnZW50XzM1In0.c2ln";

  g_assert_true (xa_mcp_endpoint_same (a, a));
  g_assert_true (xa_mcp_endpoint_same (a, renewed));
  g_assert_false (xa_mcp_endpoint_same (a, other_agent));
  g_assert_true (xa_mcp_endpoint_same ("ws://h:8004/mcp_endpoint/mcp/?token=x", "ws://h:8004/mcp_endpoint/mcp/?token=x"));
  g_assert_false (xa_mcp_endpoint_same ("ws://h:8004/mcp_endpoint/mcp/?token=x", "ws://h:8004/mcp_endpoint/mcp/?token=y"));
  g_assert_false (xa_mcp_endpoint_same ("ws://h:8004/mcp_endpoint/mcp/?token=x", "ws://g:8004/mcp_endpoint/mcp/?token=x"));
  g_assert_false (xa_mcp_endpoint_same ("", "not an address"));
}

static void
test_split_refused (void)
{
  const struct { const char *url; XaMcpEndpointError code; } cases[] = {
    { "https://api.xiaozhi.me/mcp/?token=abc", XA_MCP_ENDPOINT_ERROR_INVALID_URL },
    { "api.xiaozhi.me/mcp/?token=abc", XA_MCP_ENDPOINT_ERROR_INVALID_URL },
    { "wss://user:pw@api.xiaozhi.me/mcp/?token=abc", XA_MCP_ENDPOINT_ERROR_INVALID_URL },
    { "wss://api.xiaozhi.me/mcp/?tok\nen=abc", XA_MCP_ENDPOINT_ERROR_INVALID_URL },
    { "wss://api.xiaozhi.me/mcp/", XA_MCP_ENDPOINT_ERROR_NO_TOKEN },
    { "wss://api.xiaozhi.me/mcp/?token=", XA_MCP_ENDPOINT_ERROR_NO_TOKEN },
    { "wss://api.xiaozhi.me/mcp/?token=a%20b", XA_MCP_ENDPOINT_ERROR_BAD_TOKEN },
    { "wss://api.xiaozhi.me/mcp/?token=a%0Ab", XA_MCP_ENDPOINT_ERROR_BAD_TOKEN },
    { "", XA_MCP_ENDPOINT_ERROR_INVALID_URL },
    /* A device's own WebSocket, pasted in its place. */
    { "wss://api.tenclass.net/xiaozhi/v1/?token=abc", XA_MCP_ENDPOINT_ERROR_INVALID_URL },
    { "ws://127.0.0.1:8000/xiaozhi/v1?token=abc", XA_MCP_ENDPOINT_ERROR_INVALID_URL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      char *address = NULL;
      char *token = NULL;

      g_test_message ("%s", cases[i].url);
      g_assert_false (xa_mcp_endpoint_split (cases[i].url, &address, &token, &error));
      g_assert_error (error, XA_MCP_ENDPOINT_ERROR, (gint) cases[i].code);
      g_assert_null (address);
      g_assert_null (token);
    }
  {
    g_autoptr(GError) error = NULL;
    char *address = NULL, *token = NULL;

    xa_mcp_endpoint_split ("wss://api.xiaozhi.me/mcp/", &address, &token, &error);
    g_assert_cmpstr (error->message, ==, "This address has no token (…?token=…) in it: copy the whole address from "
                                         "the console.");
  }
}

/* An official token's claims, read and not checked; its dates. */
static void
test_claims (void)
{
  g_autofree char *token = jwt ("{\"userId\":12345,\"agentId\":678,\"endpointId\":\"agent_678\","
                                "\"purpose\":\"mcp-endpoint\",\"iat\":1750000000,\"exp\":1760000000}");
  g_autofree char *undated = jwt ("{\"userId\":\"u\",\"agentId\":\"a\",\"purpose\":\"mcp-endpoint\"}");
  g_autoptr(XaMcpClaims) claims = xa_mcp_token_read_claims (token);
  g_autoptr(XaMcpClaims) forever = xa_mcp_token_read_claims (undated);

  g_assert_nonnull (claims);
  g_assert_cmpstr (claims->user_id, ==, "12345");
  g_assert_cmpstr (claims->agent_id, ==, "678");
  g_assert_cmpstr (claims->endpoint_id, ==, "agent_678");
  g_assert_cmpstr (claims->purpose, ==, "mcp-endpoint");
  g_assert_cmpint (claims->issued_at, ==, 1750000000);
  g_assert_cmpint (claims->expires_at, ==, 1760000000);
  g_assert_false (xa_mcp_claims_expired (claims, 1759999999));
  g_assert_true (xa_mcp_claims_expired (claims, 1760000000));

  /* Older tokens carry no exp: they do not expire by their own word. */
  g_assert_nonnull (forever);
  g_assert_cmpint (forever->expires_at, ==, 0);
  g_assert_false (xa_mcp_claims_expired (forever, G_MAXINT64));
}

/* Not a JWT, or one whose parts are not what they claim: no claims, and
 * no critical (G_DEBUG=fatal-warnings would end the test). */
static void
test_claims_refused (void)
{
  g_autofree char *header = part ("{\"alg\":\"ES256\"}");
  g_autofree char *no_alg = part ("{\"typ\":\"JWT\"}");
  g_autofree char *array = part ("[1,2,3]");
  g_autofree char *nested_json = g_strnfill (200, '[');
  g_autofree char *nested = part (nested_json);
  g_autofree char *weird = part ("{\"userId\":{\"a\":1},\"agentId\":[1],\"iat\":-5,\"exp\":1e300,\"purpose\":null}");
  const char *opaque[] = { "Ab+cd/ef==", "test-token", "a.b", "a.b.c.d", "..", "" };
  g_autofree char *not_object = g_strdup_printf ("%s.%s.sig", header, array);
  g_autofree char *without_alg = g_strdup_printf ("%s.%s.sig", no_alg, header);
  g_autofree char *too_deep = g_strdup_printf ("%s.%s.sig", header, nested);
  g_autofree char *wrong_types = g_strdup_printf ("%s.%s.sig", header, weird);
  g_autoptr(XaMcpClaims) odd = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (opaque); i++)
    g_assert_null (xa_mcp_token_read_claims (opaque[i]));
  g_assert_null (xa_mcp_token_read_claims (NULL));
  g_assert_null (xa_mcp_token_read_claims (not_object));
  g_assert_null (xa_mcp_token_read_claims (without_alg));
  g_assert_null (xa_mcp_token_read_claims (too_deep));

  /* Members of the wrong type read as not said. */
  odd = xa_mcp_token_read_claims (wrong_types);
  g_assert_nonnull (odd);
  g_assert_null (odd->user_id);
  g_assert_null (odd->agent_id);
  g_assert_null (odd->purpose);
  g_assert_cmpint (odd->issued_at, ==, 0);
  g_assert_cmpint (odd->expires_at, ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/xa/mcp-endpoint/split-official", test_split_official);
  g_test_add_func ("/xa/mcp-endpoint/split-self-hosted", test_split_self_hosted);
  g_test_add_func ("/xa/mcp-endpoint/split-refused", test_split_refused);
  g_test_add_func ("/xa/mcp-endpoint/same", test_same);
  g_test_add_func ("/xa/mcp-endpoint/claims", test_claims);
  g_test_add_func ("/xa/mcp-endpoint/claims-refused", test_claims_refused);

  return g_test_run ();
}
