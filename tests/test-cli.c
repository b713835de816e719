/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <json-glib/json-glib.h>

#include <glib/gstdio.h>
#include <signal.h>
#include <sys/stat.h>

#include "xa-ota.h"
#include "xa-test-proxy.h"
#include "xa-test-util.h"
#include "xa-text.h"

#define DEVICE "02:11:22:33:44:99"
#define CLIENT "5b6c7d8e-9f0a-4b1c-8d2e-3f4a5b6c7d8e"

typedef struct
{
  XaDemoServer *server;
  char         *home;        /* this case's XDG_DATA_HOME: its own devices.json */
  char         *saved_home;
} Fixture;

typedef struct
{
  int   status;
  char *out;
  char *err;
} Run;

static void
run_clear (Run *run)
{
  g_free (run->out);
  g_free (run->err);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Run, run_clear)

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  f->server = xa_test_server_new (XA_DEMO_MODE_OFFICIAL, FALSE);
  /* No case sees the devices another saved. */
  f->saved_home = g_strdup (g_getenv ("XDG_DATA_HOME"));
  f->home = g_dir_make_tmp ("xa-cli-data-XXXXXX", NULL);
  g_setenv ("XDG_DATA_HOME", f->home, TRUE);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_assert_finalize_object (f->server);
  if (f->saved_home != NULL)
    g_setenv ("XDG_DATA_HOME", f->saved_home, TRUE);
  else
    g_unsetenv ("XDG_DATA_HOME");
  xa_test_remove_tree (f->home);
  g_free (f->home);
  g_free (f->saved_home);
}

/* Runs the built xiaozhictl while this process's main loop serves it. */
static void
run_cli_full (Run                *run,
              const char         *input,
              const char * const *env,
              const char * const *args)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE |
                                                                       G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                                                       G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  g_ptr_array_add (argv, (char *) g_getenv ("XIAOZHICTL"));
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);

  g_subprocess_launcher_unsetenv (launcher, "XIAOZHI_TOKEN");
  for (guint i = 0; env && env[i] != NULL; i += 2)
    g_subprocess_launcher_setenv (launcher, env[i], env[i + 1], TRUE);

  proc = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8_async (proc, input, NULL, xa_test_capture_cb, &result);
  g_subprocess_communicate_utf8_finish (proc, xa_test_wait (&result), &run->out, &run->err, &error);
  g_assert_no_error (error);
  if (!g_subprocess_get_if_exited (proc))
    g_error ("xiaozhictl %s died of signal %d; it said: %s", args[0], g_subprocess_get_term_sig (proc), run->err);
  run->status = g_subprocess_get_exit_status (proc);
  g_test_message ("exit %d\nstdout: %s\nstderr: %s", run->status, run->out, run->err);
}

#define run_cli(run, ...) run_cli_full (run, NULL, NULL, (const char *[]) { __VA_ARGS__, NULL })

static JsonObject *
parse_json (const char *text,
            JsonNode  **node)
{
  g_autoptr(GError) error = NULL;

  *node = json_from_string (text, &error);
  g_assert_no_error (error);
  return json_node_get_object (*node);
}

static void
test_version_and_help (void)
{
  g_auto(Run) version = { 0 };
  g_auto(Run) help = { 0 };
  g_auto(Run) test_help = { 0 };
  g_auto(Run) none = { 0 };
  g_auto(Run) unknown = { 0 };

  run_cli (&version, "--version");
  g_assert_cmpint (version.status, ==, 0);
  g_assert_cmpstr (version.out, ==, "xiaozhictl " PACKAGE_VERSION "\n");

  run_cli (&help, "--help");
  g_assert_cmpint (help.status, ==, 0);
  g_assert_nonnull (strstr (help.out, "activate"));
  g_assert_nonnull (strstr (help.out, "test"));

  run_cli (&test_help, "test", "--help");
  g_assert_cmpint (test_help.status, ==, 0);
  g_assert_nonnull (strstr (test_help.out, "--device-id"));
  g_assert_nonnull (strstr (test_help.out, "3 rejected"));

  run_cli (&none, "--bogus-only");
  g_assert_cmpint (none.status, ==, 2);

  run_cli (&unknown, "frobnicate");
  g_assert_cmpint (unknown.status, ==, 2);
  g_assert_nonnull (strstr (unknown.err, "Unknown command “frobnicate”"));
}

static void
test_usage_errors (void)
{
  g_auto(Run) no_ids = { 0 };
  g_auto(Run) bad_mac = { 0 };
  g_auto(Run) bad_url = { 0 };
  g_auto(Run) bad_option = { 0 };

  run_cli (&no_ids, "test", "--url", "ws://127.0.0.1:1/xiaozhi/v1/");
  g_assert_cmpint (no_ids.status, ==, 2);
  g_assert_nonnull (strstr (no_ids.err, "--device-id"));

  run_cli (&bad_mac, "test", "--url", "ws://127.0.0.1:1/", "--device-id", "z z", "--client-id", CLIENT);
  g_assert_cmpint (bad_mac.status, ==, 2);
  g_assert_nonnull (strstr (bad_mac.err, "printable text without spaces"));

  run_cli (&bad_url, "activate", "--ota-url", "api.tenclass.net/xiaozhi/ota/");
  g_assert_cmpint (bad_url.status, ==, 2);
  g_assert_nonnull (strstr (bad_url.err, "is not a valid OTA address"));

  run_cli (&bad_option, "activate", "--frobnicate");
  g_assert_cmpint (bad_option.status, ==, 2);
  g_assert_nonnull (strstr (bad_option.err, "xiaozhictl activate --help"));

  /* Not WebSocket addresses, and timeouts that would wrap: usage errors. */
  {
    const char *urls[] = { "file:///etc/passwd", "javascript:alert(1)", "ws://[::1", "ws://", "http://a/" };

    for (guint i = 0; i < G_N_ELEMENTS (urls); i++)
      {
        g_auto(Run) run = { 0 };
        run_cli (&run, "test", "--url", urls[i], "--device-id", DEVICE, "--client-id", CLIENT);
        g_assert_cmpint (run.status, ==, 2);
        g_assert_nonnull (strstr (run.err, "starts with ws:// or wss://"));
      }
  }
  {
    g_auto(Run) wraps = { 0 };
    g_auto(Run) wraps_activate = { 0 };

    run_cli (&wraps, "test", "--url", "ws://127.0.0.1:1/", "--device-id", DEVICE, "--client-id", CLIENT,
             "--timeout", "4294968");
    g_assert_cmpint (wraps.status, ==, 2);
    g_assert_nonnull (strstr (wraps.err, "between 1 and 86400"));
    run_cli (&wraps_activate, "activate", "--timeout", "4294968");
    g_assert_cmpint (wraps_activate.status, ==, 2);
  }
}

typedef struct
{
  XaDemoMode  ws_mode;
  const char *verdict;
  int         status;
} VerdictCase;

static const VerdictCase verdicts[] = {
  { XA_DEMO_MODE_OFFICIAL, "rejected", 3 },
  { XA_DEMO_MODE_MANAGER, "not-activated", 4 },
  { XA_DEMO_MODE_HELLO_NO_SESSION, "valid", 0 },
  { XA_DEMO_MODE_UNKNOWN_DEVICE, "not-activated", 4 },
  { XA_DEMO_MODE_HELLO_HANG, "timeout", 7 },
  { XA_DEMO_MODE_ERROR_FIELD, "refused", 10 },
};

static void
test_verdict_exit_status (Fixture       *f,
                          gconstpointer  data)
{
  const VerdictCase *c = data;
  g_autofree char *url = xa_demo_server_get_url (f->server, c->ws_mode, "ws");
  g_autofree char *ota = xa_demo_server_get_url (f->server, c->ws_mode, "ota");
  g_autoptr(XaIdentity) id = xa_identity_new (DEVICE, CLIENT, NULL, NULL);
  g_auto(Run) run = { 0 };
  g_autoptr(JsonNode) node = NULL;
  JsonObject *o;

  if (c->ws_mode == XA_DEMO_MODE_MANAGER)
    {
      /* The device has asked for its code, nobody entered it. */
      g_autoptr(GAsyncResult) result = NULL;
      xa_ota_check_async (ota, id, 0, NULL, xa_test_capture_cb, &result);
      xa_ota_answer_free (xa_ota_check_finish (xa_test_wait (&result), NULL));
    }

  /* A refusal is the OTA check's verdict. */
  if (c->ws_mode == XA_DEMO_MODE_ERROR_FIELD)
    run_cli (&run, "test", "--url", url, "--ota-url", ota, "--token", "wrong", "--device-id", DEVICE,
             "--client-id", CLIENT, "--timeout", "1", "--json");
  else
    run_cli (&run, "test", "--url", url, "--token", "wrong", "--device-id", DEVICE,
             "--client-id", CLIENT, "--timeout", "1", "--json");
  g_assert_cmpint (run.status, ==, c->status);
  o = parse_json (run.out, &node);
  g_assert_cmpstr (json_object_get_string_member (o, "verdict"), ==, c->verdict);
  g_assert_nonnull (json_object_get_string_member (o, "message"));
}

static void
test_unreachable_and_tls (void)
{
  g_autoptr(XaDemoServer) tls = xa_test_server_new (XA_DEMO_MODE_OFFICIAL, TRUE);
  g_autofree char *wss = xa_demo_server_get_url (tls, XA_DEMO_MODE_OFFICIAL, "ws");
  g_autofree char *ca = xa_test_data_path ("demo-cert.pem");
  g_auto(Run) unreachable = { 0 };
  g_auto(Run) tls_error = { 0 };
  g_auto(Run) trusted = { 0 };

  run_cli (&unreachable, "test", "--url", "ws://127.0.0.1:1/xiaozhi/v1/", "--token", "t",
           "--device-id", DEVICE, "--client-id", CLIENT);
  g_assert_cmpint (unreachable.status, ==, 5);
  g_assert_true (g_str_has_prefix (unreachable.out, "✘ Server unreachable\n"));

  run_cli (&tls_error, "test", "--url", wss, "--token", "t", "--device-id", DEVICE, "--client-id", CLIENT);
  g_assert_cmpint (tls_error.status, ==, 6);
  g_assert_true (g_str_has_prefix (tls_error.out, "✘ Secure connection failed\n"));

  run_cli_full (&trusted, NULL, (const char *[]) { "XIAOZHI_CA_FILE", ca, NULL },
                (const char *[]) { "test", "--url", wss, "--token", "t", "--device-id", DEVICE,
                                   "--client-id", CLIENT, NULL });
  g_assert_cmpint (trusted.status, ==, 3);

  g_assert_finalize_object (g_steal_pointer (&tls));
}

static void
test_activate_then_test (Fixture       *f,
                         gconstpointer  data)
{
  g_autofree char *ota = xa_demo_server_get_url (f->server, XA_DEMO_MODE_OFFICIAL, "ota");
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                                                       G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *code = NULL;
  g_autofree char *bound = NULL;
  g_autofree char *code_line = NULL;
  g_autofree char *panel = xa_demo_server_get_url (f->server, XA_DEMO_MODE_OFFICIAL, "panel");
  g_auto(Run) valid = { 0 };
  g_auto(Run) human = { 0 };
  const char *token;
  JsonObject *o;

  proc = g_subprocess_launcher_spawn (launcher, &error, g_getenv ("XIAOZHICTL"), "activate",
                                      "--ota-url", ota, "--device-id", DEVICE, "--client-id", CLIENT,
                                      "--poll-interval", "100", "--timeout", "30", "--json", NULL);
  g_assert_no_error (error);

  /* A person reads the code and types it into the control panel. */
  while (xa_demo_server_get_code (f->server, DEVICE) == NULL)
    g_main_context_iteration (NULL, TRUE);
  code = g_strdup (xa_demo_server_get_code (f->server, DEVICE));
  bound = xa_demo_server_bind_code (f->server, code);
  g_assert_cmpstr (bound, ==, DEVICE);

  g_subprocess_communicate_utf8_async (proc, NULL, NULL, xa_test_capture_cb, &result);
  g_subprocess_communicate_utf8_finish (proc, xa_test_wait (&result), &out, &err, &error);
  g_assert_no_error (error);
  g_test_message ("stdout: %s\nstderr: %s", out, err);
  g_assert_cmpint (g_subprocess_get_exit_status (proc), ==, 0);

  /* The person saw the code and where to type it. */
  code_line = g_strdup_printf ("Activation code: %s\n", code);
  g_assert_nonnull (strstr (err, code_line));
  g_assert_nonnull (strstr (err, panel));

  o = parse_json (out, &node);
  token = json_object_get_string_member (o, "token");
  g_assert_cmpstr (json_object_get_string_member (o, "verdict"), ==, "activated");
  g_assert_cmpstr (json_object_get_string_member (o, "device_id"), ==, DEVICE);
  g_assert_cmpstr (json_object_get_string_member (o, "client_id"), ==, CLIENT);
  g_assert_cmpstr (json_object_get_string_member (o, "serial_number"), ==, "SN-10704A93-021122334499");
  g_assert_cmpstr (token, ==, xa_demo_server_get_token (f->server, DEVICE));

  /* The token it printed passes the Test, given on standard input... */
  run_cli_full (&valid, token, NULL,
                (const char *[]) { "test", "--url", json_object_get_string_member (o, "websocket_url"),
                                   "--token", "-", "--device-id", DEVICE, "--client-id", CLIENT,
                                   "--ota-url", ota, "--json", NULL });
  g_assert_cmpint (valid.status, ==, 0);
  g_assert_nonnull (strstr (valid.out, "\"verdict\" : \"valid\""));

  /* ...or in the environment, with the human output. */
  run_cli_full (&human, NULL, (const char *[]) { "XIAOZHI_TOKEN", token, NULL },
                (const char *[]) { "test", "--url", json_object_get_string_member (o, "websocket_url"),
                                   "--device-id", DEVICE, "--client-id", CLIENT, NULL });
  g_assert_cmpint (human.status, ==, 0);
  g_assert_true (g_str_has_prefix (human.out, "✔ Token is valid\n"));
  g_assert_nonnull (strstr (human.out, "Session id: "));
}

static void
test_activate_fails (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *ota = xa_demo_server_get_url (f->server, XA_DEMO_MODE_HTTP_500, "ota");
  g_auto(Run) run = { 0 };
  g_auto(Run) json = { 0 };
  g_autoptr(JsonNode) node = NULL;
  JsonObject *o;

  run_cli (&run, "activate", "--ota-url", ota);
  g_assert_cmpint (run.status, ==, 8);
  g_assert_nonnull (strstr (run.err, "Activation failed: The server answered with an error (HTTP 500"));

  run_cli (&json, "activate", "--ota-url", "http://127.0.0.1:1/xiaozhi/ota/", "--json");
  g_assert_cmpint (json.status, ==, 5);
  o = parse_json (json.out, &node);
  g_assert_cmpstr (json_object_get_string_member (o, "verdict"), ==, "unreachable");
  g_assert_false (json_object_has_member (o, "token"));
}


static void
test_chinese_output (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *url = xa_demo_server_get_url (f->server, XA_DEMO_MODE_SELF_HOSTED, "ws");
  g_autofree char *ota = xa_demo_server_get_url (f->server, XA_DEMO_MODE_SELF_HOSTED, "ota");
  const char *zh[] = { "LANGUAGE", "zh_CN", "LC_ALL", "zh_CN.UTF-8",
                       "TEXTDOMAINDIR", g_getenv ("XA_BUILD_LOCALEDIR"), NULL };
  g_auto(Run) human = { 0 };
  g_auto(Run) json = { 0 };
  g_auto(Run) usage = { 0 };

  run_cli_full (&human, NULL, zh, (const char *[]) { "test", "--url", url, "--token", "wrong", "--ota-url", ota,
                                                     "--device-id", DEVICE, "--client-id", CLIENT, NULL });
  /* The server hears the user's language, and may answer in it. */
  g_assert_cmpstr (soup_message_headers_get_one (xa_demo_server_get_last_headers (f->server, "ota"),
                                                 "Accept-Language"), ==, "zh-CN");
  g_assert_cmpint (human.status, ==, 3);
  g_assert_true (g_str_has_prefix (human.out, "✘ 令牌被拒绝\n服务器返回“认证失败”并关闭了连接。"));
  g_assert_nonnull (strstr (human.out, "详细信息：\n"));
  g_assert_nonnull (strstr (human.out, "服务器消息：认证失败"));

  /* JSON stays the same in every language. */
  run_cli_full (&json, NULL, zh, (const char *[]) { "test", "--url", url, "--token", "wrong",
                                                    "--device-id", DEVICE, "--client-id", CLIENT, "--json", NULL });
  g_assert_nonnull (strstr (json.out, "\"verdict\" : \"rejected\""));

  run_cli_full (&usage, NULL, zh, (const char *[]) { "test", "--url", url, NULL });
  g_assert_cmpint (usage.status, ==, 2);
  g_assert_nonnull (strstr (usage.err, "请提供设备的 --device-id 和 --client-id。"));
}

/* ---- saved devices (runs inside tests/with-keyring.sh) ------------------- */

#define SAVED "02:11:22:33:44:aa"

static void
assert_no_token (const Run  *run,
                 const char *token)
{
  g_assert_null (strstr (run->out, token));
  g_assert_null (strstr (run->err, token));
}

static char *
activate_saved (Fixture    *f,
                const char *name)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                                                       G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  Run run = { 0 };
  g_autofree char *bound = NULL;
  char *token;

  g_subprocess_launcher_setenv (launcher, "G_MESSAGES_DEBUG", "all", TRUE);
  proc = g_subprocess_launcher_spawn (launcher, &error, g_getenv ("XIAOZHICTL"), "activate", name,
                                      "--poll-interval", "100", "--timeout", "30", NULL);
  g_assert_no_error (error);
  while (xa_demo_server_get_code (f->server, SAVED) == NULL)
    g_main_context_iteration (NULL, TRUE);
  bound = xa_demo_server_bind_code (f->server, xa_demo_server_get_code (f->server, SAVED));

  g_subprocess_communicate_utf8_async (proc, NULL, NULL, xa_test_capture_cb, &result);
  g_subprocess_communicate_utf8_finish (proc, xa_test_wait (&result), &run.out, &run.err, &error);
  g_assert_no_error (error);
  g_test_message ("stdout: %s\nstderr: %s", run.out, run.err);
  g_assert_cmpint (g_subprocess_get_exit_status (proc), ==, 0);
  g_assert_nonnull (strstr (run.out, "Activated “"));

  token = g_strdup (xa_demo_server_get_token (f->server, SAVED));
  /* Not even the debug log shows the token. */
  assert_no_token (&run, token);
  run_clear (&run);
  return token;
}

/* The official server offers both roads (py-xiaozhi takes the WebSocket,
 * boards take MQTT): --transport all tests each, prints a JSON array, and
 * exits with the largest status. */
static void
test_transports (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *ota = xa_demo_server_get_url (f->server, XA_DEMO_MODE_OFFICIAL, "ota");
  g_autofree char *single = xa_demo_server_get_url (f->server, XA_DEMO_MODE_SELF_HOSTED, "ota");
  g_autofree char *token = NULL;
  g_autoptr(JsonNode) node = NULL;
  XaTestBroker *broker = xa_test_broker_start ();
  g_auto(Run) add = { 0 };
  g_auto(Run) add_single = { 0 };
  g_auto(Run) all = { 0 };
  g_auto(Run) mqtt = { 0 };
  g_auto(Run) broken = { 0 };
  g_auto(Run) no_mqtt = { 0 };
  g_auto(Run) bogus = { 0 };
  g_auto(Run) url_mqtt = { 0 };
  JsonArray *array;

  g_assert_true (xa_demo_server_set_mqtt_broker (f->server, "127.0.0.1", broker->port, "gateway",
                                                 "gateway-password", NULL));
  run_cli (&add, "device", "add", "Both", "--ota-url", ota, "--device-id", SAVED);
  g_assert_cmpint (add.status, ==, 0);
  token = activate_saved (f, "Both");

  run_cli (&all, "test", "Both", "--transport", "all", "--json");
  g_assert_cmpint (all.status, ==, 0);
  node = json_from_string (all.out, NULL);
  g_assert_nonnull (node);
  array = json_node_get_array (node);
  g_assert_cmpuint (json_array_get_length (array), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (array, 0), "transport"), ==, "websocket");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (array, 0), "verdict"), ==, "valid");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (array, 1), "transport"), ==, "mqtt");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (array, 1), "verdict"), ==, "valid");
  assert_no_token (&all, token);

  run_cli (&mqtt, "test", "Both", "--transport", "mqtt");
  g_assert_cmpint (mqtt.status, ==, 0);
  g_assert_true (g_str_has_prefix (mqtt.out, "✔ MQTT credentials work\n"));

  /* The broker goes away: the worst verdict sets the exit status. */
  xa_test_broker_stop (broker);
  run_cli (&broken, "test", "Both", "--transport", "all");
  g_assert_cmpint (broken.status, ==, 5);
  g_assert_true (g_str_has_prefix (broken.out, "✔ Token is valid\n"));
  g_assert_nonnull (strstr (broken.out, "\n✘ Server unreachable\n"));

  run_cli (&add_single, "device", "add", "WebSocket only", "--ota-url", single);
  g_assert_cmpint (add_single.status, ==, 0);
  run_cli (&no_mqtt, "test", "WebSocket only", "--transport", "mqtt");
  g_assert_cmpint (no_mqtt.status, ==, 1);
  g_assert_nonnull (strstr (no_mqtt.err, "offered this device no MQTT"));
  run_cli (&bogus, "test", "Both", "--transport", "udp");
  g_assert_cmpint (bogus.status, ==, 2);
  run_cli (&url_mqtt, "test", "--url", "ws://127.0.0.1:1/", "--transport", "mqtt");
  g_assert_cmpint (url_mqtt.status, ==, 2);
}

/* In “device show”, every value starts at the same terminal column, in
 * whatever language the labels before it are. */
static void
assert_fields_line_up (const char *out)
{
  g_auto(GStrv) lines = g_strsplit (out, "\n", -1);
  guint column = 0;
  guint rows = 0;

  for (guint i = 0; lines[i] != NULL && lines[i][0] != '\0'; i++)
    {
      const char *value = lines[i];
      g_autofree char *before = NULL;
      guint width;

      if (g_str_has_prefix (lines[i], "History") || g_str_has_prefix (lines[i], "历史"))
        break;
      if (*value != ' ')
        {
          const char *colon = strstr (value, "：");
          const char *ascii = strchr (value, ':');

          value = colon != NULL && (ascii == NULL || colon < ascii) ? colon + strlen ("：") : ascii + 1;
        }
      while (*value == ' ')
        value++;
      before = g_strndup (lines[i], value - lines[i]);
      width = xa_text_display_width (before);
      if (column == 0)
        column = width;
      if (width != column)
        g_error ("“%s”: the value starts at column %u, not %u", lines[i], width, column);
      rows++;
    }
  g_assert_cmpuint (rows, >, 5);
}

/* Adding a device: its name and Device-Id checked, a taken name refused. */
static void
test_device_add (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *ota = xa_demo_server_get_url (f->server, XA_DEMO_MODE_OFFICIAL, "ota");
  g_auto(Run) add = { 0 };
  g_auto(Run) twice = { 0 };
  g_auto(Run) bad_mac = { 0 };

  run_cli (&add, "device", "add", "Desk board", "--ota-url", ota, "--device-id", SAVED);
  g_assert_cmpint (add.status, ==, 0);
  g_assert_cmpstr (add.out, ==, "Added “Desk board” (Device-Id " SAVED ").\n");

  run_cli (&twice, "device", "add", "Desk board", "--ota-url", ota);
  g_assert_cmpint (twice.status, ==, 1);
  g_assert_nonnull (strstr (twice.err, "There is already a device named “Desk board”"));

  {
    g_auto(Run) empty = { 0 };
    g_auto(Run) control = { 0 };

    run_cli (&empty, "device", "add", "");
    g_assert_cmpint (empty.status, ==, 1);
    g_assert_nonnull (strstr (empty.err, "without line breaks or control characters"));
    run_cli (&control, "device", "add", "Desk\033]0;pwned\007");
    g_assert_cmpint (control.status, ==, 1);
  }

  /* An existing device's Device-Id is kept as typed, with a note; only
   * what no header can carry is refused. */
  run_cli (&bad_mac, "device", "add", "Upper", "--device-id", "02:AA:BB:CC:DD:EE", "--client-id", "my-client-1");
  g_assert_cmpint (bad_mac.status, ==, 0);
  g_assert_nonnull (strstr (bad_mac.err, "kept exactly as given"));
  g_assert_nonnull (strstr (bad_mac.out, "Device-Id 02:AA:BB:CC:DD:EE"));
  {
    g_auto(Run) spaced = { 0 };
    run_cli (&spaced, "device", "add", "Spaced", "--device-id", "aa bb");
    g_assert_cmpint (spaced.status, ==, 2);
    g_assert_nonnull (strstr (spaced.err, "printable text without spaces"));
  }
}

/* A saved device activated and tested: its token printed, the verdict
 * recorded (as words' recipes, never the token), shown in any language. */
static void
test_saved_device_flow (Fixture       *f,
                        gconstpointer  data)
{
  g_autofree char *ota = xa_demo_server_get_url (f->server, XA_DEMO_MODE_OFFICIAL, "ota");
  g_autofree char *store_path = g_build_filename (f->home, "xiaozhi-activator", "devices.json", NULL);
  g_autofree char *token = NULL;
  g_autofree char *store_text = NULL;
  g_autofree char *printed = NULL;
  g_auto(Run) add = { 0 };
  g_auto(Run) list = { 0 };
  g_auto(Run) show_token = { 0 };
  g_auto(Run) test = { 0 };
  g_auto(Run) show = { 0 };
  g_autoptr(JsonNode) node = NULL;
  JsonObject *o;

  run_cli (&add, "device", "add", "Desk board", "--ota-url", ota, "--device-id", SAVED);
  g_assert_cmpint (add.status, ==, 0);
  token = activate_saved (f, "Desk board");

  run_cli (&show_token, "token", "Desk board");
  g_assert_cmpint (show_token.status, ==, 0);
  printed = g_strdup_printf ("%s\n", token);
  g_assert_cmpstr (show_token.out, ==, printed);

  run_cli_full (&test, NULL, (const char *[]) { "G_MESSAGES_DEBUG", "all", NULL },
                (const char *[]) { "test", "Desk board", "--json", NULL });
  g_assert_cmpint (test.status, ==, 0);
  assert_no_token (&test, token);
  o = parse_json (test.out, &node);
  g_assert_cmpstr (json_object_get_string_member (o, "verdict"), ==, "valid");

  /* The verdict was recorded; the token never went to the file. */
  g_assert_true (g_file_get_contents (store_path, &store_text, NULL, NULL));
  g_assert_nonnull (strstr (store_text, "\"last_verdict\" : \"valid\""));
  g_assert_null (strstr (store_text, token));

  run_cli (&list, "device", "list");
  g_assert_cmpint (list.status, ==, 0);
  g_assert_nonnull (strstr (list.out, "Desk board"));
  g_assert_nonnull (strstr (list.out, "Token is valid"));

  run_cli (&show, "device", "show", "Desk board");
  assert_fields_line_up (show.out);
  g_assert_cmpint (show.status, ==, 0);
  assert_no_token (&show, token);
  g_assert_nonnull (strstr (show.out, "(in the keyring)"));
  g_assert_nonnull (strstr (show.out, "The server answered the hello in "));

  /* Recorded in English, shown in the reader's language: devices.json
   * keeps the words' recipe, not the words. */
  g_assert_null (strstr (store_text, "\"last_message\""));
  g_assert_nonnull (strstr (store_text, "\"msgid\" : \"The server answered the hello in %d ms and took the token: it issues this device signed tokens"));
  {
    const char *zh[] = { "LANGUAGE", "zh_CN", "LC_ALL", "zh_CN.UTF-8",
                         "TEXTDOMAINDIR", g_getenv ("XA_BUILD_LOCALEDIR"), NULL };
    g_auto(Run) chinese = { 0 };
    g_auto(Run) json = { 0 };
    g_autoptr(JsonNode) shown = NULL;

    run_cli_full (&chinese, NULL, zh, (const char *[]) { "device", "show", "Desk board", NULL });
    g_assert_cmpint (chinese.status, ==, 0);
    assert_fields_line_up (chinese.out);
    g_assert_nonnull (strstr (chinese.out, "回应了 hello，并接受了令牌：它给这台设备签发签名令牌"));
    g_assert_null (strstr (chinese.out, "accepted"));

    /* Scripts get the words, not the recipes. */
    run_cli_full (&json, NULL, zh, (const char *[]) { "device", "show", "Desk board", "--json", NULL });
    o = parse_json (json.out, &shown);
    g_assert_nonnull (strstr (json_object_get_string_member (o, "last_message"), "并接受了令牌"));
    g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (o, "last_report"), "verdict"),
                     ==, "valid");
    g_assert_false (json_object_has_member (json_object_get_object_member (o, "last_report"), "advice_text"));
  }
}

/* Through this computer's proxy, as libproxy reads http_proxy: a Test's
 * details name it; set to connect directly, the device goes around it. */
static void
test_proxy (Fixture       *f,
            gconstpointer  data)
{
  g_autofree char *ota = xa_demo_server_get_url (f->server, XA_DEMO_MODE_OFFICIAL, "ota");
  XaTestProxy *proxy = xa_test_proxy_start (FALSE);
  g_autofree char *uri = xa_test_proxy_get_uri (proxy);
  const char *env[] = { "GIO_USE_PROXY_RESOLVER", "libproxy", "http_proxy", uri, NULL };
  g_autofree char *line = g_strdup_printf ("Proxy: %s\n", uri);
  g_autofree char *token = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_auto(Run) add = { 0 };
  g_auto(Run) proxied = { 0 };
  g_auto(Run) set = { 0 };
  g_auto(Run) direct = { 0 };
  g_auto(Run) show = { 0 };
  g_auto(Run) json = { 0 };
  g_auto(Run) both = { 0 };
  guint requests;

  run_cli (&add, "device", "add", "Desk board", "--ota-url", ota, "--device-id", SAVED);
  g_assert_cmpint (add.status, ==, 0);
  token = activate_saved (f, "Desk board");

  run_cli_full (&proxied, NULL, env, (const char *[]) { "test", "Desk board", NULL });
  g_assert_cmpint (proxied.status, ==, 0);
  g_assert_nonnull (strstr (proxied.out, line));
  g_assert_nonnull (strstr (proxied.out, "boards do not use this computer’s proxy"));
  /* The OTA check and the hello, both through it. */
  requests = xa_test_proxy_get_requests (proxy);
  g_assert_cmpuint (requests, >=, 2);

  run_cli (&set, "device", "set", "Desk board", "--no-proxy");
  g_assert_cmpint (set.status, ==, 0);
  run_cli_full (&direct, NULL, env, (const char *[]) { "test", "Desk board", NULL });
  g_assert_cmpint (direct.status, ==, 0);
  g_assert_nonnull (strstr (direct.out, "Proxy: none, connected directly\n"));
  g_assert_cmpuint (xa_test_proxy_get_requests (proxy), ==, requests);
  run_cli (&show, "device", "show", "Desk board");
  g_assert_nonnull (strstr (show.out, "none: this device connects directly"));
  run_cli (&json, "device", "show", "Desk board", "--json");
  g_assert_cmpstr (json_object_get_string_member (parse_json (json.out, &node), "connection"), ==, "direct");
  run_cli (&both, "device", "set", "Desk board", "--no-proxy", "--use-proxy");
  g_assert_cmpint (both.status, ==, 2);
  xa_test_proxy_free (proxy);
}

/* xiaozhictl mcp test: the endpoint from standard input or MCP_ENDPOINT,
 * never argv; the verdict's exit status; no token in what it prints. */
static void
test_mcp (Fixture       *f,
          gconstpointer  data)
{
  g_autofree char *address = xa_demo_server_get_mcp_address (f->server, FALSE);
  g_autofree char *url = g_strconcat (address, "?token=secret-mcp-token", NULL);
  g_autofree char *stdin_text = g_strconcat (url, "\n", NULL);
  g_autofree char *wrong = g_strconcat (address, "?token=not-ours", NULL);
  const char *env[] = { "MCP_ENDPOINT", wrong, NULL };
  g_auto(Run) accepted = { 0 };
  g_auto(Run) rejected = { 0 };
  g_auto(Run) json = { 0 };
  g_auto(Run) no_token = { 0 };
  g_autoptr(JsonNode) node = NULL;

  xa_demo_server_add_mcp_token (f->server, "secret-mcp-token", "agent-1");
  run_cli_full (&accepted, stdin_text, NULL, (const char *[]) { "mcp", "test", "--stay", "1", NULL });
  g_assert_cmpint (accepted.status, ==, 0);
  g_assert_true (g_str_has_prefix (accepted.out, "✔ "));
  g_assert_nonnull (strstr (accepted.out, "No caller asked for the tools"));
  g_assert_null (strstr (accepted.out, "secret-mcp-token"));
  g_assert_null (strstr (accepted.err, "secret-mcp-token"));

  run_cli_full (&rejected, NULL, env, (const char *[]) { "mcp", "test", "--stay", "1", NULL });
  g_assert_cmpint (rejected.status, ==, 3);
  g_assert_nonnull (strstr (rejected.out, "(1008 “token解密失败”)"));

  run_cli_full (&json, stdin_text, NULL, (const char *[]) { "mcp", "test", "--stay", "1", "--json", NULL });
  g_assert_cmpstr (json_object_get_string_member (parse_json (json.out, &node), "verdict"), ==, "valid");
  g_assert_null (strstr (json.out, "secret-mcp-token"));

  run_cli_full (&no_token, address, NULL, (const char *[]) { "mcp", "test", NULL });
  g_assert_cmpint (no_token.status, ==, 2);
  g_assert_nonnull (strstr (no_token.err, "This address has no token"));

  /* What an address says of itself: an official JWT's claims, masked. */
  {
    const char *jwt = "wss://api.xiaozhi.me/mcp/?token=eyJhbGciOiJFUzI1NiJ9."
                      "eyJ1c2VySWQiOjEyLCJhZ2VudElkIjozNCwiZW5kcG9pbnRJZCI6ImFnZW50XzM0IiwicHVycG9zZSI6Im1jcC1lbmRwb2lu"
                      "dCIsImlhdCI6MTc1MDAwMDAwMCwiZXhwIjoxNzAwMDAwMDAwfQ.c2ln\n";
    g_auto(Run) official = { 0 };
    g_auto(Run) own = { 0 };

    run_cli_full (&official, jwt, NULL, (const char *[]) { "mcp", "show", NULL });
    g_assert_cmpint (official.status, ==, 0);
    g_assert_nonnull (strstr (official.out, "Address:   wss://api.xiaozhi.me/mcp/\n"));
    g_assert_nonnull (strstr (official.out, "the official cloud (xiaozhi.me)"));
    g_assert_nonnull (strstr (official.out, "Token:     ********c2ln\n"));
    g_assert_nonnull (strstr (official.out, "read from the token and not checked by the server"));
    g_assert_nonnull (strstr (official.out, "Agent:     34\n"));
    g_assert_nonnull (strstr (official.out, "Expired: get a new endpoint address"));
    g_assert_null (strstr (official.out, "eyJ"));
    run_cli_full (&own, stdin_text, NULL, (const char *[]) { "mcp", "show", NULL });
    g_assert_nonnull (strstr (own.out, "self-hosted (mcp-endpoint-server)"));
    g_assert_nonnull (strstr (own.out, "Not a JWT: only its server can read it"));
    g_assert_null (strstr (own.out, "secret-mcp-token"));
  }
}

/* A command of several asks for one: --help lists them, on standard
 * output; none says where that list is. */
static void
test_subcommand_help (Fixture       *f,
                      gconstpointer  data)
{
  g_auto(Run) help = { 0 };
  g_auto(Run) none = { 0 };
  g_auto(Run) other = { 0 };

  run_cli (&help, "mcp", "--help");
  g_assert_cmpint (help.status, ==, 0);
  g_assert_true (g_str_has_prefix (help.out, "Usage: xiaozhictl mcp COMMAND …\n\n"));
  g_assert_nonnull (strstr (help.out, "\n  export NAME  Put its address, with its token, where a provider reads it\n"));
  g_assert_nonnull (strstr (help.out, "Run “xiaozhictl mcp COMMAND --help” for its options."));
  run_cli (&none, "device");
  g_assert_cmpint (none.status, ==, 2);
  g_assert_cmpstr (none.out, ==, "");
  g_assert_nonnull (strstr (none.err, "Run “xiaozhictl device --help” to see its commands."));
  run_cli (&other, "device", "delete");
  g_assert_cmpint (other.status, ==, 2);
}

/* A kept MCP endpoint: added from standard input (the token in the
 * keyring, never in the file), listed, tested (the do-no-harm note before
 * its first Test only), exported keeping the other lines and endpoints,
 * removed with its token. */
static void
test_mcp_saved (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *address = xa_demo_server_get_mcp_address (f->server, FALSE);
  g_autofree char *url = g_strconcat (address, "?token=kept-mcp-token", NULL);
  g_autofree char *stdin_text = g_strconcat (url, "\n", NULL);
  g_autofree char *store_path = g_build_filename (f->home, "xiaozhi-activator", "mcp-endpoints.json", NULL);
  g_autofree char *env_path = g_build_filename (f->home, "calculator.env", NULL);
  g_autofree char *client_path = g_build_filename (f->home, "xiaozhi.config.json", NULL);
  g_autofree char *stored = NULL;
  g_autofree char *env_text = NULL;
  g_autofree char *client_text = NULL;
  g_autofree char *expected = NULL;
  g_auto(Run) add = { 0 };
  g_auto(Run) twice = { 0 };
  g_auto(Run) list = { 0 };
  g_auto(Run) first = { 0 };
  g_auto(Run) second = { 0 };
  g_auto(Run) tested = { 0 };
  g_auto(Run) env = { 0 };
  g_auto(Run) client = { 0 };
  g_auto(Run) print = { 0 };
  g_auto(Run) remove = { 0 };
  g_auto(Run) gone = { 0 };

  xa_demo_server_add_mcp_token (f->server, "kept-mcp-token", "agent-7");
  g_assert_cmpuint (xa_test_keyring_items_of ("mcp-token"), ==, 0);
  run_cli_full (&add, stdin_text, NULL, (const char *[]) { "mcp", "add", "Calculator", NULL });
  g_assert_cmpint (add.status, ==, 0);
  g_assert_nonnull (strstr (add.out, "Added “Calculator”; its token is in the keyring."));
  g_assert_cmpuint (xa_test_keyring_items_of ("mcp-token"), ==, 1);
  g_assert_null (strstr (add.out, "kept-mcp-token"));
  g_assert_true (g_file_get_contents (store_path, &stored, NULL, NULL));
  g_assert_nonnull (strstr (stored, address));
  g_assert_null (strstr (stored, "kept-mcp-token"));
  run_cli_full (&twice, stdin_text, NULL, (const char *[]) { "mcp", "add", "Calculator", NULL });
  g_assert_cmpint (twice.status, !=, 0);
  g_assert_nonnull (strstr (twice.err, "There is already an MCP endpoint named “Calculator”"));

  run_cli (&list, "mcp", "list");
  g_assert_nonnull (strstr (list.out, "Calculator"));
  g_assert_nonnull (strstr (list.out, "Not tested yet"));

  run_cli (&first, "mcp", "test", "Calculator", "--stay", "1");
  g_assert_cmpint (first.status, ==, 0);
  g_assert_nonnull (strstr (first.err, "A self-hosted endpoint drops the provider"));
  g_assert_null (strstr (first.out, "kept-mcp-token"));
  run_cli (&second, "mcp", "test", "Calculator", "--stay", "1");
  g_assert_cmpint (second.status, ==, 0);
  g_assert_null (strstr (second.err, "A self-hosted endpoint drops"));
  run_cli (&tested, "mcp", "list");
  g_assert_null (strstr (tested.out, "Not tested yet"));

  g_assert_true (g_file_set_contents (env_path, "# mine\nOTHER=1\nMCP_ENDPOINT=old\n", -1, NULL));
  run_cli (&env, "mcp", "export", "Calculator", "--env", env_path);
  g_assert_cmpint (env.status, ==, 0);
  g_assert_true (g_file_get_contents (env_path, &env_text, NULL, NULL));
  expected = g_strdup_printf ("# mine\nOTHER=1\nMCP_ENDPOINT='%s'\n", url);
  g_assert_cmpstr (env_text, ==, expected);

  g_assert_true (g_file_set_contents (client_path,
                                      "{\n  \"mcpEndpoint\": \"wss://api.xiaozhi.me/mcp/?token=other\",\n"
                                      "  \"mcpServers\": {}\n}\n", -1, NULL));
  run_cli (&client, "mcp", "export", "Calculator", "--xiaozhi-client", f->home);
  g_assert_cmpint (client.status, ==, 0);
  g_assert_true (g_file_get_contents (client_path, &client_text, NULL, NULL));
  g_free (expected);
  expected = g_strdup_printf ("{\n  \"mcpEndpoint\": [\n    \"wss://api.xiaozhi.me/mcp/?token=other\",\n"
                              "    \"%s\"\n  ],\n  \"mcpServers\": {}\n}\n", url);
  g_assert_cmpstr (client_text, ==, expected);

  run_cli (&print, "mcp", "export", "Calculator", "--print");
  g_assert_cmpint (print.status, ==, 0);
  g_assert_cmpstr (g_strchomp (print.out), ==, url);

  run_cli (&remove, "mcp", "remove", "Calculator");
  g_assert_cmpint (remove.status, ==, 0);
  run_cli (&gone, "mcp", "test", "Calculator");
  g_assert_cmpint (gone.status, !=, 0);
  g_assert_nonnull (strstr (gone.err, "There is no MCP endpoint named “Calculator”"));
  g_assert_cmpuint (xa_test_keyring_items_of ("mcp-token"), ==, 0);
}

/* A saved device refreshed, renamed, changed and removed. */
static void
test_device_edit (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *ota = xa_demo_server_get_url (f->server, XA_DEMO_MODE_OFFICIAL, "ota");
  g_autofree char *token = NULL;
  g_auto(Run) add = { 0 };
  g_auto(Run) refresh = { 0 };
  g_auto(Run) rename = { 0 };
  g_auto(Run) remove = { 0 };
  g_auto(Run) gone = { 0 };
  JsonObject *o;

  run_cli (&add, "device", "add", "Desk board", "--ota-url", ota, "--device-id", SAVED);
  g_assert_cmpint (add.status, ==, 0);
  token = activate_saved (f, "Desk board");
  run_cli (&refresh, "refresh", "Desk board");
  g_assert_cmpint (refresh.status, ==, 0);
  g_assert_cmpstr (refresh.out, ==, "Refreshed “Desk board”.\n"
                                    "Nothing changed: the server sends the same credentials and addresses.\n");

  run_cli (&rename, "device", "rename", "Desk board", "Desk");
  g_assert_cmpint (rename.status, ==, 0);
  {
    g_auto(Run) set = { 0 };
    g_auto(Run) bad = { 0 };
    g_auto(Run) shown = { 0 };
    g_autoptr(JsonNode) set_node = NULL;

    run_cli (&set, "device", "set", "Desk", "--board-type", "esp-box-3", "--app-version", "1.6.2");
    g_assert_cmpint (set.status, ==, 0);
    run_cli (&bad, "device", "set", "Desk", "--board-type", "esp box");
    g_assert_cmpint (bad.status, ==, 1);
    g_assert_nonnull (strstr (bad.err, "short text without spaces"));
    run_cli (&shown, "device", "show", "Desk", "--json");
    o = parse_json (shown.out, &set_node);
    g_assert_cmpstr (json_object_get_string_member (o, "board_type"), ==, "esp-box-3");
    g_assert_cmpstr (json_object_get_string_member (o, "app_version"), ==, "1.6.2");
  }

  run_cli (&remove, "device", "remove", "Desk");
  g_assert_cmpint (remove.status, ==, 0);
  run_cli (&gone, "token", "Desk");
  g_assert_cmpint (gone.status, ==, 1);
  g_assert_nonnull (strstr (gone.err, "There is no device named “Desk”"));
}

/* Every saved device tested at once: a table as verdicts come, or JSON
 * lines; the exit status is the worst verdict's; each verdict recorded. */
/* In every line of a table the Device-Id starts at the same terminal
 * column, whatever script the names before it are in. */
static void
assert_columns_line_up (const char *out)
{
  g_autoptr(GRegex) mac = g_regex_new ("[0-9a-f]{2}(:[0-9a-f]{2}){5}", 0, 0, NULL);
  g_auto(GStrv) lines = g_strsplit (out, "\n", -1);
  int column = -1;
  guint rows = 0;

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autoptr(GMatchInfo) match = NULL;
      int start;

      if (!g_regex_match (mac, lines[i], 0, &match))
        continue;
      g_match_info_fetch_pos (match, 0, &start, NULL);
      {
        g_autofree char *before = g_strndup (lines[i], start);
        int width = (int) xa_text_display_width (before);

        if (column < 0)
          column = width;
        if (width != column)
          g_error ("“%s”: the Device-Id starts at column %d, not %d", lines[i], width, column);
        rows++;
      }
    }
  g_assert_cmpuint (rows, >, 1);
}

static void
test_test_all (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *ota = xa_demo_server_get_url (f->server, XA_DEMO_MODE_OFFICIAL, "ota");
  g_autofree char *self_ota = xa_demo_server_get_url (f->server, XA_DEMO_MODE_SELF_HOSTED, "ota");
  g_autofree char *self_ws = xa_demo_server_get_url (f->server, XA_DEMO_MODE_SELF_HOSTED, "ws");
  g_autofree char *dir = g_dir_make_tmp ("xa-cli-all-XXXXXX", NULL);
  g_autofree char *config = g_build_filename (dir, "config.json", NULL);
  g_autofree char *option = g_strdup_printf ("--py-xiaozhi=%s", dir);
  g_autofree char *contents = g_strdup_printf ("{\"SYSTEM_OPTIONS\": {\"CLIENT_ID\": \"5c4c6a1e-2b7d-4f0a-9e3b-0d6f1a2b3c4d\","
                                               " \"DEVICE_ID\": \"02:aa:bb:cc:dd:01\", \"NETWORK\": {"
                                               "\"OTA_VERSION_URL\": \"%s\", \"WEBSOCKET_URL\": \"%s\","
                                               " \"WEBSOCKET_ACCESS_TOKEN\": \"wrong\"}}}", self_ota, self_ws);
  g_auto(Run) add = { 0 };
  g_auto(Run) spare = { 0 };
  g_auto(Run) import = { 0 };
  g_auto(Run) table = { 0 };
  g_auto(Run) json = { 0 };
  g_auto(Run) show = { 0 };
  g_auto(Run) usage = { 0 };
  g_auto(Run) jobs = { 0 };
  g_auto(GStrv) lines = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autofree char *token = NULL;

  run_cli (&add, "device", "add", "Desk board", "--ota-url", ota, "--device-id", SAVED);
  g_assert_cmpint (add.status, ==, 0);
  token = activate_saved (f, "Desk board");
  /* A Chinese name takes two columns a character in a terminal. */
  run_cli (&spare, "device", "add", "备用板", "--ota-url", ota);
  g_assert_cmpint (spare.status, ==, 0);
  g_assert_true (g_file_set_contents (config, contents, -1, NULL));
  run_cli (&import, "import", option, "--name", "Wrong token");
  g_assert_cmpint (import.status, ==, 0);

  run_cli (&table, "test", "--all");
  /* Not activated (4) is worse than rejected (3). */
  g_assert_cmpint (table.status, ==, 4);
  assert_no_token (&table, token);
  g_assert_true (g_str_has_prefix (table.out, "NAME "));
  g_assert_nonnull (strstr (table.out, "\nDesk board   " SAVED));
  g_assert_nonnull (strstr (table.out, "✔ Token is valid\n"));
  g_assert_nonnull (strstr (table.out, "✘ Device not activated\n"));
  g_assert_nonnull (strstr (table.out, "✘ Token rejected\n"));
  assert_columns_line_up (table.out);

  run_cli (&json, "test", "--all", "--json", "--jobs", "1");
  g_assert_cmpint (json.status, ==, 4);
  /* One line per saved device (earlier tests left theirs). */
  lines = g_strsplit (g_strchomp (json.out), "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autoptr(JsonNode) node = NULL;
      JsonObject *o = parse_json (lines[i], &node);

      g_hash_table_insert (seen, g_strdup (json_object_get_string_member (o, "name")),
                           g_strdup (json_object_get_string_member (o, "verdict")));
    }
  g_assert_cmpstr (g_hash_table_lookup (seen, "Desk board"), ==, "valid");
  g_assert_cmpstr (g_hash_table_lookup (seen, "备用板"), ==, "not-activated");
  g_assert_cmpstr (g_hash_table_lookup (seen, "Wrong token"), ==, "rejected");

  /* Each verdict was recorded, twice now, in the device's history. */
  run_cli (&show, "device", "show", "Wrong token");
  g_assert_nonnull (strstr (show.out, "Status:         Token rejected\n"));
  g_assert_nonnull (strstr (show.out, "History (newest first):\n"));
  g_assert_nonnull (strstr (strstr (strstr (show.out, "History"), "Token rejected"), "Token rejected"));

  {
    g_auto(Run) list = { 0 };

    run_cli (&list, "device", "list");
    g_assert_cmpint (list.status, ==, 0);
    assert_columns_line_up (list.out);
  }
  run_cli (&usage, "test", "--all", "Desk board");
  g_assert_cmpint (usage.status, ==, 2);
  run_cli (&jobs, "test", "--all", "--jobs", "0");
  g_assert_cmpint (jobs.status, ==, 2);

  g_unlink (config);
  g_rmdir (dir);
}

/* A batch of boards prepared in a spreadsheet: imported all or none, each
 * bad row named by its line; exported without secrets unless asked, and
 * then readable only by its owner; a cell a spreadsheet would run as a
 * formula is written so that it does not, and reads back as it was. */

/* The class list used by the CSV cases: a BOM, CRLF, a blank line, a board
 * type, and a name that is a spreadsheet formula. Imported into this case's
 * devices file. */
static char *
import_class_csv (Fixture    *f,
                  const char *dir)
{
  g_autofree char *ota = xa_demo_server_get_url (f->server, XA_DEMO_MODE_OFFICIAL, "ota");
  g_autofree char *path = g_build_filename (dir, "boards.csv", NULL);
  g_autofree char *text = g_strdup_printf ("\xef\xbb\xbf" "Device_ID,Name,ota_url,board_type\r\n"
                                           "02:c5:00:00:00:01,Class board 1,%s,esp-box-3\r\n"
                                           "\r\n"
                                           "02:c5:00:00:00:02,\"=HYPERLINK(\"\"x\"\"), \"\"2\"\"\",%s,\r\n", ota, ota);
  g_auto(Run) import = { 0 };

  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  run_cli (&import, "import", "--csv", path);
  g_assert_cmpint (import.status, ==, 0);
  g_assert_true (g_str_has_prefix (import.out, "Imported 2 devices from "));
  return g_steal_pointer (&path);
}

static void
test_csv_import (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *dir = g_dir_make_tmp ("xa-cli-csv-XXXXXX", NULL);
  g_autofree char *path = import_class_csv (f, dir);
  g_auto(Run) list = { 0 };

  run_cli (&list, "device", "list");
  g_assert_nonnull (strstr (list.out, "Class board 1"));
  g_assert_nonnull (strstr (list.out, "=HYPERLINK(\"x\"), \"2\""));
  xa_test_remove_tree (dir);
}

/* Every bad row is named, and not even the good one is kept. */
static void
test_csv_refused (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *dir = g_dir_make_tmp ("xa-cli-csv-XXXXXX", NULL);
  g_autofree char *good = import_class_csv (f, dir);
  g_autofree char *bad = g_build_filename (dir, "bad.csv", NULL);
  g_autofree char *unknown = g_build_filename (dir, "unknown.csv", NULL);
  g_auto(Run) refused = { 0 };
  g_auto(Run) fine = { 0 };
  g_auto(Run) columns = { 0 };

  g_assert_true (g_file_set_contents (bad,
                                      "name,device_id,client_id\n"
                                      "Fine,02:c5:00:00:00:10,\n"
                                      "Spaced,aa bb,\n"
                                      "Twice,02:c5:00:00:00:11,\n"
                                      "Twice,02:c5:00:00:00:12,\n"
                                      "Class board 1,02:c5:00:00:00:13,\n"
                                      "\"Multi\nline\",02:c5:00:00:00:14,not a uuid\n"
                                      ",02:c5:00:00:00:15\n", -1, NULL));
  run_cli (&refused, "import", "--csv", bad);
  g_assert_cmpint (refused.status, ==, 1);
  g_assert_nonnull (strstr (refused.err, "Nothing was imported from"));
  g_assert_null (strstr (refused.err, "line 2:"));
  g_assert_nonnull (strstr (refused.err, "line 3: A Device-Id is printable text without spaces"));
  g_assert_nonnull (strstr (refused.err, "line 5: There is already a device named “Twice”."));
  g_assert_nonnull (strstr (refused.err, "line 6: There is already a device named “Class board 1”."));
  g_assert_nonnull (strstr (refused.err, "line 7: A name is some text without line breaks"));
  g_assert_nonnull (strstr (refused.err, "line 9: A name is some text"));
  run_cli (&fine, "token", "Fine");
  g_assert_nonnull (strstr (fine.err, "There is no device named “Fine”"));

  g_assert_true (g_file_set_contents (unknown, "name,devce_id\nA,02:c5:00:00:00:20\n", -1, NULL));
  run_cli (&columns, "import", "--csv", unknown);
  g_assert_cmpint (columns.status, ==, 1);
  g_assert_nonnull (strstr (columns.err, "line 1: the column “devce_id” is unknown or named twice"));
  xa_test_remove_tree (dir);
}

/* Out: identities only, the formula defused, readable as any file; in
 * again: all or none, then the same identities. */
static void
test_csv_round_trip (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *dir = g_dir_make_tmp ("xa-cli-csv-XXXXXX", NULL);
  g_autofree char *good = import_class_csv (f, dir);
  g_autofree char *out = g_build_filename (dir, "out.csv", NULL);
  g_autofree char *written = NULL;
  g_autofree char *client_id = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_auto(Run) export = { 0 };
  g_auto(Run) removed = { 0 };
  g_auto(Run) taken = { 0 };
  g_auto(Run) other = { 0 };
  g_auto(Run) again = { 0 };
  g_auto(Run) shown = { 0 };
  g_auto(Run) usage = { 0 };
  const char *start;
  GStatBuf st;

  run_cli (&export, "export", "--csv", out);
  g_assert_cmpint (export.status, ==, 0);
  g_assert_true (g_file_get_contents (out, &written, NULL, NULL));
  g_assert_true (g_str_has_prefix (written, "name,device_id,client_id,ota_url,board_type,app_version\r\n"));
  g_assert_nonnull (strstr (written, "Class board 1,02:c5:00:00:00:01,"));
  g_assert_nonnull (strstr (written, ",esp-box-3,\r\n"));
  g_assert_nonnull (strstr (written, "\"'=HYPERLINK(\"\"x\"\"), \"\"2\"\"\",02:c5:00:00:00:02,"));
  g_assert_cmpint (g_stat (out, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0644);
  run_cli (&usage, "export", "--csv", out, "Class board 1");
  g_assert_cmpint (usage.status, ==, 2);

  start = strstr (written, "Class board 1,02:c5:00:00:00:01,") + strlen ("Class board 1,02:c5:00:00:00:01,");
  client_id = g_strndup (start, strcspn (start, ","));
  run_cli (&removed, "device", "remove", "Class board 1");
  g_assert_cmpint (removed.status, ==, 0);
  /* The other one is still there: all or none. */
  run_cli (&taken, "import", "--csv", out);
  g_assert_cmpint (taken.status, ==, 1);
  g_assert_nonnull (strstr (taken.err, "There is already a device named “=HYPERLINK"));
  run_cli (&other, "device", "remove", "=HYPERLINK(\"x\"), \"2\"");
  g_assert_cmpint (other.status, ==, 0);
  run_cli (&again, "import", "--csv", out);
  g_assert_cmpint (again.status, ==, 0);
  run_cli (&shown, "device", "show", "Class board 1", "--json");
  g_assert_cmpstr (json_object_get_string_member (parse_json (shown.out, &node), "client_id"), ==, client_id);
  xa_test_remove_tree (dir);
}

/* With secrets: the token too, only for its owner, and a warning. */
static void
test_csv_with_secrets (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *ota = xa_demo_server_get_url (f->server, XA_DEMO_MODE_OFFICIAL, "ota");
  g_autofree char *dir = g_dir_make_tmp ("xa-cli-csv-XXXXXX", NULL);
  g_autofree char *secret = g_build_filename (dir, "secret.csv", NULL);
  g_autofree char *written = NULL;
  g_autofree char *token = NULL;
  g_auto(Run) add = { 0 };
  g_auto(Run) with_secrets = { 0 };
  GStatBuf st;

  run_cli (&add, "device", "add", "Desk board", "--ota-url", ota, "--device-id", SAVED);
  g_assert_cmpint (add.status, ==, 0);
  token = activate_saved (f, "Desk board");
  run_cli (&with_secrets, "export", "--csv", secret, "--with-secrets");
  g_assert_cmpint (with_secrets.status, ==, 0);
  g_assert_nonnull (strstr (with_secrets.err, "only you can read it"));
  g_assert_true (g_file_get_contents (secret, &written, NULL, NULL));
  g_assert_true (g_str_has_prefix (written, "name,device_id,client_id,ota_url,board_type,app_version,token,hmac_key\r\n"));
  g_assert_nonnull (strstr (written, token));
  g_assert_cmpint (g_stat (secret, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  xa_test_remove_tree (dir);
}

/* A row with a token: kept in the keyring, the device counted as activated. */
static void
test_csv_token_row (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *dir = g_dir_make_tmp ("xa-cli-csv-XXXXXX", NULL);
  g_autofree char *tokened = g_build_filename (dir, "tokened.csv", NULL);
  g_autoptr(JsonNode) node = NULL;
  g_auto(Run) in = { 0 };
  g_auto(Run) printed = { 0 };
  g_auto(Run) shown = { 0 };

  g_assert_true (g_file_set_contents (tokened, "name,device_id,token\nTokened,02:c5:00:00:00:30,abc.1790000000\n",
                                      -1, NULL));
  run_cli (&in, "import", "--csv", tokened);
  g_assert_cmpint (in.status, ==, 0);
  run_cli (&printed, "token", "Tokened");
  g_assert_cmpstr (printed.out, ==, "abc.1790000000\n");
  run_cli (&shown, "device", "show", "Tokened", "--json");
  g_assert_cmpint (json_object_get_int_member (parse_json (shown.out, &node), "activated_at"), >, 0);
  xa_test_remove_tree (dir);
}

/* The ids of a diagnosis's findings, in their order. */
static char *
finding_ids (const char *json)
{
  g_autoptr(JsonNode) node = NULL;
  JsonArray *findings = json_object_get_array_member (parse_json (json, &node), "findings");
  GString *ids = g_string_new (NULL);

  for (guint i = 0; i < json_array_get_length (findings); i++)
    g_string_append_printf (ids, "%s%s", i ? " " : "",
                            json_object_get_string_member (json_array_get_object_element (findings, i), "id"));
  return g_string_free (ids, FALSE);
}

static char *
diagnose_ids (XaDemoMode   mode,
              Fixture     *f,
              const char  *mac,
              const char  *suffix)
{
  g_autofree char *ota = xa_demo_server_get_url (f->server, mode, "ota");
  g_autofree char *url = g_strconcat (ota, suffix, NULL);
  g_auto(Run) run = { 0 };

  run_cli (&run, "diagnose", "--ota-url", url, "--device-id", mac, "--json", "--timeout", "3");
  g_assert_cmpint (run.status, ==, 0);
  return finding_ids (run.out);
}

/* Why no code, why rejected: each finding from a server that behaves so,
 * the likeliest first; the official cloud asked only when allowed (here a
 * demo server stands in for it). */
static void
test_diagnose (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *placeholder = diagnose_ids (XA_DEMO_MODE_MANAGER_PLACEHOLDER, f, "02:d1:00:00:00:01", "");
  g_autofree char *broken = diagnose_ids (XA_DEMO_MODE_HTTP_500, f, "02:d1:00:00:00:02", "");
  g_autofree char *no_activate = diagnose_ids (XA_DEMO_MODE_ACTIVATE_404, f, "02:d1:00:00:00:03", "");
  g_autofree char *mqtt = diagnose_ids (XA_DEMO_MODE_MQTT_ONLY, f, "02:d1:00:00:00:04", "");
  g_autofree char *official_ota = xa_demo_server_get_url (f->server, XA_DEMO_MODE_OFFICIAL, "ota");
  /* The user's own server, apart from the one standing in for the cloud. */
  g_autoptr(XaDemoServer) own = xa_test_server_new (XA_DEMO_MODE_SELF_HOSTED, FALSE);
  g_autofree char *self_ota = xa_demo_server_get_url (own, XA_DEMO_MODE_SELF_HOSTED, "ota");
  g_autofree char *token = NULL;
  g_autofree char *ids = NULL;
  g_auto(Run) add = { 0 };
  g_auto(Run) human = { 0 };
  g_auto(Run) wrong = { 0 };
  g_auto(Run) cloud = { 0 };
  g_auto(Run) usage = { 0 };

  /* A manager left at its defaults: its console placeholder and a
   * WebSocket on its own machine, besides the code it shows. */
  g_assert_true (g_str_has_prefix (placeholder, "code-pending server-setup"));
  g_assert_nonnull (strstr (placeholder, "local-only"));
  /* A healthy single-module server on this machine: nothing is wrong, its
   * loopback WebSocket address is right for here, it has no accounts, and
   * its firmware echo is no offer. */
  {
    g_autofree char *single_ota = xa_demo_server_get_url (f->server, XA_DEMO_MODE_SINGLE_MODULE, "ota");
    g_auto(Run) single = { 0 };

    run_cli (&single, "diagnose", "--ota-url", single_ota, "--device-id", "02:d1:00:00:00:09", "--timeout", "3");
    g_assert_cmpint (single.status, ==, 0);
    g_assert_null (strstr (single.out, "✘"));
    g_assert_nonnull (strstr (single.out, "· The WebSocket address works on this computer only"));
    g_assert_nonnull (strstr (single.out, "clients on this computer can reach it, boards on your network cannot"));
    g_assert_nonnull (strstr (single.out, "data/.config.yaml"));
    g_assert_nonnull (strstr (single.out, "· This server asks no device for a code"));
    g_assert_null (strstr (single.out, "bound to an account"));
    g_assert_null (strstr (single.out, "firmware"));
    /* The hello that works is said, with what it may mean after a failed Test. */
    g_assert_nonnull (strstr (single.out, "· The hello was answered in "));
    g_assert_nonnull (strstr (single.out, "the server or the network was down or slow then"));

    /* An older version at an address is no offer: a board keeps its own,
     * as the firmware decides; a newer one is. */
    {
      g_auto(Run) older = { 0 };
      g_auto(Run) newer = { 0 };

      xa_demo_server_set_firmware (f->server, "0.0.0");
      run_cli (&older, "diagnose", "--ota-url", single_ota, "--device-id", "02:d1:00:00:00:09", "--timeout", "3");
      g_assert_null (strstr (older.out, "firmware"));
      xa_demo_server_set_firmware (f->server, "99.1.0");
      run_cli (&newer, "diagnose", "--ota-url", single_ota, "--device-id", "02:d1:00:00:00:09", "--timeout", "3");
      g_assert_nonnull (strstr (newer.out, "· The server offers newer firmware 99.1.0 (this app reported 2.1.1)"));
      g_assert_nonnull (strstr (newer.out, "/xiaozhi/ota/download/demo_99.1.0.bin and install it at their next start"));
      xa_demo_server_set_firmware (f->server, NULL);
    }
  }
  /* An address without the slash its server needs: the one that answers
   * is named, and device set --ota-url takes it. */
  {
    g_autofree char *slash_ota = xa_demo_server_get_url (f->server, XA_DEMO_MODE_SLASH_ONLY, "ota");
    g_autofree char *slashless = g_strndup (slash_ota, strlen (slash_ota) - 1);
    g_autofree char *line = g_strdup_printf ("An OTA service answers at %s\n", slash_ota);
    g_auto(Run) elsewhere = { 0 };
    g_auto(Run) added = { 0 };
    g_auto(Run) set = { 0 };
    g_auto(Run) shown = { 0 };
    g_auto(Run) bad = { 0 };
    g_autoptr(JsonNode) node = NULL;

    run_cli (&elsewhere, "diagnose", "--ota-url", slashless, "--device-id", "02:d1:00:00:00:0a", "--timeout", "3");
    g_assert_nonnull (strstr (elsewhere.out, line));
    run_cli (&added, "device", "add", "Slashless", "--ota-url", slashless, "--device-id", "02:d1:00:00:00:0a");
    g_assert_cmpint (added.status, ==, 0);
    run_cli (&set, "device", "set", "Slashless", "--ota-url", slash_ota);
    g_assert_cmpint (set.status, ==, 0);
    run_cli (&shown, "device", "show", "Slashless", "--json");
    g_assert_cmpstr (json_object_get_string_member (parse_json (shown.out, &node), "ota_url"), ==, slash_ota);
    run_cli (&bad, "device", "set", "Slashless", "--ota-url", "not a url");
    g_assert_cmpint (bad.status, !=, 0);
    g_assert_nonnull (strstr (bad.err, "is not a valid OTA address"));
    {
      g_auto(Run) removed = { 0 };
      run_cli (&removed, "device", "remove", "Slashless");
    }
  }
  g_assert_true (g_str_has_prefix (broken, "ota-failed"));
  g_assert_true (g_str_has_prefix (no_activate, "code-pending activate-missing"));
  g_assert_nonnull (strstr (mqtt, "mqtt-only"));
  /* A clock two hours off, and wss:// sent by a plain-http OTA. */
  {
    g_autofree char *misconfigured = diagnose_ids (XA_DEMO_MODE_MISCONFIGURED, f, "02:d1:00:00:00:08", "");
    g_assert_nonnull (strstr (misconfigured, "scheme-mix"));
    g_assert_nonnull (strstr (misconfigured, "clock-skew"));
  }
  /* Without the slash the server has nothing there, and that is said first. */
  {
    g_autofree char *slashless = diagnose_ids (XA_DEMO_MODE_OFFICIAL, f, "02:d1:00:00:00:05", "x");
    g_assert_true (g_str_has_prefix (slashless, "ota-failed no-final-slash") ||
                   g_str_has_prefix (slashless, "no-final-slash ota-failed"));
  }

  /* A saved device, bound: the server gives no code, and says why. */
  run_cli (&add, "device", "add", "Diagnosed board", "--ota-url", official_ota, "--device-id", SAVED);
  g_assert_cmpint (add.status, ==, 0);
  token = activate_saved (f, "Diagnosed board");
  run_cli (&human, "diagnose", "Diagnosed board");
  g_assert_cmpint (human.status, ==, 0);
  assert_no_token (&human, token);
  g_assert_true (g_str_has_prefix (human.out, "Diagnosis of Diagnosed board at "));
  g_assert_nonnull (strstr (human.out, "1. · The server gives this device no code\n   Either this server binds no "
                                      "devices at all (a single-module server), or this Device-Id is bound"));

  /* The same MAC on a self-hosted server with a token it never issued:
   * the hello is rejected, and the official cloud (asked, since allowed)
   * has the MAC bound: the usual reason. */
  {
    const char *env[] = { "XIAOZHI_OFFICIAL_OTA_URL", official_ota, NULL };

    run_cli_full (&wrong, NULL, env, (const char *[]) { "diagnose", "--ota-url", self_ota, "--device-id", SAVED,
                                                        "--ask-cloud", "--json", NULL });
    g_assert_cmpint (wrong.status, ==, 0);
    g_free (ids);
    ids = finding_ids (wrong.out);
    g_assert_true (g_str_has_prefix (ids, "cloud-bound"));
    run_cli_full (&cloud, NULL, env, (const char *[]) { "diagnose", "--ota-url", self_ota, "--device-id", SAVED,
                                                        "--json", NULL });
    g_free (ids);
    ids = finding_ids (cloud.out);
    g_assert_null (strstr (ids, "cloud"));
    /* A MAC the cloud has never seen: it offers a code, so it is not why. */
    {
      g_auto(Run) unknown = { 0 };

      run_cli_full (&unknown, NULL, env, (const char *[]) { "diagnose", "--ota-url", self_ota, "--device-id",
                                                            "02:d1:00:00:00:07", "--ask-cloud", "--json", NULL });
      g_free (ids);
      ids = finding_ids (unknown.out);
      g_assert_nonnull (strstr (ids, "cloud-code"));
      /* A version with no address to fetch it from is no offer. */
      g_assert_null (strstr (ids, "firmware"));
    }
    /* Asked and not reached: said so, never silence (#20). */
    {
      g_auto(Run) away = { 0 };
      const char *nowhere[] = { "XIAOZHI_OFFICIAL_OTA_URL", "http://127.0.0.1:1/xiaozhi/ota/", NULL };

      run_cli_full (&away, NULL, nowhere, (const char *[]) { "diagnose", "--ota-url", self_ota, "--device-id", SAVED,
                                                             "--ask-cloud", NULL });
      g_assert_cmpint (away.status, ==, 0);
      g_assert_nonnull (strstr (away.out, "The official cloud could not be asked"));
      g_assert_nonnull (strstr (away.out, "127.0.0.1:1"));
    }
    /* Asked about a device on the cloud itself: nothing else to ask. */
    {
      g_auto(Run) on_cloud = { 0 };

      run_cli_full (&on_cloud, NULL, env, (const char *[]) { "diagnose", "--ota-url", official_ota, "--device-id", SAVED,
                                                        "--ask-cloud", "--json", NULL });
      g_free (ids);
      ids = finding_ids (on_cloud.out);
      g_assert_nonnull (strstr (ids, "cloud-own"));
    }
  }

  run_cli (&usage, "diagnose", "Diagnosed board", "--ota-url", official_ota);
  g_assert_cmpint (usage.status, ==, 2);
}

/* A server that hands out a token with line breaks and shell code gets a
 * protocol error: nothing of its answer is kept, so nothing of it can
 * reach an env file later. */
static void
test_hostile_token_not_kept (Fixture       *f,
                             gconstpointer  data)
{
  g_autofree char *ota = xa_demo_server_get_url (f->server, XA_DEMO_MODE_TOKEN_NEWLINE, "ota");
  g_autofree char *store_path = g_build_filename (f->home, "xiaozhi-activator", "devices.json", NULL);
  g_autofree char *store_text = NULL;
  g_auto(Run) add = { 0 };
  g_auto(Run) refresh = { 0 };
  g_auto(Run) token = { 0 };
  g_auto(Run) remove = { 0 };

  run_cli (&add, "device", "add", "Hostile", "--ota-url", ota);
  g_assert_cmpint (add.status, ==, 0);

  run_cli (&refresh, "refresh", "Hostile");
  g_assert_cmpint (refresh.status, ==, 8);
  g_assert_nonnull (strstr (refresh.err, "token with characters no token has"));
  g_assert_null (strstr (refresh.out, "LD_PRELOAD"));
  g_assert_null (strstr (refresh.err, "LD_PRELOAD"));

  run_cli (&token, "token", "Hostile");
  g_assert_cmpint (token.status, ==, 1);
  g_assert_true (g_file_get_contents (store_path, &store_text, NULL, NULL));
  g_assert_null (strstr (store_text, "LD_PRELOAD"));

  run_cli (&remove, "device", "remove", "Hostile");
  g_assert_cmpint (remove.status, ==, 0);
}

/* Runs xiaozhictl @args against a hostile server; @signal (0: none) is
 * sent once the server has seen it. Returns the seconds it took. */
static double
run_hostile (Run              *run,
             Fixture          *f,
             const char       *kind,
             int               signal_number,
             const char      **args)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                                                       G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  guint before = xa_demo_server_get_request_count (f->server, kind);
  gint64 start;

  g_ptr_array_add (argv, (char *) g_getenv ("XIAOZHICTL"));
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);
  g_subprocess_launcher_unsetenv (launcher, "XIAOZHI_TOKEN");
  proc = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8_async (proc, NULL, NULL, xa_test_capture_cb, &result);
  XA_TEST_WAIT_UNTIL (xa_demo_server_get_request_count (f->server, kind) > before);
  start = g_get_monotonic_time ();
  if (signal_number != 0)
    g_subprocess_send_signal (proc, signal_number);
  g_subprocess_communicate_utf8_finish (proc, xa_test_wait (&result), &run->out, &run->err, &error);
  g_assert_no_error (error);
  run->status = g_subprocess_get_if_exited (proc) ? g_subprocess_get_exit_status (proc) : -1;
  g_test_message ("exit %d\nstdout: %s\nstderr: %s", run->status, run->out, run->err);
  return (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
}

/* Against every hostile mode xiaozhictl ends within its timeout (plus a
 * second), and Ctrl+C or SIGTERM end it within a second in any state. */
static void
test_hostile_servers (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *flood = xa_demo_server_get_url (f->server, XA_DEMO_MODE_FRAME_FLOOD, "ws");
  g_autofree char *hang = xa_demo_server_get_url (f->server, XA_DEMO_MODE_HELLO_HANG, "ws");
  g_autofree char *ota = xa_demo_server_get_url (f->server, XA_DEMO_MODE_OFFICIAL, "ota");
  g_autofree char *ansi = xa_demo_server_get_url (f->server, XA_DEMO_MODE_ANSI_ESCAPES, "ota");
  g_autofree char *nested = xa_demo_server_get_url (f->server, XA_DEMO_MODE_NESTED_JSON, "ota");
  const char *modes[] = { "nested-json", "frame-flood", "oversize-frame", "binary-garbage", "reset-after-upgrade" };

  {
    g_auto(Run) run = { 0 };
    const char *args[] = { "test", "--url", flood, "--device-id", DEVICE, "--client-id", CLIENT,
                           "--timeout", "3", NULL };
    g_assert_cmpfloat (run_hostile (&run, f, "ws", 0, args), <, 4.0);
    g_assert_cmpint (run.status, ==, 8);
  }
  for (guint i = 0; i < G_N_ELEMENTS (modes); i++)
    {
      XaDemoMode mode;
      g_autofree char *url = NULL;
      g_auto(Run) run = { 0 };
      const char *args[] = { "test", "--url", NULL, "--device-id", DEVICE, "--client-id", CLIENT,
                             "--timeout", "2", "--json", NULL };

      g_assert_true (xa_demo_mode_from_nick (modes[i], &mode));
      url = xa_demo_server_get_url (f->server, mode, "ws");
      args[2] = url;
      g_assert_cmpfloat (run_hostile (&run, f, "ws", 0, args), <, 3.0);
      g_assert_cmpint (run.status, >=, 5);
      g_assert_nonnull (strstr (run.out, "\"verdict\""));
    }
  for (guint i = 0; i < 2; i++)
    {
      int sig = i == 0 ? SIGINT : SIGTERM;
      g_auto(Run) flooded = { 0 };
      g_auto(Run) waiting = { 0 };
      g_auto(Run) activating = { 0 };
      const char *flood_args[] = { "test", "--url", flood, "--device-id", DEVICE, "--client-id", CLIENT,
                                   "--timeout", "60", NULL };
      const char *hang_args[] = { "test", "--url", hang, "--device-id", DEVICE, "--client-id", CLIENT,
                                  "--timeout", "60", NULL };
      const char *activate_args[] = { "activate", "--ota-url", ota, "--device-id", "02:11:22:33:44:98",
                                      "--poll-interval", "100", NULL };

      g_assert_cmpfloat (run_hostile (&flooded, f, "ws", sig, flood_args), <, 1.0);
      g_assert_cmpfloat (run_hostile (&waiting, f, "ws", sig, hang_args), <, 1.0);
      g_assert_cmpfloat (run_hostile (&activating, f, "activate", sig, activate_args), <, 1.0);
      g_assert_cmpint (waiting.status, ==, 1);
      g_assert_cmpint (activating.status, ==, 1);
    }
  {
    /* What the server wrote is shown, never obeyed by the terminal. */
    g_auto(Run) run = { 0 };
    const char *args[] = { "activate", "--ota-url", ansi, "--timeout", "5", NULL };

    run_hostile (&run, f, "ota", 0, args);
    g_assert_cmpint (run.status, ==, 10);
    g_assert_nonnull (strstr (run.err, "pwned"));
    g_assert_null (strchr (run.err, '\033'));
    g_assert_null (strchr (run.err, '\a'));
    g_assert_null (strstr (run.err, "\n✔"));
  }
  {
    g_auto(Run) run = { 0 };
    const char *args[] = { "activate", "--ota-url", nested, "--timeout", "5", NULL };

    run_hostile (&run, f, "ota", 0, args);
    g_assert_cmpint (run.status, ==, 8);
    g_assert_nonnull (strstr (run.err, "nested more than 64 levels"));
  }
}

/* A locked keyring: nothing runs without the token, nothing is recorded,
 * nothing is removed with its secrets left behind. Registered last: the
 * keyring stays locked. */
static void
test_locked_keyring (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *ota = xa_demo_server_get_url (f->server, XA_DEMO_MODE_OFFICIAL, "ota");
  g_auto(Run) add = { 0 };
  g_auto(Run) test = { 0 };
  g_auto(Run) token = { 0 };
  g_auto(Run) remove = { 0 };
  g_auto(Run) removed = { 0 };
  g_auto(Run) list = { 0 };
  g_auto(Run) shown = { 0 };
  g_autoptr(JsonNode) node = NULL;

  run_cli (&add, "device", "add", "Locked board", "--ota-url", ota);
  g_assert_cmpint (add.status, ==, 0);

  xa_test_lock_keyring ();

  run_cli (&test, "test", "Locked board");
  g_assert_cmpint (test.status, ==, 1);
  g_assert_nonnull (strstr (test.err, "Unlock your login keyring"));
  run_cli (&shown, "device", "show", "Locked board", "--json");
  g_assert_false (json_object_has_member (parse_json (shown.out, &node), "last_verdict"));

  run_cli (&token, "token", "Locked board");
  g_assert_cmpint (token.status, ==, 1);
  g_assert_nonnull (strstr (token.err, "Unlock your login keyring"));

  /* Locked items are not cleared: the device stays, and says why. */
  run_cli (&remove, "device", "remove", "Locked board");
  g_assert_cmpint (remove.status, ==, 1);
  g_assert_nonnull (strstr (remove.err, "was not removed"));
  g_assert_nonnull (strstr (remove.err, "Unlock your login keyring"));
  run_cli (&list, "device", "list");
  g_assert_nonnull (strstr (list.out, "Locked board"));

  /* Unlocked, the same commands work: nothing was lost meanwhile. */
  xa_test_unlock_keyring ();
  run_cli (&removed, "device", "remove", "Locked board");
  g_assert_cmpint (removed.status, ==, 0);
}

/* MCP endpoints with the keyring locked: no endpoint is kept without its
 * token, none is tested without it, none is removed with its token left
 * behind; unlocked, all works again. Registered last, beside the other. */
static void
test_mcp_locked_keyring (Fixture       *f,
                         gconstpointer  data)
{
  g_autofree char *address = xa_demo_server_get_mcp_address (f->server, FALSE);
  g_autofree char *url = g_strconcat (address, "?token=locked-mcp-token\n", NULL);
  g_autofree char *other = g_strconcat (address, "?token=other-mcp-token\n", NULL);
  g_auto(Run) add = { 0 };
  g_auto(Run) refused = { 0 };
  g_auto(Run) list = { 0 };
  g_auto(Run) test = { 0 };
  g_auto(Run) remove = { 0 };
  g_auto(Run) kept = { 0 };
  g_auto(Run) removed = { 0 };

  xa_demo_server_add_mcp_token (f->server, "locked-mcp-token", "agent-3");
  run_cli_full (&add, url, NULL, (const char *[]) { "mcp", "add", "Calculator", NULL });
  g_assert_cmpint (add.status, ==, 0);

  xa_test_lock_keyring ();
  run_cli_full (&refused, other, NULL, (const char *[]) { "mcp", "add", "Another", NULL });
  g_assert_cmpint (refused.status, ==, 1);
  g_assert_nonnull (strstr (refused.err, "Unlock your login keyring"));
  run_cli (&list, "mcp", "list");
  g_assert_null (strstr (list.out, "Another"));

  run_cli (&test, "mcp", "test", "Calculator", "--stay", "1");
  g_assert_cmpint (test.status, ==, 1);
  g_assert_nonnull (strstr (test.err, "Unlock your login keyring"));
  g_assert_cmpuint (xa_demo_server_get_request_count (f->server, "mcp"), ==, 0);

  run_cli (&remove, "mcp", "remove", "Calculator");
  g_assert_cmpint (remove.status, ==, 1);
  g_assert_nonnull (strstr (remove.err, "The endpoint was not removed, so that its token is not left behind: "
                                        "The keyring is locked"));
  run_cli (&kept, "mcp", "list");
  g_assert_nonnull (strstr (kept.out, "Calculator"));

  xa_test_unlock_keyring ();
  run_cli (&removed, "mcp", "remove", "Calculator");
  g_assert_cmpint (removed.status, ==, 0);
  g_assert_cmpuint (xa_test_keyring_items_of ("mcp-token"), ==, 0);
}

/* activate NAME says what happened: no code, or MQTT only. */
static void
test_activation_outcomes (Fixture       *f,
                          gconstpointer  data)
{
  g_autofree char *single = xa_demo_server_get_url (f->server, XA_DEMO_MODE_SELF_HOSTED, "ota");
  g_autofree char *mqtt = xa_demo_server_get_url (f->server, XA_DEMO_MODE_MQTT_ONLY, "ota");
  g_autoptr(JsonNode) single_node = NULL;
  g_autoptr(JsonNode) mqtt_node = NULL;
  g_auto(Run) add_single = { 0 };
  g_auto(Run) add_mqtt = { 0 };
  g_auto(Run) activate_single = { 0 };
  g_auto(Run) activate_mqtt = { 0 };
  g_auto(Run) human = { 0 };
  g_auto(Run) test_mqtt = { 0 };
  g_auto(Run) test_mqtt_json = { 0 };
  g_autoptr(JsonNode) test_node = NULL;
  XaTestBroker *broker = xa_test_broker_start ();
  JsonObject *o;

  g_assert_true (xa_demo_server_set_mqtt_broker (f->server, "127.0.0.1", broker->port, "gateway",
                                                 "gateway-password", NULL));

  run_cli (&add_single, "device", "add", "Single", "--ota-url", single);
  run_cli (&add_mqtt, "device", "add", "Gateway", "--ota-url", mqtt);
  g_assert_cmpint (add_mqtt.status, ==, 0);

  run_cli (&activate_single, "activate", "Single", "--json");
  g_assert_cmpint (activate_single.status, ==, 0);
  o = parse_json (activate_single.out, &single_node);
  g_assert_cmpstr (json_object_get_string_member (o, "outcome"), ==, "no-code-issued");
  g_assert_cmpstr (json_object_get_string_member (o, "verdict"), ==, "valid");
  g_assert_cmpstr (json_object_get_string_member (o, "transport"), ==, "websocket");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (o, "tests")), ==, 1);

  run_cli (&activate_mqtt, "activate", "Gateway", "--json");
  g_assert_cmpint (activate_mqtt.status, ==, 0);
  o = parse_json (activate_mqtt.out, &mqtt_node);
  g_assert_cmpstr (json_object_get_string_member (o, "outcome"), ==, "mqtt-only");
  g_assert_cmpstr (json_object_get_string_member (o, "transport"), ==, "mqtt");
  /* The Test that followed, as the window runs it: over MQTT. */
  g_assert_cmpstr (json_object_get_string_member (o, "verdict"), ==, "valid");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (o, "tests")), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (json_object_get_array_member (o, "tests"), 0),
                                                  "verdict"), ==, "valid");
  g_assert_false (json_object_has_member (o, "token"));
  g_assert_nonnull (strstr (json_object_get_string_member (o, "message"), "MQTT (127.0.0.1:"));

  run_cli (&human, "activate", "Gateway");
  g_assert_nonnull (strstr (human.out, "This Device Talks MQTT"));
  g_assert_null (strstr (human.out, "Activated “Gateway”"));

  /* Its Test goes over MQTT, as the board's would. */
  run_cli (&test_mqtt, "test", "Gateway");
  g_assert_cmpint (test_mqtt.status, ==, 0);
  g_assert_true (g_str_has_prefix (test_mqtt.out, "✔ MQTT credentials work\n"));
  g_assert_nonnull (strstr (test_mqtt.out, "The MQTT credentials work"));
  g_assert_nonnull (strstr (test_mqtt.out, "UDP audio server: 127.0.0.1:8884"));
  g_assert_null (strstr (test_mqtt.out, "demo-mqtt-password"));
  run_cli (&test_mqtt_json, "test", "Gateway", "--json");
  o = parse_json (test_mqtt_json.out, &test_node);
  g_assert_cmpstr (json_object_get_string_member (o, "transport"), ==, "mqtt");
  g_assert_cmpstr (json_object_get_string_member (o, "udp_endpoint"), ==, "127.0.0.1:8884");

  /* Into a fresh py-xiaozhi: MQTT_INFO with its password, no WebSocket. */
  {
    g_autofree char *dir = g_dir_make_tmp ("xa-cli-mqtt-XXXXXX", NULL);
    g_autofree char *option = g_strdup_printf ("--py-xiaozhi=%s", dir);
    g_autofree char *config = g_build_filename (dir, "config.json", NULL);
    g_autofree char *efuse = g_build_filename (dir, "efuse.json", NULL);
    g_autofree char *text = NULL;
    g_auto(Run) exported = { 0 };

    run_cli (&exported, "export", "Gateway", option);
    g_assert_cmpint (exported.status, ==, 0);
    g_assert_true (g_file_get_contents (config, &text, NULL, NULL));
    g_assert_nonnull (strstr (text, "\"MQTT_INFO\""));
    g_assert_nonnull (strstr (text, "demo-mqtt-password"));
    g_assert_null (strstr (text, "WEBSOCKET_ACCESS_TOKEN"));
    g_assert_true (g_file_test (efuse, G_FILE_TEST_EXISTS));
    g_unlink (config);
    g_unlink (efuse);
    g_rmdir (dir);
  }
  xa_test_broker_stop (broker);
}

/* The manager's placeholder console and loopback WebSocket are named, with
 * the setting to change; no countdown is made up. */
static void
test_manager_placeholder (Fixture       *f,
                          gconstpointer  data)
{
  g_autofree char *ota = xa_demo_server_get_url (f->server, XA_DEMO_MODE_MANAGER_PLACEHOLDER, "ota");
  g_auto(Run) run = { 0 };

  run_cli (&run, "activate", "--ota-url", ota, "--device-id", "02:11:22:33:44:97", "--timeout", "1");
  g_assert_cmpint (run.status, ==, 7);
  /* The placeholder is not given as the place to go. */
  g_assert_null (strstr (run.err, "1. Open http://xiaozhi.server.com"));
  g_assert_nonnull (strstr (run.err, "The server did not say where it is (it sent the placeholder http://xiaozhi.server.com)"));
  g_assert_nonnull (strstr (run.err, "Server setup: The server’s console address is still the placeholder"));
  g_assert_nonnull (strstr (run.err, "server.websocket"));
  g_assert_nonnull (strstr (run.err, "The code stays valid while this runs."));
  g_assert_null (strstr (run.err, "valid for"));

  /* An address the user gives is where to go. */
  {
    g_auto(Run) typed = { 0 };

    run_cli (&typed, "activate", "--ota-url", ota, "--device-id", "02:11:22:33:44:98", "--timeout", "1",
             "--panel-url", "http://127.0.0.1:8001/");
    g_assert_nonnull (strstr (typed.err, "1. Open http://127.0.0.1:8001/ and log in."));
  }
}

/* "Laptop", saved and activated on the demo server; its token. */
static char *
activated_laptop (Fixture *f)
{
  g_autofree char *ota = xa_demo_server_get_url (f->server, XA_DEMO_MODE_OFFICIAL, "ota");
  g_auto(Run) add = { 0 };

  run_cli (&add, "device", "add", "Laptop", "--ota-url", ota, "--device-id", SAVED);
  g_assert_cmpint (add.status, ==, 0);
  return activate_saved (f, "Laptop");
}

static void
test_export_json (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *token = activated_laptop (f);
  g_auto(Run) json = { 0 };
  g_auto(Run) json_token = { 0 };
  g_auto(Run) choose = { 0 };
  g_auto(Run) stray_key = { 0 };

  run_cli (&json, "export", "Laptop", "--json");
  g_assert_cmpint (json.status, ==, 0);
  assert_no_token (&json, token);
  g_assert_nonnull (strstr (json.out, "\"device_id\" : \"" SAVED "\""));
  run_cli (&json_token, "export", "Laptop", "--json", "--with-token");
  g_assert_nonnull (strstr (json_token.out, token));
  /* One place at a time; --key is for env files. */
  run_cli (&choose, "export", "Laptop", "--json", "--env", "/nonexistent/x.env");
  g_assert_cmpint (choose.status, ==, 2);
  run_cli (&stray_key, "export", "Laptop", "--json", "--key", "token=X");
  g_assert_cmpint (stray_key.status, ==, 2);
}

/* An env file: the token in it, the file only for its owner, updated in
 * place (no .bak); other programs' key names by preset or by --key. */
static void
test_export_env (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *token = activated_laptop (f);
  g_autofree char *dir = g_dir_make_tmp ("xa-cli-export-XXXXXX", NULL);
  g_autofree char *env = g_build_filename (dir, "proxy.env", NULL);
  g_autofree char *proxy_env = g_build_filename (dir, "web-backend.env", NULL);
  g_autofree char *proxy_backup = g_strconcat (proxy_env, ".bak", NULL);
  g_autofree char *contents = NULL;
  g_autofree char *proxy_text = NULL;
  g_auto(Run) to_env = { 0 };
  g_auto(Run) proxy = { 0 };
  g_auto(Run) renamed = { 0 };
  g_auto(Run) no_preset = { 0 };
  GStatBuf st;

  run_cli (&to_env, "export", "Laptop", "--env", env);
  g_assert_cmpint (to_env.status, ==, 0);
  assert_no_token (&to_env, token);
  g_assert_true (g_file_get_contents (env, &contents, NULL, NULL));
  g_assert_nonnull (strstr (contents, token));
  g_assert_cmpint (g_stat (env, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  g_assert_true (g_file_set_contents (proxy_env, "PORT=8080\nBACKEND_WS_URL=ws://localhost:8765/xiaozhi/v1/\n", -1, NULL));
  run_cli (&proxy, "export", "Laptop", "--env", proxy_env, "--preset", "web-proxy");
  g_assert_cmpint (proxy.status, ==, 0);
  g_assert_true (g_file_get_contents (proxy_env, &proxy_text, NULL, NULL));
  g_assert_true (g_str_has_prefix (proxy_text, "PORT=8080\nBACKEND_WS_URL='ws://127.0.0.1:"));
  g_assert_null (strstr (proxy_text, token));
  g_clear_pointer (&proxy_text, g_free);

  run_cli (&renamed, "export", "Laptop", "--env", proxy_env, "--preset", "web-client", "--key", "token=MY_TOKEN");
  g_assert_cmpint (renamed.status, ==, 0);
  g_assert_true (g_file_get_contents (proxy_env, &proxy_text, NULL, NULL));
  g_assert_nonnull (strstr (proxy_text, "\nMY_TOKEN='"));
  g_assert_nonnull (strstr (proxy_text, token));
  g_assert_nonnull (strstr (proxy_text, "\nWS_URL='ws://127.0.0.1:"));
  g_assert_false (g_file_test (proxy_backup, G_FILE_TEST_EXISTS));

  run_cli (&no_preset, "export", "Laptop", "--env", proxy_env, "--preset", "nope");
  g_assert_cmpint (no_preset.status, ==, 2);
  g_assert_nonnull (strstr (no_preset.err, "There is no env preset “nope”"));
  xa_test_remove_tree (dir);
}

/* py-xiaozhi's config.json: the token written in, every other line kept;
 * and read back as a device of its own with the same token. */
static void
test_export_py_xiaozhi (Fixture       *f,
                        gconstpointer  data)
{
  g_autofree char *token = activated_laptop (f);
  g_autofree char *dir = g_dir_make_tmp ("xa-cli-export-XXXXXX", NULL);
  g_autofree char *config = g_build_filename (dir, "config.json", NULL);
  g_autofree char *fixture = g_test_build_filename (G_TEST_DIST, "data", "py-xiaozhi", "config.json", NULL);
  g_autofree char *option = g_strdup_printf ("--py-xiaozhi=%s", dir);
  g_autofree char *contents = NULL;
  g_autofree char *printed = g_strdup_printf ("%s\n", token);
  g_auto(Run) to_config = { 0 };
  g_auto(Run) import = { 0 };
  g_auto(Run) imported_token = { 0 };

  g_assert_true (g_file_get_contents (fixture, &contents, NULL, NULL));
  g_assert_true (g_file_set_contents (config, contents, -1, NULL));
  run_cli (&to_config, "export", "Laptop", option);
  g_assert_cmpint (to_config.status, ==, 0);
  g_clear_pointer (&contents, g_free);
  g_assert_true (g_file_get_contents (config, &contents, NULL, NULL));
  g_assert_nonnull (strstr (contents, token));
  g_assert_nonnull (strstr (contents, "按住说话"));

  run_cli (&import, "import", option, "--name", "From py-xiaozhi");
  g_assert_cmpint (import.status, ==, 0);
  run_cli (&imported_token, "token", "From py-xiaozhi");
  g_assert_cmpstr (imported_token.out, ==, printed);
  /* config.json and its .bak, and efuse.json. */
  xa_test_remove_tree (dir);
}

/* xiaozhi-webui's config: the token in, its other settings kept. */
static void
test_export_webui (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *token = activated_laptop (f);
  g_autofree char *dir = g_dir_make_tmp ("xa-cli-export-XXXXXX", NULL);
  g_autofree char *webui_dir = g_build_filename (dir, "webui", "backend", "config", NULL);
  g_autofree char *webui_config = g_build_filename (webui_dir, "config.json", NULL);
  g_autofree char *webui_data = g_test_build_filename (G_TEST_DIST, "data", "xiaozhi-webui", "backend", "config",
                                                       "config.json", NULL);
  g_autofree char *webui_text = NULL;
  g_auto(Run) webui = { 0 };

  g_assert_cmpint (g_mkdir_with_parents (webui_dir, 0700), ==, 0);
  g_assert_true (g_file_get_contents (webui_data, &webui_text, NULL, NULL));
  g_assert_true (g_file_set_contents (webui_config, webui_text, -1, NULL));
  g_clear_pointer (&webui_text, g_free);
  run_cli (&webui, "export", "Laptop", "--webui", webui_config);
  g_assert_cmpint (webui.status, ==, 0);
  assert_no_token (&webui, token);
  g_assert_true (g_file_get_contents (webui_config, &webui_text, NULL, NULL));
  g_assert_nonnull (strstr (webui_text, token));
  g_assert_nonnull (strstr (webui_text, "\"PROXY_PORT\": \"5000\""));
  xa_test_remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/xa/cli/locked-keyring", Fixture, NULL, fixture_setup, test_locked_keyring, fixture_teardown);
  g_test_add ("/xa/cli/mcp-locked-keyring", Fixture, NULL, fixture_setup, test_mcp_locked_keyring, fixture_teardown);
  g_test_add_func ("/xa/cli/version-and-help", test_version_and_help);
  g_test_add_func ("/xa/cli/usage-errors", test_usage_errors);
  g_test_add_func ("/xa/cli/unreachable-and-tls", test_unreachable_and_tls);
  g_test_add ("/xa/cli/activate-then-test", Fixture, NULL, fixture_setup, test_activate_then_test, fixture_teardown);
  g_test_add ("/xa/cli/activate-fails", Fixture, NULL, fixture_setup, test_activate_fails, fixture_teardown);
  g_test_add ("/xa/cli/chinese-output", Fixture, NULL, fixture_setup, test_chinese_output, fixture_teardown);
  g_test_add ("/xa/cli/device-add", Fixture, NULL, fixture_setup, test_device_add, fixture_teardown);
  g_test_add ("/xa/cli/saved-device-flow", Fixture, NULL, fixture_setup, test_saved_device_flow, fixture_teardown);
  g_test_add ("/xa/cli/device-edit", Fixture, NULL, fixture_setup, test_device_edit, fixture_teardown);
  g_test_add ("/xa/cli/proxy", Fixture, NULL, fixture_setup, test_proxy, fixture_teardown);
  g_test_add ("/xa/cli/mcp", Fixture, NULL, fixture_setup, test_mcp, fixture_teardown);
  g_test_add ("/xa/cli/mcp-saved", Fixture, NULL, fixture_setup, test_mcp_saved, fixture_teardown);
  g_test_add ("/xa/cli/subcommand-help", Fixture, NULL, fixture_setup, test_subcommand_help, fixture_teardown);
  g_test_add ("/xa/cli/test-all", Fixture, NULL, fixture_setup, test_test_all, fixture_teardown);
  g_test_add ("/xa/cli/csv-import", Fixture, NULL, fixture_setup, test_csv_import, fixture_teardown);
  g_test_add ("/xa/cli/csv-refused", Fixture, NULL, fixture_setup, test_csv_refused, fixture_teardown);
  g_test_add ("/xa/cli/csv-round-trip", Fixture, NULL, fixture_setup, test_csv_round_trip, fixture_teardown);
  g_test_add ("/xa/cli/csv-with-secrets", Fixture, NULL, fixture_setup, test_csv_with_secrets, fixture_teardown);
  g_test_add ("/xa/cli/csv-token-row", Fixture, NULL, fixture_setup, test_csv_token_row, fixture_teardown);
  g_test_add ("/xa/cli/diagnose", Fixture, NULL, fixture_setup, test_diagnose, fixture_teardown);
  g_test_add ("/xa/cli/hostile-token-not-kept", Fixture, NULL, fixture_setup, test_hostile_token_not_kept, fixture_teardown);
  g_test_add ("/xa/cli/activation-outcomes", Fixture, NULL, fixture_setup, test_activation_outcomes, fixture_teardown);
  g_test_add ("/xa/cli/manager-placeholder", Fixture, NULL, fixture_setup, test_manager_placeholder, fixture_teardown);
  g_test_add ("/xa/cli/transports", Fixture, NULL, fixture_setup, test_transports, fixture_teardown);
  g_test_add ("/xa/cli/hostile-servers", Fixture, NULL, fixture_setup, test_hostile_servers, fixture_teardown);
  g_test_add ("/xa/cli/export-json", Fixture, NULL, fixture_setup, test_export_json, fixture_teardown);
  g_test_add ("/xa/cli/export-env", Fixture, NULL, fixture_setup, test_export_env, fixture_teardown);
  g_test_add ("/xa/cli/export-py-xiaozhi", Fixture, NULL, fixture_setup, test_export_py_xiaozhi, fixture_teardown);
  g_test_add ("/xa/cli/export-webui", Fixture, NULL, fixture_setup, test_export_webui, fixture_teardown);
  for (guint i = 0; i < G_N_ELEMENTS (verdicts); i++)
    {
      g_autofree char *path = g_strdup_printf ("/xa/cli/exit-status/%s", xa_demo_mode_to_nick (verdicts[i].ws_mode));
      g_test_add (path, Fixture, &verdicts[i], fixture_setup, test_verdict_exit_status, fixture_teardown);
    }


  return g_test_run ();
}
