import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { StoreModule } from '../store/store.module';
import { AcceptedCommand, AcceptedCommandSchema } from './accepted-command.schema';
import { AcceptedCommandsRepository } from './accepted-commands.repository';
import { CommandOutcome, CommandOutcomeSchema } from './command-outcome.schema';
import { CommandOutcomes } from './command-outcomes';
import { CommandOutcomesRepository } from './command-outcomes.repository';
import { CommandsController } from './commands.controller';

/** What became of each command: its outcome recorded and published, readable by its caller. */
@Module({
  imports: [
    MongooseModule.forFeature([
      { name: CommandOutcome.name, schema: CommandOutcomeSchema },
      { name: AcceptedCommand.name, schema: AcceptedCommandSchema },
    ]),
    StoreModule,
  ],
  controllers: [CommandsController],
  providers: [CommandOutcomesRepository, AcceptedCommandsRepository, CommandOutcomes],
  exports: [CommandOutcomesRepository, AcceptedCommandsRepository, CommandOutcomes],
})
export class CommandsModule {}
