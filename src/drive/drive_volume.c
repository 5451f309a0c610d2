/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The ISO 9660 volume identifier of a data track (ECMA-119 8.4). */
#include <string.h>
#include "discwright/drive.h"
#include "discwright/errors.h"

int dw_drive_volume_id(struct dw_drive *drive, int32_t track_lba, char id[33])
{
    uint8_t pvd[2048];
    if (!drive || !id || track_lba < 0)
        return DW_EINVAL;
    id[0] = '\0';
    /* ECMA-119 8.4: the primary volume descriptor at sector 16 of the
     * volume: type 1, "CD001", the volume identifier in bytes 40-71. */
    int rc = dw_drive_read_user(drive, track_lba + 16, 1, pvd);
    if (rc)
        return rc;
    if (pvd[0] != 1 || memcmp(pvd + 1, "CD001", 5) != 0)
        return DW_ENOENT;
    memcpy(id, pvd + 40, 32);
    id[32] = '\0';
    for (int k = 31; k >= 0 && (id[k] == ' ' || id[k] == '\0'); k--)
        id[k] = '\0';
    return 0;
}
