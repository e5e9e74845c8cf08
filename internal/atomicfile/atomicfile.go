// Package atomicfile writes files so that a reader sees either the old
// contents or the complete new ones, never a half-written file: the bytes
// go into a temporary file in the same directory, which is synced, given
// its final permissions and renamed over the target; the directory is then
// synced so the rename survives a crash. On any error the temporary file is
// removed and the target is left as it was. The temporary file is private
// (0600) until it is complete, so a half-written private key is never
// readable by others.
//
// The directory must exist; callers that want it created make it first.
package atomicfile

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// Write writes data to path with permissions perm (whatever the umask).
func Write(path string, data []byte, perm os.FileMode) error {
	return WriteFunc(path, perm, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// WriteFunc writes what fill writes to path with permissions perm (whatever
// the umask). If fill fails, path is untouched and the error is returned
// wrapped (errors.Is sees through it).
func WriteFunc(path string, perm os.FileMode, fill func(w io.Writer) error) error {
	tmp, err := temp(path, perm, fill)
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("writing %s: %w", path, bare(err))
	}
	if err := syncDir(filepath.Dir(path)); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}

// Copy copies the contents of src to dst with permissions perm.
func Copy(src, dst string, perm os.FileMode) error {
	f, err := os.Open(src)
	if err != nil {
		return fmt.Errorf("copying to %s: %w", dst, err)
	}
	defer f.Close()
	return WriteFunc(dst, perm, func(w io.Writer) error {
		if _, err := io.Copy(w, f); err != nil {
			return fmt.Errorf("copying %s: %w", src, err)
		}
		return nil
	})
}

// WriteNew writes data to path with permissions perm like Write, but never
// replaces anything: if path exists (even as a dangling symbolic link) it
// fails with an error that matches fs.ErrExist and leaves path alone. The
// complete file is hard-linked to path, so path never exists half-written.
func WriteNew(path string, data []byte, perm os.FileMode) error {
	tmp, err := temp(path, perm, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	defer os.Remove(tmp) // after the link, path keeps the file
	if err := os.Link(tmp, path); err != nil {
		return fmt.Errorf("writing %s: %w", path, bare(err))
	}
	if err := syncDir(filepath.Dir(path)); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}

// temp writes a complete, synced temporary file next to path and returns
// its name; on error there is none.
func temp(path string, perm os.FileMode, fill func(w io.Writer) error) (name string, err error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return "", err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if err := fill(f); err != nil {
		return "", err
	}
	// Chmod on the descriptor is not subject to the umask.
	if err := f.Chmod(perm); err != nil {
		return "", err
	}
	if err := f.Sync(); err != nil {
		return "", fmt.Errorf("syncing: %w", err)
	}
	if err := f.Close(); err != nil {
		return "", err
	}
	return f.Name(), nil
}

// bare strips the two paths off a rename or link error: the temporary name
// means nothing to the reader, and the target is in our own message.
func bare(err error) error {
	var le *os.LinkError
	if errors.As(err, &le) {
		return le.Err
	}
	return err
}

// syncDir makes the directory entries of dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("syncing directory: %w", err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("syncing directory: %w", err)
	}
	return nil
}
