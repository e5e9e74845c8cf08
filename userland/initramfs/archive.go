package initramfs

import (
	"compress/gzip"
	"fmt"
	"io"

	"github.com/u-root/mkuimage/cpio"
	"github.com/u-root/mkuimage/uimage/initramfs"
)

// collector is a mkuimage output that keeps the records in memory instead
// of writing an archive, so Manx can normalise them first.
type collector struct {
	entries []entry
}

var _ initramfs.WriteOpener = (*collector)(nil)

func (c *collector) OpenWriter() (initramfs.Writer, error) { return collectorWriter{c}, nil }

type collectorWriter struct{ c *collector }

func (w collectorWriter) WriteRecord(r cpio.Record) error {
	e, err := readRecord(r)
	if err != nil {
		return err
	}
	w.c.entries = append(w.c.entries, e)
	return nil
}

func (w collectorWriter) Finish() error { return nil }

// writeCPIO writes entries, in order, as a newc archive with its trailer.
func writeCPIO(w io.Writer, entries []entry) error {
	cw := cpio.Newc.Writer(w)
	for _, e := range entries {
		if err := cw.WriteRecord(e.record()); err != nil {
			return fmt.Errorf("writing %s: %w", e.info.Name, err)
		}
	}
	if err := cpio.WriteTrailer(cw); err != nil {
		return fmt.Errorf("writing cpio trailer: %w", err)
	}
	return nil
}

// writeGzip compresses the archive with fixed settings: best compression
// and a gzip header with no name, no comment, mtime 0 and OS "unknown", so
// the output depends only on the input and the Go version of compress/flate.
func writeGzip(w io.Writer, entries []entry) error {
	zw, err := gzip.NewWriterLevel(w, gzip.BestCompression)
	if err != nil {
		return err
	}
	if err := writeCPIO(zw, entries); err != nil {
		return err
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("compressing: %w", err)
	}
	return nil
}
