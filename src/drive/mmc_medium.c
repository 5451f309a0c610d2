/* SPDX-License-Identifier: GPL-3.0-or-later */
/* MMC backend: the medium and the disc layout (mmc_int.h).
 *
 * The medium: GET CONFIGURATION (current profile), READ DISC INFORMATION
 * (status, sessions), READ CAPACITY, with the lead-out of the TOC for
 * drives that refuse READ CAPACITY on audio CDs.  The layout of a CD: the
 * TOC (format 0), the full TOC (format 2) or the session information
 * (format 1) for sessions and lead-outs, each data track's mode from the
 * header of its first sector, MCN and ISRC (READ SUB-CHANNEL), CD-TEXT
 * (format 5, through libcdio's parser).  DVD, BD and other media are one
 * data track over the capacity.
 *
 * libcdio pitfall handled here (libcdio 2.1): cdtext_data_init() warns on
 * stdout about packs it refuses and files a text under the wrong track after
 * an empty one in the same pack: packs are checked with dw__cdtext_is_safe()
 * first.  In 2.1 cdtext_destroy() frees the object too (older sources show
 * it freeing only the fields; a free() after it is a double free).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "discwright/sector.h"
#include "drive/mmc_int.h"
#include "disc/disc_int.h"

/* Does the medium answer READ TOC format 2?  Only CDs have a full TOC: the
 * test for drives too old for GET CONFIGURATION. */
static bool mmc_has_full_toc(struct dw__mmc_drive *m)
{
    struct dw__scsi_result res;
    uint8_t *buf;
    size_t bytes;
    struct dw__mmc_full_toc *full = malloc(sizeof(*full));
    bool ok = false;

    if (!full)
        return false;
    if (dw__mmc_read_toc_reply(m, DW_MMC_TOC_FMT_FULL, true, 0, &buf, &bytes, &res) == 0) {
        ok = dw__mmc_parse_full_toc(buf, bytes, full) == 0;
        free(buf);
    }
    free(full);
    return ok;
}

/* Profile, status, sessions and capacity of the medium (GET CONFIGURATION,
 * READ DISC INFORMATION, READ CAPACITY, MMC-6).  The drive must be ready. */
static int mmc_probe_medium(struct dw_drive *d, struct dw_medium_info *info)
{
    struct dw__mmc_drive *m = d->priv;
    struct dw__scsi_result res;
    uint8_t cdb[DW_MMC_CDB_MAX], buf[64];
    struct dw__mmc_disc_info di;
    uint32_t last_lba = 0, block_bytes = 0;
    size_t n;
    int rc;

    memset(info, 0, sizeof(*info));
    memset(&di, 0, sizeof(di));
    info->user_sector_bytes = DW_SECTOR_USER_BYTES;

    n = dw__mmc_build_get_configuration(cdb, DW_MMC_RT_CURRENT, 0, 16);
    rc = dw__mmc_run_in(m, cdb, n, buf, 16, &res);
    if (rc == 0) {
        if (dw__mmc_parse_config_profile(buf, 16, &info->profile))
            info->profile = 0;
        info->is_cd = dw__mmc_profile_is_cd(info->profile);
    } else if (rc == DW_EUNSUPPORTED || rc == DW_EINVAL) {
        /* A drive from before MMC-2: no profiles; a full TOC means a CD. */
        info->profile = 0;
        info->is_cd = mmc_has_full_toc(m);
    } else {
        return dw__mmc_fail(d, &res, DW_NO_LBA, "cannot read the medium profile of '%s'",
                        m->device);
    }
    snprintf(info->profile_name, sizeof(info->profile_name), "%s",
             dw_profile_name(info->profile));

    n = dw__mmc_build_read_disc_info(cdb, 34);
    rc = dw__mmc_run_in(m, cdb, n, buf, 34, &res);
    if (rc == 0 && dw__mmc_parse_disc_info(buf, 34, &di) == 0) {
        info->status = di.status;
        info->session_count = di.session_count;
    } else if (rc == DW_ENOMEDIUM) {
        return dw__mmc_fail(d, &res, DW_NO_LBA, "cannot read the disc information of '%s'",
                        m->device);
    } else {
        info->status = DW_STATUS_UNKNOWN; /* some ROM drives refuse it */
        info->session_count = 1;
    }
    /* READ DISC INFORMATION counts an empty open session; report the
     * sessions that hold something. */
    if (info->status == DW_STATUS_APPENDABLE && di.last_session_state == 0 &&
        info->session_count > 0)
        info->session_count--;

    if (info->status == DW_STATUS_BLANK) {
        info->session_count = 0;
        return 0;
    }
    n = dw__mmc_build_read_capacity(cdb);
    rc = dw__mmc_run_in(m, cdb, n, buf, 8, &res);
    if (rc == 0 && dw__mmc_parse_read_capacity(buf, 8, &last_lba, &block_bytes) == 0) {
        info->capacity_sectors = (int64_t)last_lba + 1;
        return 0;
    }
    /* Some drives refuse READ CAPACITY on audio CDs: the lead-out says it. */
    if (info->is_cd && rc != DW_ENOMEDIUM) {
        struct dw__scsi_result toc_res;
        uint8_t *toc_buf;
        size_t toc_bytes;
        struct dw__mmc_toc *toc = malloc(sizeof(*toc));
        bool found = false;
        if (toc && dw__mmc_read_toc_reply(m, DW_MMC_TOC_FMT_TOC, false, 0, &toc_buf,
                                      &toc_bytes, &toc_res) == 0) {
            found = dw__mmc_parse_toc(toc_buf, toc_bytes, toc) == 0 && toc->has_leadout &&
                    toc->leadout.lba > 0;
            if (found)
                info->capacity_sectors = toc->leadout.lba;
            free(toc_buf);
        }
        free(toc);
        if (found)
            return 0;
    }
    if (rc == 0)
        return dw__mmc_fail_plain(d, DW_EPARSE, DW_NO_LBA,
                              "'%s' sent a malformed READ CAPACITY reply", m->device);
    return dw__mmc_fail(d, &res, DW_NO_LBA, "cannot read the capacity of '%s'", m->device);
}

/* ops->medium: DW_ENOMEDIUM on an empty tray, else mmc_probe_medium. */
int dw__mmc_op_medium(struct dw_drive *d, struct dw_medium_info *info)
{
    int rc = dw__mmc_require_medium(d);
    return rc ? rc : mmc_probe_medium(d, info);
}

/* ---- ops: load_disc ------------------------------------------------------- */

/* CD-TEXT (READ TOC/PMA/ATIP format 0101b) decoded by libcdio's parser into
 * the disc and its tracks.  A disc without CD-TEXT, or with packs libcdio
 * would refuse, is left alone; only "out of memory" is an error. */
static int mmc_load_cdtext(struct dw_drive *d, struct dw_disc *disc)
{
    struct dw__mmc_drive *m = d->priv;
    struct dw__scsi_result res;
    uint8_t *buf;
    size_t bytes, pack_bytes;
    const uint8_t *packs;

    if (dw__mmc_read_toc_reply(m, DW_MMC_TOC_FMT_CDTEXT, true, 0, &buf, &bytes, &res))
        return res.code == DW_ENOMEM ? DW_ENOMEM : 0;
    if (dw__mmc_parse_cdtext(buf, bytes, &packs, &pack_bytes) || !pack_bytes)
        goto out;
    if (!dw__cdtext_is_safe(packs, pack_bytes)) {
        dw__mmc_warn(d,
                 "CD-TEXT of the disc in '%s' was ignored: it is malformed, uses "
                 "double-byte characters or has empty fields libcdio would file "
                 "under the wrong track",
                 m->device);
        goto out;
    }
    if (dw__cdtext_apply(buf + (packs - buf), pack_bytes, disc) == DW_ENOMEM) {
        free(buf);
        return DW_ENOMEM;
    }
out:
    free(buf);
    return 0;
}

/* READ SUB-CHANNEL (MMC-6) for the MCN and the ISRC of each audio track.
 * Drives that cannot tell leave them empty. */
static void mmc_load_mcn_isrc(struct dw__mmc_drive *m, struct dw_disc *disc)
{
    uint8_t cdb[DW_MMC_CDB_MAX], buf[24];
    struct dw__scsi_result res;
    size_t n = dw__mmc_build_read_subchannel(cdb, DW_MMC_SUBQ_MCN, 0, sizeof(buf));

    if (dw__mmc_run_in(m, cdb, n, buf, sizeof(buf), &res) == 0)
        dw__mmc_parse_mcn(buf, sizeof(buf), disc->mcn);
    for (int i = 0; i < disc->track_count; i++) {
        struct dw_track *t = &disc->tracks[i];
        if (t->control & DW_CTL_DATA)
            continue;
        n = dw__mmc_build_read_subchannel(cdb, DW_MMC_SUBQ_ISRC, (uint8_t)t->number,
                                          sizeof(buf));
        if (dw__mmc_run_in(m, cdb, n, buf, sizeof(buf), &res) == 0)
            dw__mmc_parse_isrc(buf, sizeof(buf), t->isrc);
    }
}

/* Refine the mode of each data track from the header of its first sector
 * (READ CD, expected sector type "any", byte 9 = F8h).  Unreadable first
 * sectors keep DW_MODE_MODE1. */
static void mmc_load_modes(struct dw__mmc_drive *m, struct dw_disc *disc,
                           const struct dw__mmc_full_toc *full)
{
    uint8_t cdb[DW_MMC_CDB_MAX];
    uint8_t *raw = malloc(DW_SECTOR_RAW_BYTES);
    struct dw__scsi_result res;

    if (!raw)
        return;
    for (int i = 0; i < disc->track_count; i++) {
        struct dw_track *t = &disc->tracks[i];
        int disc_type = 0;
        enum dw_track_mode mode;
        size_t n;

        if (!(t->control & DW_CTL_DATA))
            continue;
        for (int s = 0; full && s < full->session_count; s++)
            if (full->sessions[s].number == t->session)
                disc_type = full->sessions[s].disc_type;
        n = dw__mmc_build_read_cd(cdb, t->index_lba[1], 1, DW_MMC_SECTOR_ANY, 0);
        if (dw__mmc_read_cmd(m, cdb, n, raw, DW_SECTOR_RAW_BYTES, &res) == 0 &&
            dw__mmc_raw_sector_mode(raw, DW_SECTOR_RAW_BYTES, disc_type, &mode) == 0)
            t->mode = mode;
    }
    free(raw);
}

/* A CD: TOC formats 0, 2 (or 1), modes, MCN/ISRC and CD-TEXT. */
static int mmc_load_cd(struct dw_drive *d, struct dw_disc *disc)
{
    struct dw__mmc_drive *m = d->priv;
    struct dw__scsi_result res;
    struct dw__mmc_toc *toc = malloc(sizeof(*toc));
    struct dw__mmc_full_toc *full = malloc(sizeof(*full));
    struct dw__mmc_session_info si;
    bool have_full = false, have_si = false, estimated = false;
    uint8_t *buf = NULL;
    size_t bytes;
    int rc;

    if (!toc || !full) {
        rc = dw__mmc_fail_plain(d, DW_ENOMEM, DW_NO_LBA, "out of memory");
        goto out;
    }
    rc = dw__mmc_read_toc_reply(m, DW_MMC_TOC_FMT_TOC, false, 0, &buf, &bytes, &res);
    if (rc) {
        rc = dw__mmc_fail(d, &res, DW_NO_LBA, "cannot read the TOC of the disc in '%s'",
                      m->device);
        goto out;
    }
    if (dw__mmc_parse_toc(buf, bytes, toc) || !toc->has_leadout) {
        rc = dw__mmc_fail_plain(d, DW_EPARSE, DW_NO_LBA,
                            "the TOC of the disc in '%s' is malformed: clean the disc or "
                            "try another drive",
                            m->device);
        goto out;
    }
    free(buf);
    buf = NULL;

    if (dw__mmc_read_toc_reply(m, DW_MMC_TOC_FMT_FULL, true, 0, &buf, &bytes, &res) == 0)
        have_full = dw__mmc_parse_full_toc(buf, bytes, full) == 0;
    free(buf);
    buf = NULL;
    if (!have_full &&
        dw__mmc_read_toc_reply(m, DW_MMC_TOC_FMT_SESSION, false, 0, &buf, &bytes, &res) == 0)
        have_si = dw__mmc_parse_session_info(buf, bytes, &si) == 0;
    free(buf);
    buf = NULL;

    if (dw__mmc_disc_from_toc(toc, have_full ? full : NULL, have_si ? &si : NULL, disc,
                              &estimated)) {
        rc = dw__mmc_fail_plain(d, DW_EPARSE, DW_NO_LBA,
                            "the TOC of the disc in '%s' does not match its session "
                            "list: try another drive",
                            m->device);
        goto out;
    }
    if (estimated)
        dw__mmc_warn(d,
                 "'%s' did not report every session lead-out: session ends were "
                 "estimated from the Orange Book gaps",
                 m->device);
    /* Orange Book: the first track of each later session begins with a
     * pregap of at least 2 s (150 sectors) after the lead-in; the TOC gives
     * only INDEX 01, so the pregap is put where it must be. */
    for (int i = 1; i < disc->track_count; i++) {
        struct dw_track *t = &disc->tracks[i];
        if (t->session != disc->tracks[i - 1].session && t->index_lba[0] == DW_LBA_NONE &&
            t->index_lba[1] - 150 >= disc->tracks[i - 1].end_lba)
            t->index_lba[0] = t->index_lba[1] - 150;
    }
    mmc_load_modes(m, disc, have_full ? full : NULL);
    mmc_load_mcn_isrc(m, disc);
    rc = mmc_load_cdtext(d, disc);
    if (rc)
        rc = dw__mmc_fail_plain(d, rc, DW_NO_LBA, "out of memory");
out:
    free(buf);
    free(toc);
    free(full);
    return rc;
}

/* DVD and BD with more than one track (multi-session DVD-R, DVD+R, BD-R):
 * one data track per recorded track and the session table, from READ DISC
 * INFORMATION and READ TRACK INFORMATION (MMC-6 6.26, 6.27), as libburn
 * reads them.  Returns true when disc was filled; false leaves it alone
 * (one track, or a drive that does not answer: the caller's one track
 * over the capacity). */
static bool mmc_load_dvd_sessions(struct dw__mmc_drive *m, struct dw_disc *disc,
                                  int64_t capacity_sectors)
{
    struct dw__scsi_result res;
    uint8_t cdb[DW_MMC_CDB_MAX], buf[48];
    struct dw__mmc_disc_info di;
    struct dw__mmc_track_info ti;
    size_t n = dw__mmc_build_read_disc_info(cdb, 34);
    if (dw__mmc_run_in(m, cdb, n, buf, 34, &res) != 0 ||
        dw__mmc_parse_disc_info(buf, 34, &di) != 0 || di.first_track < 1 ||
        di.last_track_last_session <= di.first_track ||
        di.last_track_last_session - di.first_track >= DW_MAX_TRACKS)
        return false;
    int count = 0, sessions = 0;
    for (int tn = di.first_track; tn <= di.last_track_last_session; tn++) {
        memset(buf, 0, sizeof(buf));
        n = dw__mmc_build_read_track_info(cdb, tn, 36);
        if (dw__mmc_run_in(m, cdb, n, buf, 36, &res) != 0 ||
            dw__mmc_parse_track_info(buf, 36, &ti) != 0)
            return false;
        if (ti.blank || ti.size_sectors <= 0)
            continue; /* the invisible track of an open disc */
        if (ti.start_lba >= capacity_sectors ||
            (count > 0 && (ti.start_lba < disc->tracks[count - 1].index_lba[1] ||
                           ti.session < disc->tracks[count - 1].session)) ||
            (sessions == DW_MAX_SESSIONS && disc->sessions[sessions - 1].number != ti.session))
            return false;
        struct dw_track *t = &disc->tracks[count++];
        memset(t, 0, sizeof(*t));
        t->number = count;
        t->session = ti.session;
        t->mode = DW_MODE_MODE1;
        t->control = DW_CTL_DATA;
        t->index_lba[0] = DW_LBA_NONE;
        t->index_lba[1] = ti.start_lba;
        t->index_count = 2;
        struct dw_session *s = sessions ? &disc->sessions[sessions - 1] : NULL;
        if (!s || s->number != ti.session) {
            s = &disc->sessions[sessions++];
            memset(s, 0, sizeof(*s));
            s->number = ti.session;
            s->first_track = t->number;
        }
        s->last_track = t->number;
        int64_t end = (int64_t)ti.start_lba + ti.size_sectors;
        s->leadout_lba = (int32_t)(end < capacity_sectors ? end : capacity_sectors);
    }
    if (count < 2) {
        memset(disc->sessions, 0, sizeof(disc->sessions[0]) * DW_MAX_SESSIONS);
        return false;
    }
    disc->track_count = count;
    disc->session_count = sessions;
    disc->leadout_lba = disc->sessions[sessions - 1].leadout_lba;
    return true;
}

/* ops->load_disc: build d->disc.  CDs from their TOC (mmc_load_cd); DVD, BD
 * and other media as one Mode 1 data track from LBA 0 to the capacity.
 * Blank media fail with DW_EMEDIUM; the result passes dw_disc_finish. */
int dw__mmc_op_load_disc(struct dw_drive *d)
{
    struct dw__mmc_drive *m = d->priv;
    struct dw_medium_info mi;
    struct dw_disc *disc = NULL;
    char msg[256];
    int rc;

    rc = dw__mmc_require_medium(d);
    if (!rc)
        rc = mmc_probe_medium(d, &mi);
    if (rc)
        return rc;
    if (mi.status == DW_STATUS_BLANK)
        return dw__mmc_fail_plain(d, DW_EMEDIUM, DW_NO_LBA,
                              "the %s in '%s' is blank: there is nothing to read",
                              mi.profile_name, m->device);
    disc = dw_disc_new();
    if (!disc)
        return dw__mmc_fail_plain(d, DW_ENOMEM, DW_NO_LBA, "out of memory");
    if (mi.is_cd) {
        rc = mmc_load_cd(d, disc);
    } else if (mi.capacity_sectors <= 0 || mi.capacity_sectors > INT32_MAX) {
        rc = dw__mmc_fail_plain(d, DW_EMEDIUM, DW_NO_LBA,
                            "the %s in '%s' reports no readable sectors", mi.profile_name,
                            m->device);
    } else if (!mmc_load_dvd_sessions(m, disc, mi.capacity_sectors)) {
        /* DVD, BD and the rest: one data track over the whole capacity. */
        struct dw_track *t = &disc->tracks[0];
        disc->track_count = 1;
        t->number = 1;
        t->session = 1;
        t->mode = DW_MODE_MODE1;
        t->control = DW_CTL_DATA;
        t->index_lba[0] = DW_LBA_NONE;
        t->index_lba[1] = 0;
        t->index_count = 2;
        disc->leadout_lba = (int32_t)mi.capacity_sectors;
    }
    if (!rc && (rc = dw_disc_finish(disc, msg, sizeof(msg))) != 0)
        rc = dw__mmc_fail_plain(d, rc, DW_NO_LBA,
                            "the layout of the disc in '%s' does not hold together: %s",
                            m->device, msg);
    if (rc) {
        dw_disc_free(disc);
        return rc;
    }
    d->disc = disc;
    return 0;
}
