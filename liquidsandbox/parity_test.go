package liquidsandbox

import (
	"testing"

	"github.com/leadtime-app/leadtime/internal/liquidtest"
)

// parityTemplates are templates a merchant might write, covering every tag
// and filter of the sandbox. Each must render the same text here as in
// Shopify's Liquid with the same variables.
var parityTemplates = []string{
	"Skickas {{ ships.range }} · Levereras {{ delivery.range }}",
	"{% if cutoff.ships_today %}Beställ före {{ cutoff.at }} så skickar vi idag{% else %}Skickas {{ ships.range }}{% endif %}",
	"{{ processing.min_days }}–{{ processing.max_days }} ({{ processing.max_days | minus: processing.min_days }})",
	"{% case processing.readiness %}{% when 'made_to_order' %}Made for you{% when 'ready_to_ship' %}In stock{% else %}?{% endcase %}",
	"{% case country %}{% when 'SE', 'NO' %}Norden{% when 'DE' or 'FR' %}EU{% else %}world{% endcase %}",
	"{% unless available %}Sold out{% else %}{{ ships.earliest | upcase }}{% endunless %}",
	"{% unless available %}no{% elsif processing.backorder %}later{% else %}now{% endunless %}",
	"{{ shop | capitalize }} {{ shop | upcase }} {{ country_name | downcase }} {{ method | size }}",
	"{% assign n = processing.max_days | plus: 2 %}{% if n > 5 and available %}long{% elsif n > 2 %}medium{% else %}short{% endif %} {{ n }}",
	"{% capture d %} {{ delivery.earliest }}–{{ delivery.latest }} {% endcapture %}[{{ d | strip }}] {{ d | size }}",
	"{% assign words = ships.range | split: ' ' %}{% for w in words %}[{{ w }}{% if forloop.last %}!{% endif %}]{% endfor %}",
	"{% for i in (1..processing.max_days) reversed limit: 3 %}{{ i }}{% unless forloop.last %},{% endunless %}{% endfor %}",
	"{% for i in (1..6) offset: 2 limit: 2 %}{{ forloop.index }}:{{ i }}/{{ forloop.rindex }}{{ forloop.first }}{% endfor %}",
	"{% for i in (1..3) %}{% for j in (1..2) %}{{ forloop.parentloop.index }}{{ j }} {% endfor %}{% endfor %}",
	"{% for i in (1..5) %}{% if i == 2 %}{% continue %}{% endif %}{% if i == 4 %}{% break %}{% endif %}{{ i }}{% endfor %}",
	"{% for x in processing.ships_on %}{{ x }}{% else %}no pre-order{% endfor %}",
	"{{ ships.earliest_iso | date: '%-d %b %Y' }} {{ delivery.latest_iso | date: '%A %d/%m' }} {{ cutoff.at_iso | date: '%H:%M' }}",
	"{{ processing.days | replace: 'arbetsdagar', 'dagar' | prepend: 'Inom ' | append: '.' }}",
	"{{ '<b>\"x\" & \\'y\\'</b>' | escape }} {{ shop | truncate: 8 }} {{ 'a b c d' | truncatewords: 2 }} {{ 'a b ' | truncatewords: 2, '…' }} {{ 'abcdef' | slice: 1, 3 }} {{ 'abcdef' | slice: -2 }}",
	"{{ processing.max_days | times: 1.5 }} {{ processing.max_days | divided_by: 3 }} {{ processing.max_days | modulo: 3 }} {{ 10 | divided_by: 4.0 }} {{ 2.345 | round: 2 }} {{ 2.5 | round }} {{ 0.1 | plus: 0.2 }}",
	"{{ -7 | divided_by: 2 }} {{ -7 | modulo: 2 }} {{ '5' | plus: 1 }} {{ '2.5' | times: 2 }} {{ 4.6 | floor }} {{ 4.2 | ceil }} {{ -3 | abs }}",
	"{{ 5 | at_least: processing.max_days }} {{ 5 | at_most: processing.min_days }}",
	"{%- if available -%}  {{ ships.range }}  {%- endif -%} |{{- ' x ' -}}|",
	"{% raw %}{{ not a variable }}{% endraw %} {% comment %}hidden {{ nope }}{% endcomment %}ok",
	"{{ ships.range | default: 'soon' }} {{ processing.ships_on | default: 'none' }} {{ processing.backorder | default: 'no' }} {{ 0 | default: 'zero' }}",
	"{% if ships.range contains 'dec' %}december{% endif %} {% if country == 'SE' or country == 'NO' %}nordic{% endif %}",
	"{{ remaining }} left: order before {{ cutoff.at }}",
	"{{ 'c,a,b' | split: ',' | sort | join: '-' }} {{ 'c,a,B,a' | split: ',' | sort_natural | join }} {{ 'c,a,b,a' | split: ',' | uniq | reverse | join: '' }} {{ 'a,b' | split: ',' | first }}{{ 'a,b' | split: ',' | last }}",
	"{{ processing.backorder }} {{ cutoff.ships_today }} {{ available }} {{ processing.min_days }} {{ today_iso }} {{ locale }}",
	"{% capture t %}x\ny\r\nz{% endcapture %}{{ 'Hello  World ' | rstrip | lstrip }}|{{ t | newline_to_br }}|{{ t | strip_newlines }}|{{ '<p>a<script>b</script></p><!-- c -->' | strip_html }}",
	"{{ shop | url_encode }} {{ 'a%20b+c%zz' | url_decode }} {{ '&amp; & <' | escape_once }}",
	"{% if available %}\n  Skickas {{ ships.range }}\n{% endif %}",
	"{% if available\n   and cutoff.ships_today %}today{% else %}later{% endif %}",
	"{{ ships.range | size }} {{ shop | size }} {{ ships.size }} {% assign w = 'a,b' | split: ',' %}{{ w.size }}",
	"{% assign parts = delivery.range | split: '–' %}{{ parts.size }} {{ parts[0] }} {{ parts | join: ' to ' }}",
	"{{ 'x' | append: processing.min_days }} {{ processing.max_days | append: ' d' }} {{ 'a,b' | split: ',' | concat: ships.range | join }}",
	"{% assign a = 'x,y' | split: ',' %}{% assign b = a | concat: a | compact %}{{ b | size }}",
	"{% if processing.min_days >= 1 and processing.max_days <= 8 %}ok{% endif %}{% if shop != '' %}!{% endif %}{% if ships.range == empty %}empty{% endif %}",
	"{% assign s = 'ÅÄÖ étÉ ß' %}{{ s | downcase }} {{ s | upcase }} {{ 'élan' | capitalize }}",
}

// parityFailures must fail in both engines.
var parityFailures = []string{
	"{{ nope }}",
	"{{ ships.nope }}",
	"{{ shop | nope }}",
	"{% include 'x' %}",
	"{% render 'x' %}",
	"{{ shop ",
	"{% if %}{% endif %}",
	"{% if available %}",
	"{{ 1 | divided_by: 0 }}",
	"{{ shop | upcase: 1 }}",
	"{% for %}{% endfor %}",
	"{% endif %}",
	"{% for w in ships.range | split: ' ' %}{{ w }}{% endfor %}",
}

// stricterThanShopify are templates that Shopify's Liquid renders but the
// sandbox rejects when they are saved, each with a message that says what
// to write instead: the library cannot parse a {{ }} over several lines,
// counts a string's .size in bytes, and a name that is wrong anywhere is
// worth hearing about even where it would not be reached.
var stricterThanShopify = map[string]string{
	"{{ 'x\ny' }}":                        "line 1, column 1: “{{ … }}” must be on one line",
	"{{ ships.range.size }}":              "line 1, column 4: write {{ ships.range | size }} for the length of ships.range",
	"{% if false %}{{ nope }}{% endif %}": "line 1, column 18: unknown variable “nope”",
}

func TestSandboxStricterThanShopify(t *testing.T) {
	for src, want := range stricterThanShopify {
		_, err := ParseTemplate(src, testScope)
		if err == nil || err.Error() != want {
			t.Errorf("ParseTemplate(%q, testScope) = %v, want %q", src, err, want)
		}
	}
}

type parityCase struct {
	Name     string         `json:"name"`
	Template string         `json:"template"`
	Vars     map[string]any `json:"vars"`
}

type parityResult struct {
	Name   string   `json:"name"`
	Output *string  `json:"output"`
	Errors []string `json:"errors"`
}

// rubyLiquid renders cases with ruby-liquid in one ruby process. It fails
// the test, rather than skipping it, when ruby or ruby-liquid is missing:
// parity is a requirement, and `make test` installs both.
func rubyLiquid(t *testing.T, cases []parityCase) map[string]parityResult {
	t.Helper()
	var results []parityResult
	liquidtest.RunBatch(t, "testdata/parity.rb", cases, &results, "TZ=UTC")
	byName := map[string]parityResult{}
	for _, r := range results {
		byName[r.Name] = r
	}
	return byName
}

// TestLiquidParity renders every parity template for every subject with
// the sandbox and with Shopify's Liquid, and compares the text.
func TestLiquidParity(t *testing.T) {
	subjects := paritySubjects()
	var cases []parityCase
	for si, vars := range subjects {
		for i, src := range parityTemplates {
			cases = append(cases, parityCase{Name: si + "/ok/" + itoa(i), Template: src, Vars: vars})
		}
		for i, src := range parityFailures {
			cases = append(cases, parityCase{Name: si + "/fail/" + itoa(i), Template: src, Vars: vars})
		}
	}
	ruby := rubyLiquid(t, cases)
	for _, c := range cases {
		r, ok := ruby[c.Name]
		if !ok {
			t.Errorf("%s: no result from ruby", c.Name)
			continue
		}
		got, err := renderString(c.Template, c.Vars)
		rubyFailed := r.Output == nil || len(r.Errors) > 0
		switch {
		case rubyFailed && err != nil:
			// Both reject it.
		case rubyFailed:
			t.Errorf("%s: %q\n  ruby-liquid fails: %v\n  the sandbox gives %q", c.Name, c.Template, r.Errors, got)
		case err != nil:
			t.Errorf("%s: %q\n  ruby-liquid gives %q\n  the sandbox fails: %v", c.Name, c.Template, *r.Output, err)
		case got != *r.Output:
			t.Errorf("%s: %q\n  ruby-liquid: %q\n  sandbox:     %q", c.Name, c.Template, *r.Output, got)
		}
	}
}

func renderString(src string, vars map[string]any) (string, error) {
	tmpl, err := ParseTemplate(src, testScope)
	if err != nil {
		return "", err
	}
	return tmpl.Render(vars)
}

func itoa(i int) string { return string(rune('a'+i/26)) + string(rune('a'+i%26)) }
