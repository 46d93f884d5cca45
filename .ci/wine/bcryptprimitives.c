/* Debian bookworm's Wine 8.0 lacks bcryptprimitives.dll, whose ProcessPrng Rust's standard
 * library (1.78 and later) takes its random numbers from on Windows: without it every .exe exits
 * 53 before main. This stand-in gives the same bytes RtlGenRandom (advapi32's SystemFunction036)
 * gives. Wine 8.13 and later ship the real DLL; Windows has had it since 10. */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length) {
    while (length > 0) {
        ULONG chunk = length > 0x7fffffff ? 0x7fffffff : (ULONG)length;
        if (!SystemFunction036(data, chunk)) {
            return FALSE;
        }
        data += chunk;
        length -= chunk;
    }
    return TRUE;
}
