import type { RequestHandler } from 'express';
import type { OpenAPIObject } from '@nestjs/swagger';
import { ApiError } from './api-error';

interface KnownPath {
  pattern: RegExp;
  methods: Set<string>;
}

/**
 * 405 with `Allow` for a method a documented path does not have (Express would answer 404, as
 * if the path did not exist). The paths and their methods come from the OpenAPI document.
 */
export function methodNotAllowed(document: OpenAPIObject): RequestHandler {
  const known: KnownPath[] = Object.entries(document.paths).map(([path, operations]) => {
    const methods = new Set(Object.keys(operations).map((method) => method.toUpperCase()));
    if (methods.has('GET')) {
      methods.add('HEAD');
    }
    const segments = path
      .split('/')
      .map((segment) =>
        /^\{.+\}$/.test(segment) ? '[^/]+' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
      );
    return { pattern: new RegExp(`^${segments.join('/')}/?$`), methods };
  });
  return (request, _response, next) => {
    const path = known.find(({ pattern }) => pattern.test(request.path));
    if (!path || path.methods.has(request.method) || request.method === 'OPTIONS') {
      next();
      return;
    }
    const allow = [...path.methods].join(', ');
    next(
      new ApiError('method-not-allowed', `${request.method} is not allowed here; use ${allow}`, undefined, {
        Allow: allow,
      }),
    );
  };
}
