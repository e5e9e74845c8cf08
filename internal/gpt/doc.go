// Package gpt writes and reads GUID Partition Tables (UEFI 2.10 §5.3): the
// protective MBR, the primary and backup headers and partition entry
// arrays with their CRC32s. Everything written is a parameter (disk and
// partition GUIDs, placement, names, attributes), so a table is
// reproducible. It is small and standard-library only: the ESP images of
// the checks, the image-based disk (manx/image/disk) and the guest init
// (which finds the ESP by its partition GUID) all use it.
//
// GUIDs are held as printed (RFC 4122 byte order) and stored on disk in
// the GPT's mixed-endian form.
package gpt
