package server

import (
	"encoding/json"
	"net/http"

	"github.com/gin-gonic/gin"
	"github.com/leadtime-app/leadtime/preview"
	"github.com/leadtime-app/leadtime/shops"
)

// The live preview (POST /admin/api/preview): what customers would be told
// if the settings on the page, saved or not, were live. Package preview
// quotes them with the server's own product loader; this handler reads the
// request and writes the answer.

// handleAdminPreview handles "POST /admin/api/preview". Invalid settings
// are a 422 with every problem by path, so the page also uses it to
// validate as the merchant types.
func (s *Server) handleAdminPreview() gin.HandlerFunc {
	return func(c *gin.Context) {
		ctx, shop := c.Request.Context(), c.GetString(adminShopKey)
		body, err := readAdminBody(c)
		if err != nil {
			WriteError(c, err)
			return
		}
		var req preview.Request
		if err := json.Unmarshal(body, &req); err != nil {
			WriteError(c, BadParam("invalid_body", "the preview body is not valid JSON: %v", err))
			return
		}
		if len(req.Settings) == 0 || string(req.Settings) == "null" {
			WriteError(c, BadParam("invalid_body", `send {"settings": {...}, "at": "now", "products": [...]}`))
			return
		}
		compiled, _, err := shops.CompileDocument(req.Settings, shop)
		if err != nil {
			writeAdminError(c, err)
			return
		}
		answer, err := preview.Preview(ctx, compiled, s.engine.Products, req, s.now())
		if err != nil {
			WriteError(c, err)
			return
		}
		c.Header("Cache-Control", "no-store")
		c.JSON(http.StatusOK, answer)
	}
}
