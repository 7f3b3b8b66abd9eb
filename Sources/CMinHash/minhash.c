#include "CMinHash.h"

// The loop is written so the compiler can keep one block of permutations' minima in
// registers for the whole pass over a row's shingles: the signature is read and written once
// per block, not once per shingle (the Swift loop it replaces loaded and stored all 128 values
// for every shingle, and that traffic was a third of its time).
#define BLOCK 16

static inline __attribute__((always_inline)) void minhash_body(
    const uint64_t *shingles, size_t count, const uint64_t *a, const uint64_t *b, size_t permutations,
    int32_t *signature)
{
    size_t k0 = 0;
    for (; k0 + BLOCK <= permutations; k0 += BLOCK) {
        int32_t m[BLOCK];
        uint64_t ka[BLOCK], kb[BLOCK];
        for (int j = 0; j < BLOCK; j++) {
            m[j] = signature[k0 + j];
            ka[j] = a[k0 + j];
            kb[j] = b[k0 + j];
        }
        for (size_t i = 0; i < count; i++) {
            uint64_t x = (uint32_t)shingles[i];
            for (int j = 0; j < BLOCK; j++) {
                int32_t v = (int32_t)(uint32_t)((ka[j] * x + kb[j]) >> 32);
                m[j] = v < m[j] ? v : m[j];
            }
        }
        for (int j = 0; j < BLOCK; j++) signature[k0 + j] = m[j];
    }
    for (; k0 < permutations; k0++) {
        int32_t m = signature[k0];
        for (size_t i = 0; i < count; i++) {
            uint64_t x = (uint32_t)shingles[i];
            int32_t v = (int32_t)(uint32_t)((a[k0] * x + b[k0]) >> 32);
            m = v < m ? v : m;
        }
        signature[k0] = m;
    }
}

#if defined(__x86_64__) && defined(__clang__)
__attribute__((target("avx512f,avx512dq,avx512vl,avx512bw")))
static void minhash_avx512(const uint64_t *s, size_t n, const uint64_t *a, const uint64_t *b, size_t p, int32_t *sig)
{
    minhash_body(s, n, a, b, p, sig);
}

__attribute__((target("avx2")))
static void minhash_avx2(const uint64_t *s, size_t n, const uint64_t *a, const uint64_t *b, size_t p, int32_t *sig)
{
    minhash_body(s, n, a, b, p, sig);
}

enum { VARIANT_BASELINE, VARIANT_AVX2, VARIANT_AVX512 };

// The widest version the CPU and the OS support (__builtin_cpu_supports checks that the OS
// saves the vector state too: XGETBV), worked out once when the library is loaded.
static int best_variant = VARIANT_BASELINE;

__attribute__((constructor)) static void choose_variant(void)
{
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq")
        && __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512bw"))
        best_variant = VARIANT_AVX512;
    else if (__builtin_cpu_supports("avx2"))
        best_variant = VARIANT_AVX2;
}

static int variant(void) { return best_variant; }
#endif

static void minhash_baseline(const uint64_t *s, size_t n, const uint64_t *a, const uint64_t *b, size_t p, int32_t *sig)
{
    minhash_body(s, n, a, b, p, sig);
}

void winnow_minhash(const uint64_t *shingles, size_t count, const uint64_t *a, const uint64_t *b,
                    size_t permutations, int32_t *signature)
{
#if defined(__x86_64__) && defined(__clang__)
    switch (variant()) {
    case VARIANT_AVX512: minhash_avx512(shingles, count, a, b, permutations, signature); return;
    case VARIANT_AVX2: minhash_avx2(shingles, count, a, b, permutations, signature); return;
    default: break;
    }
#endif
    minhash_baseline(shingles, count, a, b, permutations, signature);
}

const char *winnow_minhash_variant(void)
{
#if defined(__x86_64__) && defined(__clang__)
    switch (variant()) {
    case VARIANT_AVX512: return "avx512";
    case VARIANT_AVX2: return "avx2";
    default: break;
    }
#endif
    return "baseline";
}

int winnow_minhash_run_variant(int which, const uint64_t *shingles, size_t count, const uint64_t *a, const uint64_t *b,
                               size_t permutations, int32_t *signature)
{
    if (which == 0) {
        minhash_baseline(shingles, count, a, b, permutations, signature);
        return 0;
    }
#if defined(__x86_64__) && defined(__clang__)
    if (which == VARIANT_AVX2 && variant() >= VARIANT_AVX2) {
        minhash_avx2(shingles, count, a, b, permutations, signature);
        return 0;
    }
    if (which == VARIANT_AVX512 && variant() >= VARIANT_AVX512) {
        minhash_avx512(shingles, count, a, b, permutations, signature);
        return 0;
    }
#endif
    return -1;
}
