/**
 * A reader that goes away (`farmwatch diagnose --json | head`) makes the next write fail with EPIPE, emitted as an
 * 'error' event: unhandled, it would crash the process with a stack trace. Output nobody reads is dropped instead; the
 * command (or the daemon, whose log pipe may close) goes on and ends with its own exit code. Other errors stay loud.
 */
export function dropOutputOnClosedPipe(stream: { on?: (event: 'error', listener: (err: Error) => void) => unknown }): void {
  stream.on?.('error', (err: Error & { code?: string }) => {
    if (err.code !== 'EPIPE') throw err;
  });
}
