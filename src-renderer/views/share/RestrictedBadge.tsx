// The mark of what only chosen devices see (a root with access "devices": the shared folder, a path
// shared by hand, a file in one): a small lock and how many devices, said in full in the tooltip
// and to screen readers. The same mark and sentence wherever Share shows it.
import { countOf } from '../../app/use-selection.js';

function restrictedText(devices: number): string {
  return devices === 0
    ? 'Shared with no device yet: no other peer sees it'
    : `Shared only with ${countOf(devices, 'chosen device')}; no other peer sees it`;
}

export function RestrictedBadge({ devices }: { devices: number }) {
  const text = restrictedText(devices);
  return (
    <span className="restricted-badge" title={text} data-testid="restricted-badge">
      <svg viewBox="0 0 16 16" width="12" height="12" aria-hidden="true" focusable="false">
        <rect x="2.5" y="7" width="11" height="8" rx="1.5" fill="currentColor" />
        <path d="M5 7V5a3 3 0 0 1 6 0v2" fill="none" stroke="currentColor" strokeWidth="1.6" />
      </svg>
      <span aria-hidden="true">{devices}</span>
      <span className="visually-hidden">{text}</span>
    </span>
  );
}
