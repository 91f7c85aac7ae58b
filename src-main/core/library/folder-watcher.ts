// Watches folders, never single files: one fs.watch (one inotify watch) per directory. On Linux a
// directory's watch already reports every create, write, rename and delete of its direct entries,
// so a watch per file (what chokidar 4 keeps, with a Stats object each: ~95 MB per 10,000 files,
// and a 12 s start-up scan at 100,000 files) buys nothing. The library decides what a path is
// (file, folder, gone) once it has settled; this class only says which paths were touched.
import { type FSWatcher, watch } from 'node:fs';
import { join } from 'node:path';
import { isInside } from './path-rules.js';

export interface FolderWatcherOptions {
  /**
   * A path is reported once it has gone this long without an event. Every write to a file is an
   * event, so a file still being written is reported only after its last write.
   */
  settleMs: number;
  onSettled: (path: string) => void;
  /** A folder that could not be watched (e.g. the inotify watch limit); it is still rescanned at start. */
  onError: (err: unknown, dir: string) => void;
}

export class FolderWatcher {
  private readonly watchers = new Map<string, FSWatcher>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private closed = false;

  constructor(private readonly o: FolderWatcherOptions) {}

  /** Watches a folder's direct entries (not its subfolders: walk and watch those too). */
  watch(dir: string): void {
    if (this.closed || this.watchers.has(dir)) return;
    let watcher: FSWatcher;
    try {
      // Not persistent: the node's servers keep the process alive, a watcher should not.
      watcher = watch(dir, { persistent: false }, (_event, name) => this.touched(name ? join(dir, name.toString()) : dir));
    } catch (err) {
      this.o.onError(err, dir);
      return;
    }
    // A watched folder that is deleted or becomes unreadable ends its watch with an error:
    // report the folder itself, and the library looks at what is left.
    watcher.on('error', () => {
      this.close(dir);
      this.touched(dir);
    });
    this.watchers.set(dir, watcher);
  }

  /** Stops watching `dir` and the folders under it, except those `keep` still needs. */
  unwatchUnder(dir: string, keep: (watched: string) => boolean = () => false): void {
    for (const watched of [...this.watchers.keys()]) if (isInside(watched, dir) && !keep(watched)) this.close(watched);
  }

  close(dir?: string): void {
    if (dir !== undefined) {
      this.watchers.get(dir)?.close();
      this.watchers.delete(dir);
      return;
    }
    this.closed = true;
    for (const watcher of this.watchers.values()) watcher.close();
    this.watchers.clear();
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }

  private touched(path: string): void {
    if (this.closed) return;
    const timer = this.timers.get(path);
    if (timer) {
      timer.refresh(); // still changing: start the settle time again
      return;
    }
    this.timers.set(path, setTimeout(() => {
      this.timers.delete(path);
      if (!this.closed) this.o.onSettled(path);
    }, this.o.settleMs));
  }
}
