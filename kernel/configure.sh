# Kernel configure step (runs in the toolchain; see toolchain.Step).
# In:  $MANX_DL/$MANX_TARBALL, $MANX_WORK/fragments/*.fragment,
#      $MANX_WORK/kexec.pem (the kexec certificate: CONFIG_SYSTEM_TRUSTED_KEYS)
# Out: $MANX_WORK/linux (configured tree), $MANX_WORK/out/config
src="$MANX_WORK/linux"
if [ "$(cat "$MANX_WORK/.extracted" 2>/dev/null)" != "$MANX_TARBALL" ]; then
  echo "manx: extracting $MANX_TARBALL"
  rm -rf "$src" "$MANX_WORK/.extracted"
  mkdir -p "$src"
  tar -xf "$MANX_DL/$MANX_TARBALL" -C "$src" --strip-components=1
  echo "$MANX_TARBALL" > "$MANX_WORK/.extracted"
fi
cd "$src"
cp "$MANX_WORK/kexec.pem" certs/manx-kexec.pem
rm -f .config  # not mrproper: the DFSG-pruned tree lacks some Makefiles it visits
make -s tinyconfig
scripts/kconfig/merge_config.sh -m .config "$MANX_WORK"/fragments/*.fragment
make -s olddefconfig
mkdir -p "$MANX_WORK/out"
cp .config "$MANX_WORK/out/config"
