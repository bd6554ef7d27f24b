<#
.SYNOPSIS
  Records, on a real Windows machine, every command the farmwatch Windows collectors read, anonymised, as test fixtures.

.DESCRIPTION
  Runs the agent's own PowerShell inventory script (taken from the built agent, so it is byte for byte the script a
  cycle runs) and the native tools it calls (netstat -ano, netsh wlan show interfaces, quser), then masks what
  identifies the machine or its people:
    - serial numbers (SMBIOS, USB instance ids, monitor serials, EDID serial bytes and the 0xFF descriptor),
    - MAC addresses (the maker's OUI, the first three bytes, is kept: the rules match on it),
    - user names, SIDs, the computer name, MachineGuid, Wi-Fi SSIDs.
  Files are named as the tests read them (test/fixtures/win32/):
    inventory-<label>.json, netstat-ano-<label>.txt, netsh-wlan-show-interfaces-<label>.txt, quser-<label>.txt
  Read them before sharing: masking is by pattern, and a name inside a path or a product string can slip through.

.EXAMPLE
  npm run build
  powershell -ExecutionPolicy Bypass -File scripts\record-fixtures.ps1 -Label thinkpad-x1-win11 -Out fixtures-out
  (Run from an elevated prompt: WmiMonitorID and other users' hives need administrator rights.)
#>
param(
  [Parameter(Mandatory = $true)][ValidatePattern('^[a-z0-9][a-z0-9-]*$')][string]$Label,
  [string]$Out = 'fixtures-out'
)
$ErrorActionPreference = 'Stop'
$repo = Split-Path -Parent $PSScriptRoot
$built = Join-Path $repo 'dist\collectors\win32\inventory-script.js'
if (-not (Test-Path $built)) { throw "Build the agent first (npm run build): $built is missing" }
New-Item -ItemType Directory -Force -Path $Out | Out-Null

# The very script a cycle runs, printed by the built module.
$url = ([Uri](Resolve-Path $built).Path).AbsoluteUri
$script = & node --input-type=module -e "import('$url').then((m) => process.stdout.write(m.inventoryScript))" | Out-String
if (-not $script.Trim()) { throw 'could not read the inventory script from the built agent' }

function Invoke-Native([string]$exe, [string[]]$argv) {
  if (-not (Get-Command $exe -ErrorAction SilentlyContinue)) { return "($exe is not installed on this machine)`r`n" }
  $ErrorActionPreference = 'Continue'
  (& $exe @argv 2>&1 | Out-String)
}

Write-Host 'running the inventory (one powershell.exe, script on stdin)...'
$sw = [Diagnostics.Stopwatch]::StartNew()
$inventory = ($script | powershell.exe -NoProfile -NonInteractive -ExecutionPolicy Bypass -Command - | Out-String).Trim()
Write-Host ("inventory: {0} ms, {1} chars" -f $sw.ElapsedMilliseconds, $inventory.Length)
$netstat = Invoke-Native 'netstat.exe' @('-ano')
$wlan = Invoke-Native 'netsh.exe' @('wlan', 'show', 'interfaces')
$quser = Invoke-Native 'quser.exe' @()

# ---- anonymisation -------------------------------------------------------------------------------------------
$maps = @{}
function Get-Masked([string]$kind, [string]$value, [scriptblock]$make) {
  if (-not $maps.ContainsKey($kind)) { $maps[$kind] = @{} }
  $m = $maps[$kind]
  $key = $value.ToLowerInvariant()
  if (-not $m.ContainsKey($key)) { $m[$key] = & $make ($m.Count + 1) }
  $m[$key]
}
function Hide-Mac([string]$text) {
  # aa-bb-cc-dd-ee-ff and aa:bb:cc:dd:ee:ff: keep the OUI, number the rest per distinct address.
  $text = [regex]::Replace($text, '\b([0-9A-Fa-f]{2})([-:])([0-9A-Fa-f]{2})\2([0-9A-Fa-f]{2})\2([0-9A-Fa-f]{2})\2([0-9A-Fa-f]{2})\2([0-9A-Fa-f]{2})\b', {
      param($m)
      $all = $m.Value
      if ($all -match '^(00[-:]){5}00$' -or $all -match '^(ff[-:]){5}ff$') { return $all }
      $s = $m.Groups[2].Value
      $n = Get-Masked 'mac' $all { param($i) $i }
      '{0}{6}{1}{6}{2}{6}{3:X2}{6}{4:X2}{6}{5:X2}' -f $m.Groups[1].Value, $m.Groups[3].Value, $m.Groups[4].Value, 0xA0, (($n -shr 8) -band 0xFF), ($n -band 0xFF), $s
    })
  # 12 hex digits in the JSON mac fields (MSFT_NetAdapter.PermanentAddress / NetworkAddresses).
  [regex]::Replace($text, '"(mac|currentMac)":"([0-9A-Fa-f]{6})([0-9A-Fa-f]{6})"', {
      param($m)
      $n = Get-Masked 'mac' ($m.Groups[2].Value + $m.Groups[3].Value) { param($i) $i }
      '"{0}":"{1}A0{2:X4}"' -f $m.Groups[1].Value, $m.Groups[2].Value, $n
    })
}
function Hide-Edid([string]$hex) {
  # Zero the header serial (bytes 12-15), replace the 0xFF serial descriptor's text, fix the base-block checksum.
  if ($hex.Length -lt 256) { return $hex }
  $b = [byte[]]::new($hex.Length / 2)
  for ($i = 0; $i -lt $b.Length; $i++) { $b[$i] = [Convert]::ToByte($hex.Substring($i * 2, 2), 16) }
  for ($i = 12; $i -le 15; $i++) { $b[$i] = 0 }
  foreach ($at in 54, 72, 90, 108) {
    if ($b[$at] -eq 0 -and $b[$at + 1] -eq 0 -and $b[$at + 3] -eq 0xFF) {
      $text = [Text.Encoding]::ASCII.GetBytes("MASKED`n      ")
      for ($i = 0; $i -lt 13; $i++) { $b[$at + 5 + $i] = $text[$i] }
    }
  }
  $sum = 0; for ($i = 0; $i -lt 127; $i++) { $sum += $b[$i] }
  $b[127] = [byte]((256 - ($sum % 256)) % 256)
  ([BitConverter]::ToString($b)).Replace('-', '')
}
function Hide-Common([string]$text) {
  $text = Hide-Mac $text
  $text = [regex]::Replace($text, 'S-1-5-21-\d+-\d+-\d+', 'S-1-5-21-1000000001-1000000002-1000000003')
  foreach ($name in $script:people) {
    if ($name) { $text = [regex]::Replace($text, "(?i)(?<![A-Za-z0-9])$([regex]::Escape($name))(?![A-Za-z0-9])", (Get-Masked 'user' $name { param($i) "user$i" })) }
  }
  if ($env:COMPUTERNAME) { $text = [regex]::Replace($text, "(?i)\b$([regex]::Escape($env:COMPUTERNAME))\b", 'HOST-1') }
  $text
}

# Who to mask: this account, the console user, everyone quser lists, every profile folder under C:\Users.
$script:people = @($env:USERNAME)
try { $c = ($inventory | ConvertFrom-Json).console.data.user; if ($c) { $script:people += ($c -split '\\')[-1] } } catch { }
foreach ($line in ($quser -split "`r?`n" | Select-Object -Skip 1)) { $u = ($line.TrimStart('>', ' ') -split '\s+')[0]; if ($u) { $script:people += $u } }
$script:people += @(Get-ChildItem 'C:\Users' -Directory -ErrorAction SilentlyContinue | ForEach-Object { $_.Name } |
  Where-Object { $_ -notin @('Public', 'Default', 'Default User', 'All Users') })
$script:people = @($script:people | Where-Object { $_ -and $_.Length -ge 3 } | Sort-Object -Unique | Sort-Object Length -Descending)

$inv = Hide-Common $inventory
$inv = [regex]::Replace($inv, '"biosSerial":"[^"]*"', '"biosSerial":"SERIAL-MASKED"')
$inv = [regex]::Replace($inv, '"machineGuid":"[^"]*"', '"machineGuid":"00000000-0000-4000-8000-000000000001"')
$inv = [regex]::Replace($inv, '"serial":\[[^\]]*\]', '"serial":[77,65,83,75,69,68,0,0,0,0,0,0,0,0,0,0]')
$inv = [regex]::Replace($inv, '"edid":"([0-9A-F]+)"', { param($m) '"edid":"' + (Hide-Edid $m.Groups[1].Value) + '"' })
# USB serials: the instance segment after VID&PID when it is the device's own serial (no "&" in it).
$inv = [regex]::Replace($inv, '(VID_[0-9A-F]{4}&PID_[0-9A-F]{4}\\\\)([^&\\"]+)(?=["\\])', {
    param($m) $m.Groups[1].Value + (Get-Masked 'usbserial' $m.Groups[2].Value { param($i) 'SERIAL{0:D4}' -f $i }) })
$inv = [regex]::Replace($inv, '(?i)(users\\\\)([^\\"]+)', { param($m) $m.Groups[1].Value + (Get-Masked 'user' $m.Groups[2].Value { param($i) "user$i" }) })
$wlanMasked = [regex]::Replace((Hide-Common $wlan), '(?m)^(\s*(SSID|Profile)\s*:\s*)(.+)$', { param($m) $m.Groups[1].Value + 'ssid-masked' })
$inv = [regex]::Replace($inv, '(?<=\\r?\\n)(\s*(?:SSID|Profile)\s*:\s*)([^\\]+)', { param($m) $m.Groups[1].Value + 'ssid-masked' })

$utf8 = New-Object Text.UTF8Encoding($false)
[IO.File]::WriteAllText((Join-Path $Out "inventory-$Label.json"), $inv, $utf8)
[IO.File]::WriteAllText((Join-Path $Out "netstat-ano-$Label.txt"), (Hide-Common $netstat), $utf8)
[IO.File]::WriteAllText((Join-Path $Out "netsh-wlan-show-interfaces-$Label.txt"), $wlanMasked, $utf8)
[IO.File]::WriteAllText((Join-Path $Out "quser-$Label.txt"), (Hide-Common $quser), $utf8)
$os = Get-CimInstance Win32_OperatingSystem -Property Caption,Version
$note = @"
# $Label

Recorded with test/helpers/record-fixtures.ps1 on $($os.Caption) $($os.Version), PowerShell $($PSVersionTable.PSVersion), $(Get-Date -Format 'yyyy-MM-dd').
Anonymised by pattern (serials, MACs after the OUI, user names, SIDs, computer name, MachineGuid, SSIDs); reviewed by: (your name).
Inventory run took $($sw.ElapsedMilliseconds) ms.
"@
[IO.File]::WriteAllText((Join-Path $Out "$Label.source.md"), $note, $utf8)
Write-Host "written to $Out. Review the files, then copy them into test/fixtures/win32/."
