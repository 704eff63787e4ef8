import { IsBoolean, IsIn, IsISO8601, IsOptional, IsString } from 'class-validator';

export const BlockPermissions = ['admins', 'agents'] as const;
/** Who may block and unblock: admins only, or agents too (viewers never). */
export type BlockPermission = (typeof BlockPermissions)[number];

/** A tenant's rules for blocking and unblocking customers. */
export class BlockPolicy {
  /** `admins`: only admins may block and unblock; `agents`: agents too. */
  @IsIn(BlockPermissions)
  whoMayBlock: BlockPermission;

  /** Whether a block or unblock must say why (`reason`). */
  @IsBoolean()
  reasonRequired: boolean;
}

/** Today's behaviour, for a tenant that never set a policy: agents may block, a reason is optional. */
export const DEFAULT_BLOCK_POLICY: BlockPolicy = { whoMayBlock: 'agents', reasonRequired: false };

/** A tenant's block policy as the API returns it and events carry it. */
export class BlockPolicyView extends BlockPolicy {
  /** When the policy was last set; absent while the default applies. */
  @IsOptional()
  @IsISO8601()
  updatedAt?: string;

  /** Who last set it. */
  @IsOptional()
  @IsString()
  updatedBy?: string;
}
