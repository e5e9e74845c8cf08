package totp

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base32"
	"encoding/binary"
	"fmt"
	"net/url"
	"strings"
	"time"
)

// Parameters.
const (
	Digits = 6                // digits of Code
	Period = 30 * time.Second // time step
)

// Code returns the Digits-digit code for seed at t (zero-padded).
func Code(seed []byte, t time.Time) string {
	return CodeDigits(seed, t, Digits)
}

// CodeDigits returns the digits-digit code (1 to 9) for seed at t: the
// RFC 4226 HOTP of counter floor(unix(t) / 30), HMAC-SHA1, dynamic
// truncation, modulo 10^digits, zero-padded. Times before the epoch use
// counter 0; digits out of range are clamped.
func CodeDigits(seed []byte, t time.Time, digits int) string {
	digits = min(max(digits, 1), 9)
	counter := uint64(0)
	if s := t.Unix(); s > 0 {
		counter = uint64(s) / uint64(Period/time.Second)
	}
	mac := hmac.New(sha1.New, seed)
	mac.Write(binary.BigEndian.AppendUint64(nil, counter))
	sum := mac.Sum(nil)
	off := sum[len(sum)-1] & 0x0f
	bin := binary.BigEndian.Uint32(sum[off:off+4]) & 0x7fffffff
	mod := uint32(1)
	for range digits {
		mod *= 10
	}
	return fmt.Sprintf("%0*d", digits, bin%mod)
}

// URI returns the otpauth URI an authenticator app enrols from (Google
// Authenticator's Key Uri Format): otpauth://totp/ISSUER:ACCOUNT?secret=
// BASE32&issuer=ISSUER, the secret in base32 without padding. The label
// is path-escaped, the parameters query-escaped; the algorithm, digits
// and period are the defaults and so not written.
func URI(seed []byte, issuer, account string) string {
	label := url.PathEscape(account)
	if issuer != "" {
		label = url.PathEscape(issuer) + ":" + label
	}
	q := url.Values{}
	q.Set("secret", Secret(seed))
	if issuer != "" {
		q.Set("issuer", issuer)
	}
	return "otpauth://totp/" + label + "?" + q.Encode()
}

// Secret is seed as an authenticator app takes it typed in: base32
// (RFC 4648), upper case, no padding.
func Secret(seed []byte) string {
	return strings.TrimRight(base32.StdEncoding.EncodeToString(seed), "=")
}
