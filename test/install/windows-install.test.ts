import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../bundle/run-isolated.js';

// The Windows installer cannot run here (no Windows, no Task Scheduler). Where PowerShell 7 (pwsh) is installed,
// its parser checks both scripts for syntax errors; this machine has no pwsh, so the test is skipped here.
const pwsh = (() => {
  try {
    execFileSync('pwsh', ['-NoProfile', '-Command', '$PSVersionTable.PSVersion.Major'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

describe.skipIf(!pwsh)('scripts/install/windows/*.ps1 (skipped: needs pwsh)', () => {
  it.each(['install.ps1', 'uninstall.ps1'])('%s parses without errors', (script) => {
    const file = join(repoRoot, 'scripts', 'install', 'windows', script);
    const command = `$e=$null; [void][System.Management.Automation.Language.Parser]::ParseFile('${file}', [ref]$null, [ref]$e); $e | ForEach-Object { $_.ToString() }`;
    expect(execFileSync('pwsh', ['-NoProfile', '-Command', command], { encoding: 'utf8' }).trim()).toBe('');
  });
});
