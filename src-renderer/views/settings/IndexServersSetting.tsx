import { useId, useState } from 'react';
import { hostPortSchema } from '../../../src-shared/api/common.js';
import type { IndexConnectionView, IndexServerSource } from '../../../src-shared/api/peer-routes.js';
import { useDomain } from '../../app/stores-context.js';
import { useVisiblePolling } from '../../app/use-visible-polling.js';

// The registration moves by itself (a server answers, fails, is found on the LAN) and no event
// says so: look again while this block is on screen and the tab visible.
const REFRESH_MS = 2_000;

const sourceText: Record<IndexServerSource, string> = {
  added: 'added by you',
  configured: 'from config',
  discovered: 'found on your network',
  self: 'this node',
};

const stateText: Record<string, string> = {
  registered: 'registered',
  connecting: 'connecting\u2026',
  standby: 'standby',
  failing: 'not answering',
  away: 'away, retrying later',
};

type Server = IndexConnectionView['servers'][number];

const ago = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto', style: 'short' });

function triedAgo(iso: string | null, now: number): string {
  if (!iso) return '';
  const seconds = Math.round((Date.parse(iso) - now) / 1000);
  return Math.abs(seconds) < 90 ? ago.format(seconds, 'second') : ago.format(Math.round(seconds / 60), 'minute');
}

/** What a row says: the registration's state, or for the others whether they answered when last asked. */
function serverText(s: Server, now: number): string {
  if (s.reachable === false && s.state !== 'registered') {
    return `not answering${s.lastError ? `: ${s.lastError}` : ''} \u00b7 tried ${triedAgo(s.lastTriedAt, now)}`;
  }
  const state = stateText[s.state] ?? s.state;
  if (s.reachable !== true || s.state !== 'standby') return state;
  return `${state} \u00b7 answers${s.rttMs !== null ? ` in ${Math.round(s.rttMs)} ms` : ''} (${triedAgo(s.lastTriedAt, now)})`;
}

/** The index servers this node knows and its registration; the user adds and removes their own. */
export function IndexServersSetting() {
  const connection = useDomain('network', (s) => s.indexConnection);
  const error = useDomain('network', (s) => s.indexServerError);
  const loadIndexConnection = useDomain('network', (s) => s.loadIndexConnection);
  const addIndexServer = useDomain('network', (s) => s.addIndexServer);
  const removeIndexServer = useDomain('network', (s) => s.removeIndexServer);
  const [draft, setDraft] = useState('');
  const [invalid, setInvalid] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const inputId = useId();
  const messageId = useId();

  useVisiblePolling(loadIndexConnection, REFRESH_MS);

  if (!connection) return null;

  const submit = async () => {
    // Checked here with the API's own schema, so a typo is explained before anything is sent.
    const parsed = hostPortSchema.safeParse(draft);
    if (!parsed.success) {
      setInvalid(parsed.error.issues[0]?.message ?? 'expected "host:port"');
      return;
    }
    setInvalid(null);
    setBusy(true);
    if (await addIndexServer(parsed.data)) setDraft('');
    setBusy(false);
  };
  const message = invalid ?? error;

  return (
    <div className="setting">
      <h3>Index servers</h3>
      <p className="muted" data-testid="index-connection">
        {connection.server ? `Registered with ${connection.server}` : connection.state === 'idle' ? 'No index server known yet.' : `State: ${connection.state}`}
        {connection.lastError ? ` · ${connection.lastError}` : ''}
      </p>
      {connection.servers.length > 1 ? (
        <p className="muted" data-testid="index-servers-explained">
          This node registers with one index server at a time: the first in this list that answers. The others are on
          standby, asked now and then whether they answer, and used if it stops.
        </p>
      ) : null}
      {connection.servers.length > 0 ? (
        <ul className="plain" aria-label="Known index servers">
          {connection.servers.map((s) => (
            <li key={s.address} className="row" data-testid="index-server">
              <code>{s.address}</code>
              <span className="badge">{sourceText[s.source]}</span>
              <span className={s.reachable === false && s.state !== 'registered' ? 'error-inline' : 'muted'} data-testid="index-server-state">
                {serverText(s, Date.now())}
              </span>
              {s.source === 'added' ? (
                <button type="button" aria-label={`Remove ${s.address}`} onClick={() => void removeIndexServer(s.address)}>
                  Remove
                </button>
              ) : null}
            </li>
          ))}
        </ul>
      ) : null}
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <label htmlFor={inputId}>Add an index server (host:port)</label>
        <input
          id={inputId}
          value={draft}
          placeholder="192.168.1.20:8080"
          autoComplete="off"
          spellCheck={false}
          aria-invalid={invalid ? true : undefined}
          aria-describedby={message ? messageId : undefined}
          onChange={(e) => {
            setDraft(e.target.value);
            setInvalid(null);
          }}
        />
        <button type="submit" disabled={busy}>
          Add
        </button>
      </form>
      {message ? (
        <p id={messageId} className="error-inline" role="alert">
          {message}
        </p>
      ) : null}
    </div>
  );
}
