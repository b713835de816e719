/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "xa-ota.h"
#include "xa-types.h"

G_BEGIN_DECLS

/* The OTA errors the answer's parser and the address checks raise too
 * (xa-ota-answer.c, xa-url.c); each keeps its words as a recipe. */
GError *_xa_ota_error_new         (XaOtaError  code,
                                   XaText     *text);
GError *_xa_ota_error_too_large   (void);
GError *_xa_ota_error_invalid_url (const char *url);

G_END_DECLS
