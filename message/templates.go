package message

import (
	"fmt"
	"log/slog"
	"maps"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf8"
	"weak"

	"github.com/leadtime-app/leadtime/delivery"
	"github.com/leadtime-app/leadtime/liquidsandbox"
)

// A shop's templates are compiled once per settings document, not per
// request. delivery.Compile checks them (given Check through
// delivery.WithCheck) and leaves them compiled here, keyed by the *Settings
// it keeps, so a storefront request finds them ready. The key is weak: when
// a shop's settings are replaced and the old document is collected, its
// templates go too.
var compiled sync.Map // weak.Pointer[delivery.Settings] → *templateSet

// Check returns the check of a shop's message templates, for
// delivery.LoadShop(data, delivery.WithCheck(message.Check(log))): every
// template must compile and pass its trial render. The templates it
// compiles log their render-time failures (once each) to log; nil
// discards them.
func Check(log *slog.Logger) delivery.Check {
	return func(st *delivery.Settings, report func(path, message string)) {
		if len(st.Messages) == 0 {
			return
		}
		for _, p := range compiledTemplates(st, log).problems {
			report(p.path, p.message)
		}
	}
}

// templateSet is one settings document's templates.
type templateSet struct {
	byLocale map[string]map[Kind]*templateEntry
	problems []problem
	log      *slog.Logger // where its entries' failures go
}

type problem struct{ path, message string }

// templateEntry is one template, or why it could not be compiled.
type templateEntry struct {
	path   string // messages.sv.product
	tmpl   *liquidsandbox.Template
	err    error
	logged atomic.Bool
}

// fail logs a template's failure once per settings document: a storefront
// request falls back to the built-in text and must not flood the log.
func (e *templateEntry) fail(log *slog.Logger, err error) {
	if e.logged.CompareAndSwap(false, true) {
		log.Warn("message template failed; the built-in text is used instead", "template", e.path, "err", err.Error())
	}
}

// compiledTemplates returns st's compiled templates, compiling them on
// first use; log is where they report failures if this call compiles them
// (nil: nowhere).
func compiledTemplates(st *delivery.Settings, log *slog.Logger) *templateSet {
	key := weak.Make(st)
	if v, ok := compiled.Load(key); ok {
		return v.(*templateSet)
	}
	set := compileTemplates(st.Messages)
	set.log = log
	if set.log == nil {
		set.log = slog.New(slog.DiscardHandler)
	}
	if v, loaded := compiled.LoadOrStore(key, set); loaded {
		return v.(*templateSet)
	}
	runtime.AddCleanup(st, func(k weak.Pointer[delivery.Settings]) { compiled.Delete(k) }, key)
	return set
}

// compileTemplates compiles and checks every template of a Messages map.
// Problems are listed by path, in a stable order.
func compileTemplates(messages map[string]map[string]string) *templateSet {
	set := &templateSet{byLocale: map[string]map[Kind]*templateEntry{}}
	for _, locale := range slices.Sorted(maps.Keys(messages)) {
		lpath := "messages." + locale
		if !knownLocale(locale) {
			set.problems = append(set.problems, problem{lpath, fmt.Sprintf("no built-in locale %q; use one of %s", locale, strings.Join(Locales(), ", "))})
			continue
		}
		kinds := map[Kind]*templateEntry{}
		for _, kind := range slices.Sorted(maps.Keys(messages[locale])) {
			path := lpath + "." + kind
			if !isKind(Kind(kind)) {
				set.problems = append(set.problems, problem{path, fmt.Sprintf("no message kind %q; use one of %s", kind, kindList())})
				continue
			}
			e := &templateEntry{path: path}
			e.tmpl, e.err = liquidsandbox.ParseTemplate(messages[locale][kind], scope)
			if e.err == nil {
				e.err = trialRender(e.tmpl, Kind(kind))
			}
			if e.err != nil {
				set.problems = append(set.problems, problem{path, e.err.Error()})
			}
			kinds[Kind(kind)] = e
		}
		set.byLocale[locale] = kinds
	}
	return set
}

// trialRender renders a template once with a sample answer, so that a
// template that fails on a typical answer (a division by zero) is
// rejected when it is saved rather than skipped on the storefront. It is
// not what keeps a template safe: one render takes one branch, so the
// analysis in liquidsandbox.ParseTemplate judges every branch, and the render's own
// limits bound whatever the analysis cannot know.
func trialRender(t *liquidsandbox.Template, kind Kind) error {
	l := &english
	s := sampleSubject()
	_, err := t.Render(bindings(l, &s, "example.myshopify.com", kind != KindEmail))
	return err
}

func isKind(k Kind) bool { return slices.Contains(Kinds(), k) }

func kindList() string {
	names := make([]string, 0, 7)
	for _, k := range Kinds() {
		names = append(names, string(k))
	}
	return strings.Join(names, ", ")
}

// lookup finds the template for kind in the locale l answers in, or in its
// language ("en" templates serve en-GB readers too).
func (set *templateSet) lookup(tag string, kind Kind) *templateEntry {
	if e := set.byLocale[tag][kind]; e != nil {
		return e
	}
	if language, _, regional := strings.Cut(tag, "-"); regional {
		return set.byLocale[language][kind]
	}
	return nil
}

// customize applies st's templates to a built-in message.
func customize(st *delivery.Settings, l *lang, s *subject, m Message) Message {
	if st == nil || len(st.Messages) == 0 {
		return m
	}
	set := compiledTemplates(st, nil)
	var vars map[string]any
	render := func(e *templateEntry) (string, bool) {
		if e.err != nil {
			e.fail(set.log, e.err)
			return "", false
		}
		if vars == nil {
			vars = bindings(l, s, st.Shop, m.Kind != KindEmail)
		}
		text, err := e.tmpl.Render(vars)
		if err != nil {
			e.fail(set.log, err)
			return "", false
		}
		return oneLine(text), true
	}
	if e := set.lookup(l.tag, m.Kind); e != nil {
		if text, ok := render(e); ok {
			m.Text, m.HTML = text, messageHTML(l.tag, m.Kind, text)
		}
	}
	if m.Countdown != "" {
		if e := set.lookup(l.tag, KindCountdown); e != nil {
			if text, ok := render(e); ok {
				m.Countdown = text
			}
		}
	}
	return m
}

// oneLine makes a template's output one line of text: a message is a line,
// and a template written over several lines for readability should not
// show its line breaks and indentation.
// Only ASCII whitespace is collapsed (what Ruby's strip removes, but NUL):
// a French no-break space is meant.
func oneLine(s string) string { return strings.Join(strings.FieldsFunc(s, isASCIISpace), " ") }

func isASCIISpace(r rune) bool { return r < utf8.RuneSelf && strings.ContainsRune(" \t\n\v\f\r", r) }
