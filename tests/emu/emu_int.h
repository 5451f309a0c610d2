/* SPDX-License-Identifier: GPL-3.0-or-later */
/* discwright test bench: internals of the MMC drive emulator.
 *
 * One struct dw_emu is one drive: a personality (what INQUIRY, GET
 * CONFIGURATION and mode page 2Ah say; C2, sub-channel and offset
 * behaviour), a tray that may hold a medium, the pending sense and unit
 * attention, a fault plan and a timing model.  A medium is a layout (a
 * dw_disc: sessions, tracks, indexes, lead-outs) plus a sector store.  The
 * store reads an image through discwright's own drive layer, or, for blank
 * media (blank=), the sectors written into a sector file; the layout of
 * writable media is rebuilt from their write state.  Everything above the
 * store asks the store and the layout, never the image.
 *
 * Files:
 *   emu.c        creation, configuration, dispatch, sense and unit
 *                attention, SPC commands, mode pages, GET CONFIGURATION,
 *                events, mechanism status, speed and performance
 *   emu_media.c  medium loading, the sector store, READ CAPACITY, READ
 *                TOC/PMA/ATIP (all formats, CD-TEXT packs), READ DISC
 *                INFORMATION, READ TRACK INFORMATION, READ FORMAT
 *                CAPACITIES, READ DISC STRUCTURE
 *   emu_read.c   READ(10)/(12), READ CD, READ CD MSF, the timing model
 *   emu_subq.c   the Q sub-channel from the layout, raw P-W, READ SUB-CHANNEL
 *   emu_faults.c the fault plan
 *   emu_wmedium.c writable (blank=) media: write state, layout, sector file,
 *                state file
 *   emu_write.c  WRITE, SEND CUE SHEET, RESERVE TRACK, SYNCHRONIZE CACHE,
 *                CLOSE TRACK/SESSION, BLANK, FORMAT UNIT and the disc/track
 *                information of writable media
 * See README.md beside this file for what is modelled.
 */
#ifndef DW_EMU_INT_H
#define DW_EMU_INT_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "discwright/disc.h"
#include "discwright/drive.h"
#include "discwright/sector.h"
#include "emu.h"

/* ---- sense keys and codes (SPC-4 Annex D, MMC-6 Annex F) --------------- */

#define EMU_KEY_NO_SENSE 0x0
#define EMU_KEY_NOT_READY 0x2
#define EMU_KEY_MEDIUM_ERROR 0x3
#define EMU_KEY_ILLEGAL_REQUEST 0x5
#define EMU_KEY_UNIT_ATTENTION 0x6

/* ---- the medium ------------------------------------------------------------ */

enum dw__emu_family { DW_EMU_CD = 0, DW_EMU_DVD, DW_EMU_BD };

/* What lies at an LBA of a CD (or DVD/BD: always DATA or outside). */
enum dw__emu_area {
    DW_EMU_AREA_PROGRAM = 0, /* inside a track (its pregap included) */
    DW_EMU_AREA_LEADIN,      /* before LBA -150 (the first lead-in) */
    DW_EMU_AREA_GAP,         /* lead-out and lead-in between two sessions */
    DW_EMU_AREA_LEADOUT,     /* at or after the last session's lead-out */
};

/* Main-channel format of one CD sector (MMC-6 READ CD, expected sector
 * types; ECMA-130 cl. 14). */
enum dw__emu_sector_kind {
    DW_EMU_SEC_CDDA = 1,
    DW_EMU_SEC_MODE1 = 2,
    DW_EMU_SEC_MODE2 = 3, /* formless, 2336 bytes after the header */
    DW_EMU_SEC_FORM1 = 4,
    DW_EMU_SEC_FORM2 = 5,
};

/* Where sector payloads come from.  Pressed media: an image opened with
 * dw_drive_open (cue, cdrdao TOC, NRG, ISO), served in chunks through a
 * small read-ahead cache.  Writable media (medium->w) read their sector
 * file instead (dw__emu_wstore_raw/_user). */
struct dw__emu_store {
    struct dw_drive *image; /* owned; NULL for writable (blank=) media */
    bool raw;               /* CD: 2352-byte raw sectors; else 2048-byte user data */
    uint8_t *cache;         /* DW_EMU_STORE_CHUNK sectors */
    int32_t cache_lba;      /* first LBA held, valid when cache_sectors > 0 */
    int32_t cache_sectors;
};

#define DW_EMU_STORE_CHUNK 64

struct dw__emu_wstate; /* writable media: emu_wmedium.c */

struct dw__emu_medium {
    int profile; /* MMC-6 profile number (08h CD-ROM, 10h DVD-ROM...) */
    enum dw__emu_family family;
    enum dw_disc_status status; /* DW_STATUS_CLOSED for pressed media */
    bool erasable;              /* CD-RW, DVD±RW, BD-RE */
    struct dw_disc *disc;       /* the layout; owned */
    int32_t capacity_sectors;   /* READ CAPACITY last LBA + 1 (last lead-out) */
    int disc_type;              /* 00h CD-DA/CD-ROM, 20h CD-ROM XA (full TOC A0h PSEC) */
    struct dw__emu_store store;
    uint8_t *cdtext_packs; /* READ TOC format 5 packs (18 bytes each); owned */
    size_t cdtext_bytes;
    struct dw__emu_wstate *w; /* blank/writable media (blank=); NULL when pressed */
};

/* Load the image at path as a medium.  profile is 0 (".iso" files become
 * DVD-ROM, cue/toc/nrg CD-ROM) or a profile number from
 * dw__emu_profile_parse.  Returns 0, or -1 with msg filled. */
int dw__emu_medium_load(const char *path, int profile, struct dw__emu_medium **out,
                        char *msg, size_t msg_bytes);
void dw__emu_medium_free(struct dw__emu_medium *m);

/* Profile number for a name (cdrom cdr cdrw dvdrom dvdr dvdrw dvdpr dvdprw
 * bdrom bdr bdre) or a number ("0x41"); -1 when unknown. */
int dw__emu_profile_parse(const char *text);
bool dw__emu_profile_is_cd(int profile);

/* Track that holds lba (its pregap included; LBA -150.. belongs to the
 * first track), and the area.  *track may be NULL outside tracks; for the
 * lead-out it is the last track of the disc; for a session gap the last
 * track of the session before it. */
enum dw__emu_area dw__emu_locate(const struct dw__emu_medium *m, int32_t lba,
                                 const struct dw_track **track);

/* Session (index into disc->sessions) of a track. */
int dw__emu_session_index(const struct dw__emu_medium *m, const struct dw_track *t);

/* CONTROL nibble of a track as the Q channel and TOC carry it: the
 * track's flags plus the data bit for data tracks (IEC 60908 17.5). */
unsigned dw__emu_track_control(const struct dw_track *t);

/* Raw 2352-byte sector at lba from the store; sectors outside the image
 * (the pregap of the first track before LBA 0, the lead-out) are made up:
 * digital silence for audio, an empty Mode 1 / Mode 2 sector otherwise.
 * Returns 0 or -1 (the image failed: an I/O error). */
int dw__emu_store_raw(struct dw__emu_medium *m, int32_t lba,
                      uint8_t raw[DW_SECTOR_RAW_BYTES]);

/* 2048-byte user data of a DVD/BD sector.  0 or -1. */
int dw__emu_store_user(struct dw__emu_medium *m, int32_t lba,
                       uint8_t out[DW_SECTOR_USER_BYTES]);

/* Main-channel format of a CD sector from the layout (and, for Mode 2 XA
 * tracks, the Form 2 bit of the subheader in raw). */
enum dw__emu_sector_kind dw__emu_sector_kind(const struct dw_track *t,
                                             const uint8_t raw[DW_SECTOR_RAW_BYTES]);

/* ---- personality ------------------------------------------------------------ */

enum dw__emu_c2 { DW_EMU_C2_NONE = 0, DW_EMU_C2_294, DW_EMU_C2_296 };

#define DW_EMU_OVERREAD_LEADIN 0x1
#define DW_EMU_OVERREAD_LEADOUT 0x2

struct dw__emu_personality {
    char vendor[9], model[17], firmware[5], serial[17];
    enum dw__emu_c2 c2;     /* which READ CD C2 codes the drive honours */
    bool c2_after_sub;      /* C2 bytes after the sub-channel bytes (non-MMC order) */
    bool subq_binary;       /* formatted Q with binary, not BCD, numbers */
    bool no_raw_pw;         /* READ CD refuses sub-channel 001b (raw P-W) */
    bool pw_deinterleaved;  /* raw P-W comes de-interleaved (12 bytes P, Q ...) */
    bool no_raw_write;      /* rawwrite=no: write type RAW refused (page 05h,
                               feature 002Eh without Raw) */
    bool no_accurate;       /* page 2Ah without "Accurate CD-DA Stream" */
    int32_t offset_samples; /* read offset: audio comes shifted by this much */
    int32_t write_offset_samples; /* write offset: audio lands this many samples
                                     later on the disc than the host sent it */
    int32_t cache_sectors;  /* read cache of the timing model, 0 = none */
    bool host_usb;          /* USB bridge (SCSI) rather than SATA (ATAPI) */
    int mmc_level;          /* 5 or 6 */
    bool cdtext;            /* READ TOC format 5 supported */
    unsigned overread;      /* DW_EMU_OVERREAD_* */
    unsigned speed_x;       /* timing model: nominal speed, 0 = off */
    bool timing_virtual;    /* count time, do not sleep */
    int32_t max_speed_x;    /* read speed advertised when speed_x is 0 */
};

/* ---- fault plan --------------------------------------------------------------- */

enum dw__emu_fault_kind {
    DW_EMU_FAULT_UNREADABLE = 0, /* every read fails with the sense */
    DW_EMU_FAULT_TRANSIENT,      /* fails `count` times per LBA, then reads */
    DW_EMU_FAULT_C2,             /* bytes flipped, their C2 bits set */
    DW_EMU_FAULT_FLIP,           /* bytes flipped silently (no C2) */
    DW_EMU_FAULT_JITTER,         /* audio shifted by `count` samples on odd reads */
    DW_EMU_FAULT_BADQ,           /* Q CRC wrong */
    DW_EMU_FAULT_WRITE_ERROR,    /* WRITE(10)/(12) touching the range fails */
    DW_EMU_FAULT_C2_TRANSIENT,   /* as C2 on the first `count` READ CDs per LBA */
    DW_EMU_FAULT_HANG,           /* commands with `opcode` get no answer */
};

struct dw__emu_fault {
    enum dw__emu_fault_kind kind;
    int32_t first_lba, last_lba; /* inclusive */
    int key, asc, ascq;          /* UNREADABLE, TRANSIENT */
    int count;                   /* TRANSIENT: failures per LBA; C2_TRANSIENT: flagged
                                    reads per LBA; JITTER: samples; HANG: commands
                                    left to hang, -1 = every one */
    int opcode;                  /* HANG: the operation code */
    uint32_t *tries;             /* TRANSIENT, C2_TRANSIENT: reads so far, per LBA */
    bool seeded;                 /* JITTER: shifted reads drawn from `seed` */
    uint64_t seed;               /* (else every second READ CD command) */
};

struct dw__emu_faults {
    struct dw__emu_fault *items;
    int count;
    long medium_gone_after; /* reads before the medium vanishes, -1 = never */
    long ua_after;          /* commands before a 6/29/00, -1 = never */
    long gone_during_write; /* WRITE commands before the medium vanishes, -1 = never */
};

/* Parse a fault plan (README.md, "Fault plan") into *plan (zeroed first).
 * "@PATH" reads it from a file.  0, or -1 with msg filled. */
int dw__emu_faults_parse(const char *spec, struct dw__emu_faults *plan, char *msg,
                         size_t msg_bytes);
void dw__emu_faults_release(struct dw__emu_faults *plan);

/* First fault of `kind` that covers lba, or NULL. */
struct dw__emu_fault *dw__emu_fault_at(const struct dw__emu_faults *plan,
                                       enum dw__emu_fault_kind kind, int32_t lba);

/* Whether a read of lba fails now: UNREADABLE always, TRANSIENT while its
 * per-LBA count lasts (this call counts one failure).  Fills the sense. */
bool dw__emu_fault_read_fails(struct dw__emu_faults *plan, int32_t lba, int *key,
                              int *asc, int *ascq);

/* Whether the READ CD now returning lba gets C2 damage (flipped bytes and
 * their C2 bits): a C2 fault always, a C2_TRANSIENT one while its per-LBA
 * count lasts (this call counts one read). */
bool dw__emu_fault_c2_now(struct dw__emu_faults *plan, int32_t lba);

/* Whether READ CD command number `read_cd_count` (1-based, per drive)
 * shifts the audio of jitter fault j: the even-numbered commands, or with a
 * seed a pseudo-random half of them drawn from the seed and the number. */
int32_t dw__emu_fault_jitter_now(const struct dw__emu_fault *j, unsigned long read_cd_count);

/* Whether a command with this operation code hangs now (a HANG fault for
 * it with commands left; this call counts one). */
bool dw__emu_fault_hang_now(struct dw__emu_faults *plan, uint8_t opcode);

/* Bytes a C2 or FLIP fault changes in a sector: offsets into the 2352
 * main-channel bytes (DW_EMU_FLIP_BYTES of them), the same for a given LBA
 * on every read. */
#define DW_EMU_FLIP_BYTES 16
void dw__emu_fault_flip_offsets(int32_t lba, unsigned offsets[DW_EMU_FLIP_BYTES]);

/* ---- the drive ------------------------------------------------------------------ */

/* Media event codes (MMC-6 GET EVENT STATUS NOTIFICATION, media class). */
#define EMU_EVENT_NONE 0
#define EMU_EVENT_NEW_MEDIA 2
#define EMU_EVENT_MEDIA_REMOVAL 3

struct dw_emu {
    pthread_mutex_t lock;
    struct dw__emu_personality pers;
    struct dw__emu_medium *medium; /* NULL: no medium at all */
    bool present;                  /* medium in the drive (tray closed on it) */
    bool tray_open;                /* after an eject, until a load */
    bool locked;                   /* PREVENT ALLOW MEDIUM REMOVAL */
    uint8_t sense[18];             /* pending sense for REQUEST SENSE */
    bool sense_pending;
    bool ua_pending; /* unit attention for the next command */
    uint8_t ua_asc, ua_ascq;
    int event; /* pending media event */
    struct dw__emu_faults faults;
    unsigned long commands;      /* commands executed */
    unsigned long reads;         /* read commands executed */
    unsigned long read_cd_count; /* READ CD commands, for jitter */
    unsigned long writes;        /* WRITE(10)/(12) commands executed */
    int32_t head_lba;            /* last sector read: READ SUB-CHANNEL position */
    uint16_t read_speed_kbps, write_speed_kbps; /* SET CD SPEED / SET STREAMING */
    uint8_t page05[60]; /* write parameters page, MODE SELECT(10) */
    uint8_t page01[12]; /* read/write error recovery page */
    /* timing model */
    int32_t next_lba; /* LBA after the last read, for sequential reads */
    bool spinning;
    int32_t cache_first, cache_end; /* LBAs in the read cache */
    uint64_t media_time_ns;         /* total modelled time */
};

/* One command in flight. */
struct dw__emu_cmd {
    uint8_t cdb[16]; /* zero-padded copy */
    size_t cdb_len;
    uint8_t *data;
    size_t data_len;
    enum dw_emu_dir dir;
    struct dw_emu_result *res;
};

/* CHECK CONDITION with fixed-format sense (SPC-4 4.5.3), kept for REQUEST
 * SENSE; data_bytes = 0.  The _lba form sets VALID and the INFORMATION
 * field. */
void dw__emu_fail(struct dw_emu *e, struct dw__emu_cmd *c, int key, int asc, int ascq);
void dw__emu_fail_lba(struct dw_emu *e, struct dw__emu_cmd *c, int key, int asc, int ascq,
                      int32_t lba);

/* GOOD status with reply[0..bytes) sent, cut to the CDB's allocation
 * length and the buffer. */
void dw__emu_reply(struct dw__emu_cmd *c, const uint8_t *reply, size_t bytes,
                   size_t alloc_bytes);

/* GOOD status with `bytes` already written into c->data (<= data_len). */
void dw__emu_done(struct dw__emu_cmd *c, size_t bytes);

/* Command handlers (emu_media.c, emu_read.c, emu_subq.c). */
void dw__emu_read_capacity(struct dw_emu *e, struct dw__emu_cmd *c);
void dw__emu_read_toc(struct dw_emu *e, struct dw__emu_cmd *c);
void dw__emu_read_disc_info(struct dw_emu *e, struct dw__emu_cmd *c);
void dw__emu_read_track_info(struct dw_emu *e, struct dw__emu_cmd *c);
void dw__emu_read_format_capacities(struct dw_emu *e, struct dw__emu_cmd *c);
void dw__emu_read_disc_structure(struct dw_emu *e, struct dw__emu_cmd *c);
void dw__emu_read10(struct dw_emu *e, struct dw__emu_cmd *c);
/* The timing model of a WRITE of `sectors` (emu_read.c; speed=N). */
void dw__emu_account_write(struct dw_emu *e, int64_t sectors);
void dw__emu_read_cd(struct dw_emu *e, struct dw__emu_cmd *c);
void dw__emu_read_subchannel(struct dw_emu *e, struct dw__emu_cmd *c);

/* ---- writable media (emu_wmedium.c, emu_write.c) ---------------------------- */

/* One track of a writable medium, in the order written.  CD positions are
 * LBAs (the first track's pregap is -150..-1). */
struct dw__emu_wtrack {
    int number;
    int session;
    enum dw_track_mode mode; /* audio, Mode 1, Mode 2 XA (CD); Mode 1 for DVD/BD */
    unsigned control;        /* CONTROL nibble, data bit included */
    int index_count;         /* >= 2 */
    int32_t index_lba[DW_MAX_INDEXES]; /* [0] INDEX 00 (== [1] without a pregap) */
    int32_t written_end;               /* first LBA not written yet */
    int32_t end_lba;          /* closed tracks: first LBA after it, run-out included */
    int32_t reserved_sectors; /* RESERVE TRACK (or DAO) size; 0 = open-ended */
    int runout_sectors;       /* 2 after a CD TAO data track (ECMA-394 link) */
    bool closed;
    bool damaged; /* a write failed inside it */
    char isrc[13];
};

struct dw__emu_wsession {
    int number;
    bool closed;
    int32_t leadout_lba; /* closed sessions */
};

/* One ADR 1 entry of a cue sheet (MMC-6 SEND CUE SHEET). */
struct dw__emu_cue_point {
    int32_t lba;
    uint8_t ctl; /* CONTROL nibble */
    uint8_t tno; /* 1..99, AAh lead-out, 0 lead-in */
    uint8_t index;
    uint8_t form; /* data form of main channel (low 6 bits) and sub-channel */
};

/* A session announced by SEND CUE SHEET and being written (SAO). */
struct dw__emu_sao {
    bool active;
    struct dw__emu_cue_point *points; /* ascending; owned */
    int point_count;
    char mcn[14];
    char isrc[DW_MAX_TRACKS + 1][13]; /* by track number */
    uint8_t leadin_form;              /* 40h set: CD-TEXT in the lead-in */
    int32_t first_lba;                /* first track's INDEX 00 */
    int base_tracks;                  /* tracks of the closed sessions before */
    int session_index;                /* the session written: sessions[] index */
    int32_t leadout_lba;
    int32_t nwa;    /* next LBA the host writes (>= first_lba) */
    uint8_t *packs; /* CD-TEXT packs from the lead-in; owned */
    int pack_count;
    bool packs_done; /* the cycle of packs came round again */
};

/* ATIP lead-in start of the emulated CD-R/RW: 97:27:00. */
#define DW_EMU_LEADIN_START_LBA (-11625)

/* A raw (write type 3) run: the host writes every sector from the ATIP
 * lead-in start with its sub-channel, up to the end of the lead-out. */
struct dw__emu_raw {
    bool active;
    int32_t nwa; /* next LBA the host writes */
};

struct dw__emu_wstate {
    char *state_path;      /* NULL: nothing persists */
    int sub_fd;            /* P-W of raw-written sectors: 96 bytes a sector from
                              DW_EMU_LEADIN_START_LBA (PATH.sub or unlinked) */
    bool raw_sub;          /* the disc was written raw: READ CD serves its P-W */
    int32_t raw_end;       /* first LBA after what the raw run wrote */
    struct dw__emu_raw raw;
    char *sectors_path;    /* sector file beside it (sparse) */
    int fd;                /* sector file, or an unlinked temporary file */
    size_t slot_bytes;     /* 2352 (CD, raw sectors) or 2048 */
    int32_t slot_base;     /* LBA stored at offset 0: -150 (CD) or 0 */
    int32_t total_sectors; /* CD: last possible lead-out start; DVD/BD: user sectors */
    bool formatted;        /* DVD+RW, BD-RE: FORMAT UNIT done */
    int32_t formatted_sectors;
    bool finalized; /* closed: no further session */
    bool damaged;   /* an SAO run broke off: nothing more can be written */
    int track_count;
    struct dw__emu_wtrack *tracks; /* DW_MAX_TRACKS */
    int session_count;
    struct dw__emu_wsession sessions[DW_MAX_SESSIONS];
    char mcn[14];
    struct dw__emu_sao sao;
    int32_t sim_nwa; /* test write: the simulated write position, INT32_MIN: none */
};

/* Create a blank medium of a kind (cdr cdrw dvdr dvdrw dvdpr dvdprw bdr bdre)
 * with capacity_sectors (0: the kind's default), or load the medium kept in
 * the state file at state_path (NULL: none, sectors go to an unlinked
 * temporary file).  An existing state file wins; kind and capacity, when
 * given, must agree with it.  0, or -1 with msg filled. */
int dw__emu_wmedium_open(const char *kind, long capacity_sectors, const char *state_path,
                         struct dw__emu_medium **out, char *msg, size_t msg_bytes);

/* Release the writable part of a medium (saving its state file first). */
void dw__emu_wstate_free(struct dw__emu_medium *m);

/* Write the state file now (no-op without one).  0 or -1. */
int dw__emu_wstate_save(struct dw__emu_medium *m);

/* Raw 2352-byte sector of a writable CD inside track t, and the 2048-byte
 * user data of a writable DVD/BD sector: what was written, made-up empty
 * sectors where nothing was (unwritten data sectors, TAO pregaps).  0/-1. */
int dw__emu_wstore_raw(struct dw__emu_medium *m, const struct dw_track *t, int32_t lba,
                       uint8_t raw[DW_SECTOR_RAW_BYTES]);
int dw__emu_wstore_user(struct dw__emu_medium *m, int32_t lba,
                        uint8_t out[DW_SECTOR_USER_BYTES]);

/* Whether a read of lba on a writable medium fails by the medium's nature
 * (the run-out blocks after a TAO data track: 5/64/00), with the sense. */
bool dw__emu_wread_fails(const struct dw__emu_medium *m, int32_t lba, int *key, int *asc,
                         int *ascq);

/* Whether a mode page 05h (MMC-6 write parameters) is one this drive takes
 * for the medium: write types TAO (data block types 0 and 8), SAO/DAO, and
 * incremental on DVD-R/RW, RAW on CD with data block types 1 (RAW16) and
 * 3 (RAW96R) unless rawwrite=no; not CD packet writing. */
bool dw__emu_page05_ok(const struct dw_emu *e, const uint8_t *page, size_t bytes);

/* Sectors READ CAPACITY, GET PERFORMANCE and READ DISC STRUCTURE describe
 * as the whole medium: the written size of pressed media, the capacity of
 * writable ones. */
int32_t dw__emu_medium_sectors(const struct dw__emu_medium *m);
/* Whether a writable DVD/BD medium has two layers (DVD-R DL, DVD+R DL, or
 * more sectors than one layer of its family holds). */
bool dw__emu_medium_dual_layer(const struct dw__emu_medium *m);

/* Internals shared by emu_wmedium.c and emu_write.c. */
int dw__emu_wput(struct dw__emu_medium *m, int32_t lba, const uint8_t *slot);
void dw__emu_wwipe(struct dw__emu_medium *m);   /* blank again, sectors dropped */
void dw__emu_wlayout(struct dw__emu_medium *m); /* rebuild m->disc from the state */
int32_t dw__emu_walign(const struct dw__emu_medium *m, int32_t lba); /* ECC block */
int32_t dw__emu_wnext_start(const struct dw__emu_medium *m); /* NWA of the next track */
struct dw__emu_wtrack *dw__emu_wopen_track(struct dw__emu_wstate *w);
struct dw__emu_wsession *dw__emu_wsession_of(struct dw__emu_wstate *w, int number);
void dw__emu_sao_reset(struct dw__emu_sao *sao);
void dw__emu_sao_abandon(struct dw__emu_medium *m); /* an SAO run broke off */

/* Stored P-W (96 bytes, interleaved as written) of lba on a disc written
 * raw; 0, or -1 when the disc has none there (then synthesize). */
int dw__emu_wsub(const struct dw__emu_medium *m, int32_t lba, uint8_t pw[96]);
int dw__emu_wput_sub(struct dw__emu_medium *m, int32_t lba, const uint8_t pw[96]);

/* Command handlers for writable media (emu_write.c); the READ DISC/TRACK
 * INFORMATION and READ FORMAT CAPACITIES handlers of emu_media.c pass
 * writable media to the dw__emu_w* ones. */
void dw__emu_write10(struct dw_emu *e, struct dw__emu_cmd *c);
void dw__emu_send_cue_sheet(struct dw_emu *e, struct dw__emu_cmd *c);
void dw__emu_send_opc(struct dw_emu *e, struct dw__emu_cmd *c);
void dw__emu_reserve_track(struct dw_emu *e, struct dw__emu_cmd *c);
void dw__emu_sync_cache(struct dw_emu *e, struct dw__emu_cmd *c);
void dw__emu_close_track_session(struct dw_emu *e, struct dw__emu_cmd *c);
void dw__emu_blank(struct dw_emu *e, struct dw__emu_cmd *c);
void dw__emu_format_unit(struct dw_emu *e, struct dw__emu_cmd *c);
void dw__emu_read_buffer_capacity(struct dw_emu *e, struct dw__emu_cmd *c);
void dw__emu_wread_disc_info(struct dw_emu *e, struct dw__emu_cmd *c);
void dw__emu_wread_track_info(struct dw_emu *e, struct dw__emu_cmd *c);
void dw__emu_wread_format_capacities(struct dw_emu *e, struct dw__emu_cmd *c);

/* Full TOC (format 2) B0h pointer of an appendable writable CD's last
 * session: start of the next program area; false when there is none. */
bool dw__emu_wnext_session(const struct dw__emu_medium *m, int32_t *next_lba,
                           int32_t *last_leadout_lba);

/* ---- Q sub-channel (emu_subq.c) ----------------------------------------------- */

/* Position of an LBA as the Q channel of ADR 1 frames tells it. */
struct dw__emu_qpos {
    int tno;          /* track number, 0xAA in the lead-out */
    int index;        /* 0 in pregaps */
    int32_t rel;      /* relative time in frames (counts down in pregaps) */
    unsigned control; /* CONTROL nibble */
    bool pause;       /* P channel: pregap (and lead-out 2 Hz) */
};

/* 0, or -1 when lba is in no readable area (lead-in, session gap). */
int dw__emu_q_position(const struct dw__emu_medium *m, int32_t lba,
                       struct dw__emu_qpos *out);

/* The 12-byte Q frame (IEC 60908 17.5, CRC per ECMA-130 22.3.6) at lba:
 * ADR 2 (MCN) when lba mod 100 is 13 and the disc has an MCN, ADR 3 (ISRC)
 * when it is 53 inside a track with an ISRC past its INDEX 01, ADR 1
 * otherwise.  *p_channel gets the P flag.  0 or -1 as dw__emu_q_position. */
int dw__emu_q_frame(const struct dw__emu_medium *m, int32_t lba, uint8_t q[12],
                    bool *p_channel);

/* 96 bytes of raw interleaved P-W (bit 7 P, bit 6 Q ... bit 0 W) from the
 * 12 Q bytes and the P flag; R-W zero. */
void dw__emu_pw_interleave(const uint8_t q[12], bool p_channel, uint8_t out[96]);

/* CRC-16 of the Q channel and of CD-TEXT packs: polynomial 0x1021,
 * initial 0, inverted (ECMA-130 22.3.6; IEC 61866). */
uint16_t dw__emu_crc16(const uint8_t *data, size_t bytes);

/* ---- helpers ------------------------------------------------------------------- */

static inline void dw__emu_put16(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static inline void dw__emu_put24(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 16);
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)v;
}

static inline void dw__emu_put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static inline uint32_t dw__emu_get16(const uint8_t *p)
{
    return (uint32_t)p[0] << 8 | p[1];
}

static inline uint32_t dw__emu_get24(const uint8_t *p)
{
    return (uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2];
}

static inline uint32_t dw__emu_get32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Binary MSF of an LBA as MMC replies carry it (byte 0 zero, then M, S, F;
 * LBA 0 = 00:02:00; lead-in LBAs below -150 wrap to 90+ minutes). */
void dw__emu_put_msf(uint8_t p[4], int32_t lba);

/* LBA of a binary M:S:F (minutes >= 90 are lead-in, MMC-6 "MSF"). */
int32_t dw__emu_msf_lba(unsigned m, unsigned s, unsigned f);

#endif
