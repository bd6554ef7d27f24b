#!/usr/bin/env node
import { tuneV8ForCommand } from '../agent/v8-daemon.js';

// The V8 settings of the daemon and the one-shot commands must be in place before their modules are compiled: so main
// is imported afterwards.
tuneV8ForCommand(process.argv[2]);
const { main } = await import('./main.js');

process.exitCode = await main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env });
