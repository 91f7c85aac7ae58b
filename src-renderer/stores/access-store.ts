// Access control in Settings: the devices this node has seen (block, trust), who may see each
// shared folder, and the networks allowed or blocked. Devices appear by themselves (a download,
// a registration), so the Devices block polls while it is on screen.
import { createStore } from 'zustand/vanilla';
import type { Device, DeviceState, NetworkSettings, RootAccessMode, SharedRoot } from '../../src-shared/api/access.js';
import { errorMessage } from '../bridge/api-error.js';
import type { NodeApi } from '../bridge/node-client.js';

export interface AccessState {
  devices: Device[] | null;
  roots: SharedRoot[] | null;
  networks: NetworkSettings | null;
  error: string | null;
  /** A change being saved: a device id, a root path, or 'networks'. */
  busy: string | null;
  load(): Promise<void>;
  loadDevices(): Promise<void>;
  /** The shared folder and the paths shared by hand alone (Share shows where the folder is). */
  loadRoots(): Promise<void>;
  setDeviceState(id: string, state: DeviceState): Promise<void>;
  setRootAccess(path: string, access: RootAccessMode, devices: string[]): Promise<void>;
  /** Resolves to the node's refusal, or null when saved. */
  saveNetworks(update: Partial<NetworkSettings>): Promise<string | null>;
}

export function createAccessStore(api: NodeApi) {
  let devicesLoading: Promise<void> | undefined;
  return createStore<AccessState>()((set, get) => {
    const saving = async (key: string, work: () => Promise<void>) => {
      set({ busy: key });
      try {
        await work();
        set({ error: null });
      } catch (err) {
        set({ error: errorMessage(err) });
      } finally {
        set({ busy: null });
      }
    };
    return {
      devices: null,
      roots: null,
      networks: null,
      error: null,
      busy: null,
      load: async () => {
        try {
          const [devices, roots, networks] = await Promise.all([api.listDevices(), api.listSharedRoots(), api.getNetworkSettings()]);
          set({ devices: devices.items, roots: roots.items, networks, error: null });
        } catch (err) {
          set({ error: errorMessage(err) });
        }
      },
      // One load at a time: every access control on screen asks for the devices when it mounts.
      loadDevices: () => (devicesLoading ??= (async () => {
        try {
          const [devices, roots] = await Promise.all([api.listDevices(), api.listSharedRoots()]);
          set({ devices: devices.items, roots: roots.items });
        } catch {
          // The next poll tries again; a lost node shows in the connection banner.
        } finally {
          devicesLoading = undefined;
        }
      })()),
      loadRoots: async () => {
        try {
          set({ roots: (await api.listSharedRoots()).items });
        } catch (err) {
          set({ error: errorMessage(err) });
        }
      },
      setDeviceState: (id, state) => saving(id, async () => {
        const device = await api.setDeviceState({ params: { deviceId: id }, body: { state } });
        set({ devices: (get().devices ?? []).map((d) => (d.id === id ? device : d)) });
      }),
      setRootAccess: (path, access, devices) => {
        // Shown at once (a checkbox follows the click); the node's answer then replaces it.
        const before = get().roots;
        set({ roots: (before ?? []).map((r) => (r.path === path ? { ...r, access, devices } : r)) });
        return saving(path, async () => {
          try {
            const root = await api.setRootAccess({ body: { path, access, devices } });
            set({ roots: (get().roots ?? []).map((r) => (r.path === root.path ? root : r)) });
          } catch (err) {
            set({ roots: before });
            throw err;
          }
        });
      },
      saveNetworks: async (update) => {
        set({ busy: 'networks' });
        try {
          set({ networks: await api.setNetworkSettings({ body: update }), busy: null });
          return null;
        } catch (err) {
          set({ busy: null });
          return errorMessage(err);
        }
      },
    };
  });
}
