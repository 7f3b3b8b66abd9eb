#ifndef WINNOW_CMINHASH_H
#define WINNOW_CMINHASH_H

#include <stddef.h>
#include <stdint.h>

/// Lowers signature[p] to the minimum, over the shingles, of the signed high 32 bits of
/// a[p] * x + b[p] (mod 2^64), where x is a shingle's low 32 bits: the near-duplicate gate's
/// MinHash (see NearDuplicateSignatures.swift for the family and why the order is signed).
///
/// In C for one reason: the vector units. The Swift build targets the x86-64 baseline (SSE2),
/// which has no 32-bit minimum and no 64-bit multiply; this file compiles the same loop three
/// times (AVX-512, AVX2, baseline) and picks the widest the CPU has, once per call. Every
/// version computes exactly the same values (integer arithmetic only), so signatures, band keys
/// and verdicts do not depend on the machine; GatesTests holds the kernel to the formula.
void winnow_minhash(const uint64_t *shingles, size_t count,
                    const uint64_t *a, const uint64_t *b, size_t permutations,
                    int32_t *signature);

/// Which version `winnow_minhash` runs on this CPU: "avx512", "avx2" or "baseline" (for the
/// benchmark's report).
const char *winnow_minhash_variant(void);

/// Runs one named version (0 baseline, 1 AVX2, 2 AVX-512), for tests that hold every version
/// the CPU has to the formula; returns 0, or -1 (having done nothing) when the CPU lacks it.
int winnow_minhash_run_variant(int variant, const uint64_t *shingles, size_t count,
                               const uint64_t *a, const uint64_t *b, size_t permutations,
                               int32_t *signature);

#endif
