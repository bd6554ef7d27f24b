import { afterAll, beforeAll } from 'vitest';
import type { Engine } from '../helpers/engines.js';
import { cleanup, startServer as startSqliteDefault, type Running } from './helpers.js';

/**
 * startServer (./helpers.ts) on one storage engine: each new server gets a new empty database; a server started
 * again in the same dir (a restart) gets the same database back.
 */
export function serverOn(engine: Engine): typeof startSqliteDefault {
  const dbOfDir = new Map<string, string>();
  return async (config = {}, extra = {}, dir) => {
    const db = (dir && dbOfDir.get(dir)) || (await engine.db());
    const running = await startSqliteDefault({ db, ...config }, extra, dir);
    dbOfDir.set(running.dir, db);
    return running;
  };
}

/**
 * A server for the tests of the enclosing describe block: started before them, closed and its directory removed after.
 * `use` receives it once started (tests keep it in a variable of their own).
 */
export function serverForBlock(start: () => Promise<Running>, use: (running: Running) => void): void {
  let running: Running | undefined;
  beforeAll(async () => {
    running = await start();
    use(running);
  });
  afterAll(async () => {
    if (!running) return;
    await running.close();
    cleanup(running.dir);
  });
}
