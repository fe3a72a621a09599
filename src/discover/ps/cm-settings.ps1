# The ConfigMgr settings supdiag correlates with the logs, as JSON on standard output: the site,
# the software update points, the SUP component, the sync schedule and the site system servers
# (their proxy). Needs the ConfigMgr console's PowerShell module and a reachable SMS Provider.
# Property values whose name mentions a password are left out.
$ErrorActionPreference = 'Stop'
if (-not $env:SMS_ADMIN_UI_PATH) {
    throw 'the ConfigMgr console is not installed (SMS_ADMIN_UI_PATH is not set)'
}
Import-Module (Join-Path (Split-Path $env:SMS_ADMIN_UI_PATH -Parent) 'ConfigurationManager.psd1')
$drive = Get-PSDrive -PSProvider CMSite | Select-Object -First 1
if (-not $drive) {
    throw 'no ConfigMgr site drive: the SMS Provider was not reached'
}
Set-Location ($drive.Name + ':')

# Only the fields the importer reads, and only those that are set (an empty ReportingSiteCode
# marks the top-level site).
function Select-Settings($objects) {
    foreach ($o in $objects) {
        $out = [ordered]@{}
        foreach ($name in 'RoleName', 'ComponentName', 'ItemName', 'SiteCode', 'NetworkOSPath',
            'ReportingSiteCode', 'Type', 'ServerName') {
            $p = $o.PSObject.Properties[$name]
            if ($p -and $null -ne $p.Value) { $out[$name] = $p.Value }
        }
        if ($o.PSObject.Properties['Props']) {
            $out['Props'] = @($o.Props | Where-Object { $_.PropertyName -notmatch 'password' } |
                Select-Object PropertyName, Value, Value1, Value2)
        }
        [pscustomobject]$out
    }
}

$all = @()
$all += Select-Settings (Get-CMSite)
$all += Select-Settings (Get-CMSoftwareUpdatePoint)
$all += Select-Settings (Get-CMSoftwareUpdatePointComponent)
$all += Select-Settings (Get-CMSiteComponent -ComponentName 'SMS_WSUS_SYNC_MANAGER')
$all += Select-Settings (Get-CMSiteSystemServer)
ConvertTo-Json -InputObject $all -Depth 6
