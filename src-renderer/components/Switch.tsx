// One on/off switch, for every setting that takes effect the moment it is flipped. It is a native
// checkbox with role="switch": the browser gives it focus, Space to flip and the checked state
// (screen readers hear "switch, on"), so no aria-checked is added (ARIA in HTML forbids it on a
// checkbox) and no key is handled here. The label is its accessible name; the description, said
// under it, is its accessible description. Unavailable (while the node applies a change, or before
// the setting is known) it is aria-disabled and refuses the flip, but is never `disabled`: that
// would drop the keyboard focus the moment Space was pressed.
import { useId, type ReactNode } from 'react';
import './switch.css';

export interface SwitchProps {
  /** The switch's name: what it turns on. */
  label: ReactNode;
  checked: boolean;
  /** Unavailable: says so, keeps its focus and ignores flips. */
  disabled?: boolean;
  onChange(on: boolean): void;
  /** What turning it on does (and costs), shown under it. */
  description?: ReactNode;
  /** The description's data-testid, for tests that read it. */
  descriptionTestId?: string;
}

export function Switch({ label, checked, disabled = false, onChange, description, descriptionTestId }: SwitchProps) {
  const descriptionId = useId();
  const described = description !== undefined && description !== null;
  return (
    <>
      <label className="switch">
        <input
          type="checkbox"
          role="switch"
          checked={checked}
          aria-disabled={disabled || undefined}
          aria-describedby={described ? descriptionId : undefined}
          onClick={(e) => {
            if (disabled) e.preventDefault(); // a checkbox's click is its flip (Space too): undone here
          }}
          onChange={(e) => {
            if (!disabled) onChange(e.target.checked);
          }}
        />
        <span>{label}</span>
      </label>
      {described ? (
        <p className="muted" id={descriptionId} data-testid={descriptionTestId}>
          {description}
        </p>
      ) : null}
    </>
  );
}
