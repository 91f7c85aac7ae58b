// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { SharedFile } from '../../../src-shared/api/library.js';
import { fakeFile } from '../../test-support/fake-transport.js';
import { SharedFileRow, type RowActions } from './SharedFileRow.js';

const file = { ...fakeFile(7), paths: ['/home/ana/Shared/file-000007.txt'] } as SharedFile;
const copyName = /^Copy (the )?link.*file-000007\.txt$/;

function actions(overrides: Partial<RowActions> = {}) {
  const calls: string[] = [];
  const base: RowActions = {
    unshare: async (id) => void calls.push(`unshare ${id}`),
    setTags: async () => undefined,
    copyLink: async (f) => void calls.push(`copy ${f.id}`),
    copyTorrent: async (f) => void calls.push(`torrent ${f.id}`),
    showInFolder: null,
    onError: (message) => void calls.push(`error ${message}`),
    ...overrides,
  };
  return { base, calls };
}

describe('a shared file row', () => {
  afterEach(cleanup);

  it('shows the folder the file is in inside the shared folder (issue 16)', () => {
    const { base } = actions();
    render(<SharedFileRow file={{ ...file, folder: 'Music/Daft Punk/Homework (1997)' }} actions={base} />);
    expect(screen.getByText('in Music/Daft Punk/Homework (1997)')).toBeTruthy();
  });

  it('copies the file\u2019s link and says so', async () => {
    const { base, calls } = actions();
    render(<SharedFileRow file={file} actions={base} />);
    fireEvent.click(screen.getByRole('button', { name: copyName }));
    await waitFor(() => expect(screen.getByText('Copied')).toBeTruthy());
    expect(calls).toEqual([`copy ${file.id}`]);
  });

  it('copies the address of the file\u2019s .torrent beside its link, and says which was copied', async () => {
    const { base, calls } = actions();
    render(<SharedFileRow file={file} actions={base} />);
    fireEvent.click(screen.getByRole('button', { name: /^Copy \.torrent: file-000007\.txt$/ }));
    await waitFor(() => expect(screen.getByRole('button', { name: /^Copied: file-000007\.txt$/ })).toBeTruthy());
    expect(screen.getByRole('button', { name: copyName })).toBeTruthy(); // the link's button still says what it does
    expect(calls).toEqual([`torrent ${file.id}`]);
  });

  it('shows a failed copy with its message', async () => {
    const { base, calls } = actions({ copyLink: async () => Promise.reject(new Error('no clipboard here')) });
    render(<SharedFileRow file={file} actions={base} />);
    fireEvent.click(screen.getByRole('button', { name: copyName }));
    await waitFor(() => expect(calls).toEqual(['error no clipboard here']));
  });

  it('explains the file\u2019s id and shows its SHA-256 once known, in a dialog Escape closes', async () => {
    const { base } = actions();
    const { rerender } = render(<SharedFileRow file={file} actions={base} />);
    fireEvent.click(screen.getByRole('button', { name: `Details: ${file.name}` }));
    const dialog = screen.getByRole('dialog', { name: file.name });
    expect(dialog.textContent).toContain(file.id);
    expect(dialog.textContent).toContain('BitTorrent v2');
    expect(dialog.textContent).toContain('Shoal computes it while idle');
    rerender(<SharedFileRow file={{ ...file, sha256: 'f'.repeat(64) }} actions={base} />);
    expect(screen.getByRole('dialog').textContent).toContain('f'.repeat(64));
    fireEvent.keyDown(document, { key: 'Escape' });
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('offers "show in folder" only in the desktop app', async () => {
    const { base } = actions();
    const { unmount } = render(<SharedFileRow file={file} actions={base} />);
    expect(screen.queryByRole('button', { name: `Show ${file.name} in its folder` })).toBeNull();
    unmount();
    const shown: string[] = [];
    render(<SharedFileRow file={file} actions={{ ...base, showInFolder: async (p) => void shown.push(p) }} />);
    fireEvent.click(screen.getByRole('button', { name: `Show ${file.name} in its folder` }));
    await waitFor(() => expect(shown).toEqual(['/home/ana/Shared/file-000007.txt']));
  });
});
