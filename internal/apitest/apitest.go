// Package apitest holds the checks that the tests of every package serving
// Leadtime's HTTP API share.
package apitest

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// ErrorJSON is the one shape of every error: {"error":{"code","message"}}.
type ErrorJSON struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

// CheckError checks that the answer (code, header, body) to req is the JSON error wantCode with status want.
func CheckError(t *testing.T, req string, code int, header http.Header, body []byte, want int, wantCode string) {
	t.Helper()
	if code != want {
		t.Errorf("%s: status = %d, want %d\n%s", req, code, want, body)
	}
	if code >= 500 {
		t.Errorf("%s: a 5xx for bad input: %s", req, body)
	}
	if got := header.Get("Content-Type"); !strings.HasPrefix(got, "application/json") {
		t.Errorf("%s: Content-Type = %q, want application/json", req, got)
	}
	if got := header.Get("Cache-Control"); got != "no-store" {
		t.Errorf("%s: Cache-Control = %q, want no-store", req, got)
	}
	var e ErrorJSON
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&e); err != nil {
		t.Errorf("%s: body is not {\"error\":{\"code\",\"message\"}}: %v\n%s", req, err, body)
		return
	}
	if e.Error.Code != wantCode {
		t.Errorf("%s: error.code = %q, want %q (message %q)", req, e.Error.Code, wantCode, e.Error.Message)
	}
	if e.Error.Message == "" || len(e.Error.Message) > 300 {
		t.Errorf("%s: error.message = %q, want a short explanation", req, e.Error.Message)
	}
}
