import { useId, useState } from 'react';
import { hostPortSchema } from '../../../src-shared/api/common.js';
import type { FederationSettingsView } from '../../../src-shared/api/federation.js';
import { useDomain } from '../../app/stores-context.js';
import { useVisiblePolling } from '../../app/use-visible-polling.js';

// Servers join and leave by themselves (probes, the LAN, lists learned from others): look again
// while this block is on screen and the tab visible.
const REFRESH_MS = 3_000;

type Server = FederationSettingsView['servers'][number];

const originText: Record<Server['origin'], string> = {
  configured: 'from config',
  added: 'added by you',
  lan: 'found on your network',
  learned: 'learned from another index server',
};

/** "Federate with other index servers": shown while this node runs as an index server. */
export function FederationSetting() {
  const role = useDomain('settings', (s) => s.indexRole);
  const view = useDomain('federation', (s) => s.view);
  const error = useDomain('federation', (s) => s.error);
  const load = useDomain('federation', (s) => s.load);
  const add = useDomain('federation', (s) => s.add);
  const remove = useDomain('federation', (s) => s.remove);
  const [draft, setDraft] = useState('');
  const [invalid, setInvalid] = useState<string | null>(null);
  const inputId = useId();
  const messageId = useId();

  useVisiblePolling(load, REFRESH_MS);

  if (!role?.enabled || !view) return null;
  const submit = async () => {
    const parsed = hostPortSchema.safeParse(draft);
    if (!parsed.success) {
      setInvalid(parsed.error.issues[0]?.message ?? 'expected "host:port"');
      return;
    }
    setInvalid(null);
    if (await add(parsed.data)) setDraft('');
  };
  const message = invalid ?? error;

  return (
    <div className="setting" data-testid="federation-setting">
      <h3>Federate with other index servers</h3>
      <p className="muted">
        A search or a download on this index server then also finds the files registered with these, and with the
        index servers they know. Nothing they answer is trusted: it is checked, and a server that is slow or down
        delays nothing for long.
      </p>
      {view.servers.length > 0 ? (
        <ul className="plain" aria-label="Federated index servers">
          {view.servers.map((s) => (
            <li key={s.address} className="row" data-testid="federated-server">
              <code>{s.address}</code>
              <span className="badge">{originText[s.origin]}</span>
              <span className={s.answering ? 'muted' : 'error-inline'}>{s.answering ? 'answers' : s.lastSeen ? 'not answering' : 'not answered yet'}</span>
              {s.origin === 'added' ? (
                <button type="button" aria-label={`Stop federating with ${s.address}`} onClick={() => void remove(s.address)}>
                  Remove
                </button>
              ) : null}
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">No other index server yet.</p>
      )}
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <label htmlFor={inputId}>Federate with (host:port of its index)</label>
        <input
          id={inputId}
          value={draft}
          placeholder="192.168.1.30:8080"
          autoComplete="off"
          spellCheck={false}
          aria-invalid={invalid ? true : undefined}
          aria-describedby={message ? messageId : undefined}
          onChange={(e) => {
            setDraft(e.target.value);
            setInvalid(null);
          }}
        />
        <button type="submit">Add</button>
      </form>
      {message ? (
        <p id={messageId} className="error-inline" role="alert">
          {message}
        </p>
      ) : null}
    </div>
  );
}
