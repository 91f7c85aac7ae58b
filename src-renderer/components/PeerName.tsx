// Who a row is about, the same everywhere (search sources, a download's sources, uploads, the
// network table): the name the index shows (same-named peers already carry their short id there),
// "you" when it is this node, and on hover the address and the full node id.
import { shortNodeId } from '../../src-shared/node-id.js';
import { useDomain } from '../app/stores-context.js';

export interface PeerNameProps {
  /** The display name, when known. */
  name?: string | null | undefined;
  /** The node id, when known. */
  id?: string | null | undefined;
  /** Where it is reached (host:port or a URL), when known. */
  address?: string | null | undefined;
  /** Add the short id after the name (where names are not de-duplicated by an index, e.g. uploads). */
  withShortId?: boolean;
}

/** The text a hover shows: name, full id, address; for reading and for tests. */
export function peerTooltip({ name, id, address }: PeerNameProps, you: boolean): string {
  return [
    you ? `${name ?? 'This device'} (this device)` : name,
    id ? `Node id: ${id}` : 'Node id: not known',
    address ? `Address: ${address}` : null,
  ].filter(Boolean).join('\n');
}

export function PeerName(props: PeerNameProps) {
  const selfId = useDomain('network', (s) => s.info?.id ?? null);
  return <NodeName {...props} you={!!props.id && props.id === selfId} />;
}

/** The same without the app's stores (the index port's dashboard): whether it is "you" is given. */
export function NodeName(props: PeerNameProps & { you?: boolean }) {
  const { name, id, address, withShortId, you = false } = props;
  const short = id ? shortNodeId(id) : null;
  // No name: the short id stands for it, or else the address.
  const label = name || short || address || 'unknown peer';
  const showShort = withShortId && !!name && !!short && !name.includes(`(${short})`);
  return (
    <span className="peer-name" title={peerTooltip(props, you)} data-testid="peer-name" data-you={you || undefined}>
      <span className={name ? 'peer-label' : 'peer-label mono'}>{label}</span>
      {showShort ? <span className="short-id mono">{short}</span> : null}
      {you ? <span className="you-badge">you</span> : null}
    </span>
  );
}
