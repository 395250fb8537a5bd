/*
 * hash.h - FNV-1a over a string: a stable 32-bit hash that depends on
 * nothing but the bytes (a case's shard, a test id's check value).
 */
#ifndef LC_HASH_H
#define LC_HASH_H

#include <stdint.h>

static inline uint32_t lc_hash_fnv1a(const char *s)
{
    uint32_t h = 2166136261u;

    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        h = (h ^ *p) * 16777619u;
    return h;
}

#endif
