<#
.SYNOPSIS
    Run supdiag on this server and leave its findings (NDJSON) and, optionally, a bundle on a
    share. Made for ConfigMgr "Run Scripts" and for a scheduled task (Register-SupdiagTask.ps1).

.DESCRIPTION
    Copies supdiag.exe from -SupdiagPath to the local temp folder (so a share outage cannot stop
    it half way), runs `supdiag analyze` with no path (it finds this server's ConfigMgr, WSUS and
    IIS logs and settings), and writes <Share>\<COMPUTERNAME>\findings-<UTC stamp>.ndjson: one
    finding per line with a "host" field, ready for Filebeat, Vector or a Splunk monitor input.
    With -Collect it also writes <Share>\<COMPUTERNAME>\<COMPUTERNAME>-<stamp>.zip (`supdiag
    collect`), which `supdiag analyze <folder of zips>` reads as a fleet.

    The last line of output is a one-line summary (what Run Scripts shows per device); the exit
    code is supdiag's: 0 no warning or error, 1 findings, 2 input problem.

.EXAMPLE
    .\Invoke-Supdiag.ps1 -SupdiagPath \\CM01\Tools$\supdiag.exe -Share \\CM01\SupdiagResults$

.EXAMPLE
    .\Invoke-Supdiag.ps1 -SupdiagPath \\CM01\Tools$\supdiag.exe -Share \\CM01\SupdiagResults$ -Collect -Days 7
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory = $true)]
    [string] $SupdiagPath,

    [Parameter(Mandatory = $true)]
    [string] $Share,

    [switch] $Collect,

    [ValidateRange(1, 365)]
    [int] $Days = 14,

    [ValidateSet('error', 'warning', 'info')]
    [string] $FailOn = 'warning'
)

$ErrorActionPreference = 'Stop'
$hostName = $env:COMPUTERNAME
$stamp = (Get-Date).ToUniversalTime().ToString('yyyyMMdd-HHmmss')
$exe = Join-Path $env:TEMP 'supdiag.exe'
Copy-Item -LiteralPath $SupdiagPath -Destination $exe -Force

$target = Join-Path $Share $hostName
if (-not (Test-Path -LiteralPath $target)) {
    New-Item -ItemType Directory -Path $target -Force | Out-Null
}

# Findings as NDJSON; supdiag's own host tag is empty on a single server, so add it here.
$lines = & $exe analyze --format ndjson --fail-on $FailOn --quiet
$code = $LASTEXITCODE
$out = Join-Path $target ("findings-$stamp.ndjson")
$tagged = foreach ($line in $lines) {
    if ($line.Trim().Length -eq 0) { continue }
    $finding = $line | ConvertFrom-Json
    if (-not $finding.host) {
        $finding | Add-Member -NotePropertyName host -NotePropertyValue $hostName -Force
    }
    $finding | ConvertTo-Json -Compress -Depth 10
}
[IO.File]::WriteAllLines($out, [string[]] @($tagged), (New-Object System.Text.UTF8Encoding $false))

if ($Collect) {
    $zip = Join-Path $target ("$hostName-$stamp.zip")
    & $exe collect -o $zip --days $Days --quiet
    if ($LASTEXITCODE -ne 0) {
        Write-Output "$hostName collect failed (exit $LASTEXITCODE)"
    }
}

Remove-Item -LiteralPath $exe -Force -ErrorAction SilentlyContinue
$count = @($tagged).Count
Write-Output "$hostName supdiag exit $code, $count finding(s) -> $out"
exit $code
