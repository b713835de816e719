/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <locale.h>

#include "xa-text.h"

/* Values are formatted when appended; the sentence is looked up when
 * shown; sentences follow each other with a space. */
static void
test_render (void)
{
  g_autoptr(XaText) text = xa_text_new_printf ("Hello %s, %u messages, %d ms, 100%% sure.", "you", 3u, -4);
  g_autofree char *shown = NULL;
  g_autofree char *cjk = NULL;
  g_autoptr(XaText) chinese = xa_text_new_literal ("服务器拒绝了。");

  xa_text_append (text, "Then %2$s before %1$s.", "one", "two");
  xa_text_append_plural (text, "%lu second.", "%lu seconds.", 1, (gulong) 1);
  xa_text_append_literal (text, "(as it is: %s)");
  shown = xa_text_render (text);
  g_assert_cmpstr (shown, ==, "Hello you, 3 messages, -4 ms, 100% sure. Then two before one. 1 second. (as it is: %s)");

  xa_text_append_literal (chinese, "请重试。");
  cjk = xa_text_render (chinese);
  g_assert_cmpstr (cjk, ==, "服务器拒绝了。请重试。");
}

/* What is written reads back the same, and a copy is a copy. */
static void
test_json_round_trip (void)
{
  g_autoptr(XaText) text = xa_text_new_printf ("Code %s, %u tries.", "123456", 2u);
  g_autoptr(XaText) copy = NULL;
  g_autoptr(XaText) back = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;

  xa_text_append_plural (text, "%lu minute.", "%lu minutes.", 5, (gulong) 5);
  copy = xa_text_copy (text);
  node = xa_text_to_json (copy);
  back = xa_text_new_from_json (node);
  g_assert_nonnull (back);
  a = xa_text_render (text);
  b = xa_text_render (back);
  g_assert_cmpstr (a, ==, "Code 123456, 2 tries. 5 minutes.");
  g_assert_cmpstr (b, ==, a);
}

/* devices.json is anyone's to edit: a recipe is never a printf format,
 * and what is not a recipe is refused (the caller shows what it has). */
static void
test_hostile_json (void)
{
  const char *refused[] = {
    "{\"msgid\": \"x\"}",
    "[1]",
    "[{\"args\": [\"a\"]}]",
    "[{\"msgid\": \"%s\", \"args\": [1]}]",
    "[{\"msgid\": \"%s\", \"args\": \"a\"}]",
    "[{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}]",
  };
  g_autoptr(JsonNode) node = json_from_string ("[{\"msgid\": \"%s%n%999999999s%p%*d %3$s|\", \"args\": [\"a\"]},"
                                               " {\"msgid\": \"%\"}, {\"literal\": \"b\\u0000c\"}]", NULL);
  g_autoptr(XaText) text = xa_text_new_from_json (node);
  g_autofree char *shown = NULL;

  g_assert_nonnull (text);
  shown = xa_text_render (text);
  /* The one value in its place, the other conversions empty. */
  g_assert_true (g_str_has_prefix (shown, "a |"));
  g_assert_true (g_str_has_suffix (shown, "% b"));

  /* A '%' before a multibyte character is no conversion: the text stays
   * whole (found by the fuzz target). */
  {
    g_autoptr(JsonNode) percent = json_from_string ("[{\"msgid\": \"100%é %1$中 %-中\"}]", NULL);
    g_autoptr(XaText) whole = xa_text_new_from_json (percent);
    g_autofree char *said = xa_text_render (whole);

    g_assert_cmpstr (said, ==, "100%é %1$中 %-中");
  }

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autoptr(JsonNode) bad = json_from_string (refused[i], NULL);
      g_autoptr(XaText) none = xa_text_new_from_json (bad);

      g_assert_null (none);
    }
  g_assert_null (xa_text_new_from_json (NULL));
}

/* The point of it: words recorded in one language are shown in the
 * language of the day, with their values. */
static void
test_shown_in_todays_language (void)
{
  g_autoptr(XaText) text = xa_text_new ();
  g_autofree char *english = NULL;
  g_autofree char *german = NULL;

  xa_text_append_plural (text,
                         "The server did not answer the hello within %u second. "
                         "Check that the server is running and the URL is right, then try again.",
                         "The server did not answer the hello within %u seconds. "
                         "Check that the server is running and the URL is right, then try again.",
                         10, 10u);
  english = xa_text_render (text);
  g_assert_true (g_str_has_prefix (english, "The server did not answer the hello within 10 seconds."));

  g_setenv ("LANGUAGE", "de", TRUE);
  g_assert_nonnull (setlocale (LC_ALL, "de_DE.UTF-8"));
  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("XA_BUILD_LOCALEDIR"));
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  german = xa_text_render (text);
  g_assert_cmpstr (german, !=, english);
  g_assert_nonnull (strstr (german, "10 Sekunden"));
  setlocale (LC_ALL, "C.UTF-8");
  g_setenv ("LANGUAGE", "", TRUE);
}

static void
test_quote (void)
{
  const struct { const char *text; const char *quoted; } cases[] = {
    { "request error.", "request error" },
    { "请先绑定设备。", "请先绑定设备" },
    { "Bound?  ", "Bound" },
    { "Wait...", "Wait..." },
    { "Invalid MAC address", "Invalid MAC address" },
    { "a\x1b[2Jb.", "a [2Jb" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *quoted = xa_server_text_quote (cases[i].text);
      g_assert_cmpstr (quoted, ==, cases[i].quoted);
    }
  g_assert_null (xa_server_text_quote (NULL));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/xa/text/render", test_render);
  g_test_add_func ("/xa/text/json-round-trip", test_json_round_trip);
  g_test_add_func ("/xa/text/hostile-json", test_hostile_json);
  g_test_add_func ("/xa/text/shown-in-todays-language", test_shown_in_todays_language);

  g_test_add_func ("/xa/text/quote", test_quote);

  return g_test_run ();
}
