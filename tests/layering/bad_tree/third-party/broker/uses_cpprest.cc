// Fixture: cpprestsdk belongs to api/http/.
#include <cpprest/http_client.h>
