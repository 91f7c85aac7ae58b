/// <reference types="vite/client" />

// The desktop app's preload (src-main/electron/preload.ts) adds `window.shoal`; a browser has none.
import type { ShoalWindowApi } from '../src-shared/api/ipc-contract.js';

declare global {
  interface Window {
    shoal?: ShoalWindowApi;
  }
}
