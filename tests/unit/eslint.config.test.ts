// The layer direction is enforced, not just written down: ESLint, with the project's own
// configuration, refuses an import against it (a lower layer reaching up, the browser reaching
// the server) and lets an import along it through; the composition root (server/startup/) is
// checked too.
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// Type-aware rules need the file in the TypeScript project; these fixtures exist only in memory.
const eslint = new ESLint({
  overrideConfig: {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: false, project: null } },
  },
  ruleFilter: ({ ruleId }) => ruleId === 'boundaries/dependencies',
});

async function layerErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'boundaries/dependencies').map((m) => m.message);
}

// ESLint's first run loads the whole configuration: seconds on a busy machine.
describe('the layer lint', { timeout: 60_000 }, () => {
  it('refuses a lower layer importing a higher one', async () => {
    const errors = await layerErrors(
      'server/sandbox/lint-fixture.ts',
      "import { buildApp } from '../http/app.ts';\nexport const x = buildApp;\n",
    );
    expect(errors).toHaveLength(1);
    expect(
      await layerErrors('server/session/lint-fixture.ts', "export { routes } from '../http/routes/sessions.ts';\n"),
    ).toHaveLength(1);
  });

  it('refuses the browser code reaching into the server', async () => {
    const errors = await layerErrors(
      'src/lab/lint-fixture.ts',
      "import { SessionManager } from '../../server/session/manager.ts';\nexport const x = SessionManager;\n",
    );
    expect(errors).toHaveLength(1);
  });

  it('lets imports along the direction through, and checks the composition root too', async () => {
    expect(
      await layerErrors(
        'server/http/lint-fixture.ts',
        "import { SessionManager } from '../session/manager.ts';\nexport const x = SessionManager;\n",
      ),
    ).toEqual([]);
    expect(
      await layerErrors(
        'src/lab/lint-fixture.ts',
        "import { idSchema } from '../../shared/lab-schema.ts';\nexport const x = idSchema;\n",
      ),
    ).toEqual([]);
    // The composition root may import every server layer, not the browser's code; nothing imports it.
    expect(
      await layerErrors(
        'server/startup/main.ts',
        "import { buildApp } from '../http/app.ts';\nexport const x = buildApp;\n",
      ),
    ).toEqual([]);
    expect(await layerErrors('server/startup/main.ts', "import '../../src/api/client.ts';\n")).toHaveLength(1);
    expect(await layerErrors('server/http/lint-fixture.ts', "import '../startup/main.ts';\n")).toHaveLength(1);
  });
});
