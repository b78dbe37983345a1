package demo

import (
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net/http"
	"regexp"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/leadtime-app/leadtime/server"
)

// inlineBlockRE finds the page's inline scripts and styles, which its CSP
// allows by hash: the example is one file that a merchant can copy whole.
var inlineBlockRE = regexp.MustCompile(`(?s)<(script|style)\b([^>]*)>(.*?)</(?:script|style)>`)

// headlessCSP is the example page's policy: its own files and inline
// blocks only, and requests to this server under either loopback name (the
// page asks the Storefront API cross-origin on loopback, see the page).
func headlessCSP(page []byte) string {
	var scripts, styles []string
	for _, m := range inlineBlockRE.FindAllSubmatch(page, -1) {
		if strings.Contains(string(m[2]), "src=") {
			continue
		}
		sum := sha256.Sum256(m[3])
		h := "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
		if string(m[1]) == "script" {
			scripts = append(scripts, h)
		} else {
			styles = append(styles, h)
		}
	}
	return strings.Join([]string{
		"default-src 'self'",
		strings.Join(append([]string{"script-src 'self'"}, scripts...), " "),
		strings.Join(append([]string{"style-src 'self'"}, styles...), " "),
		"img-src 'self' data:",
		"connect-src 'self' http://localhost:* http://127.0.0.1:*",
		"object-src 'none'", "base-uri 'none'", "form-action 'self'", "frame-ancestors 'self'",
	}, "; ")
}

// handleHeadless handles "GET /headless" (demo mode): an example of a
// headless storefront, examples/headless/index.html, which shows the
// promise from /storefront/v1 through <leadtime-promise>.
func (s *Site) handleHeadless() gin.HandlerFunc {
	page := s.headless
	csp := headlessCSP(page)
	return func(c *gin.Context) {
		if len(page) == 0 {
			server.WriteError(c, fmt.Errorf("/headless: no example page configured: %w", server.ErrNotFound))
			return
		}
		c.Header("Cache-Control", "no-cache")
		c.Header("Content-Security-Policy", csp)
		c.Header("X-Content-Type-Options", "nosniff")
		c.Header("Referrer-Policy", "strict-origin-when-cross-origin")
		c.Data(http.StatusOK, "text/html; charset=utf-8", page)
	}
}
