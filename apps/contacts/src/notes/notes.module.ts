import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { Note, NoteSchema } from './note.schema';
import { NotesRepository } from './notes.repository';

/** Agents' notes on contacts, with their edit history. */
@Module({
  imports: [MongooseModule.forFeature([{ name: Note.name, schema: NoteSchema }])],
  providers: [NotesRepository],
  exports: [NotesRepository],
})
export class NotesModule {}
