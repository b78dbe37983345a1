package shops

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/leadtime-app/leadtime/delivery"
	"github.com/leadtime-app/leadtime/internal/echo"
	"github.com/leadtime-app/leadtime/message"
	"github.com/leadtime-app/leadtime/promise"
	"github.com/leadtime-app/leadtime/store"
)

// The settings document service of the settings page (issue 7, DESIGN
// §4): it reads and writes the same settings document as `leadtime check`
// validates, with the same validator (delivery.LoadShop), so that the page
// and the CLI never disagree.

// Errors of the settings documents; the HTTP layer's error table gives
// each its status.
var (
	// ErrNoVersion is a version of a shop's settings that is not kept.
	ErrNoVersion = errors.New("no such version of the settings")
	// ErrNotObject is a settings document that is not a JSON object.
	ErrNotObject = errors.New("send the settings document as a JSON object")
)

// Document is a shop's current settings document with its ETag and
// version; version 0 is the document of a file (LEADTIME_CONFIG or the
// embedded demo shop) that has not been saved over yet.
type Document struct {
	Settings []byte
	ETag     string
	Version  int
}

// FileETag is the ETag of a file's document. It cannot equal a store's
// ETag ("N-hash"), so a client holding it conflicts once anything is saved.
func FileETag(doc []byte) string {
	sum := sha256.Sum256(doc)
	return fmt.Sprintf(`"file-%x"`, sum[:12])
}

// StaticDocument is the document of a static shop, as JSON.
func StaticDocument(shop *delivery.Shop) ([]byte, error) {
	doc, err := json.Marshal(shop.Settings())
	if err != nil {
		return nil, fmt.Errorf("settings of %s: %w", shop.Domain(), err)
	}
	return doc, nil
}

// Installed says whether shop has a token and settings (a static shop
// needs only the token: the file is its settings).
func (ss *Registry) Installed(ctx context.Context, shop string) (bool, error) {
	rec, err := ss.Store.Get(ctx, shop)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return false, nil
	case err != nil:
		return false, fmt.Errorf("store: %w", err)
	}
	_, static := ss.Static[shop]
	return rec.Installed() && (len(rec.Settings) > 0 || static), nil
}

// Current returns the shop's settings document: the store's, else the
// file's, else (the store lost it) the one Shop restores from the shop
// metafield.
func (ss *Registry) Current(ctx context.Context, shop string) (Document, error) {
	for attempt := 0; ; attempt++ {
		rec, err := ss.Store.Get(ctx, shop)
		switch {
		case err == nil && len(rec.Settings) > 0:
			return Document{Settings: rec.Settings, ETag: rec.ETag, Version: rec.SettingsVersion}, nil
		case err != nil && !errors.Is(err, store.ErrNotFound):
			return Document{}, fmt.Errorf("store: %w", err)
		}
		if st, ok := ss.Static[shop]; ok {
			doc, err := StaticDocument(st)
			if err != nil {
				return Document{}, err
			}
			return Document{Settings: doc, ETag: FileETag(doc), Version: 0}, nil
		}
		if attempt > 0 {
			return Document{}, fmt.Errorf("%s has no settings: %w", shop, promise.ErrShopNotInstalled)
		}
		// Shop restores lost settings from the shop metafield and saves
		// them; then the store has them.
		if _, err := ss.Shop(ctx, shop); err != nil {
			return Document{}, err
		}
	}
}

// CompileDocument validates a settings document for shop with the
// validator of `leadtime check` and returns it as canonical JSON: HTML or
// Liquid in its texts is kept as text. The document's shop must be the
// shop that saves it. Invalid settings are a *delivery.ValidationError.
func CompileDocument(body []byte, shop string) (*delivery.Shop, []byte, error) {
	if t := bytes.TrimSpace(body); len(t) == 0 || t[0] != '{' {
		return nil, nil, ErrNotObject
	}
	compiled, err := delivery.LoadShop(body, delivery.WithCheck(message.Check(nil)))
	if err != nil {
		return nil, nil, err
	}
	if compiled.Domain() != shop {
		return nil, nil, &delivery.ValidationError{Problems: []delivery.Problem{{
			Path: "shop", Message: fmt.Sprintf("%q is not the shop you are signed in to (%s)", echo.Short(compiled.Domain()), shop),
		}}}
	}
	doc, err := json.Marshal(compiled.Settings())
	if err != nil {
		return nil, nil, fmt.Errorf("settings of %s: %w", shop, err)
	}
	return compiled, doc, nil
}

// SaveFunc saves a document (a SaveSettings or a Restore of the store),
// with the If-Match the store is to check ("" for none), and returns the
// document saved and its ETag.
type SaveFunc func(ifMatch string) (doc []byte, etag string, err error)

// Save runs save with ifMatch checked against the current document, file
// documents included, then calls changed with the document saved; saves
// of one registry run one at a time. The store checks If-Match atomically
// itself. A file's document is not in the store: its ETag is checked
// here, under the lock, and save is then told to save unconditionally
// (If-Match ""), as the store has nothing to compare with. (Two instances
// saving over the same file at the same instant could both succeed; the
// earlier save stays in the history.) A stale ifMatch is store.ErrConflict.
func (ss *Registry) Save(ctx context.Context, shop, ifMatch string, save SaveFunc, changed func(doc []byte)) (string, error) {
	ss.saveMu.Lock()
	defer ss.saveMu.Unlock()
	cur, err := ss.Current(ctx, shop)
	if err != nil {
		return "", err
	}
	if cur.Version == 0 {
		if ifMatch != cur.ETag && ifMatch != "*" {
			return "", fmt.Errorf("%s: the settings file is not at %s: %w", shop, echo.Short(ifMatch), store.ErrConflict)
		}
		ifMatch = ""
	}
	doc, etag, err := save(ifMatch)
	if err != nil {
		return "", err
	}
	changed(doc)
	return etag, nil
}

// Version returns the document of version v of the shop's settings;
// version 0 is the file the shop started from.
func (ss *Registry) Version(ctx context.Context, shop string, v int) ([]byte, error) {
	if v == 0 {
		if st, ok := ss.Static[shop]; ok {
			return StaticDocument(st)
		}
		return nil, fmt.Errorf("version 0: the shop has no settings file: %w", ErrNoVersion)
	}
	versions, err := ss.Store.History(ctx, shop)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("store: %w", err)
	}
	for _, ver := range versions {
		if ver.Version == v {
			return ver.Settings, nil
		}
	}
	return nil, fmt.Errorf("version %d is not in the history (the last %d versions are kept): %w", v, store.MaxVersions, ErrNoVersion)
}

// HistoryEntry is one kept version of a shop's settings.
type HistoryEntry struct {
	Version int        `json:"version"`
	SavedAt *time.Time `json:"saved_at"` // null for the file
	ETag    string     `json:"etag"`
	Current bool       `json:"current"`
	Source  string     `json:"source"` // "saved", or "file" for version 0
}

// History lists the kept versions of the shop's settings, newest first
// (store.MaxVersions of them), then the file the shop started from, if
// any, as version 0.
func (ss *Registry) History(ctx context.Context, shop string) ([]HistoryEntry, error) {
	versions, err := ss.Store.History(ctx, shop)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("store: %w", err)
	}
	out := []HistoryEntry{}
	for i, v := range versions {
		savedAt := v.SavedAt
		out = append(out, HistoryEntry{Version: v.Version, SavedAt: &savedAt, ETag: v.ETag, Current: i == 0, Source: "saved"})
	}
	if st, ok := ss.Static[shop]; ok {
		doc, err := StaticDocument(st)
		if err != nil {
			return nil, err
		}
		out = append(out, HistoryEntry{Version: 0, ETag: FileETag(doc), Current: len(versions) == 0, Source: "file"})
	}
	return out, nil
}

// Holiday is one day off of one calendar.
type Holiday struct {
	Date     delivery.Date `json:"date"`
	Weekday  string        `json:"weekday"`
	Name     string        `json:"name"`
	Calendar string        `json:"calendar"`
}

// UpcomingHolidays lists the days off of the calendars codes between from
// and to (inclusive), by date, then calendar.
func UpcomingHolidays(codes []string, from, to delivery.Date) []Holiday {
	out := []Holiday{}
	for _, code := range codes {
		for y := from.Year(); y <= to.Year(); y++ {
			for _, h := range delivery.HolidaysIn(code, y) {
				if h.Date >= from && h.Date <= to {
					out = append(out, Holiday{Date: h.Date, Weekday: h.Date.Weekday().String(), Name: h.Name, Calendar: code})
				}
			}
		}
	}
	slices.SortStableFunc(out, func(a, b Holiday) int {
		if a.Date != b.Date {
			return int(a.Date - b.Date)
		}
		return strings.Compare(a.Calendar, b.Calendar)
	})
	return out
}
