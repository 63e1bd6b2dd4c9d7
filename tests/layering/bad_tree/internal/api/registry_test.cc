// Fixture: a module's test may include its own internals, not another module's.
#include "api/provider_registry.h"
#include "providers/aws/ec2_xml.h"
