#ifndef ENTRAIDE_CWORDVECTORS_H
#define ENTRAIDE_CWORDVECTORS_H
#include <stddef.h>

/// The bytes of word-vectors.bin, linked into the binary (see word-vectors.S): the matcher needs no file beside
/// the executable, and a deployment cannot lose it.
const unsigned char *entraide_word_vectors(size_t *count);

/// The dot product of two vectors of signed bytes, summed in 32 bits (exact for any `count` up to 131,072).
/// In C because the matcher's nearest-example pass is most of a match with the vectors on, and Swift's loop
/// compiles for the baseline x86-64 (SSE2, 8 bytes a step); this one pairs products with `pmaddwd`, on AVX2
/// 32 bytes a step when the processor has it (checked once), or leaves the loop to the compiler elsewhere.
int entraide_dot_i8(const signed char *a, const signed char *b, size_t count);

#endif
