// Fixture: a fuzz target tests one module; it may not include the internals of two.
#include "catalog/csv_reader.h"
#include "providers/aws/ec2_xml.h"
#include "sky/types/offer.h"
