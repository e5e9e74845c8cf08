// Package verity writes dm-verity hash devices in veritysetup's on-disk
// format (superblock version 1, hash type 1, SHA-256): the superblock in
// the first hash block, then the hash tree with its top level first, each
// hash SHA-256(salt || block), each hash block zero-padded. The root hash
// goes on the kernel command line (dm-mod.create=) and covers every data
// block.
//
// The writer is pure Go and deterministic: the salt and the superblock UUID
// are parameters (Derive makes them from the data), so a given filesystem
// image always gets the same hash device and root hash. Its oracle is
// cryptsetup's veritysetup (tests format the same data with the same salt
// and UUID and compare bytes, and veritysetup verify accepts the result).
package verity
