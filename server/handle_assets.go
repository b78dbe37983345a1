package server

import (
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"path"

	"github.com/gin-gonic/gin"
	"github.com/leadtime-app/leadtime/internal/echo"
	snippets "github.com/leadtime-app/leadtime/liquid-snippets"
)

// handleAsset handles "GET /assets/:file": the theme extension's assets,
// such as leadtime-promise.js, for the demo pages and headless storefronts.
func (s *Server) handleAsset() gin.HandlerFunc {
	return func(c *gin.Context) {
		name := path.Clean("/" + c.Param("file"))[1:]
		data, err := fs.ReadFile(s.assets, name)
		if err != nil {
			WriteError(c, fmt.Errorf("/assets/%s: %w", echo.Short(name), ErrNotFound))
			return
		}
		ct := mime.TypeByExtension(path.Ext(name))
		if ct == "" {
			ct = "application/octet-stream"
		}
		c.Header("Cache-Control", "public, max-age=300")
		c.Header("Access-Control-Allow-Origin", "*")
		c.Data(http.StatusOK, ct, data)
	}
}

// handleSnippet handles "GET /snippets/:name": the Liquid a merchant pastes
// into a theme or a notification template (package snippets), as plain
// text, e.g. /snippets/leadtime-order-confirmation.liquid.
func (s *Server) handleSnippet() gin.HandlerFunc {
	return func(c *gin.Context) {
		name := c.Param("name")
		src, ok := snippets.Source(name)
		if !ok {
			WriteError(c, fmt.Errorf("/snippets/%s: %w", echo.Short(name), ErrNotFound))
			return
		}
		c.Header("Cache-Control", "public, max-age=300")
		c.Header("X-Content-Type-Options", "nosniff")
		c.Data(http.StatusOK, "text/plain; charset=utf-8", []byte(src))
	}
}
