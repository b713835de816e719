/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>
#include <string.h>

#include "xa-ota-private.h"
#include "xa-ota.h"
#include "xa-text.h"
#include "xa-url.h"

/* Addresses: whether an OTA or WebSocket address is one we may use, what
 * its host is and whether it is this computer or the official cloud, the
 * activation and control panel addresses derived from an OTA address, and
 * the warnings an address deserves before anything is sent to it. */

/* The manager's placeholder host (xiaozhi.server.com), which it sends
 * for server.fronted_url and server.websocket until they are set. */
gboolean
xa_url_is_placeholder (const char *url)
{
  g_autofree char *host = xa_url_dup_host (url);

  return g_strcmp0 (host, "xiaozhi.server.com") == 0;
}

/* The host of @url, lower case, or NULL. */
char *
xa_url_dup_host (const char *url)
{
  g_autoptr(GUri) uri = url ? g_uri_parse (url, SOUP_HTTP_URI_FLAGS, NULL) : NULL;

  return uri && g_uri_get_host (uri) ? g_ascii_strdown (g_uri_get_host (uri), -1) : NULL;
}

/* Loopback and Docker's bridge (172.16.0.0/12): fine on the server's own
 * machine, out of reach for a device anywhere else. */
XaHostReach
xa_host_get_reach (const char *host)
{
  int second;

  if (g_str_has_prefix (host, "127.") || g_str_equal (host, "localhost") || g_str_equal (host, "::1"))
    return XA_HOST_REACH_LOOPBACK;
  if (g_str_has_prefix (host, "169.254.") || g_ascii_strncasecmp (host, "fe80:", 5) == 0)
    return XA_HOST_REACH_LINK_LOCAL;
  if (!g_str_has_prefix (host, "172."))
    return XA_HOST_REACH_NETWORK;
  second = atoi (host + 4);
  return second >= 16 && second <= 31 ? XA_HOST_REACH_BRIDGE : XA_HOST_REACH_NETWORK;
}

/* Whether only @host's own machine (or its Docker network) may reach it:
 * loopback, or 172.16/12. */
gboolean
xa_host_is_local (const char *host)
{
  XaHostReach reach = xa_host_get_reach (host);

  return reach == XA_HOST_REACH_LOOPBACK || reach == XA_HOST_REACH_BRIDGE;
}

/* Who can reach @address (a URL or host:port whose host is of @reach),
 * as a sentence: for a 172.16/12 address both of what it may be. NULL
 * for an address others reach. */
XaText *
xa_host_reach_text (const char  *address,
                    XaHostReach  reach)
{
  switch (reach)
    {
    case XA_HOST_REACH_LOOPBACK:
      return xa_text_new_printf (N_("%s is a loopback address: clients on that machine reach it, boards and other "
                                    "computers never do."), address);
    case XA_HOST_REACH_LINK_LOCAL:
      return xa_text_new_printf (N_("%s is a link-local address: only machines on the same network link reach it, "
                                    "and it may change when the machine restarts."), address);
    case XA_HOST_REACH_BRIDGE:
      return xa_text_new_printf (N_("%s is in 172.16.0.0/12: either a Docker bridge, which only that machine "
                                    "reaches, or a private network in that range, whose devices reach it."),
                                 address);
    case XA_HOST_REACH_NETWORK:
    default:
      return NULL;
    }
}

gboolean
xa_host_is_official (const char *host)
{
  return host != NULL && (g_str_equal (host, "api.tenclass.net") || g_str_has_suffix (host, ".xiaozhi.me") ||
                          g_str_equal (host, "xiaozhi.me"));
}

/* ---- URLs -------------------------------------------------------------- */

gboolean
xa_ota_url_validate (const char  *url,
                     GError     **error)
{
  g_autoptr(GUri) uri = NULL;
  const char *scheme;

  if (url != NULL)
    uri = g_uri_parse (url, SOUP_HTTP_URI_FLAGS, NULL);

  scheme = uri ? g_uri_get_scheme (uri) : NULL;
  if (uri == NULL ||
      (g_strcmp0 (scheme, "http") != 0 && g_strcmp0 (scheme, "https") != 0) ||
      g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0')
    {
      g_propagate_error (error, _xa_ota_error_invalid_url (url));
      return FALSE;
    }

  return TRUE;
}

/* Where the OTA service of @url's host may answer when @url does not:
 * @url with its final slash added or taken away, then /xiaozhi/ota/ on
 * @ports (a manager-api's 8002 and a single-module server's 8003 when
 * NULL), each once and never @url itself. Never another host. */
char **
xa_ota_url_variants (const char *url,
                     const int  *ports,
                     guint       n_ports)
{
  static const int usual[] = { 8002, 8003 };
  g_autoptr(GUri) uri = url ? g_uri_parse (url, SOUP_HTTP_URI_FLAGS, NULL) : NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  const char *path;

  if (uri == NULL || g_uri_get_host (uri) == NULL)
    return g_strv_builder_end (builder);
  if (ports == NULL)
    {
      ports = usual;
      n_ports = G_N_ELEMENTS (usual);
    }
  g_hash_table_add (seen, g_strdup (url));
  path = g_uri_get_path (uri);
  {
    g_autofree char *other_path = g_str_has_suffix (path, "/") && strlen (path) > 1
                                    ? g_strndup (path, strlen (path) - 1) : g_strconcat (path, "/", NULL);
    g_autoptr(GUri) other = soup_uri_copy (uri, SOUP_URI_PATH, other_path, SOUP_URI_NONE);
    char *text = g_uri_to_string (other);

    if (g_hash_table_add (seen, text))
      g_strv_builder_add (builder, text);
  }
  for (guint i = 0; i < n_ports; i++)
    {
      g_autoptr(GUri) other = soup_uri_copy (uri, SOUP_URI_PORT, ports[i], SOUP_URI_PATH, "/xiaozhi/ota/",
                                             SOUP_URI_QUERY, NULL, SOUP_URI_NONE);
      char *text = g_uri_to_string (other);

      if (g_hash_table_add (seen, text))
        g_strv_builder_add (builder, text);
    }
  return g_strv_builder_end (builder);
}

/* What we accept as a WebSocket address from a server or a file: ws/wss,
 * a host, printable ASCII only, bounded. */
gboolean
xa_websocket_url_is_safe (const char *url)
{
  g_autoptr(GUri) uri = NULL;
  const char *scheme;

  if (url == NULL || strlen (url) > XA_MAX_URL_LENGTH)
    return FALSE;
  for (const guchar *p = (const guchar *) url; *p != '\0'; p++)
    if (*p <= 0x20 || *p >= 0x7f)
      return FALSE;

  uri = g_uri_parse (url, SOUP_HTTP_URI_FLAGS, NULL);
  scheme = uri ? g_uri_get_scheme (uri) : NULL;
  return uri != NULL &&
         (g_strcmp0 (scheme, "ws") == 0 || g_strcmp0 (scheme, "wss") == 0) &&
         g_uri_get_host (uri) != NULL && *g_uri_get_host (uri) != '\0';
}

char *
xa_ota_activate_url (const char *ota_url)
{
  if (g_str_has_suffix (ota_url, "/"))
    return g_strconcat (ota_url, "activate", NULL);
  return g_strconcat (ota_url, "/activate", NULL);
}

/* Where the user types the code: xiaozhi.me for the official cloud,
 * otherwise the server's own root, where consoles usually live. */
char *
xa_ota_guess_control_panel (const char *ota_url)
{
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GUri) root = NULL;

  /* Only an http(s) address with a host has a console beside it. */
  if (!xa_ota_url_validate (ota_url, NULL))
    return NULL;
  uri = g_uri_parse (ota_url, SOUP_HTTP_URI_FLAGS, NULL);
  if (g_str_equal (g_uri_get_host (uri), "api.tenclass.net") ||
      g_str_has_suffix (g_uri_get_host (uri), ".xiaozhi.me"))
    return g_strdup ("https://xiaozhi.me/");

  root = g_uri_build (G_URI_FLAGS_NONE, g_uri_get_scheme (uri), NULL, g_uri_get_host (uri),
                      g_uri_get_port (uri), "/", NULL, NULL);
  return g_uri_to_string (root);
}

/* The mistakes people make when typing a self-hosted OTA address. Returns
 * the translated warnings, one sentence a line, or NULL when nothing looks
 * off. */
char *
xa_ota_url_warnings (const char *url)
{
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GString) out = g_string_new (NULL);
  const char *host, *scheme, *path;
  int port;

  if (url == NULL || *url == '\0' || !xa_ota_url_validate (url, NULL))
    return NULL;
  uri = g_uri_parse (url, SOUP_HTTP_URI_FLAGS, NULL);
  host = g_uri_get_host (uri);
  scheme = g_uri_get_scheme (uri);
  path = g_uri_get_path (uri);
  port = g_uri_get_port (uri);

  if (!g_str_has_suffix (path, "/"))
    g_string_append_printf (out, "%s\n", _("The address should end with a slash (…/xiaozhi/ota/): some servers answer nothing else."));
  if (g_str_equal (host, "127.0.0.1") || g_str_equal (host, "localhost") || g_str_equal (host, "::1"))
    g_string_append_printf (out, "%s\n", _("127.0.0.1 only works on this computer: your devices cannot reach it. Use this computer’s network address."));
  else if (g_str_has_prefix (host, "172."))
    {
      int second = atoi (host + 4);
      if (second >= 16 && second <= 31)
        g_string_append_printf (out, "%s\n", _("This looks like an address inside Docker, which other devices cannot reach. Use the host computer’s address."));
    }
  if (g_str_equal (host, "api.tenclass.net") && g_str_equal (scheme, "http"))
    g_string_append_printf (out, "%s\n", _("The official server needs https://."));
  else if (g_str_equal (scheme, "https") && (port == 8002 || port == 8003))
    g_string_append_printf (out, "%s\n", _("Self-hosted servers usually speak plain http:// on ports 8002 and 8003."));

  if (out->len == 0)
    return NULL;
  g_string_truncate (out, out->len - 1);
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* The http(s) address libsoup takes a WebSocket upgrade at (ws → http,
 * wss → https; http(s) kept), its query kept as it is escaped; NULL for
 * anything else. */
char *
xa_websocket_url_to_http (const char *websocket_url)
{
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GUri) http = NULL;
  const char *scheme;

  if (websocket_url == NULL)
    return NULL;
  uri = g_uri_parse (websocket_url, SOUP_HTTP_URI_FLAGS, NULL);
  if (uri == NULL || g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0')
    return NULL;

  scheme = g_uri_get_scheme (uri);
  if (g_str_equal (scheme, "ws") || g_str_equal (scheme, "http"))
    scheme = "http";
  else if (g_str_equal (scheme, "wss") || g_str_equal (scheme, "https"))
    scheme = "https";
  else
    return NULL;

  http = g_uri_build (g_uri_get_flags (uri), scheme, NULL, g_uri_get_host (uri),
                      g_uri_get_port (uri), g_uri_get_path (uri), g_uri_get_query (uri), NULL);
  return g_uri_to_string (http);
}
