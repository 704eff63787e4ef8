import type { Session } from './session';

/** An application/problem+json answer (RFC 9457), or a network failure. */
export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail?: string,
  ) {
    super(detail ? `${title}: ${detail}` : title);
  }
}

/**
 * Calls the public /v1 API with the agent's token: the console can do nothing the API would
 * refuse to the same token.
 */
export class Api {
  constructor(private readonly session: Session) {}

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
  stream(path: string, signal: AbortSignal): Promise<Response> {
    return fetch(path, { headers: this.headers(), signal });
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
    const parsed = text ? (JSON.parse(text) as unknown) : undefined;
    if (!response.ok) {
      const problem = (parsed ?? {}) as { title?: string; detail?: string };
      throw new ApiProblem(response.status, problem.title ?? `HTTP ${response.status}`, problem.detail);
    }
    return parsed as T;
  }
}

/** A path with each dynamic segment encoded. */
export function path(strings: TemplateStringsArray, ...values: string[]): string {
  return strings.reduce(
    (built, part, index) => built + part + (index < values.length ? encodeURIComponent(values[index]) : ''),
    '',
  );
}
