/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>
#include <string.h>

#include "xa-identity.h"
#include "xa-json.h"
#include "xa-mcp-endpoint.h"
#include "xa-report.h"
#include "xa-store.h"
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
  /* The device's own WebSocket takes a token too, and would keep a Test
   * connected in silence: say what it is. */
  if (g_str_has_suffix (g_uri_get_path (uri), "/xiaozhi/v1/") || g_str_has_suffix (g_uri_get_path (uri), "/xiaozhi/v1"))
    {
      g_set_error_literal (error, XA_MCP_ENDPOINT_ERROR, XA_MCP_ENDPOINT_ERROR_INVALID_URL,
                           _("This is a device’s WebSocket address (…/xiaozhi/v1/), not an MCP endpoint: copy the "
                             "MCP endpoint address (MCP接入点) from the console."));
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

/* Which server @address is, in words. */
const char *
xa_mcp_endpoint_describe_server (const char *address)
{
  switch (xa_mcp_endpoint_server_kind (address))
    {
    case XA_MCP_SERVER_OFFICIAL:
      return _("the official cloud (xiaozhi.me)");
    case XA_MCP_SERVER_SELF_HOSTED:
      return _("self-hosted (mcp-endpoint-server)");
    case XA_MCP_SERVER_OTHER:
    default:
      return _("another server");
    }
}

/* Whether two endpoint URLs are one endpoint: the same address, and the
 * same token, or official tokens that name the same agent's endpoint (a
 * new token for an endpoint replaces the old one). */
gboolean
xa_mcp_endpoint_same (const char *url_a,
                      const char *url_b)
{
  g_autofree char *address_a = NULL, *address_b = NULL;
  g_auto(XaSecret) token_a = NULL;
  g_auto(XaSecret) token_b = NULL;
  g_autoptr(XaMcpClaims) claims_a = NULL;
  g_autoptr(XaMcpClaims) claims_b = NULL;

  if (!xa_mcp_endpoint_split (url_a, &address_a, &token_a, NULL) ||
      !xa_mcp_endpoint_split (url_b, &address_b, &token_b, NULL) ||
      !g_str_equal (address_a, address_b))
    return FALSE;
  if (g_str_equal (token_a, token_b))
    return TRUE;
  claims_a = xa_mcp_token_read_claims (token_a);
  claims_b = xa_mcp_token_read_claims (token_b);
  return claims_a != NULL && claims_b != NULL &&
         claims_a->agent_id != NULL && claims_a->endpoint_id != NULL &&
         g_strcmp0 (claims_a->agent_id, claims_b->agent_id) == 0 &&
         g_strcmp0 (claims_a->endpoint_id, claims_b->endpoint_id) == 0;
}

/* ---- a saved endpoint ---------------------------------------------------- */

struct _XaMcpEndpoint
{
  GObject   parent_instance;

  char     *uuid;
  char     *name;
  char     *address;
  XaReport *last_report;
  gint64    last_tested;
};

G_DEFINE_FINAL_TYPE (XaMcpEndpoint, xa_mcp_endpoint, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_NAME,
  PROP_ADDRESS,
  PROP_LAST_TESTED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* TRUE when @value was not there already (GLib 2.76 has g_set_str()). */
static gboolean
replace_str (char       **field,
             const char  *value)
{
  if (g_strcmp0 (*field, value) == 0)
    return FALSE;
  g_free (*field);
  *field = g_strdup (value);
  return TRUE;
}

static void
xa_mcp_endpoint_finalize (GObject *object)
{
  XaMcpEndpoint *self = XA_MCP_ENDPOINT (object);

  g_free (self->uuid);
  g_free (self->name);
  g_free (self->address);
  g_clear_pointer (&self->last_report, xa_report_free);
  G_OBJECT_CLASS (xa_mcp_endpoint_parent_class)->finalize (object);
}

static void
xa_mcp_endpoint_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  XaMcpEndpoint *self = XA_MCP_ENDPOINT (object);

  switch (prop_id)
    {
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case PROP_ADDRESS:
      g_value_set_string (value, self->address);
      break;
    case PROP_LAST_TESTED:
      g_value_set_int64 (value, self->last_tested);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
xa_mcp_endpoint_class_init (XaMcpEndpointClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = xa_mcp_endpoint_finalize;
  object_class->get_property = xa_mcp_endpoint_get_property;
  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL,
                                               G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ADDRESS] = g_param_spec_string ("address", NULL, NULL, NULL,
                                                  G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* Notified with every new last report. */
  properties[PROP_LAST_TESTED] = g_param_spec_int64 ("last-tested", NULL, NULL, 0, G_MAXINT64, 0,
                                                     G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY |
                                                     G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
xa_mcp_endpoint_init (XaMcpEndpoint *self)
{
}

/* @address: without its token (xa_mcp_endpoint_split()) */
XaMcpEndpoint *
xa_mcp_endpoint_new (const char *name,
                     const char *address)
{
  XaMcpEndpoint *self = g_object_new (XA_TYPE_MCP_ENDPOINT, NULL);

  self->uuid = g_uuid_string_random ();
  self->name = g_strdup (name);
  self->address = g_strdup (address);
  return self;
}

const char *
xa_mcp_endpoint_get_uuid (XaMcpEndpoint *self)
{
  return self->uuid;
}

const char *
xa_mcp_endpoint_get_name (XaMcpEndpoint *self)
{
  return self->name;
}

void
xa_mcp_endpoint_set_name (XaMcpEndpoint *self,
                          const char    *name)
{
  if (replace_str (&self->name, name))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NAME]);
}

const char *
xa_mcp_endpoint_get_address (XaMcpEndpoint *self)
{
  return self->address;
}

XaReport *
xa_mcp_endpoint_dup_last_report (XaMcpEndpoint *self)
{
  return self->last_report ? xa_report_copy (self->last_report) : NULL;
}

gint64
xa_mcp_endpoint_get_last_tested (XaMcpEndpoint *self)
{
  return self->last_tested;
}

void
xa_mcp_endpoint_set_last_report (XaMcpEndpoint  *self,
                                 const XaReport *report,
                                 gint64          when)
{
  g_clear_pointer (&self->last_report, xa_report_free);
  self->last_report = report ? xa_report_copy (report) : NULL;
  self->last_tested = when;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_TESTED]);
}

/* A record is hostile until read: a name and an address that splits,
 * a uuid; the last report only if it reads back. */
static gboolean
read_record (XaMcpEndpoint *self,
             JsonObject    *record)
{
  const char *uuid = xa_json_get_string (record, "uuid");
  const char *name = xa_json_get_string (record, "name");
  const char *address = xa_json_get_string (record, "address");
  JsonNode *last = json_object_get_member (record, "last_report");
  g_autoptr(XaReport) report = NULL;
  g_autofree char *split_address = NULL;
  g_autofree char *token = NULL;

  if (uuid == NULL || !g_uuid_string_is_valid (uuid) || name == NULL || *name == '\0' || address == NULL)
    return FALSE;
  /* Kept without its token, so it is split with a stand-in one. */
  {
    g_autofree char *probe = xa_mcp_endpoint_join (address, "x");
    if (!xa_mcp_endpoint_split (probe, &split_address, &token, NULL) || g_strcmp0 (split_address, address) != 0)
      return FALSE;
  }
  report = last ? xa_report_new_from_record (last) : NULL;

  if (replace_str (&self->name, name))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NAME]);
  if (replace_str (&self->address, address))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ADDRESS]);
  replace_str (&self->uuid, uuid);
  xa_mcp_endpoint_set_last_report (self, report, report ? xa_json_get_int (record, "last_tested", 0) : 0);
  return TRUE;
}

static GObject *
endpoint_new_from_json (JsonObject *record)
{
  g_autoptr(XaMcpEndpoint) self = g_object_new (XA_TYPE_MCP_ENDPOINT, NULL);

  return read_record (self, record) ? G_OBJECT (g_steal_pointer (&self)) : NULL;
}

static gboolean
endpoint_update_from_json (GObject    *item,
                           JsonObject *record)
{
  XaMcpEndpoint *self = XA_MCP_ENDPOINT (item);

  return g_strcmp0 (xa_json_get_string (record, "uuid"), self->uuid) == 0 && read_record (self, record);
}

static JsonNode *
endpoint_to_json (GObject *item)
{
  XaMcpEndpoint *self = XA_MCP_ENDPOINT (item);
  JsonObject *o = json_object_new ();
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  json_object_set_string_member (o, "uuid", self->uuid);
  json_object_set_string_member (o, "name", self->name);
  json_object_set_string_member (o, "address", self->address);
  if (self->last_report != NULL)
    {
      json_object_set_member (o, "last_report", xa_report_to_record (self->last_report));
      json_object_set_int_member (o, "last_tested", self->last_tested);
    }
  json_node_take_object (node, o);
  return node;
}

static const char *
endpoint_get_uuid (GObject *item)
{
  return XA_MCP_ENDPOINT (item)->uuid;
}

static const char *
endpoint_get_name (GObject *item)
{
  return XA_MCP_ENDPOINT (item)->name;
}

const XaStoreKind xa_mcp_endpoint_kind = {
  .file_name = "mcp-endpoints.json",
  .list_member = "endpoints",
  .item_type = xa_mcp_endpoint_get_type,
  .new_from_json = endpoint_new_from_json,
  .update_from_json = endpoint_update_from_json,
  .to_json = endpoint_to_json,
  .get_uuid = endpoint_get_uuid,
  .get_name = endpoint_get_name,
  .says = {
    [XA_STORE_SAYS_DAMAGED] = N_("The MCP endpoints file “%s” is damaged (%s). It was left untouched: "
                                 "move it aside to start with an empty list, or repair it."),
    [XA_STORE_SAYS_NEWER] = N_("The MCP endpoints file “%s” was written by a newer version of Xiaozhi Activator "
                               "(format %d). It was left untouched: update this program to use it."),
    [XA_STORE_SAYS_NO_LIST] = N_("no list of endpoints"),
    [XA_STORE_SAYS_CANNOT_READ] = N_("Could not read the MCP endpoints file “%s”: %s"),
    [XA_STORE_SAYS_CANNOT_SAVE] = N_("Could not save the MCP endpoints file “%s”: %s. Check that the folder is "
                                     "writable and the disk is not full."),
    [XA_STORE_SAYS_CANNOT_WRITE_BACK] = N_("The MCP endpoints file “%s” holds a value that cannot be written back. "
                                           "It was left untouched: repair it, or move it aside to start with an "
                                           "empty list."),
    [XA_STORE_SAYS_NAME_TAKEN] = N_("There is already an MCP endpoint named “%s”. Choose another name."),
    [XA_STORE_SAYS_REMOVED] = N_("The MCP endpoint “%s” was removed meanwhile, so the change was not saved."),
  },
};
