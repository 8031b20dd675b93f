/** Status lines. Messages are text nodes; role=alert makes screen readers announce errors. */
import type { ComponentChildren } from 'preact';

export function ErrorNotice({ message }: { message: string | null }) {
  if (!message) return null;
  return (
    <p class="notice error" role="alert">
      {message}
    </p>
  );
}

export function InfoNotice({ children }: { children: ComponentChildren }) {
  return (
    <p class="notice info" role="status">
      {children}
    </p>
  );
}
