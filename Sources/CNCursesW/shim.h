// SwiftPM drops the -D flags pkg-config reports for ncursesw, so the wide-character API
// (add_wch, get_wch, cchar_t) is switched on here, before the header is read.
#ifndef WINNOW_CNCURSESW_SHIM_H
#define WINNOW_CNCURSESW_SHIM_H
#define NCURSES_WIDECHAR 1
#define _XOPEN_SOURCE_EXTENDED 1
#include <langinfo.h>
#include <locale.h>
#include <string.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <fcntl.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/syscall.h>
#endif
#ifdef __APPLE__
#include <util.h>
#else
#include <pty.h>
#endif
#include <ncursesw/curses.h>

// What Swift cannot import or must not touch directly: the attribute macros (they expand to
// casts and shifts), and ncurses' mutable globals (stdscr, curscr, LINES, COLS, stdout), which
// Swift 6 refuses as shared mutable state. Only CursesTerminal calls these.

static inline attr_t winnow_attr_bold(void) { return A_BOLD; }
static inline attr_t winnow_attr_underline(void) { return A_UNDERLINE; }
static inline attr_t winnow_attr_reverse(void) { return A_REVERSE; }
static inline attr_t winnow_attr_dim(void) { return A_DIM; }

static inline WINDOW *winnow_stdscr(void) { return stdscr; }
static inline WINDOW *winnow_curscr(void) { return curscr; }
static inline int winnow_lines(void) { return LINES; }
static inline int winnow_cols(void) { return COLS; }

/// newterm on the given streams, or on stdout/stdin when they are NULL.
static inline SCREEN *winnow_newterm(const char *type, FILE *out, FILE *in) {
    return newterm(type, out ? out : stdout, in ? in : stdin);
}

/// Columns the C library (and so ncurses) gives a character; -1 when it thinks it unprintable.
/// Declared here because glibc hides wcwidth behind _XOPEN_SOURCE.
extern int wcwidth(wchar_t);
static inline int winnow_wcwidth(unsigned int value) { return wcwidth((wchar_t)value); }

/// Whether the current terminal description can move the cursor (has `cup`): without it
/// (TERM=dumb, an editor's shell buffer) a full-screen program can only make a mess.
/// Declared here so that term.h and its lower-case capability macros stay out of Swift.
extern char *tigetstr(const char *);
extern int tigetflag(const char *);
static inline int winnow_can_address_cursor(void) {
    char *cup = tigetstr("cup");
    return cup != NULL && cup != (char *)-1;
}

/// Whether LC_CTYPE's character set is UTF-8 (what ncurses and wcwidth then assume).
static inline int winnow_codeset_is_utf8(void) {
    const char *codeset = nl_langinfo(CODESET);
    return codeset && (strcmp(codeset, "UTF-8") == 0 || strcmp(codeset, "utf8") == 0);
}

static inline void winnow_flush_stdout(void) { fflush(stdout); }

static inline attr_t winnow_attr_invisible(void) { return A_INVIS; }

#define WINNOW_WEAK __attribute__((weak))

// Writing grapheme clusters past curses (see CursesTerminal+Clusters.swift). curses' public
// mvcur and putp write to stdout through stdio whatever stream the screen was opened on, so
// these build the same sequences from terminfo (cup, and vid_puts for attributes, which also
// keeps curses' record of the current attributes right) and write them to the screen's own
// stream, after doupdate has flushed curses' buffer and before the next update begins.
WINNOW_WEAK FILE *winnow_cluster_stream = NULL;

static int winnow_cluster_putc(int c) { return putc(c, winnow_cluster_stream ? winnow_cluster_stream : stdout); }

static inline void winnow_cluster_move(int y, int x) {
    const char *cup = tigetstr("cup");
    if (cup != NULL && cup != (char *)-1) tputs(tiparm(cup, y, x), 1, winnow_cluster_putc);
}

/// Writes one cluster at (y, x) on `out` (NULL: stdout): the cell's attributes, `columns`
/// spaces to clear what was there, back, then the cluster's bytes. `utf8` holds no control
/// character (the canvas replaced them).
static inline void winnow_write_cluster(FILE *out, int y, int x, int columns, const char *utf8, attr_t attributes, short pair) {
    winnow_cluster_stream = out ? out : stdout;
    winnow_cluster_move(y, x);
    vid_puts(attributes, pair, NULL, winnow_cluster_putc);
    for (int i = 0; i < columns; i++) winnow_cluster_putc(' ');
    winnow_cluster_move(y, x);
    fputs(utf8, winnow_cluster_stream);
}

/// Ends a batch of winnow_write_cluster: plain attributes, the cursor back at (y, x), where
/// curses left it (and so believes it is), and everything flushed.
static inline void winnow_end_clusters(FILE *out, int y, int x) {
    winnow_cluster_stream = out ? out : stdout;
    vid_puts(A_NORMAL, 0, NULL, winnow_cluster_putc);
    winnow_cluster_move(y, x);
    fflush(winnow_cluster_stream);
}

/// Whether the terminal defers the wrap after the last column (xenl, as xterm does): only then
/// may a cluster be written into the bottom-right cell without scrolling the screen.
static inline int winnow_wraps_late(void) { return tigetflag("xenl") > 0; }

/// Writes a control string straight to the terminal's stream (NULL: stdout) and flushes it:
/// curses has no call for private modes such as bracketed paste.
static inline void winnow_write_raw(FILE *out, const char *text) {
    FILE *stream = out ? out : stdout;
    fputs(text, stream);
    fflush(stream);
}

/// Opens a pseudo-terminal pair (tests give curses the slave side), both sides close-on-exec
/// from the start: the tests share one process, and a child another test spawns in between
/// (tmux keeps what it inherits) would hold the pair open, so hanging up would not reach the
/// slave. On Linux that is /dev/ptmx opened with O_CLOEXEC and the slave opened through it;
/// elsewhere openpty, then the flag (a narrow window left open). Returns 0 or -1.
static inline int winnow_open_pseudo_terminal(int *master, int *slave) {
#ifdef __linux__
    int m = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (m < 0) return -1;
    int unlock = 0;
    int s = -1;
    if (ioctl(m, TIOCSPTLCK, &unlock) == 0) {
#ifdef TIOCGPTPEER
        s = ioctl(m, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
#endif
        unsigned int number;
        if (s < 0 && ioctl(m, TIOCGPTN, &number) == 0) {  // a kernel before 4.13
            char name[32];
            snprintf(name, sizeof name, "/dev/pts/%u", number);
            s = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
        }
    }
    if (s < 0) {
        close(m);
        return -1;
    }
    *master = m;
    *slave = s;
    return 0;
#else
    if (openpty(master, slave, NULL, NULL, NULL) != 0) return -1;
    fcntl(*master, F_SETFD, FD_CLOEXEC);
    fcntl(*slave, F_SETFD, FD_CLOEXEC);
    return 0;
#endif
}

/// A pipe with both ends close-on-exec from the start (pipe2 is a GNU extension Swift's Glibc
/// does not show): the pseudo-terminal test's pipe must not be held open by a child another
/// test spawns meanwhile. Returns 0 or -1.
static inline int winnow_close_on_exec_pipe(int ends[2]) {
#ifdef __linux__
    return (int)syscall(SYS_pipe2, ends, O_CLOEXEC);
#else
    if (pipe(ends) != 0) return -1;
    fcntl(ends[0], F_SETFD, FD_CLOEXEC);
    fcntl(ends[1], F_SETFD, FD_CLOEXEC);
    return 0;
#endif
}

/// Sets a tty's window size (ioctl is variadic, so Swift cannot call it): tests size a
/// pseudo-terminal with this. Returns 0 or -1.
static inline int winnow_set_window_size(int fd, unsigned short rows, unsigned short columns) {
    struct winsize size = { rows, columns, 0, 0 };
    return ioctl(fd, TIOCSWINSZ, &size);
}

// Signals. The handlers only store the signal number in a volatile sig_atomic_t, the one thing
// a handler may safely do; the event loop polls the flags between short waits. They are
// installed before newterm so ncurses, which only catches SIGINT/SIGTERM when they are still at
// their default, leaves them to us; SIGTSTP stays with ncurses (it leaves curses mode, stops,
// and restores on resume), and SIGCONT only records that the screen needs a full repaint.
// The state is one set of weak globals rather than statics: Swift compiles each source file
// of a module to its own object, and a static here would give each file a private copy (the
// handler would set one flag while the event loop read another). The linker merges weak
// definitions into one.

WINNOW_WEAK volatile sig_atomic_t winnow_pending_signal = 0;
WINNOW_WEAK volatile sig_atomic_t winnow_continued = 0;
#define WINNOW_CAUGHT_SIGNAL_COUNT 5
static const int winnow_caught_signals[WINNOW_CAUGHT_SIGNAL_COUNT] = { SIGINT, SIGTERM, SIGHUP, SIGCONT, SIGPIPE };

static void winnow_record_signal(int number) {
    if (winnow_pending_signal == 0) winnow_pending_signal = number;
}

static void winnow_record_continue(int number) {
    (void)number;
    winnow_continued = 1;
}

/// Installs the flag-setting handlers (and ignores SIGPIPE), storing what was there in
/// `saved` (room for WINNOW_CAUGHT_SIGNAL_COUNT; the caller owns it, see above on statics).
static inline void winnow_install_signal_handlers(struct sigaction *saved) {
    for (int i = 0; i < WINNOW_CAUGHT_SIGNAL_COUNT; i++) {
        struct sigaction action;
        sigemptyset(&action.sa_mask);
        action.sa_flags = 0; // no SA_RESTART: a wait ends early so the flag is seen at once
        int number = winnow_caught_signals[i];
        if (number == SIGPIPE) action.sa_handler = SIG_IGN;
        else if (number == SIGCONT) action.sa_handler = winnow_record_continue;
        else action.sa_handler = winnow_record_signal;
        sigaction(number, &action, &saved[i]);
    }
    winnow_pending_signal = 0;
    winnow_continued = 0;
}

/// Lets the signals the terminal depends on through on the calling thread: a process started
/// with them blocked (a parent's mask is inherited) would never see Ctrl-C, an ssh drop, a
/// resize or a resume.
static inline void winnow_unblock_terminal_signals(void) {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGHUP);
    sigaddset(&set, SIGCONT);
    sigaddset(&set, SIGTSTP);
    sigaddset(&set, SIGWINCH);
    pthread_sigmask(SIG_UNBLOCK, &set, NULL);
}

/// Puts back the handlers `winnow_install_signal_handlers` saved (normally the defaults).
static inline void winnow_restore_signal_handlers(const struct sigaction *saved) {
    for (int i = 0; i < WINNOW_CAUGHT_SIGNAL_COUNT; i++) sigaction(winnow_caught_signals[i], &saved[i], NULL);
}

/// The first SIGINT/SIGTERM/SIGHUP received since install, or 0. Sticky: the session must end.
static inline int winnow_pending_signal_number(void) { return winnow_pending_signal; }

/// Drops a pending SIGINT (not SIGTERM or SIGHUP): Ctrl-C typed while another program had
/// the terminal was meant for that program, as system(3) has it.
static inline void winnow_forget_interrupt(void) {
    if (winnow_pending_signal == SIGINT) winnow_pending_signal = 0;
}

/// True once after a SIGCONT (the process was resumed after a stop).
static inline int winnow_take_continued(void) {
    if (!winnow_continued) return 0;
    winnow_continued = 0;
    return 1;
}
#endif
