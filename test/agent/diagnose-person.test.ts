/** `farmwatch diagnose` read by the person at the laptop: summary, next step, plain evidence, notes only on request. */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evidenceSentences } from '../../rules/evidence/words.js';
import { summaryLines, summaryOf } from '../../agent/diagnose/summary.js';
import { levels } from '../../rules/types.js';
import { farmwatch } from './cli-run.js';

let dir: string;

/** A labelled scenario of the corpus as a saved snapshot plus its config (with a contact when given). */
async function scenario(name: string, contact?: string): Promise<{ snap: string; cfg: string }> {
  const raw = JSON.parse(await readFile(new URL(`../scenarios/corpus/${name}.json`, import.meta.url), 'utf8')) as { snapshot: unknown; config?: Record<string, unknown> };
  const snap = join(dir, `${name}.snapshot.json`);
  const cfg = join(dir, `${name}.config.json`);
  await writeFile(snap, JSON.stringify(raw.snapshot));
  await writeFile(cfg, JSON.stringify({ ...(raw.config ?? {}), stateDir: join(dir, 'state'), ...(contact ? { contact } : {}) }));
  return { snap, cfg };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fw-diagnose-person-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('diagnose on this (clean) machine', () => {
  it('prints a summary and no collector notes without --verbose; --verbose shows them', async () => {
    const env = { XDG_STATE_HOME: join(dir, 'xdg') };
    const json = await farmwatch(['diagnose', '--json'], env);
    expect(json.code, json.stderr).toBe(0);
    const out = JSON.parse(json.stdout) as { level: string; summary: { found: string; howSure: string; next: string }; snapshot: { collectors: Record<string, { notes?: string[] }> } };
    expect(['none', 'low']).toContain(out.level);
    expect(out.summary).toMatchObject({ found: expect.any(String), howSure: expect.stringContaining(`level ${out.level}`), next: expect.any(String) });

    const plain = await farmwatch(['diagnose'], env);
    expect(plain.code, plain.stderr).toBe(0);
    expect(plain.stdout).toMatch(/^Found: {4}.+$/m);
    expect(plain.stdout).toMatch(/^How sure: Score \d+ of 100, level (none|low): .+$/m);
    expect(plain.stdout).toMatch(/^Next: {5}(Nothing to do\.|No action needed\..*)$/m);
    expect(plain.stdout).not.toMatch(/: note: /);
    expect(plain.stdout).not.toContain('weight x confidence');

    const verbose = await farmwatch(['diagnose', '--verbose'], env);
    expect(verbose.code, verbose.stderr).toBe(0);
    const hidden = /\((\d+) collector notes? for engineers: --verbose shows them\)/.exec(plain.stdout);
    const shown = verbose.stdout.split('\n').filter((l) => /^ {2}\w+: note: /.test(l)).length;
    // The two runs collect separately, so compare presence, not the exact count (a socket note may come and go).
    const notesInSnapshot = Object.values(out.snapshot.collectors).some((c) => (c.notes ?? []).length > 0);
    expect(hidden !== null, plain.stdout).toBe(notesInSnapshot);
    if (notesInSnapshot) expect(shown).toBeGreaterThan(0);
    expect(verbose.stdout).not.toContain('for engineers: --verbose');
  });

  it('--probe with no anchors configured says that nothing was probed and how to configure anchors', async () => {
    const env = { XDG_STATE_HOME: join(dir, 'xdg') };
    const r = await farmwatch(['diagnose', '--probe'], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('--probe: no latency.anchors in the config, so nothing was probed.');
    expect(r.stdout).toContain('"latency": {"anchors": [{"host": ');
    expect(r.stdout).toContain('no network connection was opened');
    const json = JSON.parse((await farmwatch(['diagnose', '--probe', '--json'], env)).stdout);
    expect(json.probe).toEqual({ anchors: 0, note: expect.stringContaining('nothing was probed') });
    expect(json.snapshot.network?.probes ?? []).toEqual([]);
  });
});

describe('diagnose at high or critical (replayed scenarios)', () => {
  it('AnyDesk + VPN + Pyongyang: what to do next, whom to contact, evidence in words with the Linux name', async () => {
    const { snap, cfg } = await scenario('anydesk-astrill-pyongyang', 'Security desk, security@example.com, ext. 4242');
    const r = await farmwatch(['diagnose', '--from', snap, '--config', cfg]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/level (HIGH|CRITICAL)/);
    expect(r.stdout).toMatch(/^Found: {4}AnyDesk is running; .+$/m);
    expect(r.stdout).toMatch(/^Next: {5}Report this to IT or security (now|today): .+$/m);
    expect(r.stdout).toContain('Contact:  Security desk, security@example.com, ext. 4242');
    expect(r.stdout).toContain('Tool: AnyDesk (by AnyDesk Software, a remote-desktop tool).');
    expect(r.stdout).toMatch(/Process "anydesk" \(id 3500, user root, from \/usr\/bin\/anydesk\), recognised as "anydesk" by its name\./);
    expect(r.stdout).not.toContain('anydesk.exe');
    expect(r.stdout).not.toContain('…');
    expect(r.stdout).not.toMatch(/evidence: \{|"matched":/);
    const json = JSON.parse((await farmwatch(['diagnose', '--json', '--from', snap, '--config', cfg])).stdout);
    expect(json.summary).toEqual({ found: expect.stringContaining('AnyDesk is running'), howSure: expect.any(String), next: expect.stringContaining('Report this'), contact: 'Security desk, security@example.com, ext. 4242' });
    expect(Object.keys(json).slice(0, 5)).toEqual(['score', 'level', 'findings', 'errors', 'scoredGroups']);
  });

  it('PiKVM: critical, says to leave the laptop as it is, and names a contact to set when the config has none', async () => {
    const { snap, cfg } = await scenario('pikvm');
    const r = await farmwatch(['diagnose', '--from', snap, '--config', cfg]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('level CRITICAL');
    expect(r.stdout).toMatch(/^Next: {5}Report this to IT or security now: .*Leave the laptop as it is.*$/m);
    expect(r.stdout).toContain('Contact:  your IT or security team (set "contact" in the config file to name them here)');
    expect(r.stdout).toContain('Monitor name: PiKVM V3.');
  });
});

describe('diagnose of a hostile snapshot', () => {
  it('prints no control character from the snapshot: terminal escapes and line breaks in names are shown escaped', async () => {
    const { snap, cfg } = await scenario('anydesk-astrill-pyongyang');
    const raw = JSON.parse(await readFile(snap, 'utf8')) as { host: { hostname: string }; processes: { name: string; user?: string }[] };
    raw.host.hostname = 'lt-1\nFound:    nothing';
    for (const p of raw.processes) if (p.name === 'anydesk') p.user = 'al\u001b[2Jice\r';
    const hostile = join(dir, 'hostile.snapshot.json');
    await writeFile(hostile, JSON.stringify(raw));
    const r = await farmwatch(['diagnose', '--verbose', '--from', hostile, '--config', cfg]);
    expect(r.code, r.stderr).toBe(0);
    // No control character but the line feeds the report itself writes.
    expect(r.stdout).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f]/);
    expect(r.stdout).toContain('farmwatch diagnose: lt-1\\u000aFound:    nothing (linux)');
    expect(r.stdout).toContain('user al\\u001b[2Jice\\u000d');
    expect(r.stdout.match(/^Found:/gm)).toHaveLength(1);
  });
});

describe('summary and evidence words (pure)', () => {
  const evaluation = (level: (typeof levels)[number]) => ({ score: 0, level, groups: [], findings: [] });

  it('says something different to do next for every level, and a contact line from medium up', () => {
    const next = levels.map((l) => summaryOf({ evaluation: evaluation(l) }).next);
    expect(new Set(next).size).toBe(levels.length);
    for (const l of levels) {
      const lines = summaryLines(summaryOf({ evaluation: evaluation(l) }), l);
      expect(lines.some((x) => x.startsWith('Contact:')), l).toBe(l === 'medium' || l === 'high' || l === 'critical');
      expect(summaryLines(summaryOf({ evaluation: evaluation(l), contact: 'x@example.com' }), l)).toContain('Contact:  x@example.com');
    }
  });

  it('renders unknown keys generically, escapes control characters and never cuts a value mid-JSON', () => {
    const lines = evidenceSentences({
      someNewFact: 'value', rttMs: 12, nested: { innerKey: true }, list: [{ a: 1 }, { a: 2 }, { a: 3 }, { a: 4 }, { a: 5 }, { a: 6 }],
      hostile: 'evil\u001b[31m\nname', empty: '', nothing: null, tags: ['x', 'y'],
    });
    expect(lines).toEqual([
      'Some new fact: value.',
      'Round-trip time (ms): 12.',
      'Nested: Inner key yes.',
      'List (6):',
      '  - A 1.', '  - A 2.', '  - A 3.', '  - A 4.', '  - A 5.',
      '  - and 1 more (see --json).',
      'Hostile: evil\\u001b[31m\\u000aname.',
      'Empty: (empty).',
      'Nothing: none.',
      'Tags: x, y.',
    ]);
  });
});
