import {
  signTwilioWebhook,
  TWILIO_SIGNATURE_HEADER,
} from '../../apps/gateway/src/channels/twilio/twilio-signature';
import {
  signWhatsappWebhook,
  WHATSAPP_SIGNATURE_HEADER,
} from '../../apps/gateway/src/channels/whatsapp/whatsapp-signature';
import { signWebhook, SIGNATURE_HEADER } from '../../apps/gateway/src/inbound/webhook-signature';
import { http } from './http';

/** Posts a channel message to the gateway's webhook, signed with `secret`. */
export function postInbound(
  gatewayUrl: string,
  tenantId: string,
  secret: string,
  message: Record<string, unknown>,
  { timestampSeconds = Math.floor(Date.now() / 1000) } = {},
) {
  const raw = JSON.stringify(message);
  return http('POST', `${gatewayUrl}/v1/inbound/${tenantId}/messages`, {
    body: raw,
    headers: { [SIGNATURE_HEADER]: signWebhook(secret, timestampSeconds, raw) },
  });
}

/** Posts a WhatsApp Cloud API notification to a tenant's webhook, signed as Meta signs it. */
export function postWhatsappNotification(
  gatewayUrl: string,
  tenantId: string,
  appSecret: string,
  notification: unknown,
  { contentType = 'application/json' } = {},
) {
  const raw = JSON.stringify(notification);
  return http('POST', `${gatewayUrl}/v1/inbound/${tenantId}/whatsapp`, {
    body: raw,
    headers: {
      'content-type': contentType,
      [WHATSAPP_SIGNATURE_HEADER]: signWhatsappWebhook(appSecret, raw),
    },
  });
}

/**
 * Posts a Twilio messaging webhook to a tenant's URL, signed as Twilio signs it: over the URL
 * as `signedBaseUrl` spells it (the gateway's own address unless a public one is configured).
 */
export function postTwilioForm(
  gatewayUrl: string,
  tenantId: string,
  authToken: string,
  form: Record<string, string>,
  { signedBaseUrl = gatewayUrl, contentType = 'application/x-www-form-urlencoded' } = {},
) {
  const path = `/v1/inbound/${tenantId}/twilio`;
  return http('POST', `${gatewayUrl}${path}`, {
    body: new URLSearchParams(form).toString(),
    headers: {
      'content-type': contentType,
      [TWILIO_SIGNATURE_HEADER]: signTwilioWebhook(
        authToken,
        `${signedBaseUrl}${path}`,
        Object.entries(form),
      ),
    },
  });
}
