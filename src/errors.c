/* Error table: codes, names and messages from DW_ERRNO_MAP. */
#include <errno.h>
#include "discwright/errors.h"

const char *dw_version(void)
{
    return DW_VERSION_STRING;
}

const char *dw_strerror(int code)
{
    switch (code) {
    case 0:
        return "success";
#define DW__ERR_MSG(name, value, msg) \
    case value:                       \
        return msg;
        DW_ERRNO_MAP(DW__ERR_MSG)
#undef DW__ERR_MSG
    default:
        return "unknown error";
    }
}

const char *dw_err_name(int code)
{
    switch (code) {
    case 0:
        return "DW_OK";
#define DW__ERR_NAME(name, value, msg) \
    case value:                        \
        return "DW_" #name;
        DW_ERRNO_MAP(DW__ERR_NAME)
#undef DW__ERR_NAME
    default:
        return "DW_EUNKNOWN";
    }
}

int dw_error_from_errno(int sys_errno)
{
    switch (sys_errno) {
    case 0:
        return 0;
    case ENOENT:
    case ENOTDIR:
        return DW_ENOENT;
    case ENOMEM:
        return DW_ENOMEM;
    case ENOSPC:
    case EDQUOT:
    case EFBIG:
        return DW_ENOSPC;
    case EACCES:
    case EPERM:
    case EROFS:
        return DW_EACCES;
    case EBUSY:
        return DW_EBUSY;
    case ENOMEDIUM:
        return DW_ENOMEDIUM;
    case EINVAL:
        return DW_EINVAL;
    case ENXIO:
    case ENODEV:
        return DW_ENODRIVE;
    default:
        return DW_EIO;
    }
}
