package install

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf16"

	"manx/internal/gpt"
)

// The Boot Loader Interface variables (systemd-boot's vendor GUID) the
// guest reads from efivarfs.
const (
	LoaderGUID              = "4a67b082-0a4c-41cf-b6c7-440b29bb8c4f"
	VarLoaderDevicePartUUID = "LoaderDevicePartUUID-" + LoaderGUID
	VarLoaderBootCountPath  = "LoaderBootCountPath-" + LoaderGUID
	EFIVars                 = "/sys/firmware/efi/efivars"
)

// ReadEFIString reads an efivarfs variable holding a NUL-terminated
// UTF-16LE string (after the 4 attribute bytes).
func ReadEFIString(p string) (string, error) {
	b, err := os.ReadFile(p)
	if err != nil {
		return "", err
	}
	if len(b) < 4 || (len(b)-4)%2 != 0 {
		return "", fmt.Errorf("%s: %d bytes, not a UTF-16 string", p, len(b))
	}
	u := make([]uint16, 0, (len(b)-4)/2)
	for i := 4; i+1 < len(b); i += 2 {
		c := uint16(b[i]) | uint16(b[i+1])<<8
		if c == 0 {
			break
		}
		u = append(u, c)
	}
	return string(utf16.Decode(u)), nil
}

// ESP returns the device node of the partition systemd-boot booted from
// (LoaderDevicePartUUID).
func ESP() (string, error) {
	s, err := ReadEFIString(filepath.Join(EFIVars, VarLoaderDevicePartUUID))
	if err != nil {
		return "", fmt.Errorf("the ESP's partition UUID: %w", err)
	}
	id, err := gpt.ParseGUID(s)
	if err != nil {
		return "", fmt.Errorf("%s: %w", VarLoaderDevicePartUUID, err)
	}
	part, _, err := FindPartition(id)
	return part, err
}

// FindPartition returns /dev/<name> of the partition whose GPT unique GUID
// is id and of its disk, reading the GPT of every disk with partitions.
func FindPartition(id gpt.GUID) (part, diskDev string, err error) {
	ents, err := os.ReadDir("/sys/class/block")
	if err != nil {
		return "", "", err
	}
	for _, e := range ents {
		num, err := os.ReadFile(filepath.Join("/sys/class/block", e.Name(), "partition"))
		if err != nil {
			continue // a whole disk
		}
		real, err := filepath.EvalSymlinks(filepath.Join("/sys/class/block", e.Name()))
		if err != nil {
			continue
		}
		d := "/dev/" + filepath.Base(filepath.Dir(real))
		f, err := os.Open(d)
		if err != nil {
			continue
		}
		t, err := gpt.Read(f)
		f.Close()
		if err != nil {
			continue
		}
		if p, ok := t.Find(id); ok && fmt.Sprint(p.Number) == strings.TrimSpace(string(num)) {
			return "/dev/" + e.Name(), d, nil
		}
	}
	return "", "", fmt.Errorf("no partition with UUID %s", id)
}
