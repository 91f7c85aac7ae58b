// The desktop node's ports: the peer port other Shoals download from, and the index port used
// while "Run as index server" is on. 0 lets the system pick a free one.
import { useEffect, useState, type FormEvent } from 'react';

interface Ports {
  peerPort: number;
  indexPort: number;
}

const fields = [
  { key: 'peerPort', label: 'Peer port' },
  { key: 'indexPort', label: 'Index server port' },
] as const;

function parsePort(text: string): number | null {
  if (!/^\d{1,5}$/.test(text.trim())) return null;
  const port = Number(text);
  return port <= 65_535 ? port : null;
}

export function PortsForm({ current, busy, onSave }: { current: Ports | null; busy: boolean; onSave: (ports: Ports) => Promise<void> }) {
  const [draft, setDraft] = useState({ peerPort: '', indexPort: '' });
  useEffect(() => {
    if (current) setDraft({ peerPort: String(current.peerPort), indexPort: String(current.indexPort) });
  }, [current]);
  const parsed = { peerPort: parsePort(draft.peerPort), indexPort: parsePort(draft.indexPort) };
  const valid = parsed.peerPort !== null && parsed.indexPort !== null;
  const changed = current !== null && valid && (parsed.peerPort !== current.peerPort || parsed.indexPort !== current.indexPort);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (changed) void onSave({ peerPort: parsed.peerPort as number, indexPort: parsed.indexPort as number });
  };
  return (
    <form className="row ports-form" onSubmit={submit}>
      {fields.map(({ key, label }) => (
        <div key={key} className="field">
          <label htmlFor={`port-${key}`}>{label}</label>
          <input
            id={`port-${key}`}
            inputMode="numeric"
            value={draft[key]}
            aria-invalid={parsed[key] === null}
            aria-describedby={parsed[key] === null ? `port-${key}-problem` : undefined}
            onChange={(e) => setDraft({ ...draft, [key]: e.target.value })}
          />
          {parsed[key] === null ? (
            <span id={`port-${key}-problem`} className="error-inline">
              A port is a number from 0 to 65535 (0: any free port).
            </span>
          ) : null}
        </div>
      ))}
      <button type="submit" disabled={busy || !changed}>
        Apply ports (restarts sharing for a moment)
      </button>
    </form>
  );
}
