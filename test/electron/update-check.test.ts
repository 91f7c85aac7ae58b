// The update check against a local fake feed: a real HTTP server on 127.0.0.1 laid out as GitHub
// serves a release (latest/download redirects to the tag's assets), with latest*.yml files in the
// shape electron-builder writes them. Also electron-updater's own GitHub provider, driven against
// the same server, so the feed we test with is the one the installer path reads.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkFeed, feedFileName, githubReleaseUrls, isNewer, parsePublishConfig, updateAction } from '../../src-main/electron/update-check.js';

const feedYaml = (version: string, file: string) => `version: ${version}
files:
  - url: ${file}
    sha512: 3q2+7w==
    size: 104857600
path: ${file}
sha512: 3q2+7w==
releaseDate: '2026-12-01T10:00:00.000Z'
`;

let server: Server;
let base: string;
let latestTag = 'v0.2.0';
const requests: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const url = req.url ?? '/';
    requests.push(url);
    const latest = /^\/shoal-app\/shoal\/releases\/latest\/download\/(.+)$/.exec(url);
    if (latest) {
      res.writeHead(302, { location: `/shoal-app/shoal/releases/download/${latestTag}/${latest[1]}` }).end();
      return;
    }
    const asset = /^\/shoal-app\/shoal\/releases\/download\/v([^/]+)\/(latest[a-z0-9-]*\.yml)$/.exec(url);
    if (asset && asset[2] !== 'latest-linux-arm64.yml') {
      const version = asset[1] as string;
      const file = asset[2] === 'latest-mac.yml' ? `Shoal-${version}-arm64.dmg` : asset[2] === 'latest.yml' ? `Shoal-Setup-${version}.exe` : `Shoal-${version}-x86_64.AppImage`;
      res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(feedYaml(version, file));
      return;
    }
    if (url === '/api/v3/repos/shoal-app/shoal/releases/latest') {
      // What electron-updater asks a GitHub Enterprise host for the newest tag (github.com: /releases/latest).
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ tag_name: latestTag }));
      return;
    }
    if (url === '/shoal-app/shoal/releases.atom') {
      // The Atom feed electron-updater's GitHub provider reads to find the newest tag.
      res.writeHead(200, { 'content-type': 'application/atom+xml' }).end(`<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><id>tag:github.com,2008:https://github.com/shoal-app/shoal/releases</id><title>Release notes</title>
<entry><id>tag:github.com,2008:Repository/1/${latestTag}</id><updated>2026-12-01T10:00:00Z</updated><link rel="alternate" type="text/html" href="/shoal-app/shoal/releases/tag/${latestTag}"/><title>Shoal ${latestTag}</title><content type="html">Notes</content></entry>
</feed>`);
      return;
    }
    res.writeHead(404).end('Not Found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

const release = { provider: 'github' as const, owner: 'shoal-app', repo: 'shoal' };
const check = (currentVersion: string, platform: NodeJS.Platform, arch = 'x64') =>
  checkFeed({ urls: githubReleaseUrls(release, base), currentVersion, platform, arch, fetch, now: () => new Date('2026-12-05T00:00:00Z') });

describe('the update check against a fake GitHub release', () => {
  it('offers a newer release on macOS as a notice with a link to its page', async () => {
    latestTag = 'v0.2.0';
    expect(await check('0.1.0', 'darwin')).toEqual({ state: 'notify', version: '0.2.0', releaseUrl: `${base}/shoal-app/shoal/releases/tag/v0.2.0` });
    expect(requests).toContain('/shoal-app/shoal/releases/download/v0.2.0/latest-mac.yml');
  });

  it('says "current" when the release is this version or older, and when there is no feed for the platform yet', async () => {
    latestTag = 'v0.2.0';
    expect(await check('0.2.0', 'win32')).toEqual({ state: 'current', checkedAt: '2026-12-05T00:00:00.000Z' });
    expect(await check('0.3.0-beta.1', 'linux')).toMatchObject({ state: 'current' });
    expect(await check('0.1.0', 'linux', 'arm64')).toMatchObject({ state: 'current' }); // 404: no arm64 build
  });

  it('fails with a catalogue error when the feed is not a release description or the server is gone', async () => {
    const garbage = (async () => new Response('<html>rate limited</html>', { status: 200 })) as typeof fetch;
    await expect(checkFeed({ urls: githubReleaseUrls(release, base), currentVersion: '0.1.0', platform: 'darwin', arch: 'x64', fetch: garbage, now: () => new Date() }))
      .rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(checkFeed({ urls: githubReleaseUrls(release, 'http://127.0.0.1:9'), currentVersion: '0.1.0', platform: 'darwin', arch: 'x64', fetch, now: () => new Date() }))
      .rejects.toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
  });
});

describe('update decisions', () => {
  it('installs where an unsigned app can be replaced (NSIS, AppImage) and notifies elsewhere', () => {
    expect(updateAction('win32', {})).toBe('install');
    expect(updateAction('linux', { APPIMAGE: '/home/u/Shoal-0.1.0-x86_64.AppImage' })).toBe('install');
    expect(updateAction('linux', {})).toBe('notify');
    expect(updateAction('darwin', { APPIMAGE: 'x' })).toBe('notify');
  });

  it('reads the feed electron-builder publishes for each platform', () => {
    expect(feedFileName('win32', 'x64')).toBe('latest.yml');
    expect(feedFileName('darwin', 'arm64')).toBe('latest-mac.yml');
    expect(feedFileName('linux', 'x64')).toBe('latest-linux.yml');
    expect(feedFileName('linux', 'arm64')).toBe('latest-linux-arm64.yml');
  });

  it('orders versions as semver does for releases and pre-releases', () => {
    expect(isNewer('0.2.0', '0.1.9')).toBe(true);
    expect(isNewer('0.10.0', '0.9.0')).toBe(true);
    expect(isNewer('1.0.0', '1.0.0')).toBe(false);
    expect(isNewer('1.0.0', '1.0.0-beta.2')).toBe(true);
    expect(isNewer('1.0.0-beta.10', '1.0.0-beta.2')).toBe(true);
    expect(isNewer('1.0.0-beta.1', '1.0.0')).toBe(false);
    expect(isNewer('0.9.9', '1.0.0')).toBe(false);
  });

  it('reads the repository from app-update.yml and refuses anything else', () => {
    expect(parsePublishConfig('owner: shoal-app\nrepo: shoal\nprovider: github\nupdaterCacheDirName: shoal-updater\n')).toEqual(release);
    expect(() => parsePublishConfig('provider: generic\nurl: http://example.com\n')).toThrow(/GitHub repository/);
  });
});

describe("electron-updater's GitHub provider against the same feed", () => {
  // The classes the installer path uses (NSIS, AppImage), minus Electron: the provider with a plain
  // Node HTTP executor. host points it at the fake server, as at a GitHub Enterprise host.
  it('finds the newest release and reads its latest.yml', async () => {
    latestTag = 'v0.2.0';
    const require = createRequire(import.meta.url);
    const { GitHubProvider } = require('electron-updater/out/providers/GitHubProvider') as { GitHubProvider: new (...args: unknown[]) => { getLatestVersion(): Promise<{ version: string; files: { url: string }[] }> } };
    const { NodeHttpExecutor } = require('builder-util/out/nodeHttpExecutor') as { NodeHttpExecutor: new () => unknown };
    const { host } = new URL(base);
    const updater = { channel: null, allowPrerelease: false, currentVersion: { version: '0.1.0', prerelease: () => null, compare: () => -1 }, fullChangelog: false };
    const provider = new GitHubProvider({ provider: 'github', owner: 'shoal-app', repo: 'shoal', host, protocol: 'http' }, updater, { executor: new NodeHttpExecutor(), isUseMultipleRangeRequest: false, platform: 'win32' });
    const info = await provider.getLatestVersion();
    expect(info.version).toBe('0.2.0');
    expect(info.files[0]?.url).toBe('Shoal-Setup-0.2.0.exe');
  });
});
