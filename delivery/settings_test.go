package delivery_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/leadtime-app/leadtime/delivery"
)

// problem is one expected validation problem: the exact path, and a part of
// the message.
type problem struct{ path, msg string }

// checkProblems reports unless err is a *ValidationError listing exactly
// want: every expected problem at its path, and no other.
func checkProblems(t *testing.T, call string, err error, want []problem) {
	t.Helper()
	var ve *delivery.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("%s error = %v, want a *delivery.ValidationError", call, err)
	}
	if !errors.Is(err, delivery.ErrInvalidSettings) {
		t.Errorf("%s: errors.Is(err, ErrInvalidSettings) = false", call)
	}
	got := slices.Clone(ve.Problems)
	for _, w := range want {
		i := slices.IndexFunc(got, func(p delivery.Problem) bool {
			return p.Path == w.path && strings.Contains(p.Message, w.msg)
		})
		if i < 0 {
			t.Errorf("%s: missing problem %s: …%s…", call, w.path, w.msg)
			continue
		}
		got = slices.Delete(got, i, i+1)
	}
	for _, p := range got {
		t.Errorf("%s: unexpected problem %s", call, p)
	}
}

// validYAML is a small valid settings document. Tests change it by
// replacing one line of it, so that each shows one problem.
const validYAML = `shop: test-valid.myshopify.com
timezone: Europe/Stockholm
country: SE
holidays: [SE]
cutoff: "14:00"
cutoff_by_weekday: {sat: "11:00"}
processing_days: [mon, tue, wed, thu, fri, sat]
closures:
  - {from: 2027-07-12, to: 2027-08-01, label: Sommarstängt}
processing: {min: 1, max: 3}
backorder: {min: 7, max: 14}
rules:
  - {name: handmade, match: {tags: [handmade]}, processing: {min: 3, max: 5}, readiness: made_to_order}
  - {name: by-id, match: {products: [1001], variants: [2001]}, ships_on: 2027-09-10}
shipping:
  carrier_days: [mon, tue, wed, thu, fri]
  destination_holidays: true
  zones:
    - name: Sweden
      countries: [SE]
      methods:
        - {code: standard, name: PostNord, min: 1, max: 3}
    - {name: Norden, countries: ["NO", DK], methods: [{code: standard, min: 2, max: 5}]}
    - {name: Rest of world, countries: ["*"], methods: [{code: standard, min: 5, max: 12}]}
catalog:
  - id: 1001
    handle: wool-sweater
    tags: [handmade]
    metafields: {processing_min_days: 5, processing_max_days: 8, ships_on: 2027-10-04}
    variants:
      - {id: 2001, title: S, inventory_quantity: 3, inventory_policy: deny}
`

// replaceLine returns validYAML with the line that starts with old (after
// its indentation) replaced by repl, keeping the indentation.
func replaceLine(t *testing.T, old, repl string) string {
	t.Helper()
	lines := strings.Split(validYAML, "\n")
	for i, l := range lines {
		indent := l[:len(l)-len(strings.TrimLeft(l, " "))]
		if strings.HasPrefix(strings.TrimLeft(l, " "), old) {
			lines[i] = indent + repl
			return strings.Join(lines, "\n")
		}
	}
	t.Fatalf("test table: no line starts with %q", old)
	return ""
}

func TestValidYAML(t *testing.T) {
	shop, err := delivery.LoadShop([]byte(validYAML))
	if err != nil {
		t.Fatalf("LoadShop(validYAML): %v", err)
	}
	if shop == nil {
		t.Fatal("LoadShop(validYAML) = nil, nil")
	}
}

// TestLoadShopOneProblem: each row breaks one thing in a valid document and
// must get exactly that problem, at that path; the Shop is nil.
func TestLoadShopOneProblem(t *testing.T) {
	tests := []struct {
		old, repl string // replace the line starting with old by repl
		want      problem
	}{
		// Meaning (Compile).
		{"timezone:", "timezone: Mars/Olympus", problem{"timezone", `"Mars/Olympus" is not an IANA time zone`}},
		{"timezone:", "timezone: Local", problem{"timezone", "is not an IANA time zone"}},
		{"timezone:", `timezone: ""`, problem{"timezone", "is required"}},
		{"shop:", "shop: Test.example.com", problem{"shop", "is not a shop domain"}},
		{"country:", "country: XX", problem{"country", `"XX" is not an ISO 3166 country code`}},
		{"country:", "country: se", problem{"country", `"se" is not an ISO 3166 country code`}},
		{"holidays:", "holidays: [SE, Atlantis]", problem{"holidays[1]", `no holiday calendar "Atlantis"`}},
		{"cutoff:", `cutoff: "25:00"`, problem{"cutoff", `"25:00" is not a time like 14:00`}},
		{"cutoff:", `cutoff: "14:60"`, problem{"cutoff", "is not a time"}},
		{"cutoff:", `cutoff: "2pm"`, problem{"cutoff", "is not a time"}},
		{"cutoff:", `cutoff: "9:00"`, problem{"cutoff", "is not a time"}},
		{"cutoff_by_weekday:", `cutoff_by_weekday: {caturday: "11:00"}`, problem{"cutoff_by_weekday.caturday", "unknown weekday"}},
		{"cutoff_by_weekday:", `cutoff_by_weekday: {sat: "24:00"}`, problem{"cutoff_by_weekday.sat", `"24:00" is not a time`}},
		{"processing_days:", "processing_days: [mon, someday]", problem{"processing_days[1]", `unknown weekday "someday"`}},
		{"processing_days:", "processing_days: []", problem{"processing_days", "needs at least one day"}},
		{"processing_days:", "processing_days: [mon, tue, mon]", problem{"processing_days[2]", "listed twice"}},
		{"- {from: 2027-07-12", "- {from: 2027-08-01, to: 2027-07-12}", problem{"closures[0].to", "is before from"}},
		{"- {from: 2027-07-12", "- {from: 2027-01-01, to: 2028-01-03}", problem{"closures[0]", "at most 366 days"}},
		{"- {from: 2027-07-12", "- {from: 1960-01-01, to: 1960-01-02}", problem{"closures[0]", "dates must be between"}},
		{"processing:", "processing: {min: 3, max: 1}", problem{"processing.min", "must be ≤ max"}},
		{"processing:", "processing: {min: 1, max: 366}", problem{"processing.max", "must be ≤ 365"}},
		{"processing:", "processing: {min: -1, max: 3}", problem{"processing.min", "must not be negative"}},
		{"backorder:", "backorder: {min: 0, max: 400}", problem{"backorder.max", "must be ≤ 365"}},
		{"- {name: handmade", "- {name: handmade, match: {}, processing: {min: 3, max: 5}}", problem{"rules[0].match", "is empty"}},
		{"- {name: handmade", "- {name: handmade, match: {tags: []}, processing: {min: 3, max: 5}}", problem{"rules[0].match.tags", "empty list"}},
		{"- {name: handmade", `- {name: handmade, match: {tags: [""]}, processing: {min: 3, max: 5}}`, problem{"rules[0].match.tags[0]", "is empty"}},
		{"- {name: handmade", "- {name: handmade, match: {variants: [abc]}, processing: {min: 3, max: 5}}", problem{"rules[0].match.variants[0]", `"abc" is not a variant id`}},
		{"- {name: handmade", "- {name: handmade, match: {tags: [handmade]}}", problem{"rules[0]", "sets nothing"}},
		{"- {name: handmade", "- {name: handmade, match: {tags: [x]}, readiness: soon}", problem{"rules[0].readiness", `"soon" is not ready_to_ship or made_to_order`}},
		{"- {name: by-id", "- {name: handmade, match: {tags: [x]}, ships_on: 2027-09-10}", problem{"rules[1].name", "already the name of rules[0]"}},
		{"- {name: by-id", "- {name: by-id, match: {tags: [x]}, processing: {min: 5, max: 3}}", problem{"rules[1].processing.min", "must be ≤ max"}},
		{"carrier_days:", "carrier_days: []", problem{"shipping.carrier_days", "needs at least one day"}},
		{"carrier_days:", "carrier_days: [mon, weekend]", problem{"shipping.carrier_days[1]", "unknown weekday"}},
		{"countries: [SE]", "countries: [SE, UK]", problem{"shipping.zones[0].countries[1]", `"UK" is not an ISO 3166 country code`}},
		{"countries: [SE]", "countries: [SE, DK]", problem{"shipping.zones[1].countries[1]", `"DK" is already in zone "Sweden"`}},
		{"countries: [SE]", `countries: [SE, "*"]`, problem{"shipping.zones[2].countries[0]", `"*" is already in zone "Sweden"`}},
		{"countries: [SE]", "countries: []", problem{"shipping.zones[0].countries", "needs at least one country"}},
		{"- {code: standard, name: PostNord", "- {code: standard, name: PostNord, min: 4, max: 3}", problem{"shipping.zones[0].methods[0].min", "must be ≤ max"}},
		{"- {code: standard, name: PostNord", "- {code: standard, name: PostNord, min: 1, max: 400}", problem{"shipping.zones[0].methods[0].max", "must be ≤ 365"}},
		{"- {code: standard, name: PostNord", "- {code: Standard!, name: PostNord, min: 1, max: 3}", problem{"shipping.zones[0].methods[0].code", "is not a code"}},
		{"- {code: standard, name: PostNord", `- {code: standard, name: PostNord, min: 1, max: 3, checkout_titles: ["Standard", " standard "]}`, problem{"shipping.zones[0].methods[0].checkout_titles[1]", `" standard " is already matched by shipping.zones[0].methods[0].checkout_titles[0]`}},
		{"- {code: standard, name: PostNord", `- {code: standard, name: PostNord, min: 1, max: 3, checkout_titles: [" "]}`, problem{"shipping.zones[0].methods[0].checkout_titles[0]", "is empty"}},
		{"- {code: standard, name: PostNord", `- {code: standard, name: PostNord, min: 1, max: 3, checkout_titles: 7}`, problem{"shipping.zones[0].methods[0].checkout_titles", "must be a list"}},
		{"metafields: {processing_min_days: 5", "metafields: {processing_min_days: 9, processing_max_days: 8}", problem{"catalog[0].metafields.processing_min_days", "must be ≤ processing_max_days"}},
		{"- {id: 2001", "- {id: 2001, inventory_quantity: 3, inventory_policy: sometimes}", problem{"catalog[0].variants[0].inventory_policy", `"sometimes" is not deny or continue`}},
		{"- {id: 2001", "- {id: 0}", problem{"catalog[0].variants[0].id", "must be a positive number"}},

		// Form (ParseSettings): unknown keys and wrong types.
		{"- {name: handmade", "- {name: handmade, match: {colour: [red]}, processing: {min: 3, max: 5}}", problem{"rules[0].match.colour", "unknown key"}},
		{"- {name: handmade", "- {name: handmade, match: {tags: [x], colour: [red]}, processing: {min: 3, max: 5}}", problem{"rules[0].match.colour", "unknown key"}},
		{"processing:", "processing: {min: three, max: 3}", problem{"processing.min", "must be a whole number"}},
		{"processing:", "processing: {min: 1.5, max: 3}", problem{"processing.min", "must be a whole number"}},
		{"processing:", "processing: {min: 1}", problem{"processing.max", "is required"}},
		{"processing:", "processing: 3", problem{"processing", "must be a mapping"}},
		{"processing:", "processing: {min: 1, max: 99999999999}", problem{"processing.max", "out of range"}},
		{"cutoff:", "cutoff: 1400", problem{"cutoff", "must be a string, not the number 1400"}},
		{"destination_holidays:", "destination_holidays: sometimes", problem{"shipping.destination_holidays", "must be true or false"}},
		{"holidays:", "holidays: SE", problem{"holidays", "must be a list"}},
		{"- {from: 2027-07-12", "- {from: 2027-02-30, to: 2027-03-01}", problem{"closures[0].from", "not a date"}},
		{"- {from: 2027-07-12", "- {from: 2027-07-12}", problem{"closures[0].to", "is required"}},
		{"metafields: {processing_min_days: 5", "metafields: {ships_on: 2027-13-01}", problem{"catalog[0].metafields.ships_on", "not a date"}},
		{"- {id: 2001", "- {id: abc}", problem{"catalog[0].variants[0].id", "must be a whole number"}},
		{"country:", "country_code: SE", problem{"country_code", "unknown key"}}, // and country is then missing:
	}
	for _, tt := range tests {
		doc := replaceLine(t, tt.old, tt.repl)
		want := []problem{tt.want}
		if tt.repl == "country_code: SE" {
			want = append(want, problem{"country", "is required"})
		}
		shop, err := delivery.LoadShop([]byte(doc))
		call := fmt.Sprintf("LoadShop(%s)", tt.repl)
		if shop != nil {
			t.Errorf("%s = a Shop, want nil: nothing is half-applied", call)
		}
		checkProblems(t, call, err, want)
	}
}

// badYAML has problems of every kind at once. LoadShop reports all of them
// together, by path; problems that only follow from a value it had to drop
// (rules[0].match is empty once its unknown key is gone; processing.min
// against a dropped max) are not reported twice.
const badYAML = `shop: test-bad.myshopify.com
timezone: Mars/Olympus
country: XX
holidays: [SE, Atlantis]
cutoff: "25:00"
cutoff_by_weekday: {caturday: "11:00"}
processing_days: []
processing: {min: three, max: 5}
backorder: {min: 1, max: 400}
rules:
  - {name: colourful, match: {colour: [red]}, processing: {min: 1, max: 2}}
  - {name: empty, match: {}, processing: {min: 1, max: 2}}
  - {name: reversed, match: {tags: [x]}, processing: {min: 5, max: 3}}
  - {name: idle, match: {tags: [y]}}
  - {name: wrong, match: {tags: [z]}, processing: {min: 1, max: many}}
shipping:
  carrier_days: []
  zones:
    - {name: A, countries: [SE], methods: [{code: standard, min: 1, max: 3}]}
    - {name: B, countries: [SE, ZZ], methods: [{code: standard, min: 0, max: 400}]}
`

func TestLoadShopReportsEveryProblem(t *testing.T) {
	shop, err := delivery.LoadShop([]byte(badYAML))
	if shop != nil {
		t.Error("LoadShop(badYAML) returned a Shop")
	}
	checkProblems(t, "LoadShop(badYAML)", err, []problem{
		{"rules[0].match.colour", "unknown key"},
		{"processing.min", "must be a whole number"},
		{"rules[4].processing.max", "must be a whole number"},
		{"timezone", "is not an IANA time zone"},
		{"country", "is not an ISO 3166 country code"},
		{"holidays[1]", `no holiday calendar "Atlantis"`},
		{"cutoff", `"25:00" is not a time`},
		{"cutoff_by_weekday.caturday", "unknown weekday"},
		{"processing_days", "needs at least one day"},
		{"backorder.max", "must be ≤ 365"},
		{"rules[1].match", "is empty"},
		{"rules[2].processing.min", "must be ≤ max"},
		{"rules[3]", "sets nothing"},
		{"shipping.carrier_days", "needs at least one day"},
		{"shipping.zones[1].countries[0]", `"SE" is already in zone "A"`},
		{"shipping.zones[1].countries[1]", `"ZZ" is not an ISO 3166 country code`},
		{"shipping.zones[1].methods[0].max", "must be ≤ 365"},
	})
	// ParseSettings alone reports the problems of form only.
	_, err = delivery.ParseSettings([]byte(badYAML))
	checkProblems(t, "ParseSettings(badYAML)", err, []problem{
		{"rules[0].match.colour", "unknown key"},
		{"processing.min", "must be a whole number"},
		{"rules[4].processing.max", "must be a whole number"},
	})
}

// TestCompileReportsEveryProblem: the same through Compile, from Go values.
func TestCompileReportsEveryProblem(t *testing.T) {
	st := seSettings()
	st.Timezone = "Europe/Stokholm"
	st.Cutoff = "25:00"
	st.CutoffByWeekday = map[string]string{"sat": "11:00", "lördag": "10:00"}
	st.ProcessingDays = []string{"mon", "fri", "friday"}
	st.Processing = &delivery.Days{Min: 4, Max: 2}
	st.Rules = []delivery.Rule{
		{Name: "ok", Match: delivery.Match{Tags: []delivery.Ref{"a"}}, Readiness: delivery.MadeToOrder},
		{Name: "none", Match: delivery.Match{}, Processing: &delivery.Days{Min: 1, Max: 2}},
		{Name: "reversed", Match: delivery.Match{Vendors: []delivery.Ref{"V"}}, Processing: &delivery.Days{Min: 5, Max: 3}},
	}
	st.Shipping.CarrierDays = []string{}
	st.Shipping.Zones[2].Countries = []string{"*", "NO"}
	before, _ := json.Marshal(st)
	shop, err := delivery.Compile(st)
	if shop != nil {
		t.Error("Compile(bad settings) returned a Shop")
	}
	checkProblems(t, "Compile(bad settings)", err, []problem{
		{"timezone", `"Europe/Stokholm" is not an IANA time zone`},
		{"cutoff", `"25:00" is not a time`},
		{"cutoff_by_weekday.lördag", "unknown weekday"},
		{"processing_days[2]", `unknown weekday "friday"`},
		{"processing.min", "must be ≤ max (2)"},
		{"rules[1].match", "is empty"},
		{"rules[2].processing.min", "must be ≤ max (3)"},
		{"shipping.carrier_days", "needs at least one day"},
		{"shipping.zones[2].countries[1]", `"NO" is already in zone "Norden"`},
	})
	// Nothing is half-applied, and the document is left as it was.
	if after, _ := json.Marshal(st); string(after) != string(before) {
		t.Errorf("Compile changed the settings it rejected:\nbefore %s\nafter  %s", before, after)
	}
}

// TestYAMLAndJSON: the YAML and JSON forms of one document give the same
// Settings, bare YAML dates included, and a Settings written back as JSON
// reads back the same (the admin API writes what it reads).
func TestYAMLAndJSON(t *testing.T) {
	const jsonDoc = `{
	"shop": "test-valid.myshopify.com", "timezone": "Europe/Stockholm", "country": "SE",
	"holidays": ["SE"], "cutoff": "14:00", "cutoff_by_weekday": {"sat": "11:00"},
	"processing_days": ["mon", "tue", "wed", "thu", "fri", "sat"],
	"closures": [{"from": "2027-07-12", "to": "2027-08-01", "label": "Sommarstängt"}],
	"processing": {"min": 1, "max": 3}, "backorder": {"min": 7, "max": 14},
	"rules": [
		{"name": "handmade", "match": {"tags": ["handmade"]}, "processing": {"min": 3, "max": 5}, "readiness": "made_to_order"},
		{"name": "by-id", "match": {"products": [1001], "variants": [2001]}, "ships_on": "2027-09-10"}
	],
	"shipping": {"carrier_days": ["mon", "tue", "wed", "thu", "fri"], "destination_holidays": true, "zones": [
		{"name": "Sweden", "countries": ["SE"], "methods": [{"code": "standard", "name": "PostNord", "min": 1, "max": 3}]},
		{"name": "Norden", "countries": ["NO", "DK"], "methods": [{"code": "standard", "min": 2, "max": 5}]},
		{"name": "Rest of world", "countries": ["*"], "methods": [{"code": "standard", "min": 5, "max": 12}]}
	]},
	"catalog": [{"id": 1001, "handle": "wool-sweater", "tags": ["handmade"],
		"metafields": {"processing_min_days": 5, "processing_max_days": 8, "ships_on": "2027-10-04"},
		"variants": [{"id": 2001, "title": "S", "inventory_quantity": 3, "inventory_policy": "deny"}]}]
}`
	fromYAML, err := delivery.ParseSettings([]byte(validYAML))
	if err != nil {
		t.Fatalf("ParseSettings(YAML): %v", err)
	}
	fromJSON, err := delivery.ParseSettings([]byte(jsonDoc))
	if err != nil {
		t.Fatalf("ParseSettings(JSON): %v", err)
	}
	if !reflect.DeepEqual(fromYAML, fromJSON) {
		t.Errorf("ParseSettings(YAML) = %+v\nParseSettings(JSON) = %+v\nwant them equal", fromYAML, fromJSON)
	}
	// Bare YAML dates are dates.
	if c := fromYAML.Closures; len(c) != 1 || c[0].From != delivery.DateOf(2027, time.July, 12) || c[0].To != delivery.DateOf(2027, time.August, 1) {
		t.Errorf("closures = %+v, want 2027-07-12..2027-08-01", c)
	}
	if s := fromYAML.Rules[1].ShipsOn; s == nil || *s != delivery.DateOf(2027, time.September, 10) {
		t.Errorf("rules[1].ships_on = %v, want 2027-09-10", s)
	}
	if s := fromYAML.Catalog[0].Metafields.ShipsOn; s == nil || *s != delivery.DateOf(2027, time.October, 4) {
		t.Errorf("catalog[0].metafields.ships_on = %v, want 2027-10-04", s)
	}
	// Numbers in match lists are kept as their decimal text.
	if m := fromYAML.Rules[1].Match; !slices.Equal(m.Products, []delivery.Ref{"1001"}) || !slices.Equal(m.Variants, []delivery.Ref{"2001"}) {
		t.Errorf("rules[1].match = %+v, want products [1001] and variants [2001]", m)
	}

	// Written back as JSON, each reads back the same.
	for name, st := range map[string]*delivery.Settings{"validYAML": fromYAML, "seSettings": seSettings(), "seSevenShop": seSevenShop.Settings()} {
		data, err := json.Marshal(st)
		if err != nil {
			t.Fatal(err)
		}
		back, err := delivery.ParseSettings(data)
		if err != nil {
			t.Fatalf("ParseSettings(json.Marshal(%s)): %v", name, err)
		}
		if !reflect.DeepEqual(back, st) {
			t.Errorf("ParseSettings(json.Marshal(%s)) = %+v\nwant %+v", name, back, st)
		}
	}
}

// TestNorwayInYAML: "NO" is Norway whether quoted or not (the decoder reads
// YAML 1.2, where only true and false are booleans).
func TestNorwayInYAML(t *testing.T) {
	for _, countries := range []string{`["NO"]`, `[NO]`, `['NO']`} {
		doc := replaceLine(t, "- {name: Norden", "- {name: Norden, countries: "+countries+", methods: [{code: standard, min: 2, max: 5}]}")
		shop, err := delivery.LoadShop([]byte(doc))
		if err != nil {
			t.Fatalf("LoadShop(countries: %s): %v", countries, err)
		}
		r, err := shop.Route(delivery.Destination{Country: "NO"})
		if err != nil || r.Zone != "Norden" {
			t.Errorf("LoadShop(countries: %s): Route(NO) = %q, %v, want zone Norden", countries, r.Zone, err)
		}
	}
}

// TestSettingsDefaults: what a document leaves out (DESIGN §3): holidays
// default to the shop's country and [] means none; cutoff 14:00; processing
// 1–3; backorder 0–0; Mon–Fri; destination holidays on.
func TestSettingsDefaults(t *testing.T) {
	minimal := mustLoad(`
shop: test-minimal.myshopify.com
timezone: Europe/Stockholm
country: SE
shipping: {zones: [{name: All, countries: ["*"], methods: [{code: standard, min: 1, max: 3}]}]}
`)
	noHolidays := mustLoad(`
shop: test-noholidays.myshopify.com
timezone: Europe/Stockholm
country: SE
holidays: []
shipping: {zones: [{name: All, countries: ["*"], methods: [{code: standard, min: 1, max: 3}]}]}
`)
	// Iceland has no holiday calendar: by default, no holidays.
	iceland := mustLoad(`
shop: test-iceland.myshopify.com
timezone: Atlantic/Reykjavik
country: IS
shipping: {zones: [{name: All, countries: ["*"], methods: [{code: standard, min: 1, max: 3}]}]}
`)
	backordered := delivery.Item{Product: stocked(90, 0, delivery.PolicyContinue)}
	runQuoteRows(t, []quoteRow{
		// Default holidays [SE]. Wed 23 Dec 2026 15:00 CET, after the default 14:00
		// cutoff: day0 (Thu 24 Julafton, Fri 25 Juldagen) Mon 28. +1 Tue 29, +3 (Thu 31,
		// Fri 1 closed) Mon 4 Jan. Transit 1–3: Wed 30; Mon 4 → Tue 5, (Wed 6) Thu 7, Fri 8.
		{"holidays default to the country", minimal, delivery.Item{Product: mug}, delivery.Destination{}, "2026-12-23T14:00:00Z",
			want{"2026-12-29..2027-01-04", "2026-12-30..2027-01-08", "2026-12-28T14:00:00+01:00", false, "2026-12-24T00:00:00+01:00"}},
		// holidays: []: Julafton is a processing day. day0 Thu 24. +1 Fri 25, +3 Tue 29
		// (Fri 25, Mon 28, Tue 29). Carriers still skip SE holidays (destination SE):
		// Fri 25 → (Sat 26, Sun 27) Mon 28; Tue 29 → Wed 30, (Thu 31, Fri 1) Mon 4, Tue 5.
		{"holidays: [] means none", noHolidays, delivery.Item{Product: mug}, delivery.Destination{}, "2026-12-23T14:00:00Z",
			want{"2026-12-25..2026-12-29", "2026-12-28..2027-01-05", "2026-12-24T14:00:00+01:00", false, "2026-12-24T00:00:00+01:00"}},
		// Backorder defaults to 0–0: a backordered line takes the default 1–3. Tue 14
		// Sep 2027 10:00: ships Wed 15 – Fri 17, delivery Thu 16 – Wed 22.
		{"backorder defaults to 0-0", minimal, backordered, delivery.Destination{}, "2027-09-14T08:00:00Z",
			want{"2027-09-15..2027-09-17", "2027-09-16..2027-09-22", "2027-09-14T14:00:00+02:00", false, "2027-09-14T14:00:00+02:00"}},
		// Reykjavik is UTC+0 all year. Thu 24 Dec 2026 10:00: no holidays in Iceland's
		// settings, and none for the destination IS: ships Fri 25 – Tue 29 (Fri 25,
		// Mon 28, Tue 29); delivery Mon 28 – Fri 1 Jan (Wed 30, Thu 31, Fri 1).
		{"a country without a holiday calendar", iceland, delivery.Item{Product: mug}, delivery.Destination{}, "2026-12-24T10:00:00Z",
			want{"2026-12-25..2026-12-29", "2026-12-28..2027-01-01", "2026-12-24T14:00:00Z", false, "2026-12-24T14:00:00Z"}},
	})
}

// TestYAMLAnchors: a node shared through an alias reads the same at each use.
func TestYAMLAnchors(t *testing.T) {
	shop, err := delivery.LoadShop([]byte(`
shop: test-anchor.myshopify.com
timezone: Europe/Stockholm
country: SE
processing: &days {min: 1, max: 3}
backorder: *days
shipping:
  zones:
    - {name: Sverige, countries: [SE], methods: &methods [{code: standard, min: 1, max: 3}]}
    - {name: Norden, countries: ["NO"], methods: *methods}
`))
	if err != nil {
		t.Fatalf("LoadShop(anchors): %v", err)
	}
	st := shop.Settings()
	want := delivery.Days{Min: 1, Max: 3}
	if *st.Processing != want || *st.Backorder != want {
		t.Errorf("LoadShop(anchors) processing %v backorder %v, want both %v", *st.Processing, *st.Backorder, want)
	}
	if m := st.Shipping.Zones[1].Methods; len(m) != 1 || m[0].Code != "standard" || m[0].Max != 3 {
		t.Errorf("LoadShop(anchors) zones[1].methods = %+v, want standard 1–3", m)
	}
}

// TestLoadShopBounded: documents that would take the YAML decoder minutes
// (deep nesting) or expand to billions of nodes (aliases) are refused.
func TestLoadShopBounded(t *testing.T) {
	bomb := "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
	prev := "a"
	for i := range 12 { // 10^13 nodes once expanded
		name := fmt.Sprintf("n%d", i)
		bomb += name + ": &" + name + " [" + strings.TrimSuffix(strings.Repeat("*"+prev+", ", 10), ", ") + "]\n"
		prev = name
	}
	tests := []struct {
		name, doc, msg string
	}{
		{"alias bomb", bomb, "too many values"},
		{"deep flow sequence", "a: " + strings.Repeat("[", 100000) + strings.Repeat("]", 100000), "nested too deeply"},
		{"deep flow mapping", "a: " + strings.Repeat("{a: ", 100000) + "1" + strings.Repeat("}", 100000), "nested too deeply"},
		{"deep block sequence", strings.Repeat("- ", 100000) + "x", "nested too deeply"},
		{"too large", strings.Repeat("#", delivery.MaxSettingsSize+1), "larger than"},
	}
	for _, tt := range tests {
		shop, err := delivery.LoadShop([]byte(tt.doc))
		if shop != nil || err == nil || !strings.Contains(err.Error(), tt.msg) {
			t.Errorf("LoadShop(%s) = %v, %v, want an error saying %q", tt.name, shop, err, tt.msg)
		}
	}
	// Moderate nesting is still read (and then reported by path).
	_, err := delivery.LoadShop([]byte("shop: " + strings.Repeat("[", 20) + strings.Repeat("]", 20)))
	checkProblems(t, "LoadShop(nested shop)", err, []problem{
		{"shop", "must be a string"}, {"timezone", "is required"}, {"country", "is required"}, {"shipping", "is required"},
	})
}

// FuzzParseSettings feeds any bytes to LoadShop: it must never panic or
// hang, and a document it accepts must quote its first product without
// panicking, with dates in order, and read back the same when written as
// JSON. The Makefile runs it as `go test -run '^$' -fuzz FuzzParseSettings`.
func FuzzParseSettings(f *testing.F) {
	for _, name := range []string{
		"../testdata/acceptance/shop.yaml",
		"../testdata/acceptance/shop-us.yaml",
		"../examples/demo-shop.yaml",
	} {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(validYAML))
	f.Add([]byte(badYAML))
	st := seSettings()
	st.Catalog = []delivery.Product{*preorder(1, "2027-03-29"), *stocked(2, 0, delivery.PolicyContinue)}
	js, err := json.Marshal(st)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(js)
	at := time.Date(2027, time.March, 26, 9, 0, 0, 0, time.UTC) // Good Friday in Stockholm
	f.Fuzz(func(t *testing.T, data []byte) {
		shop, err := delivery.LoadShop(data)
		if err != nil {
			var ve *delivery.ValidationError
			if !errors.As(err, &ve) || len(ve.Problems) == 0 {
				t.Fatalf("LoadShop error %v is not a *ValidationError with problems", err)
			}
			if shop != nil {
				t.Fatal("LoadShop returned both a Shop and an error")
			}
			return
		}
		// What is accepted survives being written back as JSON.
		again, err := json.Marshal(shop.Settings())
		if err != nil {
			t.Fatalf("json.Marshal(Settings): %v", err)
		}
		back, err := delivery.LoadShop(again)
		if err != nil {
			t.Fatalf("LoadShop(json.Marshal(Settings)) = %v\n%s", err, again)
		}
		if !reflect.DeepEqual(back.Settings(), shop.Settings()) {
			t.Fatalf("Settings changed in a JSON round trip:\n%+v\n%+v", shop.Settings(), back.Settings())
		}
		if len(shop.Catalog()) == 0 {
			return
		}
		p := &shop.Catalog()[0]
		a, err := delivery.Quote(shop, delivery.Item{Product: p, Quantity: 2}, delivery.Destination{}, at)
		if err != nil {
			return // e.g. the shop's country has no zone: an answer, not a crash
		}
		if a.Available {
			if !(a.Ships.Earliest <= a.Ships.Latest && a.Delivery.Earliest <= a.Delivery.Latest &&
				a.Ships.Earliest <= a.Delivery.Earliest && a.Ships.Latest <= a.Delivery.Latest && a.Today <= a.Ships.Earliest) {
				t.Fatalf("Quote dates out of order: today %s ships %v delivery %v", a.Today, a.Ships, a.Delivery)
			}
			if !a.Cutoff.At.After(at) {
				t.Fatalf("Quote cutoff.at %s is not after now %s", a.Cutoff.At, at)
			}
		}
		if !a.ExpiresAt.After(at) || a.ExpiresAt.Sub(at) > 25*time.Hour {
			t.Fatalf("Quote expires_at %s is not within a day after now %s", a.ExpiresAt, at)
		}
		_, _ = delivery.QuoteCart(shop, []delivery.Item{{Product: p}, {Product: p, VariantID: -1}}, delivery.Destination{}, at)
	})
}
