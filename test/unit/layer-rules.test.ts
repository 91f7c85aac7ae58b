// The layer table (docs/architecture.md, "Layers") is enforced by the lint that `npm test` runs: prove each rule bites.
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: `${import.meta.dirname}/../..` });

async function restrictedImports(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('layer rules', () => {
  it.each([
    ['src-main/core/x.ts', "import { app } from 'electron';\nexport const a = app;\n"],
    ['src-shared/x.ts', "import { readFile } from 'node:fs/promises';\nexport const r = readFile;\n"],
    ['src-shared/x.ts', "import { createHash } from 'crypto';\nexport const c = createHash;\n"],
    ['src-renderer/x.ts', "import { readFile } from 'node:fs';\nexport const r = readFile;\n"],
    ['src-renderer/x.ts', "import { startNode } from '../src-main/core/node/shoal-node.js';\nexport const s = startNode;\n"],
    ['src-main/cli/x.ts', "import { app } from 'electron';\nexport const a = app;\n"],
    ['src-main/core/x.ts', "import { x } from '../cli/main.js';\nexport const y = x;\n"],
    ['src-main/electron/x.ts', "import { useState } from 'react';\nexport const u = useState;\n"],
    ['src-main/electron/preload.ts', "import { readFile } from 'node:fs';\nexport const r = readFile;\n"],
    ['src-main/electron/preload.ts', "import { startNode } from '../core/node/shoal-node.js';\nexport const s = startNode;\n"],
  ])('%s may not import that', async (file, code) => {
    expect(await restrictedImports(file, code)).not.toEqual([]);
  });

  it.each([
    ['src-shared/x.ts', "import { z } from 'zod';\nexport const s = z.string();\n"],
    ['src-main/core/x.ts', "import { readFile } from 'node:fs/promises';\nimport { z } from 'zod';\nexport const a = [readFile, z];\n"],
    ['src-main/cli/x.ts', "import { startNode } from '../core/node/shoal-node.js';\nexport const s = startNode;\n"],
    ['src-main/electron/x.ts', "import { app } from 'electron';\nimport { startNode } from '../core/node/shoal-node.js';\nexport const a = [app, startNode];\n"],
    ['src-main/electron/preload.ts', "import { contextBridge } from 'electron';\nimport { z } from 'zod';\nexport const a = [contextBridge, z];\n"],
  ])('%s may import that', async (file, code) => {
    expect(await restrictedImports(file, code)).toEqual([]);
  });
});
