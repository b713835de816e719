/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "xa-activation.h"
#include "xa-test-util.h"

#define DEVICE "02:11:22:33:44:88"

typedef struct
{
  XaDemoServer *server;
  XaIdentity   *identity;
  XaActivation *activation;
  GPtrArray    *codes;        /* every code-issued, in order */
  guint         replaced;
  guint         progress;
  char         *last_error;
  gboolean      bind_on_code;
} Fixture;

static void
code_issued_cb (XaActivation      *activation,
                const XaOtaAnswer *answer,
                gboolean           replaces,
                Fixture           *f)
{
  g_ptr_array_add (f->codes, g_strdup (answer->code));
  f->replaced += replaces;
  if (f->bind_on_code)
    g_free (xa_demo_server_bind_code (f->server, answer->code));
}

static void
progress_cb (XaActivation *activation,
             guint         attempt,
             guint         next_poll_ms,
             const char   *last_error,
             Fixture      *f)
{
  f->progress++;
  g_free (f->last_error);
  f->last_error = g_strdup (last_error);
}

static void
start (Fixture    *f,
       XaDemoMode  mode)
{
  g_autofree char *url = xa_demo_server_get_url (f->server, mode, "ota");

  f->activation = xa_activation_new (url, f->identity);
  g_object_set (f->activation,
                "poll-interval-ms", 50,
                "error-backoff-ms", 100,
                NULL);
  g_signal_connect (f->activation, "code-issued", G_CALLBACK (code_issued_cb), f);
  g_signal_connect (f->activation, "progress", G_CALLBACK (progress_cb), f);
}

static XaOtaAnswer *
run (Fixture       *f,
     GCancellable  *cancellable,
     GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  xa_activation_run_async (f->activation, cancellable, xa_test_capture_cb, &result);
  return xa_activation_run_finish (f->activation, xa_test_wait (&result), error);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  f->server = xa_test_server_new (XA_DEMO_MODE_OFFICIAL, FALSE);
  f->identity = xa_identity_new (DEVICE, NULL, NULL, NULL);
  f->codes = g_ptr_array_new_with_free_func (g_free);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  /* Let cancelled requests deliver their last callbacks. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  if (f->activation != NULL)
    g_assert_finalize_object (f->activation);
  g_assert_finalize_object (f->server);
  xa_identity_free (f->identity);
  g_ptr_array_unref (f->codes);
  g_free (f->last_error);
}

/* The person types the code a while after it is shown, once the device
 * has polled at least once (however slow the machine, under
 * valgrind say). */
static gboolean
bind_later_cb (gpointer user_data)
{
  Fixture *f = user_data;

  /* A poll is an /activate, or a second OTA check where there is none. */
  if (f->codes->len == 0 ||
      xa_demo_server_get_request_count (f->server, "activate") + xa_demo_server_get_request_count (f->server, "ota") < 2)
    return G_SOURCE_CONTINUE;
  g_assert_cmpuint (f->codes->len, ==, 1);
  g_free (xa_demo_server_bind_code (f->server, g_ptr_array_index (f->codes, 0)));
  return G_SOURCE_REMOVE;
}

static void
test_official (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XaOtaAnswer) answer = NULL;

  start (f, XA_DEMO_MODE_OFFICIAL);
  /* The person types the code a little later, as people do. */
  g_timeout_add (300, bind_later_cb, f);
  answer = run (f, NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpint (xa_activation_get_state (f->activation), ==, XA_ACTIVATION_STATE_ACTIVATED);
  g_assert_false (answer->has_activation);
  g_assert_cmpstr (answer->token, ==, xa_demo_server_get_token (f->server, DEVICE));
  g_assert_cmpuint (f->codes->len, ==, 1);
  g_assert_cmpuint (f->replaced, ==, 0);
  /* It polled /activate (202s) before the 200. */
  g_assert_cmpuint (xa_demo_server_get_request_count (f->server, "activate"), >=, 2);
  g_assert_cmpuint (f->progress, >=, 2);
}

static void
test_v1_server (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XaOtaAnswer) answer = NULL;

  start (f, XA_DEMO_MODE_V1);
  g_timeout_add (300, bind_later_cb, f);
  answer = run (f, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (answer->token);
  /* No challenge: the OTA check is repeated instead of /activate. */
  g_assert_cmpuint (xa_demo_server_get_request_count (f->server, "activate"), ==, 0);
  g_assert_cmpuint (xa_demo_server_get_request_count (f->server, "ota"), >=, 3);
}

static void
test_manager_server (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XaOtaAnswer) answer = NULL;

  start (f, XA_DEMO_MODE_MANAGER);
  f->bind_on_code = TRUE;
  answer = run (f, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (answer->token);
}

/* /activate answers 404 and says why: its words are shown, and the OTA
 * endpoint is asked again instead of the same refusal for minutes. */
static void
test_activate_404 (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  guint checks;

  start (f, XA_DEMO_MODE_ACTIVATE_404);
  xa_activation_run_async (f->activation, cancellable, xa_test_capture_cb, &result);
  XA_TEST_WAIT_UNTIL (f->last_error != NULL);
  g_assert_nonnull (strstr (f->last_error, "HTTP 404"));
  g_assert_nonnull (strstr (f->last_error, "“License not found or already activated”"));
  checks = xa_demo_server_get_request_count (f->server, "ota");
  /* The next poll is an OTA check, not the same /activate again. */
  XA_TEST_WAIT_UNTIL (xa_demo_server_get_request_count (f->server, "ota") > checks);
  g_cancellable_cancel (cancellable);
  g_assert_null (xa_activation_run_finish (f->activation, xa_test_wait (&result), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

/* The official cloud's HTTP 400 says what is wrong: shown, not "try later". */
static void
test_ota_400 (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XaOtaAnswer) answer = NULL;

  start (f, XA_DEMO_MODE_OTA_400);
  answer = run (f, NULL, &error);
  g_assert_null (answer);
  g_assert_error (error, XA_OTA_ERROR, XA_OTA_ERROR_SERVER_REFUSED);
  g_assert_nonnull (strstr (error->message, "(HTTP 400): “Invalid MAC address”"));
}

static void
test_already_bound (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XaOtaAnswer) first = NULL;
  g_autoptr(XaOtaAnswer) again = NULL;

  start (f, XA_DEMO_MODE_OFFICIAL);
  f->bind_on_code = TRUE;
  first = run (f, NULL, &error);
  g_assert_no_error (error);

  /* Running it again on a bound device finishes at once, no code. */
  again = run (f, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (f->codes->len, ==, 1);
  g_assert_cmpstr (again->token, ==, first->token);
}

static void
test_code_expires (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XaOtaAnswer) answer = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;

  xa_demo_server_set_code_lifetime (f->server, 250);
  start (f, XA_DEMO_MODE_OFFICIAL);

  xa_activation_run_async (f->activation, cancellable, xa_test_capture_cb, &result);
  while (f->codes->len < 3)
    g_main_context_iteration (NULL, TRUE);

  /* Each expired code was replaced by a fresh one, visibly. */
  g_assert_cmpuint (f->replaced, >=, 2);
  g_assert_cmpstr (g_ptr_array_index (f->codes, 0), !=, g_ptr_array_index (f->codes, 1));

  g_free (xa_demo_server_bind_code (f->server, g_ptr_array_index (f->codes, f->codes->len - 1)));
  answer = xa_activation_run_finish (f->activation, xa_test_wait (&result), &error);
  g_assert_no_error (error);
  g_assert_nonnull (answer->token);
}

static void
test_deadline (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XaOtaAnswer) answer = NULL;
  gint64 start_us = g_get_monotonic_time ();

  start (f, XA_DEMO_MODE_OFFICIAL);
  g_object_set (f->activation, "deadline-ms", 400, NULL);
  answer = run (f, NULL, &error);

  g_assert_null (answer);
  g_assert_error (error, XA_ACTIVATION_ERROR, XA_ACTIVATION_ERROR_TIMED_OUT);
  g_assert_nonnull (strstr (error->message, "not entered in time"));
  g_assert_cmpint (xa_activation_get_state (f->activation), ==, XA_ACTIVATION_STATE_FAILED);
  g_assert_cmpint (g_get_monotonic_time () - start_us, <, 2 * G_USEC_PER_SEC);
}

static gboolean
cancel_cb (gpointer user_data)
{
  g_cancellable_cancel (user_data);
  return G_SOURCE_REMOVE;
}

static void
test_cancel_mid_poll (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(XaOtaAnswer) answer = NULL;
  guint polls;

  start (f, XA_DEMO_MODE_OFFICIAL);
  g_timeout_add (250, cancel_cb, cancellable);
  answer = run (f, cancellable, &error);

  g_assert_null (answer);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (xa_activation_get_state (f->activation), ==, XA_ACTIVATION_STATE_CANCELLED);
  g_assert_cmpuint (xa_demo_server_get_request_count (f->server, "activate"), >, 0);

  /* Nothing keeps polling after the cancel. */
  polls = xa_demo_server_get_request_count (f->server, "activate");
  xa_test_let_time_pass (200);
  g_assert_cmpuint (xa_demo_server_get_request_count (f->server, "activate"), ==, polls);
}

static void
test_first_check_fails (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XaOtaAnswer) answer = NULL;

  start (f, XA_DEMO_MODE_ERROR_FIELD);
  answer = run (f, NULL, &error);

  g_assert_null (answer);
  g_assert_error (error, XA_OTA_ERROR, XA_OTA_ERROR_SERVER_REFUSED);
  g_assert_cmpint (xa_activation_get_state (f->activation), ==, XA_ACTIVATION_STATE_FAILED);
}

static void
test_busy (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) first = NULL;
  g_autoptr(GAsyncResult) second = NULL;
  g_autoptr(GError) error = NULL;

  start (f, XA_DEMO_MODE_OFFICIAL);
  xa_activation_run_async (f->activation, cancellable, xa_test_capture_cb, &first);
  xa_activation_run_async (f->activation, NULL, xa_test_capture_cb, &second);
  g_assert_null (xa_activation_run_finish (f->activation, xa_test_wait (&second), &error));
  g_assert_error (error, XA_ACTIVATION_ERROR, XA_ACTIVATION_ERROR_BUSY);

  g_cancellable_cancel (cancellable);
  g_clear_error (&error);
  g_assert_null (xa_activation_run_finish (f->activation, xa_test_wait (&first), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

#define ADD(path, func) g_test_add ("/xa/activation/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  ADD ("official", test_official);
  ADD ("v1-server", test_v1_server);
  ADD ("manager-server", test_manager_server);
  ADD ("already-bound", test_already_bound);
  ADD ("code-expires", test_code_expires);
  ADD ("deadline", test_deadline);
  ADD ("cancel-mid-poll", test_cancel_mid_poll);
  ADD ("first-check-fails", test_first_check_fails);
  ADD ("busy", test_busy);

  g_test_add ("/xa/activation/activate-404", Fixture, NULL, fixture_setup, test_activate_404, fixture_teardown);
  g_test_add ("/xa/activation/ota-400", Fixture, NULL, fixture_setup, test_ota_400, fixture_teardown);
  return g_test_run ();
}
