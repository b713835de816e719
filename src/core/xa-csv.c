/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "xa-csv.h"
#include "xa-device-session.h"
#include "xa-store.h"
#include "xa-device.h"
#include "xa-identity.h"
#include "xa-ota.h"
#include "xa-token.h"
#include "xa-url.h"

/* Device identities as CSV (RFC 4180), for preparing a batch of boards
 * in a spreadsheet: a header row names the columns, in any order. Every
 * row is checked before anything is kept, and every bad one is named by
 * its line. A cell a spreadsheet would run as a formula (=, +, -, @) is
 * written with a leading ' and read back without it. */

static const char * const columns[] = {
  "name", "device_id", "client_id", "ota_url", "board_type", "app_version", "token", "hmac_key", NULL,
};
enum { COL_NAME, COL_DEVICE_ID, COL_CLIENT_ID, COL_OTA_URL, COL_BOARD_TYPE, COL_APP_VERSION, COL_TOKEN, COL_HMAC_KEY,
       N_COLUMNS };
/* Columns written without secrets, and with them. */
#define N_PLAIN_COLUMNS COL_TOKEN

void
xa_csv_row_free (XaCsvRow *row)
{
  if (row == NULL)
    return;
  g_clear_object (&row->device);
  xa_secret_free (row->token);
  xa_secret_free (row->hmac_key);
  g_free (row);
}

/* ---- reading ----------------------------------------------------------- */

/* Splits @text into records of fields; each record starts at the line
 * number kept in @lines. FALSE (with the line) on a quote left open or
 * text after a closing quote. */
static gboolean
split_records (const char  *text,
               GPtrArray   *records,
               GArray      *lines,
               guint       *bad_line)
{
  guint line = 1;
  const char *p = text;

  while (*p != '\0')
    {
      GPtrArray *fields = g_ptr_array_new_with_free_func (g_free);
      guint start = line;
      gboolean blank = TRUE;

      for (;;)
        {
          GString *field = g_string_new (NULL);

          if (*p == '"')
            {
              blank = FALSE;
              for (p++;; p++)
                {
                  if (*p == '\0')
                    {
                      *bad_line = start;
                      g_string_free (field, TRUE);
                      g_ptr_array_unref (fields);
                      return FALSE;
                    }
                  if (*p == '"' && p[1] == '"')
                    g_string_append_c (field, '"'), p++;
                  else if (*p == '"')
                    {
                      p++;
                      break;
                    }
                  else
                    {
                      line += *p == '\n';
                      g_string_append_c (field, *p);
                    }
                }
              if (*p != ',' && *p != '\n' && *p != '\r' && *p != '\0')
                {
                  *bad_line = line;
                  g_string_free (field, TRUE);
                  g_ptr_array_unref (fields);
                  return FALSE;
                }
            }
          else
            while (*p != ',' && *p != '\n' && *p != '\r' && *p != '\0')
              g_string_append_c (field, *p++);

          blank = blank && field->len == 0 && *p != ',';
          g_ptr_array_add (fields, g_string_free (field, FALSE));
          if (*p == ',')
            {
              p++;
              continue;
            }
          if (*p == '\r')
            p++;
          if (*p == '\n')
            p++, line++;
          break;
        }
      if (blank)
        g_ptr_array_unref (fields);
      else
        {
          g_ptr_array_add (records, fields);
          g_array_append_val (lines, start);
        }
    }
  return TRUE;
}

/* Whether a spreadsheet would run @value, once the ' that keeps it from
 * doing so is taken off: =, +, - or @ first, after any number of '. */
static gboolean
looks_like_formula (const char *value)
{
  while (*value == '\'')
    value++;
  return *value != '\0' && strchr ("=+-@", *value) != NULL;
}

/* A cell as it was before xa_csv_format_devices() kept a spreadsheet from
 * running it (one ' off). */
static char *
cell_value (const char *cell)
{
  if (cell[0] == '\'' && looks_like_formula (cell + 1))
    cell++;
  return g_strstrip (g_strdup (cell));
}

/* One row as a device: NULL and @why when it is not one. */
static XaCsvRow *
row_from_cells (char        **cells,
                XaStore *store,
                GHashTable    *names,
                GError       **why)
{
  g_autoptr(XaIdentity) identity = NULL;
  g_autoptr(XaDevice) device = NULL;
  g_autofree char *new_client_id = NULL;
  const char *client_id = cells[COL_CLIENT_ID] && *cells[COL_CLIENT_ID] ? cells[COL_CLIENT_ID]
                          : (new_client_id = g_uuid_string_random ());
  const char *hmac_key = cells[COL_HMAC_KEY] && *cells[COL_HMAC_KEY] ? cells[COL_HMAC_KEY] : NULL;
  const char *name = cells[COL_NAME] ? cells[COL_NAME] : "";
  const char *ota = cells[COL_OTA_URL] && *cells[COL_OTA_URL] ? cells[COL_OTA_URL] : XA_OTA_DEFAULT_URL;
  XaCsvRow *row;

  if (!xa_device_check_field ("name", name, why))
    return NULL;
  if (g_hash_table_contains (names, name) || (store != NULL && xa_store_find (store, name) != NULL))
    {
      g_set_error (why, G_IO_ERROR, G_IO_ERROR_EXISTS,
                   _("There is already a device named “%s”."), name);
      return NULL;
    }
  if (cells[COL_DEVICE_ID] == NULL || *cells[COL_DEVICE_ID] == '\0')
    {
      g_set_error_literal (why, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("It has no device_id."));
      return NULL;
    }
  identity = xa_identity_new_exact (cells[COL_DEVICE_ID], client_id, hmac_key, why);
  if (identity == NULL || !xa_ota_url_validate (ota, why))
    return NULL;
  for (guint c = COL_BOARD_TYPE; c <= COL_APP_VERSION; c++)
    if (cells[c] != NULL && *cells[c] != '\0' &&
        !xa_device_check_field (c == COL_BOARD_TYPE ? "board-type" : "app-version", cells[c], why))
      return NULL;
  if (cells[COL_TOKEN] != NULL && *cells[COL_TOKEN] != '\0' && !xa_token_is_safe (cells[COL_TOKEN]))
    {
      g_set_error_literal (why, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           _("Its token has characters no token has (spaces, quotes or control characters)."));
      return NULL;
    }

  device = xa_device_new (name, ota, identity);
  if (cells[COL_BOARD_TYPE] && *cells[COL_BOARD_TYPE])
    g_object_set (device, "board-type", cells[COL_BOARD_TYPE], NULL);
  if (cells[COL_APP_VERSION] && *cells[COL_APP_VERSION])
    g_object_set (device, "app-version", cells[COL_APP_VERSION], NULL);
  /* A token is what an activation gives: the device has had one. */
  if (cells[COL_TOKEN] != NULL && *cells[COL_TOKEN] != '\0')
    g_object_set (device, "activated-at", g_get_real_time () / G_USEC_PER_SEC, NULL);
  g_hash_table_add (names, g_strdup (name));
  row = g_new0 (XaCsvRow, 1);
  row->device = g_steal_pointer (&device);
  row->token = cells[COL_TOKEN] && *cells[COL_TOKEN] ? g_strdup (cells[COL_TOKEN]) : NULL;
  row->hmac_key = g_strdup (hmac_key);
  return row;
}

/* The devices of the CSV text @contents, checked (names new to @store
 * and to the file): an array of XaCsvRow, or NULL with an error that names
 * every bad line (@path names the file in it). Nothing is saved here. */
GPtrArray *
xa_csv_parse_devices (const char     *contents,
                      gsize           length,
                      const char     *path,
                      XaStore  *store,
                      GError        **error)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) xa_csv_row_free);
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  g_autoptr(GArray) lines = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GHashTable) names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GString) problems = g_string_new (NULL);
  g_autofree char *copy = NULL;
  int where[N_COLUMNS];
  GPtrArray *header;
  const char *text;
  guint bad_line;

  if (length > XA_CSV_MAX_SIZE || memchr (contents, '\0', length) != NULL ||
      !g_utf8_validate (contents, length, NULL))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("“%s” is not a devices CSV file: it is larger than 1 MiB, or not UTF-8 text."), path);
      return NULL;
    }
  copy = g_strndup (contents, length);
  text = g_str_has_prefix (copy, "\xef\xbb\xbf") ? copy + 3 : copy;
  if (!split_records (text, records, lines, &bad_line))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("“%s”, line %u: a quoted cell is not closed, or has text after its closing quote. "
                     "Nothing was imported."), path, bad_line);
      return NULL;
    }
  if (records->len == 0 || records->len - 1 > XA_CSV_MAX_ROWS)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("“%s” has no devices, or more than 10,000. Nothing was imported."), path);
      return NULL;
    }

  /* The header: every column known, none twice, name and device_id there. */
  header = g_ptr_array_index (records, 0);
  for (guint c = 0; c < N_COLUMNS; c++)
    where[c] = -1;
  for (guint i = 0; i < header->len; i++)
    {
      g_autofree char *title = g_ascii_strdown (g_strstrip ((char *) g_ptr_array_index (header, i)), -1);
      guint c;

      for (c = 0; c < N_COLUMNS && !g_str_equal (title, columns[c]); c++)
        ;
      if (c == N_COLUMNS || where[c] != -1)
        {
          g_autofree char *known = g_strjoinv (", ", (char **) columns);
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       _("“%s”, line 1: the column “%s” is unknown or named twice; the columns are %s. "
                         "Nothing was imported."), path, title, known);
          return NULL;
        }
      where[c] = (int) i;
    }
  if (where[COL_NAME] < 0 || where[COL_DEVICE_ID] < 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("“%s”, line 1: the header must name the columns name and device_id. Nothing was imported."),
                   path);
      return NULL;
    }

  for (guint r = 1; r < records->len; r++)
    {
      GPtrArray *record = g_ptr_array_index (records, r);
      char *cells[N_COLUMNS] = { NULL };
      g_autoptr(GError) why = NULL;
      XaCsvRow *row = NULL;

      if (record->len > header->len)
        g_set_error_literal (&why, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("It has more cells than the header."));
      else
        {
          for (guint c = 0; c < N_COLUMNS; c++)
            cells[c] = where[c] >= 0 && (guint) where[c] < record->len
                         ? cell_value (g_ptr_array_index (record, where[c])) : NULL;
          row = row_from_cells (cells, store, names, &why);
          for (guint c = 0; c < N_COLUMNS; c++)
            c == COL_TOKEN || c == COL_HMAC_KEY ? xa_secret_free (cells[c]) : g_free (cells[c]);
        }
      if (row != NULL)
        g_ptr_array_add (rows, row);
      else
        /* Translators: one bad row of a CSV file: its line, and why */
        g_string_append_printf (problems, _("line %u: %s\n"), g_array_index (lines, guint, r), why->message);
    }
  if (problems->len > 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("Nothing was imported from “%s”; fix these rows and try again:\n%s"), path, problems->str);
      g_strchomp ((*error)->message);
      return NULL;
    }
  return g_steal_pointer (&rows);
}

/* ---- writing ----------------------------------------------------------- */

static void
append_cell (GString    *out,
             const char *value)
{
  gboolean formula = looks_like_formula (value);

  if (!formula && strpbrk (value, ",\"\r\n") == NULL)
    {
      g_string_append (out, value);
      return;
    }
  g_string_append_c (out, '"');
  if (formula)
    g_string_append_c (out, '\'');
  for (const char *p = value; *p; p++)
    {
      if (*p == '"')
        g_string_append_c (out, '"');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
}

/* @rows (XaCsvRow) as CSV text; the token and hmac_key columns only
 * @with_secrets. */
char *
xa_csv_format_devices (GPtrArray *rows,
                       gboolean   with_secrets)
{
  GString *out = g_string_new (NULL);
  guint n = with_secrets ? N_COLUMNS : N_PLAIN_COLUMNS;

  for (guint c = 0; c < n; c++)
    g_string_append_printf (out, c ? ",%s" : "%s", columns[c]);
  g_string_append (out, "\r\n");

  for (guint i = 0; i < rows->len; i++)
    {
      XaCsvRow *row = g_ptr_array_index (rows, i);
      XaDevice *d = row->device;
      const char *values[N_COLUMNS] = {
        xa_device_get_name (d), xa_device_get_device_id (d), xa_device_get_client_id (d), xa_device_get_ota_url (d),
        NULL, NULL, row->token, row->hmac_key,
      };
      g_autofree char *board = NULL;
      g_autofree char *version = NULL;

      g_object_get (d, "board-type", &board, "app-version", &version, NULL);
      values[COL_BOARD_TYPE] = board;
      values[COL_APP_VERSION] = version;
      for (guint c = 0; c < n; c++)
        {
          if (c > 0)
            g_string_append_c (out, ',');
          append_cell (out, values[c] ? values[c] : "");
        }
      g_string_append (out, "\r\n");
    }
  return g_string_free (out, FALSE);
}
