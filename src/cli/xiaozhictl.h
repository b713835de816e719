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
  GCancellable  *cancellable;
  gboolean       json;
  XaStore       *store;       /* devices */
  XaStore       *mcp_store;   /* MCP endpoints */
  GPtrArray     *safe_texts;
} Cli;

/* One subcommand of a command with several (device, mcp). */
typedef struct
{
  const char *name;
  const char *args;      /* N_(), as its usage shows them, or NULL */
  const char *summary;   /* N_(), one line */
  int       (*run) (Cli *cli, int argc, char **argv);
} CliSubcommand;

int          cli_run_subcommand       (Cli                 *cli,
                                       const char          *command,
                                       const CliSubcommand *subcommands,
                                       guint                n_subcommands,
                                       int                  argc,
                                       char               **argv);

const char  *cli_safe                 (Cli              *cli,
                                       const char       *text);
int          cli_usage_error          (const char       *command,
                                       const char       *message);
const char  *cli_verdict_for_error    (const GError     *error,
                                       int              *exit_status);
int          cli_fail                 (Cli              *cli,
                                       const GError     *error);
void         cli_print_json           (JsonNode         *node);
int          cli_print_json_list      (GListModel       *model,
                                       JsonNode        *(*to_json) (gpointer item));
void         cli_print_report         (Cli              *cli,
                                       const XaReport   *report);
void         cli_wait                 (GAsyncResult    **slot);
void         cli_capture_cb           (GObject          *source,
                                       GAsyncResult     *result,
                                       gpointer          user_data);

gboolean     cli_open_store           (Cli              *cli,
                                       GError           **error);
gboolean     cli_open_store_of        (Cli              *cli,
                                       XaStore         **slot,
                                       const XaStoreKind *kind,
                                       GError           **error);
XaDevice    *cli_find_device          (Cli              *cli,
                                       const char       *name,
                                       GError           **error);
XaDeviceSession *cli_new_session          (Cli              *cli,
                                           XaDevice         *device);
XaDeviceSession *cli_open_session         (Cli              *cli,
                                           XaDevice         *device,
                                           gboolean         need_keyring,
                                           int              *status);
const char  *cli_require_token        (XaDeviceSession  *session,
                                       const char       *name,
                                       int              *status);
GAsyncResult *cli_wait_for             (Cli              *cli,
                                        GAsyncResult     **slot);
gboolean     cli_parse_options        (GOptionContext   *context,
                                       const char       *command,
                                       int              *argc,
                                       char             ***argv,
                                       int              min_args,
                                       int              max_args,
                                       int              *status);
XaDevice    *cli_parse_for_device     (Cli              *cli,
                                       GOptionContext   *context,
                                       const char       *command,
                                       int              *argc,
                                       char             ***argv,
                                       int              n_more,
                                       int              *status);
char        *cli_read_line            (void);
JsonNode    *cli_device_json          (XaDevice         *device);
void         cli_add_token_dates      (JsonObject       *o,
                                       const char       *token);
int          cli_check_token_kept     (Cli              *cli,
                                       XaDeviceSession  *session);

GPtrArray   *cli_sessions_of_all      (Cli              *cli,
                                       GError           **error);

int          cli_cmd_activate         (Cli *cli, int argc, char **argv);
int          cli_cmd_test             (Cli *cli, int argc, char **argv);
int          cli_cmd_device           (Cli *cli, int argc, char **argv);
int          cli_cmd_token            (Cli *cli, int argc, char **argv);
int          cli_cmd_refresh          (Cli *cli, int argc, char **argv);
int          cli_cmd_export           (Cli *cli, int argc, char **argv);
int          cli_cmd_import           (Cli *cli, int argc, char **argv);
int          cli_cmd_diagnose         (Cli *cli, int argc, char **argv);
int          cli_cmd_mcp              (Cli *cli, int argc, char **argv);

G_END_DECLS
