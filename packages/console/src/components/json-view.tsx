/** Untrusted JSON shown as text: JSON.stringify into a text node, never HTML. */
import { prettyJson } from '../format.js';

export function JsonView({ value, label }: { value: unknown; label: string }) {
  return (
    <figure class="json-view">
      <figcaption class="visually-hidden">{label}</figcaption>
      <pre class="json">{prettyJson(value)}</pre>
    </figure>
  );
}
