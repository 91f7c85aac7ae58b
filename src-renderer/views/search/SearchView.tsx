// Search the network as you type; one click (or Enter on the highlighted result) downloads.
// The arrow keys and Enter belong to the search box only: elsewhere (a chip, a select, a result's
// own Download button) keys keep their native meaning, so Tab + Enter works on every control.
import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { categories } from '../../../src-shared/api/common.js';
import { navigate } from '../../app/router.js';
import { useDomain } from '../../app/stores-context.js';
import { EmptyState } from '../../components/EmptyState.js';
import { ErrorNote } from '../../components/ErrorNote.js';
import { batchProblem, useSelection } from '../../app/use-selection.js';
import { SelectionBar } from '../../components/SelectionBar.js';
import { OpenedFile } from './OpenedFile.js';
import { SearchFilters } from './SearchFilters.js';
import { SearchResultRow } from './SearchResultRow.js';
import { useSearchUrl } from './use-search-url.js';

export function SearchView() {
  const query = useDomain('search', (s) => s.query);
  const category = useDomain('search', (s) => s.category);
  const results = useDomain('search', (s) => s.results);
  const opened = useDomain('search', (s) => s.opened);
  const total = useDomain('search', (s) => s.total);
  const estimate = useDomain('search', (s) => s.totalIsEstimate);
  const loading = useDomain('search', (s) => s.loading);
  const searched = useDomain('search', (s) => s.searched);
  const moreComing = useDomain('search', (s) => s.moreComing);
  const error = useDomain('search', (s) => s.error);
  const setQuery = useDomain('search', (s) => s.setQuery);
  const setCategory = useDomain('search', (s) => s.setCategory);
  const start = useDomain('transfers', (s) => s.start);
  const downloadError = useDomain('transfers', (s) => s.error);
  const startMany = useDomain('transfers', (s) => s.startMany);
  const selection = useSelection();
  const [batchNote, setBatchNote] = useState<string | null>(null);
  const [active, setActive] = useState(0);
  const input = useRef<HTMLInputElement>(null);

  useSearchUrl();
  useEffect(() => input.current?.focus(), []);
  useEffect(() => setActive(0), [results]);
  const order = results.filter((r) => !r.inLibrary).map((r) => r.id);
  // Only results on screen stay selected: a new search starts a new selection.
  const picked = results.filter((r) => selection.has(r.id) && !r.inLibrary);
  const downloadSelected = async () => {
    const result = await startMany(picked.map((r) => ({ fileId: r.id, name: r.name })));
    if (!result) return;
    setBatchNote(batchProblem(result) ?? `Started ${result.succeeded} download${result.succeeded === 1 ? '' : 's'}.`);
    selection.clear();
  };

  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'ArrowDown') setActive((a) => Math.min(a + 1, results.length - 1));
    else if (e.key === 'ArrowUp') setActive((a) => Math.max(a - 1, 0));
    else if (e.key === 'Enter' && results[active] && !results[active].inLibrary) void start(results[active].id, results[active].name);
    else return;
    e.preventDefault();
  };

  return (
    <div className="view search-view">
      <label className="search-box">
        <span className="visually-hidden">Search the network</span>
        <input
          ref={input}
          type="search"
          value={query}
          placeholder="Search the network: words, &quot;a phrase&quot;, -without, or paste a shoal:// link"
          onChange={(e) => setQuery(e.target.value)}
          onKeyDown={onKeyDown}
          aria-controls="search-results"
          aria-describedby="search-keys"
        />
      </label>
      <span id="search-keys" className="visually-hidden">
        Arrow keys highlight a result; Enter downloads the highlighted one.
      </span>
      <div className="chips" role="group" aria-label="Category">
        <button type="button" className="chip" aria-pressed={category === null} onClick={() => setCategory(null)}>
          All
        </button>
        {categories.map((c) => (
          <button key={c} type="button" className="chip" aria-pressed={category === c} onClick={() => setCategory(category === c ? null : c)}>
            {c}
          </button>
        ))}
      </div>
      <SearchFilters />
      <SelectionBar count={picked.length} noun="result" onClear={selection.clear}>
        <button type="button" onClick={() => void downloadSelected()}>
          Download selected
        </button>
      </SelectionBar>
      {batchNote ? <p className="muted" role="status">{batchNote}</p> : null}
      <ErrorNote message={error ?? downloadError} />
      <p className="muted" aria-live="polite">
        {loading ? 'Searching…' : searched && !error && !opened ? `${estimate ? 'about ' : ''}${total.toLocaleString()} result${total === 1 ? '' : 's'}${moreComing ? ' · more coming from the network…' : ''}` : ''}
      </p>
      {opened ? (
        <OpenedFile file={opened} />
      ) : !searched && !loading ? (
        <EmptyState title="Find files on the network">Type a few letters of a name or a tag; results come from the index servers your node knows.</EmptyState>
      ) : searched && !error && results.length === 0 ? (
        <EmptyState title="Nothing found">Try fewer words, another category, or a shorter prefix.</EmptyState>
      ) : (
        // A plain list, not a listbox: each result holds its own Download button, and options may not.
        <ul id="search-results" className="results" aria-label="Results">
          {results.map((r, i) => (
            <SearchResultRow
              key={r.id}
              result={r}
              active={i === active}
              onDownload={() => void start(r.id, r.name)}
              selected={selection.has(r.id)}
              onSelect={(shift) => selection.toggle(r.id, shift, order)}
            />
          ))}
        </ul>
      )}
      {results.length > 0 ? (
        <button type="button" className="link" onClick={() => navigate('/transfers')}>
          See your transfers
        </button>
      ) : null}
    </div>
  );
}
