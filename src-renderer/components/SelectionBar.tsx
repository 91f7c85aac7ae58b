// The bar above a list while rows are selected: how many, the batch actions, and a way out.
import type { ReactNode } from 'react';
import { countOf } from '../app/use-selection.js';
import './selection.css';

export function SelectionBar({ count, noun, onClear, children }: { count: number; noun: string; onClear(): void; children: ReactNode }) {
  if (count === 0) return null;
  return (
    <div className="selection-bar" role="toolbar" aria-label={`Actions on the selected ${noun}s`} data-testid="selection-bar">
      <strong aria-live="polite">{countOf(count, noun)} selected</strong>
      {children}
      <button type="button" className="link" onClick={onClear}>
        Clear selection
      </button>
    </div>
  );
}

/** A row's checkbox: a shift-click selects the range from the last row clicked. */
export function RowCheckbox({ label, checked, onToggle }: { label: string; checked: boolean; onToggle(shift: boolean): void }) {
  return (
    <input
      type="checkbox"
      className="row-check"
      aria-label={label}
      checked={checked}
      onChange={(e) => onToggle((e.nativeEvent as MouseEvent).shiftKey === true)}
    />
  );
}
