// Fixture: production code includes only public headers of other modules.
#include "catalog/ingest_util.h"
#include "sky/catalog/offer_index.h"
