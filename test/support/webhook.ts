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
