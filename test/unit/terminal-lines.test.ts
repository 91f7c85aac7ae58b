// What `shoal get` and `shoal search` print fits an 80-column terminal and says what a person needs.
import { describe, expect, it } from 'vitest';
import type { SearchResponse, SearchResult } from '../../src-shared/api/index-routes.js';
import type { DownloadView } from '../../src-shared/api/transfers.js';
import { fitText } from '../../src-main/cli/fit-text.js';
import { progressLine } from '../../src-main/cli/progress-line.js';
import { renderSearchTable } from '../../src-main/cli/search-table.js';

const MiB = 1024 * 1024;
const width = (line: string) => [...line].length;

function view(over: Partial<DownloadView>): DownloadView {
  return {
    id: '00000000-0000-4000-8000-000000000000', fileId: 'a'.repeat(64), name: 'Ocean-Documentary.2026.mkv', size: 600 * MiB,
    state: 'downloading', bytesVerified: 300 * MiB, piecesVerified: 0, pieceCount: 0, speed: 10 * MiB, etaSeconds: 30,
    sources: [], path: null, error: null, createdAt: new Date(0).toISOString(), completedAt: null, ...over,
  };
}

describe('the progress line of shoal get', () => {
  it('shows the file name, how far, the speed and an ETA with units', () => {
    const line = progressLine(view({}), 80);
    expect(line).toContain('Ocean-Documentary.2026.mkv');
    expect(line).toContain(' 50% ');
    expect(line).toMatch(/ETA 30s/);
    expect(width(line)).toBeLessThan(80);
  });

  it('after a resume the ETA is what is left at the current speed, in hours and minutes', () => {
    // Half was verified before Ctrl-C: 3 GiB left at 1 MiB/s is 51m12s, not the whole file's time.
    const line = progressLine(view({ size: 6 * 1024 * MiB, bytesVerified: 3 * 1024 * MiB, speed: MiB, etaSeconds: 3072 }), 80);
    expect(line).toContain('ETA 51m12s');
  });

  it('cuts a long name to fit 80 columns, keeping its end', () => {
    const name = `${'A very long name of a concert recording '.repeat(6)}- part 07.flac`;
    const line = progressLine(view({ name }), 80);
    expect(width(line)).toBeLessThan(80);
    expect(line).toContain('\u2026');
    expect(line).toContain('07.flac');
  });

  it('fitText never splits an emoji', () => {
    expect(fitText('\u{1F30A}'.repeat(30), 10)).toBe(`${'\u{1F30A}'.repeat(6)}\u2026${'\u{1F30A}'.repeat(3)}`);
  });
});

describe('the search table', () => {
  const result = (n: number): SearchResponse => ({
    items: Array.from({ length: n }, (_, i): SearchResult => ({
      id: `${i}`.padStart(64, 'f'), name: `${'Ü'.repeat(90)} ${i}.mkv`, names: [], size: 1234 * MiB, mime: 'video/x-matroska', category: 'video',
      ext: 'mkv', tags: [], sourceCount: 12, sources: [], firstSeen: new Date(0).toISOString(),
    } as unknown as SearchResult)),
    total: 40, page: 1, pageSize: n, totalIsEstimate: false, tookMs: 1,
  });

  it('fits 80 columns with a header and one line a result, no rule under every row', () => {
    const text = renderSearchTable(result(3), 80);
    const lines = text.trimEnd().split('\n');
    for (const line of lines) expect(width(line)).toBeLessThan(80);
    expect(lines[0]).toMatch(/^Name\s+Size\s+Type\s+Src\s+File id$/);
    expect(lines.slice(1, 4).every((l) => l.includes('.mkv') && l.includes('ffffffffffffffff'))).toBe(true);
    expect(text).not.toMatch(/[─┼├]/);
    expect(text).toContain('40 matches; showing 3.');
  });
});
