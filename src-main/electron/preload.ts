// Runs in the window before the renderer, sandboxed: exposes `window.shoal`, built from the one
// contract, through contextBridge. The renderer never sees ipcRenderer or an IPC event object.
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import { buildWindowApi } from './window-api.js';

contextBridge.exposeInMainWorld('shoal', buildWindowApi(ipcRenderer, webUtils));
