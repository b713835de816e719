/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>

#include "xa-mqtt-link.h"

/* libmosquitto's own loop blocks or runs a thread; this GSource polls its
 * socket instead: readable → mosquitto_loop_read(), writable while it has
 * something to send → mosquitto_loop_write(), and once a second (or after
 * any of those) mosquitto_loop_misc() for keep-alives. */
struct _XaMqttLink
{
  GSource           source;
  struct mosquitto *mosq;
  int               fd;
  gpointer          fd_tag;
  GIOCondition      events;
  gint64            next_misc_us;
  XaMqttLinkError   on_error;
  gpointer          user_data;
  gboolean          failed;
};

static gboolean
link_prepare (GSource *source,
              int     *timeout_ms)
{
  XaMqttLink *link = (XaMqttLink *) source;
  int fd = mosquitto_socket (link->mosq);
  gint64 now = g_source_get_time (source);
  GIOCondition events = G_IO_IN | G_IO_ERR | G_IO_HUP | (mosquitto_want_write (link->mosq) ? G_IO_OUT : 0);

  /* The socket exists once connecting began, and is gone after an error.
   * Only a change is told to GLib: each one wakes the main context up. */
  if (fd != link->fd)
    {
      if (link->fd_tag != NULL)
        g_source_remove_unix_fd (source, link->fd_tag);
      link->fd_tag = fd >= 0 ? g_source_add_unix_fd (source, fd, events) : NULL;
      link->fd = fd;
      link->events = events;
    }
  else if (link->fd_tag != NULL && events != link->events)
    {
      g_source_modify_unix_fd (source, link->fd_tag, events);
      link->events = events;
    }
  *timeout_ms = (int) CLAMP ((link->next_misc_us - now + 999) / 1000, 0, 1000);
  return link->fd_tag != NULL && now >= link->next_misc_us;
}

static gboolean
link_check (GSource *source)
{
  XaMqttLink *link = (XaMqttLink *) source;

  return link->fd_tag != NULL &&
         (g_source_query_unix_fd (source, link->fd_tag) != 0 || g_source_get_time (source) >= link->next_misc_us);
}

static gboolean
link_dispatch (GSource     *source,
               GSourceFunc  callback,
               gpointer     user_data)
{
  XaMqttLink *link = (XaMqttLink *) source;
  GIOCondition ready = link->fd_tag != NULL ? g_source_query_unix_fd (source, link->fd_tag) : 0;
  int rc = MOSQ_ERR_SUCCESS;

  errno = 0;
  if (ready & (G_IO_IN | G_IO_ERR | G_IO_HUP))
    rc = mosquitto_loop_read (link->mosq, 1);
  if (rc == MOSQ_ERR_SUCCESS && (ready & G_IO_OUT))
    rc = mosquitto_loop_write (link->mosq, 1);
  if (rc == MOSQ_ERR_SUCCESS)
    rc = mosquitto_loop_misc (link->mosq);
  link->next_misc_us = g_source_get_time (source) + G_USEC_PER_SEC;

  /* The callbacks above may have freed the link's owner, never the link:
   * it is destroyed only through xa_mqtt_link_free(). */
  if (rc != MOSQ_ERR_SUCCESS && rc != MOSQ_ERR_NO_CONN && !link->failed)
    {
      link->failed = TRUE;
      link->on_error (rc, errno, link->user_data);
    }
  return G_SOURCE_CONTINUE;
}

static GSourceFuncs link_funcs = {
  .prepare = link_prepare,
  .check = link_check,
  .dispatch = link_dispatch,
};

/* @mosq: borrowed; it must outlive the link. The link is attached to the
 * thread-default main context. */
XaMqttLink *
xa_mqtt_link_new (struct mosquitto *mosq,
                  XaMqttLinkError   on_error,
                  gpointer          user_data)
{
  XaMqttLink *link = (XaMqttLink *) g_source_new (&link_funcs, sizeof (XaMqttLink));

  link->mosq = mosq;
  link->fd = -1;
  link->on_error = on_error;
  link->user_data = user_data;
  link->next_misc_us = g_get_monotonic_time () + G_USEC_PER_SEC;
  g_source_set_static_name ((GSource *) link, "xa-mqtt-link");
  g_source_attach ((GSource *) link, g_main_context_get_thread_default ());
  return link;
}

void
xa_mqtt_link_free (XaMqttLink *link)
{
  if (link == NULL)
    return;
  g_source_destroy ((GSource *) link);
  g_source_unref ((GSource *) link);
}
