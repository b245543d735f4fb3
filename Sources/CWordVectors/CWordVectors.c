#include "CWordVectors.h"

// Products rounded, then added, never fused into one instruction: every path must give the same bits
// (entraide_add_rows). The x86-64 paths use no FMA instruction; this keeps the compiler from making one.
#pragma STDC FP_CONTRACT OFF

extern const unsigned char entraide_word_vectors_start[];
extern const unsigned char entraide_word_vectors_end[];

const unsigned char *entraide_word_vectors(size_t *count) {
    *count = (size_t)(entraide_word_vectors_end - entraide_word_vectors_start);
    return entraide_word_vectors_start;
}

static void add_scaled_plain(float *sum, const signed char *values, size_t count, float factor) {
    for (size_t index = 0; index < count; index++) sum[index] = sum[index] + factor * (float)values[index];
}

float entraide_quantize(const float *values, size_t count, signed char *out) {
    float largest = 0;
    for (size_t index = 0; index < count; index++) {
        float magnitude = values[index] < 0 ? -values[index] : values[index];
        largest = magnitude > largest ? magnitude : largest;
    }
    float factor = largest > 0 ? 127 / largest : 0;
    for (size_t index = 0; index < count; index++) {
        float scaled = values[index] * factor;
        int whole = (int)scaled;
        float fraction = scaled - (float)whole;
        out[index] = (signed char)(whole + (fraction >= 0.5f) - (fraction <= -0.5f));
    }
    return largest;
}

#if defined(__x86_64__)
#include <immintrin.h>

__attribute__((target("avx2")))
static int dot_avx2(const signed char *a, const signed char *b, size_t count) {
    __m256i sum = _mm256_setzero_si256();
    size_t index = 0;
    for (; index + 16 <= count; index += 16) {
        // 16 bytes sign-extended to 16-bit lanes; madd multiplies and adds neighbouring pairs into 32 bits.
        __m256i x = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(a + index)));
        __m256i y = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(b + index)));
        sum = _mm256_add_epi32(sum, _mm256_madd_epi16(x, y));
    }
    __m128i half = _mm_add_epi32(_mm256_castsi256_si128(sum), _mm256_extracti128_si256(sum, 1));
    half = _mm_add_epi32(half, _mm_shuffle_epi32(half, _MM_SHUFFLE(1, 0, 3, 2)));
    half = _mm_add_epi32(half, _mm_shuffle_epi32(half, _MM_SHUFFLE(2, 3, 0, 1)));
    int total = _mm_cvtsi128_si32(half);
    for (; index < count; index++) total += (int)a[index] * (int)b[index];
    return total;
}

static int dot_sse2(const signed char *a, const signed char *b, size_t count) {
    __m128i sum = _mm_setzero_si128();
    size_t index = 0;
    for (; index + 16 <= count; index += 16) {
        __m128i x = _mm_loadu_si128((const __m128i *)(a + index));
        __m128i y = _mm_loadu_si128((const __m128i *)(b + index));
        // Sign extension without SSE4.1: unpack each byte into the high half of a 16-bit lane, shift it down.
        __m128i xl = _mm_srai_epi16(_mm_unpacklo_epi8(x, x), 8), xh = _mm_srai_epi16(_mm_unpackhi_epi8(x, x), 8);
        __m128i yl = _mm_srai_epi16(_mm_unpacklo_epi8(y, y), 8), yh = _mm_srai_epi16(_mm_unpackhi_epi8(y, y), 8);
        sum = _mm_add_epi32(sum, _mm_add_epi32(_mm_madd_epi16(xl, yl), _mm_madd_epi16(xh, yh)));
    }
    sum = _mm_add_epi32(sum, _mm_shuffle_epi32(sum, _MM_SHUFFLE(1, 0, 3, 2)));
    sum = _mm_add_epi32(sum, _mm_shuffle_epi32(sum, _MM_SHUFFLE(2, 3, 0, 1)));
    int total = _mm_cvtsi128_si32(sum);
    for (; index < count; index++) total += (int)a[index] * (int)b[index];
    return total;
}

/// Asked once per process (relaxed atomics: two threads asking at once get the same answer).
static int has_avx2(void) {
    static int avx2 = -1;
    int known = __atomic_load_n(&avx2, __ATOMIC_RELAXED);
    if (known < 0) {
        known = __builtin_cpu_supports("avx2") ? 1 : 0;
        __atomic_store_n(&avx2, known, __ATOMIC_RELAXED);
    }
    return known;
}

int entraide_dot_i8(const signed char *a, const signed char *b, size_t count) {
    return has_avx2() ? dot_avx2(a, b, count) : dot_sse2(a, b, count);
}

int entraide_dot_i8_baseline(const signed char *a, const signed char *b, size_t count) {
    return dot_sse2(a, b, count);
}

__attribute__((target("avx2")))
static void add_scaled_avx2(float *sum, const signed char *values, size_t count, float factor) {
    __m256 scale = _mm256_set1_ps(factor);
    size_t index = 0;
    for (; index + 8 <= count; index += 8) {
        __m256 value = _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(_mm_loadl_epi64((const __m128i *)(values + index))));
        _mm256_storeu_ps(sum + index, _mm256_add_ps(_mm256_loadu_ps(sum + index), _mm256_mul_ps(scale, value)));
    }
    add_scaled_plain(sum + index, values + index, count - index, factor);
}

void entraide_add_scaled(float *sum, const signed char *values, size_t count, float factor) {
    if (has_avx2()) add_scaled_avx2(sum, values, count, factor);
    else add_scaled_plain(sum, values, count, factor);
}

// Up to 64 classes at a time kept in eight registers while every feature's row adds to them: the sum is
// loaded and stored once per block, not once per feature (the loop was load, multiply, add, store per 8 floats,
// and the stores bound it). Each class still adds its features' products in the same order: the same bits.
__attribute__((target("avx2"), always_inline))
static inline void add_block_avx2(float *out, const float *weights, const int *ids, const float *values,
                                  size_t count, size_t stride, size_t first, const int lanes) {
    __m256 sum[8];
    for (int lane = 0; lane < lanes; lane++) sum[lane] = _mm256_loadu_ps(out + first + 8 * lane);
    for (size_t j = 0; j < count; j++) {
        const float *row = weights + (size_t)ids[j] * stride + first;
        __m256 value = _mm256_set1_ps(values[j]);
        for (int lane = 0; lane < lanes; lane++)
            sum[lane] = _mm256_add_ps(sum[lane], _mm256_mul_ps(value, _mm256_loadu_ps(row + 8 * lane)));
    }
    for (int lane = 0; lane < lanes; lane++) _mm256_storeu_ps(out + first + 8 * lane, sum[lane]);
}

__attribute__((target("avx2")))
static void add_rows_avx2(float *out, const float *weights, const int *ids, const float *values, size_t count,
                          size_t stride) {
    for (size_t first = 0; first + 8 <= stride; first += 64) {
        size_t lanes = (stride - first) / 8;
        switch (lanes >= 8 ? 8 : lanes) {
        case 8: add_block_avx2(out, weights, ids, values, count, stride, first, 8); break;
        case 7: add_block_avx2(out, weights, ids, values, count, stride, first, 7); break;
        case 6: add_block_avx2(out, weights, ids, values, count, stride, first, 6); break;
        case 5: add_block_avx2(out, weights, ids, values, count, stride, first, 5); break;
        case 4: add_block_avx2(out, weights, ids, values, count, stride, first, 4); break;
        case 3: add_block_avx2(out, weights, ids, values, count, stride, first, 3); break;
        case 2: add_block_avx2(out, weights, ids, values, count, stride, first, 2); break;
        default: add_block_avx2(out, weights, ids, values, count, stride, first, 1); break;
        }
    }
}

static void add_rows_sse2(float *out, const float *weights, const int *ids, const float *values, size_t count,
                          size_t stride) {
    for (size_t j = 0; j < count; j++) {
        const float *row = weights + (size_t)ids[j] * stride;
        __m128 value = _mm_set1_ps(values[j]);
        for (size_t k = 0; k + 4 <= stride; k += 4) {
            __m128 product = _mm_mul_ps(value, _mm_loadu_ps(row + k));
            _mm_storeu_ps(out + k, _mm_add_ps(_mm_loadu_ps(out + k), product));
        }
    }
}

__attribute__((target("avx2")))
static void subtract_rows_avx2(float *weights, const int *ids, const float *values, size_t count, size_t stride,
                               float step, const float *gradient) {
    for (size_t j = 0; j < count; j++) {
        float *row = weights + (size_t)ids[j] * stride;
        __m256 factor = _mm256_set1_ps(step * values[j]);
        for (size_t k = 0; k + 8 <= stride; k += 8) {
            __m256 product = _mm256_mul_ps(factor, _mm256_loadu_ps(gradient + k));
            _mm256_storeu_ps(row + k, _mm256_sub_ps(_mm256_loadu_ps(row + k), product));
        }
    }
}

static void subtract_rows_sse2(float *weights, const int *ids, const float *values, size_t count, size_t stride,
                               float step, const float *gradient) {
    for (size_t j = 0; j < count; j++) {
        float *row = weights + (size_t)ids[j] * stride;
        __m128 factor = _mm_set1_ps(step * values[j]);
        for (size_t k = 0; k + 4 <= stride; k += 4) {
            __m128 product = _mm_mul_ps(factor, _mm_loadu_ps(gradient + k));
            _mm_storeu_ps(row + k, _mm_sub_ps(_mm_loadu_ps(row + k), product));
        }
    }
}

void entraide_add_rows(float *out, const float *weights, const int *ids, const float *values, size_t count,
                       size_t stride) {
    if (has_avx2()) add_rows_avx2(out, weights, ids, values, count, stride);
    else add_rows_sse2(out, weights, ids, values, count, stride);
}

void entraide_subtract_rows(float *weights, const int *ids, const float *values, size_t count, size_t stride,
                            float step, const float *gradient) {
    if (has_avx2()) subtract_rows_avx2(weights, ids, values, count, stride, step, gradient);
    else subtract_rows_sse2(weights, ids, values, count, stride, step, gradient);
}

void entraide_add_rows_baseline(float *out, const float *weights, const int *ids, const float *values,
                                size_t count, size_t stride) {
    add_rows_sse2(out, weights, ids, values, count, stride);
}

void entraide_subtract_rows_baseline(float *weights, const int *ids, const float *values, size_t count,
                                     size_t stride, float step, const float *gradient) {
    subtract_rows_sse2(weights, ids, values, count, stride, step, gradient);
}

#else

int entraide_dot_i8(const signed char *a, const signed char *b, size_t count) {
    int total = 0;
    for (size_t index = 0; index < count; index++) total += (int)a[index] * (int)b[index];
    return total;
}

int entraide_dot_i8_baseline(const signed char *a, const signed char *b, size_t count) {
    return entraide_dot_i8(a, b, count);
}

void entraide_add_scaled(float *sum, const signed char *values, size_t count, float factor) {
    add_scaled_plain(sum, values, count, factor);
}

void entraide_add_rows(float *out, const float *weights, const int *ids, const float *values, size_t count,
                       size_t stride) {
    for (size_t j = 0; j < count; j++) {
        const float *row = weights + (size_t)ids[j] * stride;
        for (size_t k = 0; k < stride; k++) {
            float product = values[j] * row[k];
            out[k] = out[k] + product;
        }
    }
}

void entraide_subtract_rows(float *weights, const int *ids, const float *values, size_t count, size_t stride,
                            float step, const float *gradient) {
    for (size_t j = 0; j < count; j++) {
        float *row = weights + (size_t)ids[j] * stride;
        float factor = step * values[j];
        for (size_t k = 0; k < stride; k++) {
            float product = factor * gradient[k];
            row[k] = row[k] - product;
        }
    }
}

void entraide_add_rows_baseline(float *out, const float *weights, const int *ids, const float *values,
                                size_t count, size_t stride) {
    entraide_add_rows(out, weights, ids, values, count, stride);
}

void entraide_subtract_rows_baseline(float *weights, const int *ids, const float *values, size_t count,
                                     size_t stride, float step, const float *gradient) {
    entraide_subtract_rows(weights, ids, values, count, stride, step, gradient);
}
#endif
