import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** npm's own CLI script: beside the node that runs the tests (a standard install), or the one running `npm test`. */
function npmCli(): string {
  const candidates = [join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'bin', 'npm-cli.js'), process.env.npm_execpath ?? ''];
  const found = candidates.find((c) => c.endsWith('npm-cli.js') && existsSync(c));
  if (!found) throw new Error(`npm-cli.js not found (looked at ${candidates.filter(Boolean).join(', ')})`);
  return found;
}

/** What `npm pack` would put in the package (`--dry-run`: nothing written; `--ignore-scripts`: dist/ as npm test built it). */
async function packed(): Promise<string[]> {
  const { stdout } = await run(process.execPath, [npmCli(), 'pack', '--dry-run', '--json', '--ignore-scripts'], {
    cwd: root,
    timeout: 120_000,
    maxBuffer: 16 << 20,
  });
  const [pack] = JSON.parse(stdout) as { files: { path: string }[] }[];
  return pack!.files.map((f) => f.path);
}

describe('npm pack', () => {
  // The bin's bundle as `npm run build` and `prepare` leave it (npm test's tsc run makes an earlier one stale).
  const files = run(process.execPath, [join(root, 'scripts', 'package', 'build-bin.mjs')], { cwd: root, timeout: 300_000 }).then(packed);

  it('ships the product: the bin, the schema export, the collectors, the server, the catalogs, the docs', async () => {
    const list = await files;
    for (const f of ['package.json', 'README.md', 'dist/cli/cli.js', 'dist/schema/index.js', 'dist/collectors/index.js', 'dist/server/app.js', 'docs/architecture.md']) {
      expect(list).toContain(f);
    }
    expect(list.some((f) => /^rules\/catalogs\/[^/]+\.json$/.test(f))).toBe(true);
    // The form the runtime reads: validated by the build (prepare), one compiled file per catalog source.
    const sources = list.filter((f) => /^rules\/catalogs\/[^/]+\.json$/.test(f)).map((f) => f.slice('rules/catalogs/'.length));
    // Beside them, what the build worked out for the software catalogs' names (rules/catalog/name-facts.ts).
    expect(list.filter((f) => f.startsWith('dist/rules/catalogs/')).map((f) => f.slice('dist/rules/catalogs/'.length)).sort()).toEqual([...sources, 'name-facts.json'].sort());
    // And the record of how the build's Node names zones and locales (collectors/locale/intl-facts.ts).
    expect(list).toContain('dist/collectors/locale/intl-facts.json');
  });

  it("ships the bin's laptop bundle with its build-time code cache, and nothing else in its folder", async () => {
    const list = await files;
    expect(list.filter((f) => f.startsWith('dist/cli/bundle/')).sort()).toEqual([
      'dist/cli/bundle/farmwatch.cjs',
      'dist/cli/bundle/farmwatch.cjs.v8cache',
    ]);
  });

  it('ships no benchmark, soak, eval tool, screenshot tool, build or catalog tool, test or test helper', async () => {
    const list = await files;
    const tooling = list.filter(
      (f) =>
        /^dist\/(scripts|test|bundle)\//.test(f) ||
        /^(scripts|test)\//.test(f) ||
        /(^|\/)(bench|soak|eval|scenario-corpus|screenshots?|hostile|chromium|pg-cluster|helpers|record-fixtures|validate-snapshot|gen-config-docs|build-(bundle|sea))(\/|\.|$)/.test(f.replace(/^docs\/.*/, '')) ||
        /\.(test|spec)\.[cm]?[jt]s$/.test(f),
    );
    expect(tooling).toEqual([]);
  });
});
