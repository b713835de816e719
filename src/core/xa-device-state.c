/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "xa-device-state.h"
#include "xa-device.h"
#include "xa-report.h"

/* The order in which things are said, first true first:
 *  1. a token the keyring did not keep (nothing else holds until it is saved);
 *  2. a dated token about to expire, unless the last Test says worse;
 *  3. the last Test on the device's own road (the MQTT road, when the
 *     server also offered it, is a line of its own and turns a good
 *     headline into a warning when it failed);
 *  4. what the activation left: MQTT only, no code asked for, activated,
 *     not activated. */

static char *
expiry_title (gint64 days)
{
  /* Counted from the default lifetime: the server may set another. */
  if (days < 0)
    return g_strdup (_("Token may have expired"));
  if (days == 0)
    return g_strdup (_("Token may expire today"));
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Token may expire in %d day",
                                       "Token may expire in %d days", days),
                          (int) days);
}

static char *
expiry_advice (const char *last_title)
{
  if (last_title == NULL)
    return g_strdup (_("Counted from the token’s date and the default lifetime (server.auth.expire_seconds, 30 days). "
                       "Refresh the token to get a new one."));
  /* Translators: %s is a verdict such as “Token is valid” */
  return g_strdup_printf (_("Counted from the token’s date and the default lifetime (server.auth.expire_seconds, 30 days). "
                            "Refresh the token to get a new one. The last Test said: %s."),
                          last_title);
}

/* The MQTT Test of a WebSocket device the server also offered MQTT. */
static void
describe_other_road (XaDeviceState *self,
                     XaDevice      *device)
{
  XaVerdict mqtt;

  if (!xa_device_also_offers_mqtt (device) || !xa_verdict_from_id (xa_device_get_last_mqtt_verdict (device), &mqtt))
    return;
  /* Translators: %s is a verdict such as “MQTT credentials work” */
  self->other_road = g_strdup_printf (_("Over MQTT, as boards talk: %s"), xa_verdict_get_title_over (mqtt, "mqtt"));
  self->other_road_severity = xa_verdict_get_severity (mqtt);
}

static void
set (XaDeviceState *self,
     const char    *title,
     const char    *advice,
     const char    *severity,
     const char    *icon_name)
{
  self->title = g_strdup (title);
  self->advice = g_strdup (advice);
  self->severity = severity;
  self->icon_name = icon_name;
}

/* @now: unix seconds, for how long a dated token has left. */
XaDeviceState *
xa_device_state_new (XaDevice *device,
                     gint64    now)
{
  XaDeviceState *self = g_new0 (XaDeviceState, 1);
  g_autoptr(XaReport) last = NULL;
  const char *last_title = NULL;
  XaVerdict verdict;
  gboolean tested;
  gint64 days;

  g_return_val_if_fail (XA_IS_DEVICE (device), self);

  describe_other_road (self, device);
  if ((tested = xa_verdict_from_id (xa_device_get_last_verdict (device), &verdict)))
    {
      last = xa_device_dup_last_report (device);
      last_title = last ? xa_report_get_title (last) : xa_verdict_get_title_over (verdict, xa_device_get_transport (device));
    }

  if (xa_device_get_token_unsaved (device))
    set (self, _("Token not saved"),
         _("The keyring did not keep this device’s token. Try again once the keyring works; "
           "if the app was closed since, refresh the token to fetch it again."),
         "warn", "dialog-warning-symbolic");
  else if (xa_device_get_token_days_left (device, now, &days) && days < XA_DEVICE_EXPIRY_WARNING_DAYS &&
           !(tested && g_str_equal (xa_verdict_get_severity (verdict), "bad")))
    {
      self->title = expiry_title (days);
      self->advice = expiry_advice (last_title);
      self->severity = days < 0 ? "bad" : "warn";
      self->icon_name = days < 0 ? "dialog-error-symbolic" : "dialog-warning-symbolic";
    }
  else if (tested)
    {
      set (self, last_title, last ? last->advice : xa_device_get_last_message (device),
           xa_verdict_get_severity (verdict), xa_verdict_get_icon_name (verdict));
      if (last != NULL && verdict == XA_VERDICT_NOT_ACTIVATED && last->activation_code != NULL)
        self->prompt_code = g_strdup (last->activation_code);
      /* One road works, the other does not: not all is well. */
      if (g_str_equal (self->severity, "valid") && self->other_road_severity != NULL &&
          !g_str_equal (self->other_road_severity, "valid"))
        self->severity = "warn", self->icon_name = "dialog-warning-symbolic";
    }
  else if (g_strcmp0 (xa_device_get_transport (device), "mqtt") == 0)
    set (self, _("Talks MQTT"), _("Run a Test to check its MQTT login with the broker."),
         NULL, "emblem-default-symbolic");
  else if (g_strcmp0 (xa_device_get_outcome (device), "no-code-issued") == 0)
    set (self, _("No code was issued"),
         _("The server asked for no activation code. Run a Test to see whether it accepts the device."),
         NULL, "emblem-default-symbolic");
  else if (xa_device_is_activated (device))
    set (self, _("Not tested yet"), _("Run a Test to check the token with the server."),
         NULL, "emblem-default-symbolic");
  else
    set (self, _("Not activated yet"),
         _("Activate the device to get an activation code, enter it in the control panel, "
           "and the token comes by itself."),
         NULL, "content-loading-symbolic");
  /* “Why?” when the answer is not the one hoped for. */
  self->wants_diagnosis = tested ? verdict != XA_VERDICT_VALID : !xa_device_is_activated (device);
  /* A device the server forgot shows its code again: it is activated
   * again from its page, as a new one is. */
  self->wants_activation = !xa_device_is_activated (device) || (tested && verdict == XA_VERDICT_NOT_ACTIVATED);
  return self;
}

void
xa_device_state_free (XaDeviceState *self)
{
  if (self == NULL)
    return;
  g_free (self->title);
  g_free (self->advice);
  g_free (self->other_road);
  g_free (self->prompt_code);
  g_free (self);
}
