// Package testutil is what Manx's tests share: golden files with -update
// (Golden), throw-away keys and certificates (certs.go), a logger that
// writes to the test log (Logger), and the build environment of tests that
// check built artefacts (BuildEnv). It is imported by _test.go files only.
package testutil
