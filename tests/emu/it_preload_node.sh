#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The preload library's own behaviour: the emulated node looks like an sr
# block device to stat, open, fopen, read, lseek and ioctl (SG_IO,
# CDROM_SEND_PACKET, the kernel's CDROM ioctls), O_EXCL and dup behave as on
# Linux, an empty tray gives the kernel's errors, and nothing is traced
# unless asked.
. "$(dirname "$0")/preload_lib.sh"
need_fixtures
need_preload
ISO=$FIX/debian-ipxe/ipxe.iso

# ---- the node ---------------------------------------------------------------
EMU_CONFIG="medium=$ISO vendor=DWTEST model=NODE-PROBE"
emu test -b "$EMU_DEVICE" && ok "test -b: $EMU_DEVICE is a block device" \
  || bad "test -b: $EMU_DEVICE is not a block device"
emu test -e /dev/sr1 && bad "/dev/sr1 appeared too" || ok "only the configured node exists"
got=$(emu stat -c '%F %t:%T %a' "$EMU_DEVICE" 2>&1)
[ "$got" = "block special file b:0 660" ] && ok "stat(1) (statx): block special, 11:0, mode 660" \
  || bad "stat(1) says '$got'"
got=$(EMU_DEVICE=/dev/sr0,/dev/sr3 emu stat -c '%t:%T' /dev/sr3 2>&1)
[ "$got" = "b:3" ] && ok "DW_EMU_DEVICE list: /dev/sr3 is 11:3" || bad "/dev/sr3 is '$got'"

# ---- data through read() ------------------------------------------------------
# cat, tail and head rather than dd: dd's aligned_alloc(4096, 2048) trips
# AddressSanitizer when the sanitized library is preloaded into it.
expect_exit 0 "cat reads the medium through the node" -- emu cat "$EMU_DEVICE"
same_file "$work/out.txt" "$ISO" "cat: the whole medium equals the ISO"
emu tail -c +$((16 * 2048 + 1)) "$EMU_DEVICE" | head -c $((3 * 2048)) >"$work/lba16.bin"
bytes_of "$ISO" $((16 * 2048)) $((3 * 2048)) >"$work/iso16.bin"
same_file "$work/lba16.bin" "$work/iso16.bin" "tail -c +N (lseek + read) from LBA 16 equals the ISO"
got=$(md5sum <"$ISO" | cut -d" " -f1)
[ "$(emu md5sum "$EMU_DEVICE" 2>&1 | cut -d' ' -f1)" = "$got" ] \
  && ok "md5sum (fopen, a cookie stream over the fd) equals the ISO's" || bad "md5sum of the node differs"
got=$(emu blockdev --getsize64 "$EMU_DEVICE" 2>&1)
[ "$got" = "$(stat -c %s "$ISO")" ] && ok "blockdev --getsize64 (BLKGETSIZE64): $got bytes" \
  || bad "blockdev --getsize64 says '$got', the ISO has $(stat -c %s "$ISO") bytes"

# ---- an empty tray ----------------------------------------------------------------
EMU_CONFIG=""
expect_exit 1 "cat on an empty tray fails" -- emu cat "$EMU_DEVICE"
expect_stderr "No medium found" "cat: a blocking open of an empty drive is ENOMEDIUM"
expect_exit 1 "md5sum on an empty tray fails" -- emu md5sum "$EMU_DEVICE"
expect_stderr "No medium found" "md5sum: fopen of an empty drive is ENOMEDIUM"
emu test -b "$EMU_DEVICE" && ok "the node exists with an empty tray" || bad "no node with an empty tray"

# ---- tracing ------------------------------------------------------------------
EMU_CONFIG="medium=$ISO"
emu head -c 2048 "$EMU_DEVICE" >/dev/null 2>"$work/quiet.txt"
[ -s "$work/quiet.txt" ] && bad "output without DW_EMU_TRACE: $(head -3 "$work/quiet.txt")" \
  || ok "nothing on stderr without DW_EMU_TRACE"
DW_EMU_TRACE=1 emu head -c 2048 "$EMU_DEVICE" >/dev/null 2>"$work/trace.txt"
grep -q "^dwemu: /dev/sr0 kernel READ(10) \[28 00 00 00 00 00 00 00 [0-9a-f][0-9a-f] 00\] in [0-9]* -> GOOD" "$work/trace.txt" \
  && grep -q "^dwemu: open(/dev/sr0, O_RDONLY) -> [0-9]" "$work/trace.txt" \
  && ok "DW_EMU_TRACE=1 shows the open and the READ(10) behind read()" \
  || bad "no open or READ(10) in the trace: $(head -5 "$work/trace.txt")"

# ---- system calls, ioctl by ioctl (python3's os and fcntl call glibc) ----------
if have python3; then
  cat >"$work/probe.py" <<'EOF'
import ctypes, errno, fcntl, os, stat, struct, sys

dev, image, want_drive, want_disc = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
SG_IO, SG_GET_SCSI_ID, SG_GET_VERSION_NUM = 0x2285, 0x2276, 0x2282
SCSI_IOCTL_GET_IDLUN, SCSI_IOCTL_GET_BUS_NUMBER, HDIO_GET_IDENTITY = 0x5382, 0x5386, 0x030D
CDROM_SEND_PACKET, CDROM_DRIVE_STATUS, CDROM_DISC_STATUS = 0x5393, 0x5326, 0x5327
CDROM_GET_CAPABILITY, CDROMREADTOCHDR, CDROMREADTOCENTRY = 0x5331, 0x5305, 0x5306
CDC_DVD, CDC_GENERIC_PACKET = 0x8000, 0x1000

def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)

def errno_of(fn):
    try:
        fn()
        return 0
    except OSError as e:
        return e.errno

class SgIoHdr(ctypes.Structure):
    _fields_ = [("interface_id", ctypes.c_int), ("dxfer_direction", ctypes.c_int),
                ("cmd_len", ctypes.c_ubyte), ("mx_sb_len", ctypes.c_ubyte),
                ("iovec_count", ctypes.c_ushort), ("dxfer_len", ctypes.c_uint),
                ("dxferp", ctypes.c_void_p), ("cmdp", ctypes.c_void_p), ("sbp", ctypes.c_void_p),
                ("timeout", ctypes.c_uint), ("flags", ctypes.c_uint), ("pack_id", ctypes.c_int),
                ("usr_ptr", ctypes.c_void_p), ("status", ctypes.c_ubyte),
                ("masked_status", ctypes.c_ubyte), ("msg_status", ctypes.c_ubyte),
                ("sb_len_wr", ctypes.c_ubyte), ("host_status", ctypes.c_ushort),
                ("driver_status", ctypes.c_ushort), ("resid", ctypes.c_int),
                ("duration", ctypes.c_uint), ("info", ctypes.c_uint)]

class CdromGenericCommand(ctypes.Structure):
    _fields_ = [("cmd", ctypes.c_ubyte * 12), ("buffer", ctypes.c_void_p), ("buflen", ctypes.c_uint),
                ("stat", ctypes.c_int), ("sense", ctypes.c_void_p), ("data_direction", ctypes.c_ubyte),
                ("quiet", ctypes.c_int), ("timeout", ctypes.c_int), ("reserved", ctypes.c_void_p)]

def sg_io(fd, cdb, data_len):
    cdb_buf = (ctypes.c_ubyte * len(cdb))(*cdb)
    data = (ctypes.c_ubyte * max(data_len, 1))()
    sense = (ctypes.c_ubyte * 32)()
    h = SgIoHdr(interface_id=ord('S'), dxfer_direction=-3 if data_len else -1, cmd_len=len(cdb),
                mx_sb_len=32, dxfer_len=data_len, dxferp=ctypes.addressof(data) if data_len else None,
                cmdp=ctypes.addressof(cdb_buf), sbp=ctypes.addressof(sense), timeout=10000)
    fcntl.ioctl(fd, SG_IO, h)
    return h, bytes(data)[:data_len], bytes(sense)[:h.sb_len_wr]

def send_packet(fd, cdb, data_len):
    data = (ctypes.c_ubyte * max(data_len, 1))()
    sense = (ctypes.c_ubyte * 64)()
    c = CdromGenericCommand(buffer=ctypes.addressof(data), buflen=data_len,
                            sense=ctypes.addressof(sense), data_direction=2 if data_len else 3)
    c.cmd[:len(cdb)] = cdb
    rc = errno_of(lambda: fcntl.ioctl(fd, CDROM_SEND_PACKET, c))
    return rc, c, bytes(data)[:data_len], bytes(sense)

st = os.stat(dev)
check(stat.S_ISBLK(st.st_mode) and os.major(st.st_rdev) == 11 and os.minor(st.st_rdev) == 0,
      "stat: block device 11:0")
check(stat.S_ISBLK(os.lstat(dev).st_mode), "lstat: block device, not a link")

# O_EXCL between opens of this process, as the block layer's exclusive claim
fd = os.open(dev, os.O_RDWR | os.O_EXCL | os.O_NONBLOCK)
check(stat.S_ISBLK(os.fstat(fd).st_mode), "fstat on the fd: block device")
check(errno_of(lambda: os.open(dev, os.O_RDWR | os.O_EXCL | os.O_NONBLOCK)) == errno.EBUSY,
      "a second O_EXCL open: EBUSY")
plain = os.open(dev, os.O_RDONLY | os.O_NONBLOCK)
check(plain >= 0, "a plain open beside the O_EXCL one succeeds")
os.close(plain)
copy = os.dup(fd)
os.close(fd)
check(errno_of(lambda: os.open(dev, os.O_RDONLY | os.O_EXCL | os.O_NONBLOCK)) == errno.EBUSY,
      "a dup keeps the O_EXCL claim after the original is closed")
check(errno_of(lambda: fcntl.lockf(copy, fcntl.LOCK_EX | fcntl.LOCK_NB)) == 0, "fcntl F_SETLK succeeds")
check(fcntl.fcntl(copy, fcntl.F_GETFL) & os.O_ACCMODE == os.O_RDWR, "F_GETFL reports O_RDWR")
os.close(copy)
fd = os.open(dev, os.O_RDONLY | os.O_EXCL | os.O_NONBLOCK)
check(fd >= 0, "O_EXCL open again once every copy is closed")

# what libburn's probe sees
check(errno_of(lambda: fcntl.ioctl(fd, SG_GET_SCSI_ID, bytes(32))) == errno.EINVAL,
      "SG_GET_SCSI_ID: EINVAL, as on an sr node")
check(errno_of(lambda: fcntl.ioctl(fd, HDIO_GET_IDENTITY, bytes(512))) == errno.EINVAL,
      "HDIO_GET_IDENTITY: EINVAL (no ATA path)")
idlun = fcntl.ioctl(fd, SCSI_IOCTL_GET_IDLUN, bytes(8))
check(struct.unpack("ii", idlun) == (0, 0), "SCSI_IOCTL_GET_IDLUN: host 0 channel 0 id 0 lun 0")
check(struct.unpack("i", fcntl.ioctl(fd, SCSI_IOCTL_GET_BUS_NUMBER, bytes(4)))[0] == 0,
      "SCSI_IOCTL_GET_BUS_NUMBER: 0")
check(struct.unpack("i", fcntl.ioctl(fd, SG_GET_VERSION_NUM, bytes(4)))[0] == 30527,
      "SG_GET_VERSION_NUM: 30527")
check(errno_of(lambda: fcntl.ioctl(fd, 0x1234, 0)) == errno.ENOTTY, "an unknown ioctl: ENOTTY")
cap = fcntl.ioctl(fd, CDROM_GET_CAPABILITY, 0)
check(cap & CDC_GENERIC_PACKET and cap & CDC_DVD, "CDROM_GET_CAPABILITY: 0x%x (DVD, generic packet)" % cap)
check(fcntl.ioctl(fd, CDROM_DRIVE_STATUS, 0x7fffffff) == want_drive, "CDROM_DRIVE_STATUS: %d" % want_drive)
check(fcntl.ioctl(fd, CDROM_DISC_STATUS, 0) == want_disc, "CDROM_DISC_STATUS: %d" % want_disc)

h, inq, _ = sg_io(fd, [0x12, 0, 0, 0, 36, 0], 36)
check(h.status == 0 and h.info == 0 and h.resid == 0 and inq[0] & 0x1F == 5,
      "SG_IO INQUIRY: GOOD, peripheral type 5")
check(inq[8:16].rstrip() == b"DWTEST" and inq[16:32].rstrip() == b"NODE-PROBE",
      "SG_IO INQUIRY: vendor and model from the configuration (%r %r)" % (inq[8:16], inq[16:32]))
h, _, sense = sg_io(fd, [0, 0, 0, 0, 0, 0], 0)
if want_drive == 4:
    check(h.status == 0 and h.driver_status == 0, "SG_IO TEST UNIT READY: GOOD")
    rc, c, data, _ = send_packet(fd, [0x28, 0, 0, 0, 0, 16, 0, 0, 1, 0], 2048)
    with open(image, "rb") as f:
        f.seek(16 * 2048)
        check(rc == 0 and c.stat == 0 and data == f.read(2048),
              "CDROM_SEND_PACKET READ(10) of LBA 16 equals the image")
    hdr = fcntl.ioctl(fd, CDROMREADTOCHDR, bytes(2))
    check(hdr == b"\x01\x01", "CDROMREADTOCHDR: tracks 1-1")
    # struct cdrom_tocentry: track, adr:4|ctrl:4, format, addr (int), datamode
    ent = fcntl.ioctl(fd, CDROMREADTOCENTRY, struct.pack("BBBxiB3x", 0xAA, 0, 1, 0, 0))
    check(struct.unpack("BBBxiB3x", ent)[3] == os.path.getsize(image) // 2048,
          "CDROMREADTOCENTRY lead-out (LBA format): the image's sector count")
    os.lseek(fd, 16 * 2048, os.SEEK_SET)
    with open(image, "rb") as f:
        f.seek(16 * 2048)
        check(os.read(fd, 4096) == f.read(4096), "lseek + read: LBA 16-17 equal the image")
    check(os.lseek(fd, 0, os.SEEK_END) == os.path.getsize(image), "lseek SEEK_END: the medium's size")
    check(os.pread(fd, 10, os.path.getsize(image)) == b"", "pread at the end: EOF")
    # the tray: CDROM_LOCKDOOR, CDROMEJECT, CDROMCLOSETRAY as START STOP UNIT
    # and PREVENT ALLOW MEDIUM REMOVAL; CDROM_MEDIA_CHANGED reports it once
    CDROMEJECT, CDROMCLOSETRAY, CDROM_MEDIA_CHANGED, CDROM_LOCKDOOR = 0x5309, 0x5319, 0x5325, 0x5329
    check(fcntl.ioctl(fd, CDROM_MEDIA_CHANGED, 0) == 0, "CDROM_MEDIA_CHANGED: 0 before any change")
    fcntl.ioctl(fd, CDROM_LOCKDOOR, 1)
    check(errno_of(lambda: fcntl.ioctl(fd, CDROMEJECT, 0)) == errno.EIO,
          "CDROMEJECT with the door locked (CDROM_LOCKDOOR 1): EIO")
    fcntl.ioctl(fd, CDROM_LOCKDOOR, 0)
    check(fcntl.ioctl(fd, CDROMEJECT, 0) == 0, "CDROMEJECT once unlocked: 0")
    check(fcntl.ioctl(fd, CDROM_DRIVE_STATUS, 0x7fffffff) == 2, "CDROM_DRIVE_STATUS after eject: CDS_TRAY_OPEN")
    check(fcntl.ioctl(fd, CDROM_MEDIA_CHANGED, 0) == 1, "CDROM_MEDIA_CHANGED after eject: 1")
    check(fcntl.ioctl(fd, CDROMCLOSETRAY, 0) == 0, "CDROMCLOSETRAY: 0")
    check(fcntl.ioctl(fd, CDROM_DRIVE_STATUS, 0x7fffffff) == 4, "CDROM_DRIVE_STATUS after closing: CDS_DISC_OK")
    fcntl.ioctl(fd, CDROM_MEDIA_CHANGED, 0)
    check(fcntl.ioctl(fd, CDROM_MEDIA_CHANGED, 0) == 0, "CDROM_MEDIA_CHANGED: reported once, then 0")
else:
    check(h.status == 2 and h.driver_status == 8 and h.info & 1 and len(sense) >= 14
          and sense[2] & 0xF == 2 and sense[12] == 0x3A,
          "SG_IO TEST UNIT READY, empty tray: CHECK CONDITION 2/3A, DRIVER_SENSE, sense copied")
    rc, c, _, sense = send_packet(fd, [0x25, 0, 0, 0, 0, 0, 0, 0, 0, 0], 8)
    check(rc == errno.EIO and c.stat == -errno.EIO and sense[2] & 0xF == 2 and sense[12] == 0x3A,
          "CDROM_SEND_PACKET, empty tray: EIO, stat -EIO, sense 2/3A")
    check(errno_of(lambda: fcntl.ioctl(fd, CDROMREADTOCHDR, bytes(2))) == errno.ENOMEDIUM,
          "CDROMREADTOCHDR, empty tray: ENOMEDIUM")
    check(os.read(fd, 2048) == b"", "read, empty tray: EOF (capacity 0)")
    check(errno_of(lambda: os.open(dev, os.O_RDONLY)) == errno.ENOMEDIUM,
          "blocking open, empty tray: ENOMEDIUM")
os.close(fd)
EOF
  # CDS_DISC_OK 4 and CDS_DATA_1 101 with the ISO; CDS_NO_DISC 1 (twice) without
  for c in "ISO loaded:medium=$ISO vendor=DWTEST model=NODE-PROBE:4:101" \
           "empty tray:vendor=DWTEST model=NODE-PROBE:1:1"; do
    IFS=: read -r label EMU_CONFIG drive disc <<<"$c"
    emu_tool python3 "$work/probe.py" "$EMU_DEVICE" "$ISO" "$drive" "$disc" >"$work/probe.txt" 2>&1
    grep -q "^ok " "$work/probe.txt" || bad "python3 probe ($label) ran no check: $(tail -5 "$work/probe.txt")"
    while read -r line; do
      case $line in
      "ok   "*) ok "$label: ${line#ok   }" ;;
      "FAIL "*) bad "$label: ${line#FAIL }" ;;
      *) bad "python3 probe: $line" ;;
      esac
    done <"$work/probe.txt"
  done
fi

finish
