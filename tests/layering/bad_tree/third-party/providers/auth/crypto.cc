// Allowed: the owner.
#include <openssl/evp.h>
