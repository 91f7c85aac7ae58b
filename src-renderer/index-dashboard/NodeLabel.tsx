// A node as the dashboard names it: the name the index gives, then the short id; the full id on hover.
import { shortNodeId } from '../../src-shared/node-id.js';

export function NodeLabel({ name, id }: { name: string; id: string }) {
  const short = shortNodeId(id);
  return (
    <span className="peer-name" title={`${name}\nNode id: ${id}`}>
      <span className="peer-label">{name}</span>
      {short && !name.includes(`(${short})`) ? <span className="short-id mono">{short}</span> : null}
    </span>
  );
}
