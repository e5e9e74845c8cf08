package main

import (
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"io"
	"os"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"

	"manx/userland/mascot"
)

// Framebuffer ioctls and constants from <linux/fb.h>.
const (
	fbiogetVScreenInfo = 0x4600
	fbiogetFScreenInfo = 0x4602
	varScreenInfoSize  = 160
	fixScreenInfoSize  = 80 // on 64-bit kernels: smem_start and mmio_start are 8 bytes
	visualTrueColor    = 2
	visualDirectColor  = 4
)

// bitfield is where one colour channel sits in a pixel.
type bitfield struct{ offset, length uint32 }

// fbInfo is the framebuffer geometry and pixel format init needs.
type fbInfo struct {
	id                       string
	xres, yres               uint32 // visible resolution
	xoffset, yoffset         uint32 // visible area within the virtual one
	bitsPerPixel             uint32
	red, green, blue, transp bitfield
	smemLen                  uint32 // bytes of framebuffer memory
	visual                   uint32
	lineLength               uint32 // stride in bytes
}

// parseVarScreenInfo decodes struct fb_var_screeninfo (160 bytes).
func parseVarScreenInfo(b []byte, fi *fbInfo) error {
	if len(b) < varScreenInfoSize {
		return fmt.Errorf("fb_var_screeninfo: %d bytes, want %d", len(b), varScreenInfoSize)
	}
	u := func(off int) uint32 { return binary.NativeEndian.Uint32(b[off:]) }
	fi.xres, fi.yres = u(0), u(4)
	fi.xoffset, fi.yoffset = u(16), u(20)
	fi.bitsPerPixel = u(24)
	fi.red = bitfield{u(32), u(36)}
	fi.green = bitfield{u(44), u(48)}
	fi.blue = bitfield{u(56), u(60)}
	fi.transp = bitfield{u(68), u(72)}
	return nil
}

// parseFixScreenInfo decodes struct fb_fix_screeninfo as a 64-bit kernel
// lays it out: id[16], smem_start (8), smem_len @24, type, type_aux,
// visual @36, three u16 pan/wrap steps, 2 bytes padding, line_length @48.
func parseFixScreenInfo(b []byte, fi *fbInfo) error {
	if len(b) < fixScreenInfoSize {
		return fmt.Errorf("fb_fix_screeninfo: %d bytes, want %d", len(b), fixScreenInfoSize)
	}
	fi.id = unix.ByteSliceToString(b[:16])
	fi.smemLen = binary.NativeEndian.Uint32(b[24:])
	fi.visual = binary.NativeEndian.Uint32(b[36:])
	fi.lineLength = binary.NativeEndian.Uint32(b[48:])
	return nil
}

// check reports what init cannot draw on: anything but 16, 24 or 32 bits
// per pixel true colour with channels inside the pixel, or a visible area
// outside the framebuffer memory.
func (fi fbInfo) check() error {
	if fi.visual != visualTrueColor && fi.visual != visualDirectColor {
		return fmt.Errorf("unsupported visual %d (only true colour is supported; palette modes are not)", fi.visual)
	}
	switch fi.bitsPerPixel {
	case 16, 24, 32:
	default:
		return fmt.Errorf("unsupported %d bits per pixel (want 16, 24 or 32)", fi.bitsPerPixel)
	}
	for _, c := range []struct {
		name string
		f    bitfield
	}{{"red", fi.red}, {"green", fi.green}, {"blue", fi.blue}, {"transp", fi.transp}} {
		if c.name != "transp" && c.f.length == 0 {
			return fmt.Errorf("%s channel has length 0", c.name)
		}
		if c.f.length > 16 || c.f.offset+c.f.length > fi.bitsPerPixel {
			return fmt.Errorf("%s channel offset %d length %d does not fit %d bits per pixel", c.name, c.f.offset, c.f.length, fi.bitsPerPixel)
		}
	}
	if fi.xres == 0 || fi.yres == 0 || fi.xres > 1<<14 || fi.yres > 1<<14 {
		return fmt.Errorf("unsupported resolution %dx%d", fi.xres, fi.yres)
	}
	bpp := uint64(fi.bitsPerPixel / 8)
	if uint64(fi.lineLength) < (uint64(fi.xoffset)+uint64(fi.xres))*bpp {
		return fmt.Errorf("stride %d too small for %d+%d pixels of %d bytes", fi.lineLength, fi.xoffset, fi.xres, bpp)
	}
	end := (uint64(fi.yoffset)+uint64(fi.yres)-1)*uint64(fi.lineLength) + (uint64(fi.xoffset)+uint64(fi.xres))*bpp
	if fi.smemLen != 0 && end > uint64(fi.smemLen) {
		return fmt.Errorf("visible area ends at byte %d, beyond framebuffer memory of %d bytes", end, fi.smemLen)
	}
	return nil
}

func (fi fbInfo) String() string {
	return fmt.Sprintf("%q %dx%d %d bpp stride %d R%d/%d G%d/%d B%d/%d", fi.id, fi.xres, fi.yres, fi.bitsPerPixel,
		fi.lineLength, fi.red.offset, fi.red.length, fi.green.offset, fi.green.length, fi.blue.offset, fi.blue.length)
}

// channel places an 8-bit value in a bitfield, keeping the top bits (or
// replicating them into a field wider than 8 bits).
func channel(v uint8, f bitfield) uint32 {
	if f.length == 0 {
		return 0
	}
	var x uint32
	if f.length <= 8 {
		x = uint32(v) >> (8 - f.length)
	} else {
		x = uint32(v)<<(f.length-8) | uint32(v)>>(16-f.length)
	}
	return x << f.offset
}

// pixel packs an opaque RGB colour in the framebuffer's format.
func (fi fbInfo) pixel(r, g, b uint8) uint32 {
	return channel(r, fi.red) | channel(g, fi.green) | channel(b, fi.blue) | channel(0xff, fi.transp)
}

// writeImage writes img (which must be xres x yres) into the visible area
// of a framebuffer with layout fi, one row per WriteAt. Pixels are stored
// little-endian, the CPU byte order of every architecture Manx targets.
func writeImage(w io.WriterAt, fi fbInfo, img *image.RGBA) error {
	bpp := int(fi.bitsPerPixel / 8)
	xres, yres := int(fi.xres), int(fi.yres)
	if img.Bounds() != image.Rect(0, 0, xres, yres) {
		return fmt.Errorf("image is %v, framebuffer %dx%d", img.Bounds(), xres, yres)
	}
	row := make([]byte, xres*bpp)
	for y := 0; y < yres; y++ {
		src := img.Pix[y*img.Stride:]
		for x := 0; x < xres; x++ {
			v := fi.pixel(src[4*x], src[4*x+1], src[4*x+2])
			for i := 0; i < bpp; i++ {
				row[x*bpp+i] = byte(v >> (8 * i))
			}
		}
		off := int64(y+int(fi.yoffset))*int64(fi.lineLength) + int64(fi.xoffset)*int64(bpp)
		if _, err := w.WriteAt(row, off); err != nil {
			return fmt.Errorf("writing framebuffer row %d: %w", y, err)
		}
	}
	return nil
}

// queryFB reads the framebuffer's geometry with FBIOGET_VSCREENINFO and
// FBIOGET_FSCREENINFO.
func queryFB(f *os.File) (fbInfo, error) {
	var fi fbInfo
	var vb [varScreenInfoSize]byte
	var fb [fixScreenInfoSize]byte
	if unsafe.Sizeof(uintptr(0)) != 8 {
		return fi, errors.New("framebuffer support needs a 64-bit kernel ABI")
	}
	if err := ioctl(f, fbiogetVScreenInfo, unsafe.Pointer(&vb[0])); err != nil {
		return fi, fmt.Errorf("FBIOGET_VSCREENINFO: %w", err)
	}
	if err := ioctl(f, fbiogetFScreenInfo, unsafe.Pointer(&fb[0])); err != nil {
		return fi, fmt.Errorf("FBIOGET_FSCREENINFO: %w", err)
	}
	if err := parseVarScreenInfo(vb[:], &fi); err != nil {
		return fi, err
	}
	if err := parseFixScreenInfo(fb[:], &fi); err != nil {
		return fi, err
	}
	return fi, nil
}

func ioctl(f *os.File, req uintptr, arg unsafe.Pointer) error {
	sc, err := f.SyscallConn()
	if err != nil {
		return err
	}
	var errno unix.Errno
	if err := sc.Control(func(fd uintptr) {
		_, _, errno = unix.Syscall(unix.SYS_IOCTL, fd, req, uintptr(arg))
	}); err != nil {
		return err
	}
	if errno != 0 {
		return errno
	}
	return nil
}

// fbDevice is the framebuffer init draws on.
const fbDevice = "/dev/fb0"

// waitForFB waits up to limit for /dev/fb0 when a DRM device exists, since
// its fbdev emulation may register after init starts. It reports whether
// /dev/fb0 exists.
func waitForFB(limit time.Duration) bool {
	deadline := time.Now().Add(limit)
	for {
		if _, err := os.Stat(fbDevice); err == nil {
			return true
		}
		if _, err := os.Stat("/sys/class/drm/card0"); err != nil || time.Now().After(deadline) {
			return false
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// drawCat draws the picture full-screen on /dev/fb0 (placement rule in
// package manx/userland/mascot).
func drawCat() (fbInfo, error) {
	f, err := os.OpenFile(fbDevice, os.O_RDWR, 0)
	if err != nil {
		return fbInfo{}, err
	}
	defer f.Close()
	fi, err := queryFB(f)
	if err != nil {
		return fi, err
	}
	if err := fi.check(); err != nil {
		return fi, fmt.Errorf("%v: %w", fi, err)
	}
	// Draw through a shared mapping: DRM fbdev emulation tracks written
	// pages of the mapping and flushes them to the scanout buffer.
	size := int(fi.smemLen)
	if size == 0 {
		size = int(fi.lineLength) * int(fi.yoffset+fi.yres)
	}
	mem, err := unix.Mmap(int(f.Fd()), 0, size, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_SHARED)
	if err != nil {
		return fi, fmt.Errorf("mapping %s: %w", fbDevice, err)
	}
	defer unix.Munmap(mem)
	if err := writeImage(memWriter(mem), fi, mascot.Render(int(fi.xres), int(fi.yres))); err != nil {
		return fi, err
	}
	if err := unix.Msync(mem, unix.MS_SYNC); err != nil && !errors.Is(err, unix.EINVAL) {
		return fi, fmt.Errorf("syncing framebuffer: %w", err)
	}
	// Deferred-I/O framebuffers also flush on fsync; others return EINVAL.
	if err := f.Sync(); err != nil && !errors.Is(err, unix.EINVAL) {
		return fi, fmt.Errorf("syncing framebuffer: %w", err)
	}
	return fi, nil
}

// memWriter writes into a mapped framebuffer.
type memWriter []byte

func (m memWriter) WriteAt(p []byte, off int64) (int, error) {
	if off < 0 || off+int64(len(p)) > int64(len(m)) {
		return 0, fmt.Errorf("write of %d bytes at %d outside the %d-byte framebuffer", len(p), off, len(m))
	}
	return copy(m[off:], p), nil
}

// showCat switches the VT to graphics mode (so the console's text and
// cursor stay off the picture), draws the cat and prints the marker. It
// reports whether the cat is on screen.
func showCat(con console) bool {
	if !waitForFB(2 * time.Second) {
		con.printf("no framebuffer (%s): not drawing the cat", fbDevice)
		return false
	}
	if err := setVTMode(kdGraphics); err != nil {
		con.printf("console graphics mode: %v (text may overwrite the picture)", err)
	}
	fi, err := drawCat()
	if err != nil {
		con.printf("framebuffer: %v", err)
		return false
	}
	con.printf("framebuffer %v", fi)
	con.line(markerCat)
	return true
}
