# Decode this machine's Windows Update ETW traces (Windows 10 / Server 2016 and later) into a
# WindowsUpdate.log and write its text to standard output. supdiag runs this for discovery and
# `collect`; the temporary file is removed again.
$ErrorActionPreference = 'Stop'
$out = Join-Path ([IO.Path]::GetTempPath()) ('supdiag-wu-' + [guid]::NewGuid().ToString() + '.log')
try {
    Get-WindowsUpdateLog -LogPath $out *> $null
    [IO.File]::ReadAllText($out)
}
finally {
    Remove-Item -LiteralPath $out -ErrorAction SilentlyContinue
}
