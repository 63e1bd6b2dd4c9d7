// Allowed: the catalog sits on storage and types.
#include "sky/storage/database.h"
#include "sky/types/offer.h"
