import { isUUID } from 'class-validator';
import {
  Actor,
  CommandTypes,
  CONTACT_ID_PATTERN,
  ContractViolationError,
  ErrorCodes,
  isTenantCommandType,
  JOB_ID_PATTERN,
  parseJson,
  SUBJECT_PATTERN,
  TENANT_ID_PATTERN,
  validateContract,
  type ErrorCode,
  type FieldError,
} from '@switchboard/contracts';
import { errorCode, PoisonRecordError } from '@switchboard/kafka';

/** Who a rejection names when the command's own actor is unreadable: the contacts service. */
export const CONTACTS_SERVICE_ACTOR: Actor = { id: 'contacts', kind: 'system', role: 'admin' };

/**
 * What a dead-lettered record still says about its command: enough to answer it (its tenant
 * and id), who sent it and what it is about when those are readable.
 */
export interface DeadLetteredCommand {
  commandId: string;
  tenantId: string;
  actor: Actor;
  /** Its type when it is a known one, for metrics. */
  type: string;
  contactId?: string;
  subject?: string;
  /** The job of a `contact.job-step`, when readable: the job waits for the step's outcome. */
  jobId?: string;
}

/** Why a dead-lettered command was not applied, as a rejection carries it. */
export interface DeadLetterRejection {
  code: ErrorCode;
  reason: string;
  fieldErrors?: FieldError[];
}

const REASON_MAX_LENGTH = 2_000;
const FIELD_ERRORS_MAX = 50;

/**
 * The command of a dead-lettered `contacts.commands` record, or undefined when it does not
 * even yield a tenant id and a command id (then nobody can be answered).
 */
export function deadLetteredCommand(value: Buffer | null): DeadLetteredCommand | undefined {
  let plain: unknown;
  try {
    plain = parseJson(value);
  } catch {
    return undefined;
  }
  if (typeof plain !== 'object' || plain === null || Array.isArray(plain)) {
    return undefined;
  }
  const { commandId, tenantId, actor, type, contactId, subject, payload } = plain as Record<string, unknown>;
  if (!isUUID(commandId) || typeof tenantId !== 'string' || !TENANT_ID_PATTERN.test(tenantId)) {
    return undefined;
  }
  const validContactId = typeof contactId === 'string' && CONTACT_ID_PATTERN.test(contactId);
  const validSubject = typeof subject === 'string' && SUBJECT_PATTERN.test(subject);
  // What it is about, as its type says it should be, else whichever of the two it names validly.
  const about =
    validSubject && (isTenantCommandType(type) || !validContactId)
      ? { subject: subject }
      : validContactId
        ? { contactId: contactId }
        : {};
  return {
    commandId: commandId as string,
    tenantId,
    actor: readableActor(actor),
    type: CommandTypes.includes(type as never) ? (type as string) : 'unknown',
    ...about,
    ...(type === 'contact.job-step' && { jobId: readableJobId(payload) }),
  };
}

/** The rejection that answers a command the consumer dead-lettered with `error`. */
export function deadLetterRejection(error: unknown): DeadLetterRejection {
  if (error instanceof ContractViolationError) {
    return {
      code: 'validation-failed',
      reason: truncated(error.message),
      ...(error.fieldErrors.length > 0 && { fieldErrors: error.fieldErrors.slice(0, FIELD_ERRORS_MAX) }),
    };
  }
  if (error instanceof PoisonRecordError && ErrorCodes.includes(error.code as ErrorCode)) {
    return { code: error.code as ErrorCode, reason: truncated(error.message) };
  }
  // The error's own message is for operators (it is in the DLQ record's headers), not for callers.
  return {
    code: 'command-failed',
    reason: `the command failed on every attempt (${errorCode(error)}) and was set aside unapplied`,
  };
}

function readableActor(actor: unknown): Actor {
  try {
    return validateContract(Actor, actor);
  } catch {
    return CONTACTS_SERVICE_ACTOR;
  }
}

function truncated(reason: string): string {
  return reason.length > REASON_MAX_LENGTH ? `${reason.slice(0, REASON_MAX_LENGTH - 1)}…` : reason;
}

function readableJobId(payload: unknown): string | undefined {
  const jobId = (payload as { jobId?: unknown } | null)?.jobId;
  return typeof jobId === 'string' && JOB_ID_PATTERN.test(jobId) ? jobId : undefined;
}
