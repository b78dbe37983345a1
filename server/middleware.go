package server

import (
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"time"

	"github.com/gin-gonic/gin"
)

// recoverer turns a panic into a logged 500 with a JSON body. A panic is a
// bug; the process keeps serving.
func (s *Server) recoverer() gin.HandlerFunc {
	return func(c *gin.Context) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v) // the client went away; let net/http handle it
				}
				s.log.ErrorContext(c.Request.Context(), "panic", "path", c.Request.URL.Path, "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
				WriteError(c, fmt.Errorf("panic: %v", v))
			}
		}()
		c.Next()
	}
}

// logRequests logs each request with log/slog: errors and client errors at
// warn and info, successes at debug, so a busy storefront does not pay for
// a log line per answer. The query is not logged: it may carry signatures.
func (s *Server) logRequests() gin.HandlerFunc {
	return func(c *gin.Context) {
		c.Set(loggerKey, s.log) // for WriteError, which has no Server
		start := time.Now()
		c.Next()
		status := c.Writer.Status()
		level := slog.LevelDebug
		switch {
		case status >= 500:
			level = slog.LevelError
		case status >= 400 && status != http.StatusNotFound:
			level = slog.LevelInfo
		}
		if !s.log.Enabled(c.Request.Context(), level) {
			return
		}
		s.log.LogAttrs(c.Request.Context(), level, "request",
			slog.String("method", c.Request.Method),
			slog.String("path", c.Request.URL.Path),
			slog.Int("status", status),
			slog.Duration("took", time.Since(start)),
		)
	}
}

// limitQuery rejects oversized query strings before anything parses them.
func limitQuery() gin.HandlerFunc {
	return func(c *gin.Context) {
		if len(c.Request.URL.RawQuery) > MaxQueryBytes {
			WriteError(c, &fieldError{code: "too_large", msg: fmt.Sprintf("the query is longer than %d bytes", MaxQueryBytes), kind: ErrTooLarge})
			return
		}
		c.Next()
	}
}

// loggerKey is where logRequests leaves the server's logger in a request.
const loggerKey = "leadtime.logger"

// requestLog is the logger of the server that is handling c. A handler
// mounted without the server's middleware (a test's bare gin engine) logs
// nowhere rather than to a global logger.
func requestLog(c *gin.Context) *slog.Logger {
	if l, ok := c.Value(loggerKey).(*slog.Logger); ok && l != nil {
		return l
	}
	return discardLog
}

// discardLog is the logger of a component given none.
var discardLog = slog.New(slog.DiscardHandler)
