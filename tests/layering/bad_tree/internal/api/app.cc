// Allowed: own internals and public headers of lower modules.
#include "api/http/router.h"
#include "sky/broker/catalog_service.h"
#include "sky/providers/provider.h"
