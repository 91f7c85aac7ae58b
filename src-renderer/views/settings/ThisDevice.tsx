// Settings → "This device": the name other people see this node as (set here, live), its node id
// (its public key: what others can check it by) with a Copy button, and the short id that tells
// same-named devices apart.
import { useEffect, useId, useState } from 'react';
import { DISPLAY_NAME_MAX, displayNameSchema } from '../../../src-shared/api/identity.js';
import { useDomain } from '../../app/stores-context.js';

type Copied = 'idle' | 'copied' | 'failed';

/** The id in its groups, each a run that may not break, with a break opportunity after each dash. */
export function NodeIdText({ id }: { id: string }) {
  const groups = id.split('-');
  return (
    <code className="node-id" data-testid="node-id" aria-label={`Node id ${id}`}>
      {groups.map((g, i) => (
        <span key={i} className="node-id-group">
          {g}
          {i < groups.length - 1 ? '-' : ''}
        </span>
      ))}
    </code>
  );
}

async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}

export function ThisDevice() {
  const identity = useDomain('settings', (s) => s.identity);
  const saveName = useDomain('settings', (s) => s.saveName);
  const info = useDomain('network', (s) => s.info);
  const refreshInfo = useDomain('network', (s) => s.refresh);
  const [draft, setDraft] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);
  const [copied, setCopied] = useState<Copied>('idle');
  const nameId = useId();
  const messageId = useId();

  useEffect(() => {
    if (identity) setDraft(identity.name);
  }, [identity]);
  useEffect(() => {
    if (copied === 'idle') return;
    const timer = setTimeout(() => setCopied('idle'), 2500);
    return () => clearTimeout(timer);
  }, [copied]);

  if (!identity) return null;

  const save = async (name: string | null) => {
    setSaved(false);
    // Checked with the API's own schema first, so the reason shows before anything is sent.
    if (name !== null) {
      const parsed = displayNameSchema.safeParse(name);
      if (!parsed.success) {
        setProblem(parsed.error.issues[0]?.message ?? 'not a valid name');
        return;
      }
      name = parsed.data;
    }
    setProblem(null);
    setBusy(true);
    const refused = await saveName(name);
    setBusy(false);
    if (refused) {
      setProblem(refused);
      return;
    }
    setSaved(true);
    void refreshInfo(); // /api/v1/info says the new name at once
  };
  const unchanged = draft.trim() === identity.name;

  return (
    <div className="this-device">
      <form
        className="setting"
        onSubmit={(e) => {
          e.preventDefault();
          void save(draft);
        }}
      >
        <label htmlFor={nameId}>Name</label>
        <div className="row name-row">
          <input
            id={nameId}
            type="text"
            value={draft}
            maxLength={DISPLAY_NAME_MAX}
            autoComplete="off"
            spellCheck={false}
            aria-invalid={problem ? true : undefined}
            aria-describedby={problem ? messageId : `${messageId}-hint`}
            onChange={(e) => {
              setDraft(e.target.value);
              setProblem(null);
              setSaved(false);
            }}
          />
          <button type="submit" disabled={busy || unchanged}>
            Save name
          </button>
        </div>
        {problem ? (
          <p id={messageId} className="error-inline" role="alert">
            {problem}
          </p>
        ) : (
          <p id={`${messageId}-hint`} className="muted small">
            What other people see in search results, transfers and the network.
            {identity.custom ? (
              <>
                {' '}
                <button type="button" className="link" disabled={busy} onClick={() => void save(null)}>
                  Use the default ({identity.defaultName})
                </button>
              </>
            ) : (
              ` Now the default: the computer\u2019s name.`
            )}
          </p>
        )}
        {saved ? (
          <p className="muted small" role="status">
            Saved. Index servers show the new name within seconds.
          </p>
        ) : null}
      </form>
      <dl className="details device-details">
        <dt>Node id</dt>
        <dd>
          <NodeIdText id={identity.id} />
          <div className="row">
            <button
              type="button"
              className="secondary"
              onClick={() => void copyText(identity.id).then((ok) => setCopied(ok ? 'copied' : 'failed'))}
            >
              Copy id
            </button>
            <span className="muted small" role="status">
              {copied === 'copied' ? 'Copied' : copied === 'failed' ? 'Could not copy: select the id and copy it by hand.' : ''}
            </span>
          </div>
          <p className="hint">This device&rsquo;s public key. Others can check it is really you by this id, whatever the name.</p>
        </dd>
        <dt>Short id</dt>
        <dd>
          <code className="mono" data-testid="short-id">{identity.shortId}</code>
          <p className="hint">Shown after the name when two devices share one, e.g. &ldquo;{identity.name} ({identity.shortId})&rdquo;.</p>
        </dd>
        {info ? (
          <>
            <dt>Shoal</dt>
            <dd>
              version {info.version} · peer port {info.port}
            </dd>
          </>
        ) : null}
      </dl>
    </div>
  );
}
