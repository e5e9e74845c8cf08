package pipeline

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"manx/catalog"
	"manx/image/bootcount"
	"manx/image/disk"
	"manx/image/rootfs"
	"manx/image/verity"
	"manx/internal/buildenv"
	"manx/internal/esp"
	"manx/internal/gpt"
	"manx/internal/logx"
	"manx/internal/stage"
	"manx/internal/toolchain"
	"manx/uki"
)

// Image layout: the ESP holds systemd-boot and up to three UKIs (the
// running one, an update, one being replaced); each A/B slot holds a root
// with room to grow and its hash tree.
const (
	imageESPSize    = 64 << 20
	imageSlotMin    = 64 << 20
	imageVeritySize = 4 << 20
	// ImageVersion is the image's version (.osrel IMAGE_VERSION, the UKI's
	// entry name manx_<version>): updates count up from it.
	ImageVersion = 1
	// ImageTries is the boot counter a new entry starts with.
	ImageTries = 3
	// ImageLoaderConf is systemd-boot's configuration: no menu, no
	// command-line editor (a signed UKI's command line is fixed anyway).
	ImageLoaderConf = "timeout 0\neditor no\n"
	// ImageTamperOffset is the byte of root A the tampered disk flips:
	// the erofs superblock's magic, in data block 0.
	ImageTamperOffset = 1024
)

// ImageEntry is the ESP path of the UKI of an image version with tries
// boot attempts left.
func ImageEntry(version, tries int) string {
	return "EFI/Linux/" + bootcount.New(fmt.Sprintf("manx_%d", version), tries).String()
}

// image builds the image-based OS (catalog.ImageDisk): the initramfs's
// userland as an erofs root (mkfs.erofs in the toolchain), its dm-verity
// hash device, a db-signed UKI whose command line opens the verity root
// (no initrd), db-signed systemd-boot, and the GPT disk holding them.
func (p *Pipeline) image(ctx context.Context) error {
	if err := p.Build(ctx, catalog.GroupKernel, catalog.GroupInitramfs); err != nil {
		return err
	}
	st, err := p.Stamp(ctx, catalog.GroupImage)
	if err != nil {
		return err
	}
	tc, err := p.Toolchain()
	if err != nil {
		return err
	}
	if _, err := toolchain.AsNix(tc); err == nil {
		return fmt.Errorf("the image group runs mkfs.erofs in the debian or host toolchain; the nix toolchain does not build it yet (MANX_TOOLCHAIN=debian)")
	}
	kb, err := p.read(catalog.Kernel)
	if err != nil {
		return err
	}
	ib, err := p.read(catalog.Initramfs)
	if err != nil {
		return err
	}
	start := time.Now()
	root, err := p.imageRoot(ctx, st, tc, ib)
	if err != nil {
		return err
	}
	seed, err := verity.ContentSeed(bytes.NewReader(root))
	if err != nil {
		return err
	}
	tree, err := verity.Format(bytes.NewReader(root), int64(len(root)), seed.Params())
	if err != nil {
		return fmt.Errorf("%s: %w", catalog.ImageRoot.Path, err)
	}
	p.Log.Info("Root file system", "bytes", len(root), "verity_root_hash", fmt.Sprintf("%x", tree.RootHash))

	signedUKI, err := p.imageUKI(ctx, kb, tree, ImageVersion)
	if err != nil {
		return err
	}
	boot, err := p.systemdBoot(ctx)
	if err != nil {
		return err
	}
	signedBoot, err := p.signDB(boot, catalog.ImageBoot.Name)
	if err != nil {
		return err
	}
	espVol, err := esp.Build(map[string][]byte{
		"EFI/BOOT/BOOTX64.EFI":               signedBoot,
		ImageEntry(ImageVersion, ImageTries): signedUKI,
		"loader/loader.conf":                 []byte(ImageLoaderConf),
	}, st.Epoch, esp.Options{Superfloppy: true, Size: imageESPSize, HiddenSectors: 1 << 20 / gpt.SectorSize})
	if err != nil {
		return err
	}
	img, tab, err := disk.Build(disk.Spec{
		ESP: espVol, A: &disk.Slot{Root: root, Hash: tree.Device, RootHash: tree.RootHash},
		SlotSize: max(imageSlotMin, roundMiB(2*int64(len(root)))), VeritySize: imageVeritySize,
		RootType: gpt.TypeRootX86_64, VerityType: gpt.TypeRootX86_64Verity,
	})
	if err != nil {
		return err
	}
	tampered := bytes.Clone(img)
	tampered[int64(tab.Partitions[1].FirstLBA)*gpt.SectorSize+ImageTamperOffset] ^= 0x01
	if err := p.write(
		output{catalog.ImageRoot, root}, output{catalog.ImageRootVerity, tree.Device},
		output{catalog.ImageUKI, signedUKI}, output{catalog.ImageBoot, signedBoot},
		output{catalog.ImageDisk, img}, output{catalog.ImageDiskTampered, tampered},
	); err != nil {
		return err
	}
	p.Log.Info("Built the disk image", "elapsed", time.Since(start).Round(time.Second), "bytes", len(img))
	return nil
}

// imageRoot returns the erofs root made from the initramfs ib, cached by
// the group's inputs, the initramfs and the toolchain. Only this step is
// cached: the signing after it runs on every build, so the signature log
// always holds the image's signatures.
func (p *Pipeline) imageRoot(ctx context.Context, st buildenv.Stamp, tc toolchain.Backend, ib []byte) ([]byte, error) {
	k, err := p.inputsKey(ctx, catalog.GroupImage, "image-root", st)
	if err != nil {
		return nil, err
	}
	key := k.Bytes("initramfs", ib).String("toolchain", tc.ID()).Sum()
	work := filepath.Join(p.Env.BuildDir, "work", "image")
	if stage.Fresh(work, key, "root.erofs") {
		return os.ReadFile(filepath.Join(work, "root.erofs"))
	}
	if err := os.RemoveAll(work); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(work, 0o755); err != nil {
		return nil, err
	}
	n, err := rootfs.Tree(bytes.NewReader(ib), filepath.Join(work, "tree"))
	if err != nil {
		return nil, err
	}
	log, err := logx.OpenStage(p.Log, p.Env.LogDir, "image-root", 30*time.Second)
	if err != nil {
		return nil, err
	}
	defer log.Close()
	path, err := rootfs.Erofs(ctx, tc, work, rootfs.TreeUUID(ib), st.Epoch, log)
	if err != nil {
		return nil, fmt.Errorf("%w\n--- %s (last lines) ---\n%s", err, log.Path, log.Tail(30))
	}
	root, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if err := os.RemoveAll(filepath.Join(work, "tree")); err != nil {
		return nil, err
	}
	if err := stage.Done(work, key); err != nil {
		return nil, err
	}
	p.Log.Info("Built the erofs root", "entries", n, "bytes", len(root))
	return root, nil
}

// imageUKI is the db-signed UKI of an image version: the kernel, no
// initrd, and a command line that opens the verity root.
func (p *Pipeline) imageUKI(ctx context.Context, kernel []byte, tree verity.Tree, version int) ([]byte, error) {
	vc, err := disk.VerityCmdline(tree.Superblock, tree.RootHash)
	if err != nil {
		return nil, err
	}
	prof, err := p.ukiProfile(ctx, catalog.GroupImage, uki.Cmdline+" "+vc)
	if err != nil {
		return nil, err
	}
	prof.ImageVersion = fmt.Sprint(version)
	unsigned, err := prof.Assemble(kernel, nil)
	if err != nil {
		return nil, err
	}
	return p.signDB(unsigned, catalog.ImageUKI.Name)
}

// systemdBoot returns systemd-boot from the pinned systemd-boot-efi
// package.
func (p *Pipeline) systemdBoot(ctx context.Context) ([]byte, error) {
	pin, err := p.Pins.Get(uki.StubPin)
	if err != nil {
		return nil, err
	}
	path, err := p.Fetch.Get(ctx, pin)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := uki.FromDeb(f, uki.BootPath)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return b, nil
}

func roundMiB(n int64) int64 { return (n + 1<<20 - 1) &^ (1<<20 - 1) }
