// Package osserver serves a directory of OS packages (build/ospkg/: NAME.json
// and NAME.zip) over HTTP on the host's loopback for the lifetime of a VM,
// with fault injection for stboot's boot checks: per-path status codes for
// the first N requests, delays, truncated and altered bodies, and "down"
// (listener closed, connections refused). Every request is logged (method,
// path, status, bytes, fault) for the checks to assert on.
//
// # Reaching it from a QEMU guest
//
// With QEMU user-mode networking (-netdev user, slirp), guest connections to
// 10.0.2.2 (the gateway) are made by QEMU to the host's 127.0.0.1, so a
// server on 127.0.0.1:PORT is http://10.0.2.2:PORT/ to the guest (GuestURL);
// this does not work with -netdev user,restrict=on. Start picks a free port
// (127.0.0.1:0) and the caller passes Port to whatever writes the guest's
// stboot host.json. Because host.json sits in the initramfs (inside the
// signed UKI), a fixed port (StartAddr("127.0.0.1:PORT", …)) keeps that
// initramfs reproducible across runs.
package osserver
