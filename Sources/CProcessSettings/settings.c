#include "CProcessSettings.h"
#include <sqlite3.h>
#include <stdlib.h>  // defines __GLIBC__ under glibc
#ifdef __GLIBC__
#include <malloc.h>
#endif

int winnow_sqlite_disable_memory_statistics(void) {
    return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

int winnow_sqlite_enable_uri(void) {
    return sqlite3_config(SQLITE_CONFIG_URI, 1);
}

void winnow_keep_freed_memory(void) {
#ifdef __GLIBC__
    // Blocks under 64 MB come from the heaps (older glibc refuses more than 32 MB), and up to
    // 512 MB free at a heap's top stays mapped. Setting the trim threshold also freezes the mmap
    // threshold, so it is only set when the mmap threshold took: frozen at its 128 kB default,
    // every batch would be mapped afresh, the opposite of the point.
    if (mallopt(M_MMAP_THRESHOLD, 64 << 20) == 1 || mallopt(M_MMAP_THRESHOLD, 32 << 20) == 1) {
        mallopt(M_TRIM_THRESHOLD, 512 << 20);
    }
#endif
}
