import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { identityKey, type Identity } from '@switchboard/contracts';
import { IdentityClaim } from './identity-claim.schema';
import { isDuplicateKeyError } from '../store/duplicate-key';
import { findExactly } from '../store/exact-reads';

/** Which contact owns each identity, per tenant. */
@Injectable()
export class IdentityClaimsRepository {
  constructor(@InjectModel(IdentityClaim.name) private readonly claims: Model<IdentityClaim>) {}

  /** The owner of each identity that has one, by identity key. */
  owners(tenantId: string, identities: Identity[]): Promise<Map<string, string>> {
    return this.ownersByKey(
      identities.map(({ channel, address }) => identityKey(tenantId, channel, address)),
    );
  }

  /** The owner of each identity key (`tenantId|channel|address`) that has one (exact reads). */
  async ownersByKey(keys: readonly string[]): Promise<Map<string, string>> {
    const claims = await findExactly(this.claims, keys);
    return new Map([...claims.values()].map((claim) => [claim._id, claim.contactId]));
  }

  /** Claims an identity for a contact; returns the owner after the attempt (maybe someone else). */
  async claim(tenantId: string, identity: Identity, contactId: string): Promise<string> {
    const key = identityKey(tenantId, identity.channel, identity.address);
    try {
      await this.claims.create({ _id: key, tenantId, contactId });
      return contactId;
    } catch (error) {
      if (!isDuplicateKeyError(error)) {
        throw error;
      }
      const claim = await this.claims.findById(key).lean<IdentityClaim>().exec();
      return claim?.contactId ?? contactId;
    }
  }
}
