import { describe, expect, it } from 'vitest';
import { redactUrl } from '../../src-main/core/http/redact-url.js';

describe('redactUrl', () => {
  it('hides every token parameter and keeps the rest', () => {
    expect(redactUrl('/ws?token=abc')).toBe('/ws?token=[redacted]');
    expect(redactUrl('/api/v1/files?page=2&TOKEN=abc&x=1#y')).toBe('/api/v1/files?page=2&TOKEN=[redacted]&x=1#y');
    expect(redactUrl('/a?token=1&token=2')).toBe('/a?token=[redacted]&token=[redacted]');
    expect(redactUrl('/api/v1/files?mytoken=abc')).toBe('/api/v1/files?mytoken=abc');
    expect(redactUrl(undefined)).toBeUndefined();
  });
});
