#include "CProcessSettings.h"
#include <sqlite3.h>
#include <stdlib.h>  // defines __GLIBC__ under glibc
#ifdef __GLIBC__
#include <malloc.h>
#endif

int winnow_sqlite_disable_memory_statistics(void) {
    return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

void winnow_keep_freed_memory(void) {
#ifdef __GLIBC__
    // Blocks under 64 MB come from the heaps, and up to 512 MB free at a heap's top stays mapped.
    mallopt(M_MMAP_THRESHOLD, 64 << 20);
    mallopt(M_TRIM_THRESHOLD, 512 << 20);
#endif
}
