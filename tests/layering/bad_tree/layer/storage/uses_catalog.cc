// Fixture: storage sits below the catalog, so it may not include it.
#include "sky/catalog/offer_index.h"
