// Package deploy is the home of Manx's QEMU profile matrix: profiles are data
// (deploy/profile), the QEMU command line is a pure function of a profile and
// its inputs (deploy/qemu), and deploy/run boots a profile, either for a
// person at the terminal or headless with exact serial (and screen) checks.
package deploy
