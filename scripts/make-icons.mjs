// Renders assets/icon.svg, the one source image, into every icon the installers need:
//   assets/icon.png           1024x1024 (the master PNG)
//   assets/icons/NxN.png      Linux's icon set (electron-builder takes the folder)
//   assets/icon.icns          macOS (the sizes iconutil writes, 16 to 1024)
//   assets/icon.ico           Windows (16 to 256)
// Each size is rendered from the SVG itself rather than scaled down from the big PNG, so small
// sizes stay sharp. The outputs are committed: packaging never runs this. Run it again after
// editing the SVG: `node scripts/make-icons.mjs`.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { Resvg } from '@resvg/resvg-js';
import { IconIcns, IconIco } from '@shockpkg/icon-encoder';

const assets = new URL('../assets/', import.meta.url);
const svg = await readFile(new URL('icon.svg', assets));

/** The SVG rendered as a size x size PNG. */
function render(size) {
  const resvg = new Resvg(svg, { fitTo: { mode: 'width', value: size }, font: { loadSystemFonts: false } });
  return resvg.render().asPng();
}

const LINUX_SIZES = [16, 24, 32, 48, 64, 128, 256, 512, 1024];
// icns type codes per pixel size, in iconutil's order (the @2x types are the same pixels as the next size up).
const ICNS_TYPES = [[64, ['ic12']], [128, ['ic07']], [256, ['ic13']], [256, ['ic08']], [16, ['ic04']],
  [512, ['ic14']], [512, ['ic09']], [32, ['ic05']], [1024, ['ic10']], [32, ['ic11']]];
const ICO_SIZES = [256, 128, 64, 48, 32, 24, 16];

const pngs = new Map();
const png = (size) => {
  if (!pngs.has(size)) pngs.set(size, render(size));
  return pngs.get(size);
};

await writeFile(new URL('icon.png', assets), png(1024));

await mkdir(new URL('icons/', assets), { recursive: true });
for (const size of LINUX_SIZES) await writeFile(new URL(`icons/${size}x${size}.png`, assets), png(size));

const icns = new IconIcns();
icns.toc = true; // what current iconutil writes
for (const [size, types] of ICNS_TYPES) await icns.addFromPng(png(size), types);
await writeFile(new URL('icon.icns', assets), icns.encode());

// null: BMP for the small sizes (what old Windows shell code expects), PNG for 256.
const ico = new IconIco();
for (const size of ICO_SIZES) await ico.addFromPng(png(size), null);
await writeFile(new URL('icon.ico', assets), ico.encode());

console.log(`icons written to ${assets.pathname}: icon.png, icon.icns, icon.ico, icons/{${LINUX_SIZES.join(',')}}`);
