/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>
#include <string.h>

#include "xa-identity.h"
#include "xa-json.h"
#include "xa-mcp-endpoint.h"
#include "xa-token.h"
#include "xa-url.h"

/* A pasted endpoint address, split where it arrives: the address without
 * its token (to show and to keep in devices.json) and the token (for the
 * keyring). Nothing here connects anywhere. */

G_DEFINE_QUARK (xa-mcp-endpoint-error-quark, xa_mcp_endpoint_error)

/* As pasted: its escapes kept, no port added for the scheme. */
#define URI_FLAGS (G_URI_FLAGS_ENCODED_PATH | G_URI_FLAGS_ENCODED_QUERY | G_URI_FLAGS_ENCODED_FRAGMENT)

/* The query without its token=…, "" when nothing else was in it. */
static char *
query_without_token (const char  *query,
                     char       **token)
{
  g_auto(GStrv) parts = g_strsplit (query ? query : "", "&", -1);
  g_autoptr(GString) rest = g_string_new (NULL);

  for (guint i = 0; parts[i] != NULL; i++)
    {
      if (g_str_has_prefix (parts[i], "token="))
        {
          g_free (*token);
          *token = g_uri_unescape_string (parts[i] + strlen ("token="), NULL);
          continue;
        }
      if (*parts[i] == '\0')
        continue;
      if (rest->len > 0)
        g_string_append_c (rest, '&');
      g_string_append (rest, parts[i]);
    }
  return g_string_free (g_steal_pointer (&rest), FALSE);
}

/* Splits @url (ws:// or wss://, with ?token=…) into @address and @token;
 * says what is wrong with it otherwise. */
gboolean
xa_mcp_endpoint_split (const char  *url,
                       char       **address,
                       char       **token,
                       GError     **error)
{
  g_autofree char *stripped = g_strstrip (g_strdup (url ? url : ""));
  g_autoptr(GUri) uri = g_uri_parse (stripped, URI_FLAGS, NULL);
  g_autofree char *found = NULL;
  g_autofree char *rest = NULL;
  g_autoptr(GUri) bare = NULL;
  const char *scheme = uri ? g_uri_get_scheme (uri) : NULL;

  if (uri == NULL || (g_strcmp0 (scheme, "ws") != 0 && g_strcmp0 (scheme, "wss") != 0) ||
      g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0' || g_uri_get_userinfo (uri) != NULL ||
      !xa_websocket_url_is_safe (stripped))
    {
      g_set_error_literal (error, XA_MCP_ENDPOINT_ERROR, XA_MCP_ENDPOINT_ERROR_INVALID_URL,
                           _("An MCP endpoint is a ws:// or wss:// address, such as "
                             "wss://api.xiaozhi.me/mcp/?token=…: copy it whole from the console."));
      return FALSE;
    }
  rest = query_without_token (g_uri_get_query (uri), &found);
  if (found == NULL || *found == '\0')
    {
      g_set_error_literal (error, XA_MCP_ENDPOINT_ERROR, XA_MCP_ENDPOINT_ERROR_NO_TOKEN,
                           _("This address has no token (…?token=…) in it: copy the whole address from the console."));
      return FALSE;
    }
  if (!xa_token_is_safe (found))
    {
      xa_secret_free (g_steal_pointer (&found));
      g_set_error_literal (error, XA_MCP_ENDPOINT_ERROR, XA_MCP_ENDPOINT_ERROR_BAD_TOKEN,
                           _("The token in this address has characters no token has: copy the address again."));
      return FALSE;
    }
  bare = g_uri_build (URI_FLAGS, scheme, NULL, g_uri_get_host (uri), g_uri_get_port (uri),
                      g_uri_get_path (uri), *rest ? rest : NULL, NULL);
  *address = g_uri_to_string (bare);
  *token = g_steal_pointer (&found);
  return TRUE;
}

/* The address a tool provider is given: @address with token=@token (as
 * its query wants it escaped: a self-hosted token is base64, with + / =). */
char *
xa_mcp_endpoint_join (const char *address,
                      const char *token)
{
  g_autofree char *escaped = g_uri_escape_string (token, NULL, FALSE);

  return g_strconcat (address, strchr (address, '?') ? "&token=" : "?token=", escaped, NULL);
}

XaMcpServerKind
xa_mcp_endpoint_server_kind (const char *address)
{
  g_autoptr(GUri) uri = g_uri_parse (address, SOUP_HTTP_URI_FLAGS, NULL);

  if (uri == NULL)
    return XA_MCP_SERVER_OTHER;
  if (xa_host_is_official (g_uri_get_host (uri)))
    return XA_MCP_SERVER_OFFICIAL;
  if (g_str_has_prefix (g_uri_get_path (uri), "/mcp_endpoint/"))
    return XA_MCP_SERVER_SELF_HOSTED;
  return XA_MCP_SERVER_OTHER;
}

/* ---- what a JWT says of itself ----------------------------------------------------- */

/* One base64url part, decoded; NULL when it is not one. */
static char *
base64url_decode (const char *part,
                  gsize       length)
{
  g_autoptr(GString) standard = g_string_new_len (part, length);
  guchar *bytes;
  char *text;
  gsize size;

  if (length == 0 || length > 8192)
    return NULL;
  for (gsize i = 0; i < standard->len; i++)
    {
      char c = standard->str[i];

      if (c == '-')
        standard->str[i] = '+';
      else if (c == '_')
        standard->str[i] = '/';
      else if (!g_ascii_isalnum (c))
        return NULL;
    }
  while (standard->len % 4 != 0)
    g_string_append_c (standard, '=');
  bytes = g_base64_decode (standard->str, &size);
  if (bytes == NULL || size == 0 || !g_utf8_validate ((const char *) bytes, size, NULL))
    {
      g_free (bytes);
      return NULL;
    }
  text = g_strndup ((const char *) bytes, size);
  g_free (bytes);
  return text;
}

/* The claims of @token if it is a JWT (header.payload.signature, the
 * header a JSON object naming its "alg"); NULL otherwise (a self-hosted
 * token is encrypted: only its server reads it). */
XaMcpClaims *
xa_mcp_token_read_claims (const char *token)
{
  g_auto(GStrv) parts = token ? g_strsplit (token, ".", 4) : NULL;
  g_autofree char *header_text = NULL;
  g_autofree char *payload_text = NULL;
  g_autoptr(JsonNode) header = NULL;
  g_autoptr(JsonNode) payload = NULL;
  XaMcpClaims *claims;
  JsonObject *o;
  gint64 value;

  if (parts == NULL || g_strv_length (parts) != 3)
    return NULL;
  header_text = base64url_decode (parts[0], strlen (parts[0]));
  payload_text = base64url_decode (parts[1], strlen (parts[1]));
  if (header_text == NULL || payload_text == NULL ||
      (header = xa_json_parse (header_text, -1, NULL)) == NULL || !JSON_NODE_HOLDS_OBJECT (header) ||
      xa_json_get_string (json_node_get_object (header), "alg") == NULL ||
      (payload = xa_json_parse (payload_text, -1, NULL)) == NULL || !JSON_NODE_HOLDS_OBJECT (payload))
    return NULL;

  o = json_node_get_object (payload);
  claims = g_new0 (XaMcpClaims, 1);
  claims->user_id = xa_json_dup_lenient_string (o, "userId");
  claims->agent_id = xa_json_dup_lenient_string (o, "agentId");
  claims->endpoint_id = xa_json_dup_lenient_string (o, "endpointId");
  claims->purpose = xa_json_dup_lenient_string (o, "purpose");
  /* Seconds since 1970, as JWT dates are; nonsense reads as "not said". */
  if (xa_json_get_lenient_int (o, "iat", &value) && value > 0 && value < G_MAXINT32 * G_GINT64_CONSTANT (4))
    claims->issued_at = value;
  if (xa_json_get_lenient_int (o, "exp", &value) && value > 0 && value < G_MAXINT32 * G_GINT64_CONSTANT (4))
    claims->expires_at = value;
  return claims;
}

gboolean
xa_mcp_claims_expired (const XaMcpClaims *claims,
                       gint64             now)
{
  return claims != NULL && claims->expires_at > 0 && claims->expires_at <= now;
}

void
xa_mcp_claims_free (XaMcpClaims *claims)
{
  if (claims == NULL)
    return;
  g_free (claims->user_id);
  g_free (claims->agent_id);
  g_free (claims->endpoint_id);
  g_free (claims->purpose);
  g_free (claims);
}
