import { describe, expect, it } from 'vitest';
import { blindSpots } from '../../rules/blind-spots.js';
import { renderEvidence } from '../../rules/evidence/index.js';
import { scoreBreakdown } from '../../server/cases/breakdown.js';
import { caseTimeline } from '../../server/cases/timeline.js';
import fc from 'fast-check';
import type { Finding } from '../../rules/types.js';
import { findingsEncoder, listText, storedFindingsJson, type VerdictRow } from '../../server/cases/verdict-log.js';
import { decompressBody } from '../../server/db/report-body.js';

describe('blind spots', () => {
  it('names the hardware collectors that returned nothing, and why, instead of calling them a success', () => {
    const b = blindSpots({
      schemaVersion: 1,
      usb: { devices: [] },
      displays: { connectors: [], adapters: [] },
      inputs: null,
      processes: { processes: [{ name: 'x' }] },
      collectors: {
        usb: { status: 'ok', notes: ['no USB devices under /sys/bus/usb/devices'] },
        displays: { status: 'ok' },
        inputs: { status: 'error' },
        processes: { status: 'ok' },
        locale: { status: 'unsupported', reason: 'not on this OS' },
      },
      errors: [{ collector: 'inputs', code: 'permission-denied', message: '/dev/input: permission denied' }],
    });
    const by = new Map(b.collectors.map((c) => [c.collector, c]));
    expect(by.get('usb')).toMatchObject({ state: 'empty', reason: 'no-bus' });
    expect(by.get('displays')).toMatchObject({ state: 'empty', reason: 'empty' });
    expect(by.get('inputs')).toMatchObject({ state: 'missing', reason: 'no-permission', detail: '/dev/input: permission denied' });
    expect(by.get('locale')).toMatchObject({ state: 'missing', reason: 'not-supported' });
    expect(by.get('processes')).toMatchObject({ state: 'ok' });
    expect(b.blind).toEqual(expect.arrayContaining(['usb', 'displays', 'inputs', 'locale']));
    expect(b.blind).not.toContain('processes');
  });

  it('is total: no snapshot, or garbage, is "not known", never a throw', () => {
    for (const v of [undefined, null, 42, 'x', [], { collectors: 'none', errors: 'x', usb: 5 }]) expect(() => blindSpots(v)).not.toThrow();
    expect(blindSpots(undefined).known).toBe(false);
  });
});

describe('evidence in words', () => {
  it('gives a known rule its sentence and every field a row', () => {
    const r = renderEvidence('ipkvm.usb', { vendorId: '1d6b', productId: '0104', product: 'PiKVM Composite Device', simulated: 'label' });
    expect(r.specific).toBe(true);
    expect(r.sentence).toBe('A USB device that identifies as an IP-KVM is attached: PiKVM Composite Device (USB 1d6b:0104). Its keyboard and screen can be driven over the network.');
    expect(r.rows).toEqual([['USB vendor id', '1d6b'], ['USB product id', '0104'], ['product', 'PiKVM Composite Device']]);
  });

  it('falls back safely for an unknown rule, a hostile value, a non-object and an id like __proto__', () => {
    expect(renderEvidence('new.rule', { a: 1 }, 'tool', 'A newer rule').sentence).toBe('A newer rule (tool).');
    expect(renderEvidence('__proto__', null).sentence).toBe('Rule __proto__ matched.');
    expect(renderEvidence(42, 'text').rows).toEqual([['value', 'text']]);
    const long = renderEvidence('x', { k: 'y'.repeat(5000) });
    expect(long.rows[0]![1].length).toBeLessThanOrEqual(301);
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    expect(() => renderEvidence('x', { c: circular })).not.toThrow();
  });
});

const row = (over: Partial<VerdictRow>): VerdictRow => ({
  reportId: 'r', deviceId: 'd', receivedAt: '2026-01-01T00:00:00.000Z', collectedAt: '', sourceIp: '10.0.0.1', agentScore: 0, agentLevel: 'none',
  serverScore: 0, serverLevel: 'none', agentFindings: [], serverFindings: [], blind: [], ...over,
});
const kvm = { rule: 'ipkvm.usb', title: 'An IP-KVM is attached', severity: 'critical', confidence: 0.95, weight: 0.95, group: 'ipkvm', evidence: {} };

describe('score breakdown and timeline', () => {
  it('puts server and agent side by side and says why they differ', () => {
    const b = scoreBreakdown({ score: 0, level: 'none', findings: [{ ...kvm, suppressed: true, suppressedBy: 'local allow' }] }, { score: 90, level: 'critical', findings: [kvm] });
    expect(b.server.lines).toEqual([expect.objectContaining({ group: 'ipkvm', weight: 0.95, confidence: 0.95 })]);
    expect(b.agent.lines).toEqual([]);
    expect(b.differences[0]?.reason).toMatch(/agent's local allow list silenced it/);
  });

  it('keeps the reports that moved the score, with the findings that moved it, and place changes', () => {
    const t = caseTimeline(
      new Map([['d', [row({ receivedAt: '2026-01-01T00:00:00.000Z' }), row({ receivedAt: '2026-01-01T01:00:00.000Z' }), row({ receivedAt: '2026-01-01T02:00:00.000Z', serverScore: 90, serverLevel: 'critical', serverFindings: [kvm], sourceIp: '10.0.0.2' })]]]),
      [],
      [],
    );
    expect(t.map((e) => e.kind)).toEqual(['score', 'score', 'place']);
    expect(t[1]).toMatchObject({ text: 'score 0 → 90 (critical)', added: ['An IP-KVM is attached'] });
    expect(t[2]?.text).toBe('reported from 10.0.0.2 (was 10.0.0.1)');
  });
});

describe('the verdict log writes findings', () => {
  /** The stored form, written the plain way: a copy of the finding's fields, its evidence cut past 4000 characters. */
  const reference = (f: Finding) => {
    let evidence: Record<string, unknown> = f.evidence && typeof f.evidence === 'object' ? f.evidence : {};
    const text = JSON.stringify(evidence) ?? '{}';
    if (text.length > 4000) evidence = { cut: `evidence of ${text.length} characters, not kept here: see the report` };
    return {
      rule: String(f.rule).slice(0, 128),
      title: String(f.title).slice(0, 300),
      severity: String(f.severity),
      confidence: Number.isFinite(f.confidence) ? f.confidence : 0,
      ...(typeof f.weight === 'number' && Number.isFinite(f.weight) ? { weight: f.weight } : {}),
      ...(typeof f.group === 'string' ? { group: f.group.slice(0, 64) } : {}),
      ...(typeof f.subject === 'string' ? { subject: f.subject.slice(0, 300) } : {}),
      ...(f.suppressed === true ? { suppressed: true } : {}),
      ...(typeof f.suppressedBy === 'string' ? { suppressedBy: f.suppressedBy.slice(0, 300) } : {}),
      ...(Array.isArray(f.attack) ? { attack: f.attack.slice(0, 10).map((a) => String(a).slice(0, 20)) } : {}),
      evidence,
    };
  };

  it('as the plain JSON of their stored form, an evidence shared by two findings or two lists alike', () => {
    const finding = fc.record(
      {
        rule: fc.string(), title: fc.string({ maxLength: 400 }), severity: fc.string(), confidence: fc.oneof(fc.double(), fc.constant(Number.NaN)),
        weight: fc.double(), group: fc.string({ maxLength: 80 }), subject: fc.string(), suppressed: fc.boolean(), suppressedBy: fc.string(),
        attack: fc.array(fc.string({ maxLength: 30 }), { maxLength: 12 }),
        evidence: fc.oneof(fc.dictionary(fc.string(), fc.jsonValue()), fc.constant({ big: 'x'.repeat(4100) })),
      },
      { requiredKeys: ['rule', 'title', 'severity', 'confidence'] },
    ) as unknown as fc.Arbitrary<Finding>;
    fc.assert(
      fc.property(fc.array(finding, { maxLength: 6 }), (list) => {
        // The server's list re-judges the agent's: new finding objects around the same evidence objects.
        const judged = list.map((f) => ({ ...f, suppressed: !f.suppressed }));
        const texts = new WeakMap<object, string>();
        expect(storedFindingsJson(list, texts)).toBe(JSON.stringify(list.map(reference)));
        expect(storedFindingsJson(judged, texts)).toBe(JSON.stringify(judged.map(reference)));
      }),
      { numRuns: 300 },
    );
    const many = Array.from({ length: 120 }, (_, i) => ({ rule: `r${i}`, title: 't', severity: 'low', confidence: 1, evidence: {} }) as Finding);
    expect(JSON.parse(storedFindingsJson(many))).toHaveLength(100);
  });
});

describe('findingsEncoder', () => {
  it('deflates on both engines (decoded the same), reusing the last pair of a device: bytes on SQLite, base64 text on PostgreSQL', () => {
    const sqlite = findingsEncoder('sqlite', 2);
    const a = '[{"rule":"a","evidence":{"x":"' + 'y'.repeat(500) + '"}}]';
    const b = '[{"rule":"b","evidence":{}}]';
    const [az, bz] = sqlite('d1', a, b) as [Buffer, Buffer];
    expect(decompressBody(az)).toBe(a);
    expect(decompressBody(bz)).toBe(b);
    expect(az.length).toBeLessThan(a.length / 4);
    // The same lists again (new strings, same text): the same stored bytes, not deflated again.
    const again = sqlite('d1', `${a}`, `${b}`);
    expect(again[0]).toBe(az);
    expect(again[1]).toBe(bz);
    // Another device, and a changed list: each its own.
    const [, cz] = sqlite('d2', a, a) as [Buffer, Buffer];
    expect(decompressBody(cz)).toBe(a);
    const [dz] = sqlite('d1', b, b) as [Buffer, Buffer];
    expect(decompressBody(dz)).toBe(b);
    // Past its bound the oldest device is forgotten, never a wrong pair.
    sqlite('d3', b, a);
    expect(decompressBody(sqlite('d1', a, b)[0] as Buffer)).toBe(a);
    const postgres = findingsEncoder('postgres');
    const [ap, bp] = postgres('d1', a, b) as [string, string];
    expect(ap).toBe(az.toString('base64'));
    expect([listText(ap), listText(bp)]).toEqual([a, b]);
    expect(postgres('d1', `${a}`, `${b}`)[0]).toBe(ap);
  });
});
