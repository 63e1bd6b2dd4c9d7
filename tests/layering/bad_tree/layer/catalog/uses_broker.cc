// Fixture for the layering self-test: the catalog may not include the broker.
#include "sky/broker/catalog_service.h"
