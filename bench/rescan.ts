// Figure 2: restart with 100,000 unchanged small files in 1,000 folders. The first start indexes
// them all; after a stop, a restart must only rescan (stat and compare, no hashing) and be ready
// quickly. Timed in process from startNode() to library.whenReady(). Diagnostics time the two
// parts of "ready" on their own: the library's folder walk and loading every location's stamp.
import { join } from 'node:path';
import { walkFolder } from '../src-main/core/library/folder-walker.js';
import { openDatabase } from '../src-main/core/store/database.js';
import { LibraryStore } from '../src-main/core/store/library-store.js';
import { type Figure, log, removeDir, seconds, startBenchNode, syncDisks, tempDir, writeTinyFiles } from './support.js';

const FILES = 100_000;
const FOLDERS = 1_000;
const RESTARTS = 2;
const FIRST_INDEX_TIMEOUT_MS = 15 * 60_000;

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${seconds(ms)}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export async function rescan(): Promise<Figure[]> {
  const root = tempDir('rescan');
  const sharedDir = join(root, 'shared');
  const dataDir = join(root, 'data');
  try {
    log(`figure 2: writing ${FILES.toLocaleString('en')} files in ${FOLDERS} folders`);
    let t = performance.now();
    writeTinyFiles(sharedDir, FILES, FOLDERS);
    await syncDisks();
    log(`figure 2: written in ${seconds(performance.now() - t)}; first start (indexes everything)`);

    t = performance.now();
    let node = await startBenchNode({ sharedDir, dataDir });
    let firstMs: number;
    let firstReadyMs = 0;
    try {
      void node.library.whenReady().then(() => (firstReadyMs = performance.now() - t));
      await withTimeout(node.library.whenIdle(), FIRST_INDEX_TIMEOUT_MS, 'the first indexing');
      firstMs = performance.now() - t;
      const counts = node.library.counts();
      if (counts.locations !== FILES) throw new Error(`first start indexed ${counts.locations} files, expected ${FILES}`);
    } finally {
      await node.stop();
    }
    log(`figure 2: first indexing ${seconds(firstMs)} (ready after ${seconds(firstReadyMs)})`);

    const restarts: { startMs: number; readyMs: number; idleMs: number; hashed: number }[] = [];
    for (let i = 0; i < RESTARTS; i++) {
      t = performance.now();
      node = await startBenchNode({ sharedDir, dataDir });
      try {
        const startMs = performance.now() - t;
        await withTimeout(node.library.whenReady(), 5 * 60_000, 'the rescan');
        const readyMs = performance.now() - t;
        await withTimeout(node.library.whenIdle(), 5 * 60_000, 'idle after the rescan');
        const idleMs = performance.now() - t;
        const hashed = node.library.hashingStatus().hashedFiles;
        const counts = node.library.counts();
        if (counts.locations !== FILES) throw new Error(`restart sees ${counts.locations} files, expected ${FILES}`);
        restarts.push({ startMs, readyMs, idleMs, hashed });
        log(`figure 2: restart ${i + 1}: startNode ${seconds(startMs)}, whenReady ${seconds(readyMs)}, idle ${seconds(idleMs)}, hashed ${hashed}`);
      } finally {
        await node.stop();
      }
    }

    t = performance.now();
    const walked = await walkFolder(sharedDir);
    const walkMs = performance.now() - t;
    // What Library.rescan asks SQLite: every location's stamp in one query, and the exclusions.
    const db = openDatabase(join(dataDir, 'shoal.db'));
    let lookupMs: number;
    try {
      const store = new LibraryStore(db);
      t = performance.now();
      store.locationStamps();
      store.excludedPaths();
      lookupMs = performance.now() - t;
    } finally {
      db.close();
    }
    log(`figure 2: walkFolder alone ${seconds(walkMs)} (${walked.length} files); loading the stamps ${seconds(lookupMs)}`);

    const best = restarts.reduce((a, b) => (b.readyMs < a.readyMs ? b : a));
    const hashedAgain = Math.max(...restarts.map((r) => r.hashed));
    return [
      {
        figure: `Restart with ${FILES.toLocaleString('en')} unchanged files in ${FOLDERS.toLocaleString('en')} folders: startNode() → whenReady()`,
        shoal: seconds(best.readyMs),
        reference: '-',
        ratio: '-',
        aim: '< 3 s, 0 re-hashed',
        met: best.readyMs < 3000 && hashedAgain === 0,
        note: `restarts: ${restarts.map((r) => `${seconds(r.readyMs)} (startNode ${seconds(r.startMs)}, idle ${seconds(r.idleMs)}, hashed ${r.hashed})`).join('; ')}. ` +
          `Its parts, each measured alone: walkFolder() (which also sets up the ${FOLDERS.toLocaleString('en')} folder watches in the node) ${seconds(walkMs)}, ` +
          `locationStamps() + excludedPaths() ${seconds(lookupMs)}.`,
      },
      {
        figure: 'Files hashed again on that restart',
        shoal: String(hashedAgain),
        reference: '-',
        ratio: '-',
        aim: '0',
        met: hashedAgain === 0,
      },
      {
        figure: `First indexing of those ${FILES.toLocaleString('en')} files (start → idle)`,
        shoal: seconds(firstMs),
        reference: '-',
        ratio: '-',
        aim: '(info)',
        note: `${((FILES / firstMs) * 1000).toFixed(0)} files/s; whenReady() (rescan done, hashing queued) after ${seconds(firstReadyMs)}.`,
      },
    ];
  } finally {
    removeDir(root);
  }
}
