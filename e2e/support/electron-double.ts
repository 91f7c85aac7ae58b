// What preload.ts imports from `electron`, for the IPC harness (bundled in its place, then run in
// the page like a preload). ipcRenderer.invoke crosses to the test process through a Playwright
// binding, where the real ipc.ts handlers answer; the test pushes events back through
// `__shoalIpcEmit`. webUtils.getPathForFile answers the real path the test gave for a file name.
type Listener = (event: unknown, payload: unknown) => void;

interface HarnessWindow {
  __shoalIpcInvoke(channel: string, args: unknown[]): Promise<unknown>;
  __shoalIpcEmit(channel: string, payload: unknown): void;
  __shoalFilePaths?: Record<string, string>;
}

const harness = window as unknown as HarnessWindow;
const listeners = new Map<string, Set<Listener>>();

export const ipcRenderer = {
  invoke: (channel: string, ...args: unknown[]) => harness.__shoalIpcInvoke(channel, args),
  on(channel: string, listener: Listener) {
    const set = listeners.get(channel) ?? new Set<Listener>();
    set.add(listener);
    listeners.set(channel, set);
    return ipcRenderer;
  },
  removeListener(channel: string, listener: Listener) {
    listeners.get(channel)?.delete(listener);
    return ipcRenderer;
  },
};

harness.__shoalIpcEmit = (channel, payload) => {
  for (const listener of listeners.get(channel) ?? []) listener({ sender: ipcRenderer }, payload);
};

export const contextBridge = {
  exposeInMainWorld(key: string, api: unknown) {
    // As with context isolation, the page gets a frozen copy it cannot rewire.
    Object.defineProperty(window, key, { value: Object.freeze(api), enumerable: true });
  },
};

export const webUtils = {
  getPathForFile: (file: File) => harness.__shoalFilePaths?.[file.name] ?? '',
};
