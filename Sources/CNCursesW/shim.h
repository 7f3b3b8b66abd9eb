// SwiftPM drops the -D flags pkg-config reports for ncursesw, so the wide-character API
// (add_wch, get_wch, cchar_t) is switched on here, before the header is read.
#ifndef WINNOW_CNCURSESW_SHIM_H
#define WINNOW_CNCURSESW_SHIM_H
#define NCURSES_WIDECHAR 1
#define _XOPEN_SOURCE_EXTENDED 1
#include <locale.h>
#include <ncursesw/curses.h>
#endif
