import { useEffect, useMemo, useState } from 'preact/hooks';
import { Api } from './api';
import { Inbox } from './inbox';
import { ConversationScreen } from './conversation';
import { SegmentsPage } from './segments';
import { SignIn } from './sign-in';
import { savedSession, saveSession, type Session } from './session';
import { useCatalog } from './catalog';
import { routeOf, type Route } from './route';

function useRoute(): Route {
  const [route, setRoute] = useState(() => routeOf(location.hash));
  useEffect(() => {
    const onChange = () => setRoute(routeOf(location.hash));
    addEventListener('hashchange', onChange);
    return () => removeEventListener('hashchange', onChange);
  }, []);
  return route;
}

export function App() {
  const [session, setSession] = useState<Session | undefined>(savedSession);
  const [signedOutBecause, setSignedOutBecause] = useState<string>();
  const signIn = (next: Session | undefined, because?: string) => {
    saveSession(next);
    setSession(next);
    setSignedOutBecause(because);
  };
  if (!session) {
    return <SignIn onSignIn={signIn} notice={signedOutBecause} />;
  }
  return (
    <Console
      session={session}
      onSignOut={() => signIn(undefined)}
      onExpired={() =>
        signIn(
          undefined,
          'Your session has ended: the token expired or is no longer accepted. Sign in again.',
        )
      }
    />
  );
}

function Console({
  session,
  onSignOut,
  onExpired,
}: {
  session: Session;
  onSignOut: () => void;
  /** The gateway refused the token (401): back to the sign-in screen, saying why. */
  onExpired: () => void;
}) {
  const api = useMemo(() => new Api(session, onExpired), [session]);
  const route = useRoute();
  const catalog = useCatalog(api);
  const [inboxRefresh, setInboxRefresh] = useState(0);
  useEffect(() => {
    document.title =
      route.page === 'segments'
        ? 'Segments · Switchboard'
        : route.contactId
          ? 'Conversation · Switchboard'
          : 'Inbox · Switchboard';
  }, [route]);
  return (
    <div class="shell">
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <header class="topbar">
        <span class="brand" aria-hidden="true">
          Switchboard
        </span>
        <nav aria-label="Main">
          <a href="#/inbox" aria-current={route.page === 'inbox' ? 'page' : undefined}>
            Inbox
          </a>
          <a href="#/segments" aria-current={route.page === 'segments' ? 'page' : undefined}>
            Segments
          </a>
        </nav>
        <span class="who">
          {session.actorId} · {session.role} · tenant <strong>{session.tenantId}</strong>
        </span>
        <button type="button" class="link" onClick={onSignOut}>
          Sign out
        </button>
      </header>
      {route.page === 'segments' ? (
        <main id="main" class="page">
          <SegmentsPage api={api} session={session} catalog={catalog} />
        </main>
      ) : (
        <div class="workspace">
          <Inbox api={api} catalog={catalog} selected={route.contactId} refresh={inboxRefresh} />
          <main id="main" class="conversation-area">
            {route.contactId ? (
              <ConversationScreen
                key={route.contactId}
                api={api}
                session={session}
                catalog={catalog}
                contactId={route.contactId}
                onChange={() => setInboxRefresh((count) => count + 1)}
              />
            ) : (
              <p class="empty-state">Choose a conversation from the inbox.</p>
            )}
          </main>
        </div>
      )}
    </div>
  );
}
