// `npm run docs:config`: writes docs/configuration.md from the config schema (config-doc.ts).
import { writeFileSync } from 'node:fs';
import { renderConfigDoc } from '../core/config/config-doc.js';

const target = new URL('../../docs/configuration.md', import.meta.url);
writeFileSync(target, renderConfigDoc());
process.stdout.write(`wrote ${target.pathname}\n`);
