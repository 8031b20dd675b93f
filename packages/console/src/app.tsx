/** The console shell: sign-in, the signed-in key's identity, hash navigation between the views. */
import { useEffect, useMemo, useState } from 'preact/hooks';
import { ApiClient } from './api/client.js';
import { ApiError, describeError } from './api/errors.js';
import type { WhoAmI } from './api/report-types.js';
import { SignIn } from './components/signin.js';
import { clearKey, loadKey, saveKey } from './session.js';
import { ApprovalsView } from './views/approvals.js';
import { DecisionsView } from './views/decisions.js';
import { LedgerView } from './views/ledger.js';
import { PolicyView } from './views/policy.js';
import { RolloutView } from './views/rollout.js';

const VIEWS = {
  approvals: { title: 'Approvals', View: ApprovalsView },
  decisions: { title: 'Decisions', View: DecisionsView },
  rollout: { title: 'Rollout', View: RolloutView },
  policy: { title: 'Policy', View: PolicyView },
  ledger: { title: 'Ledger', View: LedgerView },
} as const;
type ViewName = keyof typeof VIEWS;

function currentView(): ViewName {
  const name = location.hash.replace(/^#\/?/, '');
  return name in VIEWS ? (name as ViewName) : 'approvals';
}

export function App() {
  const [key, setKey] = useState<string | null>(loadKey);
  const [who, setWho] = useState<WhoAmI | null>(null);
  const [signInError, setSignInError] = useState<string | null>(null);
  const [view, setView] = useState<ViewName>(currentView);
  const api = useMemo(() => (key ? new ApiClient(key) : null), [key]);

  useEffect(() => {
    const onHash = () => setView(currentView());
    addEventListener('hashchange', onHash);
    return () => removeEventListener('hashchange', onHash);
  }, []);

  useEffect(() => {
    document.title = `${VIEWS[view].title} · ActPass console`;
  }, [view]);

  useEffect(() => {
    if (!api) return;
    api.whoami().then(setWho, (caught) => {
      if (caught instanceof ApiError && caught.status === 401) {
        clearKey();
        setKey(null);
        setSignInError(`That key was not accepted: ${caught.message}`);
      } else if (!(caught instanceof ApiError && caught.status === 404)) {
        setSignInError(describeError(caught));
      }
    });
  }, [api]);

  if (!api) {
    return (
      <SignIn
        error={signInError}
        onKey={(pasted) => {
          saveKey(pasted);
          setSignInError(null);
          setKey(pasted);
        }}
      />
    );
  }

  const signOut = () => {
    clearKey();
    setWho(null);
    setKey(null);
  };
  const { View } = VIEWS[view];
  return (
    <>
      <header class="top">
        <span class="brand">ActPass console</span>
        <nav aria-label="Views">
          {(Object.keys(VIEWS) as ViewName[]).map((name) => (
            <a key={name} href={`#/${name}`} aria-current={name === view ? 'page' : undefined}>
              {VIEWS[name].title}
            </a>
          ))}
        </nav>
        <span class="who" data-testid="whoami">
          {who ? `${who.tenant_id} · ${who.key_id} · ${who.roles.join(', ')}` : ''}
        </span>
        <button type="button" onClick={signOut}>
          Sign out
        </button>
      </header>
      <main id="main">
        <View key={`${view}:${key}`} api={api} />
      </main>
    </>
  );
}
