#include "CWordVectors.h"

extern const unsigned char entraide_word_vectors_start[];
extern const unsigned char entraide_word_vectors_end[];

const unsigned char *entraide_word_vectors(size_t *count) {
    *count = (size_t)(entraide_word_vectors_end - entraide_word_vectors_start);
    return entraide_word_vectors_start;
}
