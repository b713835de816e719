/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "xa-types.h"

G_BEGIN_DECLS

#define XA_IDENTITY_ERROR (xa_identity_error_quark ())

typedef enum
{
  XA_IDENTITY_ERROR_INVALID_MAC,
  XA_IDENTITY_ERROR_INVALID_CLIENT_ID,
} XaIdentityError;

/* A device identity as the servers see it (PROTOCOL.md §1).
 * hmac_key is a secret: never log it. */
struct _XaIdentity
{
  char *device_id;
  char *client_id;
  char *serial_number;
  char *hmac_key;
  char *board_type;    /* sent in the OTA check; NULL: py-xiaozhi's */
  char *app_version;
  /* Not who it is but how it is reached, since every request takes the
   * identity: TRUE sends its requests straight to the server, whatever
   * proxy this computer's settings name. */
  gboolean no_proxy;
};

/* What py-xiaozhi reports, for devices that say nothing of their own. */
#define XA_DEFAULT_BOARD_TYPE "bread-compact-wifi"
#define XA_DEFAULT_APP_VERSION "2.1.1"

struct _XaHostInterface
{
  char *interface;
  char *mac;
};

#define XA_TYPE_IDENTITY (xa_identity_get_type ())

GQuark      xa_identity_error_quark    (void);
GType       xa_identity_get_type       (void) G_GNUC_CONST;

XaIdentity *xa_identity_new            (const char        *device_id,
                                        const char        *client_id,
                                        const char        *hmac_key,
                                        GError           **error);
XaIdentity *xa_identity_new_exact      (const char        *device_id,
                                        const char        *client_id,
                                        const char        *hmac_key,
                                        GError           **error);
char       *xa_identity_warnings       (const XaIdentity  *self);
XaIdentity *xa_identity_copy           (const XaIdentity  *self);
void        xa_identity_free           (XaIdentity        *self);

char       *xa_mac_normalize           (const char        *text,
                                        GError           **error);
char       *xa_mac_new_random          (void);
GPtrArray  *xa_mac_list_host           (const char        *sysfs_net_dir);
void        xa_host_interface_free     (XaHostInterface   *iface);

char       *xa_client_id_new           (void);
char       *xa_client_id_normalize     (const char        *text,
                                        GError           **error);

char       *xa_serial_number_for_mac   (const char        *mac);
char       *xa_hmac_key_new            (void);
char       *xa_hmac_sign               (const char        *hmac_key,
                                        const char        *challenge);

void        xa_secret_free             (char              *secret);
void        xa_secret_replace          (char             **secret,
                                        const char        *value);

/* g_auto(XaSecret) for a string holding a token, key or password. */
typedef char *XaSecret;

G_DEFINE_AUTOPTR_CLEANUP_FUNC (XaIdentity, xa_identity_free)
G_DEFINE_AUTO_CLEANUP_FREE_FUNC (XaSecret, xa_secret_free, NULL)

G_END_DECLS
