import { describe, expect, it } from 'vitest';
import { relaxV8ForOneShot, tuneV8ForCommand, tuneV8ForListeningServer } from '../../agent/v8-daemon.js';

// Applying a flag here sets it in this test worker too: only the server's (a young generation that does not grow),
// harmless to the tests around it; the daemon's --lite-mode is left out for that reason.
describe('tuneV8ForCommand', () => {
  it('tunes the server and leaves the commands without settings alone', () => {
    expect(tuneV8ForCommand('server', {})).toBe(true);
    for (const command of ['enroll', 'demo', 'schema', '--help', undefined]) expect(tuneV8ForCommand(command, {})).toBe(false);
  });

  it('lets the listening server\'s young generation grow again (V8\'s default), unless FARMWATCH_V8_DEFAULTS=1', () => {
    expect(tuneV8ForListeningServer({})).toBe(true);
    expect(tuneV8ForListeningServer({ FARMWATCH_V8_DEFAULTS: '1' })).toBe(false);
  });

  it('FARMWATCH_V8_DEFAULTS=1 leaves V8 as it is, for the server too', () => {
    expect(tuneV8ForCommand('server', { FARMWATCH_V8_DEFAULTS: '1' })).toBe(false);
    expect(tuneV8ForCommand('run', { FARMWATCH_V8_DEFAULTS: '1' })).toBe(false);
  });

  it('relaxes V8 only for the one-shot commands, after their code is compiled, and never under FARMWATCH_V8_DEFAULTS=1', () => {
    for (const command of ['run', 'server', 'enroll', 'schema', '--help', undefined]) expect(relaxV8ForOneShot(command, {})).toBe(false);
    expect(relaxV8ForOneShot('diagnose', { FARMWATCH_V8_DEFAULTS: '1' })).toBe(false);
    expect(relaxV8ForOneShot('collect', { FARMWATCH_V8_DEFAULTS: '1' })).toBe(false);
  });
});
