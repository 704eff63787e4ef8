/**
 * Query parameters whose values are secrets (a webhook's verify token, a signature, a password)
 * by their name: logged as `[Redacted]`.
 */
const SECRET_PARAMETER = /token|secret|password|signature/i;
const REDACTED = '[Redacted]';

/** A URL (or a path with its query) as it may be logged or answered: secret query values replaced. */
export function redactUrlSecrets(url: string): string;
export function redactUrlSecrets(url: string | undefined): string | undefined;
export function redactUrlSecrets(url: string | undefined): string | undefined {
  const queryStart = url?.indexOf('?') ?? -1;
  if (url === undefined || queryStart < 0) {
    return url;
  }
  const query = url
    .slice(queryStart + 1)
    .split('&')
    .map((pair) => {
      const separator = pair.indexOf('=');
      const name = separator < 0 ? pair : pair.slice(0, separator);
      return separator >= 0 && SECRET_PARAMETER.test(safeDecode(name)) ? `${name}=${REDACTED}` : pair;
    })
    .join('&');
  return `${url.slice(0, queryStart)}?${query}`;
}

/** A parsed query as it may be logged: secret values replaced. */
export function redactQuerySecrets(query: unknown): unknown {
  if (typeof query !== 'object' || query === null) {
    return query;
  }
  return Object.fromEntries(
    Object.entries(query).map(([name, value]) => [name, SECRET_PARAMETER.test(name) ? REDACTED : value]),
  );
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text.replaceAll('+', ' '));
  } catch {
    return text;
  }
}
