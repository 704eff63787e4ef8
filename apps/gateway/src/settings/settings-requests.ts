import { SetBlockPolicyPayload, SetPhoneNumberSettingsPayload } from '@switchboard/contracts';

/** Who may block and unblock (`admins`, or `agents` too), and whether a reason is required. */
export class BlockPolicyRequest extends SetBlockPolicyPayload {}

/** The country of phone numbers written without a country code, or `null` for none. */
export class PhoneNumberSettingsRequest extends SetPhoneNumberSettingsPayload {}
