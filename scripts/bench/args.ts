import { basename } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';

type Parsed<T extends ParseArgsConfig> = ReturnType<typeof parseArgs<T>>;

/**
 * parseArgs for the benchmark scripts: `--help` prints the options they take (exit 0), and an unknown or malformed
 * option ends the script with the reason and the same list (exit 2), not with a stack trace.
 */
export function benchArgs<T extends ParseArgsConfig>(config: T): Parsed<T> {
  const script = basename(process.argv[1] ?? 'bench');
  const options = Object.entries(config.options ?? {}).map(([name, o]) => {
    const value = o.type === 'string' ? ` ${name.toUpperCase()}` : '';
    const fallback = o.default !== undefined && o.type === 'string' ? ` (default ${String(o.default)})` : '';
    return `  --${name}${value}${o.multiple ? ', repeatable' : ''}${fallback}`;
  });
  const usage = `usage: node ${script}${config.allowPositionals ? ' [ARGS]' : ''} [options]\n${options.join('\n')}\n`;
  if ((config.args ?? process.argv.slice(2)).includes('--help')) {
    process.stdout.write(usage);
    process.exit(0);
  }
  try {
    return parseArgs(config);
  } catch (err) {
    process.stderr.write(`${script}: ${(err as Error).message}\n${usage}`);
    process.exit(2);
  }
}
