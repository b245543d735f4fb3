#ifndef ENTRAIDE_CWORDVECTORS_H
#define ENTRAIDE_CWORDVECTORS_H
#include <stddef.h>

/// The bytes of word-vectors.bin, linked into the binary (see word-vectors.S): the matcher needs no file beside
/// the executable, and a deployment cannot lose it.
const unsigned char *entraide_word_vectors(size_t *count);

#endif
