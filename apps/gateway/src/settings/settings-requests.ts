import { SetBlockPolicyPayload } from '@switchboard/contracts';

/** Who may block and unblock (`admins`, or `agents` too), and whether a reason is required. */
export class BlockPolicyRequest extends SetBlockPolicyPayload {}
