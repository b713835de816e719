/* SPDX-License-Identifier: GPL-3.0-or-later */
/* xa-token: what a token says of itself. */
#include "config.h"

#include <string.h>

#include "xa-token.h"

static void
test_token_dates (void)
{
  gint64 issued = 0, expires = 0;

  g_assert_true (xa_token_get_dates ("f0bFO2qncZ8_Sh_o0qbfmpI8wXjFWldLbK6IiblrqVQ.1795607593", &issued, &expires));
  g_assert_cmpint (issued, ==, 1795607593);
  g_assert_cmpint (expires, ==, 1795607593 + 30 * 24 * 3600);
  g_assert_false (xa_token_get_dates ("test-token", &issued, &expires));
  g_assert_false (xa_token_get_dates ("abc.123", &issued, &expires));
  g_assert_false (xa_token_get_dates (".1795607593", &issued, &expires));
}

/* What servers issue is kept and sent; what would break a header or a
 * file it is written into is refused. Empty is a token (auth off). */
static void
test_token_safe (void)
{
  const char *safe[] = { "", "test-token", "f0bFO2qncZ8_Sh_o0qbfmpI8wXjFWldLbK6IiblrqVQ.1795607593",
                         "eyJhbGciOiJFUzI1NiJ9.eyJ1c2VySWQiOjF9.sig-_" };
  const char *unsafe[] = { "two words", "line\nbreak", "tab\tbed", "quo\"te", "it's", "back\\slash", "`id`",
                           "caf\xc3\xa9", "bell\x07", "del\x7f" };
  g_autofree char *longest = g_strnfill (XA_MAX_TOKEN_LENGTH, 'a');
  g_autofree char *too_long = g_strnfill (XA_MAX_TOKEN_LENGTH + 1, 'a');

  for (guint i = 0; i < G_N_ELEMENTS (safe); i++)
    g_assert_true (xa_token_is_safe (safe[i]));
  for (guint i = 0; i < G_N_ELEMENTS (unsafe); i++)
    {
      g_test_message ("%s", unsafe[i]);
      g_assert_false (xa_token_is_safe (unsafe[i]));
    }
  g_assert_true (xa_token_is_safe (longest));
  g_assert_false (xa_token_is_safe (too_long));
  g_assert_false (xa_token_is_safe (NULL));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/xa/token/dates", test_token_dates);
  g_test_add_func ("/xa/token/safe", test_token_safe);

  return g_test_run ();
}
