// Only includes libcurl: the typed wrappers live in the CCurlShim C target (see Package.swift).
#include <curl/curl.h>
