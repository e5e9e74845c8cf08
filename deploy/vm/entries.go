package vm

import (
	"fmt"
	"os"
	"os/exec"
	"path"
	"regexp"
	"slices"
	"strings"

	"manx/deploy/profile"
	"manx/deploy/qemu"
	"manx/internal/gpt"
)

// after checks what a VM left on its disk: with EntriesAfter, the names
// of the boot entries in \EFI\Linux on the ESP (read with mtools, an
// independent FAT reader).
func (c Config) after(p profile.Profile, in qemu.Inputs) error {
	if p.EntriesAfter == "" {
		return nil
	}
	names, err := BootEntries(in.Disk)
	if err != nil {
		return err
	}
	got := strings.Join(names, "\n")
	if !regexp.MustCompile(p.EntriesAfter).MatchString(got) {
		return fmt.Errorf(`\EFI\Linux holds %q, want %s`, names, p.EntriesAfter)
	}
	c.Log.Info("Boot entries after the boot", "profile", p.ID, "entries", strings.Join(names, " "))
	return nil
}

// BootEntries lists the files in \EFI\Linux on the ESP of the disk image
// at diskPath, sorted.
func BootEntries(diskPath string) ([]string, error) {
	f, err := os.Open(diskPath)
	if err != nil {
		return nil, err
	}
	t, err := gpt.Read(f)
	f.Close()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", diskPath, err)
	}
	i := slices.IndexFunc(t.Partitions, func(p gpt.Partition) bool { return p.Type == gpt.TypeESP })
	if i < 0 {
		return nil, fmt.Errorf("%s: no EFI System Partition", diskPath)
	}
	img := fmt.Sprintf("%s@@%d", diskPath, t.Partitions[i].FirstLBA*gpt.SectorSize)
	cmd := exec.Command("mdir", "-b", "-i", img, "::/EFI/Linux")
	cmd.Env = append(os.Environ(), "MTOOLSRC=/dev/null")
	out, err := cmd.CombinedOutput()
	if err != nil {
		return nil, fmt.Errorf("mdir %s ::/EFI/Linux: %v\n%s", img, err, out)
	}
	var names []string
	for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			names = append(names, path.Base(l))
		}
	}
	slices.Sort(names)
	return names, nil
}
