package oracle

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"slices"
	"strconv"
	"strings"
)

// Section is one line of objdump -h.
type Section struct {
	Name      string
	Size, VMA uint64
}

// UKISections are a Manx UKI's sections in order: systemd-stub 254's own,
// then the ones Manx appends.
var UKISections = []string{".text", ".rodata", ".data", ".sdmagic", ".sbat", ".reloc", ".osrel", ".cmdline", ".uname", ".initrd", ".linux"}

// Objdump lists image's sections with objdump -h.
func Objdump(ctx context.Context, image string) ([]Section, error) {
	out, err := exec.CommandContext(ctx, "objdump", "-h", image).CombinedOutput()
	if err != nil {
		return nil, fmt.Errorf("objdump -h %s: %v\n%s", image, err, out)
	}
	secs, err := ParseObjdump(out)
	if err != nil {
		return nil, fmt.Errorf("objdump -h %s: %w", image, err)
	}
	return secs, nil
}

// ParseObjdump reads the section table of objdump -h output: lines that
// start with an index, then name, size, VMA (hex), LMA, file offset, align.
func ParseObjdump(out []byte) ([]Section, error) {
	var secs []Section
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 7 {
			continue
		}
		if _, err := strconv.Atoi(f[0]); err != nil {
			continue
		}
		size, err1 := strconv.ParseUint(f[2], 16, 64)
		vma, err2 := strconv.ParseUint(f[3], 16, 64)
		if err1 != nil || err2 != nil {
			return nil, fmt.Errorf("cannot parse section line %q", sc.Text())
		}
		secs = append(secs, Section{Name: f[1], Size: size, VMA: vma})
	}
	if len(secs) == 0 {
		return nil, fmt.Errorf("no sections in the output")
	}
	return secs, nil
}

// CheckUKI checks sections against a UKI's layout: exactly UKISections in
// order, each VMA page-aligned and past the end of the one before.
func CheckUKI(secs []Section) error {
	var names []string
	for _, s := range secs {
		names = append(names, s.Name)
	}
	if !slices.Equal(names, UKISections) {
		return fmt.Errorf("sections %v, want %v", names, UKISections)
	}
	for i, s := range secs {
		if s.VMA%0x1000 != 0 {
			return fmt.Errorf("section %s: VMA %#x not aligned to 0x1000", s.Name, s.VMA)
		}
		if s.Size == 0 {
			return fmt.Errorf("section %s: empty", s.Name)
		}
		if i > 0 && s.VMA < secs[i-1].VMA+secs[i-1].Size {
			return fmt.Errorf("section %s: VMA %#x overlaps %s (%#x + %#x)", s.Name, s.VMA, secs[i-1].Name, secs[i-1].VMA, secs[i-1].Size)
		}
	}
	return nil
}
