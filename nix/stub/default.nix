# A stub nixpkgs for evaluating flake.nix without nixpkgs, a store or a
# network (internal/nixcheck). It offers exactly the attributes flake.nix
# uses; every builder returns a plain record of its arguments instead of a
# derivation, so `nix-instantiate --eval --strict --json` can print what the
# flake would build. It checks the few things the real functions would refuse
# at evaluation time (fetchurl needs a URL and a sha256, store names only allow
# [A-Za-z0-9+-._?=]), and nothing else: a package name missing from `tools`
# below fails here, but a name that exists here and not in the pinned
# nixpkgs is only caught by a real `nix flake check`.
let
  validName = name: builtins.match "[A-Za-z0-9+._?=-][A-Za-z0-9+._?=-]*" name != null;

  # Paths become strings: the records are printed, never built, and
  # interpolating a path would copy it into the store.
  plain = v:
    if builtins.isPath v then toString v
    else if builtins.isList v then map plain v
    else if builtins.isAttrs v then builtins.mapAttrs (_: plain) v
    else v;

  record = kind: args:
    let
      name = args.name or "${args.pname}-${args.version}";
    in
    assert validName name || throw "stub ${kind}: invalid store name ${builtins.toJSON name}";
    plain args // {
      stub = kind;
      inherit name;
      outPath = "/stub/out/${name}";
    };

  tool = name: {
    stub = "package";
    inherit name;
    pname = name;
    outPath = "/stub/pkg/${name}";
  };

  tools = builtins.listToAttrs (map (n: { name = n; value = tool n; }) [
    "acpica-tools" "bash" "bc" "binutils" "bison" "coreutils" "cpio" "dosfstools" "elfutils"
    "flex" "gawk" "gcc" "git" "gnumake" "go" "gnused" "gnutar" "libuuid" "mtools" "nasm"
    "openssl" "perl" "pkg-config" "podman" "python3" "qemu" "sbsigntool" "swtpm" "tpm2-tools" "xz" "zstd"
  ]);

  pkgs = tools // {
    stdenv = {
      stub = "stdenv";
      hostPlatform.system = "x86_64-linux";
      mkDerivation = record "mkDerivation";
    };

    fetchurl = args:
      assert builtins.isString (args.url or null) || throw "stub fetchurl: url must be a string";
      assert builtins.isString (args.sha256 or null) || throw "stub fetchurl ${args.url}: sha256 missing";
      assert builtins.match "[0-9a-f]{64}" args.sha256 != null
        || throw "stub fetchurl ${args.url}: sha256 ${args.sha256} is not 64 hex digits";
      record "fetchurl" (args // { name = args.name or (baseNameOf args.url); });

    buildGoModule = record "buildGoModule";

    mkShell = args: record "mkShell" ({ name = "nix-shell"; } // args);

    # callPackage as nixpkgs has it, minus override support: arguments
    # without a default must come from pkgs or from the explicit set.
    callPackage = file: explicit:
      let
        fn = if builtins.isFunction file then file else import file;
        wanted = builtins.functionArgs fn;
        auto = builtins.intersectAttrs wanted pkgs;
        missing = builtins.filter (n: !wanted.${n} && !(auto ? ${n}) && !(explicit ? ${n}))
          (builtins.attrNames wanted);
      in
      assert missing == [ ] || throw "stub callPackage: no package ${builtins.toJSON missing}";
      fn (auto // explicit);
  };

  lib = {
    # The value nixpkgs' lib.fakeHash has.
    fakeHash = "sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";

    fileset = {
      unions = map toString;
      toSource = { root, fileset }: {
        stub = "fileset";
        outPath = toString root;
        root = toString root;
        files = fileset;
      };
    };
  };
in
{
  inherit lib;
  legacyPackages.x86_64-linux = pkgs;
}
