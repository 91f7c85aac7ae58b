// @vitest-environment happy-dom
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { UpdateStatus } from '../../../src-shared/api/update-status.js';
import { STATUS_POLL_MS, UpdateSetting } from './UpdateSetting.js';

afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

const show = async (status: UpdateStatus, enabled = true) => {
  const toggled: boolean[] = [];
  render(<UpdateSetting enabled={enabled} busy={false} onToggle={(on) => toggled.push(on)} getStatus={async () => status} />);
  await act(async () => undefined);
  return toggled;
};

describe('the update switch and notice', () => {
  it('turns the check off and on', async () => {
    const toggled = await show({ state: 'off' });
    const toggle = screen.getByRole('switch', { name: 'Check for updates' }) as HTMLInputElement;
    expect(toggle.checked).toBe(true);
    fireEvent.click(toggle);
    expect(toggled).toEqual([false]);
    expect(screen.queryByRole('status')).toBeNull(); // off: nothing to say
  });

  it('links to the release page where the app cannot update itself (macOS, unsigned)', async () => {
    await show({ state: 'notify', version: '0.2.0', releaseUrl: 'https://github.com/shoal-app/shoal/releases/tag/v0.2.0' });
    expect(screen.getByRole('status').textContent).toMatch(/Shoal 0\.2\.0 is available/);
    const link = screen.getByRole('link', { name: 'Download it from its release page' });
    expect(link.getAttribute('href')).toBe('https://github.com/shoal-app/shoal/releases/tag/v0.2.0');
    expect(link.getAttribute('target')).toBe('_blank');
  });

  it('shows the download and then that it installs on quit (Windows, AppImage)', async () => {
    await show({ state: 'downloading', version: '0.2.0', percent: 41.6 });
    expect(screen.getByRole('status').textContent).toMatch(/Downloading Shoal 0\.2\.0:\s+42%/);
    expect(screen.getByRole('progressbar', { name: 'Update download' }).getAttribute('value')).toBe('41.6');
    cleanup();
    await show({ state: 'ready', version: '0.2.0' });
    expect(screen.getByRole('status').textContent).toBe('Shoal 0.2.0 is downloaded: it installs when you quit Shoal.');
  });

  it('says when it is up to date or the check failed', async () => {
    await show({ state: 'current', checkedAt: '2026-12-05T00:00:00.000Z' });
    expect(screen.getByRole('status').textContent).toMatch(/^Shoal is up to date \(checked /);
    cleanup();
    await show({ state: 'failed', message: 'The update feed answered HTTP 503.' });
    expect(screen.getByRole('status').textContent).toBe('The last update check failed: The update feed answered HTTP 503.');
  });

  it('follows the main process while Settings is open', async () => {
    vi.useFakeTimers();
    const answers: UpdateStatus[] = [{ state: 'checking' }, { state: 'ready', version: '0.3.0' }];
    render(<UpdateSetting enabled busy={false} onToggle={() => undefined} getStatus={async () => answers.shift() ?? { state: 'ready', version: '0.3.0' }} />);
    await act(async () => undefined);
    expect(screen.getByRole('status').textContent).toBe('Checking for updates…');
    await act(async () => {
      await vi.advanceTimersByTimeAsync(STATUS_POLL_MS);
    });
    expect(screen.getByRole('status').textContent).toMatch(/Shoal 0\.3\.0 is downloaded/);
  });
});
