#ifndef NINEROUTER_CARGON2_SHIM_H
#define NINEROUTER_CARGON2_SHIM_H
#include <argon2.h>
#endif
