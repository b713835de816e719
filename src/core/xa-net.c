/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "xa-net.h"
#include "xa-text.h"

struct _XaDeadline
{
  GCancellable *cancellable;
  GCancellable *parent;
  gulong        parent_handler;
  guint         timeout_id;
  gboolean      expired;
};

static SoupSession *default_session;
static SoupSession *direct_session;  /* for the devices set to connect directly */
static GList *extra_anchors;   /* GTlsCertificate from the user's CA file */
static guint ca_generation;    /* counts the changes of the CA file */
static char *ca_file;          /* its path, once read: libmosquitto reads it itself */

/* Whether the user's CA file vouches for @peer as @host: the chain and the
 * name verified against it. */
static gboolean
trusted_by_ca_file (GTlsCertificate *peer,
                    const char      *host,
                    guint16          port)
{
  g_autoptr(GSocketConnectable) identity = g_network_address_new (host, port);

  for (GList *l = extra_anchors; l != NULL; l = l->next)
    if (g_tls_certificate_verify (peer, identity, l->data) == 0)
      return TRUE;
  return FALSE;
}

static gboolean
accept_certificate_cb (SoupMessage          *msg,
                       GTlsCertificate      *peer,
                       GTlsCertificateFlags  errors,
                       gpointer              user_data)
{
  GUri *uri = soup_message_get_uri (msg);

  /* The system store said no. A self-hosted server may be signed by the
   * user's own CA: verify the chain and host name against it instead.
   * Verification is never skipped. */
  if (trusted_by_ca_file (peer, g_uri_get_host (uri), g_uri_get_port (uri)))
    return TRUE;

  /* Refused: what was presented, and why, for the error's words. */
  g_object_set_data_full (G_OBJECT (msg), "xa-refused-certificate", g_object_ref (peer), g_object_unref);
  g_object_set_data (G_OBJECT (msg), "xa-refused-errors", GUINT_TO_POINTER (errors));
  return FALSE;
}

SoupSession *
xa_net_get_session (void)
{
  if (default_session == NULL)
    /* No session-wide User-Agent: libsoup would put it over the one each
     * OTA check sends for its device. */
    default_session = soup_session_new_with_options ("max-conns-per-host", 4, NULL);
  return default_session;
}

/* The session for a device's requests: through the proxy this computer's
 * settings name for the address (the default GProxyResolver: GNOME's
 * settings, or http_proxy and its kin through libproxy), or, for a device
 * set to connect directly, never through one. */
SoupSession *
xa_net_get_session_for (gboolean direct)
{
  if (!direct)
    return xa_net_get_session ();
  if (direct_session == NULL)
    {
      direct_session = soup_session_new_with_options ("max-conns-per-host", 4, NULL);
      soup_session_set_proxy_resolver (direct_session, NULL);
    }
  return direct_session;
}

/* What the proxied session asks which proxy to use; NULL: the system's. */
void
xa_net_set_proxy_resolver (GProxyResolver *resolver)
{
  soup_session_set_proxy_resolver (xa_net_get_session (), resolver ? resolver : g_proxy_resolver_get_default ());
}

/* How @msg's connection went, as observed: NULL when it made none, "" when
 * it went straight to the server, else the proxy it went through (its
 * address, never a password in it). */
char *
xa_net_dup_route (SoupMessage *msg)
{
  GSocketAddress *remote = msg ? soup_message_get_remote_address (msg) : NULL;
  g_autoptr(GUri) uri = NULL;

  if (remote == NULL)
    return NULL;
  if (!G_IS_PROXY_ADDRESS (remote))
    return g_strdup ("");
  uri = g_uri_parse (g_proxy_address_get_uri (G_PROXY_ADDRESS (remote)), G_URI_FLAGS_NONE, NULL);
  if (uri == NULL)
    return g_strdup (g_proxy_address_get_protocol (G_PROXY_ADDRESS (remote)));
  return g_uri_join (G_URI_FLAGS_NONE, g_uri_get_scheme (uri), NULL, g_uri_get_host (uri), g_uri_get_port (uri),
                     "", NULL, NULL);
}

/* After a failure: a request that went through a proxy says so, with both
 * of what that may mean. */
void
xa_net_append_route (XaText      *text,
                     SoupMessage *msg)
{
  g_autofree char *route = xa_net_dup_route (msg);

  if (route != NULL && *route != '\0')
    xa_text_append (text, N_("This went through the proxy %s: either the proxy could not reach the server (a "
                             "server on your own network often is out of its reach) or the server turned it "
                             "away. For a server on your network, turn on Connect Directly for this device."),
                    route);
}

/* An error status that came back through a proxy and may be the proxy's
 * own (407, 502, 503, 504), said with both of what it may mean; NULL for
 * any other answer. */
XaText *
xa_net_describe_proxy_status (SoupMessage *msg,
                              guint        status)
{
  g_autofree char *route = xa_net_dup_route (msg);

  if (route == NULL || *route == '\0')
    return NULL;
  if (status == SOUP_STATUS_PROXY_AUTHENTICATION_REQUIRED)
    return xa_text_new_printf (N_("The proxy %s asks for a password (HTTP 407), which this app cannot give. Turn "
                                  "on Connect Directly for this device, or have this computer’s proxy settings "
                                  "leave this server out."), route);
  if (status != SOUP_STATUS_BAD_GATEWAY && status != SOUP_STATUS_SERVICE_UNAVAILABLE &&
      status != SOUP_STATUS_GATEWAY_TIMEOUT)
    return NULL;
  return xa_text_new_printf (N_("The answer was HTTP %u, through the proxy %s: either the proxy could not reach "
                                "the server (a server on your own network often is out of its reach), or the "
                                "server or a gateway in front of it answered so. For a server on your network, "
                                "turn on Connect Directly for this device."), status, route);
}

/* The certificates of the PEM file at @path, or NULL with the reason. */
static GList *
read_ca_file (const char  *path,
              GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  GList *certs = g_tls_certificate_list_new_from_file (path, &local_error);

  if (certs == NULL)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                 /* Translators: %s is a file name */
                 _("The CA file “%s” could not be read as PEM certificates: %s"),
                 path, local_error ? local_error->message : _("it holds no certificate"));
  return certs;
}

static void
free_certs (gpointer certs)
{
  g_list_free_full (certs, g_object_unref);
}

/* Trusts the certificates of @path besides the system's (none when
 * @path is NULL or empty); on error, only the system's. */
gboolean
xa_net_set_ca_file (const char  *path,
                    GError     **error)
{
  ca_generation++;
  g_list_free_full (g_steal_pointer (&extra_anchors), g_object_unref);
  g_clear_pointer (&ca_file, g_free);
  if (path == NULL || *path == '\0')
    return TRUE;
  extra_anchors = read_ca_file (path, error);
  if (extra_anchors != NULL)
    ca_file = g_strdup (path);
  return extra_anchors != NULL;
}

static void
read_ca_file_thread (GTask        *task,
                     gpointer      source_object,
                     gpointer      task_data,
                     GCancellable *cancellable)
{
  GError *error = NULL;
  GList *certs = read_ca_file (task_data, &error);

  if (certs == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, certs, free_certs);
}

/* xa_net_set_ca_file() with the file read in a thread, so the UI never
 * waits for a disk; the last call wins. */
void
xa_net_set_ca_file_async (const char          *path,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, xa_net_set_ca_file_async);
  ca_generation++;
  g_list_free_full (g_steal_pointer (&extra_anchors), g_object_unref);
  g_clear_pointer (&ca_file, g_free);
  if (path == NULL || *path == '\0')
    {
      g_task_return_pointer (task, NULL, NULL);
      return;
    }
  g_object_set_data (G_OBJECT (task), "generation", GUINT_TO_POINTER (ca_generation));
  g_task_set_task_data (task, g_strdup (path), g_free);
  g_task_run_in_thread (task, read_ca_file_thread);
}

gboolean
xa_net_set_ca_file_finish (GAsyncResult  *result,
                           GError       **error)
{
  GList *certs;
  GError *local_error = NULL;

  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  certs = g_task_propagate_pointer (G_TASK (result), &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }
  /* A newer call took over: its certificates, not these. */
  if (GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (result), "generation")) == ca_generation)
    {
      extra_anchors = g_steal_pointer (&certs);
      ca_file = g_strdup (g_task_get_task_data (G_TASK (result)));
    }
  free_certs (certs);
  return TRUE;
}

/* The CA file whose certificates are trusted besides the system's, or NULL. */
const char *
xa_net_get_ca_file (void)
{
  return ca_file;
}

const char *
xa_net_get_language (void)
{
  static char *lang;

  if (lang == NULL)
    {
      const char * const *names = g_get_language_names ();
      const char *chosen = "en-US";

      for (guint i = 0; names[i] != NULL; i++)
        {
          /* Skip C/POSIX and codeset or modifier variants. */
          if (g_str_equal (names[i], "C") || g_str_equal (names[i], "POSIX") ||
              strchr (names[i], '.') != NULL || strchr (names[i], '@') != NULL)
            continue;
          chosen = names[i];
          break;
        }

      lang = g_strdelimit (g_strdup (chosen), "_", '-');
      if (g_str_equal (lang, "zh"))
        {
          g_free (lang);
          lang = g_strdup ("zh-CN");
        }
    }

  return lang;
}

static const char *
xa_net_get_user_agent (void)
{
  return "bread-compact-wifi/xiaozhi-activator-" PACKAGE_VERSION;
}

/* Every message we send goes through here, so custom CA trust and
 * the no-redirect policy apply to OTA and WebSocket alike. */
void
xa_net_prepare_message (SoupMessage *msg)
{
  soup_message_add_flags (msg, SOUP_MESSAGE_NO_REDIRECT);
  soup_message_headers_replace (soup_message_get_request_headers (msg), "User-Agent", xa_net_get_user_agent ());
  g_signal_connect (msg, "accept-certificate", G_CALLBACK (accept_certificate_cb), NULL);
}

XaNetFailure
xa_net_classify_error (const GError *error)
{
  if (error == NULL)
    return XA_NET_FAILURE_NONE;
  if (error->domain == G_TLS_ERROR)
    return XA_NET_FAILURE_TLS;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    return XA_NET_FAILURE_TIMEOUT;
  return XA_NET_FAILURE_UNREACHABLE;
}

static XaText *
describe_error (const GError *error,
                const char   *url,
                SoupMessage  *msg)
{
  XaText *certificate = NULL;
  XaText *text;

  switch (xa_net_classify_error (error))
    {
    case XA_NET_FAILURE_TLS:
      /* What was presented, and why it was refused, when it came. */
      if ((certificate = xa_net_describe_refused_certificate (msg)) != NULL)
        {
          text = xa_text_new_printf (N_("The secure connection to %s failed."), url);
          xa_text_append_text (text, certificate);
          xa_text_free (certificate);
          return text;
        }
      return xa_text_new_printf (N_("The secure connection to %s failed: %s. "
                                 "If this is your own server with its own certificate, "
                                 "choose its CA file in Preferences (for xiaozhictl, set XIAOZHI_CA_FILE)."),
                               url, error->message);
    case XA_NET_FAILURE_TIMEOUT:
      return xa_text_new_printf (N_("%s did not answer in time. "
                                 "Check that the server is running and try again."),
                               url);
    case XA_NET_FAILURE_UNREACHABLE:
    case XA_NET_FAILURE_NONE:
    default:
      /* The machine answered, and nothing listens on that port. */
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED))
        return xa_text_new_printf (N_("Could not reach %s: %s. The machine answered but nothing listens on that "
                                      "port: either the server is not running, or the address or port is wrong."),
                                   url, error->message);
      return xa_text_new_printf (N_("Could not reach %s: %s. "
                                 "Check the address and your network connection."),
                               url, error->message);
    }
}

/* A network failure in words: what failed, the likely causes, what to do;
 * and the proxy it went through, if it did. */
XaText *
xa_net_describe_error (const GError *error,
                       const char   *url,
                       SoupMessage  *msg)
{
  XaText *text = describe_error (error, url, msg);

  xa_net_append_route (text, msg);
  return text;
}

/* ---- a refused certificate, described ------------------------------------------ */

static char *
format_date (GDateTime *date)
{
  return date ? g_date_time_format (date, "%Y-%m-%d") : g_strdup ("?");
}

/* The names a certificate is for: its DNS names and IP addresses, else
 * its subject. */
static char *
certificate_names (GTlsCertificate *cert)
{
  g_autoptr(GPtrArray) dns = NULL;
  g_autoptr(GPtrArray) ips = NULL;
  g_autoptr(GString) names = g_string_new (NULL);
  g_autofree char *subject = NULL;

  g_object_get (cert, "dns-names", &dns, "ip-addresses", &ips, "subject-name", &subject, NULL);
  for (guint i = 0; dns != NULL && i < dns->len; i++)
    {
      gsize size;
      const char *name = g_bytes_get_data (g_ptr_array_index (dns, i), &size);
      g_autofree char *clean = xa_server_text_sanitize (name, (gssize) size, FALSE);

      g_string_append_printf (names, "%s%s", names->len ? ", " : "", clean);
    }
  for (guint i = 0; ips != NULL && i < ips->len; i++)
    {
      g_autofree char *ip = g_inet_address_to_string (g_ptr_array_index (ips, i));
      g_string_append_printf (names, "%s%s", names->len ? ", " : "", ip);
    }
  if (names->len == 0)
    {
      g_autofree char *clean = xa_server_text_sanitize (subject ? subject : "?", -1, FALSE);
      g_string_append (names, clean);
    }
  return g_string_free (g_steal_pointer (&names), FALSE);
}

static char *
certificate_fingerprint (GTlsCertificate *cert)
{
  g_autoptr(GByteArray) der = NULL;
  g_autofree char *hex = NULL;
  GString *out = g_string_new (NULL);

  g_object_get (cert, "certificate", &der, NULL);
  if (der == NULL)
    return g_string_free (out, FALSE);
  hex = g_compute_checksum_for_data (G_CHECKSUM_SHA256, der->data, der->len);
  for (guint i = 0; hex[i] != '\0'; i += 2)
    g_string_append_printf (out, "%s%c%c", i ? ":" : "", g_ascii_toupper (hex[i]), g_ascii_toupper (hex[i + 1]));
  return g_string_free (out, FALSE);
}

/* What the refused certificate of @msg was and which checks it failed, as
 * sentences for a TLS error's advice; NULL when none was refused (the
 * handshake failed before any certificate came). */
static XaText *describe_certificate (GTlsCertificate      *cert,
                                     GTlsCertificateFlags  flags,
                                     const char           *host);

XaText *
xa_net_describe_refused_certificate (SoupMessage *msg)
{
  GTlsCertificate *cert = msg ? g_object_get_data (G_OBJECT (msg), "xa-refused-certificate") : NULL;
  GTlsCertificateFlags flags = cert ? GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (msg), "xa-refused-errors")) : 0;

  if (cert == NULL)
    return NULL;
  return describe_certificate (cert, flags, g_uri_get_host (soup_message_get_uri (msg)));
}

/* @cert, refused for @flags when asked for as @host. */
static XaText *
describe_certificate (GTlsCertificate      *cert,
                      GTlsCertificateFlags  flags,
                      const char           *host)
{
  g_autoptr(GDateTime) before = NULL;
  g_autoptr(GDateTime) after = NULL;
  g_autofree char *issuer = NULL;
  g_autofree char *subject = NULL;
  g_autofree char *clean_issuer = NULL;
  g_autofree char *names = NULL;
  g_autofree char *from = NULL;
  g_autofree char *until = NULL;
  g_autofree char *fingerprint = NULL;
  XaText *text;

  g_object_get (cert, "issuer-name", &issuer, "subject-name", &subject, "not-valid-before", &before,
                "not-valid-after", &after, NULL);
  names = certificate_names (cert);
  clean_issuer = xa_server_text_sanitize (issuer ? issuer : "?", -1, FALSE);
  from = format_date (before);
  until = format_date (after);
  fingerprint = certificate_fingerprint (cert);

  text = xa_text_new_printf (N_("The server presented a certificate for %s, issued by %s, valid from %s to %s "
                                "(SHA-256 %s)."), names, clean_issuer, from, until, fingerprint);
  if (flags & G_TLS_CERTIFICATE_BAD_IDENTITY)
    xa_text_append (text, N_("It is not for %s, the name in the address: either the address is not this "
                             "server’s, or the server presents the certificate of another of its names."), host);
  if (flags & G_TLS_CERTIFICATE_EXPIRED)
    xa_text_append (text, N_("It expired on %s: the server must renew it, or this computer’s clock is wrong."),
                    until);
  if (flags & G_TLS_CERTIFICATE_NOT_ACTIVATED)
    xa_text_append (text, N_("It is valid only from %s: this computer’s clock is behind, or the certificate "
                             "was made to start later."), from);
  if (flags & G_TLS_CERTIFICATE_REVOKED)
    xa_text_append (text, N_("Its authority has revoked it."));
  if (flags & G_TLS_CERTIFICATE_INSECURE)
    xa_text_append (text, N_("It uses an algorithm considered insecure."));
  if (flags & G_TLS_CERTIFICATE_UNKNOWN_CA)
    {
      if (g_strcmp0 (issuer, subject) == 0)
        xa_text_append (text, N_("It is signed by itself, so no authority vouches for it: if this is your own "
                                 "server, compare that fingerprint with the one of its certificate, then choose "
                                 "its certificate as the CA file in Preferences (for xiaozhictl, set "
                                 "XIAOZHI_CA_FILE)."));
      else
        xa_text_append (text, N_("No authority this computer trusts signed it: if the server uses its own, choose "
                                 "that authority’s certificate as the CA file in Preferences (for xiaozhictl, "
                                 "set XIAOZHI_CA_FILE)."));
    }
  return text;
}

/* ---- a certificate fetched, for a TLS client that does not show its own ------------ */

typedef struct
{
  char                 *host;
  GTlsCertificate      *refused;
  GTlsCertificateFlags  errors;
  XaDeadline           *deadline;
} Fetch;

static void
fetch_free (Fetch *fetch)
{
  g_free (fetch->host);
  g_clear_object (&fetch->refused);
  g_clear_pointer (&fetch->deadline, xa_deadline_free);
  g_free (fetch);
}

static gboolean
fetch_accept_cb (GTlsConnection       *connection,
                 GTlsCertificate      *peer,
                 GTlsCertificateFlags  errors,
                 Fetch                *fetch)
{
  /* Trusted through the user's CA file: nothing refused. */
  if (trusted_by_ca_file (peer, fetch->host, 0))
    return FALSE;
  g_set_object (&fetch->refused, peer);
  fetch->errors = errors;
  /* Only read, never trusted: the handshake ends here. */
  return FALSE;
}

static void
fetch_handshake_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Fetch *fetch = g_task_get_task_data (task);

  g_tls_connection_handshake_finish (G_TLS_CONNECTION (object), result, NULL);
  g_io_stream_close (G_IO_STREAM (object), NULL, NULL);
  g_task_return_pointer (task,
                         fetch->refused ? describe_certificate (fetch->refused, fetch->errors, fetch->host) : NULL,
                         (GDestroyNotify) xa_text_free);
}

static void
fetch_connect_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Fetch *fetch = g_task_get_task_data (task);
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GIOStream) tls = NULL;
  g_autoptr(GSocketConnectable) identity = NULL;
  GError *error = NULL;

  connection = g_socket_client_connect_to_host_finish (G_SOCKET_CLIENT (object), result, &error);
  if (connection == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  identity = g_network_address_new (fetch->host, 0);
  tls = g_tls_client_connection_new (G_IO_STREAM (connection), identity, &error);
  if (tls == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  g_signal_connect (tls, "accept-certificate", G_CALLBACK (fetch_accept_cb), fetch);
  g_tls_connection_handshake_async (G_TLS_CONNECTION (tls), G_PRIORITY_DEFAULT,
                                    xa_deadline_get_cancellable (fetch->deadline), fetch_handshake_cb,
                                    g_steal_pointer (&task));
}

/* The certificate @host:@port presents, described as a refused one is
 * (what it is for, who issued it, its dates and fingerprint, why it is
 * refused), for a client that fails without showing it (libmosquitto).
 * A second connection that only reads it: nothing is sent, nothing
 * trusted. NULL when it is trusted, or none came within @timeout_ms. */
void
xa_net_fetch_certificate_async (const char          *host,
                                int                  port,
                                guint                timeout_ms,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  Fetch *fetch = g_new0 (Fetch, 1);

  g_task_set_source_tag (task, xa_net_fetch_certificate_async);
  fetch->host = g_strdup (host);
  fetch->deadline = xa_deadline_new (cancellable, timeout_ms);
  g_task_set_task_data (task, fetch, (GDestroyNotify) fetch_free);
  /* As the client it stands in for: straight to the broker. */
  g_socket_client_set_enable_proxy (client, FALSE);
  g_socket_client_connect_to_host_async (client, host, port, xa_deadline_get_cancellable (fetch->deadline),
                                         fetch_connect_cb, g_steal_pointer (&task));
}

XaText *
xa_net_fetch_certificate_finish (GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
parent_cancelled_cb (GCancellable *parent,
                     gpointer      user_data)
{
  XaDeadline *self = user_data;

  g_cancellable_cancel (self->cancellable);
}

static gboolean
deadline_reached_cb (gpointer user_data)
{
  XaDeadline *self = user_data;

  self->timeout_id = 0;
  self->expired = TRUE;
  g_cancellable_cancel (self->cancellable);

  return G_SOURCE_REMOVE;
}

/* One cancellable that fires on the caller's cancel or when the time is up,
 * so that each I/O step needs to watch only one thing. */
XaDeadline *
xa_deadline_new (GCancellable *parent,
                 guint         timeout_ms)
{
  XaDeadline *self = g_new0 (XaDeadline, 1);

  self->cancellable = g_cancellable_new ();
  if (parent != NULL)
    {
      self->parent = g_object_ref (parent);
      self->parent_handler = g_cancellable_connect (parent, G_CALLBACK (parent_cancelled_cb),
                                                    self, NULL);
    }
  if (timeout_ms > 0)
    self->timeout_id = g_timeout_add (timeout_ms, deadline_reached_cb, self);

  return self;
}

GCancellable *
xa_deadline_get_cancellable (XaDeadline *self)
{
  return self->cancellable;
}

gboolean
xa_deadline_expired (XaDeadline *self)
{
  return self->expired;
}

void
xa_deadline_free (XaDeadline *self)
{
  if (self == NULL)
    return;

  g_clear_handle_id (&self->timeout_id, g_source_remove);
  if (self->parent != NULL)
    g_cancellable_disconnect (self->parent, self->parent_handler);
  g_clear_object (&self->parent);
  g_clear_object (&self->cancellable);
  g_free (self);
}
