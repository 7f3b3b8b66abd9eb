#ifndef WINNOW_CPROCESSSETTINGS_H
#define WINNOW_CPROCESSSETTINGS_H

// Process-wide settings that Swift cannot make itself: the C calls behind them are variadic
// (`sqlite3_config`) or not exported by Swift's Glibc module (`mallopt`).

/// Turns SQLite's memory statistics off. With them on, every allocation SQLite makes takes a
/// global mutex to update counters winnow never reads: about 4 % of a million-row import's CPU
/// time went to those lock and unlock calls. Only takes effect before SQLite is initialised
/// (before the process opens its first database); afterwards it changes nothing.
/// Returns SQLite's result code (SQLITE_MISUSE when it was too late).
int winnow_sqlite_disable_memory_statistics(void);

/// Lets SQLite read `file:` URIs as file names, for the one URI winnow opens: a read-only
/// index with `immutable=1` (see RowIndex+ReadOnly). Index paths are absolute, so no other name
/// starts with `file:`. Like the above, only takes effect before SQLite is initialised.
/// Returns SQLite's result code.
int winnow_sqlite_enable_uri(void);

/// Makes the C allocator keep freed memory for reuse instead of handing it back to the kernel.
///
/// An import allocates and frees a few megabytes per batch on several threads (the batch's
/// bytes, its staged rows). glibc served those from fresh mmap'd pages and returned them on
/// free, so every batch page-faulted its memory in again and the kernel zeroed it: about a
/// tenth of a million-row import's CPU time. Peak memory grows by what one round of batches
/// holds (tens of megabytes). No effect where the C library is not glibc.
void winnow_keep_freed_memory(void);

/// Names the TOML file being parsed on this thread (a display name, already sanitised), or
/// NULL when the parse is over. If the C++ TOML parser inside TOMLKit stops on one of its
/// internal assertions (it has several for malformed input), the process ends with a config
/// error naming this file, exit status 1, instead of an abort and a stack trace.
void winnow_parsing_toml(const char *display_name);

// For the fuzzer only: runs body(context); a C assertion while TOML is parsed inside it jumps
// back here (returning 1) instead of ending the process, so libFuzzer can go on to the next
// input. Jumping out skips the C++ and Swift frames' clean-up (their memory leaks), which is
// why winnow itself never uses it: there a failed check ends the process.
int winnow_catching_toml_assertions(void (*body)(void *), void *context);

#endif
