// Fixture: SQLite belongs to storage/.
#include <sqlite3.h>
