/** The console shell: sign-in, the signed-in key's identity, hash navigation between the views. */
import { useEffect, useMemo, useState } from 'preact/hooks';
import { ApiClient } from './api/client.js';
import { ApiError, describeError } from './api/errors.js';
import type { WhoAmI } from './api/report-types.js';
import { ErrorNotice } from './components/notice.js';
import { SignIn } from './components/signin.js';
import { text } from './format.js';
import { clearKey, loadKey, saveKey } from './session.js';
import { ApprovalsView } from './views/approvals.js';
import { DecisionsView } from './views/decisions.js';
import { LedgerView } from './views/ledger.js';
import { PolicyView } from './views/policy.js';
import { RolloutView } from './views/rollout.js';
import { ToolsView } from './views/tools.js';
import { WebhooksView } from './views/webhooks.js';

/** Each view and the roles whose keys may use it. */
const VIEWS = {
  approvals: { title: 'Approvals', View: ApprovalsView, roles: ['approver'] },
  decisions: { title: 'Decisions', View: DecisionsView, roles: ['admin'] },
  rollout: { title: 'Rollout', View: RolloutView, roles: ['admin', 'approver'] },
  policy: { title: 'Policy', View: PolicyView, roles: ['admin'] },
  ledger: { title: 'Ledger', View: LedgerView, roles: ['admin'] },
  tools: { title: 'Tools', View: ToolsView, roles: ['admin'] },
  webhooks: { title: 'Webhooks', View: WebhooksView, roles: ['admin'] },
} as const;
type ViewName = keyof typeof VIEWS;
const VIEW_NAMES = Object.keys(VIEWS) as ViewName[];

function hashView(): ViewName | null {
  const name = location.hash.replace(/^#\/?/, '');
  return name in VIEWS ? (name as ViewName) : null;
}

function mayUse(who: WhoAmI | null, view: ViewName): boolean {
  if (!who) return true;
  return VIEWS[view].roles.some((role) => who.roles.includes(role));
}

export function App() {
  const [key, setKey] = useState<string | null>(loadKey);
  const [who, setWho] = useState<WhoAmI | null>(null);
  // Views wait for whoami, so none calls an API its key may not use.
  const [ready, setReady] = useState(false);
  const [signInError, setSignInError] = useState<string | null>(null);
  const [view, setView] = useState<ViewName>(() => hashView() ?? 'approvals');
  const api = useMemo(() => (key ? new ApiClient(key) : null), [key]);

  useEffect(() => {
    const onHash = () => setView(hashView() ?? 'approvals');
    addEventListener('hashchange', onHash);
    return () => removeEventListener('hashchange', onHash);
  }, []);

  useEffect(() => {
    document.title = `${VIEWS[view].title} · ActPass console`;
  }, [view]);

  useEffect(() => {
    setReady(false);
    if (!api) return;
    api.whoami().then(
      (identity) => {
        setWho(identity);
        setReady(true);
        // Opened without a view: start on the first one this key may use.
        const first = VIEW_NAMES.find((name) => mayUse(identity, name));
        if (hashView() === null && first) setView(first);
      },
      (caught) => {
        if (caught instanceof ApiError && caught.status === 401) {
          clearKey();
          setKey(null);
          setSignInError(`That key was not accepted: ${caught.message}`);
        } else {
          // A gateway without whoami (404), or a network error: show the views; each says what fails.
          if (!(caught instanceof ApiError && caught.status === 404)) setSignInError(describeError(caught));
          setReady(true);
        }
      },
    );
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
  const { View, roles } = VIEWS[view];
  return (
    <>
      <header class="top">
        <h1 class="brand">ActPass console</h1>
        <nav aria-label="Views">
          {VIEW_NAMES.map((name) => (
            <a key={name} href={`#/${name}`} aria-current={name === view ? 'page' : undefined}>
              {VIEWS[name].title}
            </a>
          ))}
        </nav>
        <span class="who" data-testid="whoami">
          {who ? text(`${who.tenant_id} · ${who.key_id} · ${who.roles.join(', ')}`) : ''}
        </span>
        <button type="button" onClick={signOut}>
          Sign out
        </button>
      </header>
      <main id="main">
        <ErrorNotice message={signInError} />
        {!ready ? (
          <p>Signing in…</p>
        ) : mayUse(who, view) ? (
          <View key={`${view}:${key}`} api={api} roles={who?.roles ?? []} />
        ) : (
          <section aria-labelledby="no-access-title">
            <h2 id="no-access-title">{VIEWS[view].title}</h2>
            <p class="notice info" role="status">
              This view needs a key with the {roles.join(' or ')} role; this key has{' '}
              {who?.roles.join(', ') || 'no roles'}. Sign out and paste another key.
            </p>
          </section>
        )}
      </main>
    </>
  );
}
