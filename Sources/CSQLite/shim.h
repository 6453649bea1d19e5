#ifndef TICKETWATCH_CSQLITE_SHIM_H
#define TICKETWATCH_CSQLITE_SHIM_H

#include <sqlite3.h>

/// `SQLITE_TRANSIENT` is a cast macro (`(sqlite3_destructor_type)-1`) that Swift cannot import.
static inline sqlite3_destructor_type CSQLite_TRANSIENT(void) { return SQLITE_TRANSIENT; }

/// `sqlite3_config` is variadic and unavailable from Swift; the loader needs only the threading mode.
/// Must be called before any connection is opened (SQLite returns SQLITE_MISUSE otherwise).
static inline int CSQLite_config_singlethread(void) { return sqlite3_config(SQLITE_CONFIG_SINGLETHREAD); }

#endif
