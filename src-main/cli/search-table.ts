// `shoal search`'s table: one line a result, fitted to the terminal (80 columns unless it is
// wider), with no rule between rows. The id is shown as a prefix long enough to be unique in
// practice; `shoal get` takes it as it is, `--json` prints whole ids.
import type { SearchResponse } from '../../src-shared/api/index-routes.js';
import { formatBytes } from '../../src-shared/format-bytes.js';
import { fitText, padEnd, padStart } from './fit-text.js';

export const SHORT_ID_LENGTH = 16;

export function renderSearchTable(result: SearchResponse, columns: number): string {
  if (result.items.length === 0) return 'No files found.\n';
  const width = Math.max(60, columns) - 1;
  const fixed = ['Size', 'Type', 'Src', 'File id'];
  const widths = [9, 8, 3, SHORT_ID_LENGTH];
  const nameWidth = width - widths.reduce((a, b) => a + b + 2, 0);
  const line = (name: string, cells: string[]) =>
    `${padEnd(fitText(name, nameWidth), nameWidth)}  ${padStart(cells[0] ?? '', widths[0] ?? 0)}  ${padEnd(cells[1] ?? '', widths[1] ?? 0)}  ${padStart(cells[2] ?? '', widths[2] ?? 0)}  ${cells[3] ?? ''}`.trimEnd();
  const rows = [line('Name', fixed)];
  for (const item of result.items) {
    rows.push(line(item.name, [formatBytes(item.size), fitText(item.category, 8), String(item.sourceCount), item.id.slice(0, SHORT_ID_LENGTH)]));
  }
  const more = result.total > result.items.length ? `${result.totalIsEstimate ? 'About ' : ''}${result.total} matches; showing ${result.items.length}.\n` : '';
  return `${rows.join('\n')}\n${more}Download one with: shoal get <file id>\n`;
}
