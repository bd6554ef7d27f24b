import { describe, expect, it } from 'vitest';
import { collect } from '../../../collectors/inputs/linux.js';
import { inputsSchema } from '../../../schema/snapshot/inputs.js';
import { fakeContext, fixture } from '../../helpers/fake-context.js';

const path = '/proc/bus/input/devices';

describe('inputs on Linux', () => {
  it('reads /proc/bus/input/devices without forking', async () => {
    const ctx = fakeContext({ files: { [path]: fixture('linux', 'proc-bus-input-devices-pikvm.txt') } });
    const result = await collect(ctx);
    expect(ctx.execCalls).toEqual([]);
    if (result.status !== 'ok') throw new Error(JSON.stringify(result));
    expect(inputsSchema.parse(result.data).devices.map((d) => d.kind)).toEqual(['keyboard', 'keyboard', 'pointer']);
    expect(result.notes).toBeUndefined();
  });

  it('says so when the machine has no input devices (a container) or no input subsystem', async () => {
    expect(await collect(fakeContext({ files: { [path]: '' } }))).toEqual({
      status: 'ok', data: { devices: [] }, notes: ['no input devices: /proc/bus/input/devices is empty'],
    });
    expect(await collect(fakeContext({}))).toEqual({
      status: 'ok', data: { devices: [] }, notes: ['no input subsystem: /proc/bus/input/devices is absent'],
    });
  });

  it('passes skipped blocks on as notes', async () => {
    const result = await collect(fakeContext({ files: { [path]: 'N: Name="x"\n' } }));
    expect(result).toMatchObject({ status: 'ok', data: { devices: [] }, notes: ['input block skipped: no I: Bus= line ("Name=\\"x\\"")'] });
  });

  it('reports an unreadable file as an error', async () => {
    const ctx = fakeContext({});
    ctx.readFile = async () => { throw Object.assign(new Error('EACCES'), { code: 'EACCES' }); };
    expect(await collect(ctx)).toMatchObject({ status: 'error', code: 'permission-denied' });
  });
});
