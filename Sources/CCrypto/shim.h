// libcrypto's HMAC and RAND: keyed pseudonyms and their secret key.
#include <openssl/hmac.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
