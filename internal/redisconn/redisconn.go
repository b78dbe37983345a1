// Package redisconn builds the one Redis client of a REDIS_URL: a
// single-node client, or a Redis Cluster client when the URL lists more
// nodes (redis://h1:p1?addr=h2:p2&addr=h3:p3, as go-redis's
// ParseClusterURL reads it) or the caller asks for a cluster
// (REDIS_CLUSTER=1). Both are a redis.UniversalClient, so the cache, the
// store and the rate limits run unchanged on either.
package redisconn

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// Options tune the client. Zero values keep go-redis's defaults.
type Options struct {
	// Cluster forces a cluster client even for a URL with one address
	// (a seed node of the cluster).
	Cluster bool
	// DialTimeout, ReadTimeout and WriteTimeout bound each dial, read and
	// write: a Redis that hangs must not hold a request for go-redis's
	// default seconds. Zero keeps the URL's value (read_timeout=…) or
	// go-redis's default.
	DialTimeout, ReadTimeout, WriteTimeout time.Duration
	// MaxRetries is how often go-redis retries a failed command; 0 keeps
	// its default (3), -1 disables retries.
	MaxRetries int
}

// IsCluster reports whether rawURL names a cluster: it has addr= query
// parameters.
func IsCluster(rawURL string) bool {
	u, err := url.Parse(rawURL)
	return err == nil && u.Query().Has("addr")
}

// Open parses rawURL (redis:// or rediss://) and returns its client, with
// context deadlines honoured on sockets and one dial per attempt. It does
// not connect. The URL, which may hold a password, is never put into an
// error.
func Open(rawURL string, o Options) (redis.UniversalClient, error) {
	if o.Cluster || IsCluster(rawURL) {
		co, err := redis.ParseClusterURL(rawURL)
		if err != nil {
			return nil, fmt.Errorf("bad REDIS_URL: %w", scrub(err))
		}
		o.apply(&co.ContextTimeoutEnabled, &co.DialerRetries, &co.MaxRetries, &co.DialTimeout, &co.ReadTimeout, &co.WriteTimeout)
		return redis.NewClusterClient(co), nil
	}
	ro, err := redis.ParseURL(rawURL)
	if err != nil {
		return nil, fmt.Errorf("bad REDIS_URL: %w", scrub(err))
	}
	o.apply(&ro.ContextTimeoutEnabled, &ro.DialerRetries, &ro.MaxRetries, &ro.DialTimeout, &ro.ReadTimeout, &ro.WriteTimeout)
	return redis.NewClient(ro), nil
}

// apply sets the fields that a single-node and a cluster client's options
// share (go-redis has a type for each).
func (o Options) apply(contextTimeout *bool, dialerRetries, maxRetries *int, dial, read, write *time.Duration) {
	*contextTimeout = true
	// One dial per attempt: go-redis already retries a failed command,
	// and its default of five dials per attempt turned a dead Redis into
	// seconds of waiting per call.
	*dialerRetries = 1
	if o.MaxRetries != 0 {
		*maxRetries = o.MaxRetries
	}
	setIf(dial, o.DialTimeout)
	setIf(read, o.ReadTimeout)
	setIf(write, o.WriteTimeout)
}

// scrub drops what of err could repeat the URL: url.Error quotes it whole,
// and go-redis's own errors may quote parts of it after a colon.
func scrub(err error) error {
	var uerr *url.Error
	if errors.As(err, &uerr) {
		return uerr.Err
	}
	return errors.New(strings.SplitN(err.Error(), ":", 2)[0])
}

func setIf(dst *time.Duration, v time.Duration) {
	if v > 0 {
		*dst = v
	}
}
