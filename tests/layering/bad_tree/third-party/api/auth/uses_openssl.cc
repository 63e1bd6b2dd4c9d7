// Fixture: OpenSSL belongs to providers/auth/.
#include <openssl/rand.h>
