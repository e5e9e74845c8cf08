package nixcheck

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os/exec"
	"path/filepath"
	"strings"
)

// skipDirs are never searched for .nix files: VCS data and build outputs.
var skipDirs = map[string]bool{".git": true, "build": true, "result": true}

// NixFiles lists the .nix files under root, sorted.
func NixFiles(root string) ([]string, error) {
	var files []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && p != root && skipDirs[d.Name()] {
			return filepath.SkipDir
		}
		if !d.IsDir() && strings.HasSuffix(d.Name(), ".nix") {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("listing .nix files: %w", err)
	}
	return files, nil
}

// Parse runs nix-instantiate --parse on one file.
func (t Tool) Parse(ctx context.Context, file string) error {
	var stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, t.Path, "--parse", file)
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("nix-instantiate --parse %s: %w: %s", file, err, strings.TrimSpace(stderr.String()))
	}
	return nil
}

// ParseAll parses every .nix file under root and reports every failure.
func (t Tool) ParseAll(ctx context.Context, root string) error {
	files, err := NixFiles(root)
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return fmt.Errorf("no .nix files under %s", root)
	}
	var errs []error
	for _, f := range files {
		errs = append(errs, t.Parse(ctx, f))
	}
	return errors.Join(errs...)
}
