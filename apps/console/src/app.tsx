import { useEffect, useMemo, useState } from 'preact/hooks';
import { Api } from './api';
import { Inbox } from './inbox';
import { ConversationScreen } from './conversation';
import { SegmentsPage } from './segments';
import { SignIn } from './sign-in';
import { savedSession, saveSession, type Session } from './session';
import { useCatalog } from './catalog';

type Route = { page: 'inbox'; contactId?: string } | { page: 'segments' };

/** `#/inbox`, `#/inbox/<contactId>`, `#/segments`. */
function routeOf(hash: string): Route {
  const [page, id] = hash.replace(/^#\/?/, '').split('/');
  if (page === 'segments') {
    return { page: 'segments' };
  }
  return { page: 'inbox', ...(id && { contactId: decodeURIComponent(id) }) };
}

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
  const signIn = (next: Session | undefined) => {
    saveSession(next);
    setSession(next);
  };
  if (!session) {
    return <SignIn onSignIn={signIn} />;
  }
  return <Console session={session} onSignOut={() => signIn(undefined)} />;
}

function Console({ session, onSignOut }: { session: Session; onSignOut: () => void }) {
  const api = useMemo(() => new Api(session), [session]);
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
