package pcr

import (
	"fmt"
	"strings"
)

// stubCPIO returns the newc cpio archive systemd-stub 254 generates for a
// UKI section it passes to the kernel as a file (src/boot/efi/cpio.c,
// pack_cpio_literal): a directory entry for dir (mode 0555, inode 1), the
// file dir/name (mode 0444, inode 2) and the trailer; every field is zero
// except inode, mode, nlink 1, size and name size; names end in NUL and
// headers and file data are padded with NULs to 4 bytes. dir must not hold
// a '/' (the stub would add an entry per path component).
func stubCPIO(dir, name string, data []byte) []byte {
	var b []byte
	header := func(inode, mode uint32, size, nameSize int) {
		b = append(b, "070701"...)
		for _, v := range []uint32{inode, mode, 0, 0, 1, 0, uint32(size), 0, 0, 0, 0, uint32(nameSize), 0} {
			b = fmt.Appendf(b, "%08x", v)
		}
	}
	pad := func() {
		for len(b)%4 != 0 {
			b = append(b, 0)
		}
	}
	header(1, 0o040000|0o555, 0, len(dir)+1)
	b = append(b, dir...)
	b = append(b, 0)
	pad()
	path := dir + "/" + name
	header(2, 0o100000|0o444, len(data), len(path)+1)
	b = append(b, path...)
	b = append(b, 0)
	pad()
	b = append(b, data...)
	pad()
	// The trailer as the stub writes it: nlink 1, name size 0xB in upper
	// case, "TRAILER!!!" and four NULs.
	b = append(b, "070701"+strings.Repeat("00000000", 4)+"00000001"+strings.Repeat("00000000", 6)+"0000000B"+"00000000"...)
	b = append(b, "TRAILER!!!\x00\x00\x00\x00"...)
	return b
}

// stubInitrd returns the initrd systemd-stub 254 hands to the kernel for a
// UKI with the given .initrd, .pcrsig and .pcrpkey section data (run() and
// combine_initrd in src/boot/efi/stub.c): without .pcrsig and .pcrpkey, the
// .initrd section itself; with them, .initrd zero-padded to 4 bytes
// followed by the cpio archive of /.extra/tpm2-pcr-signature.json and then
// that of /.extra/tpm2-pcr-public-key.pem. Credentials and system
// extensions on the ESP would add archives before them; Manx's ESP has
// none.
func stubInitrd(initrd, pcrsig, pcrpkey []byte) []byte {
	var cpios [][]byte
	if len(pcrsig) > 0 {
		cpios = append(cpios, stubCPIO(".extra", "tpm2-pcr-signature.json", pcrsig))
	}
	if len(pcrpkey) > 0 {
		cpios = append(cpios, stubCPIO(".extra", "tpm2-pcr-public-key.pem", pcrpkey))
	}
	if len(cpios) == 0 {
		return initrd
	}
	out := append([]byte(nil), initrd...)
	for len(out)%4 != 0 {
		out = append(out, 0)
	}
	for _, c := range cpios {
		out = append(out, c...)
	}
	return out
}
