# Kernel build step (runs in the toolchain after the configuration check).
# Out: $MANX_WORK/out/bzImage
cd "$MANX_WORK/linux"
export KBUILD_BUILD_TIMESTAMP="$(date -u -d "@$SOURCE_DATE_EPOCH" '+%a %b %e %H:%M:%S UTC %Y')"
export KBUILD_BUILD_USER=manx KBUILD_BUILD_HOST=manx KBUILD_BUILD_VERSION=1
make -j"$(nproc)" bzImage
cp arch/x86/boot/bzImage "$MANX_WORK/out/bzImage"
