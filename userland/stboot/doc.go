// Package stboot is Manx's network boot loader: it reads the host
// configuration from the initramfs, brings up the network, downloads an OS
// package (ospkg: NAME.json descriptor, then the NAME.zip it points to),
// verifies it against the trust root and signature threshold, writes the
// kernel and initramfs to tmpfs and kexecs them with kexec_file_load(2).
//
// # Console
//
// Run prints these lines (exactly) for the host-side boot checks:
//
//	stboot: fetched               after both downloads
//	stboot: verified              after ospkg.Verify accepted the package
//	stboot: kexec                 right before the kexec reboot
//	stboot: FAIL <step>: <reason> on any failure, one line; Run then returns an *Error
//	stboot: reboot in 5s (on_failure)  then, from cmd/stboot: it fails closed
//
// where <step> is config, network, fetch, descriptor, verify, rollback,
// extract, load or kexec. Informational lines ("stboot: network …") and one
// line per retry ("stboot: retry 1 for GET <url>: HTTP 503") appear in
// between; after "stboot: verified" comes the verified statement:
//
//	stboot: OS package "Manx v1.2.3" pkg_version 1763900000, not_after none: kernel … bytes, initramfs … bytes, cmdline "…"
//
// Nothing is kexec'd unless "stboot: verified" was printed, and everything
// runs under the configured total deadline. Refusals of the OS package
// itself read, for example:
//
//	stboot: FAIL descriptor: <url>: ospkg: descriptor format version 1 (a signed hash: no package version or expiry) is no longer accepted; re-sign it as version 2
//	stboot: FAIL verify: ospkg: 0 valid signature(s), threshold 1; signature 0: signer "CN=…": Ed25519 signature does not verify over the statement (label=… os_pkg_sha256=… pkg_version=… not_after=…)
//	stboot: FAIL verify: ospkg: package expired at 2026-11-22T12:00:00Z (now 2026-12-04T19:00:00Z)
//	stboot: FAIL verify: ospkg: zip sha256 … does not match the signed digest … (N bytes received)
//	stboot: FAIL rollback: version 3 < 5 already booted
//
// # Rollback and expiry
//
// The descriptor's signatures cover a statement (package ospkg): the zip's
// SHA-256, the label, a pkg_version that grows with every release and an
// optional not_after. stboot checks not_after against the clock (Options.Now;
// cmd/stboot uses the RTC). With a VersionStore (Options.Versions) it
// refuses a pkg_version below the highest it has booted ("stboot: FAIL
// rollback: version 3 < 5 already booted"; an equal version boots) and
// records the version right before the kexec; a store it cannot read or
// write is a refusal too.
//
// cmd/stboot keeps the state in a TPM NV index that it write-locks before
// the kexec (package manx/tpm/nvversion), so the booted OS cannot lower it.
// A UEFI variable the OS can write is not authenticated, and an
// authenticated (time-based) variable would need its update key inside this
// initramfs, which is public. Without a TPM (no /dev/tpmrm0) there is no
// state and any validly signed, unexpired version boots; a TPM that is there
// but cannot be opened is a refusal. MemVersionStore is the in-memory store
// the tests use.
//
// # Host configuration
//
// /etc/manx/stboot/host.json (HostConfig; absent fields take the defaults
// shown, unknown fields are an error):
//
//	{
//	  "version": 1,
//	  "descriptor_url": "http://10.0.2.2:8080/manx.json",
//	  "trust_root": "/etc/manx/stboot/root.pem",
//	  "signature_threshold": 1,
//	  "request_timeout": "30s",
//	  "deadline": "5m0s",
//	  "retry_max": 5,
//	  "retry_wait_min": "500ms",
//	  "retry_wait_max": "5s",
//	  "size_cap": 536870912,
//	  "interface": "eth0",
//	  "network_mode": "dhcp",
//	  "dhcp_timeout": "15s",
//	  "address": "10.0.2.15/24",
//	  "gateway": "10.0.2.2",
//	  "on_failure": "reboot",
//	  "failure_delay": "5s"
//	}
//
// descriptor_url is required. The descriptor's os_pkg_url may be relative
// to it.
//
// A signature counts towards signature_threshold only if its certificate is
// issued directly by a certificate in trust_root, is not a CA, has the
// digitalSignature key usage and carries a key no other counted signature
// used; a root never signs packages itself (ospkg.Verify). One root's key
// holder can issue any number of signers, so with a single root the
// threshold counts signer keys, not parties. The optional
// "distinct_roots": true (default false, and omitted when false) counts each
// root once: with N roots in trust_root and signature_threshold N, N
// different root holders must have issued the signers. stboot then refuses
// a trust_root with fewer than signature_threshold distinct roots.
//
// # Failing closed
//
// After any failure stboot does what on_failure says, "reboot" (try again
// from the firmware) or "poweroff", once the refusal has been on the
// console for failure_delay (0 to 1 minute); never a prompt. The stboot
// initramfs holds init and stboot only (no shell, no kexec tool, no u-root
// tools), and init powers off if stboot exits all the same. A host config
// that cannot be read gets the defaults: reboot after 5 seconds.
//
// # Network
//
// network_mode "dhcp" (the default) runs DHCPv4 with u-root's pkg/dhclient
// on the interface; QEMU's user-mode network (slirp) answers with
// 10.0.2.15/24, gateway 10.0.2.2. If DHCP fails within dhcp_timeout (for
// example a kernel without CONFIG_PACKET) and an address is configured,
// stboot sets the static address and gateway instead; the defaults are the
// slirp ones, so the fallback works in QEMU. "static" skips DHCP; "none"
// leaves the network to someone else. Under slirp, 10.0.2.2 reaches the
// host's loopback, where deploy/osserver listens.
//
// # Downloads
//
// github.com/hashicorp/go-retryablehttp with the injected *slog.Logger as
// its LeveledLogger: at most retry_max retries per file on connection
// errors, timeouts, truncated bodies, 408, 429 and 5xx (not 501), with
// backoff retry_wait_min·2^n capped at retry_wait_max (Retry-After is
// ignored so a server cannot stretch it); request_timeout per attempt
// including the body; size_cap per file (the descriptor also at most
// ospkg.MaxDescriptorSize). Plain HTTP is fine: authenticity comes from
// the signatures, not the transport.
package stboot
