import { ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsInt,
  IsString,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
  registerDecorator,
  type ValidationArguments,
} from 'class-validator';
import {
  ATTRIBUTE_KEY_PATTERN,
  ATTRIBUTE_KEY_RULE,
  ATTRIBUTE_STRING_MAX_LENGTH,
  isAttributeKey,
} from '../contact-fields';
import { IsAbsentOr, IsTagName } from '../tags/tag-name';

/** Levels one segment expression may nest (a lone condition is one level). */
export const SEGMENT_EXPRESSION_DEPTH_MAX = 5;
/** Nodes one segment expression may have, counting every `and`, `or`, `not` and condition. */
export const SEGMENT_EXPRESSION_NODES_MAX = 50;
/** The longest activity window, in days (about ten years). */
export const SEGMENT_ACTIVITY_DAYS_MAX = 3_650;

/** What a node of a segment expression is: exactly one of these keys says it. */
export const SEGMENT_NODE_KINDS = [
  'and',
  'or',
  'not',
  'tag',
  'blocked',
  'attribute',
  'lastMessageAt',
] as const;
/** The tests of an attribute condition: exactly one of them goes with `attribute`. */
export const SEGMENT_ATTRIBUTE_TESTS = ['eq', 'exists', 'contains', 'gt', 'gte', 'lt', 'lte'] as const;
export const SEGMENT_ACTIVITY_TESTS = ['withinDays', 'olderThanDays', 'exists'] as const;

/**
 * An ISO-8601 date (`2027-03-01`, midnight UTC) or date-time with seconds optional, a fraction
 * optional and a `Z` or `±hh:mm` offset (never a local time: its instant would be ambiguous).
 */
export const SEGMENT_DATE_PATTERN =
  /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])(T([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,9})?)?(Z|[+-]([01]\d|2[0-3]):[0-5]\d))?$/;

const isAttributeValue = (value: unknown) =>
  typeof value === 'boolean' ||
  (typeof value === 'number' && Number.isFinite(value)) ||
  (typeof value === 'string' && value.length <= ATTRIBUTE_STRING_MAX_LENGTH);

const isComparable = (value: unknown) =>
  (typeof value === 'number' && Number.isFinite(value)) ||
  (typeof value === 'string' && SEGMENT_DATE_PATTERN.test(value) && Number.isFinite(Date.parse(value)));

function IsValue(name: string, accepts: (value: unknown) => boolean, expected: string) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name,
      target: target.constructor,
      propertyName,
      validator: {
        validate: (value: unknown) => accepts(value),
        defaultMessage: () => `${propertyName} must be ${expected}`,
      },
    });
}

/** The JSON Schema of a comparison operand (OpenAPI and AsyncAPI alike). */
export const SEGMENT_COMPARISON_SCHEMA = {
  oneOf: [
    { type: 'number' },
    { type: 'string', pattern: SEGMENT_DATE_PATTERN.source, description: 'an ISO-8601 date or date-time' },
  ],
  description:
    'a number compares with numeric attributes; an ISO-8601 date or date-time compares as an instant with attributes written `YYYY-MM-DD`, `YYYY-MM-DDThh:mm:ssZ` or `YYYY-MM-DDThh:mm:ss.sssZ`',
};

/** The JSON Schema of an equality operand. */
export const SEGMENT_EQUALS_SCHEMA = {
  oneOf: [
    { type: 'string', maxLength: ATTRIBUTE_STRING_MAX_LENGTH },
    { type: 'number' },
    { type: 'boolean' },
  ],
  description: 'the attribute equals this value (strings case-sensitively)',
};

/** What the expression validator checks beyond each node's fields. */
export const SEGMENT_EXPRESSION_DESCRIPTION = `exactly one of ${SEGMENT_NODE_KINDS.join(', ')} per node; exactly one test per attribute condition; at most ${SEGMENT_EXPRESSION_DEPTH_MAX} levels and ${SEGMENT_EXPRESSION_NODES_MAX} nodes`;

function Comparison() {
  return (target: object, propertyName: string) => {
    ApiPropertyOptional(SEGMENT_COMPARISON_SCHEMA)(target, propertyName);
    IsAbsentOr()(target, propertyName);
    IsValue(
      'isSegmentComparison',
      isComparable,
      'a finite number or an ISO-8601 date or date-time with a Z or ±hh:mm offset',
    )(target, propertyName);
  };
}

/**
 * Message activity: the contact's last message (accepted or blocked) arrived within the last
 * `withinDays` days, or it has messages but none for `olderThanDays` days, or (`exists`) it
 * has ever / never sent one. A contact that never sent a message is neither within nor older.
 */
@ApiSchema({
  description:
    'Exactly one of: `withinDays` (last message at most that many 24-hour days ago), `olderThanDays` (has messages, the last one longer ago), `exists` (has ever sent a message, or never has). A contact that never sent a message is neither within nor older.',
})
export class SegmentActivityTest {
  @IsAbsentOr()
  @IsInt()
  @Min(1)
  @Max(SEGMENT_ACTIVITY_DAYS_MAX)
  withinDays?: number;

  @IsAbsentOr()
  @IsInt()
  @Min(1)
  @Max(SEGMENT_ACTIVITY_DAYS_MAX)
  olderThanDays?: number;

  @IsAbsentOr()
  @IsBoolean()
  exists?: boolean;
}

/**
 * One node of a segment expression: exactly one of `and` (every child holds), `or` (at least
 * one does), `not` (its child does not), `tag` (the contact carries the tag; names match the
 * catalog case-insensitively), `blocked` (the block state), `attribute` with exactly one test
 * (`eq`, `exists`, `contains`: case-insensitive substring of a string, `gt`/`gte`/`lt`/`lte`:
 * numbers, or dates compared as instants), or `lastMessageAt` (message activity).
 */
@ApiSchema({
  description: `One node of a segment expression: ${SEGMENT_EXPRESSION_DESCRIPTION}. \`and\`: every child holds; \`or\`: at least one does; \`not\`: its child does not; \`tag\`: the contact carries the tag; \`blocked\`: the block state; \`attribute\` with a test; \`lastMessageAt\`: message activity.`,
})
export class SegmentCondition {
  @ApiPropertyOptional({
    type: () => [SegmentCondition],
    minItems: 1,
    maxItems: SEGMENT_EXPRESSION_NODES_MAX,
    description: 'every child holds',
  })
  @IsAbsentOr()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(SEGMENT_EXPRESSION_NODES_MAX)
  @ValidateNested({ each: true })
  @Type(() => SegmentCondition)
  and?: SegmentCondition[];

  @ApiPropertyOptional({
    type: () => [SegmentCondition],
    minItems: 1,
    maxItems: SEGMENT_EXPRESSION_NODES_MAX,
    description: 'at least one child holds',
  })
  @IsAbsentOr()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(SEGMENT_EXPRESSION_NODES_MAX)
  @ValidateNested({ each: true })
  @Type(() => SegmentCondition)
  or?: SegmentCondition[];

  @ApiPropertyOptional({ type: () => SegmentCondition, description: 'the child does not hold' })
  @IsAbsentOr()
  @ValidateNested()
  @Type(() => SegmentCondition)
  not?: SegmentCondition;

  @IsTagName({ optional: true })
  tag?: string;

  @IsAbsentOr()
  @IsBoolean()
  blocked?: boolean;

  @ApiPropertyOptional({
    pattern: ATTRIBUTE_KEY_PATTERN.source,
    description: `the attribute a test (\`eq\`, \`exists\`, \`contains\`, \`gt\`, \`gte\`, \`lt\` or \`lte\`) applies to; a name ${ATTRIBUTE_KEY_RULE}`,
  })
  @IsAbsentOr()
  @IsValue('isAttributeName', isAttributeKey, `a name ${ATTRIBUTE_KEY_RULE}`)
  attribute?: string;

  @ApiPropertyOptional(SEGMENT_EQUALS_SCHEMA)
  @IsAbsentOr()
  @IsValue('isSegmentAttributeValue', isAttributeValue, 'a string, a finite number or a boolean')
  eq?: string | number | boolean;

  /** The attribute is set (true) or not (false). */
  @IsAbsentOr()
  @IsBoolean()
  exists?: boolean;

  /** The attribute is a string that contains this text, regardless of case. */
  @IsAbsentOr()
  @IsString()
  @MinLength(1)
  @MaxLength(ATTRIBUTE_STRING_MAX_LENGTH)
  contains?: string;

  @Comparison()
  gt?: number | string;

  @Comparison()
  gte?: number | string;

  @Comparison()
  lt?: number | string;

  @Comparison()
  lte?: number | string;

  @IsAbsentOr()
  @ValidateNested()
  @Type(() => SegmentActivityTest)
  lastMessageAt?: SegmentActivityTest;
}

/** Why a node of an expression is malformed (`at` is its path), or undefined when none is. */
export function segmentExpressionProblem(root: unknown, rootPath = 'match'): string | undefined {
  let nodes = 0;
  const problemAt = (node: unknown, path: string, depth: number): string | undefined => {
    if (typeof node !== 'object' || node === null || Array.isArray(node)) {
      return undefined; // reported by the node's own validation
    }
    nodes++;
    if (depth > SEGMENT_EXPRESSION_DEPTH_MAX) {
      return `${path}: expressions nest at most ${SEGMENT_EXPRESSION_DEPTH_MAX} levels`;
    }
    if (nodes > SEGMENT_EXPRESSION_NODES_MAX) {
      return `${rootPath}: an expression has at most ${SEGMENT_EXPRESSION_NODES_MAX} nodes`;
    }
    const fields = node as Record<string, unknown>;
    const given = (keys: readonly string[]) => keys.filter((key) => fields[key] !== undefined);
    const kinds = given(SEGMENT_NODE_KINDS);
    if (kinds.length !== 1) {
      return `${path}: give exactly one of ${SEGMENT_NODE_KINDS.join(', ')}`;
    }
    const tests = given(SEGMENT_ATTRIBUTE_TESTS);
    if (kinds[0] === 'attribute' && tests.length !== 1) {
      return `${path}: give exactly one of ${SEGMENT_ATTRIBUTE_TESTS.join(', ')} with attribute`;
    }
    if (kinds[0] !== 'attribute' && tests.length > 0) {
      return `${path}: ${tests.join(', ')} go with attribute`;
    }
    const activity = fields.lastMessageAt;
    if (kinds[0] === 'lastMessageAt' && typeof activity === 'object' && activity !== null) {
      const activityTests = SEGMENT_ACTIVITY_TESTS.filter(
        (key) => (activity as Record<string, unknown>)[key] !== undefined,
      );
      if (activityTests.length !== 1) {
        return `${path}.lastMessageAt: give exactly one of ${SEGMENT_ACTIVITY_TESTS.join(', ')}`;
      }
    }
    const children =
      kinds[0] === 'not'
        ? [[fields.not, `${path}.not`] as const]
        : kinds[0] === 'and' || kinds[0] === 'or'
          ? (Array.isArray(fields[kinds[0]]) ? (fields[kinds[0]] as unknown[]) : []).map(
              (child, index) => [child, `${path}.${kinds[0]}.${index}`] as const,
            )
          : [];
    for (const [child, childPath] of children) {
      const problem = problemAt(child, childPath, depth + 1);
      if (problem) {
        return problem;
      }
    }
    return undefined;
  };
  return problemAt(root, rootPath, 1);
}

/**
 * A well-formed expression: one kind per node, one test per attribute condition, at most
 * SEGMENT_EXPRESSION_DEPTH_MAX levels and SEGMENT_EXPRESSION_NODES_MAX nodes.
 */
export function IsSegmentExpression() {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isSegmentExpression',
      target: target.constructor,
      propertyName,
      validator: {
        validate: (value: unknown, args: ValidationArguments) =>
          segmentExpressionProblem(value, args.property) === undefined,
        defaultMessage: (args: ValidationArguments) =>
          segmentExpressionProblem(args.value, args.property) ??
          `${args.property} is not a segment expression`,
      },
    });
}
