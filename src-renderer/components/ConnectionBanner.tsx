import { useDomain } from '../app/stores-context.js';

/** Shown while the node's WebSocket is down; the bridge reconnects by itself. */
export function ConnectionBanner() {
  const connection = useDomain('network', (s) => s.connection);
  if (connection !== 'lost') return null;
  return (
    <div className="banner" role="status">
      The connection to the node is lost. Reconnecting…
    </div>
  );
}
