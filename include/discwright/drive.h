/* SPDX-License-Identifier: GPL-3.0-or-later */
/* discwright: drives.
 *
 * One interface for "a thing that has sectors and a TOC".  Backends:
 *  - mmc:   a real drive (/dev/sr0), MMC-6 commands built here and sent with
 *           SG_IO on Linux (per-command timeouts, residual, sense) and
 *           libcdio's mmc_run_cmd elsewhere.  A command the drive does not
 *           answer in time fails with DW_ETIMEDOUT (the last error names it
 *           and the time); the tray lock is then undone and the handle
 *           sends nothing more: later calls fail with DW_ENODRIVE ("the
 *           drive stopped answering") until the drive is opened again.
 *           DW_SCSI_TIMEOUT_MS, DW_TRACE_SCSI and DW_SCSI_TRANSPORT in the
 *           environment (docs/discwright.md, ENVIRONMENT) are read at open;
 *  - image: a cue sheet, cdrdao TOC, Nero NRG, ISO file or a "stdio:PATH"
 *           file, read by our own readers.
 * A rip of disc.cue runs the same pipeline as a rip of /dev/sr0.
 */
#ifndef DISCWRIGHT_DRIVE_H
#define DISCWRIGHT_DRIVE_H

#include <stdint.h>
#include <stdbool.h>
#include "discwright/version.h"
#include "discwright/errors.h"
#include "discwright/disc.h"

#ifdef __cplusplus
extern "C" {
#endif

struct dw_drive;

enum dw_drive_kind {
    DW_DRIVE_MMC = 0,   /* a real (or emulated) optical drive */
    DW_DRIVE_IMAGE      /* an image file acting as a drive */
};

struct dw_drive_info {
    enum dw_drive_kind kind;
    char address[512];   /* "/dev/sr0", or the image path */
    char vendor[9];      /* INQUIRY vendor (SPC-4 6.6.2), trimmed */
    char model[17];      /* INQUIRY product, trimmed */
    char firmware[5];    /* INQUIRY revision, trimmed */
    char backend[16];    /* "mmc", "cue", "toc", "nrg", "iso" */
    bool medium_loaded;
};

/* Disc status (MMC-6 READ DISC INFORMATION, "Disc Status" field). */
enum dw_disc_status {
    DW_STATUS_UNKNOWN = 0,
    DW_STATUS_BLANK,
    DW_STATUS_APPENDABLE,
    DW_STATUS_CLOSED,
    DW_STATUS_OTHER       /* overwritable or random-writable media */
};

struct dw_medium_info {
    int profile;              /* MMC-6 Table 91 profile number, 0 if none */
    char profile_name[24];    /* "CD-ROM", "DVD+RW", "BD-R", ... */
    enum dw_disc_status status;
    int64_t capacity_sectors; /* readable sectors (READ CAPACITY + 1) */
    int32_t user_sector_bytes;/* 2048 */
    bool is_cd;               /* CD family: raw 2352-byte reads possible */
    int session_count;
};

/* Open SOURCE as a drive.  SOURCE is
 *  - a device path ("/dev/sr0"; block and character devices): the MMC
 *    backend;
 *  - "stdio:PATH": a file (or block device) of 2048-byte sectors, read as
 *    one data track whatever it holds, as libburn's stdio: drives;
 *  - an image file, recognised by its content (the extension breaks ties
 *    only): a cue sheet, a cdrdao TOC file, a Nero NRG image, or an ISO
 *    image, which must have an ISO 9660 (ECMA-119 8.1) or UDF (ECMA-167
 *    2/8.3) volume recognition area at sector 16.  Files recognised as
 *    formats discwright does not read (a raw .bin without its cue, CHD,
 *    CSO, ECM, DMG, CloneCD, Alcohol, compressed files) are refused naming
 *    the format; other files are refused saying what they start with.
 *    FIFOs, sockets and directories are refused without blocking.
 * A CD layout (cue, TOC, NRG) that ends past LBA 449850 (a last sector
 * after 99:59:74) and an ISO larger than the largest disc (62,500,864
 * sectors, BD-R XL 128 GB) are refused with DW_ERANGE.
 * flags: 0 or DW_DRIVE_OPEN_RAW_ISO; other bits are DW_EINVAL.
 * On success *out is a handle the caller frees with dw_drive_free.  On
 * failure returns DW_ENOENT (missing file or device), DW_ENODRIVE,
 * DW_ENOMEDIUM, DW_EPARSE (malformed cue/toc/nrg, with file and line in
 * err->message), DW_ETRUNC (image shorter than described), DW_ERANGE,
 * DW_EUNSUPPORTED (a file that is no image discwright reads), DW_EINVAL
 * (a FIFO, socket or directory); err (may be NULL) gets the detail. */
#define DW_DRIVE_OPEN_RAW_ISO 0x1u /* read a regular file that no content check
                                      recognises as plain 2048-byte sectors (an
                                      ISO image without volume descriptors);
                                      recognised formats are opened or refused
                                      as without the flag */
DW_API int dw_drive_open(const char *source, unsigned flags, struct dw_drive **out,
                         struct dw_error_detail *err);

/* Close and free; unlocks the tray if we locked it.  NULL is a no-op. */
DW_API void dw_drive_free(struct dw_drive *drive);

/* Identify the drive (INQUIRY for real drives, SPC-4 6.6).  Fills *info. */
DW_API int dw_drive_info(struct dw_drive *drive, struct dw_drive_info *info);

/* Describe the medium: profile (MMC-6 GET CONFIGURATION), status (READ
 * DISC INFORMATION, MMC-6), capacity (MMC-6 READ CAPACITY).
 * DW_ENOMEDIUM when the tray is empty. */
DW_API int dw_drive_medium(struct dw_drive *drive, struct dw_medium_info *info);

/* The disc layout: TOC (READ TOC/PMA/ATIP formats 0, 1, 2, MMC-6),
 * MCN and ISRC (MMC-6 READ SUB-CHANNEL), CD-TEXT (format 5) for real
 * drives; the description for images.  DVD/BD and ISO images show one data
 * track.  Owned by the drive, valid until dw_drive_free; NULL with
 * last error set when the medium has no readable TOC. */
DW_API const struct dw_disc *dw_drive_disc(struct dw_drive *drive);

/* Read `sectors` raw 2352-byte sectors starting at lba into buf
 * (sectors * 2352 bytes; audio as little-endian 16-bit PCM).  MMC-6
 * READ CD with byte 9 = F8h.  Sectors that an image does not hold (cue
 * PREGAP/POSTGAP) read as zero for audio and as a synthesized
 * Mode 1/2 zero sector for data.  The gaps between sessions (lead-out and
 * lead-in) cannot be read, on a disc or an image: DW_EREAD.  DW_EREAD with
 * the failing LBA in the last error on an unrecoverable error; DW_ERANGE
 * outside the disc. */
DW_API int dw_drive_read_raw(struct dw_drive *drive, int32_t lba, int32_t sectors,
                             uint8_t *buf);

/* Read raw sectors as dw_drive_read_raw does, with the drive's C2 error
 * pointers (MMC-6 READ CD, error field 01b: 294 bytes a sector, one bit
 * per byte of the 2352, most significant bit first) into c2 (sectors * 294
 * bytes; a set bit marks a byte the drive could not correct).  Images have
 * no C2 information: their pointers read all clear.  DW_EUNSUPPORTED when
 * the drive cannot report C2 (then use dw_drive_read_raw); other errors as
 * dw_drive_read_raw. */
#define DW_C2_BYTES_PER_SECTOR 294
DW_API int dw_drive_read_raw_c2(struct dw_drive *drive, int32_t lba, int32_t sectors,
                                uint8_t *buf, uint8_t *c2);

/* Read raw 2352-byte sectors, each followed by its 96 bytes of raw P-W
 * sub-channel as the disc carries it, interleaved (bit 7 of each byte is
 * P, bit 6 Q ... bit 0 W; dw_subchannel_deinterleave in sector.h makes the
 * CloneCD form): buf holds sectors * DW_RAW_SUB_SECTOR_BYTES bytes, sector
 * i at i * 2448.  MMC-6 READ CD with byte 9 = F8h and sub-channel
 * selection 001b, without C2 pointers, so the P-W follows the 2352 bytes
 * on every drive (drives differ in where they put C2 relative to it).  An
 * image synthesizes P-W from its layout (dw_disc_synth_pw in qscan.h);
 * sub-channel data stored in an image file is not read.  DW_EUNSUPPORTED
 * when the drive refuses raw P-W (sense 5/24/00 or 5/20/00); other errors
 * as dw_drive_read_raw, with the last error set. */
#define DW_RAW_SUB_SECTOR_BYTES 2448
DW_API int dw_drive_read_raw_sub(struct dw_drive *drive, int32_t lba, int32_t sectors,
                                 uint8_t *buf);

/* Read 2048-byte user-data sectors (MMC-6 READ(10)) into buf
 * (sectors * 2048 bytes).  Errors as dw_drive_read_raw. */
DW_API int dw_drive_read_user(struct dw_drive *drive, int32_t lba, int32_t sectors,
                              uint8_t *buf);

/* The volume identifier of the ISO 9660 volume whose primary volume
 * descriptor is at track_lba + 16 (ECMA-119 8.4: type 1, "CD001", the
 * identifier in bytes 40-71), read with dw_drive_read_user, into id (32
 * bytes as the disc holds them, trailing spaces removed, NUL-terminated;
 * "" for an empty identifier).  The identifier is the disc's text: escape
 * it for any sink (report.h).  Returns 0; DW_ENOENT when no primary
 * volume descriptor is there (id ""); DW_EINVAL; read errors as
 * dw_drive_read_user, with the last error set. */
DW_API int dw_drive_volume_id(struct dw_drive *drive, int32_t track_lba, char id[33]);

/* The Q sub-channel of the sector at lba (MMC-6 READ CD, sub-channel
 * selection), as 12 bytes the way the disc holds them: BCD numbers, CRC in
 * q[10..11] (decode with dw_q_decode).  A real drive is asked for formatted
 * Q (selection 010b, 16 bytes); when it refuses that (5/24/00) or the CRC
 * does not match, for raw P-W (001b, 96 bytes), de-interleaved.  The drive
 * handle remembers which works and whether its formatted Q carries binary
 * instead of BCD numbers (told apart by the CRC and by the absolute time
 * matching lba), and converts them back; dw_drive_q_source says what it
 * found.  An image synthesizes Q from its layout (dw_disc_synth_q in
 * qscan.h).  Returns 0 when the CRC matches; DW_EMISMATCH when it does not
 * with either selection (q holds the frame as read); DW_EUNSUPPORTED when
 * the drive returns no sub-channel data; otherwise as dw_drive_read_raw
 * (DW_EREAD, DW_ERANGE, DW_ENOMEDIUM ...), with the last error set. */
DW_API int dw_drive_read_q(struct dw_drive *drive, int32_t lba, uint8_t q[12]);

/* The Q of `frames` consecutive sectors from lba into q (frames * 12
 * bytes), in as few commands as the drive allows, with the same fallback
 * as dw_drive_read_q.  Frames whose CRC does not match are left as read
 * and a sector that does not read gives 12 zero bytes (a CRC that never
 * matches): check each frame with dw_q_decode.  Returns 0 when at least one
 * sector read, DW_EUNSUPPORTED as above, or the error of the first sector
 * when none did (DW_EINVAL for frames <= 0). */
DW_API int dw_drive_read_q_frames(struct dw_drive *drive, int32_t lba, int32_t frames,
                                  uint8_t *q);

/* How this drive delivers Q, as its reads so far found out: "formatted Q
 * (BCD)", "formatted Q (binary numbers, converted to BCD)", "raw P-W
 * (formatted Q refused)", "raw P-W (formatted Q with bad CRCs)", "formatted
 * Q" (numbers not told apart yet), "not read yet", "none (the drive returns
 * no sub-channel data)", or "synthesized from the image layout".  Static,
 * never NULL. */
DW_API const char *dw_drive_q_source(struct dw_drive *drive);

/* Largest transfer, in sectors, that one read call should ask for. */
DW_API int32_t dw_drive_max_transfer_sectors(struct dw_drive *drive);

/* Prevent (lock=true) or allow medium removal (SPC-4 PREVENT
 * ALLOW MEDIUM REMOVAL).  No-op on images.  dw_drive_free always unlocks. */
DW_API int dw_drive_lock(struct dw_drive *drive, bool lock);

/* Unlock and eject the medium (SPC-4/MMC-6 START STOP UNIT with LoEj).
 * No-op on images.  Errors as the drive reports them (DW_EBUSY when
 * another program holds the tray...). */
DW_API int dw_drive_eject(struct dw_drive *drive);

/* The files an image drive reads, index 0 .. n-1: its description (the
 * .cue, .toc, .nrg or .iso as opened, without a "stdio:" prefix) first,
 * then each data file it names.  NULL past the last one and for devices.
 * Owned by the drive.  A program that writes files uses it to never
 * overwrite its own input. */
DW_API const char *dw_drive_file(struct dw_drive *drive, int index);

/* Warnings met while opening (for example a cue FILE that was found under
 * another case), one per line; owned by the drive; "" when none. */
DW_API const char *dw_drive_warnings(struct dw_drive *drive);

/* Detail of the last failure on this drive; owned by the drive. */
DW_API const struct dw_error_detail *dw_drive_last_error(struct dw_drive *drive);

/* Enumerate optical drives through libcdio (cdio_get_devices) and libburn
 * (burn_drive_scan), merged by device path.  *out is an array of *count
 * entries the caller frees with free(); *count may be 0.  Process-wide:
 * libburn's state is global, so the scan holds the library's libburn lock
 * from burn_initialize to burn_finish; a burn running in another thread
 * (burn.h) makes it wait until that burn ends. */
DW_API int dw_drive_list(struct dw_drive_info **out, int *count);

/* MMC profile name for a profile number (MMC-6 Table 91); static string,
 * "unknown" for numbers we do not know. */
DW_API const char *dw_profile_name(int profile);

#ifdef __cplusplus
}
#endif
#endif
