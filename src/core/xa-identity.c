/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>
#include <sys/random.h>

#include "xa-identity.h"

G_DEFINE_QUARK (xa-identity-error-quark, xa_identity_error)
G_DEFINE_BOXED_TYPE (XaIdentity, xa_identity, xa_identity_copy, xa_identity_free)

static void
fill_random (guint8 *buf,
             gsize   len)
{
  gsize done = 0;

  /* getrandom() on this size never returns short unless interrupted. */
  while (done < len)
    {
      gssize n = getrandom (buf + done, len - done, 0);
      if (n > 0)
        done += n;
    }
}

static char *
hex_encode (const guint8 *buf,
            gsize         len)
{
  GString *out = g_string_sized_new (len * 2);

  for (gsize i = 0; i < len; i++)
    g_string_append_printf (out, "%02x", buf[i]);

  return g_string_free (out, FALSE);
}

char *
xa_mac_normalize (const char  *text,
                  GError     **error)
{
  g_autofree char *stripped = g_strstrip (g_strdup (text ? text : ""));
  guint8 bytes[6];
  guint n = 0;
  const char *p = stripped;

  while (*p != '\0' && n < 6)
    {
      if (!g_ascii_isxdigit (p[0]) || !g_ascii_isxdigit (p[1]))
        break;
      bytes[n++] = g_ascii_xdigit_value (p[0]) << 4 | g_ascii_xdigit_value (p[1]);
      p += 2;
      /* Accept aa:bb:…, aa-bb-… and aabbcc…, but one separator style only. */
      if (n < 6 && (*p == ':' || *p == '-'))
        p++;
    }

  if (n != 6 || *p != '\0')
    {
      g_set_error (error, XA_IDENTITY_ERROR, XA_IDENTITY_ERROR_INVALID_MAC,
                   /* Translators: %s is what the user typed as a Device-Id */
                   _("“%s” is not a MAC address. A Device-Id looks like aa:bb:cc:dd:ee:ff."),
                   stripped);
      return NULL;
    }

  return g_strdup_printf ("%02x:%02x:%02x:%02x:%02x:%02x",
                          bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5]);
}

char *
xa_mac_new_random (void)
{
  guint8 b[6];

  fill_random (b, sizeof b);
  /* Locally administered unicast, with the "x2" first byte the protocol notes. */
  b[0] = (b[0] & 0xf0) | 0x02;

  return g_strdup_printf ("%02x:%02x:%02x:%02x:%02x:%02x",
                          b[0], b[1], b[2], b[3], b[4], b[5]);
}

void
xa_host_interface_free (XaHostInterface *iface)
{
  if (iface == NULL)
    return;
  g_free (iface->interface);
  g_free (iface->mac);
  g_free (iface);
}

static int
compare_interfaces (gconstpointer a,
                    gconstpointer b)
{
  const XaHostInterface *ia = *(XaHostInterface * const *) a;
  const XaHostInterface *ib = *(XaHostInterface * const *) b;

  return g_strcmp0 (ia->interface, ib->interface);
}

/* sysfs_net_dir is normally /sys/class/net; tests pass their own tree.
 * sysfs is in memory, so reading it does not block on a disk. */
GPtrArray *
xa_mac_list_host (const char *sysfs_net_dir)
{
  GPtrArray *list = g_ptr_array_new_with_free_func ((GDestroyNotify) xa_host_interface_free);
  g_autoptr(GDir) dir = NULL;
  const char *name;

  dir = g_dir_open (sysfs_net_dir ? sysfs_net_dir : "/sys/class/net", 0, NULL);
  if (dir == NULL)
    return list;

  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = NULL;
      g_autofree char *contents = NULL;
      g_autofree char *mac = NULL;
      XaHostInterface *iface;

      path = g_build_filename (sysfs_net_dir ? sysfs_net_dir : "/sys/class/net",
                               name, "address", NULL);
      if (!g_file_get_contents (path, &contents, NULL, NULL))
        continue;
      g_strstrip (contents);
      mac = xa_mac_normalize (contents, NULL);
      if (mac == NULL || g_str_equal (mac, "00:00:00:00:00:00"))
        continue;

      iface = g_new0 (XaHostInterface, 1);
      iface->interface = g_strdup (name);
      iface->mac = g_steal_pointer (&mac);
      g_ptr_array_add (list, iface);
    }

  g_ptr_array_sort (list, compare_interfaces);
  return list;
}

char *
xa_client_id_new (void)
{
  return g_uuid_string_random ();
}

char *
xa_client_id_normalize (const char  *text,
                        GError     **error)
{
  g_autofree char *lower = NULL;

  if (text == NULL || !g_uuid_string_is_valid (text))
    {
      g_set_error (error, XA_IDENTITY_ERROR, XA_IDENTITY_ERROR_INVALID_CLIENT_ID,
                   /* Translators: %s is what the user typed as a Client-Id */
                   _("“%s” is not a Client-Id. A Client-Id is a UUID such as 0f8e6c2a-5d1b-4c3e-9a7f-2b4d6e8f0a1c."),
                   text ? text : "");
      return NULL;
    }

  lower = g_ascii_strdown (text, -1);
  return g_steal_pointer (&lower);
}

char *
xa_serial_number_for_mac (const char *mac)
{
  g_autofree char *bare = NULL;
  g_autofree char *md5 = NULL;
  g_autofree char *head = NULL;
  char **parts;

  parts = g_strsplit (mac, ":", -1);
  bare = g_strjoinv ("", parts);
  g_strfreev (parts);

  md5 = g_compute_checksum_for_string (G_CHECKSUM_MD5, bare, -1);
  head = g_ascii_strup (md5, 8);

  return g_strdup_printf ("SN-%s-%s", head, bare);
}

char *
xa_hmac_key_new (void)
{
  guint8 key[32];

  fill_random (key, sizeof key);
  return hex_encode (key, sizeof key);
}

char *
xa_hmac_sign (const char *hmac_key,
              const char *challenge)
{
  /* The key's ASCII text is the HMAC key, as py-xiaozhi and the servers use it. */
  return g_compute_hmac_for_string (G_CHECKSUM_SHA256,
                                    (const guchar *) hmac_key, strlen (hmac_key),
                                    challenge, -1);
}

XaIdentity *
xa_identity_new (const char  *device_id,
                 const char  *client_id,
                 const char  *hmac_key,
                 GError     **error)
{
  g_autoptr(XaIdentity) self = g_new0 (XaIdentity, 1);

  self->device_id = device_id ? xa_mac_normalize (device_id, error) : xa_mac_new_random ();
  if (self->device_id == NULL)
    return NULL;

  self->client_id = client_id ? xa_client_id_normalize (client_id, error) : xa_client_id_new ();
  if (self->client_id == NULL)
    return NULL;

  self->serial_number = xa_serial_number_for_mac (self->device_id);
  self->hmac_key = hmac_key ? g_strdup (hmac_key) : xa_hmac_key_new ();

  return g_steal_pointer (&self);
}

/* What a header may carry: printable ASCII, no spaces, bounded. */
static gboolean
header_safe (const char *text)
{
  gsize n = text ? strlen (text) : 0;

  if (n == 0 || n > 128)
    return FALSE;
  for (const guchar *p = (const guchar *) text; *p; p++)
    if (*p <= 0x20 || *p >= 0x7f)
      return FALSE;
  return TRUE;
}

/* An identity that comes from elsewhere (pasted, imported, typed for an
 * existing device): kept byte for byte, since servers match the exact
 * strings and self-hosted tokens are signed over them. Only what no header
 * can carry is refused; xa_identity_warnings() says what looks unusual. */
XaIdentity *
xa_identity_new_exact (const char  *device_id,
                       const char  *client_id,
                       const char  *hmac_key,
                       GError     **error)
{
  g_autoptr(XaIdentity) self = NULL;

  if (!header_safe (device_id))
    {
      g_set_error (error, XA_IDENTITY_ERROR, XA_IDENTITY_ERROR_INVALID_MAC,
                   _("A Device-Id is printable text without spaces, such as aa:bb:cc:dd:ee:ff."));
      return NULL;
    }
  if (!header_safe (client_id))
    {
      g_set_error (error, XA_IDENTITY_ERROR, XA_IDENTITY_ERROR_INVALID_CLIENT_ID,
                   _("A Client-Id is printable text without spaces, usually a UUID."));
      return NULL;
    }

  self = g_new0 (XaIdentity, 1);
  self->device_id = g_strdup (device_id);
  self->client_id = g_strdup (client_id);
  self->serial_number = xa_serial_number_for_mac (device_id);
  self->hmac_key = hmac_key ? g_strdup (hmac_key) : xa_hmac_key_new ();
  return g_steal_pointer (&self);
}

/* Warnings (translated, one a line) about a form other clients may not
 * expect, or NULL: never a reason to change the identity. */
char *
xa_identity_warnings (const XaIdentity *self)
{
  g_autofree char *mac = xa_mac_normalize (self->device_id, NULL);
  g_autoptr(GString) out = g_string_new (NULL);

  if (mac == NULL || !g_str_equal (mac, self->device_id))
    g_string_append_printf (out, _("The Device-Id “%s” is not a lowercase MAC address; it is kept exactly as given, "
                                   "since servers match it letter for letter."),
                            self->device_id);
  if (!g_uuid_string_is_valid (self->client_id))
    g_string_append_printf (out, "%s%s", out->len ? "\n" : "",
                            _("The Client-Id is not a UUID; it is kept exactly as given."));
  return out->len ? g_string_free (g_steal_pointer (&out), FALSE) : NULL;
}

XaIdentity *
xa_identity_copy (const XaIdentity *self)
{
  XaIdentity *copy = g_new0 (XaIdentity, 1);

  copy->device_id = g_strdup (self->device_id);
  copy->client_id = g_strdup (self->client_id);
  copy->serial_number = g_strdup (self->serial_number);
  copy->hmac_key = g_strdup (self->hmac_key);
  copy->board_type = g_strdup (self->board_type);
  copy->app_version = g_strdup (self->app_version);
  copy->no_proxy = self->no_proxy;

  return copy;
}

void
xa_identity_free (XaIdentity *self)
{
  if (self == NULL)
    return;

  g_free (self->device_id);
  g_free (self->client_id);
  g_free (self->serial_number);
  xa_secret_free (self->hmac_key);
  g_free (self->board_type);
  g_free (self->app_version);
  g_free (self);
}

/* Every copy of a secret we own ends here: wiped, then freed. The
 * volatile pointer keeps the compiler from dropping the wipe of memory it
 * knows is about to be freed. */
void
xa_secret_free (char *secret)
{
  volatile char *p = secret;

  if (secret == NULL)
    return;
  while (*p != '\0')
    *p++ = '\0';
  g_free (secret);
}

void
xa_secret_replace (char       **secret,
                   const char  *value)
{
  char *old = *secret;

  *secret = g_strdup (value);
  xa_secret_free (old);
}
