/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "xa-token-test.h"
#include "xa-hello-probe.h"
#include "xa-identity.h"
#include "xa-ota-answer.h"
#include "xa-ota.h"

/* The Test: an OTA check (is the device bound? which token does the
 * server issue now?) then the WebSocket hello, as one verdict. */
typedef struct
{
  char        *ota_url;
  char        *websocket_url;
  char        *token;
  XaIdentity  *identity;
  guint        timeout_ms;
  XaOtaAnswer *answer;
  GError      *ota_error;
} TestRun;

static void
test_run_free (TestRun *run)
{
  g_free (run->ota_url);
  g_free (run->websocket_url);
  xa_secret_free (run->token);
  g_clear_pointer (&run->identity, xa_identity_free);
  g_clear_pointer (&run->answer, xa_ota_answer_free);
  g_clear_error (&run->ota_error);
  g_free (run);
}

static void
hello_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TestRun *run = g_task_get_task_data (task);
  g_autoptr(XaReport) report = xa_hello_probe_finish (result, NULL);

  /* Cancelled is not a verdict: nothing may be recorded from it. */
  if (report->verdict == XA_VERDICT_CANCELLED ||
      g_error_matches (run->ota_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("The Test was cancelled."));
      return;
    }

  if (run->answer != NULL || run->ota_error != NULL)
    xa_report_apply_ota (report, run->ota_url, run->answer, run->ota_error, run->token);

  g_task_return_pointer (task, g_steal_pointer (&report), (GDestroyNotify) xa_report_free);
}

static void
start_hello (GTask *task)
{
  TestRun *run = g_task_get_task_data (task);
  const char *url = run->websocket_url;
  guint version = 1;

  if (run->answer != NULL)
    {
      if (url == NULL)
        url = run->answer->websocket_url;
      if (run->answer->websocket_version > 0)
        version = run->answer->websocket_version;
    }

  xa_hello_probe_async (url, run->token, run->identity, version, run->timeout_ms,
                        g_task_get_cancellable (task), hello_cb, task);
}

static void
ota_cb (GObject      *object,
        GAsyncResult *result,
        gpointer      user_data)
{
  GTask *task = user_data;
  TestRun *run = g_task_get_task_data (task);

  run->answer = xa_ota_check_finish (result, &run->ota_error);
  /* The hello still runs after a failed check: its result goes in the details. */
  start_hello (task);
}

void
xa_token_test_async (const char          *ota_url,
                     const char          *websocket_url,
                     const char          *token,
                     const XaIdentity    *identity,
                     guint                timeout_ms,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  GTask *task;
  TestRun *run;

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, xa_token_test_async);
  g_task_set_check_cancellable (task, FALSE);

  run = g_new0 (TestRun, 1);
  run->ota_url = g_strdup (ota_url);
  run->websocket_url = g_strdup (websocket_url);
  run->token = g_strdup (token);
  run->identity = xa_identity_copy (identity);
  run->timeout_ms = timeout_ms;
  g_task_set_task_data (task, run, (GDestroyNotify) test_run_free);

  if (ota_url != NULL)
    xa_ota_check_async (ota_url, identity, timeout_ms, cancellable, ota_cb, task);
  else
    start_hello (task);
}

/* The report, or NULL with G_IO_ERROR_CANCELLED when it was cancelled. */
XaReport *
xa_token_test_finish (GAsyncResult  *result,
                      GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == xa_token_test_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
