// Who may see one shared root (the shared folder, or a path shared by hand): "Everyone" or "Only
// these devices", then the devices to tick. The one control for it, in Settings (Who sees your
// shared folders) and in Share (the shared folder's line, each path shared by hand, a file's
// details). It changes the root through PUT /api/v1/library/roots/access (the access store).
import { useEffect, useId } from 'react';
import type { Device, SharedRoot } from '../../src-shared/api/access.js';
import { shortNodeId } from '../../src-shared/node-id.js';
import { useDomain } from '../app/stores-context.js';
import './root-access.css';

export function deviceName(d: Pick<Device, 'name' | 'id'>): string {
  return d.name ?? `Device ${shortNodeId(d.id)}`;
}

/** The last name of a root's path (a folder's or a file's), for labels. */
export function rootName(root: Pick<SharedRoot, 'path'>): string {
  return root.path.split(/[\\/]/).filter(Boolean).pop() ?? root.path;
}

export function RootAccessControl({ root }: { root: SharedRoot }) {
  const known = useDomain('access', (s) => s.devices);
  const loadDevices = useDomain('access', (s) => s.loadDevices);
  const busy = useDomain('access', (s) => s.busy);
  const setRootAccess = useDomain('access', (s) => s.setRootAccess);
  const selectId = useId();
  // Share loads the roots alone: the devices to choose from come when a control first shows.
  useEffect(() => {
    if (!known) void loadDevices();
  }, [known, loadDevices]);
  const devices = known ?? [];
  const chosen = new Set(root.devices);
  // Devices chosen before but not seen lately still show, so they can be taken off.
  const candidates: Pick<Device, 'id' | 'name' | 'state'>[] = [
    ...devices.filter((d) => d.state !== 'blocked' || chosen.has(d.id)),
    ...root.devices.filter((id) => !devices.some((d) => d.id === id)).map((id) => ({ id, name: null, state: 'none' as const })),
  ];
  // Busy saving: aria-disabled, not disabled, so a keyboard user keeps the focus (as Switch does).
  const saving = busy === root.path;
  const toggle = (id: string, on: boolean) => {
    if (saving) return;
    const next = on ? [...root.devices, id] : root.devices.filter((d) => d !== id);
    void setRootAccess(root.path, 'devices', next);
  };
  const name = rootName(root);
  return (
    <div className="root-access-control">
      <div className="root-access">
        <label htmlFor={selectId}>Shared with</label>
        <select
          id={selectId}
          value={root.access}
          aria-disabled={saving}
          onChange={(e) => {
            if (!saving) void setRootAccess(root.path, e.target.value === 'devices' ? 'devices' : 'everyone', root.devices);
          }}
        >
          <option value="everyone">Everyone</option>
          <option value="devices">Only these devices</option>
        </select>
      </div>
      {root.access === 'devices' ? (
        candidates.length === 0 ? (
          <p className="muted">No device yet: only you see these files. Devices you have seen appear here to choose.</p>
        ) : (
          <fieldset className="root-devices">
            <legend className="visually-hidden">Devices that may see {name}</legend>
            {candidates.map((d) => (
              <label key={d.id} className="root-device">
                <input type="checkbox" checked={chosen.has(d.id)} aria-disabled={saving} onChange={(e) => toggle(d.id, e.target.checked)} />
                <span>{deviceName(d)}</span> <code title={d.id}>{shortNodeId(d.id)}</code>
              </label>
            ))}
          </fieldset>
        )
      ) : null}
    </div>
  );
}
