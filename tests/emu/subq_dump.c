/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dw-subq FILE.sub FIRST_LBA: one line per sector of a CloneCD .sub file
 * (96 de-interleaved bytes a sector: 12 P, 12 Q, ... 12 W), for the
 * integration tests (it_subchannel.sh):
 *   LBA CRC P ADR TNO INDEX REL ABS TEXT
 * CRC is "ok" or "bad" (dw_q_decode), P 1 when all 12 P bytes are FFh, 0
 * when all are zero, "?" otherwise; ADR 1 frames give TNO (decimal, AA for
 * the lead-out), INDEX, the relative time and the absolute time as frames
 * and LBA; ADR 2 and 3 give the MCN or ISRC as TEXT ("-" fields else);
 * RW is "0" when R-W are all zero. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "discwright/errors.h"
#include "discwright/sector.h"

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: dw-subq FILE.sub FIRST_LBA\n");
        return 2;
    }
    FILE *f = fopen(argv[1], "rb");
    if (!f) {
        perror(argv[1]);
        return 1;
    }
    long lba = strtol(argv[2], NULL, 10);
    uint8_t s[DW_SUBCHANNEL_BYTES];
    while (fread(s, 1, sizeof(s), f) == sizeof(s)) {
        struct dw_q q;
        int rc = dw_q_decode(s + 12, &q);
        int ones = 0, rw = 0;
        for (int i = 0; i < 12; i++)
            ones += s[i] == 0xFF ? 1 : s[i] == 0 ? 0 : 100;
        for (int i = 24; i < 96; i++)
            rw |= s[i];
        printf("%ld %s %s %u ", lba, rc == 0 ? "ok" : "bad",
               ones == 12  ? "1"
               : ones == 0 ? "0"
                           : "?",
               q.adr);
        if (rc == 0 && q.adr == DW_Q_ADR_POSITION) {
            char tno[8];
            snprintf(tno, sizeof(tno), "%d", q.tno);
            printf("%s %d %d %d -", q.tno == DW_Q_TNO_LEADOUT ? "AA" : tno, q.index,
                   (int)q.rel_frames, (int)q.abs_lba);
        } else if (rc == 0 && q.adr == DW_Q_ADR_MCN)
            printf("- - - - %s", q.mcn);
        else if (rc == 0 && q.adr == DW_Q_ADR_ISRC)
            printf("- - - - %s", q.isrc);
        else
            printf("- - - - -");
        printf(" RW=%s\n", rw ? "set" : "0");
        lba++;
    }
    fclose(f);
    return 0;
}
