import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
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

describe.skipIf(!pwsh)('scripts/package/install/windows/*.ps1 (skipped: needs pwsh)', () => {
  it.each(['install.ps1', 'uninstall.ps1'])('%s parses without errors', (script) => {
    const file = join(repoRoot, 'scripts', 'package', 'install', 'windows', script);
    const command = `$e=$null; [void][System.Management.Automation.Language.Parser]::ParseFile('${file}', [ref]$null, [ref]$e); $e | ForEach-Object { $_.ToString() }`;
    expect(execFileSync('pwsh', ['-NoProfile', '-Command', command], { encoding: 'utf8' }).trim()).toBe('');
  });
});

// Static checks of the data-folder defence: a standard user can create %ProgramData%\farmwatch before the install
// and plant agent.json or enrollment.json in it. Unverified on Windows here (no pwsh, no NTFS): these tests pin
// the order and the rules of the check, not its run.
describe('install.ps1 checks the data folder before reading anything from it', () => {
  const text = readFileSync(join(repoRoot, 'scripts', 'package', 'install', 'windows', 'install.ps1'), 'utf8');
  const lines = text.split(/\r?\n/);
  const helpEnd = lines.findIndex((l) => l.trim() === '#>');
  /** The body of a function: from its `function Name` line to the closing brace at column 0. */
  const body = (name: string) => {
    const start = lines.findIndex((l) => l.startsWith(`function ${name}(`));
    expect(start, name).toBeGreaterThan(0);
    const end = lines.findIndex((l, i) => i > start && l === '}');
    return lines.slice(start, end + 1).join('\n');
  };
  const protectCall = lines.findIndex((l) => /^\s+\$dataDirMovedTo = Protect-DataDir \$dataDir\s*$/.test(l));

  it('the first thing that touches the data folder is Protect-DataDir; before it, only the path definitions name it', () => {
    expect(protectCall).toBeGreaterThan(helpEnd);
    const before = lines.slice(helpEnd + 1, protectCall).filter((l) => !l.trim().startsWith('#'));
    const naming = before.filter((l) => /\$dataDir\b|\$configFile\b|enrollment\.json|agent\.json/.test(l));
    expect(naming.map((l) => l.trim())).toEqual(["$dataDir = Join-Path $env:ProgramData 'farmwatch'", "$configFile = Join-Path $dataDir 'agent.json'"]);
    // And after it, the reads the attack targets: the kept config, the existing enrollment.
    expect(lines.findIndex((l) => l.includes('Test-Path -LiteralPath $configFile'))).toBeGreaterThan(protectCall);
    expect(lines.findIndex((l) => l.includes("Join-Path $dataDir 'enrollment.json'"))).toBeGreaterThan(protectCall);
    expect(lines.slice(0, protectCall).some((l) => /New-Item .*\$dataDir/.test(l))).toBe(false);
  });

  it('Protect-DataDir: check, move an untrusted folder aside unread, create it locked, lock, check again and refuse what is left', () => {
    const fn = body('Protect-DataDir');
    const order = ['Get-DataDirProblems $Path', 'Move-Item -LiteralPath $Path', 'New-LockedDirectory $Path', '& $icacls $Path /inheritance:r', '$left = @(Get-DataDirProblems $Path)', 'Fail 1 "$Path is still writable'];
    const at = order.map((s) => fn.indexOf(s));
    expect(at.every((i) => i >= 0), JSON.stringify(at)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    expect(fn).toMatch(/cannot be moved aside .*delete it \(Remove-Item -Recurse -Force/);
  });

  it('covers the folder and every file in it (agent.json, enrollment.json), refuses links, and does not follow them', () => {
    const fn = body('Get-DataDirProblems');
    expect(fn).toMatch(/ReparsePoint\) \{ return/);
    expect(fn).toMatch(/Get-UntrustedWriters \$Path/);
    expect(fn).toMatch(/Get-ChildItem -LiteralPath \$Path -Force/);
    expect(fn).toMatch(/Get-DataDirProblems \$child\.FullName/);
    expect(fn).not.toMatch(/-Recurse/);
  });

  it('trusts SYSTEM, Administrators and TrustedInstaller only; flags a foreign owner and any write, delete or ACL right', () => {
    const sids = /\$trustedSids = @\(([^)]*)\)/.exec(text)?.[1]?.split(',').map((x) => x.trim().replace(/'/g, ''));
    expect(sids).toEqual(['S-1-5-18', 'S-1-5-32-544', 'S-1-5-80-956008885-3418522649-1831038044-1853292631-2271478464']);
    const mask = /\$writeMask = (.*)$/m.exec(text)?.[1] ?? '';
    for (const right of ['WriteData', 'AppendData', 'WriteAttributes', 'Delete', 'DeleteSubdirectoriesAndFiles', 'ChangePermissions', 'TakeOwnership', '0x40000000', '0x10000000']) expect(mask).toContain(right);
    const fn = body('Get-UntrustedWriters');
    expect(fn).toMatch(/GetOwner\(\[Security\.Principal\.SecurityIdentifier\]\)/);
    expect(fn).toMatch(/\$trustedSids -notcontains \$owner/);
    expect(fn).toMatch(/GetAccessRules\(\$true, \$true,/); // explicit and inherited ACEs
    expect(fn).toMatch(/-band \$writeMask/);
  });

  it('a new folder is admin-only from its creation: protected DACL, SYSTEM + Administrators, owner Administrators', () => {
    const fn = body('New-LockedDirectory');
    expect(fn).toMatch(/SetAccessRuleProtection\(\$true, \$false\)/);
    expect(fn).toMatch(/foreach \(\$sid in 'S-1-5-18', 'S-1-5-32-544'\)/);
    expect(fn).toMatch(/SetOwner\(\(New-Object Security\.Principal\.SecurityIdentifier 'S-1-5-32-544'\)\)/);
    expect(fn).toMatch(/\[IO\.Directory\]::CreateDirectory\(\$Path, \$security\)/);
  });

  it('runs Windows tools by absolute path, never a bare name through PATH', () => {
    expect(text).toMatch(/\$icacls = Join-Path \$systemRoot 'System32\\icacls\.exe'/);
    const code = lines.slice(helpEnd + 1).filter((l) => !l.trim().startsWith('#'));
    expect(code.filter((l) => /&\s+['"]?[A-Za-z][\w.-]*(\.exe)?['"]?\s/.test(l))).toEqual([]);
  });
});
