/* SPDX-License-Identifier: GPL-3.0-or-later */
/* discwright internal: MMC command blocks and replies.
 *
 * Pure functions, no I/O: each builder fills a CDB (Command Descriptor Block)
 * exactly as MMC-6 (T10/1836-D) or SPC-4 lays it out and returns its length
 * in bytes (6, 10 or 12); each parser reads one reply buffer.  The MMC
 * backend (drive_mmc.c and mmc_*.c) sends the CDBs through its transport
 * (transport.h: SG_IO on Linux, libcdio elsewhere) and hands the replies
 * back here, so everything that knows a byte position lives in this file and
 * mmc_cdb.c, is unit-tested (tests/unit/test_mmc.c) and meets hostile input.
 *
 * Parsers take the reply and the number of bytes the caller allocated for
 * it.  libcdio's transport reports no residual count (and the buffer is
 * cleared before each command), so the length a reply announces in its own
 * header is believed only as far as the buffer reaches: a reply whose
 * header claims more than the buffer holds, or whose size is not a whole
 * number of descriptors, is malformed (DW_EPARSE).
 * GET CONFIGURATION is the exception: its data length says what the drive
 * has, so a reply cut by the allocation length is read as far as it goes.
 * Parsers never read past `bytes`.
 *
 * All multi-byte fields in CDBs and replies are big-endian (SPC-4 bit and
 * byte ordering).
 */
#ifndef DW_DRIVE_MMC_H
#define DW_DRIVE_MMC_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include "discwright/disc.h"
#include "discwright/drive.h"
#include "discwright/errors.h"

/* Longest CDB we build (READ CD): 12 bytes. */
#define DW_MMC_CDB_MAX 12

/* ---- big-endian helpers (SPC-4 bit and byte ordering) ------------------ */

static inline uint16_t dw__mmc_get_be16(const uint8_t *p)
{
    return (uint16_t)((unsigned)p[0] << 8 | p[1]);
}

static inline uint32_t dw__mmc_get_be24(const uint8_t *p)
{
    return (uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2];
}

static inline uint32_t dw__mmc_get_be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline void dw__mmc_put_be16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static inline void dw__mmc_put_be24(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 16);
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)v;
}

static inline void dw__mmc_put_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

/* ---- operation codes ---------------------------------------------------- */

#define DW_MMC_TEST_UNIT_READY 0x00   /* SPC-4 TEST UNIT READY */
#define DW_MMC_REQUEST_SENSE 0x03     /* SPC-4 REQUEST SENSE */
#define DW_MMC_INQUIRY 0x12           /* SPC-4 6.6 INQUIRY */
#define DW_MMC_PREVENT_ALLOW 0x1E     /* MMC-6 / SPC-4 PREVENT ALLOW MEDIUM REMOVAL */
#define DW_MMC_READ_CAPACITY 0x25     /* MMC-6 READ CAPACITY */
#define DW_MMC_READ_10 0x28           /* MMC-6 READ (10) */
#define DW_MMC_READ_SUBCHANNEL 0x42   /* MMC-6 READ SUB-CHANNEL */
#define DW_MMC_READ_TOC 0x43          /* MMC-6 READ TOC/PMA/ATIP */
#define DW_MMC_GET_CONFIGURATION 0x46 /* MMC-6 GET CONFIGURATION */
#define DW_MMC_READ_DISC_INFO 0x51    /* MMC-6 READ DISC INFORMATION */
#define DW_MMC_READ_TRACK_INFO 0x52   /* MMC-6 READ TRACK INFORMATION */
#define DW_MMC_MODE_SENSE_10 0x5A     /* SPC-4 MODE SENSE(10); MMC mode pages */
#define DW_MMC_READ_CD 0xBE           /* MMC-6 READ CD */

/* ---- SPC-4: TEST UNIT READY, REQUEST SENSE, INQUIRY, sense data --------- */

/* TEST UNIT READY (SPC-4): 6-byte CDB of zeros.  Returns 6. */
size_t dw__mmc_build_test_unit_ready(uint8_t cdb[DW_MMC_CDB_MAX]);

/* REQUEST SENSE (SPC-4), fixed format (DESC=0), alloc_bytes (at most
 * 252, SPC-4 4.5) in byte 4.  Returns 6. */
size_t dw__mmc_build_request_sense(uint8_t cdb[DW_MMC_CDB_MAX], uint8_t alloc_bytes);

/* INQUIRY (SPC-4 6.6) for standard data (EVPD=0, page 0), allocation
 * length in bytes 3-4.  Returns 6. */
size_t dw__mmc_build_inquiry(uint8_t cdb[DW_MMC_CDB_MAX], uint16_t alloc_bytes);

/* Standard INQUIRY data (SPC-4 6.6, "standard INQUIRY data"). */
struct dw__mmc_inquiry {
    int qualifier;    /* peripheral qualifier, byte 0 bits 7-5 */
    int device_type;  /* peripheral device type, byte 0 bits 4-0: 05h = MMC */
    bool removable;   /* RMB, byte 1 bit 7 */
    int version;      /* byte 2 */
    char vendor[9];   /* T10 vendor id, bytes 8-15, trimmed, NUL-ended */
    char product[17]; /* bytes 16-31, trimmed */
    char revision[5]; /* bytes 32-35, trimmed */
};

/* Peripheral device type of CD/DVD/BD drives (SPC-4). */
#define DW_MMC_DEVICE_TYPE_MMC 0x05

/* Parse standard INQUIRY data (SPC-4 6.6).  buf holds `bytes` bytes; the
 * reply's additional length (byte 4) limits what is read.  The three ids are
 * trimmed of leading and trailing blanks and NULs; bytes outside printable
 * ASCII become '?'.  Returns 0, or DW_EPARSE when fewer than 36 bytes
 * (through the revision field) are present. */
int dw__mmc_parse_inquiry(const uint8_t *buf, size_t bytes, struct dw__mmc_inquiry *out);

/* Decoded sense data (SPC-4 4.5). */
struct dw__mmc_sense {
    int response_code; /* 70h/71h fixed, 72h/73h descriptor */
    bool deferred;     /* 71h/73h: about an earlier command */
    int key;           /* sense key 0-15 */
    int asc, ascq;     /* additional sense code / qualifier, -1 if absent */
    bool info_valid;   /* the INFORMATION field is valid */
    uint64_t info;     /* INFORMATION: for read errors, the failing LBA */
};

/* Parse sense data in fixed (70h/71h, SPC-4 4.5.3) or descriptor (72h/73h,
 * SPC-4 4.5.2) format: key, ASC, ASCQ and the INFORMATION field (fixed:
 * bytes 3-6 when VALID is set; descriptor: an information descriptor, type
 * 00h).  ASC/ASCQ are -1 when the additional sense length
 * does not reach them.  Returns 0, or DW_EPARSE for another response code
 * or a buffer too short for the key (fixed: 3 bytes, descriptor: 2). */
int dw__mmc_parse_sense(const uint8_t *buf, size_t bytes, struct dw__mmc_sense *out);

/* Map sense key/ASC/ASCQ (SPC-4 Annex D; MMC-5 Annex F) to a DW_E* code:
 * 2/3A/xx DW_ENOMEDIUM, 2/04/xx DW_EBUSY, 3/0C/xx DW_EWRITE, 3/xx/xx
 * DW_EREAD, 5/20/00 DW_EUNSUPPORTED, 5/21/xx and 5/63/00 DW_ERANGE,
 * 5/64/00 DW_EREAD (illegal mode for this track, e.g. TAO run-out), 5/30/xx
 * DW_EMEDIUM, other 5/xx/xx DW_EINVAL, 6/28/00 DW_EMEDIUM, 7/xx/xx
 * DW_EACCES, 8/xx/xx DW_ERANGE (blank check), 0Dh DW_ENOSPC, 0Eh
 * DW_EMISMATCH, others DW_EIO.  Keys 0 (no sense) and 1 (recovered error)
 * give 0: the command completed.  asc/ascq may be -1 (unknown). */
int dw__mmc_sense_to_error(int key, int asc, int ascq);

/* Lowercase text for a sense triple ("medium not present", "unrecovered
 * read error", "logical block address out of range", ...), falling back to
 * the sense key's name ("medium error").  Static, never NULL. */
const char *dw__mmc_sense_text(int key, int asc, int ascq);

/* ---- GET CONFIGURATION (MMC-6) --------------------------------------------- */

/* Request types (MMC-6), CDB byte 1 bits 1-0. */
#define DW_MMC_RT_ALL 0x0     /* all features from start_feature on */
#define DW_MMC_RT_CURRENT 0x1 /* only current features */
#define DW_MMC_RT_ONE 0x2     /* the header and start_feature only */

/* Feature codes (MMC-6). */
#define DW_MMC_FEATURE_PROFILE_LIST 0x0000
#define DW_MMC_FEATURE_CD_READ 0x001E

/* GET CONFIGURATION (MMC-6): request type rt in byte 1 bits 1-0, starting
 * feature number in bytes 2-3, allocation length in bytes 7-8.  Returns 10. */
size_t dw__mmc_build_get_configuration(uint8_t cdb[DW_MMC_CDB_MAX], unsigned rt,
                                       uint16_t start_feature, uint16_t alloc_bytes);

/* Current profile from the GET CONFIGURATION feature header (MMC-6: data
 * length in bytes 0-3, current profile in bytes 6-7).  Returns 0 or
 * DW_EPARSE when fewer than 8 bytes are present. */
int dw__mmc_parse_config_profile(const uint8_t *buf, size_t bytes, int *profile);

/* Find feature `code` among the descriptors after the 8-byte header (MMC-6
 * feature descriptor: code in bytes 0-1, version/persistent/current in byte
 * 2, additional length in byte 3).  On success *desc points into buf at the
 * descriptor and *desc_bytes is its whole length (4 + additional length).
 * Returns 0, DW_ENOENT when the reply holds no such feature, DW_EPARSE when
 * the header or a descriptor overruns the buffer. */
int dw__mmc_find_feature(const uint8_t *buf, size_t bytes, uint16_t code,
                         const uint8_t **desc, size_t *desc_bytes);

/* Feature 001Eh "CD Read" (MMC-6 feature descriptors). */
struct dw__mmc_cd_read {
    bool present; /* the drive lists the feature */
    bool current; /* byte 2 bit 0 */
    bool dap;     /* byte 4 bit 7: DAP bit of READ CD honoured */
    bool c2;      /* byte 4 bit 1: C2 error pointers */
    bool cdtext;  /* byte 4 bit 0: READ TOC format 5 (CD-TEXT) */
};

/* Parse feature 001Eh out of a GET CONFIGURATION reply.  A reply without it
 * gives present=false and returns 0.  DW_EPARSE for a malformed reply or a
 * 001Eh descriptor with fewer than 4 data bytes. */
int dw__mmc_parse_feature_cd_read(const uint8_t *buf, size_t bytes,
                                  struct dw__mmc_cd_read *out);

/* True for the CD profiles 08h CD-ROM, 09h CD-R and 0Ah CD-RW (MMC-6
 * profile list): media where READ CD returns raw 2352-byte sectors. */
bool dw__mmc_profile_is_cd(int profile);

/* ---- READ DISC INFORMATION (MMC-6) ----------------------------------- */

/* READ DISC INFORMATION (MMC-6), data type 000b in byte 1 bits 2-0
 * (standard disc information), allocation length in bytes 7-8.  Returns 10. */
size_t dw__mmc_build_read_disc_info(uint8_t cdb[DW_MMC_CDB_MAX], uint16_t alloc_bytes);

/* Standard Disc Information (MMC-6, READ DISC INFORMATION data type 000b). */
struct dw__mmc_disc_info {
    enum dw_disc_status status;   /* byte 2 bits 1-0: 00 blank, 01 appendable
                                     (incomplete), 10 complete, 11 other */
    int last_session_state;       /* byte 2 bits 3-2: 0 empty, 1 incomplete,
                                     2 reserved/damaged, 3 complete */
    bool erasable;                /* byte 2 bit 4 */
    int first_track;              /* byte 3 */
    int session_count;            /* bytes 9 (MSB) and 4 (LSB) */
    int first_track_last_session; /* bytes 10 and 5 */
    int last_track_last_session;  /* bytes 11 and 6 */
    int disc_type;                /* byte 8: 00h CD-DA/CD-ROM, 10h CD-I, 20h XA */
};

/* Parse Standard Disc Information.  Needs the first 12 bytes (through the
 * MSBs of byte 11) and a data type of 000b in byte 2 bits 7-5.  Returns 0
 * or DW_EPARSE. */
int dw__mmc_parse_disc_info(const uint8_t *buf, size_t bytes,
                            struct dw__mmc_disc_info *out);

/* READ TRACK INFORMATION (MMC-6 6.27), address/number type 01b (track
 * number) in byte 1 bits 1-0, the track number in bytes 2-5, allocation
 * length in bytes 7-8.  Returns 10. */
size_t dw__mmc_build_read_track_info(uint8_t cdb[DW_MMC_CDB_MAX], int track,
                                     uint16_t alloc_bytes);

/* Track Information (MMC-6 6.27.3), the fields a session table needs. */
struct dw__mmc_track_info {
    int track;           /* bytes 32 (MSB) and 2 (LSB) */
    int session;         /* bytes 33 (MSB) and 3 (LSB) */
    bool blank;          /* byte 6 bit 6: nothing written (the invisible track) */
    int32_t start_lba;   /* bytes 8-11: track start address */
    int32_t size_sectors; /* bytes 24-27: track size */
};

/* Parse Track Information.  Needs the first 28 bytes (through the track
 * size; the MSBs in bytes 32-33 are read when the reply holds them).
 * Returns 0, or DW_EPARSE (short, a start or size beyond LBA 2^31-1, a
 * track or session number of 0). */
int dw__mmc_parse_track_info(const uint8_t *buf, size_t bytes,
                             struct dw__mmc_track_info *out);

/* ---- READ TOC/PMA/ATIP (MMC-6) ----------------------------------------- */

#define DW_MMC_TOC_FMT_TOC 0x0     /* formatted TOC */
#define DW_MMC_TOC_FMT_SESSION 0x1 /* multi-session information */
#define DW_MMC_TOC_FMT_FULL 0x2    /* raw TOC (full TOC) */
#define DW_MMC_TOC_FMT_CDTEXT 0x5  /* CD-TEXT */
#define DW_MMC_LEADOUT_TRACK 0xAA

/* READ TOC/PMA/ATIP (MMC-6): MSF bit in byte 1 bit 1,
 * format in byte 2 bits 3-0, track/session number in byte 6, allocation
 * length in bytes 7-8, control byte 9 = 0.  Returns 10. */
size_t dw__mmc_build_read_toc(uint8_t cdb[DW_MMC_CDB_MAX], unsigned format, bool msf,
                              uint8_t track_session, uint16_t alloc_bytes);

/* Bytes a READ TOC reply says it has: its data length (bytes 0-1) + 2.
 * 0 when bytes < 2. */
size_t dw__mmc_toc_reply_bytes(const uint8_t *buf, size_t bytes);

struct dw__mmc_toc_entry {
    unsigned adr;     /* byte 1 bits 7-4 */
    unsigned control; /* byte 1 bits 3-0 (DW_CTL_*) */
    int track;        /* 1..99, or 0xAA for the lead-out */
    int32_t lba;      /* bytes 4-7 (requested with MSF=0) */
};

/* Format 0000b: the TOC (MMC-6 READ TOC/PMA/ATIP). */
struct dw__mmc_toc {
    int first_track, last_track; /* header bytes 2, 3 */
    int track_count;             /* entries in tracks[] */
    struct dw__mmc_toc_entry tracks[DW_MAX_TRACKS];
    bool has_leadout;
    struct dw__mmc_toc_entry leadout; /* track AAh */
};

/* Parse a format-0 TOC read with MSF=0.  The 8-byte descriptors after the
 * 4-byte header must fill the data length exactly; track numbers must be
 * 1..99, within the header's first..last, strictly increasing, and
 * followed by at most one AAh lead-out; every LBA within -450150..2^30.
 * Returns 0, or DW_EPARSE (also for a TOC with no track). */
int dw__mmc_parse_toc(const uint8_t *buf, size_t bytes, struct dw__mmc_toc *out);

/* Format 0001b: session information (MMC-6 READ TOC/PMA/ATIP). */
struct dw__mmc_session_info {
    int first_session, last_session; /* first/last complete session */
    unsigned adr, control;           /* of the first track of the last session */
    int first_track_last_session;
    int32_t first_track_last_session_lba;
};

/* Parse a format-1 reply read with MSF=0 (needs 12 bytes).  0 or DW_EPARSE. */
int dw__mmc_parse_session_info(const uint8_t *buf, size_t bytes,
                               struct dw__mmc_session_info *out);

/* One session of a full TOC. */
struct dw__mmc_full_session {
    int number;          /* session number */
    int first_track;     /* POINT A0h, PMIN */
    int last_track;      /* POINT A1h, PMIN */
    int disc_type;       /* POINT A0h, PSEC: 00h CD-DA/ROM, 10h CD-I, 20h XA */
    int32_t leadout_lba; /* POINT A2h, PMSF as an LBA; DW_LBA_NONE if absent */
    bool has_a0, has_a1;
};

/* One track point (POINT 01h-63h, ADR 1) of a full TOC. */
struct dw__mmc_full_track {
    int number;  /* POINT */
    int session; /* session the descriptor came from */
    unsigned adr, control;
    int32_t lba; /* PMSF as an LBA */
};

/* Format 0010b: the full TOC, raw Q of the lead-in (MMC-6 READ TOC/PMA/ATIP;
 * points as in IEC 60908 17.5). */
struct dw__mmc_full_toc {
    int first_session, last_session; /* header bytes 2, 3 */
    int session_count;
    struct dw__mmc_full_session sessions[DW_MAX_SESSIONS]; /* ascending */
    int track_count;
    struct dw__mmc_full_track tracks[DW_MAX_TRACKS]; /* ascending */
};

/* Parse a full TOC.  The 11-byte descriptors must fill the data length
 * exactly.  Only ADR 1 descriptors with POINT 01h-63h and A0h-A2h are used
 * (ADR 5 points of recordable discs, B0h/C0h, are skipped).  PMSF is binary
 * (the reply of a READ TOC with MSF=1, MMC-6).  Session and track
 * numbers must be 1..99; a track listed twice keeps its first entry.
 * Returns 0 or DW_EPARSE. */
int dw__mmc_parse_full_toc(const uint8_t *buf, size_t bytes,
                           struct dw__mmc_full_toc *out);

/* The CD-TEXT packs of a format-0101b reply (MMC-6 READ TOC/PMA/ATIP):
 * after the 4-byte header, 18-byte packs (IEC 61866).  Sets *packs to
 * point into buf and *pack_bytes to a whole number of packs (a trailing
 * partial pack is dropped); *pack_bytes = 0 when the disc has no CD-TEXT.
 * Returns 0 or DW_EPARSE (header overruns the buffer). */
int dw__mmc_parse_cdtext(const uint8_t *buf, size_t bytes, const uint8_t **packs,
                         size_t *pack_bytes);


/* The disc model from the TOC replies, before any sector is read: tracks
 * (number, CONTROL, DW_MODE_AUDIO when CONTROL bit 2 is clear and
 * DW_MODE_MODE1 otherwise, INDEX 01 = the TOC start, INDEX 00 = LBA 0 for a
 * first track that starts after LBA 0 so a hidden track stays visible,
 * DW_LBA_NONE otherwise), the disc lead-out (TOC point AAh) and the
 * sessions.  Sessions come from `full` (A0h/A1h/A2h points and the session
 * of each track point) when it is not NULL; otherwise from `si` (format 1),
 * which can only split off the last session: then the lead-out of the
 * sessions before it is estimated as its first track minus 11400 sectors
 * (lead-out 6750 + lead-in 4500 + pregap 150, Orange Book) for session 2,
 * 6900 for later ones, and *estimated is set.  A session without an A2h
 * point gets the same estimate.  disc must come fresh from dw_disc_new;
 * dw_disc_finish is left to the caller.  Returns 0 or DW_EPARSE (no
 * lead-out, a track in no session, sessions out of order). */
int dw__mmc_disc_from_toc(const struct dw__mmc_toc *toc,
                          const struct dw__mmc_full_toc *full,
                          const struct dw__mmc_session_info *si, struct dw_disc *disc,
                          bool *estimated);

/* ---- READ CAPACITY (MMC-6) --------------------------------------------- */

/* READ CAPACITY (MMC-6): 10 bytes, all zero but the opcode.  Returns 10. */
size_t dw__mmc_build_read_capacity(uint8_t cdb[DW_MMC_CDB_MAX]);

/* READ CAPACITY data (MMC-6): last LBA in bytes 0-3, block length in
 * bytes 4-7.  Needs 8 bytes.  0 or DW_EPARSE. */
int dw__mmc_parse_read_capacity(const uint8_t *buf, size_t bytes, uint32_t *last_lba,
                                uint32_t *block_bytes);

/* ---- READ SUB-CHANNEL (MMC-6) ------------------------------------------ */

#define DW_MMC_SUBQ_MCN 0x02  /* Media Catalogue Number, MMC-6 */
#define DW_MMC_SUBQ_ISRC 0x03 /* Track ISRC, MMC-6 */

/* READ SUB-CHANNEL (MMC-6): MSF=0, SubQ=1 (byte 2 bit 6),
 * sub-channel parameter list code in byte 3, track number in byte 6 (ISRC
 * only), allocation length in bytes 7-8.  Returns 10. */
size_t dw__mmc_build_read_subchannel(uint8_t cdb[DW_MMC_CDB_MAX], unsigned format,
                                     uint8_t track, uint16_t alloc_bytes);

/* Media Catalogue Number reply (MMC-6): MCVal in byte 8 bit 7,
 * 13 ASCII digits in bytes 9-21.  Needs 22 bytes.  mcn gets the 13 digits,
 * or "" when MCVal is 0 or the number is all zeros (no MCN on the disc).
 * Returns 0, or DW_EPARSE for a short reply, a wrong format code (byte 4)
 * or non-digits (mcn is then ""). */
int dw__mmc_parse_mcn(const uint8_t *buf, size_t bytes, char mcn[14]);

/* Track ISRC reply (MMC-6): TCVal in byte 8 bit 7, 12 characters
 * in bytes 9-20 (country 2, owner 3 letters or digits, year 2 and
 * designation 5 digits).  Needs 21 bytes.  isrc gets the 12 characters or
 * "" when TCVal is 0.  Returns 0, or DW_EPARSE for a short reply, a wrong
 * format code or characters that cannot be an ISRC (isrc is then ""). */
int dw__mmc_parse_isrc(const uint8_t *buf, size_t bytes, char isrc[13]);

/* ---- READ CD and READ(10) (MMC-6) ----------------------------------- */

/* Expected sector types, CDB byte 1 bits 4-2 (MMC-6). */
#define DW_MMC_SECTOR_ANY 0x0
#define DW_MMC_SECTOR_CDDA 0x1
#define DW_MMC_SECTOR_MODE1 0x2
#define DW_MMC_SECTOR_MODE2 0x3
#define DW_MMC_SECTOR_FORM1 0x4
#define DW_MMC_SECTOR_FORM2 0x5

/* READ CD flags (MMC-6 READ CD): C2 error information (byte 9 bits 2-1)
 * and sub-channel selection (byte 10 bits 2-0). */
#define DW_MMC_READ_CD_C2 0x01       /* 01b: 294 bytes of C2 pointers */
#define DW_MMC_READ_CD_C2_BLOCK 0x02 /* 10b: 294 + block error byte + pad = 296 */
#define DW_MMC_READ_CD_SUB_RAW 0x10  /* 001b: 96 bytes raw P-W, interleaved */
#define DW_MMC_READ_CD_SUB_Q 0x20    /* 010b: 16 bytes formatted Q */
#define DW_MMC_READ_CD_SUB_RW 0x40   /* 100b: 96 bytes R-W, de-interleaved */

/* READ CD (MMC-6): opcode BEh; byte 1 = expected sector
 * type << 2; LBA in bytes 2-5 (two's complement for lead-in LBAs); transfer
 * length in sectors in bytes 6-8; byte 9 = F8h (sync, all header codes,
 * user data, EDC/ECC: the whole 2352 bytes) plus the C2 bits; byte 10 the
 * sub-channel selection.  flags is a mix of DW_MMC_READ_CD_* (at most one
 * C2 and one SUB flag).  Returns 12. */
size_t dw__mmc_build_read_cd(uint8_t cdb[DW_MMC_CDB_MAX], int32_t lba, uint32_t sectors,
                             unsigned sector_type, unsigned flags);

/* Bytes per sector a READ CD with these flags returns: 2352, plus 294 or
 * 296 for C2, plus 96 or 16 for sub-channel data. */
size_t dw__mmc_read_cd_sector_bytes(unsigned flags);

/* Track mode from the first sector of a data track as READ CD returns it
 * with byte 9 = F8h (ECMA-130 cl. 14: sync, header, mode byte at 15):
 * mode 1 gives DW_MODE_MODE1; mode 2 gives DW_MODE_MODE2_XA when the disc
 * type (full TOC A0h PSEC) is 20h (CD-ROM XA) or the two subheader copies
 * (bytes 16-19 and 20-23) agree, else DW_MODE_MODE2 (formless).  Returns 0,
 * or DW_EPARSE for a short buffer, no sync pattern or another mode byte. */
int dw__mmc_raw_sector_mode(const uint8_t *raw, size_t bytes, int disc_type,
                            enum dw_track_mode *mode);

/* Bytes of formatted Q per sector (READ CD sub-channel 010b, MMC-6): Q
 * bytes 0-9, the CRC in 10-11, three reserved bytes, and (as drives and
 * the emulator fill it) the P bit in bit 7 of byte 15. */
#define DW_MMC_FORMATTED_Q_BYTES 16

/* How a drive writes the numbers of ADR 1 frames in formatted Q: MMC-6
 * leaves it open, and drives differ (REFERENCE.md "READ CD"). */
enum dw__mmc_q_numbers {
    DW_MMC_Q_NUMBERS_UNKNOWN = 0,
    DW_MMC_Q_NUMBERS_BCD,    /* as on the disc */
    DW_MMC_Q_NUMBERS_BINARY  /* TNO, INDEX and the times as binary */
};

/* A frame's absolute time within this many sectors of the LBA that was
 * read is taken as that sector's (drives return Q a few sectors off). */
#define DW_MMC_Q_SLACK_SECTORS 20

/* Turn the formatted Q of the sector read at lba into the 12 bytes the disc
 * holds (BCD numbers and the CRC over them).  ADR 2 and 3 frames are taken
 * as they come.  For ADR 1 frames *numbers says how the drive writes them;
 * while it is DW_MMC_Q_NUMBERS_UNKNOWN this frame decides it when it can:
 * a CRC that matches only after converting binary numbers to BCD means
 * binary; a CRC that matches as the bytes are (BCD, or binary with a CRC the
 * drive computed over them) is told apart by which reading of the absolute
 * time lies within DW_MMC_Q_SLACK_SECTORS of lba.  Converted frames get the
 * CRC of their BCD bytes when the drive's CRC matched its binary bytes.
 * Returns true when the resulting frame's CRC matches. */
bool dw__mmc_formatted_q(const uint8_t fq[DW_MMC_FORMATTED_Q_BYTES], int32_t lba,
                         enum dw__mmc_q_numbers *numbers, uint8_t q[12]);

/* READ(10) (MMC-6): LBA in bytes 2-5, transfer length in
 * blocks in bytes 7-8.  Returns 10. */
size_t dw__mmc_build_read10(uint8_t cdb[DW_MMC_CDB_MAX], uint32_t lba, uint16_t sectors);

/* ---- PREVENT ALLOW MEDIUM REMOVAL, MODE SENSE(10) ----------------------- */

/* PREVENT ALLOW MEDIUM REMOVAL (MMC-6, SPC-4): byte 4 bit 0 =
 * Prevent (persistent bit 1 left 0).  Returns 6. */
size_t dw__mmc_build_prevent_allow(uint8_t cdb[DW_MMC_CDB_MAX], bool prevent);

/* START STOP UNIT (SPC-4 / MMC-6): LoEj=1 with Start=0 ejects the medium,
 * LoEj=1 with Start=1 loads it.  Returns 6. */
size_t dw__mmc_build_start_stop(uint8_t cdb[DW_MMC_CDB_MAX], bool load);

#define DW_MMC_PAGE_CAPABILITIES 0x2A /* MM Capabilities and Mechanical Status */

/* MODE SENSE(10) (SPC-4): DBD=1 (byte 1 bit 3), current
 * values (PC=00b) of page_code in byte 2, allocation length in bytes 7-8.
 * Always the 10-byte form: ATAPI drives reject MODE SENSE(6).  Returns 10. */
size_t dw__mmc_build_mode_sense10(uint8_t cdb[DW_MMC_CDB_MAX], uint8_t page_code,
                                  uint16_t alloc_bytes);

/* Capabilities page 2Ah ("MM Capabilities and Mechanical Status",
 * MMC-3 and SFF-8090; later MMC keeps it as legacy): what a drive says it can read and
 * report. */
struct dw__mmc_caps {
    bool read_cdr, read_cdrw, read_dvdrom, read_dvdr, read_dvdram; /* byte 2 */
    bool write_cdr, write_cdrw, write_dvdr, write_dvdram;          /* byte 3 */
    bool cdda_commands;   /* byte 5 bit 0: READ CD of CD-DA */
    bool accurate_stream; /* byte 5 bit 1: CD-DA stream is accurate */
    bool rw_supported;    /* byte 5 bit 2: R-W sub-channel */
    bool rw_corrected;    /* byte 5 bit 3: R-W de-interleaved and corrected */
    bool c2_pointers;     /* byte 5 bit 4 */
    bool isrc, upc;       /* byte 5 bits 5, 6 */
    bool can_lock;        /* byte 6 bit 0 */
    bool locked;          /* byte 6 bit 1 */
    bool can_eject;       /* byte 6 bit 3 */
    int buffer_kib;       /* bytes 12-13, -1 when the page is shorter */
    /* Maximum read speed, bytes 8-9 (obsolete in MMC-5, still filled by
     * most drives), and current read speed, bytes 14-15: kB/s (1000 B/s),
     * -1 when the page is shorter. */
    int max_read_speed_kbps, read_speed_kbps;
};

/* Parse a MODE SENSE(10) reply holding page 2Ah: 8-byte mode parameter
 * header (SPC-4; block descriptor length in bytes 6-7), then the
 * page (code in byte 0 bits 5-0, page length in byte 1).  Needs the page
 * through byte 7; the speeds and buffer size are -1 when the page ends
 * before them.  Returns 0 or DW_EPARSE (wrong page, overrun). */
int dw__mmc_parse_caps(const uint8_t *buf, size_t bytes, struct dw__mmc_caps *out);

#endif
