<#
.SYNOPSIS
  farmwatch agent uninstaller for Windows. Safe to run twice, or where farmwatch was never installed.
.DESCRIPTION
  Stops and removes the "farmwatch" scheduled task and %ProgramFiles%\farmwatch. With -Purge it also deletes
  %ProgramData%\farmwatch (config, device token, unsent reports, baseline); without it they stay, so a later
  install finds the device enrolled.
  Exit codes: 0 removed (or nothing to remove); 1 something could not be removed; 2 not elevated.
#>
[CmdletBinding()]
param([switch]$Purge)
Set-StrictMode -Version 3
$ErrorActionPreference = 'Stop'

$principal = New-Object Security.Principal.WindowsPrincipal([Security.Principal.WindowsIdentity]::GetCurrent())
if (-not $principal.IsInRole([Security.Principal.WindowsBuiltInRole]::Administrator)) {
  [Console]::Error.WriteLine('farmwatch uninstall: must run elevated (Administrator or SYSTEM)')
  exit 2
}
$programDir = Join-Path $env:ProgramFiles 'farmwatch'
$dataDir = Join-Path $env:ProgramData 'farmwatch'
try {
  if (Get-ScheduledTask -TaskName 'farmwatch' -ErrorAction SilentlyContinue) {
    Stop-ScheduledTask -TaskName 'farmwatch'
    Unregister-ScheduledTask -TaskName 'farmwatch' -Confirm:$false
  }
  Get-Process -Name farmwatch -ErrorAction SilentlyContinue | Where-Object { $_.Path -like "$programDir\*" } | Stop-Process -Force
  if (Test-Path -LiteralPath $programDir) { Remove-Item -LiteralPath $programDir -Recurse -Force }
  $kept = 'config and state kept (-Purge removes them)'
  if ($Purge -and (Test-Path -LiteralPath $dataDir)) {
    Remove-Item -LiteralPath $dataDir -Recurse -Force
    $kept = 'config and state removed'
  }
} catch {
  [Console]::Error.WriteLine("farmwatch uninstall: $($_.Exception.Message)")
  exit 1
}
Write-Output "farmwatch uninstall: removed; $kept"
exit 0
