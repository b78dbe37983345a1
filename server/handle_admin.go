package server

import (
	"bytes"
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"mime"
	"net/http"
	"path"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/leadtime-app/leadtime/catalog"
	"github.com/leadtime-app/leadtime/delivery"
	"github.com/leadtime-app/leadtime/internal/echo"
	"github.com/leadtime-app/leadtime/message"
	"github.com/leadtime-app/leadtime/shopify"
	"github.com/leadtime-app/leadtime/shopifyapp"
	"github.com/leadtime-app/leadtime/shops"
	"github.com/leadtime-app/leadtime/store"
)

// The settings page (issue 7, DESIGN §4): GET /admin is the page merchants
// edit their settings in, inside Shopify admin (embedded, with App Bridge)
// or on its own in demo mode. Its API, under /admin/api, reads and writes
// the same settings document as `leadtime check` validates, with the same
// validator (delivery.LoadShop), so the page and the CLI never disagree.

// Errors of the settings API, mapped to a status in errorKinds.
var (
	// ErrPreconditionRequired: a write without If-Match (428). Every write
	// must say which version it edits, so that none overwrites another
	// blindly.
	ErrPreconditionRequired = errors.New("precondition required")
	// ErrNoShopify: the server has no Admin API connection to the shop
	// (demo mode, or no token yet), so there is nothing to import (409).
	ErrNoShopify = errors.New("no Shopify connection")
)

//go:embed admin
var adminFiles embed.FS

var adminTemplate = template.Must(template.ParseFS(adminFiles, "admin/index.html"))

// appBridgeURL is App Bridge, which Shopify requires an embedded app to load
// from its CDN, as the first script of the page
// (https://shopify.dev/docs/api/app-bridge-library).
const appBridgeURL = "https://cdn.shopify.com/shopifycloud/app-bridge.js"

// adminShopKey is where adminAuth leaves the authenticated shop.
const adminShopKey = "leadtime.admin.shop"

// MaxAdminBodySize bounds a request body of the settings API: a settings
// document (catalog included) and a little more for the preview's fields.
const MaxAdminBodySize = delivery.MaxSettingsSize + 64<<10

// maxHolidayCodes bounds the calendars of one GET /admin/api/holidays.
const maxHolidayCodes = 40

// adminPageData fills admin/index.html.
type adminPageData struct {
	Embedded  bool
	APIKey    string
	Shop      string
	Demo      bool
	Config    adminConfig
	Timezones []string
	Locales   []string
	Kinds     []string
	Variables []message.Variable
	Weekdays  []adminWeekday
}

// adminConfig is what the page's script needs to know, as JSON in the page.
type adminConfig struct {
	Embedded  bool              `json:"embedded"`
	Demo      bool              `json:"demo"`
	Shop      string            `json:"shop"`
	Shopify   bool              `json:"shopify"` // "Import from Shopify" can work
	Calendars []string          `json:"calendars"`
	Countries []string          `json:"countries"`
	Locales   []string          `json:"locales"`
	Kinds     []string          `json:"kinds"`
	Weekdays  []adminWeekday    `json:"weekdays"`
	Defaults  map[string]string `json:"defaults"`
}

type adminWeekday struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

var adminWeekdays = []adminWeekday{
	{"mon", "Monday"}, {"tue", "Tuesday"}, {"wed", "Wednesday"}, {"thu", "Thursday"},
	{"fri", "Friday"}, {"sat", "Saturday"}, {"sun", "Sunday"},
}

// adminTimezones are the IANA zones the page offers (any other IANA name
// may still be typed; the validator decides). The list is tzdata's
// zone.tab and zone1970.tab, less any zone this binary cannot load.
var adminTimezones = sync.OnceValue(func() []string {
	data, _ := adminFiles.ReadFile("admin/timezones.txt")
	var out []string
	for line := range strings.SplitSeq(string(data), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if _, err := time.LoadLocation(line); err == nil {
			out = append(out, line)
		}
	}
	return out
})

// adminCountries are the ISO 3166 codes the validator knows.
var adminCountries = sync.OnceValue(func() []string {
	var out []string
	for a := 'A'; a <= 'Z'; a++ {
		for b := 'A'; b <= 'Z'; b++ {
			if code := string([]rune{a, b}); delivery.KnownCountry(code) {
				out = append(out, code)
			}
		}
	}
	return out
})

// adminCSP lets the page load only this server's files, and App Bridge
// from Shopify's CDN when embedded. frame-ancestors is what Shopify asks of
// an embedded app: the shop's admin, and nobody else, may frame it.
func adminCSP(embedded bool, shop string) string {
	if !embedded {
		return "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
			"connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'self'"
	}
	ancestors := "https://admin.shopify.com" // no shop named: the admin only, never every shop
	if shopify.ValidShop(shop) {
		ancestors = "https://" + shop + " https://admin.shopify.com"
	}
	return "default-src 'self'; script-src 'self' https://cdn.shopify.com; style-src 'self' 'unsafe-inline'; " +
		"img-src 'self' data: https://cdn.shopify.com; connect-src 'self' https://*.shopify.com; object-src 'none'; " +
		"base-uri 'none'; form-action 'self'; frame-ancestors " + ancestors
}

// handleAdminPage handles "GET /admin": the settings page. Embedded (a
// host parameter from Shopify admin, or an app with an API key) it loads
// App Bridge, whose session tokens authenticate every API call; in demo
// mode it loads nothing from elsewhere and needs no token.
func (s *Server) handleAdminPage() gin.HandlerFunc {
	return func(c *gin.Context) {
		embedded := c.Query("host") != "" || s.apiKey != ""
		shop := s.defaultShop
		if q := c.Query("shop"); shopify.ValidShop(q) {
			shop = q
		}
		data := adminPageData{
			Embedded: embedded, APIKey: s.apiKey, Shop: shop, Demo: s.demo,
			Timezones: adminTimezones(), Locales: message.Locales(), Variables: message.Variables,
			Weekdays: adminWeekdays,
		}
		for _, k := range message.Kinds() {
			data.Kinds = append(data.Kinds, string(k))
		}
		data.Config = adminConfig{
			Embedded: embedded, Demo: s.demo, Shop: shop, Shopify: s.app != nil,
			Calendars: delivery.Calendars(), Countries: adminCountries(), Locales: data.Locales, Kinds: data.Kinds, Weekdays: adminWeekdays,
			Defaults: map[string]string{"cutoff": "14:00"},
		}
		var buf bytes.Buffer
		if err := adminTemplate.Execute(&buf, data); err != nil {
			WriteError(c, fmt.Errorf("settings page: %w", err))
			return
		}
		c.Header("Cache-Control", "no-store")
		c.Header("Content-Security-Policy", adminCSP(embedded, shop))
		c.Header("X-Content-Type-Options", "nosniff")
		c.Header("Referrer-Policy", "same-origin")
		c.Data(http.StatusOK, "text/html; charset=utf-8", buf.Bytes())
	}
}

// handleAdminAsset handles "GET /admin/static/:file": the page's script
// and styles.
func (s *Server) handleAdminAsset() gin.HandlerFunc {
	return func(c *gin.Context) {
		name := c.Param("file")
		ext := path.Ext(name)
		if ext != ".js" && ext != ".css" {
			WriteError(c, fmt.Errorf("/admin/static/%s: %w", echo.Short(name), ErrNotFound))
			return
		}
		data, err := adminFiles.ReadFile(path.Join("admin", path.Clean("/"+name)))
		if err != nil {
			WriteError(c, fmt.Errorf("/admin/static/%s: %w", echo.Short(name), ErrNotFound))
			return
		}
		c.Header("Cache-Control", "no-cache")
		c.Header("X-Content-Type-Options", "nosniff")
		c.Data(http.StatusOK, mime.TypeByExtension(ext), data)
	}
}

// adminAuth authenticates every /admin/api request and leaves its shop in
// the context. With SHOPIFY_API_SECRET set, a request needs the embedded
// admin's session token (App Bridge's shopify.idToken()) as "Authorization:
// Bearer TOKEN", verified with the app's key and secret at the wall clock,
// for a shop that has installed the app. A shop whose offline token the
// store lost (a Redis restarted empty) gets one again by token exchange
// (DESIGN §6). Without a secret, only demo mode serves the API, for the
// demo shop, unauthenticated.
func (s *Server) adminAuth() gin.HandlerFunc {
	return func(c *gin.Context) {
		c.Header("Cache-Control", "no-store")
		shop, err := s.adminShop(c)
		if err != nil {
			if errors.Is(err, ErrUnauthorized) {
				c.Header("WWW-Authenticate", `Bearer realm="leadtime"`)
			}
			WriteError(c, err)
			return
		}
		c.Set(adminShopKey, shop)
		c.Next()
	}
}

// adminShop authenticates a settings API request (sessionShop) and makes
// sure its shop is installed.
func (s *Server) adminShop(c *gin.Context) (string, error) {
	shop, token, err := s.sessionShop(c, adminAPI)
	if err != nil || token == "" {
		return shop, err
	}
	if err := s.ensureInstalled(c.Request.Context(), shop, token); err != nil {
		return "", err
	}
	return shop, nil
}

// ensureInstalled checks that shop has installed the app. A shop without
// an offline token in the store, yet with a valid session token (the
// merchant is in the app, in Shopify admin), trades the session token for
// an offline token and is installed again. The first requests of a shop
// often come at once: they share one exchange, and wait for an install in
// progress rather than read a shop whose token is saved but whose settings
// are not yet.
func (s *Server) ensureInstalled(ctx context.Context, shop, sessionToken string) error {
	ss, err := s.adminShops()
	if err != nil {
		return err
	}
	_, static := ss.Static[shop]
	if ok, err := ss.Installed(ctx, shop); err != nil || ok {
		return err
	}
	if s.app == nil {
		if static {
			return nil
		}
		return unauthorized("shop_not_installed", "%s has not installed Leadtime", shop)
	}
	// The work is shared by the requests waiting for it: one leaving does
	// not cancel it for the others.
	return s.app.ShareReinstall(shop, func() error {
		return s.reinstall(context.WithoutCancel(ctx), ss, shop, sessionToken, static)
	})
}

// reinstall waits for an install of shop in progress, then, if the shop
// is still not installed, exchanges the session token and installs it.
func (s *Server) reinstall(ctx context.Context, ss *shops.Registry, shop, sessionToken string, static bool) error {
	unlock := s.app.LockShop(shop)
	ok, err := ss.Installed(ctx, shop)
	unlock()
	if err != nil || ok {
		return err
	}
	app, err := s.app.OAuth()
	if err != nil {
		return err
	}
	tok, err := app.ExchangeSessionToken(ctx, shop, sessionToken)
	switch {
	case err == nil:
	case static:
		// A shop of LEADTIME_CONFIG counts as installed (DESIGN §4).
		return nil
	case errors.Is(err, shopify.ErrUnauthorized):
		return unauthorized("shop_not_installed", "%s has not installed Leadtime, and Shopify refused to exchange its session token", shop)
	default:
		return fmt.Errorf("token exchange for %s: %w", shop, err)
	}
	if err := s.app.Install(ctx, shop, tok.Token, tok.Scopes); err != nil {
		return fmt.Errorf("installing %s after token exchange: %w", shop, err)
	}
	s.log.InfoContext(ctx, "offline token obtained again by token exchange", "shop", shop)
	return nil
}

// adminShops is where the settings API reads and saves settings: the
// demo's store (Config.Settings), else the app's.
func (s *Server) adminShops() (*shops.Registry, error) {
	if s.settings != nil {
		return s.settings, nil
	}
	if s.app != nil && s.app.Shops != nil {
		return s.app.Shops, nil
	}
	return nil, fmt.Errorf("the settings API needs a store of settings, and this server has none: %w", ErrNotFound)
}

// handleAdminSettings handles "GET /admin/api/settings": the settings
// document as JSON, with its ETag.
func (s *Server) handleAdminSettings() gin.HandlerFunc {
	return func(c *gin.Context) {
		ss, err := s.adminShops()
		if err != nil {
			WriteError(c, err)
			return
		}
		cur, err := ss.Current(c.Request.Context(), c.GetString(adminShopKey))
		if err != nil {
			WriteError(c, err)
			return
		}
		writeSettings(c, cur.Settings, cur.ETag)
	}
}

func writeSettings(c *gin.Context, doc []byte, etag string) {
	c.Header("ETag", etag)
	c.Header("Cache-Control", "no-store")
	c.Data(http.StatusOK, "application/json; charset=utf-8", doc)
}

// handleAdminSave handles "PUT /admin/api/settings": the body is a whole
// settings document, If-Match the ETag it was edited from. An invalid
// document is a 422 with every problem by path and nothing saved; a stale
// If-Match is a 412 and nothing saved. A save retires the shop's compiled
// settings and cached answers on every instance and, with Shopify, is
// mirrored into the shop metafield leadtime.settings.
func (s *Server) handleAdminSave() gin.HandlerFunc {
	return func(c *gin.Context) {
		ctx, shop := c.Request.Context(), c.GetString(adminShopKey)
		ss, err := s.adminShops()
		if err != nil {
			WriteError(c, err)
			return
		}
		ifMatch, err := requireIfMatch(c)
		if err != nil {
			WriteError(c, err)
			return
		}
		body, err := readAdminBody(c)
		if err != nil {
			WriteError(c, err)
			return
		}
		_, doc, err := shops.CompileDocument(body, shop)
		if err != nil {
			writeAdminError(c, err)
			return
		}
		etag, err := ss.Save(ctx, shop, ifMatch, func(ifMatch string) ([]byte, string, error) {
			tag, err := ss.Store.SaveSettings(ctx, shop, doc, ifMatch)
			return doc, tag, err
		}, func(doc []byte) { s.settingsChanged(ctx, ss, shop, doc) })
		if err != nil {
			s.writeSaveError(c, ss, shop, err)
			return
		}
		s.log.InfoContext(ctx, "settings saved", "shop", shop, "etag", etag)
		writeSettings(c, doc, etag)
	}
}

// settingsChanged retires a shop's compiled settings and its cached answers
// on every instance, and mirrors the document into the shop metafield when
// the shop is connected to Shopify (DESIGN §6). The mirror is best effort.
// It runs under the registry's save lock, so that mirrors keep the order
// of the saves.
func (s *Server) settingsChanged(ctx context.Context, ss *shops.Registry, shop string, doc []byte) {
	ss.Forget(ctx, shop)
	s.shared.InvalidateShop(ctx, answersOf(shop))
	if s.app == nil {
		return
	}
	client, err := s.app.AdminClient(ctx, shop)
	if err != nil {
		if !errors.Is(err, catalog.ErrNoToken) {
			s.log.WarnContext(ctx, "settings not mirrored into the shop metafield", "shop", shop, "err", err)
		}
		return
	}
	s.app.MirrorSettings(ctx, client, doc)
	if compiled, err := delivery.LoadShop(doc, delivery.WithCheck(message.Check(s.log))); err == nil {
		s.app.SyncCheckoutFunction(ctx, client, compiled, s.now())
	}
}

// writeSaveError answers a failed save; a 412 carries the current ETag so
// the page can say which version it conflicts with.
func (s *Server) writeSaveError(c *gin.Context, ss *shops.Registry, shop string, err error) {
	if errors.Is(err, store.ErrConflict) {
		if cur, cerr := ss.Current(c.Request.Context(), shop); cerr == nil {
			c.Header("ETag", cur.ETag)
		}
		WriteError(c, fmt.Errorf("the settings were saved by someone else (or in another tab) since you loaded them; nothing was saved: %w", store.ErrConflict))
		return
	}
	writeAdminError(c, err)
}

func requireIfMatch(c *gin.Context) (string, error) {
	v := strings.TrimSpace(c.GetHeader("If-Match"))
	if v == "" {
		return "", fmt.Errorf("send If-Match with the ETag of the settings you edited: %w", ErrPreconditionRequired)
	}
	return v, nil
}

func readAdminBody(c *gin.Context) ([]byte, error) {
	return ReadJSONBody(c.GetHeader("Content-Type"), true, http.MaxBytesReader(c.Writer, c.Request.Body, MaxAdminBodySize), MaxAdminBodySize, "the settings")
}

// adminErrorBody is the JSON error of the settings API: the usual code and
// message, and for invalid settings every problem by path.
type adminErrorBody struct {
	Code     string             `json:"code"`
	Message  string             `json:"message"`
	Problems []delivery.Problem `json:"problems,omitempty"`
}

// writeAdminError is writeError, with the problems of invalid settings.
func writeAdminError(c *gin.Context, err error) {
	var ve *delivery.ValidationError
	if !errors.As(err, &ve) {
		WriteError(c, err)
		return
	}
	status, code := errorStatus(err)
	msg := fmt.Sprintf("%d problem(s) in the settings; nothing was saved", len(ve.Problems))
	c.Header("Cache-Control", "no-store")
	c.AbortWithStatusJSON(status, gin.H{"error": adminErrorBody{Code: code, Message: msg, Problems: ve.Problems}})
}

// handleAdminHistory handles "GET /admin/api/settings/history": the kept
// versions, newest first (store.MaxVersions of them), then the file the
// shop started from, if any, as version 0.
func (s *Server) handleAdminHistory() gin.HandlerFunc {
	return func(c *gin.Context) {
		ctx, shop := c.Request.Context(), c.GetString(adminShopKey)
		ss, err := s.adminShops()
		if err != nil {
			WriteError(c, err)
			return
		}
		out, err := ss.History(ctx, shop)
		if err != nil {
			WriteError(c, err)
			return
		}
		c.JSON(http.StatusOK, gin.H{"versions": out, "max_versions": store.MaxVersions})
	}
}

// handleAdminRestore handles "POST /admin/api/settings/restore" with
// {"version": N} and If-Match: version N becomes current again as a new
// version (the history only grows). Version 0 is the file the shop started
// from. A version that no longer passes validation is refused with a 422.
func (s *Server) handleAdminRestore() gin.HandlerFunc {
	return func(c *gin.Context) {
		ctx, shop := c.Request.Context(), c.GetString(adminShopKey)
		ss, err := s.adminShops()
		if err != nil {
			WriteError(c, err)
			return
		}
		ifMatch, err := requireIfMatch(c)
		if err != nil {
			WriteError(c, err)
			return
		}
		body, err := readAdminBody(c)
		if err != nil {
			WriteError(c, err)
			return
		}
		var req struct {
			Version *int `json:"version"`
		}
		if err := json.Unmarshal(body, &req); err != nil || req.Version == nil || *req.Version < 0 {
			WriteError(c, BadParam("invalid_version", `send {"version": N}, a version from the history`))
			return
		}
		v := *req.Version
		doc, err := ss.Version(ctx, shop, v)
		if err != nil {
			WriteError(c, err)
			return
		}
		if _, _, err := shops.CompileDocument(doc, shop); err != nil {
			writeAdminError(c, err)
			return
		}
		etag, err := ss.Save(ctx, shop, ifMatch, func(im string) ([]byte, string, error) {
			if v == 0 {
				tag, err := ss.Store.SaveSettings(ctx, shop, doc, im)
				return doc, tag, err
			}
			tag, err := ss.Store.Restore(ctx, shop, v, im)
			return doc, tag, err
		}, func(doc []byte) { s.settingsChanged(ctx, ss, shop, doc) })
		if err != nil {
			s.writeSaveError(c, ss, shop, err)
			return
		}
		s.log.InfoContext(ctx, "settings restored", "shop", shop, "version", v, "etag", etag)
		writeSettings(c, doc, etag)
	}
}

// handleAdminHolidays handles "GET /admin/api/holidays?codes=SE,NO": the
// days off of those calendars in the next 12 months, from the shop's date
// today (the injected clock, in the shop's time zone).
func (s *Server) handleAdminHolidays() gin.HandlerFunc {
	return func(c *gin.Context) {
		ctx, shop := c.Request.Context(), c.GetString(adminShopKey)
		var codes []string
		for code := range strings.SplitSeq(c.Query("codes"), ",") {
			if code = strings.TrimSpace(code); code == "" || slices.Contains(codes, code) {
				continue
			}
			if !delivery.KnownCalendar(code) {
				WriteError(c, BadParam("invalid_calendar", "no holiday calendar %q; GET /admin lists the known ones", echo.Short(code)))
				return
			}
			codes = append(codes, code)
		}
		if len(codes) > maxHolidayCodes {
			WriteError(c, BadParam("invalid_calendar", "at most %d calendars at once", maxHolidayCodes))
			return
		}
		loc := time.UTC
		if compiled, err := s.engine.Shops.Shop(ctx, shop); err == nil {
			loc = compiled.Location()
		}
		from := delivery.DateIn(s.now(), loc)
		to := from.AddDays(364)
		c.JSON(http.StatusOK, gin.H{"from": from, "to": to, "holidays": shops.UpcomingHolidays(codes, from, to)})
	}
}

// handleAdminImport handles "POST /admin/api/import": the shop's time zone,
// country, primary locale and Shopify's own processing time
// (deliveryPromiseSettings.processingTime), as defaults for the form. Nothing
// is saved: the merchant reviews them and saves. Without a Shopify
// connection (demo mode) it is a 409.
func (s *Server) handleAdminImport() gin.HandlerFunc {
	return func(c *gin.Context) {
		ctx, shop := c.Request.Context(), c.GetString(adminShopKey)
		if s.app == nil {
			WriteError(c, fmt.Errorf("this server is not connected to Shopify (demo mode), so there is nothing to import; set the time zone, country and processing time by hand: %w", ErrNoShopify))
			return
		}
		client, err := s.app.AdminClient(ctx, shop)
		if errors.Is(err, catalog.ErrNoToken) {
			WriteError(c, fmt.Errorf("%s has no Admin API token yet, so there is nothing to import: %w", shop, ErrNoShopify))
			return
		}
		if err != nil {
			WriteError(c, err)
			return
		}
		info, err := client.ShopInfo(ctx)
		if err != nil {
			WriteError(c, fmt.Errorf("reading the shop from Shopify: %w", err))
			return
		}
		def := shopifyapp.DefaultSettings(shop, info)
		out := gin.H{
			"timezone": def.Timezone, "country": def.Country, "locale": def.Locale, "processing": nil,
			"shopify": gin.H{
				"name": info.Name, "timezone": info.Timezone, "country": info.Country, "locale": info.Locale,
				"processing_time": info.ProcessingTime,
			},
		}
		if info.ProcessingDays != nil {
			out["processing"] = def.Processing
		}
		c.JSON(http.StatusOK, out)
	}
}
