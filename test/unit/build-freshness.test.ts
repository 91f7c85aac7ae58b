// `npm start` skips the build when out/ was built from the sources as they are (scripts/build-freshness.mjs).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildFingerprint, buildIsCurrent, markBuilt } from '../../scripts/build-freshness.mjs';

let root: string;
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'shoal-fresh-'));
  fs.mkdirSync(path.join(root, 'src-main', 'core'), { recursive: true });
  fs.mkdirSync(path.join(root, 'out', 'src-main', 'cli'), { recursive: true });
  fs.writeFileSync(path.join(root, 'src-main', 'core', 'a.ts'), 'export const a = 1;\n');
  fs.writeFileSync(path.join(root, 'package.json'), '{}');
  fs.writeFileSync(path.join(root, 'out', 'src-main', 'cli', 'main.js'), '');
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

describe('build freshness', () => {
  it('is current only after a build, until a source is edited, added or deleted', () => {
    expect(buildIsCurrent(root)).toBe(false);
    markBuilt(root, buildFingerprint(root));
    expect(buildIsCurrent(root)).toBe(true);

    fs.writeFileSync(path.join(root, 'src-main', 'core', 'a.ts'), 'export const a = 22;\n');
    expect(buildIsCurrent(root)).toBe(false);
    markBuilt(root, buildFingerprint(root));
    fs.writeFileSync(path.join(root, 'src-main', 'core', 'b.ts'), '');
    expect(buildIsCurrent(root)).toBe(false);
    markBuilt(root, buildFingerprint(root));
    fs.rmSync(path.join(root, 'src-main', 'core', 'b.ts'));
    expect(buildIsCurrent(root)).toBe(false);
    markBuilt(root, buildFingerprint(root));
    fs.writeFileSync(path.join(root, 'package.json'), '{"x":1}');
    expect(buildIsCurrent(root)).toBe(false);
  });

  it('is not current when the output is missing', () => {
    markBuilt(root, buildFingerprint(root));
    fs.rmSync(path.join(root, 'out', 'src-main', 'cli', 'main.js'));
    expect(buildIsCurrent(root)).toBe(false);
  });
});
