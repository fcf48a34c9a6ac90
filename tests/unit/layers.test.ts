import { join } from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../support/paths';

/** The layer rule in eslint.config.js, run by ESLint itself on fixture code placed in the tree (nothing is written to disk). */
async function lint(file: string, code: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: repoRoot });
  const [result] = await eslint.lintText(code, { filePath: join(repoRoot, file) });
  return result!.messages.map((m) => `${m.ruleId}: ${m.message}`);
}

describe('layers inside src/main, enforced by lint', () => {
  it('an upward import fails npm run lint, a downward one passes', async () => {
    expect(await lint('src/main/storage/fixture.ts', "import { QueueService } from '../queue/service';\nexport const x = QueueService;\n")).toEqual([
      expect.stringMatching(/^@typescript-eslint\/no-restricted-imports: .*src\/main\/storage is in layer 2 .*may not import .*queue/),
    ]);
    expect(await lint('src/main/sync/fixture.ts', "import type { StoredPayload } from '../../main/queue/service';\nimport { x } from '../queue/anything';\nexport type Y = StoredPayload | typeof x;\n")).toHaveLength(2);
    expect(await lint('src/main/queue/fixture.ts', "import { SyncEngine } from '../sync/engine';\nimport { sleep } from '../base/scheduler';\nexport const x = [SyncEngine, sleep];\n")).toEqual([]);
  });

  it('a type-only upward import is refused too, and peers in one layer stay apart', async () => {
    expect(await lint('src/main/base/fixture.ts', "import type { Logger } from '../logging/logger';\nexport type L = Logger;\n")).toHaveLength(1);
    expect(await lint('src/main/device/fixture.ts', "import { PortalClient } from '../portal/client';\nexport const x = PortalClient;\n")).toHaveLength(1);
  });

});
