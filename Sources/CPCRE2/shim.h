// PCRE2 (8-bit code units, so match offsets are UTF-8 byte offsets) for the configured regular
// expressions: it has match and depth limits, so a pathological pattern costs a bounded amount
// of work per row instead of hanging an import (Foundation's regex engine has no such limit).
#ifndef WINNOW_CPCRE2_SHIM_H
#define WINNOW_CPCRE2_SHIM_H
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#endif
