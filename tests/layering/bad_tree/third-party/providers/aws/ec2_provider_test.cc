// Allowed: tests may use a library directly.
#include <curl/curl.h>
#include <openssl/hmac.h>
