#ifndef ENTRAIDE_CWORDVECTORS_H
#define ENTRAIDE_CWORDVECTORS_H
#include <stddef.h>

/// The bytes of word-vectors.bin, linked into the binary (see word-vectors.S): the matcher needs no file beside
/// the executable, and a deployment cannot lose it.
const unsigned char *entraide_word_vectors(size_t *count);

/// The dot product of two vectors of signed bytes, summed in 32 bits (exact for any `count` up to 131,071).
/// In C because the matcher's nearest-example pass is most of a match with the vectors on, and Swift's loop
/// compiles for the baseline x86-64 (SSE2) 8 bytes a step; this one takes 16 a step and pairs the products with
/// `pmaddwd`, sign-extending in one instruction on AVX2 (checked once) and in four on SSE2; elsewhere it
/// leaves the loop to the compiler.
int entraide_dot_i8(const signed char *a, const signed char *b, size_t count);
/// The same on the path every x86-64 has (SSE2), whatever the processor: for the tests, which would otherwise
/// check only the path their machine picks.
int entraide_dot_i8_baseline(const signed char *a, const signed char *b, size_t count);

#endif
