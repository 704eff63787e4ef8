import { useState } from 'preact/hooks';
import { sessionOf, type Session } from './session';

/** Local sign-in: paste a token minted with `npm run token`. */
export function SignIn({
  onSignIn,
  notice,
}: {
  onSignIn: (session: Session) => void;
  /** Why the agent is here again (the session ended), if it is not the first sign-in. */
  notice?: string;
}) {
  const [token, setToken] = useState('');
  const [error, setError] = useState('');
  const submit = (event: Event) => {
    event.preventDefault();
    const session = sessionOf(token);
    if (!session) {
      setError('That is not a Switchboard token. Mint one with npm run token.');
      return;
    }
    onSignIn(session);
  };
  return (
    <main class="sign-in">
      <form onSubmit={submit} aria-labelledby="sign-in-title">
        <h1 id="sign-in-title">Switchboard console</h1>
        <p>
          Paste an agent token. For local use, mint one with
          <code> npm run -s token -- --tenant acme --sub agent-7 --role agent</code>
        </p>
        {notice && (
          <p class="notice" role="alert">
            {notice}
          </p>
        )}
        <label for="token">Access token</label>
        <textarea
          id="token"
          rows={5}
          value={token}
          onInput={(event) => setToken(event.currentTarget.value)}
          aria-describedby={error ? 'token-error' : undefined}
          aria-invalid={error ? true : undefined}
          spellcheck={false}
          autoFocus
        />
        {error && (
          <p id="token-error" class="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" class="primary">
          Sign in
        </button>
        <p class="hint">The token stays in this tab only; every call goes through the /v1 API with it.</p>
      </form>
    </main>
  );
}
