/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "xa-token.h"

/* What a token string says of itself, before any server is asked: whether
 * it can be sent and stored as it is, and the dates it carries. */

/* Self-hosted tokens are “<signature>.<unix seconds>”, issued afresh at
 * every OTA check and valid for 30 days (PROTOCOL.md §6). */
gboolean
xa_token_get_dates (const char *token,
                    gint64     *issued,
                    gint64     *expires)
{
  const char *dot = token ? strrchr (token, '.') : NULL;
  guint64 seconds;

  if (dot == NULL || dot == token || strlen (dot + 1) != 10 ||
      !g_ascii_string_to_unsigned (dot + 1, 10, 1577836800 /* 2020 */, 4102444800 /* 2100 */, &seconds, NULL))
    return FALSE;
  *issued = (gint64) seconds;
  *expires = (gint64) seconds + XA_TOKEN_LIFETIME_S;
  return TRUE;
}

/* Tokens are opaque, but every server issues printable ASCII without
 * spaces or quotes (base64url, "<sig>.<ts>", "test-token"); anything else
 * would break headers and the files we write them into. Empty is allowed:
 * self-hosted servers with auth off send "". */
gboolean
xa_token_is_safe (const char *token)
{
  if (token == NULL || strlen (token) > XA_MAX_TOKEN_LENGTH)
    return FALSE;
  for (const guchar *p = (const guchar *) token; *p != '\0'; p++)
    if (*p <= 0x20 || *p >= 0x7f || *p == '"' || *p == '\'' || *p == '\\' || *p == '`')
      return FALSE;
  return TRUE;
}
