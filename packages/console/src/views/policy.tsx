/** Policy: the tenant's current policy (id, version, hash, rules) and the what-if panel beside it. */
import { useEffect, useState } from 'preact/hooks';
import { describeError } from '../api/errors.js';
import type { PolicyDocument } from '../api/types.js';
import { JsonView } from '../components/json-view.js';
import { ErrorNotice } from '../components/notice.js';
import { localTime, text } from '../format.js';
import type { ViewProps } from './props.js';
import { WhatIf } from './what-if.js';

export function PolicyView({ api }: ViewProps) {
  const [doc, setDoc] = useState<PolicyDocument | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    api.getPolicy().then(
      (loaded) => {
        setDoc(loaded);
        setError(null);
      },
      (caught) => setError(describeError(caught)),
    );
  }, [api]);

  return (
    <section aria-labelledby="policy-title">
      <h2 id="policy-title">Policy</h2>
      <ErrorNotice message={error} />
      {doc ? (
        <>
          <dl class="facts">
            <dt>Policy</dt>
            <dd class="policy-id">
              {text(doc.policy.id)} v{text(doc.policy.version)}
            </dd>
            <dt>Rules</dt>
            <dd>{doc.policy.rules.length}</dd>
            <dt>Hash</dt>
            <dd>
              <code>{text(doc.hash)}</code>
            </dd>
            <dt>Updated</dt>
            <dd>{localTime(doc.updated_at)}</dd>
          </dl>
          <details>
            <summary>Current policy (JSON)</summary>
            <JsonView value={doc.policy} label="Current policy" />
          </details>
        </>
      ) : null}
      <WhatIf api={api} current={doc} />
    </section>
  );
}
