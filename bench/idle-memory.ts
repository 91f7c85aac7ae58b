// Figure 4: resident memory of an idle headless node (`shoal serve`, its own process) sharing
// 10,000 files: once it has hashed them all and sat idle, read its own figure
// (/api/v1/stats memory.rssBytes) and the kernel's (/proc/<pid>/status VmRSS, and VmHWM, the peak).
// The reference is the same node sharing an empty folder: what the process costs before any file.
// "Idle" is 10 s without work: the node gives back what indexing grew a few seconds after it ends
// (src-main/cli/idle-heap-trim.ts), as a server left alone does. The reading 2 s after indexing, the
// one this figure used to be, is in the note.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startHeadlessNode } from './headless-node.js';
import { type Figure, log, mb, removeDir, seconds, sleep, syncDisks, tempDir, writeTinyFiles } from './support.js';

const FILES = 10_000;
const FOLDERS = 100;
const IDLE_MS = 10_000;
const EARLY_MS = 2_000;
const AIM_BYTES = 50e6;

function procStatus(pid: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of readFileSync(`/proc/${pid}/status`, 'utf8').split('\n')) {
    const match = /^(Vm\w+|Rss\w+|Threads):\s+(\d+)(?: kB)?/.exec(line);
    if (match?.[1] && match[2]) out[match[1]] = Number(match[2]) * (match[1] === 'Threads' ? 1 : 1024);
  }
  return out;
}

/** VmRSS of an idle node sharing nothing: the modules, V8, SQLite and the servers, no library. */
async function emptyNodeRss(root: string): Promise<number> {
  const node = await startHeadlessNode({ sharedDir: join(root, 'empty-shared'), dataDir: join(root, 'empty-data') });
  try {
    await node.whenIdle(0, 60_000);
    await sleep(IDLE_MS);
    return procStatus(node.pid)['VmRSS'] ?? 0;
  } finally {
    await node.stop();
  }
}

export async function idleMemory(): Promise<Figure[]> {
  const root = tempDir('memory');
  const sharedDir = join(root, 'shared');
  try {
    const emptyRss = await emptyNodeRss(root);
    log(`figure 4: an idle node sharing nothing: VmRSS ${mb(emptyRss)}`);
    log(`figure 4: writing ${FILES.toLocaleString('en')} files`);
    writeTinyFiles(sharedDir, FILES, FOLDERS);
    await syncDisks();

    const started = performance.now();
    const node = await startHeadlessNode({ sharedDir, dataDir: join(root, 'data') });
    try {
      await node.whenIdle(FILES, 5 * 60_000);
      const indexedMs = performance.now() - started;
      log(`figure 4: indexed in ${seconds(indexedMs)}; idle for ${IDLE_MS / 1000} s`);
      await sleep(EARLY_MS);
      const early = procStatus(node.pid)['VmRSS'] ?? 0;
      log(`figure 4: VmRSS ${mb(early)} ${EARLY_MS / 1000} s after indexing`);
      await sleep(IDLE_MS - EARLY_MS);
      const stats = await node.stats();
      const proc = procStatus(node.pid);
      const vmRss = proc['VmRSS'] ?? 0;
      const worst = Math.max(vmRss, stats.memory.rssBytes);
      log(`figure 4: rss ${mb(stats.memory.rssBytes)} (stats), VmRSS ${mb(vmRss)}, peak ${mb(proc['VmHWM'] ?? 0)}, heap used ${mb(stats.memory.heapUsedBytes)}, threads ${proc['Threads']}`);
      return [
        {
          figure: `Resident memory, idle headless node sharing ${FILES.toLocaleString('en')} files`,
          shoal: `${mb(vmRss)} VmRSS; ${mb(stats.memory.rssBytes)} stats.rssBytes`,
          reference: `${mb(emptyRss)} (the same node sharing nothing)`,
          ratio: '-',
          aim: '< 50 MB',
          met: worst < AIM_BYTES,
          note: `read ${IDLE_MS / 1000} s after hashing went idle (indexing took ${seconds(indexedMs)}; ${mb(early)} VmRSS ${EARLY_MS / 1000} s after it); ` +
            `peak VmHWM ${mb(proc['VmHWM'] ?? 0)}; RssAnon ${mb(proc['RssAnon'] ?? 0)}, RssFile ${mb(proc['RssFile'] ?? 0)}; ` +
            `V8 heap used ${mb(stats.memory.heapUsedBytes)}; ${proc['Threads']} threads (hash workers stop after 1 s without work).`,
        },
      ];
    } finally {
      await node.stop();
    }
  } finally {
    removeDir(root);
  }
}
