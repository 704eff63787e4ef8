import { TwilioCredentials, WhatsappCredentials } from '@switchboard/contracts';

/** The tenant's WhatsApp Cloud API (Meta app) credentials: its app secret and verify token. */
export class WhatsappCredentialsRequest extends WhatsappCredentials {}

/** The tenant's Twilio account auth token. */
export class TwilioCredentialsRequest extends TwilioCredentials {}
