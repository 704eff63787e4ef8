import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { CommandOutcome, CommandOutcomeSchema } from './command-outcome.schema';
import { CommandOutcomesPurger } from './command-outcomes.purger';
import { CommandOutcomesRepository } from './command-outcomes.repository';
import { Contact, ContactSchema } from './contact.schema';
import { ContactCommandsConsumer } from './contact-commands.consumer';
import { ContactCommandsService } from './contact-commands.service';
import { ContactsController } from './contacts.controller';
import { ContactsRepository } from './contacts.repository';
import { IdentityClaim, IdentityClaimSchema } from './identity-claim.schema';
import { IdentityClaimsRepository } from './identity-claims.repository';

@Module({
  imports: [
    MongooseModule.forFeature([
      { name: Contact.name, schema: ContactSchema },
      { name: IdentityClaim.name, schema: IdentityClaimSchema },
      { name: CommandOutcome.name, schema: CommandOutcomeSchema },
    ]),
  ],
  controllers: [ContactsController],
  providers: [
    ContactsRepository,
    IdentityClaimsRepository,
    CommandOutcomesRepository,
    ContactCommandsService,
    ContactCommandsConsumer,
    CommandOutcomesPurger,
  ],
})
export class ContactsModule {}
