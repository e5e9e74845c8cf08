package initramfs

import (
	"bytes"
	"fmt"
	"io"
	"path"
	"sort"
	"strings"
	"time"

	"github.com/u-root/mkuimage/cpio"
)

// entry is one archive member held in memory.
type entry struct {
	info cpio.Info
	data []byte
}

// explicit marks records whose mode was set by Manx (base records and
// Options.Files) and must be kept; every other mode is normalised.
type explicit map[string]bool

// readRecord reads a record's content into memory, so the archive no
// longer depends on the build's temporary files.
func readRecord(r cpio.Record) (entry, error) {
	e := entry{info: r.Info}
	if r.ReaderAt != nil && r.Info.FileSize > 0 {
		b, err := io.ReadAll(io.NewSectionReader(r.ReaderAt, 0, int64(r.Info.FileSize)))
		if err != nil {
			return e, fmt.Errorf("reading %s: %w", r.Info.Name, err)
		}
		e.data = b
	}
	if c, ok := r.ReaderAt.(io.Closer); ok {
		_ = c.Close()
	}
	return e, nil
}

// cleanName turns an archive path into the form newc archives use:
// relative, slash-separated, no "." or ".." elements. It rejects paths that
// leave the root.
func cleanName(name string) (string, error) {
	p := path.Clean(strings.TrimLeft(name, "/"))
	if p == "." || p == ".." || strings.HasPrefix(p, "../") || strings.Contains(name, "\x00") {
		return "", fmt.Errorf("invalid archive path %q", name)
	}
	return p, nil
}

// normalize makes entries reproducible: names cleaned and sorted (so every
// parent precedes its children), missing parent directories added (0755),
// uid and gid 0, every mtime set to epoch, inode numbers 1, 2, … in archive
// order, no device numbers for the file system, nlink 1 (2 for
// directories), and modes explicit: modes in keep are kept, other
// directories get 0755, other files 0755 if any execute bit is set, else
// 0644. Duplicate names are an error.
func normalize(entries []entry, keep explicit, epoch time.Time) ([]entry, error) {
	byName := map[string]entry{}
	for _, e := range entries {
		name, err := cleanName(e.info.Name)
		if err != nil {
			return nil, err
		}
		e.info.Name = name
		if prev, ok := byName[name]; ok {
			if !(isDir(prev.info) && isDir(e.info)) {
				return nil, fmt.Errorf("%s: two entries (%s and %s)", name, kind(prev.info), kind(e.info))
			}
			if keep[name] {
				continue // the explicit directory, added first, wins
			}
		}
		byName[name] = e
	}
	for name := range byName {
		for d := path.Dir(name); d != "."; d = path.Dir(d) {
			if _, ok := byName[d]; !ok {
				byName[d] = entry{info: cpio.Directory(d, 0o755).Info}
			}
		}
	}
	names := make([]string, 0, len(byName))
	for n := range byName {
		names = append(names, n)
	}
	sort.Strings(names)

	mtime := uint64(0)
	if !epoch.IsZero() && epoch.Unix() > 0 {
		mtime = uint64(epoch.Unix())
	}
	out := make([]entry, len(names))
	for i, n := range names {
		e := byName[n]
		info := e.info
		typ := info.Mode & cpio.S_IFMT
		perm := info.Mode &^ cpio.S_IFMT
		if !keep[n] {
			switch {
			case typ == cpio.S_IFDIR:
				perm = 0o755
			case typ == cpio.S_IFLNK:
				perm = 0o777
			case perm&0o111 != 0:
				perm = 0o755
			default:
				perm = 0o644
			}
		}
		nlink := uint64(1)
		if typ == cpio.S_IFDIR {
			nlink = 2
		}
		out[i] = entry{
			info: cpio.Info{
				Ino:      uint64(i + 1),
				Mode:     typ | perm,
				NLink:    nlink,
				MTime:    mtime,
				FileSize: uint64(len(e.data)),
				Rmajor:   info.Rmajor,
				Rminor:   info.Rminor,
				Name:     n,
			},
			data: e.data,
		}
		if typ != cpio.S_IFCHR && typ != cpio.S_IFBLK {
			out[i].info.Rmajor, out[i].info.Rminor = 0, 0
		}
	}
	return out, nil
}

func isDir(i cpio.Info) bool { return i.Mode&cpio.S_IFMT == cpio.S_IFDIR }

func kind(i cpio.Info) string {
	switch i.Mode & cpio.S_IFMT {
	case cpio.S_IFDIR:
		return "directory"
	case cpio.S_IFLNK:
		return "symlink"
	case cpio.S_IFREG:
		return "file"
	case cpio.S_IFCHR:
		return "character device"
	case cpio.S_IFBLK:
		return "block device"
	}
	return fmt.Sprintf("mode %#o", i.Mode)
}

// record turns an entry back into a cpio record.
func (e entry) record() cpio.Record {
	r := cpio.Record{Info: e.info}
	if len(e.data) > 0 {
		r.ReaderAt = bytes.NewReader(e.data)
	}
	return r
}
