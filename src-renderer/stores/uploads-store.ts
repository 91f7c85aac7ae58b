// Files dropped on the Share view, uploading into the shared folder with per-file progress. Two
// at a time: enough to keep the line busy, few enough that each shows steady progress.
import { createStore } from 'zustand/vanilla';
import { errorMessage } from '../bridge/api-error.js';
import type { Bridge } from '../bridge/create-bridge.js';
import type { UploadItem } from '../bridge/transport.js';

const PARALLEL = 2;

export interface UploadEntry {
  key: number;
  name: string;
  size: number;
  sent: number;
  state: 'queued' | 'uploading' | 'done' | 'failed';
  error: string | null;
  savedAs: string | null;
}

export interface UploadsState {
  entries: UploadEntry[];
  add(items: UploadItem[]): void;
  clearFinished(): void;
}

export function createUploadsStore(bridge: Pick<Bridge, 'upload'>) {
  let nextKey = 1;
  const waiting: { key: number; item: UploadItem }[] = [];
  let running = 0;
  return createStore<UploadsState>()((set) => {
    const update = (key: number, change: Partial<UploadEntry>) =>
      set((s) => ({ entries: s.entries.map((e) => (e.key === key ? { ...e, ...change } : e)) }));
    const pump = () => {
      while (running < PARALLEL && waiting.length > 0) {
        const { key, item } = waiting.shift() as { key: number; item: UploadItem };
        running++;
        update(key, { state: 'uploading' });
        bridge
          .upload(item, (sent) => update(key, { sent }))
          .then((answer) => update(key, { state: 'done', sent: item.file.size, savedAs: answer.files[0]?.name ?? item.relativePath }))
          .catch((err: unknown) => update(key, { state: 'failed', error: errorMessage(err) }))
          .finally(() => {
            running--;
            pump();
          });
      }
    };
    return {
      entries: [],
      add: (items) => {
        const entries = items.map((item): UploadEntry => {
          const key = nextKey++;
          waiting.push({ key, item });
          return { key, name: item.relativePath, size: item.file.size, sent: 0, state: 'queued', error: null, savedAs: null };
        });
        set((s) => ({ entries: [...entries, ...s.entries] }));
        pump();
      },
      clearFinished: () => set((s) => ({ entries: s.entries.filter((e) => e.state === 'queued' || e.state === 'uploading') })),
    };
  });
}
