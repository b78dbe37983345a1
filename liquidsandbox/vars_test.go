package liquidsandbox

// The tests' variables: package message's Variables and the values it
// binds them to for its sample answers (Swedish, made to order in 5–8
// days; English, shipping today; German, sold out; French, a pre-order),
// as message gave them when the sandbox moved here. The sandbox knows
// nothing of what they mean; they are a realistic scope and realistic
// values to render with.

// testScope is message's Variables.
var testScope = NewScope(
	"ships.range",
	"ships.earliest",
	"ships.latest",
	"ships.earliest_iso",
	"ships.latest_iso",
	"delivery.range",
	"delivery.earliest",
	"delivery.latest",
	"delivery.earliest_iso",
	"delivery.latest_iso",
	"processing.min_days",
	"processing.max_days",
	"processing.days",
	"processing.readiness",
	"processing.backorder",
	"processing.ships_on",
	"processing.ships_on_iso",
	"cutoff.at",
	"cutoff.at_iso",
	"cutoff.ships_today",
	"remaining",
	"shop",
	"country",
	"country_name",
	"method",
	"locale",
	"available",
	"today_iso",
)

// sampleVars is the Swedish sample answer's variables, a new map each
// call so that a test may change it.
func sampleVars() map[string]any {
	return map[string]any{
		"available":    true,
		"blank":        "",
		"country":      "SE",
		"country_name": "Sverige",
		"cutoff": map[string]any{
			"at":          "14:00",
			"at_iso":      "2026-11-30T14:00:00Z",
			"ships_today": false,
		},
		"delivery": map[string]any{
			"earliest":     "tis 8 dec",
			"earliest_iso": "2026-12-08",
			"latest":       "tis 15 dec",
			"latest_iso":   "2026-12-15",
			"range":        "8–15 dec",
		},
		"empty":  "",
		"locale": "sv",
		"method": "PostNord",
		"processing": map[string]any{
			"backorder":    false,
			"days":         "5–8 arbetsdagar",
			"max_days":     8,
			"min_days":     5,
			"readiness":    "made_to_order",
			"ships_on":     "",
			"ships_on_iso": "",
		},
		"remaining": "{remaining}",
		"ships": map[string]any{
			"earliest":     "mån 7 dec",
			"earliest_iso": "2026-12-07",
			"latest":       "tors 10 dec",
			"latest_iso":   "2026-12-10",
			"range":        "7–10 dec",
		},
		"shop":      "demo-handmade.myshopify.com",
		"today_iso": "2026-11-28",
	}
}

// paritySubjects are the answers the parity templates are rendered for.
func paritySubjects() map[string]map[string]any {
	return map[string]map[string]any{
		"sv": sampleVars(),
		"en-today": {
			"available":    true,
			"blank":        "",
			"country":      "NO",
			"country_name": "Norway",
			"cutoff": map[string]any{
				"at":          "2:00 PM",
				"at_iso":      "2026-12-01T14:00:00+01:00",
				"ships_today": true,
			},
			"delivery": map[string]any{
				"earliest":     "Wed, Dec 2",
				"earliest_iso": "2026-12-02",
				"latest":       "Fri, Dec 4",
				"latest_iso":   "2026-12-04",
				"range":        "between tomorrow and Fri, Dec 4",
			},
			"empty":  "",
			"locale": "en",
			"method": "PostNord",
			"processing": map[string]any{
				"backorder":    false,
				"days":         "0–1 business days",
				"max_days":     1,
				"min_days":     0,
				"readiness":    "ready_to_ship",
				"ships_on":     "",
				"ships_on_iso": "",
			},
			"remaining": "{remaining}",
			"ships": map[string]any{
				"earliest":     "Tue, Dec 1",
				"earliest_iso": "2026-12-01",
				"latest":       "Wed, Dec 2",
				"latest_iso":   "2026-12-02",
				"range":        "today or tomorrow",
			},
			"shop":      "demo-handmade.myshopify.com",
			"today_iso": "2026-12-01",
		},
		"de-sold-out": {
			"available":    false,
			"blank":        "",
			"country":      "DE",
			"country_name": "Deutschland",
			"cutoff": map[string]any{
				"at":          "",
				"at_iso":      "",
				"ships_today": false,
			},
			"delivery": map[string]any{
				"earliest":     "",
				"earliest_iso": "",
				"latest":       "",
				"latest_iso":   "",
				"range":        "",
			},
			"empty":  "",
			"locale": "de",
			"method": "DHL",
			"processing": map[string]any{
				"backorder":    false,
				"days":         "",
				"max_days":     0,
				"min_days":     0,
				"readiness":    "ready_to_ship",
				"ships_on":     "",
				"ships_on_iso": "",
			},
			"remaining": "{remaining}",
			"ships": map[string]any{
				"earliest":     "",
				"earliest_iso": "",
				"latest":       "",
				"latest_iso":   "",
				"range":        "",
			},
			"shop":      "demo-handmade.myshopify.com",
			"today_iso": "2026-11-28",
		},
		"fr-preorder": {
			"available":    true,
			"blank":        "",
			"country":      "SE",
			"country_name": "Suède",
			"cutoff": map[string]any{
				"at":          "14:00",
				"at_iso":      "2026-11-30T14:00:00Z",
				"ships_today": false,
			},
			"delivery": map[string]any{
				"earliest":     "mar. 8 déc.",
				"earliest_iso": "2026-12-08",
				"latest":       "mar. 15 déc.",
				"latest_iso":   "2026-12-15",
				"range":        "du 8 au 15 déc.",
			},
			"empty":  "",
			"locale": "fr",
			"method": "PostNord",
			"processing": map[string]any{
				"backorder":    true,
				"days":         "5–8 jours ouvrés",
				"max_days":     8,
				"min_days":     5,
				"readiness":    "made_to_order",
				"ships_on":     "1er mars",
				"ships_on_iso": "2027-03-01",
			},
			"remaining": "{remaining}",
			"ships": map[string]any{
				"earliest":     "lun. 7 déc.",
				"earliest_iso": "2026-12-07",
				"latest":       "jeu. 10 déc.",
				"latest_iso":   "2026-12-10",
				"range":        "du 7 au 10 déc.",
			},
			"shop":      "demo-handmade.myshopify.com",
			"today_iso": "2026-11-28",
		},
	}
}
