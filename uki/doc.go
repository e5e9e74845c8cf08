// Package uki assembles Unified Kernel Images in pure Go: a systemd-stub PE with the
// kernel, initrd, command line, os-release and uname appended as PE sections, laid out
// the way systemd 254's ukify lays them out, with the stub's .sbat merged in place.
//
// Output depends only on the inputs: no wall clock, no host tools. The PE
// TimeDateStamp comes from Spec.Time (SOURCE_DATE_EPOCH) and CheckSum is 0.
package uki
