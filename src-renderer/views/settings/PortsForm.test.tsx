// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { PortsForm } from './PortsForm.js';

afterEach(cleanup);

describe('the ports form', () => {
  it('sends a changed, valid pair of ports', () => {
    const saved: unknown[] = [];
    render(<PortsForm current={{ peerPort: 9001, indexPort: 8080 }} busy={false} onSave={async (p) => void saved.push(p)} />);
    const apply = screen.getByRole('button', { name: /Apply ports/ });
    expect((apply as HTMLButtonElement).disabled).toBe(true); // nothing changed yet
    fireEvent.change(screen.getByLabelText('Peer port'), { target: { value: '9100' } });
    fireEvent.click(apply);
    expect(saved).toEqual([{ peerPort: 9100, indexPort: 8080 }]);
  });

  it('explains a port out of range and sends nothing', () => {
    const saved: unknown[] = [];
    render(<PortsForm current={{ peerPort: 9001, indexPort: 8080 }} busy={false} onSave={async (p) => void saved.push(p)} />);
    fireEvent.change(screen.getByLabelText('Index server port'), { target: { value: '70000' } });
    expect(screen.getByText(/A port is a number from 0 to 65535/)).toBeTruthy();
    expect(screen.getByLabelText('Index server port').getAttribute('aria-invalid')).toBe('true');
    fireEvent.click(screen.getByRole('button', { name: /Apply ports/ }));
    expect(saved).toEqual([]);
  });
});
