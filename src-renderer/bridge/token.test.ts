// @vitest-environment happy-dom
import { beforeEach, describe, expect, it } from 'vitest';
import { takeToken } from './token.js';

describe('the control token', () => {
  beforeEach(() => sessionStorage.clear());

  it('is taken from the address, kept for the tab, and removed from the address bar', () => {
    history.replaceState(null, '', '/search?token=abc123&x=1#top');
    expect(takeToken(location, history, sessionStorage)).toBe('abc123');
    expect(location.pathname + location.search + location.hash).toBe('/search?x=1#top');
    expect(takeToken(location, history, sessionStorage)).toBe('abc123'); // a reload
  });

  it('is absent for a stranger', () => {
    history.replaceState(null, '', '/');
    expect(takeToken(location, history, sessionStorage)).toBeNull();
  });
});
