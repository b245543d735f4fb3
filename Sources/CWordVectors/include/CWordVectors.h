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

/// sum[i] += factor × values[i] (product rounded, then added): one word piece's row of signed bytes added to a
/// sentence's vector (`WordVectors.vector`), 8 values a step on AVX2; the same bits on every path.
void entraide_add_scaled(float *sum, const signed char *values, size_t count, float factor);

/// A vector of finite values as signed bytes (`ExampleVectors.quantize`: unit vectors): returns its largest
/// magnitude m and writes
/// out[i] = values[i] × 127 / m rounded half away from zero (all 0 when m is 0). The fraction left after truncation
/// is exact (|scaled| ≤ 127), so this is `roundf` without a call per value. In C because the compiler makes both
/// loops branch-free and vectorised; Swift kept a branch per value, which the processor mispredicts half the time,
/// and a scalar `max` (NaN rules).
float entraide_quantize(const float *values, size_t count, signed char *out);

/// The learned model's two row loops (SoftmaxRegression), over `count` sparse features (`ids`, `values`) of a
/// weight matrix stored feature-major with `stride` floats a row (a multiple of 8):
/// - `entraide_add_rows`: out[k] += values[j] × weights[ids[j] × stride + k], feature after feature;
/// - `entraide_subtract_rows`: weights[ids[j] × stride + k] −= (step × values[j]) × gradient[k].
/// In C for the same reason as the dot product: Swift compiles them 4 floats a step; these take 8 on AVX2. Each
/// product is rounded, then added (never fused): every path, and the Swift loops they replace, give the same bits,
/// so a set trains to the same model on any x86-64.
void entraide_add_rows(float *out, const float *weights, const int *ids, const float *values, size_t count,
                       size_t stride);
void entraide_subtract_rows(float *weights, const int *ids, const float *values, size_t count, size_t stride,
                            float step, const float *gradient);
/// The same on SSE2 whatever the processor, for the tests.
void entraide_add_rows_baseline(float *out, const float *weights, const int *ids, const float *values,
                                size_t count, size_t stride);
void entraide_subtract_rows_baseline(float *weights, const int *ids, const float *values, size_t count,
                                     size_t stride, float step, const float *gradient);

#endif
