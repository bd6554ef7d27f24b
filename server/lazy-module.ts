/**
 * A module the server loads at first use rather than at start (the configured storage engine, ...). A failure to
 * load it is one error naming what could not be loaded and why, not a bare resolver message.
 */
export async function loadModule<T>(what: string, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (err) {
    throw new Error(`cannot load ${what}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}
