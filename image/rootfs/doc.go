// Package rootfs makes the image-based OS's root file system: the Manx
// userland of the initramfs (the same Go init and u-root commands) as a
// read-only erofs image.
//
// Tree unpacks the initramfs into a directory, leaving out what only an
// initramfs needs: device nodes (a disk root gets /dev from the kernel's
// devtmpfs, CONFIG_DEVTMPFS_MOUNT). Erofs runs mkfs.erofs in the build
// toolchain with every timestamp set to the epoch, every owner root, no
// extended attributes and a UUID derived from the tree, so the same
// initramfs always gives the same image. erofs rather than squashfs: the
// kernel reads it without a decompressor (Manx does not compress it, and
// dm-verity covers it block for block), its images are 4 KiB-aligned, as
// dm-verity's data blocks are, and mkfs.erofs has the -T/-U/--all-root
// switches that make it reproducible.
package rootfs
