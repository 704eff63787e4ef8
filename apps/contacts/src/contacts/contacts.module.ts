import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { StoreModule } from '../store/store.module';
import { Contact, ContactSchema } from './contact.schema';
import { ContactsRepository } from './contacts.repository';
import { IdentityClaim, IdentityClaimSchema } from './identity-claim.schema';
import { IdentityClaimsRepository } from './identity-claims.repository';

/** Contacts and the identities they claim; only the write engine changes them. */
@Module({
  imports: [
    MongooseModule.forFeature([
      { name: Contact.name, schema: ContactSchema },
      { name: IdentityClaim.name, schema: IdentityClaimSchema },
    ]),
    StoreModule,
  ],
  providers: [ContactsRepository, IdentityClaimsRepository],
  exports: [ContactsRepository, IdentityClaimsRepository],
})
export class ContactsModule {}
