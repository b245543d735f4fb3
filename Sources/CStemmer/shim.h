// Snowball stemmers from Debian (libstemmer-dev): the standard algorithms for English, French, Spanish,
// Portuguese and Arabic. No pkg-config file ships with it, hence a plain link in module.modulemap.
#include <libstemmer.h>
