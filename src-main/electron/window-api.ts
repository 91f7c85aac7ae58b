// `window.shoal`: a method per node API method and desktop method of the contract, each one IPC
// invoke; event subscriptions that return their unsubscribe function; the path of a dropped file.
import type { IpcRenderer, IpcRendererEvent, WebUtils } from 'electron';
import {
  desktopChannel,
  desktopMethodNames,
  EVENT_CHANNEL,
  nodeChannel,
  nodeMethodNames,
  type IpcEvent,
  type IpcResult,
  type ShoalWindowApi,
} from '../../src-shared/api/ipc-contract.js';

export function buildWindowApi(ipc: Pick<IpcRenderer, 'invoke' | 'on' | 'removeListener'>, web: Pick<WebUtils, 'getPathForFile'>): ShoalWindowApi {
  const invoke = (channel: string) => (arg: unknown) => ipc.invoke(channel, arg) as Promise<IpcResult>;
  return {
    node: Object.fromEntries(nodeMethodNames.map((name) => [name, invoke(nodeChannel(name))])) as ShoalWindowApi['node'],
    desktop: Object.fromEntries(desktopMethodNames.map((name) => [name, invoke(desktopChannel(name))])) as ShoalWindowApi['desktop'],
    onEvent(listener) {
      const forward = (_event: IpcRendererEvent, payload: IpcEvent) => listener(payload);
      ipc.on(EVENT_CHANNEL, forward);
      return () => {
        ipc.removeListener(EVENT_CHANNEL, forward);
      };
    },
    getPathForFile: (file) => web.getPathForFile(file),
  };
}
