/* discwright: version and export macro.
 *
 * Threads (the rule for the whole library): a handle (struct dw_drive, a
 * report, ...) is used by one thread at a time; different handles are
 * independent and may be used from different threads at once.  Callbacks
 * (struct dw_callbacks) run on the thread that made the call.  Finished
 * reports are immutable: any number of threads may read one.
 *
 * Process-wide state, said at each call that touches it: libburn's
 * (dw_drive_list's bus scan and every call of burn.h take one
 * process-wide lock around it, so they wait for each other), and the
 * signal handlers burn.h installs while libburn writes. */
#ifndef DISCWRIGHT_VERSION_H
#define DISCWRIGHT_VERSION_H

#define DW_VERSION_MAJOR 0
#define DW_VERSION_MINOR 1
#define DW_VERSION_PATCH 0
#define DW_VERSION_STRING "0.1.0"

#if defined(DW_BUILDING_LIBRARY) && defined(__GNUC__)
#define DW_API __attribute__((visibility("default")))
#else
#define DW_API
#endif

/* Version string of the library actually linked ("0.1.0"); static. */
DW_API const char *dw_version(void);

#endif
