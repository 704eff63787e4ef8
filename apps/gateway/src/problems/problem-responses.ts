import { applyDecorators } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import { problemTypes } from './problem-types';

const problemSchema = {
  type: 'object',
  required: ['type', 'title', 'status', 'detail', 'code'],
  properties: {
    type: { type: 'string', format: 'uri' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    instance: { type: 'string' },
    code: { type: 'string', enum: Object.keys(problemTypes) },
    errors: {
      type: 'array',
      items: {
        type: 'object',
        properties: { field: { type: 'string' }, messages: { type: 'array', items: { type: 'string' } } },
      },
    },
  },
};

/** Every client error status the API answers, each an RFC 9457 problem document. */
export function ProblemResponses() {
  const statuses = [...new Set(Object.values(problemTypes).map(({ status }) => status))].filter(
    (status) => status !== 500,
  );
  return applyDecorators(
    ...statuses.map((status) =>
      ApiResponse({
        status,
        description: Object.values(problemTypes)
          .filter((type) => type.status === status)
          .map((type) => type.title)
          .join('; '),
        content: { 'application/problem+json': { schema: problemSchema } },
      }),
    ),
  );
}
