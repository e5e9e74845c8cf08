# The OVMF variants, as firmware/edk2/variant.go defines them (Name, DSC,
# OutDir, Defines, Outputs). internal/nixcheck compares the two lists, so a
# change on one side without the other fails `go test ./...`.
[
  {
    name = "ovmf-pflash";
    dsc = "OvmfPkg/OvmfPkgX64.dsc";
    outDir = "Build/OvmfX64";
    defines = [ "SECURE_BOOT_ENABLE=TRUE" "TPM2_ENABLE=TRUE" "SMM_REQUIRE=TRUE" ];
    outputs = [ "OVMF_CODE.fd" "OVMF_VARS.fd" ];
  }
  {
    name = "ovmf-pvvars";
    dsc = "OvmfPkg/OvmfPkgX64.dsc";
    outDir = "Build/OvmfX64";
    defines = [ "SECURE_BOOT_ENABLE=TRUE" "TPM2_ENABLE=TRUE" "QEMU_PV_VARS=TRUE" ];
    outputs = [ "OVMF.fd" ];
  }
  {
    name = "ovmf-amdsev";
    dsc = "OvmfPkg/AmdSev/AmdSevX64.dsc";
    outDir = "Build/AmdSev";
    defines = [ ];
    outputs = [ "OVMF.fd" ];
  }
]
