import type { Engine } from '../helpers/engines.js';
import { startServer as startSqliteDefault } from './helpers.js';

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
