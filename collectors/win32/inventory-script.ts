/**
 * The one PowerShell script of a Windows cycle. Every Windows collector reads its section of the JSON document this
 * prints, so a cycle starts PowerShell once (the agent's budget: one PowerShell at most on Windows; EDR products flag SYSTEM
 * spawning powershell.exe, and each start costs hundreds of ms of CPU). Each section runs in its own try/catch: one
 * failure becomes `{ "error": "..." }` for that section only. Sections always return a hashtable, never a bare array,
 * so ConvertTo-Json cannot collapse a one-element list into an object. CIM classes are queried directly (no
 * NetAdapter/NetTCPIP/DnsClient module imports, which cost more than the queries). The native tools (netstat, netsh,
 * quser) run from inside the script: their raw text goes into the JSON for the TypeScript parsers.
 *
 * Fed on stdin to `powershell.exe -NoProfile -NonInteractive -ExecutionPolicy Bypass -Command -` (no -EncodedCommand,
 * which EDR products treat as a sign of obfuscation). PowerShell reads stdin line by line as if typed, so the whole
 * script is one `& { ... }` block with no blank line inside, followed by one blank line that submits it; it is ASCII
 * only because stdin is decoded with the console code page. test/helpers/record-fixtures.ps1 runs this same text.
 */
const script = String.raw`
& {
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
$out = [ordered]@{ schema = 1; psVersion = "$($PSVersionTable.PSVersion)"; startedAt = [DateTime]::UtcNow.ToString('o') }
$shared = @{}
function Add-Section([string]$name, [scriptblock]$body) {
  $t = [Diagnostics.Stopwatch]::StartNew()
  try { $data = & $body; $out[$name] = [ordered]@{ data = $data; ms = $t.ElapsedMilliseconds } }
  catch { $out[$name] = [ordered]@{ error = "$($_.Exception.Message)"; ms = $t.ElapsedMilliseconds } }
}
function Iso($d) { if ($d) { ([DateTime]$d).ToUniversalTime().ToString('o') } else { $null } }
# Native tools by absolute path under %SystemRoot%\System32, never through PATH (the laptop's user controls PATH).
$systemRoot = if ($env:SystemRoot -match '^[A-Za-z]:\\[^"<>|?*%]*$') { $env:SystemRoot } else { 'C:\Windows' }
function Native([string]$exe, [string[]]$argv) {
  $path = Join-Path (Join-Path $systemRoot 'System32') $exe
  if (-not (Test-Path -LiteralPath $path -PathType Leaf)) { throw "$path is not installed (command-missing)" }
  $ErrorActionPreference = 'Continue'
  $text = (& $path @argv 2>&1 | Out-String -Width 4096)
  [ordered]@{ exitCode = $LASTEXITCODE; text = $text }
}
# The console user: whose keyboard layouts and languages the locale section reads (the agent itself is SYSTEM).
Add-Section 'console' {
  $user = (Get-CimInstance Win32_ComputerSystem -Property UserName).UserName
  $sid = $null; $via = $null
  if ($user) { try { $sid = ([Security.Principal.NTAccount]$user).Translate([Security.Principal.SecurityIdentifier]).Value; $via = 'Win32_ComputerSystem.UserName' } catch { } }
  if (-not $sid) {
    $ex = @(Get-CimInstance Win32_Process -Filter "Name='explorer.exe'" -Property ProcessId,SessionId | Sort-Object SessionId)
    if ($ex.Count -gt 0) { $r = Invoke-CimMethod -InputObject $ex[0] -MethodName GetOwnerSid; if ($r.Sid) { $sid = $r.Sid; $via = 'explorer.exe owner' } }
  }
  $shared.sid = $sid
  [ordered]@{ user = $user; sid = $sid; via = $via }
}
Add-Section 'host' {
  $os = Get-CimInstance Win32_OperatingSystem -Property Caption,Version,BuildNumber,LastBootUpTime
  $cs = Get-CimInstance Win32_ComputerSystem -Property Manufacturer,Model,HypervisorPresent,PCSystemType
  $bios = Get-CimInstance Win32_BIOS -Property SerialNumber,Manufacturer
  $chassis = @(Get-CimInstance Win32_SystemEnclosure -Property ChassisTypes | ForEach-Object { $_.ChassisTypes })
  $bat = @(Get-CimInstance Win32_Battery -Property BatteryStatus,EstimatedChargeRemaining | ForEach-Object { [ordered]@{ status = $_.BatteryStatus; charge = $_.EstimatedChargeRemaining } })
  $guid = $null; try { $guid = (Get-ItemProperty 'HKLM:\SOFTWARE\Microsoft\Cryptography' -Name MachineGuid).MachineGuid } catch { }
  [ordered]@{ caption = $os.Caption; version = $os.Version; build = $os.BuildNumber; lastBoot = (Iso $os.LastBootUpTime)
    manufacturer = $cs.Manufacturer; model = $cs.Model; hypervisorPresent = $cs.HypervisorPresent; pcSystemType = $cs.PCSystemType
    biosSerial = $bios.SerialNumber; biosManufacturer = $bios.Manufacturer; chassisTypes = $chassis; machineGuid = $guid; batteries = $bat }
}
# Win32_Process rather than ps-list's fastlist.exe: no second process, and it has the path and command line.
# The owner (GetOwner) is one WMI method call per process: left out.
Add-Section 'processes' {
  $list = @(Get-CimInstance Win32_Process -Property ProcessId,ParentProcessId,Name,ExecutablePath,CommandLine,CreationDate,SessionId | ForEach-Object {
    [ordered]@{ pid = $_.ProcessId; ppid = $_.ParentProcessId; name = $_.Name; path = $_.ExecutablePath; cmd = $_.CommandLine; start = (Iso $_.CreationDate); session = $_.SessionId } })
  [ordered]@{ list = $list }
}
Add-Section 'software' {
  $roots = @('HKLM:\SOFTWARE\Microsoft\Windows\CurrentVersion\Uninstall', 'HKLM:\SOFTWARE\WOW6432Node\Microsoft\Windows\CurrentVersion\Uninstall')
  foreach ($k in @(Get-ChildItem 'Registry::HKEY_USERS' -ErrorAction SilentlyContinue)) {
    if ($k.PSChildName -match '^S-1-5-21-[0-9-]+$') { $roots += "Registry::HKEY_USERS\$($k.PSChildName)\Software\Microsoft\Windows\CurrentVersion\Uninstall" } }
  $apps = @(foreach ($r in $roots) { if (Test-Path $r) { Get-ItemProperty "$r\*" -ErrorAction SilentlyContinue | Where-Object { $_.DisplayName } | ForEach-Object {
    [ordered]@{ root = $r; key = $_.PSChildName; name = $_.DisplayName; version = $_.DisplayVersion; publisher = $_.Publisher; location = $_.InstallLocation } } } })
  $services = @(Get-CimInstance Win32_Service -Property Name,DisplayName,PathName,StartMode,State | ForEach-Object {
    [ordered]@{ name = $_.Name; displayName = $_.DisplayName; path = $_.PathName; startMode = $_.StartMode; state = $_.State } })
  [ordered]@{ apps = $apps; services = $services }
}
Add-Section 'network' {
  $ns = 'root/StandardCimv2'
  $adapters = @(Get-CimInstance -Namespace $ns -ClassName MSFT_NetAdapter | ForEach-Object {
    [ordered]@{ name = $_.Name; description = $_.InterfaceDescription; ifIndex = $_.InterfaceIndex; ifType = $_.InterfaceType; mac = $_.PermanentAddress
      currentMac = @($_.NetworkAddresses)[0]; operStatus = $_.InterfaceOperationalStatus; virtual = $_.Virtual; hidden = $_.Hidden
      physicalMedium = $_.NdisPhysicalMedium; pnpId = $_.PnPDeviceID; driver = $_.DriverDescription } })
  $shared.wifi = @($adapters | Where-Object { $_.ifType -eq 71 -or $_.physicalMedium -eq 9 }).Count -gt 0
  $addresses = @(Get-CimInstance -Namespace $ns -ClassName MSFT_NetIPAddress | ForEach-Object {
    [ordered]@{ ifIndex = $_.InterfaceIndex; alias = $_.InterfaceAlias; address = $_.IPAddress; prefix = $_.PrefixLength; family = $_.AddressFamily } })
  $routes = @(Get-CimInstance -Namespace $ns -ClassName MSFT_NetRoute -Filter "DestinationPrefix='0.0.0.0/0' OR DestinationPrefix='::/0'" | ForEach-Object {
    [ordered]@{ prefix = $_.DestinationPrefix; nextHop = $_.NextHop; ifIndex = $_.InterfaceIndex; alias = $_.InterfaceAlias; metric = $_.RouteMetric } })
  $neighbors = @(Get-CimInstance -Namespace $ns -ClassName MSFT_NetNeighbor -Filter 'AddressFamily=2' | ForEach-Object {
    [ordered]@{ ip = $_.IPAddress; mac = $_.LinkLayerAddress; state = $_.State; alias = $_.InterfaceAlias } })
  $dns = @(Get-CimInstance -Namespace $ns -ClassName MSFT_DNSClientServerAddress | ForEach-Object {
    [ordered]@{ alias = $_.InterfaceAlias; family = $_.AddressFamily; servers = @($_.ServerAddresses) } })
  [ordered]@{ adapters = $adapters; addresses = $addresses; routes = $routes; neighbors = $neighbors; dns = $dns }
}
# netstat -ano: sockets with owning pid from the IP helper tables directly; MSFT_NetTCPConnection costs far more.
Add-Section 'netstat' { Native 'netstat.exe' @('-ano') }
Add-Section 'wlan' { if ($shared.wifi -ne $false) { Native 'netsh.exe' @('wlan', 'show', 'interfaces') } else { [ordered]@{ skipped = 'no Wi-Fi adapter' } } }
# Keyboard and Mouse setup classes by ClassGuid, not PNPClass: Windows before 10 has no PNPClass property, and a WQL
# filter naming a missing property fails the whole query. HardwareID carries a HID collection's usage ids.
Add-Section 'pnp' {
  $f = "PNPDeviceID LIKE 'USB\\%' OR PNPDeviceID LIKE 'HID\\%' OR PNPDeviceID LIKE 'USBSTOR\\%' OR ClassGuid='{4d36e96b-e325-11ce-bfc1-08002be10318}' OR ClassGuid='{4d36e96f-e325-11ce-bfc1-08002be10318}'"
  $devices = @(Get-CimInstance Win32_PnPEntity -Filter $f | ForEach-Object {
    [ordered]@{ id = $_.PNPDeviceID; name = $_.Name; class = $_.PNPClass; classGuid = $_.ClassGuid; manufacturer = $_.Manufacturer; service = $_.Service; status = $_.Status
      present = $_.Present; hardwareIds = @($_.HardwareID); compatibleIds = @($_.CompatibleID); busDesc = $null } })
  $usbIds = @($devices | Where-Object { $_.id -match '^USB\\VID_[0-9A-F]{4}&PID_[0-9A-F]{4}\\' } | ForEach-Object { $_.id })
  $busDescError = $null
  if ($usbIds.Count -gt 0) {
    try { $desc = @{}; Get-PnpDeviceProperty -InstanceId $usbIds -KeyName 'DEVPKEY_Device_BusReportedDeviceDesc' | ForEach-Object { $desc[$_.InstanceId] = $_.Data }
      foreach ($d in $devices) { if ($desc.ContainsKey($d.id)) { $d.busDesc = $desc[$d.id] } } }
    catch { $busDescError = "$($_.Exception.Message)" } }
  [ordered]@{ devices = $devices; busDescError = $busDescError }
}
Add-Section 'displays' {
  $conn = @{}
  try { Get-CimInstance -Namespace root/wmi -ClassName WmiMonitorConnectionParams | ForEach-Object { $conn[$_.InstanceName] = $_.VideoOutputTechnology } } catch { }
  $monitors = @(Get-CimInstance -Namespace root/wmi -ClassName WmiMonitorID | ForEach-Object {
    $inst = $_.InstanceName; $edid = $null; $edidError = $null
    try { $b = (Get-ItemProperty ("HKLM:\SYSTEM\CurrentControlSet\Enum\" + ($inst -replace '_\d+$', '') + '\Device Parameters') -Name EDID).EDID
      if ($b) { $edid = [BitConverter]::ToString([byte[]]$b).Replace('-', '') } } catch { $edidError = "$($_.Exception.Message)" }
    [ordered]@{ instance = $inst; active = $_.Active; manufacturer = @($_.ManufacturerName); product = @($_.ProductCodeID); serial = @($_.SerialNumberID)
      name = @($_.UserFriendlyName); year = $_.YearOfManufacture; week = $_.WeekOfManufacture; videoOutput = $conn[$inst]; edid = $edid; edidError = $edidError } })
  $pnp = @{}
  # The Display setup class by ClassGuid: Windows before 10 has no PNPClass, and the filter would fail the section.
  Get-CimInstance Win32_PnPEntity -Filter "ClassGuid='{4d36e968-e325-11ce-bfc1-08002be10318}'" | ForEach-Object { $pnp[$_.PNPDeviceID] = $_ }
  $adapters = @(Get-CimInstance Win32_VideoController -Property Name,PNPDeviceID,DriverVersion,CurrentHorizontalResolution,CurrentVerticalResolution | ForEach-Object {
    $p = $pnp[$_.PNPDeviceID]
    [ordered]@{ name = $_.Name; pnpId = $_.PNPDeviceID; hardwareIds = @($p.HardwareID); service = $p.Service; driverVersion = $_.DriverVersion
      width = $_.CurrentHorizontalResolution; height = $_.CurrentVerticalResolution } })
  [ordered]@{ monitors = $monitors; adapters = $adapters }
}
Add-Section 'locale' {
  $r = [ordered]@{ timezone = [TimeZoneInfo]::Local.Id; systemLocale = $null; sid = $shared.sid; userLocale = $null; languages = @(); preload = @(); substitutes = @{}; profiles = @() }
  try { $r.systemLocale = (Get-WinSystemLocale).Name } catch { }
  $hive = "Registry::HKEY_USERS\$($shared.sid)"
  if ($shared.sid -and (Test-Path $hive)) {
    $r.hiveLoaded = $true
    try { $r.userLocale = (Get-ItemProperty "$hive\Control Panel\International" -Name LocaleName).LocaleName } catch { }
    $pre = Get-ItemProperty "$hive\Keyboard Layout\Preload" -ErrorAction SilentlyContinue
    if ($pre) { $r.preload = @($pre.PSObject.Properties | Where-Object { $_.Name -match '^\d+$' } | Sort-Object { [int]$_.Name } | ForEach-Object { "$($_.Value)" }) }
    $sub = Get-ItemProperty "$hive\Keyboard Layout\Substitutes" -ErrorAction SilentlyContinue
    if ($sub) { foreach ($p in $sub.PSObject.Properties) { if ($p.Name -match '^[0-9A-Fa-f]{8}$') { $r.substitutes[$p.Name] = "$($p.Value)" } } }
    $up = "$hive\Control Panel\International\User Profile"
    if (Test-Path $up) {
      $r.languages = @((Get-ItemProperty $up -Name Languages -ErrorAction SilentlyContinue).Languages)
      $r.profiles = @(foreach ($lang in $r.languages) { $k = Get-ItemProperty "$up\$lang" -ErrorAction SilentlyContinue
        if ($k) { foreach ($p in $k.PSObject.Properties) { if ($p.Name -match '^[0-9A-Fa-f]{4}:') { [ordered]@{ language = $lang; id = $p.Name; order = $p.Value } } } } }) }
  } else { $r.hiveLoaded = $false }
  $r
}
Add-Section 'sessions' { Native 'quser.exe' @() }
# Inbound remote sessions of the last 2 h, one query over three logs: RDP (TerminalServices 21/23/24/25, Security 4624
# type 10) and Chrome Remote Desktop (Application, source chromoting). Event data by name, or by position when unnamed.
Add-Section 'remoteLogons' {
  $w = 'TimeCreated[timediff(@SystemTime) &lt;= 7200000]'
  $q = "<QueryList><Query Id='0'><Select Path='Microsoft-Windows-TerminalServices-LocalSessionManager/Operational'>*[System[(EventID=21 or EventID=23 or EventID=24 or EventID=25) and $w]]</Select><Select Path='Security'>*[System[EventID=4624 and $w] and EventData[Data[@Name='LogonType']='10']]</Select><Select Path='Application'>*[System[Provider[@Name='chromoting'] and (EventID=1 or EventID=2 or EventID=4) and $w]]</Select></Query></QueryList>"
  $events = @(Get-WinEvent -FilterXml $q -MaxEvents 200 -ErrorAction SilentlyContinue | ForEach-Object {
    $x = [xml]$_.ToXml(); $d = [ordered]@{}; $i = 0
    foreach ($n in @($x.Event.EventData.Data)) { if ($n) { $k = if ($n.Name) { $n.Name } else { "$i" }; $d[$k] = if ($n -is [string]) { $n } else { $n.'#text' }; $i++ } }
    if ($x.Event.UserData) { foreach ($n in $x.Event.UserData.FirstChild.ChildNodes) { $d[$n.LocalName] = $n.InnerText } }
    [ordered]@{ log = $_.LogName; id = $_.Id; time = (Iso $_.TimeCreated); data = $d } })
  [ordered]@{ events = $events }
}
[Console]::OutputEncoding = [Text.Encoding]::UTF8
$out.finishedAt = [DateTime]::UtcNow.ToString('o')
ConvertTo-Json -InputObject $out -Depth 8 -Compress
}
`;

/** The script as PowerShell's stdin wants it: no blank line inside the block, one blank line after it. */
export const inventoryScript = `${script.split(/\r?\n/).filter((line) => line.trim() !== '').join('\n')}\n\n`;

export const powershellArgs = ['-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass', '-Command', '-'] as const;
