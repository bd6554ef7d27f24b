<#
.SYNOPSIS
  farmwatch agent installer for Windows. Runnable from Intune (Win32 app) or by hand, as Administrator or SYSTEM;
  running it again upgrades in place.

.DESCRIPTION
  Installs farmwatch.exe (the single executable, docs/deployment.md) to %ProgramFiles%\farmwatch, writes
  %ProgramData%\farmwatch\agent.json (kept unless -Force), locks %ProgramData%\farmwatch (config, token, spool,
  baseline) to SYSTEM and Administrators with inheritance removed, enrolls from -SecretFile, and registers the
  scheduled task "farmwatch" that runs `farmwatch.exe run` as SYSTEM at start-up.

  Before anything in %ProgramData%\farmwatch is read, its ACL is checked: a standard user can create that folder
  (ProgramData lets Users create folders) and plant agent.json or enrollment.json in it (a server of their own, a
  token of their choosing). If the folder, or anything in it, is owned by or writable by anyone but SYSTEM,
  Administrators or TrustedInstaller, or is a link, it is moved aside unread to %ProgramData%\farmwatch.untrusted-TIME
  and a new folder is made, admin-only from its creation; the agent then enrolls afresh (give -SecretFile).

  Why a scheduled task and not a service: Node is not a Windows service by itself (it does not answer the Service
  Control Manager), so a service needs a wrapper such as NSSM or WinSW. nssm.exe is itself catalogued as a
  remote-access component (rules/catalogs/remote-access.json, Komari), and an unknown wrapper on every laptop is what
  our own rules look for. The task runs as SYSTEM at start-up, is restarted by Task Scheduler when it fails, and is
  re-triggered every 5 minutes (a start while it runs is ignored), so a crashed agent is back within 5 minutes.

  Exit codes: 0 installed (and started when enrolled); 1 failed to install; 2 usage error (missing file, bad URL,
  not elevated); 3 installed, but enrollment failed; 4 installed and enrolled, but the task did not start.

.EXAMPLE
  powershell.exe -NoProfile -ExecutionPolicy Bypass -File install.ps1 -Server https://farmwatch.example.com -SecretFile C:\Windows\Temp\fw-secret.txt
#>
[CmdletBinding()]
param(
  [string]$Binary,
  [string]$Server,
  [string]$SecretFile,
  [string]$Config,
  [switch]$Force,
  [switch]$NoStart
)
Set-StrictMode -Version 3
$ErrorActionPreference = 'Stop'

function Fail([int]$Code, [string]$Message) {
  [Console]::Error.WriteLine("farmwatch install: $Message")
  exit $Code
}

$principal = New-Object Security.Principal.WindowsPrincipal([Security.Principal.WindowsIdentity]::GetCurrent())
if (-not $principal.IsInRole([Security.Principal.WindowsBuiltInRole]::Administrator)) { Fail 2 'must run elevated (Administrator or SYSTEM)' }

if (-not $Binary) { $Binary = Join-Path $PSScriptRoot 'farmwatch.exe' }
if (-not (Test-Path -LiteralPath $Binary -PathType Leaf)) { Fail 2 "no agent binary at $Binary; give -Binary FILE" }
if ($Config -and -not (Test-Path -LiteralPath $Config -PathType Leaf)) { Fail 2 "-Config ${Config}: no such file" }
if ($SecretFile -and -not (Test-Path -LiteralPath $SecretFile -PathType Leaf)) { Fail 2 "-SecretFile ${SecretFile}: no such file" }
if ($Server -and $Server -notmatch '^https?://[^"\\]+$') { Fail 2 "-Server must be an http(s) URL, got $Server" }

$taskName = 'farmwatch'
$programDir = Join-Path $env:ProgramFiles 'farmwatch'
$exe = Join-Path $programDir 'farmwatch.exe'
$dataDir = Join-Path $env:ProgramData 'farmwatch'
$configFile = Join-Path $dataDir 'agent.json'
# Windows tools by absolute path, never through PATH.
$systemRoot = if ($env:SystemRoot -match '^[A-Za-z]:\\[^"<>|?*%]*$') { $env:SystemRoot } else { 'C:\Windows' }
$icacls = Join-Path $systemRoot 'System32\icacls.exe'

# Who may write the data folder: SYSTEM, Administrators, TrustedInstaller (by SID, so that a localised Windows
# matches too). Anyone else who can write there could plant the config or the enrollment; so could the owner of a
# file or folder, who can always rewrite its ACL.
$trustedSids = @('S-1-5-18', 'S-1-5-32-544', 'S-1-5-80-956008885-3418522649-1831038044-1853292631-2271478464')
# Rights that change a file, a folder's entries or an ACL, plus GENERIC_WRITE and GENERIC_ALL (inherit-only ACEs).
$writeMask = [int64]([Security.AccessControl.FileSystemRights]'WriteData, AppendData, WriteExtendedAttributes, WriteAttributes, Delete, DeleteSubdirectoriesAndFiles, ChangePermissions, TakeOwnership') -bor 0x40000000 -bor 0x10000000

# Why a non-administrator could have written this one file or folder; nothing when only trusted principals can.
function Get-UntrustedWriters([string]$Path) {
  try { $acl = Get-Acl -LiteralPath $Path } catch { return @("its ACL cannot be read ($($_.Exception.Message))") }
  $found = @()
  $owner = $acl.GetOwner([Security.Principal.SecurityIdentifier]).Value
  if ($trustedSids -notcontains $owner) { $found += "owned by $owner" }
  foreach ($ace in $acl.GetAccessRules($true, $true, [Security.Principal.SecurityIdentifier])) {
    if ($ace.AccessControlType -ne [Security.AccessControl.AccessControlType]::Allow) { continue }
    if ($trustedSids -contains $ace.IdentityReference.Value) { continue }
    if (([int64]$ace.FileSystemRights -band $writeMask) -ne 0) { $found += "$($ace.IdentityReference.Value) may write ($($ace.FileSystemRights))" }
  }
  $found
}

# The folder and everything in it (agent.json, enrollment.json, the device key, the spool), links not followed.
function Get-DataDirProblems([string]$Path) {
  try { $item = Get-Item -LiteralPath $Path -Force } catch { return @("${Path}: cannot be read ($($_.Exception.Message))") }
  if ($item.Attributes -band [IO.FileAttributes]::ReparsePoint) { return @("${Path}: a link (junction or symbolic link)") }
  $problems = @(Get-UntrustedWriters $Path | ForEach-Object { "${Path}: $_" })
  if ($item.PSIsContainer) {
    try { $children = @(Get-ChildItem -LiteralPath $Path -Force) } catch { return $problems + @("${Path}: cannot be listed ($($_.Exception.Message))") }
    foreach ($child in $children) { $problems += @(Get-DataDirProblems $child.FullName) }
  }
  $problems
}

# A new folder that is SYSTEM + Administrators only from its creation: no moment in which a user could add a file.
function New-LockedDirectory([string]$Path) {
  $security = New-Object Security.AccessControl.DirectorySecurity
  $security.SetAccessRuleProtection($true, $false)
  foreach ($sid in 'S-1-5-18', 'S-1-5-32-544') {
    $rule = New-Object Security.AccessControl.FileSystemAccessRule((New-Object Security.Principal.SecurityIdentifier $sid), 'FullControl', 'ContainerInherit, ObjectInherit', 'None', 'Allow')
    $security.AddAccessRule($rule)
  }
  $security.SetOwner((New-Object Security.Principal.SecurityIdentifier 'S-1-5-32-544'))
  if ($PSVersionTable.PSEdition -eq 'Core') { [void][IO.FileSystemAclExtensions]::Create([IO.DirectoryInfo]::new($Path), $security) }
  else { [void][IO.Directory]::CreateDirectory($Path, $security) }
}

# Runs before anything in the data folder is read. An untrusted folder is moved aside unread (kept for the
# investigation: someone prepared it) and replaced; what cannot be made admin-only is refused.
function Protect-DataDir([string]$Path) {
  $movedTo = $null
  if (Test-Path -LiteralPath $Path) {
    $problems = @(Get-DataDirProblems $Path)
    if ($problems.Count -gt 0) {
      $movedTo = "$Path.untrusted-$(Get-Date -Format yyyyMMddHHmmss)"
      try { Move-Item -LiteralPath $Path -Destination $movedTo }
      catch { Fail 1 "$Path is writable by non-administrators ($($problems -join '; ')) and cannot be moved aside ($($_.Exception.Message)); delete it (Remove-Item -Recurse -Force '$Path') and rerun" }
      [Console]::Error.WriteLine("farmwatch install: $Path was writable by non-administrators ($($problems -join '; ')); moved aside unread to $movedTo")
    }
  }
  if (-not (Test-Path -LiteralPath $Path)) { New-LockedDirectory $Path }
  # Only SYSTEM (S-1-5-18) and Administrators (S-1-5-32-544); inheritance removed so that Users keep no read
  # access. Mode 0600 means nothing on NTFS. Idempotent on a folder that already was.
  & $icacls $Path /inheritance:r /grant:r '*S-1-5-18:(OI)(CI)F' '*S-1-5-32-544:(OI)(CI)F' /T /Q | Out-Null
  if ($LASTEXITCODE -ne 0) { Fail 1 "icacls could not restrict $Path" }
  & $icacls $Path /setowner '*S-1-5-32-544' /T /Q | Out-Null
  $left = @(Get-DataDirProblems $Path)
  if ($left.Count -gt 0) { Fail 1 "$Path is still writable by non-administrators ($($left -join '; ')); remove those entries or the folder, and rerun" }
  $movedTo
}

try {
  # First: nothing below reads the data folder before its ACL is checked.
  $dataDirMovedTo = Protect-DataDir $dataDir
  New-Item -ItemType Directory -Force -Path $programDir | Out-Null

  # Upgrade: a running exe cannot be replaced on Windows, so the task is stopped first.
  $action = 'installed'
  if (Test-Path -LiteralPath $exe) {
    if ((Get-FileHash -LiteralPath $exe).Hash -eq (Get-FileHash -LiteralPath $Binary).Hash) { $action = 'unchanged' } else { $action = 'upgraded' }
  }
  if ($action -ne 'unchanged') {
    if (Get-ScheduledTask -TaskName $taskName -ErrorAction SilentlyContinue) { Stop-ScheduledTask -TaskName $taskName }
    Get-Process -Name farmwatch -ErrorAction SilentlyContinue | Where-Object { $_.Path -eq $exe } | Stop-Process -Force
    Copy-Item -LiteralPath $Binary -Destination "$exe.new" -Force
    Move-Item -LiteralPath "$exe.new" -Destination $exe -Force
  }
  $version = (& $exe --version).Trim()
  if ($LASTEXITCODE -ne 0) { Fail 1 "$exe does not run" }

  $configAction = 'kept'
  if (-not (Test-Path -LiteralPath $configFile) -or $Force) {
    if ($Config) { Copy-Item -LiteralPath $Config -Destination $configFile -Force }
    elseif ($Server) { Set-Content -LiteralPath $configFile -Encoding ascii -Value "{`r`n  `"server`": { `"url`": `"$Server`" }`r`n}" }
    else { Set-Content -LiteralPath $configFile -Encoding ascii -Value '{}' }
    $configAction = 'written'
  }
} catch {
  Fail 1 $_.Exception.Message
}

$enrolled = Test-Path -LiteralPath (Join-Path $dataDir 'enrollment.json')
if ($SecretFile -and -not $enrolled) {
  $enrollArgs = @('enroll', '--config', $configFile, '--secret-file', $SecretFile)
  if ($Server) { $enrollArgs += @('--server', $Server) }
  & $exe @enrollArgs | Out-Null
  if ($LASTEXITCODE -ne 0) { Fail 3 "farmwatch $version $action, config $configAction, but not enrolled: the line above says why and what to do, then run this installer again" }
  $enrolled = $true
}
# What this run wrote (config, enrollment) is owned by Administrators like the rest: where the "default owner" policy
# makes an administrator's new files their own, the next install's check would otherwise see a foreign owner.
& $icacls $dataDir /setowner '*S-1-5-32-544' /T /Q | Out-Null

try {
  $taskAction = New-ScheduledTaskAction -Execute $exe -Argument "run --config `"$configFile`"" -WorkingDirectory $dataDir
  $trigger = New-ScheduledTaskTrigger -AtStartup
  # Re-trigger every 5 minutes: with MultipleInstances IgnoreNew this only starts an agent that is not running.
  $trigger.Repetition = (New-ScheduledTaskTrigger -Once -At (Get-Date) -RepetitionInterval (New-TimeSpan -Minutes 5)).Repetition
  $settings = New-ScheduledTaskSettingsSet -AllowStartIfOnBatteries -DontStopIfGoingOnBatteries -StartWhenAvailable `
    -MultipleInstances IgnoreNew -ExecutionTimeLimit ([TimeSpan]::Zero) -RestartCount 3 -RestartInterval (New-TimeSpan -Minutes 1) -Priority 7
  $taskPrincipal = New-ScheduledTaskPrincipal -UserId 'S-1-5-18' -LogonType ServiceAccount -RunLevel Highest
  Register-ScheduledTask -TaskName $taskName -Action $taskAction -Trigger $trigger -Settings $settings -Principal $taskPrincipal `
    -Description 'farmwatch laptop agent (docs/deployment.md)' -Force | Out-Null
} catch {
  Fail 1 "cannot register the scheduled task: $($_.Exception.Message)"
}

if ($enrolled -and -not $NoStart) {
  try { Start-ScheduledTask -TaskName $taskName } catch { Fail 4 "farmwatch $version installed and enrolled, but the task did not start: $($_.Exception.Message)" }
  $how = 'enrolled, started'
} elseif ($enrolled) { $how = 'enrolled' } else { $how = 'not enrolled (rerun with -Server URL -SecretFile FILE)' }
if ($dataDirMovedTo) { $how += "; the data folder was writable by non-administrators: moved aside to $dataDirMovedTo" }
Write-Output "farmwatch install: farmwatch $version $action in $programDir, config $configAction, $how"
exit 0
