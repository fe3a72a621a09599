/* bcryptprimitives.dll for Wine 8 (Debian 12): Rust's standard library asks this DLL for
 * ProcessPrng, which Wine added only in 9.x. This one forwards to advapi32's
 * SystemFunction036 (RtlGenRandom), which every Wine has. Used only to run the Windows build
 * under Wine in tests and CI; it is never shipped with supdiag.exe. */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len)
{
    while (len > 0) {
        ULONG chunk = len > 0x40000000 ? 0x40000000 : (ULONG)len;
        if (!SystemFunction036(data, chunk))
            return FALSE;
        data += chunk;
        len -= chunk;
    }
    return TRUE;
}
