/**
 * A callback run once in the next turn of the event loop, however often it is asked for in this one. setImmediate
 * runs after the poll phase, so everything read in this turn (every request, every report) is there when it runs:
 * the group commit and the worker pool's batches both rest on it.
 */
export function oncePerTurn(run: () => void): () => void {
  let scheduled = false;
  return () => {
    if (scheduled) return;
    scheduled = true;
    setImmediate(() => {
      scheduled = false;
      run();
    });
  };
}
