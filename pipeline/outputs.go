package pipeline

import (
	"bytes"
	"os"

	"manx/catalog"
	"manx/internal/stage"
)

// output is an artefact's new contents.
type output struct {
	art  catalog.Artefact
	data []byte
}

// write writes each output whose file differs (so unchanged files keep
// their mtime), in order, stopping at the first error.
func (p *Pipeline) write(outs ...output) error {
	for _, o := range outs {
		path := o.art.In(p.Env.BuildDir)
		if old, err := os.ReadFile(path); err == nil && bytes.Equal(old, o.data) {
			continue
		}
		if err := stage.WriteFileAtomic(path, o.data, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// read returns an artefact's bytes.
func (p *Pipeline) read(a catalog.Artefact) ([]byte, error) {
	return os.ReadFile(a.In(p.Env.BuildDir))
}
