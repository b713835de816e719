/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "xa-test-proxy.h"

struct _XaTestProxy
{
  GSocketService *service;
  int             port;
  gboolean        refuse;
  guint           requests;
  char           *last_target;   /* "host:port" of the last request */
};

/* One client: its request's head read, then the tunnel. */
typedef struct
{
  XaTestProxy       *proxy;
  GSocketConnection *client;
  GByteArray        *head;
  guint8             buffer[4096];
} Client;

static void
client_free (Client *c)
{
  g_clear_object (&c->client);
  g_byte_array_unref (c->head);
  g_free (c);
}

static void
write_and_close (GIOStream  *stream,
                 const char *text)
{
  g_output_stream_write_all (g_io_stream_get_output_stream (stream), text, strlen (text), NULL, NULL, NULL);
  g_io_stream_close (stream, NULL, NULL);
}

static void
spliced_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_io_stream_splice_finish (result, NULL);
}

/* "CONNECT host:port HTTP/1.1" or "GET http://host:port/path HTTP/1.1":
 * the host and port, or NULL. */
static char *
target_of (const char *line,
           gboolean   *tunnel)
{
  g_auto(GStrv) parts = g_strsplit (line, " ", 3);
  g_autoptr(GUri) uri = NULL;

  if (g_strv_length (parts) != 3)
    return NULL;
  *tunnel = g_str_equal (parts[0], "CONNECT");
  if (*tunnel)
    return g_strdup (parts[1]);
  uri = g_uri_parse (parts[1], G_URI_FLAGS_NONE, NULL);
  if (uri == NULL || g_uri_get_host (uri) == NULL)
    return NULL;
  return g_strdup_printf ("%s:%d", g_uri_get_host (uri), g_uri_get_port (uri) > 0 ? g_uri_get_port (uri) : 80);
}

static void
head_read_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Client *c = user_data;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (object), result, NULL);
  g_autoptr(GSocketClient) connector = NULL;
  g_autoptr(GSocketConnection) server = NULL;
  g_autofree char *text = NULL;
  g_autofree char *line = NULL;
  g_autofree char *target = NULL;
  const char *end;
  gboolean tunnel = FALSE;

  if (n <= 0)
    {
      client_free (c);
      return;
    }
  g_byte_array_append (c->head, c->buffer, n);
  /* A copy the string functions may read to its end. */
  text = g_strndup ((const char *) c->head->data, c->head->len);
  end = strstr (text, "\r\n\r\n");
  if (end == NULL && c->head->len < 65536)
    {
      g_input_stream_read_async (g_io_stream_get_input_stream (G_IO_STREAM (c->client)), c->buffer,
                                 sizeof c->buffer, G_PRIORITY_DEFAULT, NULL, head_read_cb, c);
      return;
    }

  line = g_strndup (text, strcspn (text, "\r\n"));
  target = target_of (line, &tunnel);
  c->proxy->requests++;
  g_free (c->proxy->last_target);
  c->proxy->last_target = g_strdup (target);
  if (target == NULL || c->proxy->refuse)
    {
      write_and_close (G_IO_STREAM (c->client), "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
      client_free (c);
      return;
    }

  /* Loopback and one connection: a blocking connect is short. */
  connector = g_socket_client_new ();
  g_socket_client_set_enable_proxy (connector, FALSE);
  server = g_socket_client_connect_to_host (connector, target, 80, NULL, NULL);
  if (server == NULL)
    {
      write_and_close (G_IO_STREAM (c->client), "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
      client_free (c);
      return;
    }
  if (tunnel)
    {
      const char *established = "HTTP/1.1 200 Connection established\r\n\r\n";

      g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (c->client)), established,
                                 strlen (established), NULL, NULL, NULL);
      /* What came after the head belongs to the tunnel. */
      g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (server)),
                                 c->head->data + (end + 4 - text), c->head->len - (end + 4 - text),
                                 NULL, NULL, NULL);
    }
  else
    /* Servers take the absolute form: the request goes on as it came. */
    g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (server)), c->head->data, c->head->len,
                               NULL, NULL, NULL);
  g_io_stream_splice_async (G_IO_STREAM (c->client), G_IO_STREAM (server),
                            G_IO_STREAM_SPLICE_CLOSE_STREAM1 | G_IO_STREAM_SPLICE_CLOSE_STREAM2,
                            G_PRIORITY_DEFAULT, NULL, spliced_cb, NULL);
  client_free (c);
}

static gboolean
incoming_cb (GSocketService    *service,
             GSocketConnection *connection,
             GObject           *source,
             gpointer           user_data)
{
  Client *c = g_new0 (Client, 1);

  c->proxy = user_data;
  c->client = g_object_ref (connection);
  c->head = g_byte_array_new ();
  g_input_stream_read_async (g_io_stream_get_input_stream (G_IO_STREAM (connection)), c->buffer, sizeof c->buffer,
                             G_PRIORITY_DEFAULT, NULL, head_read_cb, c);
  return TRUE;
}

XaTestProxy *
xa_test_proxy_start (gboolean refuse)
{
  XaTestProxy *proxy = g_new0 (XaTestProxy, 1);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;

  proxy->refuse = refuse;
  proxy->service = g_socket_service_new ();
  g_socket_listener_add_address (G_SOCKET_LISTENER (proxy->service), any, G_SOCKET_TYPE_STREAM,
                                 G_SOCKET_PROTOCOL_TCP, NULL, &bound, &error);
  g_assert_no_error (error);
  proxy->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  g_signal_connect (proxy->service, "incoming", G_CALLBACK (incoming_cb), proxy);
  g_socket_service_start (proxy->service);
  return proxy;
}

void
xa_test_proxy_free (XaTestProxy *proxy)
{
  g_socket_service_stop (proxy->service);
  g_socket_listener_close (G_SOCKET_LISTENER (proxy->service));
  g_signal_handlers_disconnect_by_data (proxy->service, proxy);
  g_object_unref (proxy->service);
  g_free (proxy->last_target);
  g_free (proxy);
}

/* "http://127.0.0.1:PORT", as a proxy setting names it. */
char *
xa_test_proxy_get_uri (XaTestProxy *proxy)
{
  return g_strdup_printf ("http://127.0.0.1:%d", proxy->port);
}

guint
xa_test_proxy_get_requests (XaTestProxy *proxy)
{
  return proxy->requests;
}

const char *
xa_test_proxy_get_last_target (XaTestProxy *proxy)
{
  return proxy->last_target;
}
