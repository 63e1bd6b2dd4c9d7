// Allowed: the owners.
#include <curl/curl.h>
