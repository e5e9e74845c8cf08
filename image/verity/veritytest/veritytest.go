// Package veritytest makes dm-verity trees for tests of the packages that
// lay them out (manx/image/disk, manx/image/install, manx/image/update).
package veritytest

import (
	"bytes"
	"testing"

	"manx/image/verity"
)

// Tree formats root (a multiple of 4 KiB) with the salt and UUID derived
// from its content, as the image build does.
func Tree(tb testing.TB, root []byte) (verity.Tree, verity.Params) {
	tb.Helper()
	seed, err := verity.ContentSeed(bytes.NewReader(root))
	if err != nil {
		tb.Fatal(err)
	}
	p := seed.Params()
	tree, err := verity.Format(bytes.NewReader(root), int64(len(root)), p)
	if err != nil {
		tb.Fatal(err)
	}
	return tree, p
}
