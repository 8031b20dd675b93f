/**
 * Sign in by pasting an API key, or through the gateway's OpenID provider when it has one. Either way
 * the credential is kept in sessionStorage and sent as a bearer header.
 */
import { useEffect, useState } from 'preact/hooks';
import { claimSignInSession, returnedFromSignIn, type SignInProvider, signInProviders } from '../session.js';
import { ErrorNotice } from './notice.js';

export function SignIn({ onKey, error }: { onKey: (key: string) => void; error: string | null }) {
  const [key, setKey] = useState('');
  const [providers, setProviders] = useState<SignInProvider[]>([]);
  const [claiming, setClaiming] = useState(returnedFromSignIn);
  const [claimError, setClaimError] = useState<string | null>(null);

  useEffect(() => {
    void signInProviders().then(setProviders);
    if (!returnedFromSignIn()) return;
    claimSignInSession().then(onKey, (caught: Error) => {
      setClaimError(caught.message);
      setClaiming(false);
    });
  }, []);

  const submit = (event: Event) => {
    event.preventDefault();
    const trimmed = key.trim();
    if (trimmed !== '') onKey(trimmed);
  };
  if (claiming) {
    return (
      <main class="signin">
        <h1>ActPass console</h1>
        <p role="status">Finishing sign-in…</p>
      </main>
    );
  }
  return (
    <main class="signin">
      <h1>ActPass console</h1>
      {providers.map((provider) => (
        <p key={provider.id}>
          <button type="button" onClick={() => location.assign(provider.login_url)}>
            Sign in with {provider.name}
          </button>
        </p>
      ))}
      <form onSubmit={submit}>
        <label for="api-key">API key</label>
        <input
          id="api-key"
          name="api-key"
          type="password"
          autocomplete="off"
          spellcheck={false}
          required
          value={key}
          onInput={(event) => setKey((event.target as HTMLInputElement).value)}
        />
        <p class="hint">
          Paste an approver key for the inbox, an admin key for decisions, rollout, policy and ledger. It
          stays in this tab only (sessionStorage) and is sent as a bearer header; no cookies.
        </p>
        <button type="submit">Sign in</button>
      </form>
      <ErrorNotice message={claimError ?? error} />
    </main>
  );
}
