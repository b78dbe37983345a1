package server

import (
	"crypto/sha256"
	"crypto/subtle"
	"fmt"
	"net/netip"
	"strings"

	"github.com/gin-gonic/gin"
)

// Request header limits (README, "Security"). http.Server reads up to
// MaxHeaderReadBytes of headers and answers anything larger with Go's own
// plain-text 431; everything between MaxHeaderBytes and that is refused
// here, in our JSON shape, before any handler parses it.
const (
	MaxHeaderBytes     = 32 << 10  // request line and headers, as the handlers see them
	MaxHeaderReadBytes = 256 << 10 // http.Server.MaxHeaderBytes: room for a JSON refusal
)

// frameAncestorsNone is the frame-ancestors of every answer but the
// settings page's, which sets its own (adminCSP): nothing of Leadtime's is
// meant to be framed elsewhere.
const frameAncestorsNone = "frame-ancestors 'none'"

// securityHeaders sets the headers every answer carries, errors included:
// nosniff (a JSON answer or a snippet is never run as a script or page) and
// a CSP that forbids framing. Handlers may override them afterwards; the
// settings page does with its own frame-ancestors.
func securityHeaders() gin.HandlerFunc {
	return func(c *gin.Context) {
		h := c.Writer.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Content-Security-Policy", frameAncestorsNone)
		c.Next()
	}
}

// limitHeaders refuses requests whose request line and headers together
// exceed MaxHeaderBytes, with a JSON 431.
func limitHeaders() gin.HandlerFunc {
	return func(c *gin.Context) {
		n := len(c.Request.Method) + len(c.Request.RequestURI) + len(c.Request.Host)
		for k, vs := range c.Request.Header {
			for _, v := range vs {
				n += len(k) + len(v) + 4 // ": " and CRLF
			}
			if n > MaxHeaderBytes {
				break
			}
		}
		if n > MaxHeaderBytes {
			WriteError(c, &fieldError{code: "headers_too_large",
				msg: fmt.Sprintf("the request line and headers are longer than %d bytes", MaxHeaderBytes), kind: ErrHeadersTooLarge})
			return
		}
		c.Next()
	}
}

// clientIPKey holds the request's client IP in the gin context.
const clientIPKey = "leadtime.client_ip"

// resolveClientIP stores the client IP (s.clientIP) for the per-IP limits.
func (s *Server) resolveClientIP() gin.HandlerFunc {
	return func(c *gin.Context) {
		c.Set(clientIPKey, s.clientIP(c))
		c.Next()
	}
}

// clientIPOf is the client IP resolveClientIP found.
func clientIPOf(c *gin.Context) string { return c.GetString(clientIPKey) }

// clientIP is the address the per-IP limits count. X-Forwarded-For and
// X-Real-IP are never believed: any client can send them. The platform's
// header (Fly-Client-IP on fly.io) is believed only when the peer is one
// of the trusted proxies, because fly's proxy overwrites it but anyone who
// reaches the machine past that proxy can send it too.
func (s *Server) clientIP(c *gin.Context) string {
	peer, err := netip.ParseAddrPort(c.Request.RemoteAddr)
	if err != nil {
		return strings.TrimSpace(c.Request.RemoteAddr)
	}
	addr := peer.Addr().Unmap()
	if s.platform != "" && s.trustedPeer(addr) {
		if ip, err := netip.ParseAddr(strings.TrimSpace(c.GetHeader(s.platform))); err == nil {
			return ip.Unmap().String()
		}
	}
	return addr.String()
}

// trustedPeer reports whether addr may set the platform's client IP
// header: one of TrustedProxies, or, when none are configured, a private
// or loopback address (fly's proxy reaches a machine over its private
// network; the internet cannot reach it there).
func (s *Server) trustedPeer(addr netip.Addr) bool {
	if s.trustedProxies == nil {
		return addr.IsPrivate() || addr.IsLoopback()
	}
	for _, p := range s.trustedProxies {
		if p.Contains(addr) {
			return true
		}
	}
	return false
}

// ParseTrustedProxies reads a comma-separated list of CIDR prefixes or
// addresses (TRUSTED_PROXIES), e.g. "172.16.0.0/12,fdaa::/16".
func ParseTrustedProxies(s string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for f := range strings.SplitSeq(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		p, err := netip.ParsePrefix(f)
		if err != nil {
			a, aerr := netip.ParseAddr(f)
			if aerr != nil {
				return nil, fmt.Errorf("trusted proxy %q: want a CIDR prefix (10.0.0.0/8) or an address: %w", f, err)
			}
			p = netip.PrefixFrom(a, a.BitLen())
		}
		out = append(out, p.Masked())
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("trusted proxies %q: no prefix", s)
	}
	return out, nil
}

// metricsAuth guards GET /metrics: with a token, only a request that
// carries "Authorization: Bearer TOKEN" sees them; without one, they are
// served only when Config.PublicMetrics says so (the demo, tests).
func (s *Server) metricsAuth() gin.HandlerFunc {
	want := sha256.Sum256([]byte(s.metricsToken))
	return func(c *gin.Context) {
		if s.metricsToken == "" {
			if !s.publicMetrics {
				WriteError(c, fmt.Errorf("/metrics: set METRICS_TOKEN to serve them: %w", ErrNotFound))
			}
			return
		}
		got, ok := strings.CutPrefix(c.GetHeader("Authorization"), "Bearer ")
		// Hashing first makes the comparison constant-time whatever the lengths.
		if sum := sha256.Sum256([]byte(got)); !ok || subtle.ConstantTimeCompare(sum[:], want[:]) != 1 {
			c.Header("WWW-Authenticate", `Bearer realm="metrics"`)
			WriteError(c, fmt.Errorf("/metrics: a bearer token is required: %w", ErrUnauthorized))
			return
		}
	}
}
