#include "CProcessSettings.h"
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>  // defines __GLIBC__ under glibc
#include <unistd.h>

// The TOML file this thread is parsing, if any (see winnow_parsing_toml).
static _Thread_local const char *parsing_toml = NULL;

void winnow_parsing_toml(const char *display_name) { parsing_toml = display_name; }

// Where a TOML assertion jumps to, when the fuzzer asked (winnow_catching_toml_assertions).
static _Thread_local sigjmp_buf *toml_escape = NULL;

int winnow_catching_toml_assertions(void (*body)(void *), void *context) {
    sigjmp_buf here;
    sigjmp_buf *outer = toml_escape;
    if (sigsetjmp(here, 0) != 0) {
        toml_escape = outer;
        parsing_toml = NULL;  // the parse that set it was jumped out of
        return 1;
    }
    toml_escape = &here;
    body(context);
    toml_escape = outer;
    return 0;
}

#ifdef __GLIBC__
// glibc's assert() calls this when a check fails. Defined here, it takes the place of glibc's
// (which prints and aborts, and Swift's runtime then prints a stack trace). TOMLKit compiles
// toml++ with its assertions on, and some malformed TOML reaches them: a winnow.toml or mix
// spec a person typed must end in a message naming the file, never in a crash. Assertions
// elsewhere are internal errors, reported as such; either way the process ends at once
// (_exit: nothing half-written is flushed, and no further work runs on a broken invariant).
__attribute__((noreturn)) void __assert_fail(const char *assertion, const char *file, unsigned int line,
                                             const char *function) {
    (void)function;
    if (parsing_toml != NULL && toml_escape != NULL) siglongjmp(*toml_escape, 1);
    if (parsing_toml != NULL) {
        fprintf(stderr, "winnow: %s: invalid TOML: the parser stopped on its own check (%s); "
                        "look for a malformed key, table header or value\n", parsing_toml, assertion);
        fflush(stderr);
        _exit(1);
    }
    fprintf(stderr, "winnow: internal error: a library's check failed (%s:%u: %s); nothing more was done\n",
            file, line, assertion);
    fflush(stderr);
    _exit(70);
}
#endif
