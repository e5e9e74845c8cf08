package manifest

import (
	"crypto/sha256"
	"encoding/hex"
)

// golden is the canonical form of sample().
const golden = "testdata/x86_64.golden.json"

// sum is a stand-in sha256: the hash of s.
func sum(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

// sample is a small manifest, deliberately not in canonical order.
func sample() Manifest {
	edk2 := Input{Name: "edk2", SHA256: "926f148812c119a8d89b763ffd343ca99dd37c7b7e61e335ea51ef7db07d8c24"}
	linux := Input{Name: "linux", SHA256: "efc76d3c78a5d65f42724118c437d11db1c9f6309a5f024ee9a8b1978fdc6919"}
	stub := Input{Name: "systemd-boot-efi", SHA256: "aef15d1d12fb9ba9674ed93595ce2659533ae75ab1379b2f960f511b577e8c96"}
	return Manifest{
		Arch:      "x86_64",
		Epoch:     1767225600,
		Version:   "g1632351a2b3c",
		Toolchain: "debian-bookworm-61e81ec8f997e451",
		Go:        "go1.26.8",
		Artefacts: []Entry{
			{Name: "uki", Path: "uki/manx.efi", SHA256: sum("uki"), Size: 31457280, Pins: []Input{stub, linux}, Epoch: 1767200000, Version: "g0000000000a1"},
			{Name: "kernel", Path: "kernel/bzImage", SHA256: sum("kernel"), Size: 2097152, Pins: []Input{linux}, Epoch: 1767100000, Version: "g0000000000a2"},
			{Name: "initramfs", Path: "userland/initramfs.cpio.gz", SHA256: sum("initramfs"), Size: 9437184, Epoch: 1767200000, Version: "g0000000000a1"},
			{Name: "ovmf-pflash-code", Path: "firmware/ovmf-pflash/OVMF_CODE.fd", SHA256: sum("code"), Size: 3653632, Pins: []Input{edk2}, Epoch: 315532800, Version: "g0000000000a3"},
			{Name: "varstore-custom-fd", Path: "varstore/OVMF_VARS_CUSTOM.fd", SHA256: sum("custom"), Size: 4194304,
				Keys:  []Input{{Name: KeyPK, SHA256: sum("pk")}, {Name: KeyDB, SHA256: sum("db")}, {Name: KeyKEK, SHA256: sum("kek")}},
				Epoch: 1767000000, Version: "g0000000000a4"},
		},
	}
}

// canonical is sample() as Read returns it.
func canonical() *Manifest {
	m := Normalize(sample())
	return &m
}

// Key names as the catalogue (manx/catalog) spells them.
const (
	KeyPK  = "pk"
	KeyKEK = "kek"
	KeyDB  = "db"
)
