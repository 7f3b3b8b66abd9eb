// zlib's inflate for gzip input: import reads .gz files as they ship (hh-rlhf does).
#ifndef WINNOW_CZLIB_SHIM_H
#define WINNOW_CZLIB_SHIM_H
#include <zlib.h>
#endif
