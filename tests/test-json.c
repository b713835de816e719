/* SPDX-License-Identifier: GPL-3.0-or-later */
/* xa-json: JSON from servers and files read without trusting it. */
#include "config.h"

#include <string.h>

#include "xa-json.h"

static JsonObject *
object_of (const char *text,
           JsonNode  **root)
{
  g_autoptr(GError) error = NULL;

  *root = xa_json_parse (text, -1, &error);
  g_assert_no_error (error);
  return json_node_get_object (*root);
}

/* Too deep is refused before json-glib's recursive parser sees it; depth
 * inside strings does not count. */
static void
test_depth (void)
{
  g_autofree char *deep = g_strnfill (XA_JSON_MAX_DEPTH + 1, '[');
  g_autofree char *deepest = g_strnfill (XA_JSON_MAX_DEPTH, '[');
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) in_string = NULL;
  JsonNode *node;

  g_assert_false (xa_json_depth_ok (deep, -1));
  g_assert_true (xa_json_depth_ok (deepest, -1));
  g_assert_true (xa_json_depth_ok ("{\"a\":\"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\"}", -1));
  g_assert_true (xa_json_depth_ok ("{\"a\":\"\\\"[[\"}", -1));

  node = xa_json_parse (deep, -1, &error);
  g_assert_null (node);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_assert_nonnull (strstr (error->message, "nested more than 64 levels deep"));
  g_clear_error (&error);

  g_assert_null (xa_json_parse ("", -1, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_null (xa_json_parse ("{\"a\":", -1, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);

  in_string = xa_json_parse ("{\"a\":\"[[[[\"}", -1, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (in_string), "a"), ==, "[[[[");
}

/* A member of another type reads as absent, never as a GLib critical
 * (G_DEBUG=fatal-warnings would end the test). */
static void
test_typed_readers (void)
{
  g_autoptr(JsonNode) root = NULL;
  JsonObject *o = object_of ("{\"s\":\"text\",\"i\":42,\"b\":true,\"o\":{\"x\":1},\"n\":null,\"a\":[1]}", &root);
  g_autofree char *dup = xa_json_dup_string (o, "s");

  g_assert_cmpstr (xa_json_get_string (o, "s"), ==, "text");
  g_assert_cmpstr (dup, ==, "text");
  g_assert_null (xa_json_get_string (o, "i"));
  g_assert_null (xa_json_get_string (o, "n"));
  g_assert_null (xa_json_get_string (o, "o"));
  g_assert_null (xa_json_get_string (o, "missing"));
  g_assert_null (xa_json_get_string (NULL, "s"));
  g_assert_cmpint (xa_json_get_int (o, "i", -1), ==, 42);
  g_assert_cmpint (xa_json_get_int (o, "s", -1), ==, -1);
  g_assert_cmpint (xa_json_get_int (o, "a", -1), ==, -1);
  g_assert_true (xa_json_get_boolean (o, "b", FALSE));
  g_assert_false (xa_json_get_boolean (o, "i", FALSE));
  g_assert_nonnull (xa_json_get_object (o, "o"));
  g_assert_null (xa_json_get_object (o, "a"));
  g_assert_null (xa_json_get_object (o, "n"));
}

/* What servers send with varying types: a number as text or text as a
 * number; out of range saturates; anything else is absent. */
static void
test_lenient_readers (void)
{
  g_autoptr(JsonNode) root = NULL;
  JsonObject *o = object_of ("{\"code\":548712,\"text\":\"548712\",\"big\":1e19,\"small\":-1e999,"
                             "\"float\":2.9,\"word\":\"soon\",\"list\":[1],\"null\":null}", &root);
  g_autofree char *code = xa_json_dup_lenient_string (o, "code");
  g_autofree char *text = xa_json_dup_lenient_string (o, "text");
  g_autofree char *list = xa_json_dup_lenient_string (o, "list");
  gint64 value = 0;

  g_assert_cmpstr (code, ==, "548712");
  g_assert_cmpstr (text, ==, "548712");
  g_assert_null (list);
  g_assert_true (xa_json_get_lenient_int (o, "code", &value));
  g_assert_cmpint (value, ==, 548712);
  g_assert_true (xa_json_get_lenient_int (o, "text", &value));
  g_assert_cmpint (value, ==, 548712);
  g_assert_true (xa_json_get_lenient_int (o, "big", &value));
  g_assert_cmpint (value, ==, G_MAXINT64);
  g_assert_true (xa_json_get_lenient_int (o, "small", &value));
  g_assert_cmpint (value, ==, G_MININT64);
  g_assert_true (xa_json_get_lenient_int (o, "float", &value));
  g_assert_cmpint (value, ==, 2);
  value = 7;
  g_assert_false (xa_json_get_lenient_int (o, "word", &value));
  g_assert_false (xa_json_get_lenient_int (o, "list", &value));
  g_assert_false (xa_json_get_lenient_int (o, "null", &value));
  g_assert_false (xa_json_get_lenient_int (o, "missing", &value));
  g_assert_cmpint (value, ==, 7);
}

/* What json-glib would write back wrong is found before it is written:
 * invalid UTF-8, a number it would print as "2e+100.0". */
static void
test_writable (void)
{
  g_autoptr(JsonNode) fine = NULL;
  g_autoptr(JsonNode) exponent = NULL;
  g_autoptr(JsonNode) bad_text = json_node_new (JSON_NODE_VALUE);

  object_of ("{\"a\":[1,2.5,\"x\",null,{\"b\":true}]}", &fine);
  g_assert_true (xa_json_is_writable (fine));
  object_of ("{\"a\":[2e100]}", &exponent);
  g_assert_false (xa_json_is_writable (exponent));
  json_node_set_string (bad_text, "caf\xc3");
  g_assert_false (xa_json_is_writable (bad_text));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/xa/json/depth", test_depth);
  g_test_add_func ("/xa/json/typed-readers", test_typed_readers);
  g_test_add_func ("/xa/json/lenient-readers", test_lenient_readers);
  g_test_add_func ("/xa/json/writable", test_writable);

  return g_test_run ();
}
