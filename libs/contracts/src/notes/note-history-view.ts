import { IsBoolean, IsIn, IsInt, IsISO8601, IsOptional, IsString, Min } from 'class-validator';

/** Revisions of a note's history kept; older ones are dropped (`dropped` counts them). */
export const NOTE_REVISIONS_KEPT = 100;

export const NoteRevisionKinds = ['created', 'edited', 'deleted', 'pinned', 'unpinned'] as const;
export type NoteRevisionKind = (typeof NoteRevisionKinds)[number];

/** One change of a note: who made it, when, by which command, and the note after it. */
export class NoteRevisionView {
  /** 1 for the note's creation, then one more per change. */
  @IsInt()
  @Min(1)
  revision: number;

  @IsIn(NoteRevisionKinds)
  kind: NoteRevisionKind;

  /** The body at this revision (for a deletion, the body deleted). */
  @IsString()
  body: string;

  /** On an edit: the body it replaced (when that revision is still kept). */
  @IsOptional()
  @IsString()
  previousBody?: string;

  /** Whether the note was pinned at this revision. */
  @IsBoolean()
  pinned: boolean;

  /** The actor id of who made the change. */
  @IsString()
  editedBy: string;

  @IsISO8601()
  editedAt: string;

  /** The command that made it; absent on a revision recorded for a note older than history. */
  @IsOptional()
  @IsString()
  commandId?: string;
}

/** A note's history, oldest first. */
export class NoteHistoryView {
  @IsString()
  noteId: string;

  @IsString()
  contactId: string;

  /** Whether the note is deleted (its history stays readable). */
  @IsBoolean()
  deleted: boolean;

  /** Oldest revisions dropped to keep the newest 100. */
  @IsInt()
  @Min(0)
  dropped: number;

  items: NoteRevisionView[];
}
