/** Sign in by pasting an API key. The key is kept in sessionStorage and sent as a bearer header. */
import { useState } from 'preact/hooks';
import { ErrorNotice } from './notice.js';

export function SignIn({ onKey, error }: { onKey: (key: string) => void; error: string | null }) {
  const [key, setKey] = useState('');
  const submit = (event: Event) => {
    event.preventDefault();
    const trimmed = key.trim();
    if (trimmed !== '') onKey(trimmed);
  };
  return (
    <main class="signin">
      <h1>ActPass console</h1>
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
      <ErrorNotice message={error} />
    </main>
  );
}
