// glibc's malloc_trim: hands freed heap pages back to the kernel after the matcher's training.
#include <malloc.h>
