import type { IncomingHttpHeaders } from 'node:http';

/**
 * What checking a webhook's signature found (ours, Meta's or Twilio's); only `valid` lets the
 * call through. `expired` is for a signature that carries its time (ours).
 */
export type SignatureCheck = 'valid' | 'missing' | 'malformed' | 'mismatch' | 'expired';

/** A signature header as the request carries it: typed as possibly repeated. */
export type SignatureHeader = IncomingHttpHeaders[string];
