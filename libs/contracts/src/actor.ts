import { IsIn, Matches } from 'class-validator';
import { ACTOR_ID_PATTERN } from './identifiers';

export const ActorKinds = ['agent', 'service', 'system'] as const;
export type ActorKind = (typeof ActorKinds)[number];

export const Roles = ['admin', 'agent', 'viewer'] as const;
export type Role = (typeof Roles)[number];

/** Who did something: an agent, another service, or the platform itself. */
export class Actor {
  @Matches(ACTOR_ID_PATTERN)
  id: string;

  @IsIn(ActorKinds)
  kind: ActorKind;

  @IsIn(Roles)
  role: Role;
}
