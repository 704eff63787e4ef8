import type { Session } from './session';

/** An application/problem+json answer (RFC 9457), or a network failure. */
export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail?: string,
    /** The problem's stable `code` (`block-reason-required`, …), when the gateway sent one. */
    readonly code?: string,
  ) {
    super(detail ? `${title}: ${detail}` : title);
  }
}

/**
 * The problem a failed answer describes. A body that is not a JSON problem (a proxy's HTML
 * 502 page, an empty 504) still gives a problem, with the status and a generic message.
 */
export function problemOf(status: number, body: string): ApiProblem {
  let parsed: unknown;
  try {
    parsed = body ? JSON.parse(body) : undefined;
  } catch {
    parsed = undefined;
  }
  const problem = (parsed !== null && typeof parsed === 'object' ? parsed : {}) as Record<string, unknown>;
  const text = (value: unknown) => (typeof value === 'string' && value ? value : undefined);
  const title = text(problem.title);
  if (!title) {
    return new ApiProblem(
      status,
      `HTTP ${status}`,
      status >= 500
        ? 'The gateway or a proxy in front of it failed; try again in a moment.'
        : 'The gateway refused the request.',
      text(problem.code),
    );
  }
  return new ApiProblem(status, title, text(problem.detail), text(problem.code));
}

/**
 * Calls the public /v1 API with the agent's token: the console can do nothing the API would
 * refuse to the same token.
 */
export class Api {
  constructor(
    private readonly session: Session,
    /** The gateway answered 401: the token expired or is no longer accepted. */
    private readonly onUnauthenticated: () => void = () => undefined,
  ) {}

  get<T>(path: string): Promise<T> {
    return this.call<T>('GET', path);
  }

  post<T>(path: string, body: unknown = {}): Promise<T> {
    return this.call<T>('POST', path, body);
  }

  patch<T>(path: string, body: unknown): Promise<T> {
    return this.call<T>('PATCH', path, body);
  }

  delete<T>(path: string): Promise<T> {
    return this.call<T>('DELETE', path);
  }

  /** A streaming GET with the token in the `Authorization` header (see event-stream.ts). */
  async stream(path: string, signal: AbortSignal): Promise<Response> {
    const response = await fetch(path, { headers: this.headers(), signal });
    if (response.status === 401) {
      this.onUnauthenticated();
    }
    return response;
  }

  private headers(): Record<string, string> {
    return { authorization: `Bearer ${this.session.token}`, accept: 'application/json, text/event-stream' };
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    let response: Response;
    try {
      response = await fetch(path, {
        method,
        headers: { ...this.headers(), ...(body !== undefined && { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (error) {
      throw new ApiProblem(0, 'The gateway did not answer', (error as Error).message);
    }
    const text = await response.text();
    if (!response.ok) {
      if (response.status === 401) {
        this.onUnauthenticated();
      }
      throw problemOf(response.status, text);
    }
    try {
      return (text ? JSON.parse(text) : undefined) as T;
    } catch {
      throw new ApiProblem(response.status, 'The gateway sent an answer the console cannot read');
    }
  }
}

/** A path with each dynamic segment encoded. */
export function path(strings: TemplateStringsArray, ...values: string[]): string {
  return strings.reduce(
    (built, part, index) => built + part + (index < values.length ? encodeURIComponent(values[index]) : ''),
    '',
  );
}
