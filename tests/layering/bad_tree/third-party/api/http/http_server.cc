// Allowed: cpprestsdk, and the OpenSSL TLS context of its listener.
#include <cpprest/http_listener.h>
#include <openssl/ssl.h>
