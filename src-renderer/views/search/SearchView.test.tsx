// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { SearchResult } from '../../../src-shared/api/index-routes.js';
import { nodeIdFromPublicKey } from '../../../src-shared/node-id.js';
import { StoresProvider } from '../../app/stores-context.js';
import { createBridge } from '../../bridge/create-bridge.js';
import { createStores } from '../../stores/create-stores.js';
import { FakeTransport } from '../../test-support/fake-transport.js';
import { SearchView } from './SearchView.js';

// Peers are named by node ids (their keys): the answers are checked against that schema.
const bobId = nodeIdFromPublicKey(new Uint8Array(32).fill(11));
const meId = nodeIdFromPublicKey(new Uint8Array(32).fill(7));
const info = { id: meId, name: 'my-desk', version: '0.1.0', apiVersion: 'v1', protocol: 3, roles: ['peer'], port: 9001, indexPort: null, startedAt: '', fileCount: 1, totalBytes: 1 };
const result = (id: string, name: string, extra: Partial<SearchResult> = {}): SearchResult => ({
  id, name, names: [name], size: 1, mime: 'audio/mpeg', category: 'audio', tags: [], pieceSize: 262144, sourceCount: 1,
  sources: [{ peerId: bobId, name: 'bob', url: 'http://10.0.0.2:9001/api/v1/download/x', reputation: 50, activeUploads: 0, freeUploadSlots: 4 }], firstSeen: '', ...extra,
});
const mine = result('a'.repeat(64), 'mine.mp3', { inLibrary: true, folders: ['Music/Daft Punk/Homework (1997)'] });
const theirs = result('b'.repeat(64), 'theirs.mp3', { inLibrary: false });

async function renderSearch(transport: FakeTransport) {
  const stores = createStores(createBridge(transport));
  await stores.network.getState().check(true); // who "you" is
  render(
    <StoresProvider stores={stores}>
      <SearchView />
    </StoresProvider>,
  );
  return stores;
}

describe('the Search view', () => {
  afterEach(() => {
    cleanup();
    history.replaceState(null, '', '/search');
  });

  it('marks a file you have "In your library" with Open, and offers Download only for the others', async () => {
    await renderSearch(new FakeTransport({ getInfo: () => info, searchNetwork: () => ({ items: [mine, theirs], total: 2, page: 1, pageSize: 100, tookMs: 1 }) }));
    fireEvent.change(screen.getByRole('searchbox'), { target: { value: 'mp3' } });
    await waitFor(() => expect(screen.getAllByTestId('search-result')).toHaveLength(2));
    const [first, second] = screen.getAllByTestId('search-result');
    expect(first?.textContent).toContain('In your library');
    expect(first?.textContent).toContain('in Music/Daft Punk/Homework (1997)');
    expect(first?.querySelector('a')?.getAttribute('href')).toBe(`/api/v1/download/${mine.id}/mine.mp3`);
    expect(first?.textContent).not.toContain('Download');
    expect(second?.textContent).toContain('Download');
    // Who has it: "you" first where this node shares it, then the others, each with address and id on hover.
    const holders = (row: HTMLElement | undefined) => [...(row?.querySelectorAll('[data-testid="peer-name"]') ?? [])] as HTMLElement[];
    const [you, bob] = holders(first);
    expect(you?.textContent).toBe('my-deskyou');
    expect(you?.dataset.you).toBe('true');
    expect(you?.title).toContain(`Node id: ${meId}`);
    expect(bob?.textContent).toBe('bob');
    expect(bob?.title).toBe(`bob\nNode id: ${bobId}\nAddress: 10.0.0.2:9001`);
    expect(holders(second).map((h) => h.textContent)).toEqual(['bob']);
  });

  it('a pasted shoal:// link opens the file with its sources and Download', async () => {
    await renderSearch(new FakeTransport({ getInfo: () => info, getNetworkFile: () => theirs }));
    fireEvent.change(screen.getByRole('searchbox'), { target: { value: `shoal://file/${theirs.id}?name=theirs.mp3` } });
    const card = await screen.findByTestId('opened-file');
    expect(card.textContent).toContain('theirs.mp3');
    expect(card.textContent).toContain(theirs.id);
    expect(card.textContent).toContain('bob');
    expect(card.textContent).toContain('reputation 50');
    expect(card.querySelector('.reputation')?.getAttribute('title')).toMatch(/^50 of 100 \(neutral\)\. Reputation: .*0 to 100/);
    expect(screen.getByTestId('reputation-help').textContent).toContain('What does reputation mean?');
    expect(screen.getByRole('button', { name: 'Download theirs.mp3' })).toBeTruthy();
  });

  it('keeps the query and filters in the address, and restores them from it', async () => {
    history.replaceState(null, '', '/search?q=daft&category=audio&ext=mp3');
    const transport = new FakeTransport({ searchNetwork: () => ({ items: [theirs], total: 1, page: 1, pageSize: 100, tookMs: 1 }) });
    const stores = await renderSearch(transport);
    const searches = () => transport.calls.filter((c) => c.route === 'searchNetwork');
    await waitFor(() => expect(searches().length).toBe(1));
    expect(searches()[0]?.parts.query).toMatchObject({ q: 'daft', category: 'audio', ext: 'mp3' });
    expect((screen.getByRole('searchbox') as HTMLInputElement).value).toBe('daft');
    fireEvent.click(screen.getByRole('button', { name: 'video' }));
    await waitFor(() => expect(location.search).toBe('?q=daft&category=video&ext=mp3'));
    fireEvent.change(screen.getByRole('searchbox'), { target: { value: 'daft punk' } });
    await waitFor(() => expect(location.search).toBe('?q=daft+punk&category=video&ext=mp3'));
    // Back: the pushed entry before the category change comes back (typing replaced, not pushed).
    history.back();
    await waitFor(() => expect(stores.search.getState().category).toBe('audio'));
  });
});
