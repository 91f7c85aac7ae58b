// electron-builder.yml, checked without packaging (which needs downloads our machines cannot make,
// docs/packaging.md): it must pass electron-builder's own JSON schema, and say what docs/packaging.md promises.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../..');

type Target = { target: string; arch?: string[] };
interface BuilderConfig {
  appId: string;
  productName: string;
  files: string[];
  asarUnpack: string[];
  npmRebuild: boolean;
  protocols: { name: string; schemes: string[] }[];
  electronFuses: Record<string, boolean>;
  mac: { icon: string; target: Target[]; identity?: string | null; hardenedRuntime?: boolean };
  win: { icon: string; target: Target[] };
  nsis: { oneClick: boolean; perMachine: boolean; allowToChangeInstallationDirectory: boolean };
  linux: { icon: string; target: Target[]; executableName: string; syncDesktopName: boolean };
  extraMetadata: { desktopName: string };
  publish: { provider: string };
}

const config = parse(readFileSync(join(root, 'electron-builder.yml'), 'utf8')) as BuilderConfig;
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { main: string };

let validate: ValidateFunction;
beforeAll(() => {
  const schema = JSON.parse(readFileSync(join(root, 'node_modules/app-builder-lib/scheme.json'), 'utf8')) as object;
  // electron-builder's own options (app-builder-lib's schemaValidator), less type coercion: the
  // schema uses a custom `typeof` keyword and union types that strict mode would refuse.
  validate = new Ajv({ allErrors: true, strict: false, allowUnionTypes: true }).compile(schema);
}, 30_000);

describe('electron-builder.yml', () => {
  it("passes electron-builder's schema", () => {
    const valid = validate(config);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it.each([
    ['a misspelled top-level key', { ...config, asarUnpak: config.asarUnpack }],
    ['a misspelled fuse', { ...config, electronFuses: { ...config.electronFuses, runAsNod: false } }],
    ['a fuse that is not a boolean', { ...config, electronFuses: { ...config.electronFuses, runAsNode: 'no' } }],
    ['a protocol without schemes', { ...config, protocols: [{ name: 'Shoal link' }] }],
    ['an unknown nsis option', { ...config, nsis: { ...config.nsis, perUser: true } }],
  ])('would reject %s', (_what, broken) => {
    expect(validate(broken)).toBe(false);
  });

  it('names the app', () => {
    expect(config.appId).toBe('app.shoal.desktop');
    expect(config.productName).toBe('Shoal');
  });

  it('builds a dmg for Intel and Apple Silicon (and the zip the macOS update feed is written from), an NSIS installer and an AppImage', () => {
    expect(config.mac.target).toEqual([{ target: 'dmg', arch: ['x64', 'arm64'] }, { target: 'zip', arch: ['x64', 'arm64'] }]);
    expect(config.win.target).toEqual([{ target: 'nsis', arch: ['x64'] }]);
    expect(config.linux.target).toEqual([{ target: 'AppImage', arch: ['x64'] }]);
  });

  it('installs per user on Windows, in a folder the user may choose', () => {
    expect(config.nsis).toMatchObject({ oneClick: false, perMachine: false, allowToChangeInstallationDirectory: true });
  });

  it('packages the compiled app, main entry included, and nothing else of the repo', () => {
    expect(config.files).toEqual([
      'out/src-main/**', 'out/src-shared/**', 'out/renderer/**', 'out/dashboard/**', 'out/preload/**', 'package.json',
      'native/leaf-hash/build/Release/leaf_hash.node', // the native leaf hasher, built by npm install
    ]);
    expect(pkg.main.startsWith('out/src-main/')).toBe(true);
  });

  it('unpacks better-sqlite3 from the asar and rebuilds it for Electron', () => {
    expect(config.asarUnpack).toContain('node_modules/better-sqlite3/**');
    expect(config.asarUnpack).toContain('node_modules/@chainsafe/hashtree*/**');
    expect(config.asarUnpack).toContain('native/leaf-hash/build/Release/leaf_hash.node'); // a .node file cannot load from inside the asar
    expect(config.npmRebuild).toBe(true);
  });

  it('registers shoal:// links', () => {
    expect(config.protocols).toEqual([{ name: 'Shoal link', schemes: ['shoal'] }]);
    // Linux: electron-builder derives MimeType=x-scheme-handler/shoal from `protocols`; the desktop
    // file's name must match the app_id Electron takes from desktopName.
    expect(config.extraMetadata.desktopName).toBe(`${config.linux.executableName}.desktop`);
    expect(config.linux.syncDesktopName).toBe(true);
  });

  it('flips the fuses', () => {
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      loadBrowserProcessSpecificV8Snapshot: false,
      grantFileProtocolExtraPrivileges: false,
    });
  });

  it('signs macOS builds ad hoc, without the hardened runtime that would refuse the native module', () => {
    expect(config.mac.identity).toBe('-');
    expect(config.mac.hardenedRuntime).toBe(false);
  });

  it('refers only to icon files that exist', () => {
    expect(statSync(join(root, config.mac.icon)).isFile()).toBe(true);
    expect(config.mac.icon.endsWith('.icns')).toBe(true);
    expect(statSync(join(root, config.win.icon)).isFile()).toBe(true);
    expect(config.win.icon.endsWith('.ico')).toBe(true);
    // Linux: a folder of NxN.png files.
    for (const size of [16, 32, 48, 64, 128, 256, 512]) {
      expect(existsSync(join(root, config.linux.icon, `${size}x${size}.png`)), `${size}x${size}.png`).toBe(true);
    }
  });

  it('publishes to GitHub releases', () => {
    expect(config.publish.provider).toBe('github');
  });
});

describe('.github/workflows/release.yml', () => {
  interface Step { run?: string; env?: Record<string, string> }
  const workflow = parse(readFileSync(join(root, '.github/workflows/release.yml'), 'utf8')) as {
    on: { push: { tags: string[] } };
    jobs: { package: { strategy: { matrix: { os: string[] } }; steps: Step[] } };
  };

  it('packages on a v* tag, on each OS, publishing with the GitHub token and no signing identity', () => {
    expect(workflow.on.push.tags).toEqual(['v*']);
    expect(workflow.jobs.package.strategy.matrix.os).toEqual(['macos-latest', 'windows-latest', 'ubuntu-latest']);
    const publish = workflow.jobs.package.steps.find((step) => step.run === 'npx electron-builder --publish always');
    expect(publish?.env).toMatchObject({ GH_TOKEN: '${{ secrets.GITHUB_TOKEN }}', CSC_IDENTITY_AUTO_DISCOVERY: 'false' });
  });
});
