// One on/off switch, for every setting that takes effect the moment it is flipped. It is a native
// checkbox with role="switch": the browser gives it focus, Space to flip and the checked state
// (screen readers hear "switch, on"), so no aria-checked is added (ARIA in HTML forbids it on a
// checkbox) and no key is handled here. The label is its accessible name; the description, said
// under it, is its accessible description.
import { useId, type ReactNode } from 'react';
import './switch.css';

export interface SwitchProps {
  /** The switch's name: what it turns on. */
  label: ReactNode;
  checked: boolean;
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
          disabled={disabled}
          aria-describedby={described ? descriptionId : undefined}
          onChange={(e) => onChange(e.target.checked)}
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
