# OVMF build step (runs in the toolchain, always at the fixed path
# /manx/work/edk2 inside the container: GenFw records the module path length).
# In:  $MANX_DL/$MANX_TARBALL, $MANX_DSC, $MANX_OUTDIR, $MANX_DEFINES, $MANX_THREADS
# Out: $MANX_WORK/out/*.fd
# Every run starts from a fresh tree: a stage only runs when its inputs
# changed, and a cold build is the one the published hashes describe.
src="$MANX_WORK/edk2"
echo "manx: extracting $MANX_TARBALL"
rm -rf "$src"
mkdir -p "$src"
tar -xf "$MANX_DL/$MANX_TARBALL" -C "$src" --strip-components=1
cd "$src"
# Debian's repack ships BaseTools' brotli submodule empty: OVMF compresses
# with LZMA, so BaseTools is built without BrotliCompress. (CRLF file.)
sed -i '/^  BrotliCompress \\\r\?$/d' BaseTools/Source/C/GNUmakefile
if grep -q BrotliCompress BaseTools/Source/C/GNUmakefile; then
  echo "manx: could not drop BrotliCompress from BaseTools/Source/C/GNUmakefile" >&2
  exit 1
fi
# edk2#11128: the size of PcdEntryPointOverrideDefaultValue depends on the
# build order (IScsiDxe overrides "yes" with "no"); fix it at the DEC size.
for dsc in OvmfPkg/OvmfPkgX64.dsc OvmfPkg/AmdSev/AmdSevX64.dsc; do
  sed -i '0,/^\[PcdsFixedAtBuild\]/s//[PcdsFixedAtBuild]\n  gUefiOvmfPkgTokenSpaceGuid.PcdEntryPointOverrideDefaultValue|"yes"|VOID*|4/' "$dsc"
done
# AmdSevX64 embeds a GRUB (built by a PREBUILD script with the host's
# grub-mkimage) for SEV disk-unlock flows. Measured direct boot
# (-kernel/-initrd/-append with kernel hashes) does not use it, and a
# host-tool-built GRUB would make the image depend on the toolchain's grub:
# drop it.
sed -i '/PREBUILD *= *sh OvmfPkg\/AmdSev\/Grub\/grub.sh/d; /OvmfPkg\/AmdSev\/Grub\/Grub.inf/d' \
  OvmfPkg/AmdSev/AmdSevX64.dsc OvmfPkg/AmdSev/AmdSevX64.fdf
export PYTHON_COMMAND=python3 PYTHONHASHSEED=0
unset WORKSPACE EDK_TOOLS_PATH CONF_PATH PACKAGES_PATH
echo "manx: building BaseTools"
make -C BaseTools -j"$MANX_THREADS"
set --
set +u # edksetup.sh reads unset variables
. ./edksetup.sh
set -u
# build writes random stack cookies when these files are missing; fixed values
# (derived from a public seed) keep the image reproducible.
bdir="$MANX_OUTDIR/RELEASE_GCC5"
rm -rf "$MANX_OUTDIR"
mkdir -p "$bdir"
python3 - "$bdir" <<'PY'
import hashlib, json, os, sys
for bits in (32, 64):
    vals = [int.from_bytes(hashlib.sha256(b"manx-edk2-stack-cookie-%d-%d" % (bits, i)).digest()[:bits // 8], "little") for i in range(100)]
    with open(os.path.join(sys.argv[1], "StackCookieValues%d.json" % bits), "w") as f:
        json.dump(vals, f)
PY
# shellcheck disable=SC2086
build -a X64 -t GCC5 -b RELEASE -p "$MANX_DSC" -n "$MANX_THREADS" $MANX_DEFINES
rm -rf "$MANX_WORK/out"
mkdir -p "$MANX_WORK/out"
cp "$bdir"/FV/*.fd "$MANX_WORK/out/"
ls -l "$MANX_WORK/out"
