// Package deb extracts named files from Debian binary packages (.deb) in pure Go.
//
// A .deb is an ar(1) archive holding debian-binary, control.tar.* and data.tar.*; the
// payload is read from data.tar, which may be uncompressed or compressed with xz, zstd
// or gzip. Nothing is written to disk and no external tool is run, so extraction is the
// same on every host.
package deb
