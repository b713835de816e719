/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "fuzz.h"
#include "xa-identity.h"
#include "xa-mcp-endpoint.h"

/* MCP endpoint addresses as users paste them, and tokens as they carry
 * claims: what is split holds, joined again, and no token stays in the
 * address that is shown. */
int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *text = fuzz_text (data, size);
  g_autofree char *address = NULL;
  g_auto(XaSecret) token = NULL;
  g_autoptr(XaMcpClaims) claims = xa_mcp_token_read_claims (text);

  if (claims != NULL)
    {
      g_assert_true (claims->issued_at >= 0 && claims->expires_at >= 0);
      g_assert_true (claims->user_id == NULL || g_utf8_validate (claims->user_id, -1, NULL));
    }
  if (xa_mcp_endpoint_split (text, &address, &token, NULL))
    {
      g_autofree char *joined = xa_mcp_endpoint_join (address, token);
      g_autofree char *again_address = NULL;
      g_auto(XaSecret) again_token = NULL;
      g_autofree char *left_address = NULL;
      g_auto(XaSecret) left_token = NULL;
      g_autoptr(GError) error = NULL;

      /* The address shown has no token in its query. */
      g_assert_false (xa_mcp_endpoint_split (address, &left_address, &left_token, &error));
      g_assert_error (error, XA_MCP_ENDPOINT_ERROR, XA_MCP_ENDPOINT_ERROR_NO_TOKEN);
      g_assert_true (xa_mcp_endpoint_split (joined, &again_address, &again_token, NULL));
      g_assert_cmpstr (again_address, ==, address);
      g_assert_cmpstr (again_token, ==, token);
    }
  return 0;
}
