// Allowed: the owner.
#include <sqlite3.h>
