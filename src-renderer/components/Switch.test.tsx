// @vitest-environment happy-dom
// The one on/off switch: a switch to assistive technology, named by its label and described by its
// description, reachable with Tab, flipped by its activation (what Space does to a native checkbox;
// e2e/index-role.spec.ts presses the key), and while unavailable refusing flips but keeping the focus.
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { useState } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { Switch } from './Switch.js';

afterEach(cleanup);

/** A switch whose owner takes every change, as the settings do, and records them. */
function Owned({ disabled = false, flips }: { disabled?: boolean; flips: boolean[] }) {
  const [on, setOn] = useState(false);
  return (
    <>
      <button type="button">before</button>
      <Switch
        label="Run as index server"
        description="Other peers register with this node."
        descriptionTestId="explained"
        checked={on}
        disabled={disabled}
        onChange={(next) => {
          flips.push(next);
          setOn(next);
        }}
      />
    </>
  );
}

describe('Switch', () => {
  it('is a switch named by its label, described by its description, off until turned on', () => {
    render(<Owned flips={[]} />);
    const toggle = screen.getByRole('switch', { name: 'Run as index server', checked: false }) as HTMLInputElement;
    expect(toggle.type).toBe('checkbox'); // native: the browser gives it Space and the checked state
    expect(toggle.hasAttribute('aria-checked')).toBe(false); // not allowed on a checkbox; `checked` says it
    const described = document.getElementById(toggle.getAttribute('aria-describedby') ?? '');
    expect(described).toBe(screen.getByTestId('explained'));
    expect(described?.textContent).toBe('Other peers register with this node.');
  });

  it('takes the focus in the tab order and flips on and off, telling its owner the new state', () => {
    const flips: boolean[] = [];
    render(<Owned flips={flips} />);
    const toggle = screen.getByRole('switch', { name: 'Run as index server' });
    expect(toggle.tabIndex).toBe(0);
    toggle.focus();
    expect(document.activeElement).toBe(toggle);
    fireEvent.click(toggle);
    expect(screen.getByRole('switch', { name: 'Run as index server', checked: true })).toBe(toggle);
    expect(document.activeElement).toBe(toggle); // flipping keeps the focus where it was
    fireEvent.click(toggle);
    expect(flips).toEqual([true, false]);
  });

  it('clicking its label flips it too', () => {
    const flips: boolean[] = [];
    render(<Owned flips={flips} />);
    fireEvent.click(screen.getByText('Run as index server'));
    expect(flips).toEqual([true]);
  });

  it('while unavailable says so, keeps its focus and flips nothing', () => {
    const flips: boolean[] = [];
    render(<Owned disabled flips={flips} />);
    const toggle = screen.getByRole('switch', { name: 'Run as index server' }) as HTMLInputElement;
    expect(toggle.getAttribute('aria-disabled')).toBe('true');
    expect(toggle.disabled).toBe(false); // a disabled control would drop the focus of whoever pressed Space
    expect(toggle.tabIndex).toBe(0);
    toggle.focus();
    fireEvent.click(toggle);
    fireEvent.click(screen.getByText('Run as index server'));
    expect(flips).toEqual([]);
    expect(toggle.checked).toBe(false);
    expect(document.activeElement).toBe(toggle);
  });

  it('becomes unavailable under the focus and keeps it (the node applying the flip)', () => {
    const flips: boolean[] = [];
    const { rerender } = render(<Switch label="Run as index server" checked={false} onChange={(on) => flips.push(on)} />);
    const toggle = screen.getByRole('switch', { name: 'Run as index server' });
    toggle.focus();
    fireEvent.click(toggle);
    rerender(<Switch label="Run as index server" checked disabled onChange={(on) => flips.push(on)} />);
    expect(document.activeElement).toBe(toggle);
    rerender(<Switch label="Run as index server" checked onChange={(on) => flips.push(on)} />);
    expect(toggle.hasAttribute('aria-disabled')).toBe(false);
    expect(flips).toEqual([true]);
  });

  it('has no description when given none', () => {
    render(<Switch label="Check for updates" checked onChange={() => undefined} />);
    const toggle = screen.getByRole('switch', { name: 'Check for updates', checked: true });
    expect(toggle.hasAttribute('aria-describedby')).toBe(false);
    expect(document.querySelector('p')).toBeNull();
  });
});
