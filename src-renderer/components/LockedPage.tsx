import type { AccessState } from '../stores/network-store.js';

const reasons: Partial<Record<AccessState, string>> = {
  'no-token': 'This page needs the node\u2019s control token.',
  unauthorized: 'The token in this link is not this node\u2019s (it may have been made for another data folder).',
  forbidden: 'This node answers control requests only from its own machine.',
  unreachable: 'The node does not answer.',
};

/** What a stranger (or a stale tab) sees instead of the app. */
export function LockedPage({ access }: { access: AccessState }) {
  return (
    <main className="locked">
      <h1>Shoal</h1>
      <p className="locked-lead">
        Open the link <code>shoal serve</code> printed.
      </p>
      <p>{reasons[access] ?? ''}</p>
      <p className="muted">
        It looks like <code>http://127.0.0.1:9001/?token=…</code>, and is shown again each time the node starts.
      </p>
    </main>
  );
}
