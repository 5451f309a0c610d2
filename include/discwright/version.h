/* discwright: version and export macro. */
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
