// Package oracle runs independent tools over Manx's PE images, so that what
// the Go code writes is judged by code it does not share: sbverify (from
// sbsigntool) checks an Authenticode signature against a certificate, and
// objdump -h (binutils) lists a UKI's sections.
package oracle
