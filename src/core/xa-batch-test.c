/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "xa-batch-test.h"
#include "xa-report.h"

/* Tests many devices, @jobs at a time, over the one shared SoupSession:
 * each session is loaded first when it is not (its secrets come from the
 * keyring), then tested on every road its server offers
 * (xa_device_session_test_all_async()); its session records the
 * verdicts. */

typedef struct
{
  GPtrArray       *sessions;
  guint            next;
  guint            in_flight;
  guint            jobs;
  guint            timeout_ms;
  XaBatchTestFunc  each;
  gpointer         each_data;
} Batch;

static void
batch_free (Batch *batch)
{
  g_ptr_array_unref (batch->sessions);
  g_free (batch);
}

static void start_more (GTask *task);

static void
one_done (GTask           *task,
          XaDeviceSession *session,
          const XaReport  *report,
          const GError    *error)
{
  Batch *batch = g_task_get_task_data (task);

  batch->in_flight--;
  if (batch->each != NULL)
    batch->each (session, report, error, batch->each_data);
  start_more (task);
  g_object_unref (task);
}

static void
tested_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  XaDeviceSession *session = XA_DEVICE_SESSION (object);
  Batch *batch = g_task_get_task_data (user_data);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) reports = xa_device_session_test_all_finish (session, result, &error);

  if (reports == NULL)
    {
      g_autoptr(XaReport) report = xa_device_session_report_for_error (error);
      one_done (user_data, session, report, report ? NULL : error);
      return;
    }
  /* Each road is a verdict of its own. */
  for (guint i = 0; i + 1 < reports->len && batch->each != NULL; i++)
    batch->each (session, g_ptr_array_index (reports, i), NULL, batch->each_data);
  one_done (user_data, session, g_ptr_array_index (reports, reports->len - 1), NULL);
}

static void
free_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  XaDeviceSession *session = XA_DEVICE_SESSION (object);
  Batch *batch = g_task_get_task_data (user_data);
  g_autoptr(GError) error = NULL;

  if (!xa_device_session_when_free_finish (session, result, &error))
    one_done (user_data, session, NULL, error);
  else if (xa_device_session_get_keyring_error (session) != NULL)
    one_done (user_data, session, NULL, xa_device_session_get_keyring_error (session));
  else
    xa_device_session_test_all_async (session, batch->timeout_ms, g_task_get_cancellable (user_data),
                                      tested_cb, user_data);
}

/* A session busy with something else (its window opened it) is waited
 * for; one not read yet is read first. */
static void
launch (GTask           *task,
        XaDeviceSession *session)
{
  xa_device_session_when_free_async (session, g_task_get_cancellable (task), free_cb, task);
}

static void
start_more (GTask *task)
{
  Batch *batch = g_task_get_task_data (task);

  while (batch->in_flight < batch->jobs && batch->next < batch->sessions->len &&
         !g_cancellable_is_cancelled (g_task_get_cancellable (task)))
    {
      XaDeviceSession *session = g_ptr_array_index (batch->sessions, batch->next++);

      batch->in_flight++;
      launch (g_object_ref (task), session);
    }
  if (batch->in_flight == 0 && !g_task_get_completed (task) &&
      (batch->next == batch->sessions->len || g_cancellable_is_cancelled (g_task_get_cancellable (task))))
    g_task_return_boolean (task, TRUE);
}

/* Tests every session of @sessions, at most @jobs (0: the default) at a
 * time; @each hears each one end. Ends when all have. */
void
xa_batch_test_async (GPtrArray           *sessions,
                     guint                jobs,
                     guint                timeout_ms,
                     GCancellable        *cancellable,
                     XaBatchTestFunc      each,
                     gpointer             each_data,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  Batch *batch = g_new0 (Batch, 1);

  g_task_set_source_tag (task, xa_batch_test_async);
  batch->sessions = g_ptr_array_ref (sessions);
  batch->jobs = jobs > 0 ? jobs : XA_BATCH_TEST_DEFAULT_JOBS;
  batch->timeout_ms = timeout_ms;
  batch->each = each;
  batch->each_data = each_data;
  g_task_set_task_data (task, batch, (GDestroyNotify) batch_free);
  start_more (task);
}

gboolean
xa_batch_test_finish (GAsyncResult  *result,
                      GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
