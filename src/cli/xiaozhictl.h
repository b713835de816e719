/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib/gi18n.h>

#include "xa-activation.h"
#include "xa-device-session.h"
#include "xa-token-test.h"

G_BEGIN_DECLS

/* Exit statuses beyond the verdicts' own (README, --help). */
enum {
  EXIT_OK = 0,
  EXIT_FAILURE_OTHER = 1,
  EXIT_USAGE = 2,
};

/* A day: longer is a mistake (and would overflow milliseconds). */
#define CLI_MAX_TIMEOUT_S 86400

typedef struct
{
  GMainLoop     *loop;
  GCancellable  *cancellable;
  gboolean       json;
  gboolean       tty;
  guint          ticker_id;
  gint64         last_check_us;
  XaActivation  *activation;
  XaOtaAnswer   *result;
  GError        *error;
  XaReport      *report;
  XaDeviceStore *store;
  GPtrArray     *safe_texts;
} Cli;

const char  *cli_safe                 (Cli              *cli,
                                       const char       *text);
int          cli_usage_error          (const char       *command,
                                       const char       *message);
int          cli_fail                 (Cli              *cli,
                                       const GError     *error);
void         cli_print_json           (JsonNode         *node);
void         cli_watch_activation     (Cli              *cli,
                                       XaActivation     *activation,
                                       const char       *panel_url,
                                       int               timeout_s,
                                       int               poll_ms);
void         cli_unwatch_activation   (Cli              *cli);
int          cli_activation_failed    (Cli              *cli);
void         cli_print_report         (Cli              *cli,
                                       const XaReport   *report);
void         cli_wait                 (GAsyncResult    **slot);
void         cli_capture_cb           (GObject          *source,
                                       GAsyncResult     *result,
                                       gpointer          user_data);

int          cli_cmd_device           (Cli *cli, int argc, char **argv);
int          cli_cmd_token            (Cli *cli, int argc, char **argv);
int          cli_cmd_refresh          (Cli *cli, int argc, char **argv);
int          cli_cmd_export           (Cli *cli, int argc, char **argv);
int          cli_cmd_import           (Cli *cli, int argc, char **argv);
int          cli_cmd_activate_saved   (Cli *cli, int timeout_s, int poll_ms, const char *name);
int          cli_cmd_test_saved       (Cli *cli, int timeout_s, const char *name, const char *transport);
int          cli_cmd_test_all         (Cli *cli, int timeout_s, int jobs);
int          cli_cmd_diagnose         (Cli *cli, int argc, char **argv);

G_END_DECLS
