// Fixture: libcurl belongs to providers/http/.
#include <curl/curl.h>
