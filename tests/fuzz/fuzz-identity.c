/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "fuzz.h"
#include "xa-identity.h"
#include "xa-ota.h"
#include "xa-token.h"
#include "xa-url.h"

/* Device-Ids, Client-Ids and addresses as users paste them and files
 * hold them. */
int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *text = fuzz_text (data, size);
  g_autofree char *mac = xa_mac_normalize (text, NULL);
  g_autofree char *client = xa_client_id_normalize (text, NULL);
  g_autofree char *warnings = xa_ota_url_warnings (text);
  g_autofree char *panel = xa_ota_guess_control_panel (text);

  if (mac != NULL)
    g_assert_cmpuint (strlen (mac), ==, 17);
  if (client != NULL)
    g_assert_true (g_utf8_validate (client, -1, NULL));
  if (warnings != NULL)
    g_assert_true (g_utf8_validate (warnings, -1, NULL));
  if (panel != NULL)
    g_assert_true (g_str_has_prefix (panel, "http"));
  xa_ota_url_validate (text, NULL);
  /* What we accept as a WebSocket address or a token holds no byte a
   * header or an env file could not. */
  if (xa_websocket_url_is_safe (text) || xa_token_is_safe (text))
    for (const char *p = text; *p; p++)
      g_assert_true ((guchar) *p > 0x20 && (guchar) *p < 0x7f);
  return 0;
}
