#!/usr/bin/env node
import { tuneV8ForDaemon } from '../agent/v8-daemon.js';

// The daemon's V8 settings must be in place before its modules are compiled: so main is imported afterwards.
if (process.argv[2] === 'run') tuneV8ForDaemon();
const { main } = await import('./main.js');

process.exitCode = await main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env });
