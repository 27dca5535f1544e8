#ifndef NINEROUTER_CARGON2_SHIM_H
#define NINEROUTER_CARGON2_SHIM_H
#include <argon2.h>
#include <malloc.h>

/* argon2 mallocs a 19 MiB work area per hash. With glibc's default dynamic mmap threshold the
   first free raises the threshold, and every later work area stays in a thread's arena for
   good (tens of MB after a few logins). A fixed threshold keeps such blocks mmapped, so they
   go back to the system when freed. */
static inline void nr_fix_mmap_threshold(void) { mallopt(M_MMAP_THRESHOLD, 1 << 20); }
#endif
