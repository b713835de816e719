/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "xa-types.h"

G_BEGIN_DECLS

/* Words kept as their recipe: untranslated sentences and the values that
 * fill them, rendered in the language of whoever reads them. A Test's
 * advice is kept this way, so that a verdict recorded in one language is
 * shown in the language of the day (and devices.json stays language-free).
 *
 * The sentences are msgids, marked with N_() (xa_text_append_plural() is
 * a keyword of its own); their values are formatted when appended, so a
 * recipe read from a file never reaches printf(). */

#define XA_TYPE_TEXT (xa_text_get_type ())

GType     xa_text_get_type          (void) G_GNUC_CONST;
XaText   *xa_text_new               (void);
XaText   *xa_text_new_printf        (const char    *msgid,
                                     ...) G_GNUC_PRINTF (1, 2);
XaText   *xa_text_new_literal       (const char    *text);
XaText   *xa_text_copy              (const XaText  *self);
void      xa_text_free              (XaText        *self);

void      xa_text_append            (XaText        *self,
                                     const char    *msgid,
                                     ...) G_GNUC_PRINTF (2, 3);
void      xa_text_append_plural     (XaText        *self,
                                     const char    *msgid,
                                     const char    *msgid_plural,
                                     gulong         n,
                                     ...) G_GNUC_PRINTF (2, 5);
void      xa_text_append_text       (XaText        *self,
                                     const XaText  *other);
void      xa_text_append_literal    (XaText        *self,
                                     const char    *text);

char     *xa_text_render            (const XaText  *self);

JsonNode *xa_text_to_json           (const XaText  *self);
XaText   *xa_text_new_from_json     (JsonNode      *node);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (XaText, xa_text_free)

guint     xa_text_display_width     (const char    *s);
char     *xa_text_format_time       (gint64         unix_time,
                                     const char    *fallback);

/* Text a server sent, fit to show (xa-text.c). */
char        *xa_server_text_quote        (const char        *text);
char        *xa_server_text_sanitize     (const char        *text,
                                          gssize             length,
                                          gboolean           keep_newlines);

G_END_DECLS
