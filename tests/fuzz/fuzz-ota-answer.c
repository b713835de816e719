/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "fuzz.h"
#include "xa-ota.h"
#include "xa-report.h"
#include "xa-token.h"
#include "xa-url.h"

/* An OTA answer from a hostile server: parsed or refused, and what is
 * kept is what we promise to keep. */
int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XaOtaAnswer) answer = xa_ota_answer_parse ((const char *) data, size, &error);
  gint64 skew;

  if (answer == NULL)
    {
      g_assert_nonnull (error);
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
      return 0;
    }

  if (answer->has_websocket)
    g_assert_true (xa_websocket_url_is_safe (answer->websocket_url));
  if (answer->token != NULL)
    g_assert_true (xa_token_is_safe (answer->token));
  if (answer->has_activation)
    g_assert_true (answer->code != NULL && answer->timeout_ms <= 24 * 3600 * 1000);
  if (answer->message != NULL)
    for (const char *p = answer->message; *p; p++)
      g_assert_true (*p == '\n' || (guchar) *p >= 0x20);
  xa_ota_answer_get_clock_skew (answer, &skew);
  xa_ota_answer_changes_token (answer, "old");
  return 0;
}
