package pipeline

import (
	"bytes"
	"context"
	"encoding/pem"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"manx/catalog"
	"manx/image/bootcount"
	"manx/image/disk"
	"manx/image/rootfs"
	"manx/image/update"
	"manx/image/verity"
	"manx/internal/buildenv"
	"manx/internal/esp"
	"manx/internal/gpt"
	"manx/internal/logx"
	"manx/internal/stage"
	"manx/internal/toolchain"
	"manx/ospkg"
	"manx/sign"
	"manx/uki"
)

// Image layout: the ESP holds systemd-boot and up to three UKIs (the
// running one, an update, one being replaced); each A/B slot holds a root
// with room to grow and its hash tree.
const (
	imageESPSize    = 64 << 20
	imageSlotMin    = 64 << 20
	imageVeritySize = 4 << 20
	// ImageVersion is the disk's image version (.osrel IMAGE_VERSION, the
	// UKI's entry name manx_<version>, /etc/manx/image-version, the update
	// descriptors' pkg_version). ImageUpdateVersion is the update's, and
	// ImageOldVersion the older release a rollback offers.
	ImageVersion       = 2
	ImageUpdateVersion = 3
	ImageOldVersion    = 1
	// ImageTries is the boot counter a new entry starts with.
	ImageTries = 3
	// ImageLoaderConf is systemd-boot's configuration: no menu, no
	// command-line editor (a signed UKI's command line is fixed anyway).
	ImageLoaderConf = "timeout 0\neditor no\n"
	// ImageTamperOffset is the byte of root A the tampered disk flips:
	// the erofs superblock's magic, in data block 0.
	ImageTamperOffset = 1024
	// ImageBadInit is the init the bad update's UKI names: it does not
	// exist, so that version never reaches ready.
	ImageBadInit = "/bin/manx-no-such-init"
	// Files the image's root adds to the initramfs's.
	imageVersionFile = "etc/manx/image-version"
	imageRootsFile   = "etc/manx/update/roots.pem"
)

// ImageEntry is the ESP path of the UKI of an image version with tries
// boot attempts left.
func ImageEntry(version, tries int) string {
	return "EFI/Linux/" + bootcount.New(fmt.Sprintf("manx_%d", version), tries).String()
}

// imageSlot is one image version: its root, hash tree and signed UKI.
type imageSlot struct {
	version int
	root    []byte
	tree    verity.Tree
	uki     []byte
}

// image builds the image-based OS (catalog.ImageDisk): the initramfs's
// userland as an erofs root (mkfs.erofs in the toolchain), its dm-verity
// hash device, a db-signed UKI whose command line opens the verity root
// (no initrd), db-signed systemd-boot, and the GPT disk holding them; and
// the update fixtures: the next version's signed bundle, the same version
// with a UKI that never reaches ready, and an older version.
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
	ks, err := p.Keys()
	if err != nil {
		return err
	}
	start := time.Now()
	roots := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ks.StbootRoot.Certificate().Raw})
	slot := func(version int, extraCmdline string) (imageSlot, error) {
		return p.imageSlot(ctx, st, tc, version, roots, extraCmdline)
	}
	a, err := slot(ImageVersion, "")
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
		ImageEntry(ImageVersion, ImageTries): a.uki,
		"loader/loader.conf":                 []byte(ImageLoaderConf),
	}, st.Epoch, esp.Options{Superfloppy: true, Size: imageESPSize, HiddenSectors: 1 << 20 / gpt.SectorSize})
	if err != nil {
		return err
	}
	img, tab, err := disk.Build(disk.Spec{
		ESP: espVol, A: &disk.Slot{Root: a.root, Hash: a.tree.Device, RootHash: a.tree.RootHash},
		SlotSize: max(imageSlotMin, roundMiB(2*int64(len(a.root)))), VeritySize: imageVeritySize,
		RootType: gpt.TypeRootX86_64, VerityType: gpt.TypeRootX86_64Verity,
	})
	if err != nil {
		return err
	}
	tampered := bytes.Clone(img)
	tampered[int64(tab.Partitions[1].FirstLBA)*gpt.SectorSize+ImageTamperOffset] ^= 0x01
	if err := p.write(
		output{catalog.ImageRoot, a.root}, output{catalog.ImageRootVerity, a.tree.Device},
		output{catalog.ImageUKI, a.uki}, output{catalog.ImageBoot, signedBoot},
		output{catalog.ImageDisk, img}, output{catalog.ImageDiskTampered, tampered},
	); err != nil {
		return err
	}

	next, err := slot(ImageUpdateVersion, "")
	if err != nil {
		return err
	}
	bad, err := slot(ImageUpdateVersion, "init="+ImageBadInit)
	if err != nil {
		return err
	}
	old, err := slot(ImageOldVersion, "")
	if err != nil {
		return err
	}
	for _, u := range []struct {
		s         imageSlot
		zip, desc catalog.Artefact
	}{
		{next, catalog.ImageUpdate, catalog.ImageUpdateDescriptor},
		{bad, catalog.ImageUpdateBad, catalog.ImageUpdateBadDescriptor},
		{old, catalog.ImageUpdateOld, catalog.ImageUpdateOldDescriptor},
	} {
		outs, err := imageUpdate(u.s, st, u.zip, u.desc, ks.StbootSigner)
		if err != nil {
			return err
		}
		if err := p.write(outs...); err != nil {
			return err
		}
	}
	p.Log.Info("Built the disk image and its updates", "elapsed", time.Since(start).Round(time.Second), "bytes", len(img),
		"verity_root_hash", fmt.Sprintf("%x", a.tree.RootHash))
	return nil
}

// imageSlot makes image version v: the root (initramfs userland plus the
// version file and the update roots), its tree, and its db-signed UKI,
// whose command line ends with extraCmdline.
func (p *Pipeline) imageSlot(ctx context.Context, st buildenv.Stamp, tc toolchain.Backend, v int, roots []byte, extraCmdline string) (imageSlot, error) {
	root, err := p.imageRoot(ctx, st, tc, v, roots)
	if err != nil {
		return imageSlot{}, err
	}
	seed, err := verity.ContentSeed(bytes.NewReader(root))
	if err != nil {
		return imageSlot{}, err
	}
	tree, err := verity.Format(bytes.NewReader(root), int64(len(root)), seed.Params())
	if err != nil {
		return imageSlot{}, fmt.Errorf("image version %d: %w", v, err)
	}
	vc, err := disk.VerityCmdline(tree.Superblock, tree.RootHash)
	if err != nil {
		return imageSlot{}, err
	}
	cmdline := strings.TrimSpace(uki.Cmdline + " " + vc + " " + extraCmdline)
	prof, err := p.ukiProfile(ctx, catalog.GroupImage, cmdline)
	if err != nil {
		return imageSlot{}, err
	}
	prof.ImageVersion = fmt.Sprint(v)
	kb, err := p.read(catalog.Kernel)
	if err != nil {
		return imageSlot{}, err
	}
	unsigned, err := prof.Assemble(kb, nil)
	if err != nil {
		return imageSlot{}, err
	}
	signed, err := p.signDB(unsigned, fmt.Sprintf("the image UKI of version %d", v))
	if err != nil {
		return imageSlot{}, err
	}
	return imageSlot{version: v, root: root, tree: tree, uki: signed}, nil
}

// imageUpdate packs s as an update bundle and signs it with signer
// (pkg_version = the image version).
func imageUpdate(s imageSlot, st buildenv.Stamp, zipArt, descArt catalog.Artefact, signer sign.Signer) ([]output, error) {
	var zip bytes.Buffer
	if err := update.Pack(&zip, update.Bundle{
		ImageVersion: uint64(s.version), Root: s.root, Verity: s.tree.Device, RootHash: s.tree.RootHash, UKI: s.uki,
	}, st.Epoch); err != nil {
		return nil, fmt.Errorf("%s: %w", zipArt.Path, err)
	}
	rel := ospkg.Release{Label: fmt.Sprintf("Manx image %d (%s)", s.version, st.Version), Version: uint64(s.version)}
	d, err := descriptor(zip.Bytes(), descArt, rel, signer)
	if err != nil {
		return nil, err
	}
	return []output{{zipArt, zip.Bytes()}, d}, nil
}

// imageRoot returns the erofs root of image version v made from the built
// initramfs plus the version file and the update trust roots, cached by
// the group's inputs, the initramfs, the roots and the toolchain. Only
// this step is cached: the signing after it runs on every build, so the
// signature log always holds the image's signatures.
func (p *Pipeline) imageRoot(ctx context.Context, st buildenv.Stamp, tc toolchain.Backend, v int, roots []byte) ([]byte, error) {
	ib, err := p.read(catalog.Initramfs)
	if err != nil {
		return nil, err
	}
	k, err := p.inputsKey(ctx, catalog.GroupImage, "image-root", st)
	if err != nil {
		return nil, err
	}
	key := k.Bytes("initramfs", ib).Bytes("roots", roots).String("version", fmt.Sprint(v)).String("toolchain", tc.ID()).Sum()
	work := filepath.Join(p.Env.BuildDir, "work", fmt.Sprintf("image-root-%d", v))
	if stage.Fresh(work, key, "root.erofs") {
		return os.ReadFile(filepath.Join(work, "root.erofs"))
	}
	if err := os.RemoveAll(work); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(work, 0o755); err != nil {
		return nil, err
	}
	tree := filepath.Join(work, "tree")
	n, err := rootfs.Tree(bytes.NewReader(ib), tree)
	if err != nil {
		return nil, err
	}
	for name, data := range map[string][]byte{imageVersionFile: fmt.Appendf(nil, "%d\n", v), imageRootsFile: roots} {
		if err := rootfs.AddFile(tree, name, data, 0o644); err != nil {
			return nil, err
		}
	}
	// The root is read-only: what the DHCP client writes lives in /run.
	if err := rootfs.AddSymlink(tree, "etc/resolv.conf", "../run/resolv.conf"); err != nil {
		return nil, err
	}
	log, err := logx.OpenStage(p.Log, p.Env.LogDir, fmt.Sprintf("image-root-%d", v), 30*time.Second)
	if err != nil {
		return nil, err
	}
	defer log.Close()
	uuidSrc := append(bytes.Clone(ib), fmt.Appendf(roots, "%d", v)...)
	path, err := rootfs.Erofs(ctx, tc, work, rootfs.TreeUUID(uuidSrc), st.Epoch, log)
	if err != nil {
		return nil, fmt.Errorf("%w\n--- %s (last lines) ---\n%s", err, log.Path, log.Tail(30))
	}
	root, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if err := os.RemoveAll(tree); err != nil {
		return nil, err
	}
	if err := stage.Done(work, key); err != nil {
		return nil, err
	}
	p.Log.Info("Built an erofs root", "image_version", v, "entries", n+3, "bytes", len(root))
	return root, nil
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
