package stboot

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	neturl "net/url"
	"sync"
	"time"

	"github.com/hashicorp/go-retryablehttp"
)

// errTooLarge marks a body over the size cap; it is never retried.
var errTooLarge = errors.New("body exceeds the size cap")

// fetcher downloads whole files with bounded retries, capped exponential
// backoff, a per-attempt timeout and a size cap; the caller's context
// carries the total deadline.
type fetcher struct {
	client   *http.Client // Timeout is the per-attempt timeout, body included
	retryMax int
	waitMin  time.Duration
	waitMax  time.Duration
	log      *slog.Logger
	con      *console
}

// newTransport is the default transport: no proxy from the environment, no
// transparent decompression (the bytes received are the bytes verified).
func newTransport(timeout time.Duration) *http.Transport {
	return &http.Transport{
		Proxy:                 nil,
		DialContext:           (&net.Dialer{Timeout: timeout, KeepAlive: 30 * time.Second}).DialContext,
		TLSHandshakeTimeout:   timeout,
		ResponseHeaderTimeout: timeout,
		IdleConnTimeout:       30 * time.Second,
		MaxIdleConns:          4,
		DisableCompression:    true,
	}
}

// get downloads url into memory, at most limit bytes. Each retry prints
// "stboot: retry N for GET URL: REASON".
func (f *fetcher) get(ctx context.Context, url string, limit int64) ([]byte, error) {
	var (
		mu       sync.Mutex
		last     string // why the previous attempt failed
		attempts int
		body     []byte
	)
	setLast := func(s string) { mu.Lock(); last = s; mu.Unlock() }
	getLast := func() string { mu.Lock(); defer mu.Unlock(); return last }
	// deadlineErr reports the total deadline ending the download.
	deadlineErr := func(cerr error) error {
		mu.Lock()
		defer mu.Unlock()
		return fmt.Errorf("GET %s: total deadline exceeded after %d attempt(s), last: %s: %w", url, attempts, last, cerr)
	}

	rc := &retryablehttp.Client{
		HTTPClient:   f.client,
		Logger:       f.log, // *slog.Logger is a retryablehttp.LeveledLogger (pass the pointer)
		RetryWaitMin: f.waitMin,
		RetryWaitMax: f.waitMax,
		RetryMax:     f.retryMax,
		Backoff:      cappedBackoff,
		CheckRetry: func(ctx context.Context, resp *http.Response, err error) (bool, error) {
			if ctx.Err() != nil {
				return false, ctx.Err()
			}
			if err != nil {
				if errors.Is(err, errTooLarge) {
					return false, err
				}
				setLast(reason(err))
				return retryablehttp.DefaultRetryPolicy(ctx, resp, err)
			}
			switch c := resp.StatusCode; {
			case c == http.StatusOK:
				return false, nil
			case c == http.StatusRequestTimeout, c == http.StatusTooManyRequests,
				c >= 500 && c != http.StatusNotImplemented:
				setLast(httpStatus(resp))
				return true, nil
			default:
				setLast(httpStatus(resp))
				return false, errors.New(httpStatus(resp))
			}
		},
		RequestLogHook: func(_ retryablehttp.Logger, req *http.Request, retry int) {
			mu.Lock()
			attempts = retry + 1
			mu.Unlock()
			if retry > 0 {
				f.con.printf("retry %d for %s %s: %s", retry, req.Method, req.URL, getLast())
				f.log.Warn("Retrying download", "retry", retry, "url", req.URL.String(), "reason", getLast())
			}
		},
		ErrorHandler: func(resp *http.Response, err error, tries int) (*http.Response, error) {
			if resp != nil {
				resp.Body.Close()
			}
			if cerr := ctx.Err(); cerr != nil {
				return nil, deadlineErr(cerr)
			}
			why := getLast()
			if err != nil && (why == "" || errors.Is(err, errTooLarge)) {
				why = reason(err)
			}
			return nil, fmt.Errorf("GET %s: giving up after %d attempt(s): %s", url, tries, why)
		},
	}

	req, err := retryablehttp.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, fmt.Errorf("GET %s: %w", url, err)
	}
	req.SetResponseHandler(func(resp *http.Response) error {
		if resp.ContentLength > limit {
			return fmt.Errorf("%w: Content-Length %d, cap %d", errTooLarge, resp.ContentLength, limit)
		}
		b, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
		if err != nil {
			return fmt.Errorf("reading body after %d of %d bytes: %w", len(b), resp.ContentLength, err)
		}
		if int64(len(b)) > limit {
			return fmt.Errorf("%w: more than %d bytes", errTooLarge, limit)
		}
		body = b
		return nil
	})
	resp, err := rc.Do(req)
	if err != nil {
		if cerr := ctx.Err(); cerr != nil && err == cerr {
			// retryablehttp returns the bare context error when the
			// deadline ends a backoff wait.
			return nil, deadlineErr(cerr)
		}
		return nil, err
	}
	resp.Body.Close()
	return body, nil
}

// reason is err without net/http's "Get URL:" prefix (the retry and
// failure lines name the URL already).
func reason(err error) string {
	var ue *neturl.Error
	if errors.As(err, &ue) {
		return ue.Err.Error()
	}
	return err.Error()
}

// httpStatus renders a status as "HTTP 503".
func httpStatus(resp *http.Response) string {
	return fmt.Sprintf("HTTP %d", resp.StatusCode)
}

// cappedBackoff waits min·2^attempt, at most max. Unlike
// retryablehttp.DefaultBackoff it ignores Retry-After, so a server cannot
// stretch the wait beyond max.
func cappedBackoff(min, max time.Duration, attempt int, _ *http.Response) time.Duration {
	d := min
	for i := 0; i < attempt && d < max; i++ {
		d *= 2
	}
	if d > max {
		d = max
	}
	return d
}
