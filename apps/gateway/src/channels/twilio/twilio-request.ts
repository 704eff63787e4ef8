import type { RequestWithRawBody } from '../../problems/json-body-parser';

/** The body type Twilio posts its webhooks in. */
export const TWILIO_FORM_TYPE = 'application/x-www-form-urlencoded';

const paramsOfRequest = new WeakMap<RequestWithRawBody, URLSearchParams>();

/**
 * The POST parameters as sent, in order, repeated names included (what Twilio signed): read
 * from the raw body once per request, for the guard and the controller alike.
 */
export function twilioParamsOf(request: RequestWithRawBody): URLSearchParams {
  let params = paramsOfRequest.get(request);
  if (!params) {
    params = new URLSearchParams((request.rawBody ?? Buffer.alloc(0)).toString('utf8'));
    paramsOfRequest.set(request, params);
  }
  return params;
}

/**
 * The URL Twilio called: `PUBLIC_BASE_URL` and the path as received (behind a proxy the host
 * and protocol seen here are not the ones Twilio signed), else the request's own.
 */
export function calledUrl(request: RequestWithRawBody, publicBaseUrl: string | undefined): string {
  const base = publicBaseUrl
    ? publicBaseUrl.replace(/\/+$/, '')
    : `${request.protocol}://${request.get('host') ?? ''}`;
  return `${base}${request.originalUrl}`;
}
