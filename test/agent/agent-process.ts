import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const cli = new URL('../../dist/cli/cli.js', import.meta.url).pathname;

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** A real `node dist/cli/cli.js ...` child; its stderr JSON log lines are parsed as they come. */
export class AgentProcess {
  readonly child: ChildProcess;
  stdout = '';
  stderr = '';
  readonly exited: Promise<Exit>;

  constructor(args: string[], env: NodeJS.ProcessEnv = {}) {
    this.child = spawn(process.execPath, [cli, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout!.on('data', (d: Buffer) => (this.stdout += d.toString()));
    this.child.stderr!.on('data', (d: Buffer) => (this.stderr += d.toString()));
    this.exited = new Promise((resolve) =>
      this.child.once('close', (code, signal) => resolve({ code, signal, stdout: this.stdout, stderr: this.stderr })),
    );
  }

  logs(): Record<string, unknown>[] {
    return this.stderr
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => {
        try {
          return JSON.parse(l) as Record<string, unknown>;
        } catch {
          return {};
        }
      });
  }

  /** Resolves when a log line with this msg appears (polling: the child writes synchronously to stderr). */
  async waitForLog(msg: string, timeoutMs = 15_000, count = 1): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.logs().filter((l) => l.msg === msg).length < count) {
      if (Date.now() > deadline) throw new Error(`no "${msg}" log within ${timeoutMs} ms; stderr:\n${this.stderr}`);
      if (this.child.exitCode !== null) throw new Error(`agent exited (${this.child.exitCode}) before "${msg}"; stderr:\n${this.stderr}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  }
}

/** Runs the CLI to completion. */
export function farmwatch(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Exit> {
  return new AgentProcess(args, env).exited;
}

/** A config file for one agent with its own state dir. */
export async function writeAgentConfig(dir: string, config: Record<string, unknown>): Promise<string> {
  await mkdir(dir, { recursive: true });
  const file = join(dir, 'config.json');
  await writeFile(file, JSON.stringify({ stateDir: join(dir, 'state'), ...config }));
  return file;
}
