package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/leadtime-app/leadtime/cache"
	"github.com/leadtime-app/leadtime/internal/echo"
	"github.com/leadtime-app/leadtime/promise"
	"github.com/leadtime-app/leadtime/shopify"
	"github.com/leadtime-app/leadtime/shopifyapp"
)

// Webhook limits: Shopify expects an answer within 5 s, and retries on a
// 5xx, which we send only for a failure worth retrying.
const (
	maxWebhookBody  = 2 << 20
	webhookDeadline = 4 * time.Second
	webhookDedupFor = 24 * time.Hour
)

// handleWebhook handles "POST /webhooks": Shopify's webhooks, verified by
// the HMAC of the raw body and de-duplicated on X-Shopify-Webhook-Id. What
// each topic does is the app's (shopifyapp.App.HandleWebhook).
func (s *Server) handleWebhook() gin.HandlerFunc {
	return func(c *gin.Context) {
		if s.app == nil {
			WriteError(c, fmt.Errorf("webhooks need SHOPIFY_API_SECRET: %w", ErrNotFound))
			return
		}
		body, err := io.ReadAll(io.LimitReader(c.Request.Body, maxWebhookBody+1))
		if err != nil || len(body) > maxWebhookBody {
			WriteError(c, &fieldError{code: "too_large", msg: "webhook body too large", kind: ErrTooLarge})
			return
		}
		if err := shopify.VerifyWebhook(body, c.GetHeader("X-Shopify-Hmac-Sha256"), s.app.APISecret); err != nil {
			WriteError(c, fmt.Errorf("webhook: %w", ErrUnauthorized))
			return
		}
		topic, shop := c.GetHeader("X-Shopify-Topic"), c.GetHeader("X-Shopify-Shop-Domain")
		if !shopifyapp.HandlesTopic(topic) || !shopify.ValidShop(shop) {
			WriteError(c, fmt.Errorf("webhook topic %q for %q: %w", echo.Short(topic), echo.Short(shop), ErrUnauthorized))
			return
		}
		if err := checkWebhookShop(topic, shop, body); err != nil {
			WriteError(c, err)
			return
		}
		ctx, cancel := context.WithTimeout(c.Request.Context(), webhookDeadline)
		defer cancel()
		dedupKey := ""
		if id := c.GetHeader("X-Shopify-Webhook-Id"); id != "" {
			dedupKey = cache.Key(shop, "webhook", id)
			if !s.shared.SetNX(ctx, dedupKey, webhookDedupFor) {
				c.JSON(http.StatusOK, gin.H{"status": "duplicate"})
				return
			}
		}
		if err := s.app.HandleWebhook(ctx, topic, shop, body); err != nil {
			if dedupKey != "" {
				s.shared.Invalidate(context.WithoutCancel(ctx), dedupKey) // let Shopify's retry through
			}
			s.log.WarnContext(ctx, "webhook failed", "topic", topic, "shop", shop, "err", err)
			if errors.Is(err, shopifyapp.ErrTransient) {
				// Not WriteError's generic 5xx: Shopify is told when to retry.
				c.Header("Retry-After", "5")
				c.AbortWithStatusJSON(http.StatusServiceUnavailable, gin.H{"error": promise.ErrorBody{Code: "unavailable", Message: "try again"}})
				return
			}
			WriteError(c, err)
			return
		}
		c.JSON(http.StatusOK, gin.H{"status": "ok"})
	}
}
