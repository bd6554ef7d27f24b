<#
.SYNOPSIS
  farmwatch agent installer for Windows. Runnable from Intune (Win32 app) or by hand, as Administrator or SYSTEM;
  running it again upgrades in place.

.DESCRIPTION
  Installs farmwatch.exe (the single executable, docs/deployment.md) to %ProgramFiles%\farmwatch, writes
  %ProgramData%\farmwatch\agent.json (kept unless -Force), locks %ProgramData%\farmwatch (config, token, spool,
  baseline) to SYSTEM and Administrators with inheritance removed, enrolls from -SecretFile, and registers the
  scheduled task "farmwatch" that runs `farmwatch.exe run` as SYSTEM at start-up.

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

try {
  New-Item -ItemType Directory -Force -Path $programDir, $dataDir | Out-Null
  # Only SYSTEM (S-1-5-18) and Administrators (S-1-5-32-544), by SID so that a localised Windows matches too;
  # inheritance removed so that Users keep no read access. Mode 0600 means nothing on NTFS.
  & icacls.exe $dataDir /inheritance:r /grant:r '*S-1-5-18:(OI)(CI)F' '*S-1-5-32-544:(OI)(CI)F' /T /Q | Out-Null
  if ($LASTEXITCODE -ne 0) { Fail 1 "icacls could not restrict $dataDir" }
  & icacls.exe $dataDir /setowner '*S-1-5-32-544' /T /Q | Out-Null

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
  if ($LASTEXITCODE -ne 0) { Fail 3 "farmwatch $version $action, config $configAction, but enrollment failed (see the line above); rerun with -SecretFile" }
  $enrolled = $true
}

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
Write-Output "farmwatch install: farmwatch $version $action in $programDir, config $configAction, $how"
exit 0
