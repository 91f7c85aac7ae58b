// Rows picked for a batch action (Share, Search, Transfers): a click toggles one row, a
// shift-click selects every row from the last clicked one, "select all" replaces the whole set.
import { useCallback, useMemo, useRef, useState } from 'react';

export interface Selection {
  ids: ReadonlySet<string>;
  has(id: string): boolean;
  /** `order` is the rows as shown, for a shift-click's range. */
  toggle(id: string, shift: boolean, order: readonly string[]): void;
  replace(ids: Iterable<string>): void;
  clear(): void;
}

/** The selection after clicking `id`: a range from `anchor` when shift is held and both are shown. */
export function clicked(ids: ReadonlySet<string>, id: string, shift: boolean, anchor: string | null, order: readonly string[]): Set<string> {
  const next = new Set(ids);
  const from = anchor === null ? -1 : order.indexOf(anchor);
  const to = order.indexOf(id);
  if (shift && from !== -1 && to !== -1) {
    for (let i = Math.min(from, to); i <= Math.max(from, to); i++) next.add(order[i] as string);
    return next;
  }
  if (next.has(id)) next.delete(id);
  else next.add(id);
  return next;
}

export function useSelection(): Selection {
  const [ids, setIds] = useState<ReadonlySet<string>>(() => new Set());
  const anchor = useRef<string | null>(null);
  const toggle = useCallback((id: string, shift: boolean, order: readonly string[]) => {
    const from = anchor.current; // read now: the updater runs later, after the anchor moved
    setIds((current) => clicked(current, id, shift, from, order));
    anchor.current = id;
  }, []);
  const replace = useCallback((next: Iterable<string>) => setIds(new Set(next)), []);
  const clear = useCallback(() => {
    anchor.current = null;
    setIds(new Set());
  }, []);
  return useMemo(() => ({ ids, has: (id: string) => ids.has(id), toggle, replace, clear }), [ids, toggle, replace, clear]);
}

/** "3 files" / "1 file". */
export const countOf = (n: number, noun: string) => `${n.toLocaleString()} ${noun}${n === 1 ? '' : 's'}`;

/** What a batch answered, in a sentence when some items failed (the first reason said). */
export function batchProblem(result: { failed: number; results: { ok: boolean; error?: { message: string } | undefined }[] }): string | null {
  if (result.failed === 0) return null;
  const reason = result.results.find((r) => !r.ok)?.error?.message ?? '';
  return `${countOf(result.failed, 'item')} failed: ${reason}`;
}
