<#
.SYNOPSIS
    Register a daily scheduled task that runs Invoke-Supdiag.ps1 as SYSTEM on this server.

.DESCRIPTION
    The task runs at -At every day with the highest privileges (supdiag reads HKLM and the
    ConfigMgr, WSUS and IIS log folders). The computer account needs write access to -Share.
    Deploy it to every SUP with a ConfigMgr package, Run Scripts or a GPO; remove it with
    Unregister-ScheduledTask -TaskName supdiag.

.EXAMPLE
    .\Register-SupdiagTask.ps1 -ScriptPath \\CM01\Tools$\Invoke-Supdiag.ps1 -SupdiagPath \\CM01\Tools$\supdiag.exe -Share \\CM01\SupdiagResults$
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory = $true)]
    [string] $ScriptPath,

    [Parameter(Mandatory = $true)]
    [string] $SupdiagPath,

    [Parameter(Mandatory = $true)]
    [string] $Share,

    [string] $At = '06:30',

    [switch] $Collect
)

$ErrorActionPreference = 'Stop'
$arguments = @(
    '-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass',
    '-File', ('"{0}"' -f $ScriptPath),
    '-SupdiagPath', ('"{0}"' -f $SupdiagPath),
    '-Share', ('"{0}"' -f $Share)
)
if ($Collect) { $arguments += '-Collect' }

$action = New-ScheduledTaskAction -Execute 'powershell.exe' -Argument ($arguments -join ' ')
$trigger = New-ScheduledTaskTrigger -Daily -At $At
$principal = New-ScheduledTaskPrincipal -UserId 'SYSTEM' -LogonType ServiceAccount -RunLevel Highest
$settings = New-ScheduledTaskSettingsSet -ExecutionTimeLimit (New-TimeSpan -Hours 1) -StartWhenAvailable
Register-ScheduledTask -TaskName 'supdiag' -Action $action -Trigger $trigger -Principal $principal `
    -Settings $settings -Description 'supdiag: SUP and WSUS sync diagnosis to a share' -Force | Out-Null
Write-Output "Registered task 'supdiag' on $env:COMPUTERNAME, daily at $At"
